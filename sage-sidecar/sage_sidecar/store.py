"""The durable record of sessions in the state directory.

    <state-dir>/sessions/<session_id>/
        meta.json          when it was created; written once, atomically
        journal.jsonl      one JSON line per finished evaluation, appended before `finished`
        snapshots/N.sobj   the namespace after evaluation N, as the worker pickled it
        snapshots/N.sobj.set-aside
                           one that killed or hung the worker loading it: never loaded again
        snapshots/N.sobj.inherited
                           a clone's link to its source's snapshot, kept while the clone's
                           own first snapshot is taken
        deleted            present while a deletion is in progress
        incomplete         present while a clone is being made

A torn last journal line (a crash mid-write) or an unreadable snapshot is reported and skipped:
restoring takes the newest snapshot that loads and replays the committed cells after it.
Workers never touch these files: they may not even see the directory. Counterpart:
`snapshot`, the worker-side code that pickles and unpickles a namespace.
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import fcntl
import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from sage_sidecar.messages import (
    Display,
    Error,
    EvaluationStatus,
    Event,
    Finished,
    Result,
    Started,
    Stream,
)

log = logging.getLogger(__name__)

# Outcomes whose cell is committed: replaying it rebuilds the state it left. An interrupted
# cell may have half-changed the namespace, so the worker snapshots right after it instead;
# a killed cell is rolled back.
REPLAYABLE = frozenset({EvaluationStatus.OK, EvaluationStatus.ERROR})

_INHERITED = ".inherited"


@dataclass(frozen=True)
class JournalEntry:
    execution_count: int
    request_id: str
    code: str
    status: EvaluationStatus
    state_preserved: bool
    # The worker died or was killed during the cell: its effects were rolled back.
    rolled_back: bool
    finished_at: float
    # The evaluation's events in the contract's JSON form, for replaying a repeated request.
    events: list[dict[str, Any]]

    @classmethod
    def of_evaluation(
        cls, request_id: str, code: str, events: Sequence[Event], *, rolled_back: bool = False
    ) -> JournalEntry:
        """The entry for an evaluation whose events end with `finished`, as of now."""
        finished = events[-1]
        assert isinstance(finished, Finished)
        return cls(
            execution_count=finished.execution_count,
            request_id=request_id,
            code=code,
            status=finished.status,
            state_preserved=finished.state_preserved,
            rolled_back=rolled_back,
            finished_at=time.time(),
            events=encode_events(events),
        )

    def to_json(self) -> bytes:
        """One line of the journal, without its newline."""
        fields = {
            "execution_count": self.execution_count,
            "request_id": self.request_id,
            "code": self.code,
            "status": self.status.name,
            "state_preserved": self.state_preserved,
            "rolled_back": self.rolled_back,
            "finished_at": self.finished_at,
            "events": self.events,
        }
        try:
            # Every evaluation writes one: orjson takes a tenth of the standard library's time.
            return orjson.dumps(fields)
        except TypeError:  # text orjson refuses (a lone surrogate in an error message, say)
            return json.dumps(fields, separators=(",", ":")).encode()

    @classmethod
    def from_json(cls, line: str) -> JournalEntry:
        raw = json.loads(line)
        return cls(
            execution_count=int(raw["execution_count"]),
            request_id=str(raw["request_id"]),
            code=str(raw["code"]),
            status=EvaluationStatus[raw["status"]],
            state_preserved=bool(raw["state_preserved"]),
            rolled_back=bool(raw["rolled_back"]),
            finished_at=float(raw["finished_at"]),
            events=list(raw["events"]),
        )


@dataclass(frozen=True)
class JournalPlace:
    """Where one entry's line is in the journal, so it can be read back without keeping it."""

    offset: int
    length: int


@dataclass
class JournalReading:
    entries: list[JournalEntry] = field(default_factory=list)
    places: list[JournalPlace] = field(default_factory=list)  # one per entry
    problems: list[str] = field(default_factory=list)


