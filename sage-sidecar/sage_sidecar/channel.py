"""The wire between the server and a Sage worker: length-prefixed frames on a Unix socket.

A frame is a 4-byte big-endian length, then a pickle of one message from `messages`. Workers
run untrusted code, which can write to its end of the socket, so the server decodes frames
with an unpickler that builds nothing but those messages and plain values: a forged frame gets
the worker killed, never code run in the server.

The server's end is an asyncio protocol: its reads and writes never block the event loop,
however large a snapshot or however stuck a worker. The worker's end reads with blocking
`recvmsg`, so a descriptor passed with a frame (a clone's socket) arrives with it, and writes
under a lock, since the output pump thread sends too. Counterparts: `worker_process` (the
server's handle on a worker) and `worker` (the worker's main loop).
"""

from __future__ import annotations

import array
import asyncio
import collections
import contextlib
import io
import logging
import os
import pickle
import socket
import struct
import threading
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any, cast

from sage_sidecar import messages

log = logging.getLogger(__name__)

_HEADER = struct.Struct(">I")
MAX_FRAME_BYTES = (1 << 32) - 1
# One read's worth on the worker's side; a frame may span several.
_READ_BYTES = 64 * 1024
_MAX_PASSED_FDS = 4


class ForgedFrame(Exception):
    """A worker sent something that is not a message: it is no longer trusted."""


@dataclass(frozen=True)
class FrameLimits:
    """The largest frame a worker may send: a snapshot only when one was asked for.

    A frame is buffered whole before it is decoded, so these bound what one worker can make
    the server hold."""

    events: int
    snapshot: int


def socket_of(end: Connection) -> socket.socket:
    """The socket under one end of a `multiprocessing` pipe, which is how a worker's socket
    reaches it through the forkserver; the pipe end is closed."""
    sock = socket.socket(fileno=os.dup(end.fileno()))
    end.close()
    return sock


def encode(message: object) -> bytes:
    payload = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    if len(payload) > MAX_FRAME_BYTES:
        raise ValueError(f"a message of {len(payload)} bytes does not fit in one frame")
    return _HEADER.pack(len(payload)) + payload


# What a worker's frame may name: the message classes and the statuses, and nothing else.
_MESSAGE_GLOBALS: dict[str, Any] = {
    name: value
    for name, value in vars(messages).items()
    if isinstance(value, type) and value.__module__ == messages.__name__
}
_MESSAGE_GLOBALS.update(
    {f"EvaluationStatus.{status.name}": status for status in messages.EvaluationStatus}
)


class _MessageUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if module == messages.__name__ and name in _MESSAGE_GLOBALS:
            return _MESSAGE_GLOBALS[name]
        raise ForgedFrame(f"the frame names {module}.{name}, which is not a message")


def decode_from_worker(payload: bytes | memoryview) -> object:
    """A worker's message, built without calling anything but the message classes."""
    try:
        return _MessageUnpickler(io.BytesIO(payload)).load()
    except ForgedFrame:
        raise
    except Exception as exc:
        raise ForgedFrame(f"the frame does not decode ({type(exc).__name__}: {exc})") from exc


