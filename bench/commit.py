"""The journal commit a durable session makes on every evaluation, timed in-process.

It is the one piece of durability on a call's path (snapshots are taken when the session
rests): encoding the evaluation's events and appending them to `journal.jsonl`, through the
sidecar's own `SessionStore`, in a temporary state directory on the same filesystem the bench
gives the sidecar.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

from sage_sidecar.messages import EvaluationStatus, Event, Finished, Result, Started
from sage_sidecar.store import JournalEntry, SessionStore


def journal_commit_seconds(reps: int) -> list[float]:
    """Seconds per commit of a `1+1` evaluation's journal entry, made as the server makes it."""
    state = Path(tempfile.mkdtemp(prefix="bench-journal-"))
    try:
        store = SessionStore(state, fsync=False)
        record = store.new("bench")
        seconds = []
        for count in range(1, reps + 1):
            events: list[Event] = [
                Started(count),
                Result("2", "2"),
                Finished(EvaluationStatus.OK, 0.0002, count, cpu_time=0.0002),
            ]
            began = time.perf_counter()
            record.append(JournalEntry.of_evaluation("", "1+1", events))
            seconds.append(time.perf_counter() - began)
        record.close()
        return seconds
    finally:
        shutil.rmtree(state, ignore_errors=True)
