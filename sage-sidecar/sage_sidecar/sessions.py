"""Sessions and their evaluations: routing, queueing, timeouts, interrupts and worker loss.

Plain asyncio classes, testable without gRPC; the servicer translates. Counterpart: `pool`,
which starts the workers that sessions run on.

An evaluation runs as its own task, apart from the RPC that asked for it, so a client that
goes away only interrupts Sage: the session stays consistent, and the next evaluation in the
queue starts only once the worker is idle again.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import hashlib
import logging
import re
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace

from opentelemetry import trace
from opentelemetry.trace import StatusCode
from sage_services import errors
from sage_services.errors import RuntimeFault

from sage_sidecar.messages import (
    Error,
    EvaluateCell,
    EvaluationStatus,
    Event,
    EventBatch,
    Finished,
    Started,
    WorkerSpans,
)
from sage_sidecar.metrics import SidecarMetrics
from sage_sidecar.pool import WorkerPool
from sage_sidecar.settings import SidecarSettings
from sage_sidecar.tracing import outgoing_traceparent, replay
from sage_sidecar.worker_process import WorkerProcess

log = logging.getLogger(__name__)
tracer = trace.get_tracer("sage_sidecar")

_SESSION_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


class SessionState(enum.Enum):
    ACTIVE = "active"
    BUSY = "busy"


@dataclass(frozen=True)
class SessionInfo:
    session_id: str
    state: SessionState
    create_time: float
    last_active_time: float
    execution_count: int
    queued_evaluations: int
    worker_pid: int


@dataclass(frozen=True)
class EvaluationRequest:
    code: str
    session_id: str = ""
    request_id: str = ""
    timeout: float | None = None


class EvaluationRun:
    """One evaluation: its event queue, and why it was interrupted, if it was."""

    def __init__(self, session: Session, code: str, timeout: float) -> None:
        self.session = session
        self.code = code
        self.timeout = timeout
        self.span_attributes: dict[str, str | int] = {}
        self.last_error: Error | None = None
        self.events: asyncio.Queue[Event | RuntimeFault] = asyncio.Queue()
        self.interrupt_reason: EvaluationStatus | None = None
        self.started = False
        self.finished = False
        self.task: asyncio.Task[None] | None = None

    def interrupt(self, reason: EvaluationStatus) -> None:
        if self.finished:
            return
        if not self.started:
            if self.task is not None:
                self.task.cancel()
            return
        if self.interrupt_reason is None:
            self.interrupt_reason = reason
        self.session.interrupt_worker()


class Session:
    def __init__(
        self, session_id: str, worker: WorkerProcess, manager: SessionManager, *, one_off: bool
    ) -> None:
        self.session_id = session_id
        self.worker = worker
        self.one_off = one_off
        self.create_time = time.time()
        self.last_active_time = self.create_time
        self.execution_count = 0
        self.closed = False
        self._manager = manager
        self._settings = manager.settings
        self._lock = asyncio.Lock()  # FIFO: evaluations run in arrival order
        self._waiting = 0
        self._current: EvaluationRun | None = None
        self._kill_timer: asyncio.TimerHandle | None = None

    def info(self) -> SessionInfo:
        return SessionInfo(
            session_id=self.session_id,
            state=SessionState.BUSY if self._current is not None else SessionState.ACTIVE,
            create_time=self.create_time,
            last_active_time=self.last_active_time,
            execution_count=self.execution_count,
            queued_evaluations=self._waiting,
            worker_pid=self.worker.pid,
        )

    def submit(
        self, code: str, timeout: float, span_attributes: dict[str, str | int]
    ) -> EvaluationRun:
        if self._waiting >= self._settings.max_queued_evaluations:
            raise errors.resource_exhausted(
                f"Session {self.session_id} already has {self._waiting} evaluations queued "
                "behind the running one. Wait for them to finish, interrupt the running one, "
                "or use another session.",
                resource_type="sage.v1.Session",
            )
        run = EvaluationRun(self, code, timeout)
        run.span_attributes.update(span_attributes)
        run.task = asyncio.create_task(self._run(run), name=f"evaluate-{self.session_id}")
        return run

    def interrupt(self) -> bool:
        """Interrupt the running evaluation; True if there was one."""
        if self._current is None:
            return False
        self._current.interrupt(EvaluationStatus.INTERRUPTED)
        return True

    def interrupt_worker(self) -> None:
        """SIGINT now; SIGKILL to the group if the evaluation has not ended within the grace."""
        self.worker.interrupt()
        if self._kill_timer is None:
            worker = self.worker
            self._kill_timer = asyncio.get_running_loop().call_later(
                self._settings.interrupt_grace_seconds, worker.kill
            )

    def close(self) -> None:
        """Stop the worker; a running evaluation ends, queued ones fail with NOT_FOUND."""
        self.closed = True
        if self._current is not None and self._current.interrupt_reason is None:
            self._current.interrupt_reason = EvaluationStatus.INTERRUPTED
        self.worker.kill()

    async def _run(self, run: EvaluationRun) -> None:
        self._waiting += 1
        try:
            queued = tracer.start_span(
                "sage.session.queue", attributes={"sage.session.id": self.session_id}
            )
            try:
                await self._lock.acquire()
            finally:
                queued.end()
            try:
                self._waiting -= 1
                if self.closed:
                    run.events.put_nowait(errors.session_not_found(self.session_id))
                    return
                run.started = True
                self._current = run
                try:
                    await self._evaluate(run)
                finally:
                    self._current = None
                    if self._kill_timer is not None:
                        self._kill_timer.cancel()
                        self._kill_timer = None
                    self.last_active_time = time.time()
            finally:
                self._lock.release()
        except asyncio.CancelledError:
            if not run.started:
                self._waiting -= 1
            raise
        finally:
            run.finished = True
            if self.one_off and not run.started:
                self._manager.discard(self)

    async def _evaluate(self, run: EvaluationRun) -> None:
        self.execution_count += 1
        count = self.execution_count
        self.last_active_time = time.time()
        began = time.monotonic()
        run.events.put_nowait(Started(count))
        run.span_attributes["sage.execution_count"] = count
        trace.get_current_span().set_attribute("sage.execution_count", count)
        settings = self._settings
        self.worker.send(
            EvaluateCell(
                code=run.code,
                execution_count=count,
                max_output_bytes=int(settings.max_output_bytes),
                max_display_bytes=int(settings.max_display_bytes),
                traceparent=outgoing_traceparent(),
                span_attributes=tuple(run.span_attributes.items()),
            )
        )
        loop = asyncio.get_running_loop()
        timer = loop.call_later(run.timeout, run.interrupt, EvaluationStatus.TIMED_OUT)
        try:
            while True:
                batch = await self.worker.next_batch()
                if batch is None:
                    await self._worker_lost(run, count, time.monotonic() - began)
                    return
                if isinstance(batch[-1], Finished):
                    for event in _relabel(batch, run):
                        self._deliver(run, event)
                    return
                for event in batch:
                    self._deliver(run, event)
        finally:
            timer.cancel()
            if self.one_off:
                self._manager.discard(self)

    def _deliver(self, run: EvaluationRun, event: Event | WorkerSpans) -> None:
        if isinstance(event, WorkerSpans):
            replay(event, self.worker.pid)
            return
        if isinstance(event, Error):
            run.last_error = event
        if isinstance(event, Finished):
            self._manager.metrics.evaluation_finished(event.status, event.duration)
            _annotate_span(event, run)
        run.events.put_nowait(event)

    async def _worker_lost(self, run: EvaluationRun, count: int, duration: float) -> None:
        how = await self.worker.exit_description()
        reason = run.interrupt_reason
        if self.closed:
            error = Error("SessionDeleted", "The session was deleted while this code ran.", "")
            status = EvaluationStatus.INTERRUPTED
        elif reason is not None:
            status = reason
            grace = self._settings.interrupt_grace_seconds
            error = Error(
                "WorkerKilled",
                f"The computation did not stop within {grace:g} s of the interrupt, so its "
                "worker process was killed. The session's variables are lost; it continues "
                "with a fresh namespace.",
                "",
            )
        else:
            status = EvaluationStatus.WORKER_DIED
            error = Error(
                "WorkerDied",
                f"The Sage worker process died while running this code ({how}). The "
                "session's variables are lost; it continues with a fresh namespace.",
                "",
            )
        log.warning("session %s lost its worker %d: %s", self.session_id, self.worker.pid, how)
        self._deliver(run, error)
        self._deliver(run, Finished(status, duration, count, state_preserved=False))
        if not self.closed and not self.one_off:
            self.worker = await self._manager.pool.acquire()


def _annotate_span(finished: Finished, run: EvaluationRun) -> None:
    """Outcome on the evaluation's RPC span; Sage errors set its status, as the issue asks."""
    span = trace.get_current_span()
    span.set_attribute("sage.outcome", finished.status.name)
    if finished.status is not EvaluationStatus.OK:
        error = run.last_error
        description = f"{error.ename}: {error.evalue}" if error else finished.status.name
        span.set_status(StatusCode.ERROR, description)
        if error is not None:
            span.add_event(
                "exception",
                {"exception.type": error.ename, "exception.message": error.evalue,
                 "exception.stacktrace": error.traceback},
            )  # fmt: skip


