"""Sessions: routing, capacity, validation and exactly-once evaluation.

Plain asyncio classes, testable without gRPC; the servicer translates. Counterparts: `session`
is one session, `pool` starts workers, `evaluation` holds one evaluation's events, `store` and
`recovery` keep and restore a session's durable record.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import re
import sys
import time
import uuid
from collections import OrderedDict
from collections.abc import AsyncGenerator, AsyncIterator, Iterator
from dataclasses import dataclass, fields, replace

import grpc
from opentelemetry import trace
from opentelemetry.trace import Span
from sage_services import errors
from sage_services.errors import RuntimeFault

from sage_sidecar.evaluation import EvaluationRun
from sage_sidecar.messages import EvaluationStatus, Event, Finished, ListVariables, VariablesListed
from sage_sidecar.metrics import SidecarMetrics
from sage_sidecar.pool import WorkerPool
from sage_sidecar.session import (
    REMEMBERED_REQUESTS,
    JournaledRun,
    Session,
    SessionInfo,
    code_digest,
)
from sage_sidecar.settings import MiB, SidecarSettings
from sage_sidecar.store import SessionRecord, SessionStore
from sage_sidecar.worker_process import WorkerProcess

log = logging.getLogger(__name__)

_SESSION_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
# One-off evaluations have no journal, so their events are kept in memory for retries: at most
# this much of them, oldest forgotten first: about 8 evaluations at the default output limits.
_ONE_OFF_REPLAY_BYTES = 32 * MiB


@dataclass(frozen=True)
class KeptOneOff:
    """A finished one-off evaluation's events, kept in memory for retries."""

    code_digest: bytes
    events: tuple[Event, ...]
    size: int  # roughly the bytes they hold

    @classmethod
    def of(cls, run: EvaluationRun) -> KeptOneOff:
        events = tuple(e for e in run.history if not isinstance(e, RuntimeFault))
        return cls(code_digest(run.code), events, _footprint(events))


Remembered = EvaluationRun | JournaledRun | KeptOneOff


@dataclass(frozen=True)
class EvaluationRequest:
    code: str
    session_id: str = ""
    request_id: str = ""
    timeout: float | None = None


