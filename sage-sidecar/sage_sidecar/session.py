"""One session: its turns on its worker, their commit to the journal, snapshots,
hibernation, clones and restores after a lost worker.

A session's work is committed when its journal entry is written, which happens before its
`finished` event is sent. A worker that dies or has to be killed is replaced by a fresh one
restored to the last committed state, so a killed evaluation leaves no trace (rollback).
`sessions` holds them all and routes requests to them.
"""

from __future__ import annotations

import asyncio
import enum
import functools
import hashlib
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, TypeVar

import grpc
from opentelemetry import trace
from opentelemetry.trace import Span
from sage_services import errors
from sage_services.errors import RuntimeFault

from sage_sidecar import recovery
from sage_sidecar.evaluation import EvaluationRun
from sage_sidecar.messages import (
    CellState,
    Error,
    EvaluateCell,
    EvaluationStatus,
    Event,
    EventBatch,
    Finished,
    ListVariables,
    SnapshotWritten,
    Started,
    Stream,
    TakeSnapshot,
    VariablesListed,
    WorkerSpans,
)
from sage_sidecar.store import JournalEntry, JournalPlace, SessionRecord, decode_events
from sage_sidecar.tracing import outgoing_traceparent, replay
from sage_sidecar.turns import Turns
from sage_sidecar.worker_process import CloneFailed, CloneRefused, WorkerProcess

if TYPE_CHECKING:
    from sage_sidecar.sessions import SessionManager

log = logging.getLogger(__name__)
tracer = trace.get_tracer("sage_sidecar")
T = TypeVar("T")

# Request ids remembered per session (and for one-off evaluations), oldest forgotten first.
REMEMBERED_REQUESTS = 1000
# When to snapshot. The journal already makes every committed cell durable; a snapshot only
# spares replaying cells on restore, so it is taken in idle time unless replaying would be slow.
# Committed cells between snapshots even when no name was rebound (in-place changes).
_SNAPSHOT_EVERY = 20
# Snapshot at once when replaying the cells since the last snapshot would take this long...
_REPLAY_BUDGET_SECONDS = 1.0
# ...or when this many cells went by without an idle moment.
_MAX_UNSNAPSHOTTED = 200
# Otherwise, once the session has been idle this long.
_SNAPSHOT_IDLE_SECONDS = 1.0
# After a snapshot cost the session its worker (it died, or would not stop), snapshots that can
# wait pause this long, doubling with each such loss up to the maximum: the journal covers the
# state, and the next one would likely cost the worker again.
_SNAPSHOT_PAUSE_SECONDS = 60.0
_MAX_SNAPSHOT_PAUSE_SECONDS = 3600.0
_CLONE_TIMEOUT = 30.0
# How long listing a session's variables may take: their reprs are user code.
_VARIABLES_TIMEOUT = 10.0
# A worker takes SIGINT only while a cell runs; one sent as the cell was still on its way in
# is dropped. An interrupt sent within this long of the cell is sent once more after this long
# if the cell is still running. A later one is not: it reached the cell, and a second would
# land in the clean-up of the first, as a second Ctrl-C does in the console (Sage's interfaces
# answer the first by interrupting GAP or Maxima and waiting for its prompt).
_INTERRUPT_AGAIN_SECONDS = 0.2


@dataclass(frozen=True)
class JournaledRun:
    """A finished session evaluation, remembered for retries by where its journal entry is:
    its events stay on disk, and its code is kept as a digest, so it takes little memory."""

    request_id: str
    code_digest: bytes
    execution_count: int
    place: JournalPlace

    @classmethod
    def of(cls, entry: JournalEntry, place: JournalPlace) -> JournaledRun:
        return cls(entry.request_id, code_digest(entry.code), entry.execution_count, place)


class SessionState(enum.Enum):
    ACTIVE = "active"
    BUSY = "busy"
    HIBERNATED = "hibernated"
    LOST = "lost"


@dataclass(frozen=True)
class SessionInfo:
    session_id: str
    state: SessionState
    create_time: float
    last_active_time: float
    execution_count: int
    queued_evaluations: int
    worker_pid: int
    restore_report: str


