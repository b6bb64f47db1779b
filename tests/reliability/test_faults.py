"""Faults: the sidecar stopped or killed under load and mid-stream, a worker that ignores
interrupts while busy in C, and a full disk under the state directory. Each records what was
acknowledged, what was committed and what was lost; the goal is nothing committed lost.

Twenty worker kills in a row, a killed idle sidecar and a corrupted snapshot are in
tests/test_durability.py.
"""

from __future__ import annotations

import ast
import contextlib
import errno
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
from sage_services.api.sage.v1 import sage_pb2 as pb
from sage_services.api.sage.v1 import sage_pb2_grpc

from tests.helpers import (
    SidecarProcess,
    create_session,
    finished_of,
    one,
    start_sidecar,
    stderr_of,
    stop_and_check,
    wait_for_snapshot,
)
from tests.reliability.load import PREPARE, code_for, request_id_for
from tests.reliability.support import (
    ROOT,
    bystander,
    error_of,
    run_events,
    start_with_state,
    status_name,
    still_serving,
    value_of,
)

CLIENTS = 8
SESSIONS = 4


def _prepare(sidecar: SidecarProcess) -> list[str]:
    with sidecar.channel() as channel:
        stub = sage_pb2_grpc.SageServiceStub(channel)
        sessions = [create_session(stub) for _ in range(SESSIONS)]
        for session in sessions:
            run_events(stub, PREPARE, session)
    return sessions


def _start_load(sidecar: SidecarProcess, sessions: list[str], out: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.reliability.load", "--address", sidecar.address,
         "--clients", str(CLIENTS), "--evaluations", "100000", "--session-ids", ",".join(sessions),
         "--deadline", "30", "--settle", "0", "--stop-on-error", "--out", str(out)],
        cwd=ROOT,
    )  # fmt: skip


