"""What the server and its Sage workers say to each other over their pipe.

These are plain picklable values: workers never import gRPC. The servicer translates the
events into `sage.v1` protobuf messages.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Literal


class EvaluationStatus(enum.IntEnum):
    """How an evaluation ended; the numbers match `sage.v1.EvaluationStatus`."""

    OK = 1
    ERROR = 2
    INTERRUPTED = 3
    TIMED_OUT = 4
    WORKER_DIED = 5


# Events of an evaluation, in the order the contract documents.


@dataclass(frozen=True, slots=True)
class Started:
    execution_count: int


@dataclass(frozen=True, slots=True)
class Stream:
    name: Literal["stdout", "stderr"]
    text: str


@dataclass(frozen=True, slots=True)
class Display:
    mime_type: str
    data: bytes
    text_plain: str


@dataclass(frozen=True, slots=True)
class Result:
    text_plain: str
    text_latex: str


@dataclass(frozen=True, slots=True)
class Error:
    ename: str
    evalue: str
    traceback: str


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
class EvaluateCell:
    code: str
    execution_count: int
    max_output_bytes: int
    max_display_bytes: int
    # W3C trace context of the evaluation; empty when no spans are exported.
    traceparent: str = ""
    # Span attributes the server adds (session id, code hash, ...).
    span_attributes: tuple[tuple[str, str | int], ...] = ()


@dataclass(frozen=True, slots=True)
class TakeSnapshot:
    pass


@dataclass(frozen=True, slots=True)
class Restore:
    """Load a snapshot (if any), then replay committed cells: `(execution_count, code)`."""

    snapshot: bytes
    cells: tuple[tuple[int, str], ...]


@dataclass(frozen=True, slots=True)
class Clone:
    """Fork a copy of this worker; the new pipe's end follows as a passed file descriptor."""


# Worker to server.


@dataclass(frozen=True, slots=True)
class WorkerReady:
    pid: int
    # Its private scratch directory, which the server removes when the worker is gone.
    scratch: str = ""
    # Which protections the platform granted, for the server to report.
    sandbox: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class CellState:
    """Sent with a cell's last events: did the cell rebind names since the last snapshot?"""

    namespace_changed: bool


@dataclass(frozen=True, slots=True)
class SnapshotWritten:
    data: bytes
    saved: tuple[str, ...]
    failed: dict[str, str]
    error: str = ""


@dataclass(frozen=True, slots=True)
class Restored:
    saved: tuple[str, ...]
    failed: dict[str, str]
    replayed: int
    problems: tuple[str, ...]
    # Set when the snapshot could not be read at all; nothing was loaded or replayed then.
    error: str = ""


@dataclass(frozen=True, slots=True)
class Cloned:
    pid: int


AttributeValue = str | bool | int | float


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
class WorkerSpans:
    """Sent by a worker with a cell's last events."""

    records: tuple[SpanRecord, ...]


# Any other message from a worker is a batch of events, sent as one pipe write; a cell's last
# batch ends with `Finished`, preceded by its spans when it was traced.
WorkerItem = Event | WorkerSpans | CellState
EventBatch = tuple[WorkerItem, ...]
Reply = WorkerReady | SnapshotWritten | Restored | Cloned
