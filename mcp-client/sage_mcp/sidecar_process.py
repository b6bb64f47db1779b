"""Starts a local `sage-sidecar` child process, waits until it serves, restarts it, stops it.

Everything about the child's birth and death lives in `SidecarProcess`, so nothing is left
behind: it dies with its parent (Linux `PR_SET_PDEATHSIG`), and `stop` escalates from SIGTERM
(the sidecar drains) to SIGKILL of its whole process group, which `kill` sends at once. Once it
serves, `supervise` starts it again (same address, same state directory, so its sessions come
back) whenever it exits without `stop`, with a growing delay while it keeps dying. Used by
`main --spawn-sidecar` and by `local` (`sage-runtime`).

A private state directory (`sage-sidecar-state-*` in the temporary directory) is removed by
`stop`. Its owner holds a lock on a file in it for as long as it lives, and the kernel lets go
of that lock however the owner dies, so the next one started sweeps up the directories of
owners killed outright (SIGKILL, the OOM killer), which could not remove their own.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import logging
import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import IO

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from sage_mcp.client import SERVICE

log = logging.getLogger(__name__)

_PR_SET_PDEATHSIG = 1
# Delay before restarting a sidecar that exited on its own: doubled after each restart, up to
# the maximum, and back to the first once a sidecar has lived `_RESTART_RESET_SECONDS`.
_RESTART_FIRST_DELAY = 0.5
_RESTART_MAX_DELAY = 30.0
_RESTART_RESET_SECONDS = 60.0
# A private state directory, and the lock files in it: the owner's (this module's) and the
# sidecar's own (`sage_sidecar.store`), which a sidecar still draining holds.
STATE_DIR_PREFIX = "sage-sidecar-state-"
OWNER_LOCK = "sage-mcp.lock"
_SIDECAR_LOCK = "lock"


class SidecarStartError(RuntimeError):
    pass


def free_local_address() -> str:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return f"127.0.0.1:{sock.getsockname()[1]}"


def is_serving(address: str, timeout: float = 1.0) -> bool:
    """Whether a sidecar at `address` answers its health check with SERVING."""
    with grpc.insecure_channel(address) as channel:
        try:
            response = health_pb2_grpc.HealthStub(channel).Check(
                health_pb2.HealthCheckRequest(service=SERVICE), timeout=timeout
            )
        except grpc.RpcError:
            return False
    return bool(response.status == health_pb2.HealthCheckResponse.SERVING)


def sidecar_command() -> list[str]:
    """The installed `sage-sidecar` next to this interpreter, or the module as a fallback."""
    script = Path(sys.executable).with_name("sage-sidecar")
    if script.exists():
        return [str(script)]
    found = shutil.which("sage-sidecar")
    if found:
        return [found]
    return [sys.executable, "-m", "sage_sidecar.main"]


def _die_with_parent() -> None:
    # Runs in the child between fork and exec: if the MCP server is killed outright, the
    # kernel sends the sidecar SIGTERM, so it drains and exits instead of being orphaned.
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


class SidecarProcess:
    def __init__(
        self,
        listen: str,
        *,
        private_state: bool = False,
        output: IO[str] | None = None,
        extra_args: list[str] | None = None,
    ) -> None:
        """`private_state`: keep sessions in a temporary directory of its own, removed on stop."""
        self.address = listen
        self._private_state = private_state
        self._state_dir: str | None = None
        self._state_lock: int | None = None
        self._output = output
        self._extra_args = extra_args or []
        self._process: subprocess.Popen[bytes] | None = None
        self._launched_at = 0.0
        # Held while the child is replaced, so that `stop` never misses a new one.
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._supervisor: threading.Thread | None = None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def start(self) -> None:
        if self._private_state and self._state_dir is None:
            for path in remove_abandoned_state_dirs():
                log.info("removed %s, left behind by a sage-mcp that was killed", path)
            self._state_dir, self._state_lock = _locked_state_dir()
        self._process = self._launch()

    def _launch(self) -> subprocess.Popen[bytes]:
        command = [*sidecar_command(), "--listen", self.address, *self._extra_args]
        if self._state_dir is not None:
            command += ["--state-dir", self._state_dir]
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            # Over stdio, our stdout is the MCP channel: the child must never write to it.
            stdout=self._output if self._output is not None else sys.stderr,
            stderr=self._output if self._output is not None else sys.stderr,
            # Its own process group: a terminal's Ctrl-C reaches us, and we stop it in order.
            start_new_session=True,
            preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
        )
        self._launched_at = time.monotonic()
        return process

    def wait_serving(self, timeout: float) -> None:
        """Blocks until the sidecar's health says SERVING; raises if it exits or times out."""
        process = self._require()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            code = process.poll()
            if code is not None:
                raise SidecarStartError(f"sage-sidecar exited with code {code} while starting")
            if is_serving(self.address, timeout=min(1.0, max(deadline - time.monotonic(), 0.1))):
                return
            time.sleep(0.1)
        raise SidecarStartError(f"sage-sidecar did not report SERVING within {timeout:g} s")

    def supervise(self) -> None:
        """From now until `stop`, start the sidecar again whenever it exits."""
        self._require()
        if self._supervisor is None:
            self._supervisor = threading.Thread(
                target=self._supervise, name="sage-sidecar-supervisor", daemon=True
            )
            self._supervisor.start()

    def _supervise(self) -> None:
        # This thread starts every replacement and lives until it has exited: PDEATHSIG
        # fires when the *thread* that forked the child ends, not the process.
        delay = _RESTART_FIRST_DELAY
        process = self._require()
        while True:
            code = process.wait()  # reaps it: no <defunct> child stays behind
            if self._stopping.is_set():
                return
            if time.monotonic() - self._launched_at >= _RESTART_RESET_SECONDS:
                delay = _RESTART_FIRST_DELAY
            # Its workers share its process group, and one left alive would keep the state
            # directory's lock, which the replacement needs.
            _kill_group(process.pid)
            log.warning(
                "sage-sidecar (pid %s) exited unexpectedly (%s); restarting it on %s in %.1f s",
                process.pid,
                _exit_reason(code),
                self.address,
                delay,
            )
            if self._stopping.wait(delay):
                return
            with self._lock:
                if self._stopping.is_set():
                    return
                try:
                    process = self._process = self._launch()
                except OSError as exc:
                    log.error("could not restart sage-sidecar: %s", exc)
                    delay = min(delay * 2, _RESTART_MAX_DELAY)
                    continue
            log.info("restarted sage-sidecar on %s (pid %s)", self.address, process.pid)
            delay = min(delay * 2, _RESTART_MAX_DELAY)

    def kill(self) -> None:
        """SIGKILL the sidecar's process group now: a `stop` waiting on its drain goes on at
        once. Safe in a signal handler: it takes no lock."""
        self._stopping.set()
        process = self._process
        if process is not None:
            _kill_group(process.pid)

    def stop(self, grace: float = 20.0) -> int | None:
        """SIGTERM (the sidecar drains), then SIGKILL to its process group after `grace` s."""
        with self._lock:
            self._stopping.set()
            process = self._process
        if process is None:
            return None
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                process.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=grace)
        # Its workers share its process group; none may outlive it.
        _kill_group(process.pid)
        code = process.wait()
        if self._supervisor is not None:
            self._supervisor.join(timeout=5.0)
        if self._state_dir is not None:
            shutil.rmtree(self._state_dir, ignore_errors=True)
            self._state_dir = None
        if self._state_lock is not None:
            os.close(self._state_lock)
            self._state_lock = None
        return code

    def _require(self) -> subprocess.Popen[bytes]:
        if self._process is None:
            raise RuntimeError("the sidecar has not been started")
        return self._process