def _wait_for_commits(state: Path, count: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        lines = 0
        for journal in state.glob("sessions/*/journal.jsonl"):
            with contextlib.suppress(OSError):
                lines += journal.read_bytes().count(b"\n")
        if lines >= count:
            return
        time.sleep(0.05)
    raise TimeoutError(f"fewer than {count} evaluations committed in {timeout} s")


def _account(
    stub: sage_pb2_grpc.SageServiceStub, records: list[dict[str, object]]
) -> dict[str, int]:
    """What each client was told against what its session holds after the restart; then
    retry every unacknowledged evaluation with its request id, as a client would."""
    logs = {
        session: ast.literal_eval(value_of(stub, session, "logs"))
        for session in {str(r["session_id"]) for r in records}
    }
    counts = dict.fromkeys(
        ("acknowledged", "committed", "lost", "duplicated", "never sent but committed",
         "committed, unacknowledged", "replayed on retry", "ran on retry"), 0,
    )  # fmt: skip
    for record in records:
        client, session = int(str(record["client"])), str(record["session_id"])
        attempted = list(record["attempted"])  # type: ignore[call-overload]
        acknowledged = set(record["acknowledged"])  # type: ignore[call-overload]
        committed = logs[session].get(client, [])
        counts["acknowledged"] += len(acknowledged)
        counts["committed"] += len(committed)
        counts["lost"] += len(acknowledged - set(committed))
        counts["duplicated"] += len(committed) - len(set(committed))
        counts["never sent but committed"] += len(set(committed) - set(attempted))
        counts["committed, unacknowledged"] += len(set(committed) - acknowledged)
        for index in attempted:
            if index in acknowledged:
                continue
            events = run_events(
                stub, code_for(client, index), session,
                request_id=request_id_for(client, index), deadline=60,
            )  # fmt: skip
            assert finished_of(events).status == pb.EVALUATION_STATUS_OK, events
            replayed = finished_of(events).replayed
            counts["replayed on retry" if replayed else "ran on retry"] += 1
    for session in logs:
        logs[session] = ast.literal_eval(value_of(stub, session, "logs"))
    exactly_once = all(
        logs[str(r["session_id"])].get(r["client"], []) == r["attempted"] for r in records
    )
    counts["clients with every evaluation exactly once after retries"] = sum(
        logs[str(r["session_id"])].get(r["client"], []) == r["attempted"] for r in records
    )
    assert exactly_once, "after retries some client's log is not exactly its evaluations"
    return counts


def _finish_load(load: subprocess.Popen[bytes], out: Path) -> list[dict[str, object]]:
    assert load.wait(90) == 0
    result = json.loads(out.read_text())
    return list(result["records"])


def _errors_seen(records: list[dict[str, object]]) -> dict[str, int]:
    seen: dict[str, int] = {}
    for record in records:
        for error in record["errors"]:  # type: ignore[attr-defined]
            seen[str(error)] = seen.get(str(error), 0) + 1
    return seen


@pytest.mark.timeout(240)
def test_sigterm_during_load_drains_and_loses_nothing_committed(
    figures: dict[str, object],
) -> None:
    """SIGTERM while 8 clients evaluate: in-flight evaluations finish, new ones get
    UNAVAILABLE, the sidecar exits 0; after a restart every acknowledged evaluation is
    there, and retries by request id make each client's log exactly what it sent."""
    sidecar, state = start_with_state("--warm-workers", "1")
    out = Path(tempfile.mkdtemp()) / "load.json"
    load = _start_load(sidecar, _prepare(sidecar), out)
    try:
        _wait_for_commits(state, 200)
        began = time.monotonic()
        stop_and_check(sidecar)  # SIGTERM; exit 0; nothing left behind
        figures["seconds from SIGTERM to exit"] = round(time.monotonic() - began, 2)
        records = _finish_load(load, out)
    finally:
        load.kill()
    errors = _errors_seen(records)
    figures["client errors"] = errors
    restarted = start_sidecar("--state-dir", str(state))
    try:
        with restarted.channel() as channel:
            counts = _account(sage_pb2_grpc.SageServiceStub(channel), records)
    finally:
        stop_and_check(restarted)
    figures.update(counts)
    assert set(errors) <= {"UNAVAILABLE"}, f"shutdown ended calls with {errors}"
    assert counts["lost"] == 0
    assert counts["duplicated"] == 0
    assert counts["never sent but committed"] == 0


@pytest.mark.timeout(240)
def test_sidecar_killed_mid_stream_under_load_loses_nothing_committed(
    figures: dict[str, object],
) -> None:
    """kill -9 of the sidecar while a cell streams output and 8 clients evaluate: nothing
    outlives it; after a restart every acknowledged evaluation is there, the streaming cell
    is rolled back, and retrying it by request id runs it once."""
    sidecar, state = start_with_state("--warm-workers", "1")
    sessions = _prepare(sidecar)
    stub = sidecar.stub()
    streaming = create_session(stub)
    run_events(stub, "kept = 'committed'", streaming)
    code = "streamed = True\nfor k in range(40):\n    print(k); sleep(float(0.05))"
    request = pb.EvaluateRequest(session_id=streaming, code=code, request_id="stream-1")
    chunks: list[str] = []
    outcome: list[str] = []
    three = threading.Event()

    def follow() -> None:
        try:
            for event in stub.Evaluate(request, timeout=60):
                if event.HasField("stdout"):
                    chunks.append(event.stdout.text)
                    if len(chunks) >= 3:
                        three.set()
            outcome.append("finished")
        except grpc.RpcError as error:
            outcome.append(error.code().name)

    out = Path(tempfile.mkdtemp()) / "load.json"
    load = _start_load(sidecar, sessions, out)
    follower = threading.Thread(target=follow)
    try:
        _wait_for_commits(state, 200)
        follower.start()
        assert three.wait(30), "the streaming cell never streamed"
        sidecar.remember_descendants()
        assert sidecar.stop(signal.SIGKILL) == -signal.SIGKILL
        leftovers = sidecar.leftover_processes()
        follower.join(30)
        records = _finish_load(load, out)
    finally:
        load.kill()
        sidecar.kill_leftovers()
    figures["processes left behind"] = len(leftovers)
    figures["stream chunks before the kill"] = len(chunks)
    figures["streaming call ended with"] = outcome[0] if outcome else "nothing"
    figures["client errors"] = _errors_seen(records)
    assert not leftovers
    assert outcome == ["UNAVAILABLE"]
    restarted = start_sidecar("--state-dir", str(state))
    try:
        with restarted.channel() as channel:
            stub = sage_pb2_grpc.SageServiceStub(channel)
            counts = _account(stub, records)
            assert value_of(stub, streaming, "kept") == "'committed'"
            rolled_back = value_of(stub, streaming, "'streamed' in globals()") == "False"
            figures["streaming cell rolled back"] = rolled_back
            retried = run_events(stub, code, streaming, request_id="stream-1")
            figures["streaming cell on retry"] = (
                "replayed" if finished_of(retried).replayed else "ran"
            )
            assert finished_of(retried).status == pb.EVALUATION_STATUS_OK
            assert value_of(stub, streaming, "streamed") == "True"
    finally:
        stop_and_check(restarted)
    figures.update(counts)
    assert rolled_back
    assert counts["lost"] == 0
    assert counts["duplicated"] == 0
    assert counts["never sent but committed"] == 0


@pytest.mark.timeout(120)
def test_worker_ignoring_sigint_while_busy_in_c_is_killed_and_rolled_back(
    figures: dict[str, object],
) -> None:
    """A cell that ignores SIGINT and then spins in C (a backtracking regular expression)
    is killed when the interrupt grace runs out; the session comes back as it was, and a
    bystander session never notices."""
    sidecar, _ = start_with_state("--interrupt-grace-seconds", "1", "--warm-workers", "1")
    try:
        with sidecar.channel() as channel:
            stub = sage_pb2_grpc.SageServiceStub(channel)
            session = create_session(stub)
            run_events(stub, "kept = 'before'", session)
            code = (
                "import re, signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n"
                "kept = 'during'\nre.match(r'(a|aa)+$', 'a' * 64 + 'b')"
            )
            events: list[pb.EvaluateResponse] = []
            with bystander(sidecar) as watcher:
                call = stub.Evaluate(pb.EvaluateRequest(session_id=session, code=code), timeout=60)
                events.append(next(call))
                time.sleep(1)
                began = time.monotonic()
                assert stub.Interrupt(pb.InterruptRequest(session_id=session)).interrupted
                events.extend(call)
                stopped = time.monotonic() - began
                kept = value_of(stub, session, "kept")
            figures["seconds from Interrupt to finished"] = round(stopped, 2)
            figures["status"] = status_name(events)
            figures["error"] = error_of(events)[:120]
            figures["variable after"] = kept
            figures.update(watcher.summary())
            assert finished_of(events).status == pb.EVALUATION_STATUS_INTERRUPTED
            assert one(events, "error").error.ename == "WorkerKilled"
            assert finished_of(events).state_preserved
            assert kept == "'before'"
            assert stopped < 5
            assert not watcher.failures, watcher.failures[:3]
            assert still_serving(sidecar)
    finally:
        stop_and_check(sidecar)


@pytest.fixture
def small_disk() -> Iterator[Path]:
    """A 16 MiB tmpfs of the test's own, to fill up; unmounted afterwards."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    mount = Path(tempfile.mkdtemp(prefix="sage-small-disk-"))
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=16m,mode=0700", "tmpfs", str(mount)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "--lazy", str(mount)], check=False)
        mount.rmdir()


def _fill(disk: Path) -> Path:
    """Write a file until the disk refuses another byte."""
    filler = disk / "filler"
    with filler.open("wb", buffering=0) as file:
        for size in (1 << 20, 4096, 1):
            while True:
                try:
                    file.write(b"\0" * size)
                except OSError as exc:
                    if exc.errno != errno.ENOSPC:
                        raise
                    break
    return filler


def _outcome(call: object) -> tuple[str, list[pb.EvaluateResponse] | None, str]:
    """(status name, events if the call completed, details)."""
    try:
        events = list(call)  # type: ignore[call-overload]
    except grpc.RpcError as error:
        return error.code().name, None, str(error.details())
    return "OK", events, ""


@pytest.mark.timeout(180)
def test_full_state_disk_fails_evaluations_clearly_and_keeps_committed_work(
    small_disk: Path, figures: dict[str, object]
) -> None:
    """With the state directory's disk full, an evaluation ends promptly with a clear error
    (never hangs, never says OK for work it could not commit); the sidecar keeps serving;
    once space is back, committed work is intact, before and after a restart."""
    sidecar = start_sidecar("--state-dir", str(small_disk), "--warm-workers", "1")
    restarted: SidecarProcess | None = None
    try:
        with sidecar.channel() as channel:
            stub = sage_pb2_grpc.SageServiceStub(channel)
            session = create_session(stub)
            run_events(stub, "kept = 'committed'", session)
            wait_for_snapshot(small_disk, session, 1)
            filler = _fill(small_disk)
            began = time.monotonic()
            # Longer than a page, so its journal entry cannot fit in the file's last page.
            code = "lost = 1  # " + "padding " * 2048
            request = pb.EvaluateRequest(session_id=session, code=code, request_id="full")
            status, events, details = _outcome(stub.Evaluate(request, timeout=30))
            figures["seconds"] = round(time.monotonic() - began, 2)
            told_ok = events is not None and status_name(events) == "EVALUATION_STATUS_OK"
            figures["evaluation on a full disk"] = (
                f"{status}: {details[:120]}" if events is None
                else f"{status_name(events)} {error_of(events)[:120]}"
            )  # fmt: skip
            if events is not None:
                notes = stderr_of(events)
                figures["its stderr"] = notes.strip()[:200]
            created, _, created_details = _outcome(_create(stub))
            figures["CreateSession on a full disk"] = f"{created}: {created_details[:120]}"
            one_off = run_events(stub, "6*7", deadline=30)
            figures["one-off evaluation on a full disk"] = status_name(one_off)
            serving = still_serving(sidecar)
            filler.unlink()
            live = value_of(stub, session, "('lost' in globals(), kept)")
        stop_and_check(sidecar)
        restarted = start_sidecar("--state-dir", str(small_disk), "--warm-workers", "1")
        with restarted.channel() as channel:
            stub = sage_pb2_grpc.SageServiceStub(channel)
            after_restart = value_of(stub, session, "('lost' in globals(), kept)")
        figures["live session afterwards"] = live
        figures["after a restart"] = after_restart
    finally:
        for process in (sidecar, restarted):
            if process is not None and process.process.poll() is None:
                stop_and_check(process)
    assert status != "DEADLINE_EXCEEDED", "the evaluation hung on the full disk"
    assert serving
    assert created in ("RESOURCE_EXHAUSTED", "OK"), created_details
    assert live == after_restart, "the live session and its durable record disagree"
    assert after_restart == f"({told_ok}, 'committed')"
    if events is None:
        assert status == "RESOURCE_EXHAUSTED", details
    elif not told_ok:
        assert "space" in error_of(events).lower() or "disk" in error_of(events).lower()


def _create(stub: sage_pb2_grpc.SageServiceStub) -> Iterator[pb.CreateSessionResponse]:
    yield stub.CreateSession(pb.CreateSessionRequest(), timeout=30)
