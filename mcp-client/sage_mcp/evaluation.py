"""Collects the event stream of one evaluation into an `Outcome`.

Counterpart: `render`, which turns an outcome into what the agent reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from sage_services.api.sage.v1 import sage_pb2

Status = Literal["ok", "error", "interrupted", "timed_out", "worker_died", "unknown"]

_STATUS_NAMES: dict[int, Status] = {
    sage_pb2.EVALUATION_STATUS_OK: "ok",
    sage_pb2.EVALUATION_STATUS_ERROR: "error",
    sage_pb2.EVALUATION_STATUS_INTERRUPTED: "interrupted",
    sage_pb2.EVALUATION_STATUS_TIMED_OUT: "timed_out",
    sage_pb2.EVALUATION_STATUS_WORKER_DIED: "worker_died",
}


@dataclass(frozen=True)
class Display:
    mime_type: str
    data: bytes
    text_plain: str


@dataclass(frozen=True)
class SageError:
    ename: str
    evalue: str
    traceback: str


@dataclass
class Outcome:
    execution_count: int = 0
    status: Status = "unknown"
    stdout_parts: list[str] = field(default_factory=list)
    stderr_parts: list[str] = field(default_factory=list)
    displays: list[Display] = field(default_factory=list)
    result_text: str | None = None
    result_latex: str = ""
    error: SageError | None = None
    duration_seconds: float = 0.0
    state_preserved: bool = True
    output_truncated: bool = False
    replayed: bool = False
    finished: bool = False
    # stdout and stderr interleaved as they arrived, for progress messages.
    printed_parts: list[str] = field(default_factory=list)

    @property
    def stdout(self) -> str:
        return "".join(self.stdout_parts)

    @property
    def stderr(self) -> str:
        return "".join(self.stderr_parts)

    def add(self, event: sage_pb2.EvaluateResponse) -> None:
        kind = event.WhichOneof("event")
        if kind == "started":
            # A resumed stream starts over: what came before is replaced, not appended to.
            self.__dict__.update(Outcome().__dict__)
            self.execution_count = event.started.execution_count
        elif kind == "stdout":
            self.stdout_parts.append(event.stdout.text)
            self.printed_parts.append(event.stdout.text)
        elif kind == "stderr":
            self.stderr_parts.append(event.stderr.text)
            self.printed_parts.append(event.stderr.text)
        elif kind == "display":
            d = event.display
            self.displays.append(Display(d.mime_type, bytes(d.data), d.text_plain))
        elif kind == "result":
            self.result_text = event.result.text_plain
            self.result_latex = event.result.text_latex
        elif kind == "error":
            e = event.error
            self.error = SageError(e.ename, e.evalue, e.traceback)
        elif kind == "finished":
            f = event.finished
            self.status = _STATUS_NAMES.get(f.status, "unknown")
            self.duration_seconds = f.duration.ToTimedelta().total_seconds()
            self.execution_count = f.execution_count or self.execution_count
            self.state_preserved = f.state_preserved
            self.output_truncated = f.output_truncated
            self.replayed = f.replayed
            self.finished = True

    def latest_output(self, limit: int = 300) -> str:
        """The tail of what the code printed so far, for progress messages."""
        tail: list[str] = []
        size = 0
        for part in reversed(self.printed_parts):
            tail.append(part)
            size += len(part)
            if size >= limit:
                break
        text = "".join(reversed(tail))
        if len(text) <= limit:
            return text
        # From the start of a line: a number cut in front reads as a different number.
        text = text[-limit:]
        start = text.find("\n")
        return text[start + 1 :] if 0 <= start < len(text) - 1 else text
