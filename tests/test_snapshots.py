"""Snapshots are background work: a variable that pickles slowly, never, or fatally, and a
snapshot that kills its worker when loaded, cost a session neither its turn nor its state."""

from __future__ import annotations

import json
import os
import signal
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sage_services.api.sage.v1 import sage_pb2 as pb
from sage_services.api.sage.v1 import sage_pb2_grpc

from tests.helpers import (
    SidecarProcess,
    create_session,
    evaluate,
    finished_of,
    one,
    start_sidecar,
    stderr_of,
    stop_and_check,
    value,
    wait_for_snapshot,
)

# Pickling it never ends, but an interrupt stops it.
SLOW = "class Slow:\n    def __reduce__(self):\n        while True: pass\n"
# Pickling it never ends, and it ignores interrupts: only a kill stops it.
STUBBORN = (
    "import signal\n"
    "class Stubborn:\n"
    "    def __reduce__(self):\n"
    "        signal.signal(signal.SIGINT, signal.SIG_IGN)\n"
    "        while True: pass\n"
)
BUDGET = 1.0  # the snapshot budget of the sidecar below, in seconds


@pytest.fixture(scope="module")
def state_dir() -> Path:
    return Path(tempfile.mkdtemp(prefix="sage-state-"))


@pytest.fixture(scope="module")
def budgeted(state_dir: Path) -> Iterator[SidecarProcess]:
    sidecar = start_sidecar(
        "--state-dir", str(state_dir), "--snapshot-timeout-seconds", str(BUDGET),
        "--interrupt-grace-seconds", "1",
    )  # fmt: skip
    yield sidecar
    stop_and_check(sidecar)


@pytest.fixture
def budgeted_stub(budgeted: SidecarProcess) -> Iterator[sage_pb2_grpc.SageServiceStub]:
    with budgeted.channel() as channel:
        yield sage_pb2_grpc.SageServiceStub(channel)


def info(stub: sage_pb2_grpc.SageServiceStub, session: str) -> pb.Session:
    session_info: pb.Session = stub.GetSession(pb.GetSessionRequest(session_id=session)).session
    return session_info


def warnings_about(sidecar: SidecarProcess, session: str) -> list[str]:
    lines = [json.loads(line) for line in sidecar.log().splitlines() if line.startswith("{")]
    return [e["message"] for e in lines if e["level"] == "WARNING" and session in e["message"]]