class Session:
    def __init__(
        self,
        session_id: str,
        manager: SessionManager,
        record: SessionRecord | None,
        *,
        create_time: float,
        execution_count: int = 0,
    ) -> None:
        self.session_id = session_id
        self.record = record  # None for a one-off session, which keeps nothing
        self.worker: WorkerProcess | None = None
        self.create_time = create_time
        self.last_active_time = create_time
        self.execution_count = execution_count
        self.closed = False
        self.lost_reason = ""
        self.restore_report = ""
        self.requests: OrderedDict[str, EvaluationRun | JournaledRun] = OrderedDict()
        self._manager = manager
        self._settings = manager.settings
        self._turns = Turns()  # one evaluation (or snapshot, clone...) at a time, FIFO
        self._waiting = 0  # evaluations waiting for the turn
        self._listings = 0  # variable listings waiting for it
        self._current: EvaluationRun | None = None
        self._kill_timer: asyncio.TimerHandle | None = None
        self._announce = ""
        self._unsnapshotted = 0
        self._replay_seconds = 0.0  # what replaying the unsnapshotted cells would cost
        self._snapshot_due = False
        self._snapshot_timer: asyncio.TimerHandle | None = None
        self._rested_since = time.monotonic()  # when the last evaluation's turn ended
        self._idle_snapshot: asyncio.Task[None] | None = None
        self._snapshotting_idle = False  # an idle snapshot's request is with the worker
        self._snapshot_losses = 0  # snapshots in a row that cost the worker
        self._snapshots_paused_until = 0.0
        self._tasks: set[asyncio.Task[None]] = set()
        self._uncommitted = False

    @property
    def one_off(self) -> bool:
        return self.record is None

    @property
    def resident(self) -> bool:
        return self.worker is not None and self.worker.alive

    @property
    def idle(self) -> bool:
        return not self._turns.held and not self._waiting and not self._listings

    def state(self) -> SessionState:
        if self.lost_reason:
            return SessionState.LOST
        if (self._current is not None and not self._current.finished) or self._waiting:
            return SessionState.BUSY
        return SessionState.ACTIVE if self.resident else SessionState.HIBERNATED

    def info(self) -> SessionInfo:
        return SessionInfo(
            session_id=self.session_id,
            state=self.state(),
            create_time=self.create_time,
            last_active_time=self.last_active_time,
            execution_count=self.execution_count,
            queued_evaluations=self._waiting,
            worker_pid=self.worker.pid if self.resident and self.worker else 0,
            restore_report=self.lost_reason or self.restore_report,
        )

    def remember(self, request_id: str, item: EvaluationRun | JournaledRun) -> None:
        if not request_id:
            return
        self.requests[request_id] = item
        self.requests.move_to_end(request_id)
        while len(self.requests) > REMEMBERED_REQUESTS:
            self.requests.popitem(last=False)

    def submit(
        self,
        code: str,
        timeout: float,
        request_id: str,
        span: Span,
        span_attributes: dict[str, str | int],
    ) -> EvaluationRun:
        if self._waiting >= self._settings.max_queued_evaluations:
            raise errors.resource_exhausted(
                f"Session {self.session_id} already has {self._waiting} evaluations queued "
                "behind the running one. Wait for them to finish, interrupt the running one, "
                "or use another session.",
                resource_type="sage.v1.Session",
            )
        run = EvaluationRun(code, timeout, request_id, span)
        run.span_attributes.update(span_attributes)
        self.remember(request_id, run)
        if self._can_start_now() and self._turns.take_now():
            # An idle session, the usual case: the cell goes to the worker from this call, with
            # no trip through the event loop. From here the worker's messages drive it.
            run.dequeued = run.holds_turn = True
            self._start_or_fail(run)
        else:
            run.task = asyncio.create_task(self._queue(run), name=f"evaluate-{self.session_id}")
        return run

    def _can_start_now(self) -> bool:
        return not self._waiting and self.resident and not self.closed and not self.lost_reason

    def interrupt(self, request_id: str = "") -> bool:
        """Interrupt the running evaluation (only if it has `request_id`, when given), or drop
        the queued one that has `request_id`."""
        if request_id:
            queued = self.requests.get(request_id)
            if isinstance(queued, EvaluationRun) and not queued.dequeued and not queued.finished:
                queued.interrupt(EvaluationStatus.INTERRUPTED)  # leaves the queue; never runs
                return True
        current = self._current
        if current is None or current.finished or (request_id and current.request_id != request_id):
            return False  # nothing runs, or only the work after a finished cell (its snapshot)
        current.interrupt(EvaluationStatus.INTERRUPTED)
        return True

    def _interrupt_worker(self) -> None:
        """SIGINT now; SIGKILL to the group if the evaluation has not ended within the grace."""
        worker = self.worker
        if worker is None:
            return
        worker.interrupt()
        if self._kill_timer is None:
            loop = asyncio.get_running_loop()
            self._kill_timer = loop.call_later(self._settings.interrupt_grace_seconds, worker.kill)
            run = self._current
            if run is not None and time.monotonic() - run.began < _INTERRUPT_AGAIN_SECONDS:
                loop.call_later(_INTERRUPT_AGAIN_SECONDS, self._interrupt_again, run)

    def _interrupt_again(self, run: EvaluationRun | None) -> None:
        worker = self.worker
        if run is not None and run is self._current and not run.finished and worker is not None:
            worker.interrupt()

    def close(self) -> None:
        """Stop the worker; a running evaluation ends, queued ones fail with NOT_FOUND."""
        self.closed = True
        if self._snapshot_timer is not None:
            self._snapshot_timer.cancel()
        if self._current is not None and self._current.interrupt_reason is None:
            self._current.interrupt_reason = EvaluationStatus.INTERRUPTED
        if self.worker is not None:
            self.worker.kill()
        if self.record is not None:
            self.record.close()
        self.requests.clear()  # a deleted session's retries are NOT_FOUND: free their runs

    async def hibernate(self) -> bool:
        """Free the worker process, keeping the state on disk. False if the session is busy."""
        if not self.idle or not self.resident or self.one_off:
            return False
        async with self._turns:
            if not self.resident or self.closed:
                return False
            await self._snapshot(force=True)
            if self.worker is not None:  # else the snapshot cost it already
                self.worker.kill()
                self.worker = None
        log.info("session %s hibernated", self.session_id)
        return True

    async def clone_to(self, clone: Session) -> None:
        async with self._turns:
            self._check_usable()
            if not await self._ensure_worker():
                raise self._lost_fault()
            assert self.worker is not None
            try:
                worker = await self.worker.clone(_CLONE_TIMEOUT)
            except CloneRefused as refused:
                raise errors.resource_exhausted(
                    f"Session {self.session_id} could not be cloned: its worker's {refused}. "
                    "The session is unchanged. Its processes may be at their limit "
                    "(--worker-max-processes, or the container's pids limit), or memory short; "
                    "free some (end threads or processes the session started) and try again.",
                    resource_type="processes",
                ) from refused
            except CloneFailed as failed:
                raise RuntimeFault(
                    f"Session {self.session_id} could not be cloned: {failed}. The session is "
                    "unchanged; the sidecar's log says why the clone failed.",
                    grpc.StatusCode.INTERNAL,
                ) from failed
            if worker is None:
                self._check_usable()  # deleted meanwhile
                raise errors.unavailable(
                    f"Session {self.session_id} could not be cloned: its worker did not fork. "
                    "Try again."
                )
            clone.worker = worker
            clone.execution_count = self.execution_count
            assert self.record is not None
            assert clone.record is not None
            source, record = self.record, clone.record
            journal_size = await self._saving_clone(clone, lambda: record.hold_inheritance(source))
        async with clone._turns:
            await clone._snapshot(force=True)
        # Without a snapshot of its own (one that failed, or cost its worker), the clone
        # would come back empty after a restart: it takes on its source's record instead.
        own = record.snapshot_path(clone.execution_count).is_file()
        if not own:
            log.warning(
                "session %s: its clone %s could not be snapshotted; the clone keeps the "
                "session's journal and snapshots as they were when it was made",
                self.session_id, clone.session_id,
            )  # fmt: skip

        def settle() -> None:
            if own:
                record.drop_inheritance()
            else:
                record.take_inheritance(source, journal_size)
            record.complete()

        await self._saving_clone(clone, settle)

    async def _saving_clone(self, clone: Session, work: Callable[[], T]) -> T:
        """File work on a clone's record, off the event loop; failing, it fails the clone."""
        try:
            return await asyncio.get_running_loop().run_in_executor(None, work)
        except OSError as exc:
            log.error("session %s: cannot save its clone %s: %s", self.session_id,
                      clone.session_id, exc)  # fmt: skip
            raise errors.unavailable(
                f"Session {self.session_id} could not be cloned: the clone's state could not "
                f"be saved ({exc.strerror or exc}). The session is unchanged; free space in "
                "the sidecar's state directory and try again."
            ) from exc

    async def list_variables(self, request: ListVariables) -> VariablesListed:
        """The session's variables, read between evaluations: like an evaluation it waits its
        turn and cuts an idle snapshot short; unlike one it is neither counted nor journaled."""
        if self._listings >= self._settings.max_queued_evaluations:
            raise errors.resource_exhausted(
                f"Session {self.session_id} already has {self._listings} variable listings "
                "waiting for it. Wait for them, or interrupt what the session runs.",
                resource_type="sage.v1.Session",
            )
        self._listings += 1
        self._cut_idle_snapshot_short("its variables were asked for")
        try:
            await self._turns.take()
        finally:
            self._listings -= 1
        # Once the worker has the request, the listing ends before the turn does, even if the
        # caller goes away: a worker still listing would answer the session's next request.
        listing = asyncio.create_task(self._list_in_turn(request))
        listing.add_done_callback(_retrieve)
        try:
            return await asyncio.shield(listing)
        except asyncio.CancelledError:
            if not listing.done() and self.worker is not None:
                self.worker.cut_short("its caller went away")
            raise

    def _cut_idle_snapshot_short(self, why: str) -> None:
        if self._snapshotting_idle and self.worker is not None:
            # Background work gives way: the state it would save is in the journal anyway.
            self.worker.cut_short(why)

    async def _list_in_turn(self, request: ListVariables) -> VariablesListed:
        try:
            self._check_usable()
            self._manager.check_serving()  # a drain may have begun while it waited
            if not await self._ensure_worker():
                raise self._lost_fault()
            worker = self.worker
            assert worker is not None
            grace = self._settings.interrupt_grace_seconds
            reply = await worker.request(request, _VARIABLES_TIMEOUT, grace=grace)
        finally:
            self.last_active_time = time.time()
            self._turns.release()
            self._manager.session_rests()
        if isinstance(reply, VariablesListed) and not reply.error:
            return reply
        if isinstance(reply, VariablesListed):
            raise RuntimeFault(
                f"The variables of session {self.session_id} could not be listed: a value's "
                f"repr ran past {_VARIABLES_TIMEOUT:g} s, or the listing was cut short. "
                "Evaluate sorted(k for k in globals() if not k.startswith('_')) to see the "
                "names.",
                grpc.StatusCode.FAILED_PRECONDITION,
            )
        self._check_usable()  # deleted meanwhile, which killed the worker
        if self.worker is worker:
            self.worker = None  # the next call restores it
        raise errors.unavailable(
            f"The variables of session {self.session_id} could not be listed: its worker was "
            f"lost ({await worker.exit_description()}). The session's state is kept, and "
            "restored at its next call."
        )

    async def restore_now(self) -> None:
        async with self._turns:
            if not self.closed and not self.lost_reason:
                await self._ensure_worker()
        self._manager.session_rests()

    def _check_usable(self) -> None:
        if self.closed:
            raise errors.session_not_found(self.session_id)
        if self.lost_reason:
            raise self._lost_fault()

    def recorded_events(self, earlier: JournaledRun) -> list[Event]:
        """A finished evaluation's events, read back from its journal entry for a retry."""
        assert self.record is not None
        try:
            entry = self.record.read_entry(earlier.place)
            if entry.request_id != earlier.request_id:
                raise ValueError("another entry is in its place")
            return decode_events(entry.events)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.error("session %s: cannot read request %r back from its journal: %s",
                      self.session_id, earlier.request_id, exc)  # fmt: skip
            raise RuntimeFault(
                f"Request id {earlier.request_id!r} already ran on session {self.session_id} "
                f"(evaluation {earlier.execution_count}), but its recorded events cannot be "
                f"read back ({exc}). It is not run again; send a fresh request id to run the "
                "code anew.",
                grpc.StatusCode.DATA_LOSS,
                resource_type="sage.v1.Session",
                resource_name=self.session_id,
            ) from exc

    def _lost_fault(self) -> RuntimeFault:
        return RuntimeFault(
            f"Session {self.session_id} could not be restored ({self.lost_reason}). Delete it "
            "and create a new session.",
            grpc.StatusCode.FAILED_PRECONDITION,
            resource_type="sage.v1.Session",
            resource_name=self.session_id,
        )

    async def _queue(self, run: EvaluationRun) -> None:
        """An evaluation that could not start at once: wait for the session's turn, behind the
        running and queued ones, bring the worker back if there is none, then start it."""
        self._waiting += 1
        self._cut_idle_snapshot_short("an evaluation arrived")
        # A span only when there is a wait to see: most evaluations find the session idle.
        queued = (
            tracer.start_span("sage.session.queue", attributes={"sage.session.id": self.session_id})
            if self._turns.held
            else None
        )
        try:
            await self._turns.take()
        except asyncio.CancelledError:
            self._waiting -= 1  # left the queue without running
            self._never_ran(run, self._manager.cancelled_fault())
            if self.one_off:
                self._manager.discard(self)
            raise
        finally:
            if queued is not None:
                queued.end()
        self._waiting -= 1
        run.dequeued = run.holds_turn = True
        try:
            self._check_usable()
            if not await self._ensure_worker():
                raise self._lost_fault()
            if run.interrupt_reason is not None:
                raise self._manager.cancelled_fault()
        except RuntimeFault as fault:
            self._never_ran(run, fault)
            self._end_turn(run)
            return
        except Exception:
            self._failed(run)
            return
        except BaseException:
            self._end_turn(run)
            raise
        self._start_or_fail(run)

    def _never_ran(self, run: EvaluationRun, fault: RuntimeFault) -> None:
        """End an evaluation that never reached the worker: its callers get `fault`, and its
        request id is forgotten, so that a retry runs the code rather than replaying nothing."""
        if run.request_id and self.requests.get(run.request_id) is run:
            del self.requests[run.request_id]
        if not run.finished:
            run.put(fault)

    def _start_or_fail(self, run: EvaluationRun) -> None:
        try:
            self._start(run)
        except Exception:
            self._failed(run)

    def _failed(self, run: EvaluationRun) -> None:
        """The sidecar itself failed while handling the evaluation: say so, free the turn."""
        log.exception("evaluation on session %s failed inside the sidecar", self.session_id)
        if not run.finished:
            run.put(RuntimeFault(
                "The sidecar failed while running this evaluation; its log says why. The "
                "session's committed state is intact.", grpc.StatusCode.INTERNAL,
            ))  # fmt: skip
        self._end_turn(run)

    def _end_turn(self, run: EvaluationRun) -> None:
        if not run.holds_turn:
            return
        run.holds_turn = False
        if run.timer is not None:
            run.timer.cancel()
        if self.worker is not None:
            self.worker.sink = None
        self._current = None
        if self._kill_timer is not None:
            self._kill_timer.cancel()
            self._kill_timer = None
        self.last_active_time = time.time()
        self._rested_since = time.monotonic()
        self._turns.release()
        if self.one_off:
            self._manager.discard(self)
            self._manager.keep_one_off(run)
        self._manager.session_rests()

    def _spawn(self, run: EvaluationRun, work: Awaitable[None]) -> None:
        """Finish the evaluation's business in a task of its own (a snapshot, a restore), in
        the asking call's context, and end the turn after it."""

        async def then_end_turn() -> None:
            try:
                await work
            except Exception:
                self._failed(run)
            finally:
                self._end_turn(run)

        task = asyncio.create_task(
            then_end_turn(), name=f"after-{self.session_id}", context=run.context
        )
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _ensure_worker(self) -> bool:
        """A live worker at the last committed state: restore one if there is none."""
        if self.resident:
            return True
        if self.record is None:
            self.worker = await self._manager.acquire_worker()
            return True
        async with self._manager.room_in_hand():
            return await self._restore(self.record)

    async def _restore(self, record: SessionRecord) -> bool:
        pool = self._manager.pool
        worker = await pool.acquire()
        journal = record.read_journal()
        started = time.monotonic()
        settings = self._settings
        outcome = await recovery.restore(  # kills the worker in hand if it fails or raises
            worker,
            pool.acquire,  # in the same room: the worker before it is dead
            record,
            journal,
            load_timeout=recovery.LOAD_BUDGETS * settings.snapshot_timeout_seconds,
            replay_timeout=settings.max_timeout_seconds,
            grace=settings.interrupt_grace_seconds,
        )
        if self.closed:  # deleted while it was being restored
            if outcome.worker is not None:
                outcome.worker.kill()
            return False
        if not outcome.ok or outcome.worker is None:
            self.lost_reason = outcome.report
            log.error("session %s could not be restored: %s", self.session_id, outcome.report)
            return False
        self.worker = outcome.worker
        self.restore_report = self._announce = outcome.report
        # Snapshot soon, and at once after the next cell if this replay was slow.
        self._unsnapshotted = _SNAPSHOT_EVERY
        self._replay_seconds = time.monotonic() - started
        log.info(
            "session %s restored in %.3f s%s", self.session_id, time.monotonic() - started,
            f"; {outcome.report}" if outcome.report else "",
        )  # fmt: skip
        return True

    def _start(self, run: EvaluationRun) -> None:
        """Send the cell to the worker; its messages then arrive in `_on_batch`."""
        worker = self.worker
        assert worker is not None
        self._current = run
        self.execution_count += 1
        run.execution_count = count = self.execution_count
        run.span_attributes["sage.execution_count"] = count
        worker.sink = functools.partial(self._on_batch, run)
        run.began = time.monotonic()
        # The cell goes first, so the worker is busy with it while the rest is done here.
        settings = self._settings
        worker.send(
            EvaluateCell(
                code=run.code,
                execution_count=count,
                max_output_bytes=int(settings.max_output_bytes),
                max_display_bytes=int(settings.max_display_bytes),
                traceparent=outgoing_traceparent(),
                span_attributes=tuple(run.span_attributes.items()),
            )
        )
        run.running_on(self._interrupt_worker)
        run.put(Started(count))
        if self._announce:
            run.put(Stream("stderr", f"[session restored, but: {self._announce}]\n"))
            self._announce = ""
        for event in worker.take_stray():
            run.put(event)
        run.span.set_attribute("sage.execution_count", count)
        self.last_active_time = time.time()
        run.timer = asyncio.get_running_loop().call_later(
            run.timeout, run.interrupt, EvaluationStatus.TIMED_OUT
        )

    def _on_batch(self, run: EvaluationRun, batch: EventBatch | None) -> None:
        """Events of the running cell as the worker sends them; None once the worker is gone."""
        try:
            worker = self.worker
            assert worker is not None
            if batch is None:
                self._spawn(run, self._worker_lost(run, time.monotonic() - run.began))
                return
            changed = False
            events: list[Event] = []
            for item in batch:
                if isinstance(item, WorkerSpans):
                    replay(run.relabel_spans(item), worker.pid)
                elif isinstance(item, CellState):
                    changed = item.namespace_changed
                else:
                    events.append(item)
            if not events or not isinstance(events[-1], Finished):
                for event in events:
                    run.put(event)
                return
            worker.sink = None
            events = run.relabel(events)
            for event in events[:-1]:
                run.put(event)
            # Committed before the callers run again, so that the result and `finished` leave
            # together: one wake-up of the stream and of the client rather than two, which
            # the journal's write (tens of µs) costs less than.
            run.context.run(self._commit, run, events[-1], changed)
        except Exception:
            self._failed(run)

    def _commit(self, run: EvaluationRun, event: Event, namespace_changed: bool) -> None:
        try:
            finished = self._finish(run, [event])
            if self._uncommitted:
                self._spawn(run, self._roll_back())
            elif self._after_cell(finished, namespace_changed):
                self._spawn(run, self._snapshot(force=False))
            else:
                self._end_turn(run)
        except Exception:
            self._failed(run)

    def _finish(
        self, run: EvaluationRun, events: list[Event], rolled_back: bool = False
    ) -> Finished:
        """Commit the evaluation to the journal, then send its last events.

        If the journal cannot take it (a full disk), the evaluation is reported as failed and
        marked for rollback, so that the live session never differs from its durable record.
        """
        finished = events[-1]
        assert isinstance(finished, Finished)
        if self.record is not None and not self.closed:
            entry = JournalEntry.of_evaluation(
                run.request_id,
                run.code,
                [*run.history, *events],  # type: ignore[list-item]
                rolled_back=rolled_back,
            )
            try:
                place = self.record.append(entry)
            except OSError as exc:
                log.error("session %s: journal write failed: %s", self.session_id, exc)
                self._uncommitted = True
                # Rolled back, so a retry runs it afresh; nor does memory keep its events.
                self.requests.pop(run.request_id, None)
                finished = replace(finished, status=EvaluationStatus.ERROR)
                events = [Error("StateNotSaved", _NOT_SAVED.format(reason=exc.strerror or exc),
                                ""), finished]  # fmt: skip
            else:
                if run.request_id:
                    self.remember(run.request_id, JournaledRun.of(entry, place))
        for event in events:
            if isinstance(event, Finished):
                self._manager.metrics.evaluation_finished(event.status, event.duration)
                run.finish_span(event)
            run.put(event)
        return finished

    async def _roll_back(self) -> None:
        """Back to the last committed state: a fresh worker, restored from the record."""
        self._uncommitted = False
        if self.worker is not None:
            self.worker.kill()
            self.worker = None
        await self._ensure_worker()

    def _after_cell(self, finished: Finished, namespace_changed: bool) -> bool:
        """Whether to snapshot now, because replay could not rebuild the state or would be
        slow; otherwise a snapshot is taken when the session next rests, if the cell rebound
        names or enough cells went by."""
        if self.one_off:
            return False
        self._unsnapshotted += 1
        self._replay_seconds += finished.duration
        interrupted = finished.status in (EvaluationStatus.INTERRUPTED, EvaluationStatus.TIMED_OUT)
        if (
            interrupted
            or self._replay_seconds >= _REPLAY_BUDGET_SECONDS
            or self._unsnapshotted >= _MAX_UNSNAPSHOTTED
        ):
            return True
        if namespace_changed or self._unsnapshotted >= _SNAPSHOT_EVERY:
            self._snapshot_due = True
            self._snapshot_when_idle()
        return False

    def _snapshot_when_idle(self, delay: float = _SNAPSHOT_IDLE_SECONDS) -> None:
        # One timer, which checks on the rest when it fires: re-arming it after every cell
        # would cost a busy session two timer operations per evaluation.
        if self._snapshot_timer is None:
            self._snapshot_timer = asyncio.get_running_loop().call_later(
                delay, self._on_snapshot_timer
            )

    def _on_snapshot_timer(self) -> None:
        self._snapshot_timer = None
        if not self._snapshot_due or self.closed or not self.resident:
            return
        if not self.idle or self._idle_snapshot is not None:
            self._snapshot_when_idle()  # look again a rest later, not all through a long cell
            return
        rested = time.monotonic() - self._rested_since
        if rested < _SNAPSHOT_IDLE_SECONDS:
            self._snapshot_when_idle(max(_SNAPSHOT_IDLE_SECONDS - rested, 0.05))
            return
        self._idle_snapshot = asyncio.create_task(
            self._snapshot_idle(), name=f"snapshot-{self.session_id}"
        )

    async def _snapshot_idle(self) -> None:
        try:
            async with self._turns:
                # Evaluations that came since the timer fired wait behind this turn: they go
                # first, and the snapshot is taken once the session rests again.
                if self._snapshot_due and not self.closed and not self._waiting:
                    await self._snapshot(force=False, idle=True)
        except Exception:
            log.exception("session %s: snapshot failed", self.session_id)
        finally:
            self._idle_snapshot = None
            if self._snapshot_due and self._waiting and not self.closed:
                self._snapshot_when_idle()

    async def _snapshot(self, *, force: bool, idle: bool = False) -> None:
        """Snapshot the namespace within the snapshot budget, in the background of the session.

        It never costs the session its state: one that fails or is given up is logged, and the
        journal rebuilds the state. An `idle` one gives way to an evaluation that arrives
        (`_queue` cuts it short). A worker that dies meanwhile, or is killed because it would
        not stop, is dropped at once, so the next evaluation runs on a restored one.
        """
        if self.record is None or self.worker is None or not self.worker.alive:
            return
        if not force and (
            not self._unsnapshotted or time.monotonic() < self._snapshots_paused_until
        ):
            return
        record, count, worker = self.record, self.execution_count, self.worker
        budget = self._settings.snapshot_timeout_seconds
        with tracer.start_as_current_span(
            "sage.snapshot", attributes={"sage.session.id": self.session_id}
        ) as span:
            written: SnapshotWritten | None = None
            for attempt in (1, 2):
                self._snapshotting_idle = idle
                try:
                    reply = await worker.request(
                        TakeSnapshot(budget), budget, grace=self._settings.interrupt_grace_seconds
                    )
                finally:
                    self._snapshotting_idle = False
                if not isinstance(reply, SnapshotWritten):
                    await self._snapshot_lost_worker(worker)
                    return
                if not reply.error:
                    written = reply
                    break
                # A variable the worker gave up on is left out from now on: try once more
                # without it, unless an evaluation is waiting for this turn.
                again = bool(reply.failed) and attempt == 1 and not (idle and self._waiting)
                log.warning(
                    "session %s: snapshot given up: %s%s; the journal still has every cell%s",
                    self.session_id, reply.error,
                    " (an evaluation arrived)" if idle and self._waiting else "",
                    "; trying again now" if again else "",
                )  # fmt: skip
                if not again:
                    return
            if written is None:
                return
            data = written.data
            span.set_attribute("sage.snapshot.bytes", len(data))

            def store() -> None:
                record.write_snapshot(count, data)
                record.prune_snapshots(keep=2)

            try:
                await asyncio.get_running_loop().run_in_executor(None, store)
            except OSError as exc:
                log.error("session %s: cannot store its snapshot: %s", self.session_id, exc)
                return
        self._unsnapshotted = 0
        self._replay_seconds = 0.0
        self._snapshot_due = False
        self._snapshot_losses = 0

    async def _snapshot_lost_worker(self, worker: WorkerProcess) -> None:
        """A snapshot cost the worker: it died, or would not stop and was killed."""
        worker.kill()  # never left running once dropped, whatever became of it
        if self.worker is worker:
            self.worker = None  # never sent another cell: the next evaluation restores one
        if self.closed:
            return
        self._snapshot_losses += 1
        pause = min(
            _SNAPSHOT_PAUSE_SECONDS * 2 ** min(self._snapshot_losses - 1, 10),
            _MAX_SNAPSHOT_PAUSE_SECONDS,
        )
        self._snapshots_paused_until = time.monotonic() + pause
        how = await worker.exit_description()
        log.warning(
            "session %s lost its worker %d taking a snapshot (%s); its next evaluation restores "
            "it from the journal, and snapshots that can wait pause for %g s",
            self.session_id, worker.pid, how, pause,
        )  # fmt: skip

    async def _worker_lost(self, run: EvaluationRun, duration: float) -> None:
        assert self.worker is not None
        how = await self.worker.exit_description()
        reason = run.interrupt_reason
        preserved = not self.one_off
        if self.closed:
            error = Error("SessionDeleted", "The session was deleted while this code ran.", "")
            status = EvaluationStatus.INTERRUPTED
        elif reason is not None:
            status = reason
            grace = self._settings.interrupt_grace_seconds
            error = Error(
                "WorkerKilled",
                f"The computation did not stop within {grace:g} s of the interrupt, so its "
                "worker process was killed. " + _AFTER_LOSS[preserved],
                "",
            )
        else:
            status = EvaluationStatus.WORKER_DIED
            error = Error(
                "WorkerDied",
                f"The Sage worker process died while running this code ({how}). "
                + _AFTER_LOSS[preserved],
                "",
            )
        log.warning("session %s lost its worker %d: %s", self.session_id, self.worker.pid, how)
        self.worker = None
        self._finish(
            run,
            [error, Finished(status, duration, run.execution_count, state_preserved=preserved)],
            rolled_back=True,
        )
        self._uncommitted = False  # restored below in any case
        if preserved and not self.closed:
            await self._ensure_worker()


_NOT_SAVED = (
    "This evaluation could not be saved to the session's journal ({reason}), so it was rolled "
    "back: the session is as it was before it. Free disk space in the sidecar's state "
    "directory, then run it again."
)
_AFTER_LOSS = {
    True: "The session is restored to where it was before this evaluation.",
    False: "This one-off evaluation's variables are gone.",
}


def _retrieve(task: asyncio.Task[VariablesListed]) -> None:
    """A listing whose caller went away: its outcome is nobody's, and not an error to log."""
    if not task.cancelled():
        task.exception()


def code_digest(code: str) -> bytes:
    """What a remembered request keeps of its code, to tell a retry from a reused request id:
    the code itself may be a megabyte."""
    return hashlib.sha256(code.encode("utf-8", "surrogatepass")).digest()
