"""gRPC statuses for bad calls and exhausted resources, and the per-worker limits.

These run against a sidecar with small limits, so hitting them is quick.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import time
from collections.abc import Iterator

import grpc
import pytest
from google.rpc import error_details_pb2
from sage_services.api.sage.v1 import sage_pb2 as pb
from sage_services.api.sage.v1 import sage_pb2_grpc
from sage_services.errors import details_of
from sage_sidecar.settings import REQUEST_HEADROOM_BYTES

from tests.helpers import (
    SidecarProcess,
    create_session,
    delete_all_sessions,
    evaluate,
    finished_of,
    one,
    rpc_error,
    start_sidecar,
    stdout_of,
    stop_and_check,
)

MAX_SESSIONS = 3
MAX_CODE = 4096
MAX_OUTPUT = 10_000
# Past the transport's limit by a KiB: gRPC refuses it before the server reads it.
TOO_LARGE = MAX_CODE + REQUEST_HEADROOM_BYTES + 1024


@pytest.fixture(scope="module")
def limited() -> Iterator[SidecarProcess]:
    process = start_sidecar(
        "--max-sessions", str(MAX_SESSIONS),
        "--max-queued-evaluations", "1",
        "--max-code-bytes", str(MAX_CODE),
        "--max-output-bytes", str(MAX_OUTPUT),
        "--max-timeout-seconds", "60",
        "--worker-memory-bytes", "1GiB",
        "--interrupt-grace-seconds", "1",
        "--warm-workers", "1",
    )  # fmt: skip
    yield process
    stop_and_check(process)


@pytest.fixture
def stub(limited: SidecarProcess) -> Iterator[sage_pb2_grpc.SageServiceStub]:
    with limited.channel() as channel:
        yield sage_pb2_grpc.SageServiceStub(channel)
    delete_all_sessions(limited)


def test_unknown_session_is_not_found(stub: sage_pb2_grpc.SageServiceStub) -> None:
    missing = "0" * 32
    for call in (
        lambda: stub.GetSession(pb.GetSessionRequest(session_id=missing)),
        lambda: stub.DeleteSession(pb.DeleteSessionRequest(session_id=missing)),
        lambda: stub.Interrupt(pb.InterruptRequest(session_id=missing)),
        lambda: stub.Evaluate(pb.EvaluateRequest(session_id=missing, code="1")),
    ):
        error = rpc_error(call)
        assert error.code() == grpc.StatusCode.NOT_FOUND
        assert "CreateSession" in str(error.details())
        info = [d for d in details_of(error) if isinstance(d, error_details_pb2.ResourceInfo)]
        assert info[0].resource_name == missing


@pytest.mark.parametrize(
    ("request_fields", "field"),
    [
        pytest.param({"code": ""}, "code", id="empty-code"),
        pytest.param({"code": "   \n"}, "code", id="blank-code"),
        pytest.param({"code": "x" * (MAX_CODE + 1)}, "code", id="oversized-code"),
        pytest.param({"code": "1", "session_id": "../etc"}, "session_id", id="malformed-id"),
        pytest.param({"code": "1", "timeout": -1.0}, "timeout", id="negative-timeout"),
        pytest.param({"code": "1", "timeout": 0.0}, "timeout", id="zero-timeout"),
        pytest.param({"code": "1", "timeout": 61.0}, "timeout", id="timeout-over-maximum"),
    ],
)
def test_bad_evaluate_request_is_invalid_argument(
    stub: sage_pb2_grpc.SageServiceStub, request_fields: dict[str, object], field: str
) -> None:
    timeout = request_fields.pop("timeout", None)
    request = pb.EvaluateRequest(**request_fields)  # type: ignore[arg-type]
    if timeout is not None:
        request.timeout.FromNanoseconds(int(float(timeout) * 1e9))  # type: ignore[arg-type]
    error = rpc_error(lambda: stub.Evaluate(request))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    violations = [d for d in details_of(error) if isinstance(d, error_details_pb2.BadRequest)]
    assert violations[0].field_violations[0].field == field


def test_code_far_over_the_limit_is_refused_unread_and_the_server_keeps_serving(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    # Past the limit plus the request's headroom, gRPC refuses the message before the
    # server reads it, as the README and the contract say.
    error = rpc_error(lambda: stub.Evaluate(pb.EvaluateRequest(code="1" * TOO_LARGE)))
    assert error.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert "larger than max" in str(error.details())
    assert one(evaluate(stub, "6*7"), "result").result.text_plain == "42"


@pytest.mark.parametrize(
    ("seconds", "nanos"),
    [
        pytest.param(0, 2_000_000_000, id="nanos-over-a-second"),
        pytest.param(0, 1_000_000_000, id="nanos-of-a-whole-second"),
        pytest.param(1, -999_999_999, id="negative-nanos-with-positive-seconds"),
        pytest.param(2, -1, id="nanos-of-the-other-sign"),
    ],
)
def test_malformed_timeout_duration_is_invalid_argument(
    stub: sage_pb2_grpc.SageServiceStub, seconds: int, nanos: int
) -> None:
    request = pb.EvaluateRequest(code="1")
    request.timeout.seconds, request.timeout.nanos = seconds, nanos
    error = rpc_error(lambda: stub.Evaluate(request))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    violations = [d for d in details_of(error) if isinstance(d, error_details_pb2.BadRequest)]
    assert violations[0].field_violations[0].field == "timeout"
    assert "nanos" in str(error.details())


def test_message_far_over_the_code_limit_is_refused_by_the_transport(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    error = rpc_error(lambda: stub.Evaluate(pb.EvaluateRequest(code="x" * (1 << 20))))
    assert error.code() == grpc.StatusCode.RESOURCE_EXHAUSTED


def test_too_many_sessions_is_resource_exhausted(stub: sage_pb2_grpc.SageServiceStub) -> None:
    for _ in range(MAX_SESSIONS):
        create_session(stub)
    error = rpc_error(lambda: stub.CreateSession(pb.CreateSessionRequest()))
    assert error.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert "DeleteSession" in str(error.details())
    one_off = rpc_error(lambda: stub.Evaluate(pb.EvaluateRequest(code="1")))
    assert one_off.code() == grpc.StatusCode.RESOURCE_EXHAUSTED


def test_concurrent_creates_never_exceed_max_sessions(stub: sage_pb2_grpc.SageServiceStub) -> None:
    calls = [stub.CreateSession.future(pb.CreateSessionRequest(), timeout=60) for _ in range(20)]
    codes = [call.code() for call in calls]
    assert codes.count(grpc.StatusCode.OK) == MAX_SESSIONS
    assert codes.count(grpc.StatusCode.RESOURCE_EXHAUSTED) == len(calls) - MAX_SESSIONS
    assert len(stub.ListSessions(pb.ListSessionsRequest()).sessions) == MAX_SESSIONS


def test_deleting_a_session_frees_its_slot(stub: sage_pb2_grpc.SageServiceStub) -> None:
    sessions = [create_session(stub) for _ in range(MAX_SESSIONS)]
    stub.DeleteSession(pb.DeleteSessionRequest(session_id=sessions[0]))
    create_session(stub)
    listed = {s.session_id for s in stub.ListSessions(pb.ListSessionsRequest()).sessions}
    assert sessions[0] not in listed
    assert len(listed) == MAX_SESSIONS


def test_too_many_queued_evaluations_is_resource_exhausted(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    session = create_session(stub)
    running = stub.Evaluate(pb.EvaluateRequest(session_id=session, code="sleep(3)"))
    assert next(running).HasField("started")
    queued = stub.Evaluate(pb.EvaluateRequest(session_id=session, code="1"))
    time.sleep(0.3)
    error = rpc_error(lambda: stub.Evaluate(pb.EvaluateRequest(session_id=session, code="2")))
    assert error.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert finished_of(list(queued)).status == pb.EVALUATION_STATUS_OK
    running.cancel()


def test_output_over_the_limit_is_cut_with_a_marker(stub: sage_pb2_grpc.SageServiceStub) -> None:
    session = create_session(stub)
    events = evaluate(stub, "for i in range(100000): print(i)\n'done'", session)
    out = stdout_of(events)
    assert len(out.encode()) < MAX_OUTPUT + 200
    assert "output truncated" in out
    assert finished_of(events).output_truncated
    assert finished_of(events).status == pb.EVALUATION_STATUS_OK
    events = evaluate(stub, "print('fresh budget')", session)
    assert stdout_of(events) == "fresh budget\n"
    assert not finished_of(events).output_truncated


def test_huge_result_is_cut_too(stub: sage_pb2_grpc.SageServiceStub) -> None:
    events = evaluate(stub, "factorial(20000)")
    text = one(events, "result").result.text_plain
    assert len(text) < MAX_OUTPUT + 200
    assert text.endswith("[output truncated: over this evaluation's output limit]\n")
    assert finished_of(events).output_truncated


def test_memory_over_the_worker_limit_is_an_in_band_error_that_names_the_limit(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    session = create_session(stub)
    evaluate(stub, "kept = 5", session)
    events = evaluate(stub, "hog = bytearray(3 * 2^30)", session)
    error = one(events, "error").error
    assert error.ename == "MemoryError"
    # MemoryError alone does not say that the limit, not the machine, ran out.
    assert error.traceback.endswith(
        "MemoryError\nThe cell ran into the session's memory limit: a session here may take "
        "1 GiB more than Sage itself (the sidecar's --worker-memory-bytes). Its variables are "
        "kept: free large ones with del, or work with smaller objects.\n"
    )
    assert finished_of(events).state_preserved
    assert one(evaluate(stub, "kept", session), "result").result.text_plain == "5"


def test_killed_worker_ends_the_evaluation_in_band_and_rolls_back(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    session = create_session(stub)
    evaluate(stub, "kept = 'committed'", session)
    pid = stub.GetSession(pb.GetSessionRequest(session_id=session)).session.worker_pid
    call = stub.Evaluate(
        pb.EvaluateRequest(session_id=session, code="kept = 'half-done'\nsleep(30)")
    )
    assert next(call).HasField("started")
    os.kill(pid, signal.SIGKILL)
    events = list(call)
    error = one(events, "error").error
    assert error.ename == "WorkerDied"
    assert "SIGKILL" in error.evalue
    assert "restored to where it was before this evaluation" in error.evalue
    finished = finished_of(events)
    assert finished.status == pb.EVALUATION_STATUS_WORKER_DIED
    assert finished.state_preserved
    assert one(evaluate(stub, "kept", session), "result").result.text_plain == "'committed'"
    new_pid = stub.GetSession(pb.GetSessionRequest(session_id=session)).session.worker_pid
    assert new_pid not in (0, pid)


def test_a_worker_that_dies_is_seen_dead_while_a_process_it_forked_lives_on(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """The forked process holds a copy of the worker's socket, as the one Sage forks to kill
    an interface's program in the background (`gp.quit()`, `reset()`) does for 5 s or more;
    this one would hold it for ten minutes."""
    session = create_session(stub)
    evaluate(stub, "kept = 'committed'", session)
    code = (
        "import os, time\nchild = os.fork()\nif not child:\n    time.sleep(600)\n    os._exit(0)\n"
        "child"
    )
    holder = int(one(evaluate(stub, code, session), "result").result.text_plain)
    try:
        events = evaluate(stub, "import os\nos._exit(3)", session, deadline=60)
        assert one(events, "error").error.ename == "WorkerDied"
        assert "exit status 3" in one(events, "error").error.evalue
        assert finished_of(events).status == pb.EVALUATION_STATUS_WORKER_DIED
        assert one(evaluate(stub, "kept", session), "result").result.text_plain == "'committed'"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(holder, signal.SIGKILL)


def test_worker_ignoring_interrupts_is_killed_after_the_grace(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    session = create_session(stub)
    evaluate(stub, "kept = 3", session)
    code = "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nkept = 4\nwhile True: pass"
    started = time.monotonic()
    events = evaluate(stub, code, session, timeout=0.5)
    assert time.monotonic() - started < 10
    finished = finished_of(events)
    assert finished.status == pb.EVALUATION_STATUS_TIMED_OUT
    assert finished.state_preserved
    assert one(events, "error").error.ename == "WorkerKilled"
    # The killed cell is rolled back, its SIGINT handler with it.
    assert one(evaluate(stub, "kept", session), "result").result.text_plain == "3"


def test_deleting_a_busy_session_ends_its_evaluation(stub: sage_pb2_grpc.SageServiceStub) -> None:
    session = create_session(stub)
    call = stub.Evaluate(pb.EvaluateRequest(session_id=session, code="sleep(30)"))
    assert next(call).HasField("started")
    stub.DeleteSession(pb.DeleteSessionRequest(session_id=session))
    events = list(call)
    assert one(events, "error").error.ename == "SessionDeleted"
    assert finished_of(events).status == pb.EVALUATION_STATUS_INTERRUPTED


def test_workers_the_sidecar_kills_are_not_blamed_on_the_oom_killer(
    limited: SidecarProcess, stub: sage_pb2_grpc.SageServiceStub
) -> None:
    stubborn = create_session(stub)
    code = "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True: pass"
    evaluate(stub, code, stubborn, timeout=0.5)  # killed once the interrupt grace is over
    deleted = create_session(stub)
    call = stub.Evaluate(pb.EvaluateRequest(session_id=deleted, code="sleep(30)"))
    assert next(call).HasField("started")
    stub.DeleteSession(pb.DeleteSessionRequest(session_id=deleted))
    list(call)
    messages = [json.loads(line)["message"] for line in limited.log().splitlines()]
    lost = [m for m in messages if "lost its worker" in m and (stubborn in m or deleted in m)]
    assert len(lost) == 2, lost
    for message in lost:
        assert "killed by the sidecar" in message
        assert "out-of-memory" not in message
