"""The server's handle on one Sage worker: its pipe, its events, interrupt and kill.

Counterpart: `worker`, the code that runs in the process itself. Messages arrive through the
event loop's reader on the pipe, so a busy or dead worker never blocks the server.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import shutil
import signal
from concurrent.futures import Executor
from multiprocessing import reduction
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

from sage_sidecar.messages import (
    Clone,
    Cloned,
    EvaluateCell,
    EventBatch,
    Reply,
    Restore,
    Restored,
    SnapshotWritten,
    TakeSnapshot,
    WorkerReady,
)

log = logging.getLogger(__name__)


class WorkerProcess:
    def __init__(
        self, process: BaseProcess | None, conn: Connection, starter: Executor, pid: int = 0
    ) -> None:
        self._process = process  # None for a clone, which the forkserver did not start
        self._conn = conn
        self._starter = starter
        self._inbox: asyncio.Queue[EventBatch | Reply | None] = asyncio.Queue()
        self.pid: int = (process.pid or 0) if process is not None else pid
        self.alive = True
        self.scratch = ""
        self.sandbox: tuple[tuple[str, str], ...] = ()
        self._loop = asyncio.get_running_loop()
        self._loop.add_reader(conn.fileno(), self._on_readable)

    async def wait_ready(self, timeout: float) -> None:
        try:
            message = await asyncio.wait_for(self._inbox.get(), timeout)
        except TimeoutError:
            self.kill()
            raise RuntimeError(
                f"Sage worker {self.pid} did not start within {timeout:.0f} s"
            ) from None
        if not isinstance(message, WorkerReady):
            self.kill()
            raise RuntimeError(f"Sage worker {self.pid} died while starting")
        self.scratch, self.sandbox = message.scratch, message.sandbox

    def send(self, message: EvaluateCell | TakeSnapshot | Restore | Clone) -> None:
        # Output a previous cell's stray threads printed after it finished is not this cell's.
        while not self._inbox.empty():
            if self._inbox.get_nowait() is None:
                self._inbox.put_nowait(None)
                break
        self._conn.send(message)

    async def next_batch(self) -> EventBatch | None:
        """The next events from the worker, or None once it has died."""
        while True:
            message = await self._next()
            if message is None or isinstance(message, tuple):
                return message

    async def request(
        self, message: TakeSnapshot | Restore, timeout: float
    ) -> SnapshotWritten | Restored | None:
        """Send a request to an idle worker; its reply, or None if it died or took too long."""
        self.send(message)
        try:
            async with asyncio.timeout(timeout):
                while True:
                    reply = await self._next()
                    if reply is None or isinstance(reply, SnapshotWritten | Restored):
                        return reply
        except TimeoutError:
            log.error("Sage worker %d did not answer %s in %.0f s; killing it",
                      self.pid, type(message).__name__, timeout)  # fmt: skip
            self.kill()
            return None

    async def clone(self, timeout: float) -> WorkerProcess | None:
        """A new worker forked from this idle one, with a copy of its namespace."""
        ours, theirs = multiprocessing.Pipe()
        self.send(Clone())
        reduction.send_handle(self._conn, theirs.fileno(), self.pid)
        theirs.close()
        try:
            async with asyncio.timeout(timeout):
                while True:
                    reply = await self._next()
                    if reply is None or isinstance(reply, Cloned):
                        break
        except TimeoutError:
            reply = None
        if reply is None:
            ours.close()
            return None
        clone = WorkerProcess(None, ours, self._starter, pid=reply.pid)
        await clone.wait_ready(timeout)
        return clone

    async def _next(self) -> EventBatch | Reply | None:
        message = await self._inbox.get()
        if message is None:
            self._inbox.put_nowait(None)  # every later reader learns it too
        return message

    def interrupt(self) -> None:
        self._signal(signal.SIGINT)

    def kill(self) -> None:
        """Kill the worker's whole process group: Sage may have started helpers."""
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            self._signal(signal.SIGKILL)

    async def exit_description(self) -> str:
        """How the process ended, for an error message a person can act on."""
        if self._process is None:
            return "its exit status is unknown"
        await self._loop.run_in_executor(self._starter, self._process.join, 5.0)
        code = self._process.exitcode
        if code is None:
            return "its exit status is unknown"
        if code < 0:
            name = signal.Signals(-code).name
            hint = " (often the out-of-memory killer)" if -code == signal.SIGKILL else ""
            return f"killed by {name}{hint}"
        return f"exit status {code}"

    def _signal(self, signum: int) -> None:
        if self.alive:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signum)

    def _on_readable(self) -> None:
        try:
            message = self._conn.recv()
        except (EOFError, OSError):
            self._closed()
            return
        except Exception:
            log.exception("undecodable message from Sage worker %d; killing it", self.pid)
            self.kill()
            self._closed()
            return
        self._inbox.put_nowait(message)

    def _closed(self) -> None:
        if self.alive:
            self.alive = False
            self._loop.remove_reader(self._conn.fileno())
            self._conn.close()
            self._inbox.put_nowait(None)
            if self.scratch:
                self._loop.run_in_executor(None, shutil.rmtree, self.scratch, True)