class SessionRecord:
    """One session's directory."""

    def __init__(self, directory: Path, *, fsync: bool) -> None:
        self.directory = directory
        self.session_id = directory.name
        self._fsync = fsync
        self._journal: int | None = None
        self._journal_size = 0

    @property
    def snapshots(self) -> Path:
        return self.directory / "snapshots"

    def create(self, create_time: float, *, incomplete: bool = False) -> None:
        self.snapshots.mkdir(parents=True, exist_ok=True)
        if incomplete:  # before meta.json: a crash from here on leaves no half-made session
            (self.directory / "incomplete").touch()
        _write_atomically(
            self.directory / "meta.json",
            json.dumps({"session_id": self.session_id, "create_time": create_time}).encode(),
            fsync=self._fsync,
        )

    def create_time(self) -> float:
        meta = json.loads((self.directory / "meta.json").read_text())
        return float(meta["create_time"])

    def complete(self) -> None:
        """A clone's record now holds its state: it is a session of its own."""
        (self.directory / "incomplete").unlink(missing_ok=True)

    def newest_snapshot_count(self) -> int:
        return next((count for count, _ in self.snapshots_newest_first()), 0)

    def committed_journal_size(self) -> int:
        if self._journal is not None:
            return self._journal_size
        try:
            return (self.directory / "journal.jsonl").stat().st_size
        except FileNotFoundError:
            return 0

    def hold_inheritance(self, source: SessionRecord) -> int:
        """At a clone's fork, in its source's turn: link the source's snapshots in, under
        names that are never loaded, and return the length of the source's committed
        journal. Should the clone's own snapshot fail, `take_inheritance` makes them its
        record; until then the source may prune them and append to its journal freely."""
        for _, path in source.snapshots_newest_first():
            target = self.snapshots / (path.name + _INHERITED)
            try:
                os.link(path, target)
            except FileNotFoundError:  # pruned meanwhile: a newer one is linked already
                continue
            except OSError:  # a file system without hard links
                shutil.copyfile(path, target)
        return source.committed_journal_size()

    def take_inheritance(self, source: SessionRecord, journal_size: int) -> None:
        """The source's record as it stood at the fork becomes this one's: its snapshots,
        and its committed journal without request ids, since retries belong to the source.
        A damaged line is left out: the source's restore reports it."""
        reading = source.read_journal()
        lines = [
            dataclasses.replace(entry, request_id="").to_json() + b"\n"
            for entry, place in zip(reading.entries, reading.places, strict=True)
            if place.offset + place.length <= journal_size  # not appended since the fork
        ]
        _write_atomically(self.directory / "journal.jsonl", b"".join(lines), fsync=self._fsync)
        for path in self.snapshots.glob("*" + _INHERITED):
            path.rename(path.with_name(path.name.removesuffix(_INHERITED)))

    def drop_inheritance(self) -> None:
        for path in self.snapshots.glob("*" + _INHERITED):
            path.unlink(missing_ok=True)

    def append(self, entry: JournalEntry) -> JournalPlace:
        """Append one entry, whole or not at all; it has reached the operating system when
        this returns. A failed write (a full disk) is cut off again, so no torn line stays."""
        if self._journal is None:
            self._journal = os.open(
                self.directory / "journal.jsonl", os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600
            )
            self._journal_size = _cut_torn_tail(self._journal)
        fd = self._journal
        data = memoryview(entry.to_json() + b"\n")
        size = len(data)
        try:
            while data:
                data = data[os.write(fd, data) :]
            if self._fsync:
                os.fsync(fd)
        except OSError:
            # The state directory is locked to this process, so the size kept here is the
            # file's, without a seek per entry.
            with contextlib.suppress(OSError):
                os.ftruncate(fd, self._journal_size)
            raise
        place = JournalPlace(self._journal_size, size)
        self._journal_size += size
        return place

    def read_journal(self) -> JournalReading:
        reading = JournalReading()
        path = self.directory / "journal.jsonl"
        if not path.exists():
            return reading
        offset = 0
        with path.open("rb") as journal:
            for number, line in enumerate(journal, start=1):
                try:
                    reading.entries.append(JournalEntry.from_json(line.decode()))
                except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
                    reading.problems.append(f"journal line {number} is unreadable ({exc})")
                else:
                    reading.places.append(JournalPlace(offset, len(line)))
                offset += len(line)
        return reading

    def read_entry(self, place: JournalPlace) -> JournalEntry:
        """The entry at `place`, read back from disk. Raises OSError or ValueError (a
        damaged line) when it cannot be."""
        with (self.directory / "journal.jsonl").open("rb") as journal:
            journal.seek(place.offset)
            line = journal.read(place.length)
        try:
            return JournalEntry.from_json(line.decode())
        except (KeyError, TypeError, UnicodeDecodeError) as exc:
            raise ValueError(f"the journal line is damaged ({exc})") from exc

    def snapshot_path(self, execution_count: int) -> Path:
        return self.snapshots / f"{execution_count:010d}.sobj"

    def snapshots_newest_first(self) -> Iterator[tuple[int, Path]]:
        found = []
        for path in self.snapshots.glob("*.sobj"):
            try:
                found.append((int(path.stem), path))
            except ValueError:
                continue
        yield from sorted(found, reverse=True)

    def write_snapshot(self, execution_count: int, data: bytes) -> None:
        """Store a snapshot atomically: a crash leaves the old one or the new one, whole."""
        _write_atomically(self.snapshot_path(execution_count), data, fsync=self._fsync)

    def prune_snapshots(self, keep: int) -> None:
        """Keep the newest `keep` snapshots: an older one is the fallback if one is damaged."""
        for _, path in list(self.snapshots_newest_first())[keep:]:
            path.unlink(missing_ok=True)

    def set_aside_snapshot(self, path: Path) -> None:
        """Never load this snapshot again (loading it killed or hung a worker), but keep it
        for a person to look at; the session's own deletion removes it."""
        with contextlib.suppress(OSError):  # then it is tried, and set aside, once more
            path.rename(path.with_name(path.name + ".set-aside"))

    def close(self) -> None:
        if self._journal is not None:
            os.close(self._journal)
            self._journal = None

    def erase(self) -> None:
        self.close()
        # Mark first, so a crash halfway through does not bring the session back.
        (self.directory / "deleted").touch()
        shutil.rmtree(self.directory, ignore_errors=True)


