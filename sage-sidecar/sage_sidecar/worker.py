"""The Sage worker process: one per session, born from the warm forkserver.

Everything about a worker's birth starts here: its process group, its death with the server,
its confinement (`sandbox`), its output pipes and its interrupt handler. Then it serves cells
from its pipe until the pipe closes. Counterpart: `worker_process`, the server's handle on it.

This module is imported by the server too (it names the process target), so Sage is imported
only inside `main`, where the forkserver has loaded it already.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import socket
import traceback
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

from sage_sidecar import channel, process_pools, sandbox
from sage_sidecar.channel import WorkerEnd
from sage_sidecar.messages import (
    Clone,
    Cloned,
    EvaluateCell,
    ListVariables,
    Restore,
    TakeSnapshot,
    WorkerFailed,
    WorkerReady,
)
from sage_sidecar.sandbox import WorkerSpec

if TYPE_CHECKING:
    from sage_sidecar.executor import Executor
    from sage_sidecar.output_capture import OutputCapture

_PR_SET_PDEATHSIG = 1
# What of the worker's own traceback the server's log gets: the end, where the error is.
_MAX_TRACEBACK = 16 * 1024


def main(end: Connection, spec: WorkerSpec) -> None:
    os.setpgrp()  # so the server can kill the worker and any helpers it starts, as a group
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # the forkserver's own is for it alone
    _release_forkserver()
    _multiprocessing_as_in_the_console()
    _own_random_seed()
    _die_with_parent()
    from sage_sidecar.executor import Executor, open_proc_files

    open_proc_files()  # before the worker gives up the right to open them
    confinement = sandbox.confine(spec)
    # Again: the kernel forgets it when the worker's uid or capabilities change.
    _die_with_parent()
    from sage_sidecar.output_capture import OutputCapture

    conn = WorkerEnd(channel.socket_of(end))
    capture = OutputCapture(conn.send)
    capture.install()
    executor = Executor(capture, offline=confinement.offline, memory_limit=spec.memory_bytes)
    executor.install_interrupt_handler()
    conn.send(WorkerReady(os.getpid(), confinement.scratch, tuple(confinement.report.items())))
    executor.rest()
    try:
        _serve(conn, executor, capture, spec, confinement)
    except BaseException:
        _report_failure(conn)
        os._exit(1)
    os._exit(0)


def _serve(
    conn: WorkerEnd,
    executor: Executor,
    capture: OutputCapture,
    spec: WorkerSpec,
    confinement: sandbox.Confinement,
) -> None:
    clones: set[int] = set()
    while True:
        _reap(clones)
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        match message:
            case EvaluateCell():
                executor.run(message)
            case TakeSnapshot():
                conn.send(executor.snapshot(message))
            case Restore():
                conn.send(executor.restore(message))
            case ListVariables():
                conn.send(executor.list_variables(message))
            case Clone():
                clone_fd = conn.take_fd()  # the clone's socket came with the message
                try:
                    with capture.paused_for_fork():
                        pid = os.fork()
                except OSError as exc:  # the process limit, or memory: the session lives on
                    os.close(clone_fd)
                    conn.send(Cloned(0, error=f"fork() failed: {exc.strerror or exc}"))
                    pid = -1
                if pid == 0:
                    conn.close()
                    conn = WorkerEnd(socket.socket(fileno=clone_fd))
                    try:
                        _become_clone(conn, executor, capture, spec, confinement)
                    except BaseException:
                        # On the clone's own socket: the source's is closed here, and its
                        # handle refuses to send from another process.
                        _report_failure(conn)
                        os._exit(1)
                elif pid > 0:
                    os.close(clone_fd)
                    clones.add(pid)
                    conn.send(Cloned(pid))
        executor.rest()


def _become_clone(
    conn: WorkerEnd,
    executor: Executor,
    capture: OutputCapture,
    spec: WorkerSpec,
    confinement: sandbox.Confinement,
) -> None:
    """In a fresh fork of a session's worker: become a worker of its own, with its own pipes.

    Its parent is the source worker; should that die, the forkserver (a child subreaper)
    adopts it, and kills it with all its other descendants when it exits.
    """
    os.setpgrp()
    _own_authkey()
    _leave_interfaces_to_the_source()
    process_pools.leave_to_the_source(executor.namespace)
    mounts = confinement.report.get("scratch") == "private tmpfs"
    source, sages_own = confinement.scratch, sandbox.sages_own_entries()
    confinement.scratch = sandbox.new_scratch(spec, mounts, os.path.dirname(source))
    # The session's files come along, as its variables do.
    sandbox.copy_files(source, confinement.scratch, skip=sages_own)
    capture.reinstall_after_fork(conn.send)
    conn.send(WorkerReady(os.getpid(), confinement.scratch))


def _multiprocessing_as_in_the_console() -> None:
    """So that Sage code may use multiprocessing.Pool and process pools as in the console:
    forking, as Python 3.11 does by default on Linux, rather than through a forkserver of its
    own that would import Sage again; and not as a daemon (the pool starts workers as daemons,
    which multiprocessing forbids to have children). The server's handle keeps both."""
    multiprocessing.set_start_method("fork", force=True)
    multiprocessing.current_process()._config["daemon"] = False  # type: ignore[attr-defined]
    _own_authkey()


