"""Restoring a session into a fresh worker from its durable record.

The newest snapshot that loads, then the committed cells journaled after it. Whatever could not
be brought back is said in a report a person can read, never silently dropped.

Loading a snapshot runs user code (`__reduce__`), which may kill the worker (`os._exit`) or
never end. Such a snapshot is set aside, never to be loaded again, and the next older one is
tried in a fresh worker; the journal alone is the last resort, and rebuilds every committed cell.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sage_sidecar.messages import EvaluationStatus, Restore, Restored
from sage_sidecar.store import REPLAYABLE, JournalReading, SessionRecord
from sage_sidecar.worker_process import WorkerProcess


@dataclass(frozen=True)
class RestoreOutcome:
    ok: bool
    report: str
    # The worker now holding the session: a fresh one when a snapshot killed or hung the one
    # given. None when not `ok` (it was killed then).
    worker: WorkerProcess | None = None


# A snapshot that takes this many snapshot budgets to load is given up on.
LOAD_BUDGETS = 10


async def restore(
    worker: WorkerProcess,
    fresh_worker: Callable[[], Awaitable[WorkerProcess]],
    record: SessionRecord,
    journal: JournalReading,
    *,
    load_timeout: float,
    replay_timeout: float,
    grace: float,
) -> RestoreOutcome:
    """Restore the session into `worker`, or into one from `fresh_worker` if a snapshot kills
    or hangs it. Whichever worker is in hand is killed when this fails or raises."""
    problems = list(journal.problems)
    loaded = Restored((), {}, 0, ())
    base = 0
    try:
        for count, path in record.snapshots_newest_first():
            try:
                data = path.read_bytes()
            except OSError as exc:
                problems.append(f"the snapshot after cell {count} is unreadable ({exc})")
                continue
            started = time.monotonic()
            answer = await worker.request(Restore(data, ()), load_timeout, grace=grace)
            if isinstance(answer, Restored) and not answer.error:
                loaded, base = answer, count
                break
            hung = time.monotonic() - started >= load_timeout
            if answer is not None and not hung:
                problems.append(f"the snapshot after cell {count} is unreadable ({answer.error})")
                continue
            # It would do the same again: set it aside, and go on in a fresh worker, since
            # this one is dead, or was stopped halfway through loading it.
            if hung:
                what = f"did not load within {load_timeout:g} s"
            else:
                what = f"killed the worker loading it ({await worker.exit_description()})"
            problems.append(f"the snapshot after cell {count} {what}, so it was set aside")
            record.set_aside_snapshot(path)
            worker.kill()
            worker = await fresh_worker()
        cells = tuple(
            (entry.execution_count, entry.code)
            for entry in journal.entries
            if entry.execution_count > base and entry.status in REPLAYABLE
        )
        replayed = await worker.request(Restore(b"", cells), replay_timeout, grace=grace)
    except BaseException:
        worker.kill()
        raise
    if not isinstance(replayed, Restored):
        worker.kill()
        problems.append("the worker died replaying its journal")
        return RestoreOutcome(False, "; ".join(problems))
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
    for name, reason in sorted(loaded.failed.items()):
        problems.append(f"variable {name!r} is not restored ({reason})")
    problems.extend(loaded.problems)  # the session's files it could not bring back
    problems.extend(replayed.problems)
    return RestoreOutcome(True, "; ".join(problems), worker)
