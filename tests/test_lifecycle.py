"""Start-up, health, graceful shutdown, and that no process outlives the sidecar."""

from __future__ import annotations

import glob
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import grpc
import psutil
import pytest
from sage_services.api.sage.v1 import sage_pb2 as pb
from sage_sidecar import sandbox

from tests.helpers import (
    NOT_SERVING,
    SERVING,
    create_session,
    evaluate,
    finished_of,
    one,
    start_sidecar,
    still_alive_after,
    stop_and_check,
    value,
    worker_pid,
)


def test_health_goes_serving_after_warm_up_and_not_serving_at_sigterm() -> None:
    sidecar = start_sidecar("--shutdown-grace-seconds", "5", wait=False)
    try:
        sidecar.wait_for_health(NOT_SERVING, timeout=30)
        assert sidecar.health("sage.v1.SageService") == NOT_SERVING
        with pytest.raises(grpc.RpcError) as raised:
            sidecar.stub().CreateSession(pb.CreateSessionRequest(), timeout=5)
        assert raised.value.code() == grpc.StatusCode.UNAVAILABLE
        assert "starting" in str(raised.value.details())

        sidecar.wait_for_health(SERVING)
        assert sidecar.health("sage.v1.SageService") == SERVING
        stub = sidecar.stub()
        session = create_session(stub)
        events: list[pb.EvaluateResponse] = []
        running = threading.Thread(
            target=lambda: events.extend(evaluate(stub, "sleep(2); 'drained'", session))
        )
        running.start()
        time.sleep(0.5)
        sidecar.terminate()
        time.sleep(0.3)
        assert sidecar.health() == NOT_SERVING
        with pytest.raises(grpc.RpcError) as refused:
            evaluate(stub, "1", session)
        assert refused.value.code() == grpc.StatusCode.UNAVAILABLE
        running.join(30)
        # The in-flight evaluation finished within the shutdown grace.
        assert one(events, "result").result.text_plain == "'drained'"
    finally:
        stop_and_check(sidecar)


def test_sessions_after_the_first_worker_start_with_common_libraries_and_gap_loaded() -> None:
    """SymPy, SciPy, NetworkX and GAP: the forkserver loads them once it has forked the first
    worker, which the sidecar waits for to be ready; every fork after that has them. GAP takes
    SIGCHLD as it loads: workers that end must still be reaped, or the sidecar would wait on
    them as it exits."""
    sidecar = start_sidecar()
    try:
        stub = sidecar.stub()
        modules = (
            "sympy",
            "scipy.optimize",
            "scipy.integrate",
            "scipy.stats",
            "networkx",
            "sage.groups.perm_gps.permgroup_named",
        )
        missing = f"import sys; [m for m in {modules} if m not in sys.modules]"
        first, second = create_session(stub), create_session(stub)
        assert value(stub, second, missing) == "[]"
        assert value(stub, second, "SymmetricGroup(4).order()") == "24"
        for session in (first, second):
            stub.DeleteSession(pb.DeleteSessionRequest(session_id=session), timeout=30)
    finally:
        stop_and_check(sidecar)


def test_sigterm_interrupts_evaluations_that_outlast_the_grace() -> None:
    sidecar = start_sidecar("--shutdown-grace-seconds", "1", "--warm-workers", "1")
    try:
        stub = sidecar.stub()
        events: list[pb.EvaluateResponse] = []
        running = threading.Thread(target=lambda: events.extend(evaluate(stub, "sleep(60)")))
        running.start()
        time.sleep(1.0)
        started = time.monotonic()
        sidecar.terminate()
        running.join(30)
        assert finished_of(events).status == pb.EVALUATION_STATUS_INTERRUPTED
        assert time.monotonic() - started < 15
    finally:
        stop_and_check(sidecar)


def test_sigterm_tells_queued_evaluations_they_never_ran() -> None:
    sidecar = start_sidecar(
        "--shutdown-grace-seconds", "1", "--interrupt-grace-seconds", "1", "--warm-workers", "1"
    )
    try:
        stub = sidecar.stub()
        session = create_session(stub)
        running = threading.Thread(target=lambda: evaluate(stub, "sleep(60)", session))
        running.start()
        time.sleep(1.0)
        failures: list[grpc.RpcError] = []

        def queued() -> None:
            try:
                evaluate(stub, "1 + 1", session)
            except grpc.RpcError as error:
                failures.append(error)

        waiting = threading.Thread(target=queued)
        waiting.start()
        time.sleep(0.5)
        sidecar.terminate()
        waiting.join(30)
        running.join(30)
        assert [f.code() for f in failures] == [grpc.StatusCode.UNAVAILABLE]
        assert "never ran" in str(failures[0].details())
    finally:
        stop_and_check(sidecar)


def test_a_stopped_sidecar_leaves_no_scratch_directories() -> None:
    sidecar = start_sidecar("--warm-workers", "2")
    stub = sidecar.stub()
    session = create_session(stub)
    evaluate(stub, "open('note.txt', 'w').write('x')", session)  # in its scratch
    clone = stub.CloneSession(pb.CloneSessionRequest(session_id=session), timeout=60)
    evaluate(stub, "open('note.txt', 'w').write('y')", clone.session.session_id)
    workers = sidecar.remember_descendants()
    stop_and_check(sidecar)
    parent = sandbox.scratch_parent()
    left = [p for pid in workers for p in glob.glob(f"{parent}/sage-worker-{pid}-*")]
    assert not left  # the session's and its clone's, and the warm workers' no session took