def kill_worker(stub: sage_pb2_grpc.SageServiceStub, session: str) -> None:
    os.kill(info(stub, session).worker_pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while info(stub, session).state != pb.SESSION_STATE_HIBERNATED:
        assert time.monotonic() < deadline, "the sidecar did not notice its worker die"
        time.sleep(0.05)


def test_evaluation_interrupts_an_idle_snapshot_that_would_take_long(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """On the shared sidecar, with the default (long) snapshot budget."""
    session = create_session(stub)
    evaluate(stub, f"{SLOW}s = Slow()\nkept = 5", session)
    time.sleep(2)  # the session rests: its idle snapshot starts, and never ends by itself
    pid = info(stub, session).worker_pid
    # Not held up by the snapshot (before, it waited for the hour-long request timeout).
    assert value(stub, session, "kept + 1", deadline=30) == "6"
    assert info(stub, session).worker_pid == pid  # interrupted, not killed
    stub.DeleteSession(pb.DeleteSessionRequest(session_id=session))


def test_variable_too_slow_to_snapshot_is_left_out_and_named_after_a_restore(
    budgeted: SidecarProcess, budgeted_stub: sage_pb2_grpc.SageServiceStub, state_dir: Path
) -> None:
    stub = budgeted_stub
    session = create_session(stub)
    evaluate(stub, f"{SLOW}s = Slow()\nkept = 5", session)
    # Given up on once the budget ran out, 's' is left out, so the snapshot still comes.
    wait_for_snapshot(state_dir, session, 1)
    assert any("'s'" in m and "snapshot" in m for m in warnings_about(budgeted, session))
    kill_worker(stub, session)
    events = evaluate(stub, "kept", session, deadline=30)
    assert one(events, "result").result.text_plain == "5"
    assert "'s' is not restored" in stderr_of(events)
    assert f"within {BUDGET:g} s" in info(stub, session).restore_report


def test_snapshot_that_will_not_stop_is_killed_and_the_next_cell_runs_on_a_restored_worker(
    budgeted: SidecarProcess, budgeted_stub: sage_pb2_grpc.SageServiceStub
) -> None:
    stub = budgeted_stub
    session = create_session(stub)
    evaluate(stub, f"{STUBBORN}s = Stubborn()\nkept = 5", session)
    pid = info(stub, session).worker_pid
    time.sleep(1.5)  # the idle snapshot has started; this cell waits for it
    events = evaluate(stub, "kept", session, deadline=30)
    # Never sent to the worker being killed: it runs on a restored one.
    assert finished_of(events).status == pb.EVALUATION_STATUS_OK, events
    assert one(events, "result").result.text_plain == "5"
    assert info(stub, session).worker_pid not in (0, pid)
    warnings = warnings_about(budgeted, session)
    assert any("killed" in m and "journal" in m for m in warnings), warnings


def test_snapshot_survives_system_exit_from_a_variables_reduce(
    budgeted: SidecarProcess, budgeted_stub: sage_pb2_grpc.SageServiceStub, state_dir: Path
) -> None:
    stub = budgeted_stub
    session = create_session(stub)
    code = "class Quits:\n    def __reduce__(self):\n        raise SystemExit(3)\nq = Quits()\n"
    evaluate(stub, code + "kept = 5", session)
    pid = info(stub, session).worker_pid
    wait_for_snapshot(state_dir, session, 1)
    assert info(stub, session).worker_pid == pid  # the worker lived through it
    kill_worker(stub, session)
    events = evaluate(stub, "kept", session, deadline=30)
    assert one(events, "result").result.text_plain == "5"
    assert "'q' is not restored" in stderr_of(events)


def test_snapshot_that_kills_its_worker_when_loaded_falls_back_to_the_journal(
    budgeted_stub: sage_pb2_grpc.SageServiceStub, state_dir: Path
) -> None:
    stub = budgeted_stub
    session = create_session(stub)
    code = "import os\nclass K:\n    def __reduce__(self): return (os._exit, (7,))\nk = K()\nx = 43"
    evaluate(stub, code, session)
    poisoned = wait_for_snapshot(state_dir, session, 1)
    kill_worker(stub, session)
    events = evaluate(stub, "x", session, deadline=30)
    assert one(events, "result").result.text_plain == "43"
    report = info(stub, session).restore_report
    assert "the snapshot after cell 1 killed the worker loading it" in report, report
    assert info(stub, session).state == pb.SESSION_STATE_ACTIVE
    # Set aside, never trusted again, but kept on disk.
    assert not poisoned.exists()
    assert list(poisoned.parent.glob(poisoned.name + ".*"))
    assert value(stub, session, "type(k).__name__", deadline=30) == "'K'"


def test_snapshot_that_hangs_when_loaded_falls_back_to_the_journal(
    budgeted_stub: sage_pb2_grpc.SageServiceStub, state_dir: Path
) -> None:
    stub = budgeted_stub
    session = create_session(stub)
    code = (
        "class Hangs:\n    def __reduce__(self): return (exec, ('while True: pass',))\n"
        "h = Hangs()\nx = 43"
    )
    evaluate(stub, code, session)
    wait_for_snapshot(state_dir, session, 1)
    kill_worker(stub, session)
    events = evaluate(stub, "x", session, deadline=30)
    assert one(events, "result").result.text_plain == "43"
    report = info(stub, session).restore_report
    assert "the snapshot after cell 1" in report, report


def test_clone_whose_snapshot_costs_its_worker_keeps_its_sources_state(
    budgeted: SidecarProcess, budgeted_stub: sage_pb2_grpc.SageServiceStub
) -> None:
    stub = budgeted_stub
    source = create_session(stub)
    evaluate(stub, f"{STUBBORN}s = Stubborn()\nkept = 5", source)
    # The clone's first snapshot never ends and its worker is killed: the clone is then only
    # as durable as the record it takes on from its source.
    clone = stub.CloneSession(pb.CloneSessionRequest(session_id=source), timeout=60).session
    assert clone.execution_count == 1
    events = evaluate(stub, "kept", clone.session_id, deadline=30)
    assert one(events, "result").result.text_plain == "5", events
    assert value(stub, clone.session_id, "type(s).__name__", deadline=30) == "'Stubborn'"
    assert any("could not be snapshotted" in m for m in warnings_about(budgeted, source))
