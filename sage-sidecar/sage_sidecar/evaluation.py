"""One evaluation: its events so far, the callers following them, and why it was interrupted.

An evaluation lives apart from the RPC that asked for it: the worker's messages drive it, and
it goes on when its caller goes away. Its events are kept until it ends, so a retry with the
same request id can attach and read them from the start.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Callable
from dataclasses import replace

from opentelemetry.trace import Span, StatusCode
from sage_services.errors import RuntimeFault

from sage_sidecar.messages import Error, EvaluationStatus, Event, Finished, WorkerSpans


class EvaluationRun:
    def __init__(self, code: str, timeout: float, request_id: str, span: Span) -> None:
        self.code = code
        self.span = span  # the asking call's, which says how the evaluation went
        self.timeout = timeout
        self.request_id = request_id
        self.history: list[Event | RuntimeFault] = []
        self.interrupt_reason: EvaluationStatus | None = None
        self.dequeued = False  # left the session's queue
        self.started = False  # the worker has the cell
        self.finished = False
        self.task: asyncio.Task[None] | None = None  # while it waits in the session's queue
        # The asking call's context (its span), for the work done later on the evaluation's
        # behalf: committing it, snapshots, telling of a lost worker.
        self.context = contextvars.copy_context()
        self.execution_count = 0
        self.began = 0.0
        self.holds_turn = False  # the session's turn, until the evaluation's work is done
        self.timer: asyncio.TimerHandle | None = None  # its timeout
        self.span_attributes: dict[str, str | int] = {}
        self.last_error: Error | None = None
        self.followers = 0
        self._waiters: list[asyncio.Future[None]] = []
        self._interrupt_worker: Callable[[], None] | None = None
        self._detached: asyncio.TimerHandle | None = None

    def put(self, item: Event | RuntimeFault) -> None:
        if isinstance(item, Error):
            self.last_error = item
        self.history.append(item)
        if isinstance(item, Finished | RuntimeFault):
            self.finished = True
        waiters, self._waiters = self._waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)

    def followed(self) -> None:
        """A caller reads the events now (from the first, then as they come, until
        `finished`): it is not detached meanwhile."""
        self.followers += 1
        if self._detached is not None:
            self._detached.cancel()
            self._detached = None

    def unfollowed(self) -> None:
        self.followers -= 1

    def next_event(self) -> asyncio.Future[None]:
        """Done when the next event is put. A future of each follower's own: one that goes
        away cancels only its own wait."""
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        return waiter

    def running_on(self, interrupt_worker: Callable[[], None]) -> None:
        self.started = True
        self._interrupt_worker = interrupt_worker

    def interrupt(self, reason: EvaluationStatus) -> None:
        if self.finished:
            return
        if not self.dequeued and self.task is not None:
            self.task.cancel()  # still waiting in the queue: it simply never runs
            return
        if self.interrupt_reason is None:
            self.interrupt_reason = reason
        if self.started:
            assert self._interrupt_worker is not None
            self._interrupt_worker()

    def detach(self, grace: float) -> None:
        """The last caller went away: interrupt unless a retry attaches within `grace` s."""
        if self.finished or self.followers:
            return
        if grace <= 0 or not self.request_id:
            self.interrupt(EvaluationStatus.INTERRUPTED)
            return
        self._detached = asyncio.get_running_loop().call_later(
            grace, self.interrupt, EvaluationStatus.INTERRUPTED
        )

    def finish_span(self, finished: Finished) -> None:
        """Outcome on the evaluation's RPC span; Sage errors set its status too."""
        span = self.span
        if not span.is_recording():  # the call ended first (cancelled): its span is closed
            return
        span.set_attribute("sage.outcome", finished.status.name)
        if finished.status is EvaluationStatus.OK:
            return
        error = self.last_error
        description = f"{error.ename}: {error.evalue}" if error else finished.status.name
        span.set_status(StatusCode.ERROR, description)
        if error is not None:
            span.add_event(
                "exception",
                {"exception.type": error.ename, "exception.message": error.evalue,
                 "exception.stacktrace": error.traceback},
            )  # fmt: skip

    def relabel_spans(self, spans: WorkerSpans) -> WorkerSpans:
        """The worker saw a timeout as an interrupt: its spans say TIMED_OUT, as the events do."""
        if self.interrupt_reason is not EvaluationStatus.TIMED_OUT:
            return spans
        records = []
        for record in spans.records:
            if record.attributes.get("sage.outcome") == EvaluationStatus.INTERRUPTED.name:
                attributes = {**record.attributes, "sage.outcome": EvaluationStatus.TIMED_OUT.name}
                record = replace(record, attributes=attributes, status_description=(
                    f"TimeoutError: the evaluation ran past its {self.timeout:g} s timeout"
                ))  # fmt: skip
            records.append(record)
        return WorkerSpans(tuple(records))

    def relabel(self, events: list[Event]) -> list[Event]:
        """Say why an interrupted evaluation stopped: its timeout, rather than a bare Ctrl-C."""
        if self.interrupt_reason is not EvaluationStatus.TIMED_OUT:
            return events
        relabelled: list[Event] = []
        for event in events:
            if isinstance(event, Error) and event.ename == "KeyboardInterrupt":
                event = Error(
                    "TimeoutError",
                    f"The evaluation ran past its {self.timeout:g} s timeout and was "
                    "interrupted. The session's variables are kept.",
                    event.traceback,
                )
            elif isinstance(event, Finished) and event.status is EvaluationStatus.INTERRUPTED:
                event = replace(event, status=EvaluationStatus.TIMED_OUT)
            relabelled.append(event)
        return relabelled