class ServerEnd(asyncio.Protocol):
    """The server's end of one worker's socket, on the event loop."""

    def __init__(
        self,
        deliver: Callable[[object], None],
        closed: Callable[[ForgedFrame | None], None],
        limits: FrameLimits,
    ) -> None:
        self._deliver = deliver
        self._closed = closed
        self._limits = limits
        self._max_frame = limits.events
        self._buffer = bytearray()
        self._transport: asyncio.Transport | None = None
        self._fd_socket: socket.socket | None = None
        self.received = 0  # bytes of the frames delivered so far

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        try:
            if not self._buffer and len(data) >= _HEADER.size:
                # The usual case: exactly one whole frame, decoded without a copy.
                (size,) = _HEADER.unpack_from(data)
                if size == len(data) - _HEADER.size:
                    self._check_size(size)
                    self.received += size
                    self._deliver(decode_from_worker(memoryview(data)[_HEADER.size :]))
                    return
            self._buffer += data
            self._drain_buffer()
        except ForgedFrame as forged:
            self._buffer.clear()
            self._abort(forged)

    def _drain_buffer(self) -> None:
        buffer = self._buffer
        while len(buffer) >= _HEADER.size:
            (size,) = _HEADER.unpack_from(buffer)
            self._check_size(size)
            end = _HEADER.size + size
            if len(buffer) < end:
                return
            with memoryview(buffer) as view:
                message = decode_from_worker(view[_HEADER.size : end])
            del buffer[:end]
            self.received += size
            self._deliver(message)
            if self._transport is None or self._transport.is_closing():
                return

    def _check_size(self, size: int) -> None:
        if size > self._max_frame:
            raise ForgedFrame(f"a frame of {size} bytes is over the {self._max_frame} allowed")

    def expect_snapshot(self, expected: bool) -> None:
        """Allow a frame as large as a snapshot, while one is awaited."""
        self._max_frame = self._limits.snapshot if expected else self._limits.events

    def connection_lost(self, exc: Exception | None) -> None:
        self._transport = None
        if self._fd_socket is not None:
            self._fd_socket.close()
            self._fd_socket = None
        self._closed(None)

    def _abort(self, forged: ForgedFrame) -> None:
        transport, self._transport = self._transport, None
        if transport is not None:
            transport.abort()
        self._closed(forged)

    def stop_reading_at_end(self) -> None:
        """Read what the worker sent, then end as at EOF, whoever else holds its socket."""
        if self._transport is None:
            return
        # Through a duplicate: uvloop's transports refuse `shutdown` on their own socket.
        fd = self._transport.get_extra_info("socket").fileno()
        with contextlib.suppress(OSError), socket.socket(fileno=os.dup(fd)) as duplicate:
            duplicate.shutdown(socket.SHUT_RD)

    @property
    def open(self) -> bool:
        return self._transport is not None and not self._transport.is_closing()

    def send(self, message: object) -> None:
        """Queue a message for the worker; the loop writes it as the socket takes it."""
        if self._transport is not None:
            self._transport.write(encode(message))

    def send_with_fd(self, message: object, fd: int) -> bool:
        """Send a message with a descriptor passed alongside; False if it cannot go now.

        The transport cannot pass descriptors, so this writes to the socket directly, which
        keeps frames in order only while nothing is queued in the transport.
        """
        transport = self._transport
        if transport is None or transport.get_write_buffer_size():
            return False
        if self._fd_socket is None:
            sock = transport.get_extra_info("socket")
            self._fd_socket = socket.socket(fileno=os.dup(sock.fileno()))
        frame = encode(message)
        rights = [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [fd]))]
        try:
            sent = self._fd_socket.sendmsg([frame], rights)
        except OSError:
            return False
        if sent != len(frame):  # part of a frame went out: the stream is now unusable
            transport.abort()
            return False
        return True

    def close(self) -> None:
        if self._transport is not None:
            self._transport.close()


class WorkerEnd:
    """The worker's end of its socket: blocking reads, locked writes."""

    def __init__(self, sock: socket.socket) -> None:
        sock.setblocking(True)
        self._socket = sock
        self._pid = os.getpid()
        self._lock = threading.Lock()
        self._buffer = bytearray()
        # Reads land here: a fresh buffer per read would be large enough for malloc to map
        # and unmap it each time, page faults included.
        self._landing = bytearray(_READ_BYTES)
        self._landing_view = memoryview(self._landing)
        self._fds: collections.deque[int] = collections.deque()

    def fileno(self) -> int:
        return self._socket.fileno()

    def send(self, message: object, *, wait: float = -1) -> None:
        """Send a message; with `wait`, give up (TimeoutError) if another thread has held
        the socket that long, rather than wait for ever."""
        if os.getpid() != self._pid:
            # A copy of the worker that a cell forked (`os.fork()`) and that ran on to the
            # end of the cell: the channel is the worker's alone, and the worker answers.
            # Before the lock, which the fork may have copied held.
            os._exit(0)
        frame = encode(message)
        if not self._lock.acquire(timeout=wait):
            raise TimeoutError("the worker's socket stayed busy")
        try:
            self._socket.sendall(frame)
        finally:
            self._lock.release()

    def recv(self) -> object:
        """The next message from the server; EOFError once the server has closed the socket."""
        buffer = self._buffer
        while True:
            if len(buffer) >= _HEADER.size:
                (size,) = _HEADER.unpack_from(buffer)
                end = _HEADER.size + size
                if len(buffer) >= end:
                    with memoryview(buffer) as view:
                        message = pickle.loads(view[_HEADER.size : end])
                    del buffer[:end]
                    return message
            size, ancillary, _, _ = self._socket.recvmsg_into(
                [self._landing_view], socket.CMSG_SPACE(_MAX_PASSED_FDS * 4)
            )
            for level, kind, fds in ancillary:
                if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                    passed = array.array("i")
                    passed.frombytes(fds[: len(fds) - len(fds) % 4])
                    self._fds.extend(passed)
            if not size:
                raise EOFError("the server closed the worker's socket")
            buffer += self._landing_view[:size]

    def take_fd(self) -> int:
        """A descriptor that came with the messages received so far, oldest first."""
        return self._fds.popleft()

    def close(self) -> None:
        self._socket.close()
        while self._fds:
            os.close(self._fds.popleft())