def test_a_sigterm_to_the_whole_process_group_leaves_no_temporary_files_or_processes() -> None:
    """How systemd stops a service, and `timeout` a command: the forkserver and the workers get
    the SIGTERM too. The forkserver still ends every worker and removes Sage's temporary
    directory (`sage_*`), as when the server alone is stopped."""
    temporary = Path(tempfile.mkdtemp(prefix="sage-group-stop-"))
    temporary.chmod(0o755)
    sidecar = start_sidecar(
        "--warm-workers", "1", env={"TMPDIR": str(temporary)}, launcher=["setsid"]
    )
    try:
        evaluate(sidecar.stub(), "open('note.txt', 'w').write('x')", create_session(sidecar.stub()))
        sidecar.remember_descendants()
        os.killpg(sidecar.process.pid, signal.SIGTERM)
        code = sidecar.process.wait(60)
        leftovers = sidecar.leftover_processes()
        # The scratch parent is kept for the next sidecar (which removes the scratch of a
        # worker killed while it started, which no one here knew yet).
        left = sorted(os.listdir(temporary))
    finally:
        sidecar.kill_leftovers()
        shutil.rmtree(temporary, ignore_errors=True)
    assert code == 0, sidecar.log()
    assert not leftovers, leftovers
    assert left == [f"sage-workers-{os.geteuid()}"], left


def test_a_temporary_directory_too_long_for_the_forkserver_socket_is_refused_in_words() -> None:
    # The forkserver's socket goes at <TMPDIR>/pymp-XXXXXXXX/listener-XXXXXXXX, 107 bytes at most.
    parent = Path(tempfile.mkdtemp())
    too_long = parent / ("d" * (76 - len(str(parent)) - 1))
    too_long.mkdir()
    try:
        sidecar = start_sidecar(env={"TMPDIR": str(too_long)}, wait=False)
        assert sidecar.process.wait(timeout=60) == 2
        assert f"the temporary directory {too_long} (TMPDIR) is too long" in sidecar.log()
        assert "set TMPDIR to a directory of at most 75 bytes" in sidecar.log()
    finally:
        shutil.rmtree(parent, ignore_errors=True)


def test_a_sidecar_removes_the_scratch_a_killed_one_left() -> None:
    parent = sandbox.scratch_parent()
    abandoned = tempfile.mkdtemp(prefix=f"sage-worker-{_dead_pid()}-", dir=parent)
    Path(abandoned, str(_dead_pid())).mkdir()  # a clone's, as gone as its source
    Path(abandoned, "plot.png").write_bytes(b"what a session wrote")
    # Another sidecar's: the worker that made it is gone, but a clone of it lives.
    in_use = tempfile.mkdtemp(prefix=f"sage-worker-{_dead_pid()}-", dir=parent)
    Path(in_use, str(os.getpid())).mkdir()
    # Where a scratch directory went before it had a parent of its own.
    old_layout = tempfile.mkdtemp(prefix=f"sage-worker-{_dead_pid()}-")
    try:
        sidecar = start_sidecar("--warm-workers", "1")
        stop_and_check(sidecar)
        assert not os.path.exists(abandoned)
        assert not os.path.exists(old_layout)
        assert os.path.isdir(in_use)  # a process of its family lives
    finally:
        for path in (abandoned, in_use, old_layout):
            shutil.rmtree(path, ignore_errors=True)


def _dead_pid() -> int:
    """The pid of a process that has ended, as a worker of a killed sidecar has."""
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def test_no_process_or_forkserver_socket_outlives_a_sigkilled_sidecar() -> None:
    temporary = Path(tempfile.mkdtemp(prefix="sage-kill-"))
    temporary.chmod(0o755)
    sidecar = start_sidecar("--warm-workers", "2", env={"TMPDIR": str(temporary)})
    stub = sidecar.stub()
    session = create_session(stub)
    # A worker with a helper process of its own, busy when the sidecar dies.
    call = stub.Evaluate(
        pb.EvaluateRequest(session_id=session, code="import subprocess\n"
                           "helper = subprocess.Popen(['sleep', '300'])\nsleep(300)")
    )  # fmt: skip
    assert next(call).HasField("started")
    time.sleep(0.5)
    tree = sidecar.remember_descendants()
    assert len(tree) >= 4, "expected the forkserver, workers and the helper"
    try:
        assert sidecar.stop(signal.SIGKILL) == -signal.SIGKILL
        assert sidecar.leftover_processes() == []
        # The server's multiprocessing directory, where the forkserver's socket was.
        assert list(temporary.glob("pymp-*")) == []
    finally:
        sidecar.kill_leftovers()
        shutil.rmtree(temporary, ignore_errors=True)


def test_invalid_configuration_exits_with_a_clear_message() -> None:
    sidecar = start_sidecar("--max-sessions", "0", wait=False)
    assert sidecar.process.wait(30) == 2
    assert "max_sessions" in sidecar.log()
    assert "greater than or equal to 1" in sidecar.log()


def test_workers_die_with_a_sigkilled_forkserver() -> None:
    """A worker's parent-death signal outlasts its sandbox, whose change of uid and
    capabilities the kernel clears it at: a forkserver killed outright, with no chance to kill
    its children, leaves no worker running."""
    sidecar = start_sidecar()
    stub = sidecar.stub()
    try:
        session = create_session(stub)
        call = stub.Evaluate(pb.EvaluateRequest(session_id=session, code="sleep(300)"))
        assert next(call).HasField("started")
        worker = worker_pid(stub, session)
        forkserver = psutil.Process(worker).ppid()
        assert "forkserver" in " ".join(psutil.Process(forkserver).cmdline())
        os.kill(forkserver, signal.SIGKILL)
        assert still_alive_after([worker], timeout=30) == []
    finally:
        sidecar.stop()
        sidecar.kill_leftovers()
