"""Restoring a session into a fresh worker from its durable record.

The newest snapshot that loads, then the committed cells journaled after it. Whatever could not
be brought back is said in a report a person can read, never silently dropped.
"""

from __future__ import annotations

from dataclasses import dataclass

from sage_sidecar.messages import EvaluationStatus, Restore, Restored
from sage_sidecar.store import REPLAYABLE, JournalReading, SessionRecord
from sage_sidecar.worker_process import WorkerProcess


@dataclass(frozen=True)
class RestoreOutcome:
    ok: bool
    report: str


async def restore(
    worker: WorkerProcess, record: SessionRecord, journal: JournalReading, timeout: float
) -> RestoreOutcome:
    problems = list(journal.problems)
    reply: Restored | None = None
    base = 0
    for count, path in [*record.snapshots_newest_first(), (0, None)]:
        cells = tuple(
            (entry.execution_count, entry.code)
            for entry in journal.entries
            if entry.execution_count > count and entry.status in REPLAYABLE
        )
        try:
            data = path.read_bytes() if path is not None else b""
        except OSError as exc:
            problems.append(f"the snapshot after cell {count} is unreadable ({exc})")
            continue
        answer = await worker.request(Restore(data, cells), timeout)
        if not isinstance(answer, Restored):
            return RestoreOutcome(False, "; ".join([*problems, "the worker died restoring it"]))
        if answer.error:
            problems.append(f"the snapshot after cell {count} is unreadable ({answer.error})")
            continue
        reply, base = answer, count
        break
    assert reply is not None
    for entry in journal.entries:
        if (
            entry.execution_count > base
            and entry.status in (EvaluationStatus.INTERRUPTED, EvaluationStatus.TIMED_OUT)
            and not entry.rolled_back
        ):
            problems.append(
                f"what cell {entry.execution_count} did before it was interrupted is not "
                "restored (no snapshot after it could be read)"
            )
    for name, reason in sorted(reply.failed.items()):
        problems.append(f"variable {name!r} is not restored ({reason})")
    problems.extend(reply.problems)
    return RestoreOutcome(True, "; ".join(problems))
