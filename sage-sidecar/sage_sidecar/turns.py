"""Turns on a session: one holder at a time, handed on in arrival order.

Like `asyncio.Lock`, with two differences the session needs: a free turn can be taken
without awaiting, so an idle session starts a cell at once, inside the call that asked for
it; and a turn is released by whoever finishes the work, which may be a callback rather than
the task that took it. Counterpart: `session`, the only user.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
from types import TracebackType


class Turns:
    def __init__(self) -> None:
        self._held = False
        self._waiters: collections.deque[asyncio.Future[None]] = collections.deque()

    @property
    def held(self) -> bool:
        return self._held

    def take_now(self) -> bool:
        """Take the turn if it is free and nobody is waiting for it; never waits."""
        if self._held or self._waiters:
            return False
        self._held = True
        return True

    async def take(self) -> None:
        """Wait for the turn, behind everybody who asked for it earlier."""
        if self.take_now():
            return
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self.release()  # handed over just as the caller gave up: pass it on
            else:
                with contextlib.suppress(ValueError):  # a release may have dropped it
                    self._waiters.remove(waiter)
            raise

    def release(self) -> None:
        """End the current turn; the longest waiter, if any, holds it next."""
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)  # still held: it passes straight to the waiter
                return
        self._held = False

    async def __aenter__(self) -> None:
        await self.take()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.release()