def _own_random_seed() -> None:
    """Sage seeds its random state when it is imported, which was once, in the forkserver:
    every session would draw the same "random" numbers (`random()`, `random_matrix`,
    `random_prime`). Each worker takes a seed of its own, as each console start does."""
    from sage.misc.randstate import set_random_seed

    set_random_seed()


def _leave_interfaces_to_the_source() -> None:
    """The programs of Sage's interfaces that the source started (GAP, Maxima, PARI/GP,
    Singular) are not the clone's: their terminals came with the fork, and a clone that talked
    to them too would mix its answers with the source's. The clone forgets them, as Sage's own
    fork-based `@parallel` does, and starts programs of its own on first use; the objects that
    lived in the source's say they are no longer valid. Its copies of their terminals are
    closed, so that a program still ends when the source does."""
    from sage.interfaces.quit import expect_objects, invalidate_all

    terminals = []
    for reference in expect_objects:
        spawned = getattr(reference(), "_expect", None)
        terminal = getattr(getattr(spawned, "ptyproc", None), "fileobj", None)
        if terminal is not None:
            terminals.append(terminal)
    invalidate_all()  # keeps each spawned program's handle alive, never to close it
    for terminal in terminals:
        with contextlib.suppress(OSError):
            terminal.close()


def _own_authkey() -> None:
    """A multiprocessing key of its own: every worker inherits the server's, with which Sage
    code in one session could authenticate to a Listener or Manager another session runs."""
    multiprocessing.current_process().authkey = os.urandom(32)


def _report_failure(conn: WorkerEnd) -> None:
    """The worker's own failure goes to the server, which logs it. Not to fd 2, which is the
    session's output, nor through a handle on the sidecar's log kept for the purpose, which
    Sage code could write anything to."""
    with contextlib.suppress(Exception):
        conn.send(WorkerFailed(traceback.format_exc()[-_MAX_TRACEBACK:]), wait=1.0)


def _reap(clones: set[int]) -> None:
    for pid in list(clones):
        try:
            done, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            done = pid
        if done:
            clones.discard(pid)


def _release_forkserver() -> None:
    """Close this worker's copies of the forkserver's liveness pipe and the tracker's pipe.

    The forkserver exits once every holder of that pipe's write end is gone. The stdlib hands
    a copy to each child so that children can start processes of their own; a busy worker
    holding it would keep the forkserver, and through PDEATHSIG itself, alive after the
    server died.
    """
    from multiprocessing import forkserver, resource_tracker

    server: Any = forkserver._forkserver
    if server._forkserver_alive_fd is not None:
        os.close(server._forkserver_alive_fd)
        server._forkserver_alive_fd = None
    # And its copy of the sidecar's resource tracker's pipe: the tracker runs outside the
    # sandbox and prints a traceback into the sidecar's log for each line it cannot parse.
    # Sage code that uses shared memory gets a tracker of its own.
    tracker: Any = resource_tracker._resource_tracker
    if tracker._fd is not None:
        os.close(tracker._fd)
        tracker._fd = tracker._pid = None


def _die_with_parent() -> None:
    """Get SIGKILL when the forkserver exits, which it does as soon as the server is gone."""
    parent = os.getppid()
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)
