"""Captures a worker's stdout and stderr at the file-descriptor level and streams them.

PARI, GAP and Maxima print from C and bypass `sys.stdout`, so file descriptors 1 and 2 are
pipes. A pump thread forwards what arrives while the code runs; the main thread drains the
pipes under the same lock before it sends any other event, so events keep their order.
"""

from __future__ import annotations

import codecs
import contextlib
import ctypes
import io
import os
import select
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from typing import Literal, TextIO

from sage_sidecar.messages import Event, EventBatch, Stream, WorkerItem

_READ_SIZE = 65536
_libc = ctypes.CDLL(None)


class OutputCapture:
    def __init__(self, send: Callable[[EventBatch], None]) -> None:
        self._send = send
        self._lock = threading.Lock()
        self._fds: dict[int, Literal["stdout", "stderr"]] = {}
        self._decoders: dict[int, codecs.IncrementalDecoder] = {}
        self._budget = 0
        self._limit = 0
        self._muted = False
        self.truncated = False

    def install(self) -> None:
        """Point fds 1 and 2 at pipes and start the pump thread."""
        self._open_pipes()
        # Line-buffered like a terminal, so `print` streams line by line.
        sys.stdout = io.TextIOWrapper(
            io.FileIO(1, "w", closefd=False), encoding="utf-8", line_buffering=True
        )
        sys.stderr = io.TextIOWrapper(
            io.FileIO(2, "w", closefd=False), encoding="utf-8", line_buffering=True
        )
        self._stdout, self._stderr = sys.stdout, sys.stderr
        _line_buffer_c_stdout()
        self._start_pump()

    @contextlib.contextmanager
    def paused_for_fork(self) -> Iterator[None]:
        """Hold the lock across fork(), so the child does not inherit it mid-send."""
        self.flush()
        with self._lock:
            yield

    def reinstall_after_fork(self, send: Callable[[EventBatch], None]) -> None:
        """In a forked copy: own pipes, lock and pump; the parent's stay with the parent."""
        self._send = send
        self._lock = threading.Lock()
        for fd in self._fds:
            os.close(fd)
        self._fds.clear()
        self._decoders.clear()
        self._open_pipes()
        self._start_pump()

    def _start_pump(self) -> None:
        threading.Thread(target=self._pump, name="output-pump", daemon=True).start()

    def _open_pipes(self) -> None:
        for target, name in ((1, "stdout"), (2, "stderr")):
            read_end, write_end = os.pipe()
            os.dup2(write_end, target)
            os.close(write_end)
            os.set_blocking(read_end, False)
            self._fds[read_end] = name  # type: ignore[assignment]
            self._decoders[read_end] = codecs.getincrementaldecoder("utf-8")("replace")
        self._poller = select.poll()
        for fd in self._fds:
            self._poller.register(fd, select.POLLIN)

    def begin(self, max_bytes: int, *, muted: bool = False) -> None:
        """Start a new evaluation's output budget; muted output is read and dropped."""
        with self._lock:
            self._budget = self._limit = max_bytes
            self.truncated = False
            self._muted = muted
        sys.stdout, sys.stderr = self._stdout, self._stderr

    @contextlib.contextmanager
    def discarded(self) -> Iterator[None]:
        """Output made inside (a restore's replay, a repr, a `__reduce__`) is read and dropped,
        to the last byte: none of it is left in the pipes for the next cell. Output after it
        gets a budget as large as before it: what threads left running by a cell print."""
        limit = self._limit
        self.begin(0, muted=True)
        try:
            yield
        finally:
            self.flush()
            with self._lock:
                self._drain_all()  # muted: read and dropped
            self.begin(limit)

    def take(self, text: str) -> str:
        """A result's text, cut at the output limit on its own (marked if cut): a cell whose
        prints used up the budget still shows its value."""
        with self._lock:
            kept, cut = _fit(text, self._limit)
            self.truncated = self.truncated or cut
            return kept

    def emit(self, *events: WorkerItem) -> None:
        """Send events after everything printed so far, so the stream keeps its order."""
        self.flush()
        with self._lock:
            batch = self._drain_all()
            self._send((*batch, *events))

    def emit_last(self, finished: Callable[[bool], Event], *events: WorkerItem) -> None:
        """Send a cell's last events; `finished` is built after the final drain, so that it
        knows whether that drain cut the output."""
        self.flush()
        with self._lock:
            batch = self._drain_all()
            self._send((*batch, *events, finished(self.truncated)))

    def flush(self) -> None:
        # Outside the lock: a full pipe blocks the writer until the pump drains it.
        streams: tuple[TextIO, ...] = (self._stdout, self._stderr)
        if sys.stdout is not self._stdout or sys.stderr is not self._stderr:
            streams += (sys.stdout, sys.stderr)  # the cell replaced them
        for stream in streams:
            try:  # noqa: SIM105 (a suppress() context per stream costs more than the flush)
                stream.flush()
            except Exception:  # a cell may have put anything there, None included
                pass
        _libc.fflush(None)

    def _pump(self) -> None:
        # Signals belong to the main thread: cysignals must longjmp on the stack it was set on.
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM, signal.SIGALRM})
        fds = list(self._fds)
        while True:
            ready, _, _ = select.select(fds, [], [])
            with self._lock:
                batch = self._drain_all(ready)
                if batch:
                    self._send(batch)

    def _drain_all(self, fds: list[int] | None = None) -> tuple[Event, ...]:
        if fds is None:
            # One poll, rather than a read that fails on each empty pipe.
            fds = [fd for fd, _ in self._poller.poll(0)]
        events: list[Event] = []
        for fd in fds:
            text = self._read_available(fd)
            if text and not self._muted:
                events.append(Stream(self._fds[fd], text))
        return tuple(events)

    def _read_available(self, fd: int) -> str:
        chunks: list[str] = []
        while True:
            try:
                data = os.read(fd, _READ_SIZE)
            except BlockingIOError:
                break
            if not data:
                break
            text = self._decoders[fd].decode(data)
            if text:
                chunks.append(self._charge(text))
        return "".join(chunks)

    def _charge(self, text: str) -> str:
        if self.truncated or self._muted:
            return ""
        kept, cut = _fit(text, self._budget)
        self._budget = 0 if cut else self._budget - len(text.encode("utf-8", "replace"))
        self.truncated = cut
        return kept


def _fit(text: str, budget: int) -> tuple[str, bool]:
    """`text` cut to `budget` bytes of UTF-8, with a marker when cut; and whether it was."""
    if len(text) * 4 <= budget:  # fits whatever its characters: no encoding needed
        return text, False
    encoded = text.encode("utf-8", "replace")
    if len(encoded) <= budget:
        return text, False
    kept = encoded[:budget].decode("utf-8", "ignore")
    return kept + "\n[output truncated: over this evaluation's output limit]\n", True


def _line_buffer_c_stdout() -> None:
    """Make C's stdout line-buffered, as on a terminal, so C libraries' prints stream too."""
    try:
        c_stdout = ctypes.c_void_p.in_dll(_libc, "stdout")
    except ValueError:
        return
    io_lbf = 1
    _libc.setvbuf(c_stdout, None, io_lbf, 0)