class StateDirInUse(RuntimeError):
    pass


class SessionStore:
    def __init__(self, root: Path, *, fsync: bool) -> None:
        self.root = root / "sessions"
        self._fsync = fsync
        self.root.mkdir(parents=True, exist_ok=True)
        self._lock = _lock_exclusively(root / "lock")

    def new(self, session_id: str, *, incomplete: bool = False) -> SessionRecord:
        """A new session's record; an `incomplete` one is erased at the next start unless
        `complete()` was called."""
        record = SessionRecord(self.root / session_id, fsync=self._fsync)
        record.create(time.time(), incomplete=incomplete)
        return record

    def existing(self) -> Iterator[SessionRecord]:
        """The sessions a previous run left, oldest first; half-deleted ones are finished off,
        and so are clones a crash interrupted (their call never answered)."""
        records = []
        for directory in self.root.iterdir():
            if not directory.is_dir():
                continue
            record = SessionRecord(directory, fsync=self._fsync)
            if (directory / "deleted").exists() or (directory / "incomplete").exists():
                record.erase()
                continue
            records.append(record)
        yield from sorted(records, key=_created)


_EVENT_TYPES: dict[str, type[Event]] = {
    cls.__name__: cls for cls in (Started, Stream, Display, Result, Error, Finished)
}


# Field names per event type, looked up once: this runs for every evaluation.
_FIELDS = {cls: tuple(f.name for f in dataclasses.fields(cls)) for cls in _EVENT_TYPES.values()}


def encode_events(events: Sequence[Event]) -> list[dict[str, Any]]:
    encoded = []
    for event in events:
        kind = type(event)
        fields: dict[str, Any] = {"type": kind.__name__}
        for name in _FIELDS[kind]:
            fields[name] = getattr(event, name)
        if kind is Finished:
            fields["status"] = fields["status"].name
        elif kind is Display:
            fields["data"] = base64.b64encode(fields["data"]).decode("ascii")
        encoded.append(fields)
    return encoded


def decode_events(encoded: Sequence[dict[str, Any]]) -> list[Event]:
    events: list[Event] = []
    for raw in encoded:
        fields = dict(raw)
        cls = _EVENT_TYPES[fields.pop("type")]
        if cls is Display:
            fields["data"] = base64.b64decode(fields["data"])
        if cls is Finished:
            fields["status"] = EvaluationStatus[fields["status"]]
        events.append(cls(**fields))
    return events


def _created(record: SessionRecord) -> float:
    try:
        return record.create_time()
    except (OSError, ValueError, KeyError):
        return float("inf")


def _lock_exclusively(path: Path) -> Any:
    """Hold a lock on the state directory for the life of the process: two sidecars writing
    the same journals would corrupt them."""
    handle = open(path, "a+")  # noqa: SIM115
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        owner = handle.read().strip() or "another process"
        handle.close()
        raise StateDirInUse(
            f"The state directory {path.parent} is in use by {owner}. Stop it, or give this "
            "sidecar its own --state-dir."
        ) from None
    handle.seek(0)
    handle.truncate()
    handle.write(f"sage-sidecar pid {os.getpid()}")
    handle.flush()
    return handle


def _cut_torn_tail(fd: int) -> int:
    """Cut a last line that a crash left without its newline; return the journal's size.

    That entry was never committed (`finished` waits for the write), and the next one must
    start a line of its own: written after the torn one, it would be lost with it."""
    size = os.fstat(fd).st_size
    end = size
    while end > 0:
        start = max(end - 65536, 0)
        block = os.pread(fd, end - start, start)
        if end == size and block.endswith(b"\n"):
            return size
        newline = block.rfind(b"\n")
        if newline >= 0:
            end = start + newline + 1
            break
        end = start
    os.ftruncate(fd, end)
    return end


def _write_atomically(path: Path, data: bytes, *, fsync: bool) -> None:
    with tempfile.NamedTemporaryFile(dir=path.parent, delete=False, prefix=".tmp-") as tmp:
        tmp.write(data)
        tmp.flush()
        if fsync:
            os.fsync(tmp.fileno())
    os.replace(tmp.name, path)
