"""Starts Sage workers from a warm forkserver and keeps a few idle ones ready.

The stdlib forkserver imports `sage_sidecar.preload` (Sage, plus the slow first-time paths)
once; each worker is then a fork of it. The gRPC server process never forks itself: grpcio
forbids it. Counterpart: `sessions`, which hands workers to sessions.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import multiprocessing
import os
import pwd
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sage_sidecar import sandbox, worker
from sage_sidecar.auth import ConfigurationError
from sage_sidecar.channel import MAX_FRAME_BYTES, FrameLimits
from sage_sidecar.sandbox import WorkerSpec
from sage_sidecar.settings import SidecarSettings
from sage_sidecar.worker_process import WorkerProcess

log = logging.getLogger(__name__)
# The longest path a unix socket may have, and what the forkserver adds to the temporary
# directory for its own (`/pymp-XXXXXXXX/listener-XXXXXXXX`).
_MAX_SOCKET_PATH = 107
_MAX_TEMPORARY_PATH = _MAX_SOCKET_PATH - len("/pymp-xxxxxxxx/listener-xxxxxxxx")

# The forkserver's first start imports Sage and warms it up; later starts are a fork.
_FIRST_START_TIMEOUT = 300.0
_START_TIMEOUT = 60.0
# Room in a frame of events beyond the output limits, for LaTeX, tracebacks and spans.
_EVENT_FRAME_SLACK = 16 << 20
# Room in a snapshot beyond a worker's memory limit, for what its warm baseline holds.
_SNAPSHOT_FRAME_SLACK = 256 << 20


def frame_limits(settings: SidecarSettings) -> FrameLimits:
    """What a worker may send in one frame: its output limits allow so much in events, its
    memory limit so much in a snapshot."""
    events = int(settings.max_output_bytes) + int(settings.max_display_bytes)
    memory = int(settings.worker_memory_bytes)
    snapshot = memory + _SNAPSHOT_FRAME_SLACK if memory else MAX_FRAME_BYTES
    return FrameLimits(events + _EVENT_FRAME_SLACK, min(snapshot, MAX_FRAME_BYTES))


def _keep_main_out_of_workers() -> None:
    """multiprocessing re-runs the parent's `__main__` in each child unless it cannot find it.

    Here that is the gRPC server's entry point: every worker would import grpcio, pydantic
    and the server, costing start-up time and tens of MB of private memory per session.
    """
    main = sys.modules["__main__"]
    main.__spec__ = None
    main.__dict__.pop("__file__", None)


class WorkerPool:
    def __init__(self, settings: SidecarSettings) -> None:
        _keep_main_out_of_workers()
        _check_forkserver_socket_room()
        self._ctx = multiprocessing.get_context("forkserver")
        self._ctx.set_forkserver_preload(["sage_sidecar.preload"])
        self._spec = WorkerSpec(
            memory_bytes=int(settings.worker_memory_bytes),
            max_processes=settings.worker_max_processes,
            max_file_bytes=int(settings.worker_max_file_bytes),
            max_open_files=settings.worker_max_open_files,
            scratch_bytes=int(settings.worker_scratch_bytes),
            scratch_parent=_scratch_parent(settings),
            isolate_network=not settings.worker_network,
            hidden_paths=(str(settings.state_dir.resolve()),),
            secrets=_secrets(settings),
            protected_pids=(os.getpid(),),
            protected_groups=(os.getpgid(0),),
            personal_paths=_personal_paths(),
            readable_paths=tuple(str(path.resolve()) for path in settings.worker_read_dirs),
            nice=settings.worker_nice,
        )
        self._size = settings.warm_workers
        self._frame_limits = frame_limits(settings)
        # One thread, so multiprocessing's bookkeeping is never touched from two at once.
        self._starter = ThreadPoolExecutor(max_workers=1, thread_name_prefix="worker-starter")
        self._idle: collections.deque[WorkerProcess] = collections.deque()
        # The first worker, forked before the forkserver's second warm-up (`preload`): kept
        # idle until a worker with it is ready, as the sidecar is ready without waiting.
        self._first: WorkerProcess | None = None
        self._refill: asyncio.Task[None] | None = None
        self._closed = False

    @property
    def idle_count(self) -> int:
        return len(self._idle)

    async def warm_up(self) -> None:
        """Start the forkserver, paying Sage's import and warm-up, then fill the pool."""
        # The temporary directory itself too: where scratch went before it had a parent.
        parents = (self._spec.scratch_parent, tempfile.gettempdir())
        for path in sandbox.remove_abandoned_scratch(*parents):
            log.info("removed %s, the scratch of a worker whose sidecar was killed", path)
        first = await self._start(_FIRST_START_TIMEOUT)
        for protection, status in first.sandbox:
            level = logging.WARNING if "NOT" in status or "VISIBLE" in status else logging.INFO
            log.log(level, "worker sandbox: %s: %s", protection, status)
        self._idle.append(first)
        self._first = first
        self._schedule_refill()

    async def acquire(self) -> WorkerProcess:
        """A ready worker: an idle one if there is one, else a freshly forked one."""
        while self._idle:
            candidate = self._idle.popleft()
            if candidate is self._first:
                self._first = None  # a session's now: it imports what it needs itself
            if candidate.alive:
                self._schedule_refill()
                return candidate
        started = await self._start(_START_TIMEOUT)
        self._schedule_refill()
        return started

    async def close(self) -> None:
        self._closed = True
        if self._refill is not None:
            self._refill.cancel()
        while self._idle:
            idle = self._idle.popleft()
            idle.kill()
            idle.remove_scratch()
        self._starter.shutdown(wait=False, cancel_futures=True)

    async def _start(self, timeout: float) -> WorkerProcess:
        parent_end, child_end = self._ctx.Pipe()
        process = self._ctx.Process(
            target=worker.main, args=(child_end, self._spec), name="sage-worker", daemon=True
        )
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(self._starter, process.start)
        except BaseException:
            parent_end.close()
            raise
        finally:
            child_end.close()
        handle = await WorkerProcess.attach(
            process, parent_end, self._starter, limits=self._frame_limits
        )
        await handle.wait_ready(timeout)
        return handle

    def _schedule_refill(self) -> None:
        if self._closed or (self._refill is not None and not self._refill.done()):
            return
        self._refill = asyncio.create_task(self._fill(), name="warm-pool-refill")

    async def _fill(self) -> None:
        delay = 0.5
        while not self._closed and len(self._idle) < self._size:
            try:
                self._idle.append(await self._start(_START_TIMEOUT))
                delay = 0.5
                self._retire_first()
            except Exception:
                log.exception("could not start a warm Sage worker; retrying in %.1f s", delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 30.0)

    def _retire_first(self) -> None:
        """Replace the first worker, if still idle, now that workers with the forkserver's
        whole warm-up come."""
        first, self._first = self._first, None
        if first is not None and first in self._idle:
            self._idle.remove(first)
            first.kill()
            first.remove_scratch()