class SessionManager:
    def __init__(self, settings: SidecarSettings, pool: WorkerPool, store: SessionStore) -> None:
        self.settings = settings
        self.pool = pool
        self.store = store
        self._sessions: dict[str, Session] = {}
        self._one_offs: set[Session] = set()
        self._one_off_requests: OrderedDict[str, EvaluationRun | KeptOneOff] = OrderedDict()
        self._one_off_bytes = 0  # held by the KeptOneOff values above
        # Sessions being created or cloned: they hold a slot while they wait for a worker.
        self._creating = 0
        self._acquiring = asyncio.Lock()  # held while a worker is found room for and taken
        self._in_hand = 0  # room taken by sessions being restored or cloned
        # Room was taken past the cap, every resident session being busy: once one rests,
        # the least recently used idle one hibernates.
        self._over_cap = False
        self._trim: asyncio.Task[None] | None = None
        self._ready = False
        self._accepting = True
        self._runs: set[EvaluationRun] = set()
        self.metrics = SidecarMetrics(
            active_sessions=lambda: self.session_count,
            resident_workers=lambda: self.resident_count + pool.idle_count,
            warm_workers=lambda: pool.idle_count,
        )
        # Calls being handled, from arrival to last event: the drain waits for all of them.
        self._calls = 0
        self._quiet = asyncio.Event()
        self._quiet.set()
        self._sweeper: asyncio.Task[None] | None = None

    def load(self) -> None:
        """Take back the sessions a previous run left in the state directory, hibernated."""
        for record in self.store.existing():
            try:
                create_time = record.create_time()
            except (OSError, ValueError, KeyError) as exc:
                create_time = time.time()
                lost = f"its metadata is unreadable ({exc})"
            else:
                lost = ""
            journal = record.read_journal()
            # A clone's first snapshot may be newer than any cell in its journal.
            count = max(
                max((e.execution_count for e in journal.entries), default=0),
                record.newest_snapshot_count(),
            )
            session = Session(
                record.session_id, self, record, create_time=create_time, execution_count=count
            )
            session.lost_reason = lost
            remembered = zip(
                journal.entries[-REMEMBERED_REQUESTS:],
                journal.places[-REMEMBERED_REQUESTS:],
                strict=True,
            )
            for entry, place in remembered:
                if entry.request_id:
                    session.remember(entry.request_id, JournaledRun.of(entry, place))
            self._sessions[session.session_id] = session
        if self._sessions:
            log.info("took back %d sessions from the state directory", len(self._sessions))

    async def restore_all(self) -> None:
        for session in list(self._sessions.values()):
            if self.resident_count >= self.settings.max_resident_workers:
                return
            await session.restore_now()

    def mark_ready(self) -> None:
        self._ready = True
        if self.settings.idle_ttl_seconds > 0:
            self._sweeper = asyncio.create_task(self._sweep(), name="hibernation-sweeper")

    @contextlib.contextmanager
    def _call(self) -> Iterator[None]:
        self._call_began()
        try:
            yield
        finally:
            self._call_ended()

    def _call_began(self) -> None:
        self._calls += 1
        self._quiet.clear()

    def _call_ended(self) -> None:
        self._calls -= 1
        if not self._calls:
            self._quiet.set()

    async def create(self) -> SessionInfo:
        with self._call():
            return await self._create()

    async def _create(self) -> SessionInfo:
        self.check_serving()
        with self._new_session_slot():
            session_id = uuid.uuid4().hex
            record = self._new_record(session_id)
            session = Session(session_id, self, record, create_time=time.time())
            try:
                session.worker = await self.acquire_worker()
            except BaseException:
                record.erase()
                raise
            self._sessions[session_id] = session
        return session.info()

    @contextlib.contextmanager
    def _new_session_slot(self) -> Iterator[None]:
        """A slot under --max-sessions for a session being made, held until it is registered
        (it then counts itself) or has failed: otherwise concurrent calls waiting for their
        workers would all pass the capacity check."""
        self._check_capacity()
        self._creating += 1
        try:
            yield
        finally:
            self._creating -= 1

    def _new_record(self, session_id: str, *, incomplete: bool = False) -> SessionRecord:
        try:
            return self.store.new(session_id, incomplete=incomplete)
        except OSError as exc:
            raise errors.resource_exhausted(
                f"The state directory cannot hold a new session ({exc.strerror or exc}). Free "
                "space there, or delete sessions you no longer need.",
                resource_type="sage.v1.Session",
            ) from exc

    async def clone(self, session_id: str) -> SessionInfo:
        with self._call():
            return await self._clone(session_id)

    async def _clone(self, session_id: str) -> SessionInfo:
        self.check_serving()
        source = self._lookup(session_id)
        with self._new_session_slot():
            async with self.room_in_hand(sparing=source):
                clone_id = uuid.uuid4().hex
                record = self._new_record(clone_id, incomplete=True)
                clone = Session(clone_id, self, record, create_time=time.time())
                try:
                    await source.clone_to(clone)
                except BaseException:
                    clone.close()
                    record.erase()
                    raise
                # Only now can it be found: a call on a clone still being made would run on
                # an empty worker, which the fork then replaces.
                self._sessions[clone_id] = clone
        self.session_rests()
        return clone.info()

    async def list_variables(
        self, session_id: str, max_variables: int, max_value_chars: int
    ) -> VariablesListed:
        with self._call():
            self.check_serving()
            session = self._lookup(session_id)
            request = ListVariables(
                _within("max_variables", max_variables, default=1000, maximum=1000),
                _within("max_value_chars", max_value_chars, default=300, maximum=1000),
            )
            return await session.list_variables(request)

    def get(self, session_id: str) -> SessionInfo:
        return self._lookup(session_id).info()

    def list(self) -> list[SessionInfo]:
        return [s.info() for s in sorted(self._sessions.values(), key=lambda s: s.create_time)]

    def delete(self, session_id: str) -> None:
        session = self._lookup(session_id)
        del self._sessions[session_id]
        session.close()
        assert session.record is not None
        session.record.erase()

    def interrupt(self, session_id: str, request_id: str = "") -> bool:
        if not session_id and request_id:
            run = self._one_off_requests.get(request_id)
            if not isinstance(run, EvaluationRun) or run.finished:
                return False
            run.interrupt(EvaluationStatus.INTERRUPTED)
            return True
        return self._lookup(session_id).interrupt(request_id)

    async def evaluate(self, request: EvaluationRequest) -> AsyncGenerator[Event, None]:
        """The events of one evaluation, or of its earlier run when the request id repeats.

        Closing the iterator early interrupts the evaluation, after a grace period in which a
        retry with the same request id may attach instead.
        """
        # Not `_call()`: this runs for every evaluation, and a context manager's generator
        # costs more than the rest of this bookkeeping.
        self._call_began()
        try:
            self.check_serving()
            timeout = self._validate(request)
            session = self._lookup(request.session_id) if request.session_id else None
            earlier = self._earlier(session, request)
            if isinstance(earlier, JournaledRun | KeptOneOff) or (
                earlier is not None and earlier.finished
            ):
                for event in _replayed(earlier, session):
                    yield event
                return
            run = earlier
            if run is None:
                if session is None:
                    # Registered below before any await, so it counts for the next check.
                    self._check_capacity()
                    session = Session(uuid.uuid4().hex, self, None, create_time=time.time())
                    self._one_offs.add(session)
                span = trace.get_current_span()  # the RPC's
                attributes = self._code_attributes(request.code, session.session_id, span)
                run = session.submit(request.code, timeout, request.request_id, span, attributes)
                if session.one_off and request.request_id:
                    self._remember_one_off(request.request_id, run)
            self._runs.add(run)
            # The run's events from the first, then as they come, until `finished`: read
            # here rather than through a generator of the run's, one less on every event.
            run.followed()
            try:
                seen = 0
                while True:
                    history = run.history
                    while seen < len(history):
                        item = history[seen]
                        seen += 1
                        if isinstance(item, RuntimeFault):
                            raise item
                        yield item
                        if isinstance(item, Finished):
                            return
                    await run.next_event()
            finally:
                # No longer followed by this call before `detach` looks at the followers.
                run.unfollowed()
                self._runs.discard(run)
                if not run.finished:
                    run.detach(self.settings.detach_grace_seconds if self._accepting else 0)
        finally:
            self._call_ended()

    def _earlier(self, session: Session | None, request: EvaluationRequest) -> Remembered | None:
        if not request.request_id:
            return None
        earlier: Remembered | None
        if session is None:
            earlier = self._one_off_requests.get(request.request_id)
            where = "by a one-off evaluation"
        else:
            earlier = session.requests.get(request.request_id)
            where = "on this session"
        if earlier is not None and not _same_code(earlier, request.code):
            raise errors.invalid_argument(
                "request_id",
                f"{request.request_id!r} was already used for different code {where}; "
                "send a fresh request id for each new evaluation.",
            )
        return earlier

    def _remember_one_off(self, request_id: str, run: EvaluationRun) -> None:
        self._one_off_requests[request_id] = run
        self._forget_one_offs()

    def keep_one_off(self, run: EvaluationRun) -> None:
        """A one-off evaluation is over: keep only its events for retries, within the budget.

        One that ended without `finished` (it never ran) is forgotten, so a retry runs it."""
        if not run.request_id or self._one_off_requests.get(run.request_id) is not run:
            return
        kept = KeptOneOff.of(run)
        if not kept.events or not isinstance(kept.events[-1], Finished):
            del self._one_off_requests[run.request_id]
            return
        self._one_off_requests[run.request_id] = kept  # in the same place in the order
        self._one_off_bytes += kept.size
        self._forget_one_offs()

    def _forget_one_offs(self) -> None:
        """Oldest first, down to REMEMBERED_REQUESTS request ids and _ONE_OFF_REPLAY_BYTES of
        kept events. A retry of a forgotten one runs it again: a one-off keeps no state."""
        requests = self._one_off_requests
        while len(requests) > REMEMBERED_REQUESTS:
            self._forget_one_off(next(iter(requests)))
        if self._one_off_bytes > _ONE_OFF_REPLAY_BYTES:
            # Running ones hold their events until they finish, and are not counted yet.
            for request_id in [r for r, item in requests.items() if isinstance(item, KeptOneOff)]:
                self._forget_one_off(request_id)
                if self._one_off_bytes <= _ONE_OFF_REPLAY_BYTES:
                    break

    def _forget_one_off(self, request_id: str) -> None:
        item = self._one_off_requests.pop(request_id)
        if isinstance(item, KeptOneOff):
            self._one_off_bytes -= item.size

    def discard(self, session: Session) -> None:
        """Drop a one-off session once its evaluation is over."""
        if session in self._one_offs:
            self._one_offs.discard(session)
            session.close()

    async def acquire_worker(self) -> WorkerProcess:
        # One at a time: concurrent callers would all pass the cap check before any of them
        # holds its worker. The caller registers the worker before the next one checks.
        async with self._acquiring:
            await self._make_room()
            return await self.pool.acquire()

    @contextlib.asynccontextmanager
    async def room_in_hand(self, sparing: Session | None = None) -> AsyncIterator[None]:
        """Room for a worker that a session being restored or cloned will hold: counted as
        resident from now on, so that sessions woken all at once keep to the cap too. The
        session `sparing` (a clone's source) is not hibernated to make it."""
        async with self._acquiring:
            await self._make_room(sparing=sparing)
            self._in_hand += 1
        try:
            yield
        finally:
            self._in_hand -= 1

    def session_rests(self) -> None:
        if self._over_cap and self._trim is None:
            self._trim = asyncio.create_task(self._trim_to_cap(), name="resident-cap")

    async def _trim_to_cap(self) -> None:
        try:
            async with self._acquiring:
                self._over_cap = False
                await self._make_room(wanted=0)
        except Exception:
            log.exception("could not hibernate sessions down to --max-resident-workers")
        finally:
            self._trim = None

    async def _make_room(self, wanted: int = 1, sparing: Session | None = None) -> None:
        """Hibernate least recently used idle sessions until `wanted` more workers fit under
        the cap; when every resident session is busy, the cap is passed until one rests."""
        while self.resident_count + wanted > self.settings.max_resident_workers:
            candidates = [
                s for s in self._sessions.values() if s.resident and s.idle and s is not sparing
            ]
            if not candidates:
                self._over_cap = True
                return
            victim = min(candidates, key=lambda s: s.last_active_time)
            await victim.hibernate()

    async def _sweep(self) -> None:
        ttl = self.settings.idle_ttl_seconds
        while True:
            await asyncio.sleep(min(ttl / 4, 30.0))
            cutoff = time.time() - ttl
            for session in list(self._sessions.values()):
                if session.resident and session.idle and session.last_active_time < cutoff:
                    try:
                        await session.hibernate()
                    except Exception:
                        log.exception("could not hibernate session %s", session.session_id)

    async def drain(self, grace: float) -> None:
        """Stop accepting work; give running evaluations `grace` seconds, then interrupt them.

        Returns once every call in flight has been answered: evaluations have delivered their
        `finished` event, and calls that arrived too late have had their UNAVAILABLE.
        """
        self._accepting = False
        if self._sweeper is not None:
            self._sweeper.cancel()
        await self._wait_for_calls(grace)
        if self._runs:
            for run in list(self._runs):
                run.interrupt(EvaluationStatus.INTERRUPTED)
            await self._wait_for_calls(self.settings.interrupt_grace_seconds + 5.0)

    async def _wait_for_calls(self, timeout: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._quiet.wait(), timeout)

    async def close(self) -> None:
        if self._trim is not None:
            self._trim.cancel()
        for session in [*self._sessions.values(), *self._one_offs]:
            session.close()
            if session.worker is not None:
                session.worker.remove_scratch()
        self._sessions.clear()
        self._one_offs.clear()
        await self.pool.close()

    @property
    def session_count(self) -> int:
        return len(self._sessions) + len(self._one_offs)

    @property
    def resident_count(self) -> int:
        resident = sum(s.resident for s in self._sessions.values())
        return resident + len(self._one_offs) + self._in_hand

    def _check_capacity(self) -> None:
        limit = self.settings.max_sessions
        if self.session_count + self._creating >= limit:
            raise errors.resource_exhausted(
                f"All {limit} sessions are in use. Delete sessions you no longer need with "
                "DeleteSession, then try again.",
                resource_type="sage.v1.Session",
            )

    def _code_attributes(self, code: str, session_id: str, span: Span) -> dict[str, str | int]:
        """What spans say about the code: its size and hash, the code itself only if allowed.

        Set on the RPC's span, and sent for the worker's: none when no span is recorded."""
        if not span.is_recording():
            return {}
        encoded = code.encode("utf-8", "surrogatepass")
        attributes: dict[str, str | int] = {
            "sage.session.id": session_id,
            "sage.code.length": len(encoded),
            "sage.code.sha256": hashlib.sha256(encoded).hexdigest(),
        }
        if self.settings.trace_code:
            attributes["sage.code"] = code
        span.set_attributes(attributes)
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

    def cancelled_fault(self) -> RuntimeFault:
        """Why an evaluation that was waiting for its turn will never run."""
        if not self._accepting:
            return errors.unavailable(
                "The Sage runtime is shutting down; this evaluation was still queued and never "
                "ran. Retry it, with the same request id, against the runtime's replacement.",
                retry_after=1.0,
            )
        return RuntimeFault(
            "The evaluation was cancelled before it started: it was interrupted, or its caller "
            "went away, while it waited for its turn. It never ran; a retry with the same "
            "request id runs it.",
            grpc.StatusCode.CANCELLED,
        )

    def check_serving(self) -> None:
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
        if len(request.request_id) > 128:
            raise errors.invalid_argument("request_id", "it is longer than 128 characters.")
        if request.timeout is None:
            return self.settings.default_timeout_seconds
        longest = self.settings.max_timeout_seconds
        if not 0 < request.timeout <= longest:
            raise errors.invalid_argument(
                "timeout", f"it must be more than 0 s and at most {longest:g} s."
            )
        return request.timeout


