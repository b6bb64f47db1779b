"""What the server and its Sage workers say to each other over their pipe.

These are plain picklable values: workers never import gRPC. The servicer translates the
events into `sage.v1` protobuf messages.
"""

from __future__ import annotations

import enum
import operator
from dataclasses import dataclass, fields
from typing import Any, Literal, TypeVar, dataclass_transform

_M = TypeVar("_M")


@dataclass_transform(frozen_default=True)
def message(cls: type[_M]) -> type[_M]:
    """A frozen, slotted dataclass that pickles as its constructor's arguments.

    Every cell sends one of these each way; the dataclass default pickles through Python-level
    state functions, which cost more than the arguments themselves."""
    made: Any = dataclass(frozen=True, slots=True)(cls)
    names = tuple(f.name for f in fields(made))
    if len(names) > 1:
        arguments = operator.attrgetter(*names)  # a tuple of the fields, read in C

        def __reduce__(self: Any) -> tuple[type, tuple[Any, ...]]:
            return type(self), arguments(self)

    else:

        def __reduce__(self: Any) -> tuple[type, tuple[Any, ...]]:
            return type(self), tuple([getattr(self, name) for name in names])

    made.__reduce__ = __reduce__
    return made  # type: ignore[no-any-return]


def wire_text(text: str) -> str:
    """`text` as a protobuf string can carry it: valid UTF-8. A Python string may hold lone
    surrogates (a `repr`, an exception's message); they are written as escapes instead.

    And a `str` itself: `repr` and `str` may return a subclass, which the server's decoder
    would refuse as a forged message."""
    if type(text) is not str:
        text = str.__str__(text)
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


class EvaluationStatus(enum.IntEnum):
    """How an evaluation ended; the numbers match `sage.v1.EvaluationStatus`."""

    OK = 1
    ERROR = 2
    INTERRUPTED = 3
    TIMED_OUT = 4
    WORKER_DIED = 5

    def __reduce_ex__(self, protocol: object) -> str:  # type: ignore[override]
        # Pickled by name, as a global: the server's decoder then looks the member up,
        # rather than calling the enum class, for every evaluation's `finished`.
        return "EvaluationStatus." + self._name_


# Events of an evaluation, in the order the contract documents.


@message
class Started:
    execution_count: int


@message
class Stream:
    name: Literal["stdout", "stderr"]
    text: str


@message
class Display:
    mime_type: str
    data: bytes
    text_plain: str


@message
class Result:
    text_plain: str
    text_latex: str


@message
class Error:
    ename: str
    evalue: str
    traceback: str


@message
class Finished:
    status: EvaluationStatus
    duration: float
    execution_count: int
    state_preserved: bool = True
    output_truncated: bool = False
    cpu_time: float = 0.0
    peak_memory_bytes: int = 0
    # True when these events are a replay of an earlier evaluation with the same request id.
    replayed: bool = False


Event = Started | Stream | Display | Result | Error | Finished


# Server to worker.


@message
class EvaluateCell:
    code: str
    execution_count: int
    max_output_bytes: int
    max_display_bytes: int
    # W3C trace context of the evaluation; empty when no spans are exported.
    traceparent: str = ""
    # Span attributes the server adds (session id, code hash, ...).
    span_attributes: tuple[tuple[str, str | int], ...] = ()


@message
class TakeSnapshot:
    # Seconds the server gives it before it interrupts it: a variable still being pickled
    # then is left out of later snapshots. 0 for no budget.
    budget: float = 0.0


@message
class Restore:
    """Load a snapshot (if any), then replay committed cells: `(execution_count, code)`."""

    snapshot: bytes
    cells: tuple[tuple[int, str], ...]


@message
class Clone:
    """Fork a copy of this worker; the new pipe's end follows as a passed file descriptor."""


@message
class ListVariables:
    """The names the session bound, as text: at most `max_variables`, each value's repr cut
    at `max_value_chars`."""

    max_variables: int
    max_value_chars: int


# Worker to server.


@message
class WorkerReady:
    pid: int
    # Its private scratch directory, which the server removes when the worker is gone.
    scratch: str = ""
    # Which protections the platform granted, for the server to report.
    sandbox: tuple[tuple[str, str], ...] = ()


@message
class WorkerFailed:
    """The worker's own code failed (not a cell's): its traceback, for the server's log."""

    traceback: str


@message
class CellState:
    """Sent with a cell's last events: did the cell rebind names since the last snapshot?"""

    namespace_changed: bool


@message
class SnapshotWritten:
    data: bytes
    saved: tuple[str, ...]
    failed: dict[str, str]
    error: str = ""


@message
class Restored:
    saved: tuple[str, ...]
    failed: dict[str, str]
    replayed: int
    problems: tuple[str, ...]
    # Set when the snapshot could not be read at all; nothing was loaded or replayed then.
    error: str = ""


@message
class Cloned:
    pid: int
    error: str = ""  # why the worker could not fork; pid is 0 then


@message
class VariablesListed:
    variables: tuple[tuple[str, str, str], ...]  # name, type name, value's repr
    omitted: int  # names past the limit
    error: str = ""  # why there is no listing (it was interrupted)


AttributeValue = str | bool | int | float


@message
class SpanRecord:
    """A finished span, in a form that crosses the worker pipe."""

    name: str
    trace_id: int
    span_id: int
    parent_span_id: int | None
    start_time: int
    end_time: int
    attributes: dict[str, AttributeValue]
    status: int
    status_description: str | None
    events: tuple[tuple[str, int, dict[str, AttributeValue]], ...]


@message
class WorkerSpans:
    """Sent by a worker with a cell's last events."""

    records: tuple[SpanRecord, ...]


# Any other message from a worker is a batch of events, sent as one pipe write; a cell's last
# batch ends with `Finished`, preceded by its spans when it was traced.
WorkerItem = Event | WorkerSpans | CellState
EventBatch = tuple[WorkerItem, ...]
Reply = WorkerReady | SnapshotWritten | Restored | Cloned | VariablesListed