def _check_forkserver_socket_room() -> None:
    """Refuse, in words, a temporary directory too long for the forkserver's socket, which
    would otherwise fail the warm-up with a traceback."""
    temporary = tempfile.gettempdir()
    if len(os.fsencode(temporary)) > _MAX_TEMPORARY_PATH:
        raise ConfigurationError(
            f"the temporary directory {temporary} (TMPDIR) is too long: the forkserver that "
            f"starts Sage workers listens on a unix socket in it, whose path may not exceed "
            f"{_MAX_SOCKET_PATH} bytes; set TMPDIR to a directory of at most "
            f"{_MAX_TEMPORARY_PATH} bytes"
        )


def _scratch_parent(settings: SidecarSettings) -> str:
    """Where the workers' scratch goes; refuses, in words, a place that cannot be made."""
    base = settings.worker_scratch_dir
    try:
        return sandbox.scratch_parent(str(base) if base else None)
    except OSError as exc:
        temporary = tempfile.gettempdir()
        where = f"--worker-scratch-dir {base}" if base else f"the temporary directory {temporary}"
        raise ConfigurationError(
            f"cannot make the workers' scratch directory in {where}: {exc.strerror or exc}"
        ) from exc


def _personal_paths() -> tuple[str, ...]:
    """The home and runtime directory of the sidecar's user, as the environment and the
    user database name them."""
    paths = [os.path.expanduser("~")]
    with contextlib.suppress(KeyError):
        paths.append(pwd.getpwuid(os.getuid()).pw_dir)
    paths.append(os.environ.get("XDG_RUNTIME_DIR") or f"/run/user/{os.getuid()}")
    return tuple(dict.fromkeys(os.path.abspath(path) for path in paths if path))


def _secrets(settings: SidecarSettings) -> tuple[str, ...]:
    """What holds the sidecar's secrets, for workers not to read: each secret file, or the
    Kubernetes secret volume it is in.

    A file in a secret volume is a symlink through `..data`, which a rotation points at a new
    directory: hiding the file would hide the old one only. Such a volume holds secrets
    alone, so it is hidden whole."""
    paths: list[str] = []
    for path in (settings.auth_token_file, settings.tls_key_file):
        if path is None:
            continue
        path = Path(os.path.abspath(path))
        volume = (path.parent / "..data").is_symlink()
        paths.append(str(path.parent if volume else path))
    return tuple(dict.fromkeys(paths))
