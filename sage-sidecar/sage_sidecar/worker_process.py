"""The server's handle on one Sage worker: its socket, its events, interrupt and kill.

Counterpart: `worker`, the code that runs in the process itself. Messages travel as
`channel` frames on the event loop, so a busy, stuck or dead worker never blocks the server,
and one that sends anything but a message is killed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import socket
from collections.abc import Callable
from concurrent.futures import Executor
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import TypeGuard

import psutil

from sage_sidecar import channel, sandbox
from sage_sidecar.channel import ForgedFrame, FrameLimits, ServerEnd
from sage_sidecar.messages import (
    CellState,
    Clone,
    Cloned,
    Display,
    Error,
    EvaluateCell,
    EventBatch,
    Finished,
    ListVariables,
    Reply,
    Restore,
    Restored,
    Result,
    SnapshotWritten,
    Started,
    Stream,
    TakeSnapshot,
    VariablesListed,
    WorkerFailed,
    WorkerReady,
    WorkerSpans,
)

log = logging.getLogger(__name__)

_WORKER_ITEMS = (Started, Stream, Display, Result, Error, Finished, WorkerSpans, CellState)
_REPLIES = (WorkerReady, SnapshotWritten, Restored, Cloned, VariablesListed)
_REPLY_TO: dict[type, type[SnapshotWritten | Restored | VariablesListed]] = {
    TakeSnapshot: SnapshotWritten,
    Restore: Restored,
    ListVariables: VariablesListed,
}


# Replies a worker may have waiting to be read: one asked for, and a few that came after
# their requests gave up. More are sent by Sage code, to make the server hold them.
_MAX_UNREAD_REPLIES = 16

# What a worker prints while no cell runs (a thread a cell left running) is kept for the
# session's next evaluation, up to this many characters.
MAX_STRAY_CHARS = 64 * 1024
STRAY_HEADER = "[printed after the previous evaluation ended, by code it left running:]\n"


class CloneRefused(Exception):
    """The worker could not fork a clone of itself; it serves on."""


class CloneFailed(Exception):
    """The worker forked a clone, which failed to become a worker; the source serves on."""


class WorkerProcess:
    def __init__(
        self, process: BaseProcess | None, starter: Executor, pid: int, limits: FrameLimits
    ) -> None:
        self._process = process  # None for a clone, which the forkserver did not start
        self._starter = starter
        self._inbox: asyncio.Queue[Reply | None] = asyncio.Queue()
        # Where a running cell's events go as they arrive, and None once the worker is gone;
        # output that comes while no cell runs (a stray thread's) is kept in `_stray`.
        self._sink: Callable[[EventBatch | None], None] | None = None
        self._sunk_from = 0  # bytes received before the cell that `_sink` serves
        self._stray: list[Stream] = []
        self._stray_chars = 0
        self._stray_dropped = 0  # characters and displays beyond MAX_STRAY_CHARS
        self.pid = pid
        self.alive = True
        self.scratch = ""
        self.sandbox: tuple[tuple[str, str], ...] = ()
        self._forged = ""
        self._killed = False  # by the sidecar, so its death is not blamed on anything else
        self._failed = False  # it reported a failure of its own code
        # The deadline of the request in progress, which `cut_short` brings forward.
        self._deadline: asyncio.Timeout | None = None
        self._cut_short = ""
        self._limits = limits
        self._loop = asyncio.get_running_loop()
        self._end = ServerEnd(self._deliver, self._closed, limits)
        self._pidfd = -1

    @classmethod
    async def attach(
        cls,
        process: BaseProcess | None,
        end: Connection | socket.socket,
        starter: Executor,
        *,
        limits: FrameLimits,
        pid: int = 0,
    ) -> WorkerProcess:
        """The handle on a started worker, talking over `end`, our side of its socket."""
        if isinstance(end, Connection):
            end = channel.socket_of(end)
        if process is not None:
            pid = process.pid or 0
        worker = cls(process, starter, pid, limits)
        await worker._loop.create_unix_connection(lambda: worker._end, sock=end)
        worker._watch_exit()
        return worker

    def _watch_exit(self) -> None:
        """Learn of the worker's end from the kernel too, not from its socket alone: a
        process it forked holds a copy of the socket, which keeps the end from showing there.
        Sage forks one whenever an interface (GAP, Maxima, PARI/GP) quits, to kill the
        interface's program in the background, and it lives 5 s or more."""
        try:
            self._pidfd = os.pidfd_open(self.pid)
        except OSError:  # gone already, or never ours to watch: the socket tells
            return
        self._loop.add_reader(self._pidfd, self._exited)

    def _exited(self) -> None:
        self._unwatch_exit()
        # What the worker sent before it ended is read first; then the end shows as EOF.
        self._end.stop_reading_at_end()

    def _unwatch_exit(self) -> None:
        if self._pidfd >= 0:
            self._loop.remove_reader(self._pidfd)
            os.close(self._pidfd)
            self._pidfd = -1

    @property
    def sink(self) -> Callable[[EventBatch | None], None] | None:
        return self._sink

    @sink.setter
    def sink(self, sink: Callable[[EventBatch | None], None] | None) -> None:
        self._sink = sink
        self._sunk_from = self._end.received

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

    def send(self, message: EvaluateCell | TakeSnapshot | Restore | Clone | ListVariables) -> None:
        self._forget_late_replies()
        self._end.send(message)

    def _forget_late_replies(self) -> None:
        # A reply that came after its request gave up is no answer to the next one.
        while not self._inbox.empty():
            if self._inbox.get_nowait() is None:
                self._inbox.put_nowait(None)
                break

    async def request(
        self, message: TakeSnapshot | Restore | ListVariables, timeout: float, *, grace: float = 0.0
    ) -> SnapshotWritten | Restored | VariablesListed | None:
        """Send a request to an idle worker; its reply, or None if it died or was killed.

        Past `timeout` seconds, or at once on `cut_short`, the worker gets SIGINT and `grace`
        seconds more to answer (the worker's reply then says it was interrupted); after that
        it is killed: a worker that will not stop is never waited on for longer.
        """
        self._end.expect_snapshot(isinstance(message, TakeSnapshot))
        self._cut_short = ""
        self.send(message)
        expected = _REPLY_TO[type(message)]
        try:
            try:
                async with asyncio.timeout(timeout) as self._deadline:
                    return await self._reply(expected)
            except TimeoutError:
                pass
            finally:
                self._deadline = None
            why = self._cut_short or f"it took over {timeout:g} s"
            if grace > 0 and self.alive:
                self.interrupt()
                try:
                    async with asyncio.timeout(grace):
                        return await self._reply(expected)
                except TimeoutError:
                    why += f"; then it did not stop within {grace:g} s of an interrupt"
            log.warning("Sage worker %d did not answer %s (%s); killing it",
                        self.pid, type(message).__name__, why)  # fmt: skip
            self.kill()
            return None
        finally:
            self._end.expect_snapshot(False)

    def cut_short(self, why: str) -> None:
        """Interrupt the request in progress, if any, as if its time were up."""
        if self._deadline is not None and not self._cut_short:
            self._cut_short = why
            with contextlib.suppress(RuntimeError):  # its time is up already
                self._deadline.reschedule(self._loop.time())

    async def _reply(
        self, expected: type[SnapshotWritten | Restored | VariablesListed]
    ) -> SnapshotWritten | Restored | VariablesListed | None:
        while True:
            reply = await self._next()
            # Anything else answers an earlier request whose caller stopped waiting.
            if reply is None or isinstance(reply, expected):
                return reply

    async def clone(self, timeout: float) -> WorkerProcess | None:
        """A new worker forked from this idle one, with a copy of its namespace; None if it
        did not answer. CloneRefused if it could not fork."""
        ours, theirs = socket.socketpair()
        self._forget_late_replies()
        with theirs:
            if not self._end.send_with_fd(Clone(), theirs.fileno()):
                ours.close()
                return None
        try:
            async with asyncio.timeout(timeout):
                while True:
                    reply = await self._next()
                    if reply is None or isinstance(reply, Cloned):
                        break
        except TimeoutError:
            reply = None
        if reply is None or reply.error:
            ours.close()
            if reply is not None:
                raise CloneRefused(reply.error)
            return None
        if not _is_child(reply.pid, self.pid):
            # The server signals and kills its workers: a pid taken on trust could be its own.
            ours.close()
            claim = f"it named process {reply.pid}, which is not its child, as its clone"
            self._closed(ForgedFrame(claim))
            raise CloneFailed(f"its worker was killed: {claim}")
        clone = await WorkerProcess.attach(
            None, ours, self._starter, limits=self._limits, pid=reply.pid
        )
        try:
            await clone.wait_ready(timeout)
        except RuntimeError as exc:  # the clone's own failure is in the log
            raise CloneFailed(str(exc)) from exc
        # The server removes a worker's scratch when it ends: the clone's must be where the
        # clone makes it, beside its source's, whatever the clone says.
        family = os.path.dirname(self.scratch)
        if not family or clone.scratch != os.path.join(family, str(clone.pid)):
            claim = f"its clone named {clone.scratch[:200]!r} as its scratch directory"
            clone.scratch = ""
            clone.kill()
            if not family:  # the source ended meanwhile, and its scratch went with it
                return None
            self._closed(ForgedFrame(claim))
            raise CloneFailed(f"its worker was killed: {claim}")
        return clone

    async def _next(self) -> Reply | None:
        message = await self._inbox.get()
        if message is None:
            self._inbox.put_nowait(None)  # every later reader learns it too
        return message

    def interrupt(self) -> None:
        self._signal(signal.SIGINT)

    def kill(self) -> None:
        """Kill the worker's whole process group: Sage may have started helpers."""
        if self.alive:
            self._killed = True
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            self._signal(signal.SIGKILL)

    def remove_scratch(self) -> None:
        """Remove the worker's scratch directory now, as the sidecar stops: no notice of the
        worker's end would come to remove it later."""
        scratch, self.scratch = self.scratch, ""
        if scratch:
            sandbox.remove_scratch(scratch)

    async def exit_description(self) -> str:
        """How the process ended, for an error message a person can act on."""
        if self._forged:
            return "killed by the sidecar: code in it wrote to the worker's own channel"
        if self._failed:
            return "its own code failed (the sidecar's log has the traceback)"
        if self._killed:
            return "killed by the sidecar"
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

    def take_stray(self) -> list[Stream]:
        """What the worker printed since its last cell ended, after a line that says so; for
        the next evaluation to send, since no caller was listening when it came."""
        if not self._stray and not self._stray_dropped:
            return []
        stray = [Stream("stderr", STRAY_HEADER), *self._stray]
        if self._stray_dropped:
            stray.append(Stream("stderr", "[... more printed between evaluations was dropped]\n"))
        self._stray, self._stray_chars, self._stray_dropped = [], 0, 0
        return stray

    def _keep_stray(self, batch: EventBatch) -> None:
        for item in batch:
            if not isinstance(item, Stream):  # a display a stray thread showed
                self._stray_dropped += 1
                continue
            room = MAX_STRAY_CHARS - self._stray_chars
            text = item.text[:room]
            self._stray_dropped += len(item.text) - len(text)
            if text:
                self._stray.append(Stream(item.name, text))
                self._stray_chars += len(text)

    def _deliver(self, message: object) -> None:
        if _is_batch(message):
            if self._sink is not None:
                # The worker cuts a cell's output at its limits, which one frame may hold: more
                # was written past them, and the server would hold it all until the cell ends.
                if self._end.received - self._sunk_from > self._limits.events:
                    raise ForgedFrame("it sent more events in one evaluation than its limits allow")
                self._sink(message)
            else:
                self._keep_stray(message)
        elif isinstance(message, WorkerFailed):
            # Its last word. Sage code can send one too, so it is logged once: the worker goes,
            # and nothing more it sent is read.
            log.error("Sage worker %d failed:\n%s", self.pid, message.traceback)
            self._failed = True
            self.kill()
            self._end.close()
        elif isinstance(message, _REPLIES):
            if self._inbox.qsize() >= _MAX_UNREAD_REPLIES:
                raise ForgedFrame(f"it sent over {_MAX_UNREAD_REPLIES} replies nobody read")
            self._inbox.put_nowait(message)
        else:
            raise ForgedFrame(f"a {type(message).__name__} is not a worker's message")

    def _closed(self, forged: ForgedFrame | None) -> None:
        if forged is not None:
            log.error("Sage worker %d sent a forged message (%s); killing it", self.pid, forged)
            self._forged = str(forged)
            self.kill()
        self._unwatch_exit()
        if self.alive:
            self.alive = False
            self._end.close()
            self._inbox.put_nowait(None)
            sink, self._sink = self._sink, None
            if sink is not None:
                sink(None)
            # Taken, so that `remove_scratch` at shutdown does not remove it a second time.
            scratch, self.scratch = self.scratch, ""
            if scratch:
                try:
                    self._loop.run_in_executor(None, sandbox.remove_scratch, scratch)
                except RuntimeError:  # the server is shutting down: no executor is left
                    sandbox.remove_scratch(scratch)


def _is_batch(message: object) -> TypeGuard[EventBatch]:
    """Whether a worker's message is a batch of a cell's events (a loop: a generator
    expression would cost more than the check, on every message)."""
    if type(message) is not tuple:
        return False
    for item in message:  # noqa: SIM110
        if not isinstance(item, _WORKER_ITEMS):
            return False
    return True


def _is_child(pid: int, parent: int) -> bool:
    try:
        return pid > 0 and psutil.Process(pid).ppid() == parent
    except psutil.Error:
        return False