def _replayed(earlier: Remembered, session: Session | None) -> list[Event]:
    if isinstance(earlier, JournaledRun):
        assert session is not None
        events = session.recorded_events(earlier)
    elif isinstance(earlier, KeptOneOff):
        events = list(earlier.events)
    else:
        events = [e for e in earlier.history if not isinstance(e, RuntimeFault)]
    if events and isinstance(events[-1], Finished):
        events[-1] = replace(events[-1], replayed=True)
    return events


def _within(field_name: str, value: int, *, default: int, maximum: int) -> int:
    """A request's limit, 0 meaning its default."""
    if value == 0:
        return default
    if not 1 <= value <= maximum:
        raise errors.invalid_argument(
            field_name, f"{value} is out of range: give 1 to {maximum}, or 0 for {default}."
        )
    return value


def _same_code(earlier: Remembered, code: str) -> bool:
    if isinstance(earlier, EvaluationRun):
        return earlier.code == code
    return earlier.code_digest == code_digest(code)


def _footprint(events: tuple[Event, ...]) -> int:
    """Roughly the memory `events` take: their objects, text and data."""
    size = 0
    for event in events:
        size += sys.getsizeof(event)
        for field in fields(event):
            value = getattr(event, field.name)
            if isinstance(value, str | bytes):
                size += sys.getsizeof(value)
    return size