def _relabel(batch: EventBatch, run: EvaluationRun) -> EventBatch:
    """Say why an interrupted evaluation stopped: its timeout, rather than a bare Ctrl-C."""
    finished = batch[-1]
    assert isinstance(finished, Finished)
    if not (
        run.interrupt_reason is EvaluationStatus.TIMED_OUT
        and finished.status is EvaluationStatus.INTERRUPTED
    ):
        return batch
    relabelled: list[Event | WorkerSpans] = []
    for event in batch[:-1]:
        if isinstance(event, Error) and event.ename == "KeyboardInterrupt":
            event = Error(
                "TimeoutError",
                f"The evaluation ran past its {run.timeout:g} s timeout and was interrupted. "
                "The session's variables are kept.",
                event.traceback,
            )
        relabelled.append(event)
    relabelled.append(replace(finished, status=EvaluationStatus.TIMED_OUT))
    return tuple(relabelled)


class SessionManager:
    def __init__(self, settings: SidecarSettings, pool: WorkerPool) -> None:
        self.settings = settings
        self.pool = pool
        self._sessions: dict[str, Session] = {}
        self._one_offs: set[Session] = set()
        self._ready = False
        self._accepting = True
        self._runs: set[EvaluationRun] = set()
        self.metrics = SidecarMetrics(
            active_sessions=lambda: self.session_count,
            resident_workers=lambda: self.session_count + pool.idle_count,
            warm_workers=lambda: pool.idle_count,
        )
        self._no_runs = asyncio.Event()
        self._no_runs.set()

    def mark_ready(self) -> None:
        self._ready = True

    async def create(self) -> SessionInfo:
        session = await self._new_session(one_off=False)
        self._sessions[session.session_id] = session
        return session.info()

    def get(self, session_id: str) -> SessionInfo:
        return self._lookup(session_id).info()

    def list(self) -> list[SessionInfo]:
        return [s.info() for s in sorted(self._sessions.values(), key=lambda s: s.create_time)]

    def delete(self, session_id: str) -> None:
        session = self._lookup(session_id)
        del self._sessions[session_id]
        session.close()

    def interrupt(self, session_id: str) -> bool:
        return self._lookup(session_id).interrupt()

    async def evaluate(self, request: EvaluationRequest) -> AsyncIterator[Event]:
        """The events of one evaluation. Closing the iterator early interrupts it."""
        self._check_serving()
        timeout = self._validate(request)
        if request.session_id:
            session = self._lookup(request.session_id)
        else:
            session = await self._new_session(one_off=True)
            self._one_offs.add(session)
        attributes = self._code_attributes(request.code, session.session_id)
        trace.get_current_span().set_attributes(attributes)
        run = session.submit(request.code, timeout, attributes)
        self._runs.add(run)
        self._no_runs.clear()
        try:
            while True:
                item = await run.events.get()
                if isinstance(item, RuntimeFault):
                    raise item
                yield item
                if isinstance(item, Finished):
                    return
        finally:
            self._runs.discard(run)
            if not self._runs:
                self._no_runs.set()
            if not run.finished:
                run.interrupt(EvaluationStatus.INTERRUPTED)

    def discard(self, session: Session) -> None:
        """Drop a one-off session once its evaluation is over."""
        if session in self._one_offs:
            self._one_offs.discard(session)
            session.close()

    async def drain(self, grace: float) -> None:
        """Stop accepting work; give running evaluations `grace` seconds, then interrupt them.

        Returns once every evaluation has delivered its `finished` event to its caller.
        """
        self._accepting = False
        if self._runs:
            await self._wait_for_runs(grace)
        if self._runs:
            for run in list(self._runs):
                run.interrupt(EvaluationStatus.INTERRUPTED)
            await self._wait_for_runs(self.settings.interrupt_grace_seconds + 5.0)

    async def _wait_for_runs(self, timeout: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._no_runs.wait(), timeout)

    async def close(self) -> None:
        for session in [*self._sessions.values(), *self._one_offs]:
            session.close()
        self._sessions.clear()
        self._one_offs.clear()
        await self.pool.close()

    @property
    def session_count(self) -> int:
        return len(self._sessions) + len(self._one_offs)

    async def _new_session(self, *, one_off: bool) -> Session:
        self._check_serving()
        limit = self.settings.max_sessions
        if self.session_count >= limit:
            raise errors.resource_exhausted(
                f"All {limit} sessions are in use. Delete sessions you no longer need with "
                "DeleteSession, then try again.",
                resource_type="sage.v1.Session",
            )
        worker = await self.pool.acquire()
        return Session(uuid.uuid4().hex, worker, self, one_off=one_off)

    def _code_attributes(self, code: str, session_id: str) -> dict[str, str | int]:
        """What spans say about the code: its size and hash, the code itself only if allowed."""
        encoded = code.encode("utf-8", "surrogatepass")
        attributes: dict[str, str | int] = {
            "sage.session.id": session_id,
            "sage.code.length": len(encoded),
            "sage.code.sha256": hashlib.sha256(encoded).hexdigest(),
        }
        if self.settings.trace_code:
            attributes["sage.code"] = code
        return attributes

    def _lookup(self, session_id: str) -> Session:
        if not _SESSION_ID.fullmatch(session_id):
            raise errors.invalid_argument(
                "session_id",
                "expected the id CreateSession returned (letters, digits, '-' or '_', "
                f"at most 64), got {session_id[:80]!r}.",
            )
        session = self._sessions.get(session_id)
        if session is None:
            raise errors.session_not_found(session_id)
        return session

    def _check_serving(self) -> None:
        if not self._accepting:
            raise errors.unavailable(
                "The Sage runtime is shutting down and accepts no new work. Retry against "
                "its replacement.",
                retry_after=1.0,
            )
        if not self._ready:
            raise errors.unavailable(
                "The Sage runtime is still starting (warming up Sage workers). Retry in a few "
                "seconds; health turns SERVING when it is ready.",
                retry_after=2.0,
            )

    def _validate(self, request: EvaluationRequest) -> float:
        if not request.code.strip():
            raise errors.invalid_argument("code", "it is empty; send the Sage code to run.")
        size = len(request.code.encode("utf-8", "surrogatepass"))
        limit = int(self.settings.max_code_bytes)
        if size > limit:
            raise errors.invalid_argument(
                "code", f"it is {size} bytes, over this server's limit of {limit} bytes."
            )
        if request.timeout is None:
            return self.settings.default_timeout_seconds
        longest = self.settings.max_timeout_seconds
        if not 0 < request.timeout <= longest:
            raise errors.invalid_argument(
                "timeout", f"it must be more than 0 s and at most {longest:g} s."
            )
        return request.timeout