def _locked_state_dir() -> tuple[str, int]:
    """A new private state directory, and the descriptor of the lock this process holds on it
    until it closes it or dies."""
    path = tempfile.mkdtemp(prefix=STATE_DIR_PREFIX)
    # Locked before it takes its name, so that a lock file a sweeper can see is held already.
    fd, staging = tempfile.mkstemp(prefix=".owner-", dir=path)
    fcntl.flock(fd, fcntl.LOCK_EX)
    os.rename(staging, os.path.join(path, OWNER_LOCK))
    return path, fd


def remove_abandoned_state_dirs(parent: str | None = None) -> list[Path]:
    """Removes the private state directories in `parent` (the temporary directory) whose
    owner is gone; returns them. One in use, or not ours, is left alone."""
    removed = []
    for path in sorted(Path(parent or tempfile.gettempdir()).glob(STATE_DIR_PREFIX + "*")):
        if _remove_if_abandoned(path):
            removed.append(path)
    return removed


def _remove_if_abandoned(path: Path) -> bool:
    try:
        info = path.lstat()
    except OSError:
        return False
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
        return False
    with contextlib.ExitStack() as held:
        # No owner lock: one being made this moment, or not made by this module. Leave it.
        owner = _try_lock(path / OWNER_LOCK, held)
        if owner is not True:
            return False
        # A sidecar whose owner was killed drains before it exits; it goes first.
        if _try_lock(path / _SIDECAR_LOCK, held) is False:
            return False
        # Removed under both locks: no owner or sidecar can take the directory meanwhile.
        shutil.rmtree(path, ignore_errors=True)
    return True


def _try_lock(path: Path, held: contextlib.ExitStack) -> bool | None:
    """Takes the lock on `path` without waiting: True, False if someone holds it, None if
    there is no such file. A lock taken is held until `held` closes."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return None
    held.callback(os.close, fd)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _kill_group(pgid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


def _exit_reason(code: int) -> str:
    if code < 0:
        with contextlib.suppress(ValueError):
            return f"killed by {signal.Signals(-code).name}"
        return f"killed by signal {-code}"
    return f"exit code {code}"
