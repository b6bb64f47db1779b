"""The forkserver takes fork requests from the server alone.

The stdlib forkserver forks for any process that connects to its socket, and the child runs
whatever that process sends (a pickle). Its only protection is the socket's file mode, so a
worker sharing the sidecar's uid (a sidecar not started as root) could connect and run code
outside every part of its sandbox. Python 3.14 authenticates clients; on this Python the
forkserver checks who connected (SO_PEERCRED, which the kernel fills in) and drops anyone
but the server before reading a byte, so a worker can neither fork through it nor stall it.

Installed by `preload`, in the forkserver, before the stdlib's `forkserver.main` makes its
listening socket; `preload` also hands it warm-up to run once the first worker is forked.
The socket lives in the server's multiprocessing directory (`pymp-*`), which the server
removes as it exits; when the server was killed instead, the forkserver removes it as it
exits in turn.
"""

from __future__ import annotations

import atexit
import contextlib
import errno
import logging
import os
import select
import shutil
import socket
import struct
import sys
from collections.abc import Callable
from multiprocessing import forkserver
from types import ModuleType
from typing import Any

_PEER_CREDENTIALS = struct.Struct("3i")  # struct ucred: pid, uid, gid
# How long the forkserver, exiting, waits to see the server end before it keeps the server's
# directory: a server that lives on (only the forkserver was stopped) needs it.
_SERVER_EXIT_WAIT_SECONDS = 1.0


def serve_only(server_pid: int, after_first: Callable[[], None] | None = None) -> None:
    """Make `forkserver.main` refuse connections from any process but `server_pid`; and run
    `after_first`, once, after the first fork and before the next request is taken: warm-up
    that need not hold up the first worker, which the server waits for to be ready."""
    deferred = [after_first] if after_first is not None else []
    served = False  # a request was taken, and the forkserver forked for it

    class ServerOnly(socket.socket):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            with contextlib.suppress(OSError):
                _removed_once_orphaned(self.getsockname(), server_pid)

        def accept(self) -> tuple[socket.socket, Any]:
            nonlocal served
            if served and deferred:
                deferred.pop()()
            connection, address = super().accept()
            credentials = connection.getsockopt(
                socket.SOL_SOCKET, socket.SO_PEERCRED, _PEER_CREDENTIALS.size
            )
            pid, uid, _ = _PEER_CREDENTIALS.unpack(credentials)
            if pid != server_pid:
                connection.close()
                _log_refusal(pid, uid)
                # The forkserver's loop skips a connection that fails this way.
                raise ConnectionAbortedError(errno.ECONNABORTED, "not the server")
            served = True
            return connection, address

    # `forkserver.main` makes its listener with `socket.socket(...)` through this name.
    guarded = ModuleType("socket")
    guarded.__dict__.update(vars(socket))
    guarded.socket = ServerOnly  # type: ignore[attr-defined]
    forkserver.socket = guarded  # type: ignore[attr-defined]


def _removed_once_orphaned(address: Any, server_pid: int) -> None:
    """At exit, remove the listener's directory if the server is gone: it would have removed
    it itself, but not once killed. While the server lives, the directory stays: the server
    starts a new forkserver there should this one end."""
    directory = os.path.dirname(address) if isinstance(address, str) else ""
    if not os.path.basename(directory).startswith("pymp-"):
        return
    forkserver = os.getpid()

    def remove() -> None:
        # Workers inherit the handler; only the forkserver, with the server gone, acts on it.
        if os.getpid() == forkserver and _gone(server_pid):
            shutil.rmtree(directory, ignore_errors=True)

    atexit.register(remove)


def _gone(pid: int, wait: float = _SERVER_EXIT_WAIT_SECONDS) -> bool:
    """Whether the server has ended, waiting a little: the forkserver learns of its end when
    the server's files close, a moment before the kernel has made the server a zombie."""
    try:
        handle = os.pidfd_open(pid)
    except OSError:  # no such process
        return True
    try:
        return bool(select.select([handle], [], [], wait)[0])
    finally:
        os.close(handle)


def _log_refusal(pid: int, uid: int) -> None:
    """One line in the sidecar's log, in its format: a worker probing the forkserver is
    something an operator wants to hear of."""
    from sage_services.telemetry import JsonLogFormatter

    record = logging.LogRecord(
        __name__, logging.WARNING, __file__, 0,
        "forkserver: refused a fork request from pid %d (uid %d), which is not the server",
        (pid, uid), None,
    )  # fmt: skip
    with contextlib.suppress(OSError, ValueError):
        os.write(sys.stderr.fileno(), (JsonLogFormatter().format(record) + "\n").encode())
