"""The forkserver takes fork requests from the server alone.

The stdlib forkserver forks for any process that connects to its socket, and the child runs
whatever that process sends (a pickle). Its only protection is the socket's file mode, so a
worker sharing the sidecar's uid (a sidecar not started as root) could connect and run code
outside every part of its sandbox. Python 3.14 authenticates clients; on this Python the
forkserver checks who connected (SO_PEERCRED, which the kernel fills in) and drops anyone
but the server before reading a byte, so a worker can neither fork through it nor stall it.

Installed by `preload`, in the forkserver, before the stdlib's `forkserver.main` makes its
listening socket.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import socket
import struct
import sys
from multiprocessing import forkserver
from types import ModuleType
from typing import Any

_PEER_CREDENTIALS = struct.Struct("3i")  # struct ucred: pid, uid, gid


def serve_only(server_pid: int) -> None:
    """Make `forkserver.main` refuse connections from any process but `server_pid`."""

    class ServerOnly(socket.socket):
        def accept(self) -> tuple[socket.socket, Any]:
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
            return connection, address

    # `forkserver.main` makes its listener with `socket.socket(...)` through this name.
    guarded = ModuleType("socket")
    guarded.__dict__.update(vars(socket))
    guarded.socket = ServerOnly  # type: ignore[attr-defined]
    forkserver.socket = guarded  # type: ignore[attr-defined]


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
