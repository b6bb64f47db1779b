"""gRPC's interop cases, adapted to SageService, and requests at and over every size limit.

From the interop suite: cancel_after_begin, cancel_after_first_response,
timeout_on_sleeping_server, status_code_and_message, unimplemented_method,
unimplemented_service and custom_metadata. The plain versions on a session (cancel after
`started`, an expired deadline) are in tests/test_evaluate.py; these cover what they leave out:
queued evaluations, one-off evaluations and unary calls.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

import grpc
import psutil
import pytest
from grpc_status import rpc_status
from sage_services.api.sage.v1 import sage_pb2 as pb
from sage_services.api.sage.v1 import sage_pb2_grpc
from sage_sidecar.settings import REQUEST_HEADROOM_BYTES

from tests.helpers import (
    SidecarProcess,
    create_session,
    delete_all_sessions,
    finished_of,
    one,
    rpc_error,
    start_sidecar,
    stdout_of,
    stop_and_check,
)
from tests.reliability.support import run_events, still_serving, value_of

MAX_CODE = 64 * 1024
MAX_OUTPUT = 64 * 1024
MAX_DISPLAY = 3 * 1024 * 1024  # the default: one display must fit a default client's 4 MiB
# The server's transport limit: the code limit plus its headroom for the rest.
MAX_MESSAGE = MAX_CODE + REQUEST_HEADROOM_BYTES
METADATA_SOFT_LIMIT = 16 * 1024


@pytest.fixture(scope="module")
def sidecar() -> Iterator[SidecarProcess]:
    process = start_sidecar(
        "--max-code-bytes", str(MAX_CODE),
        "--max-output-bytes", str(MAX_OUTPUT),
        "--max-display-bytes", str(MAX_DISPLAY),
        "--max-queued-evaluations", "2",
        "--interrupt-grace-seconds", "1",
        "--warm-workers", "1",
    )  # fmt: skip
    yield process
    stop_and_check(process)


@pytest.fixture
def stub(sidecar: SidecarProcess) -> Iterator[sage_pb2_grpc.SageServiceStub]:
    with sidecar.channel() as channel:
        yield sage_pb2_grpc.SageServiceStub(channel)
    delete_all_sessions(sidecar)


def _busy(
    stub: sage_pb2_grpc.SageServiceStub, session: str, code: str
) -> tuple[threading.Thread, list[pb.EvaluateResponse]]:
    """Run `code` on `session` in the background; return once it has started."""
    events: list[pb.EvaluateResponse] = []
    started = threading.Event()

    def consume() -> None:
        for event in stub.Evaluate(pb.EvaluateRequest(session_id=session, code=code), timeout=60):
            events.append(event)
            started.set()

    thread = threading.Thread(target=consume)
    thread.start()
    assert started.wait(30), "the evaluation never started"
    return thread, events


def _sage_processes(sidecar: SidecarProcess) -> set[int]:
    return {p.pid for p in psutil.Process(sidecar.pid).children(recursive=True)}


def test_cancel_after_begin_never_runs_a_queued_evaluation(
    stub: sage_pb2_grpc.SageServiceStub, figures: dict[str, object]
) -> None:
    """cancel_after_begin: an evaluation cancelled while it waits in the session's queue
    never runs, and leaves its queue slot free."""
    session = create_session(stub)
    running, events = _busy(stub, session, "sleep(float(1.5))")
    queued = stub.Evaluate(pb.EvaluateRequest(session_id=session, code="ran = True"), timeout=60)
    queued.cancel()
    error = rpc_error(lambda: queued)
    running.join(30)
    figures["status of the cancelled call"] = error.code().name
    assert error.code() == grpc.StatusCode.CANCELLED
    assert finished_of(events).status == pb.EVALUATION_STATUS_OK
    assert value_of(stub, session, "'ran' in globals()") == "False"
    info = stub.GetSession(pb.GetSessionRequest(session_id=session)).session
    assert info.queued_evaluations == 0
    assert info.execution_count == 2  # the sleep and the check; the cancelled cell never started


def test_cancel_after_first_response_of_a_one_off_frees_its_worker(
    sidecar: SidecarProcess, stub: sage_pb2_grpc.SageServiceStub, figures: dict[str, object]
) -> None:
    """cancel_after_first_response: cancelling a one-off evaluation once it has printed stops
    its worker; no session and no process of it is left behind."""
    code = "import os\nprint(os.getpid(), flush=True)\nsleep(60)"
    call = stub.Evaluate(pb.EvaluateRequest(code=code), timeout=60)
    pid = next(int(e.stdout.text) for e in call if e.HasField("stdout"))
    assert psutil.pid_exists(pid)
    call.cancel()
    assert rpc_error(lambda: call).code() == grpc.StatusCode.CANCELLED
    cancelled = time.monotonic()
    deadline = cancelled + 15
    while time.monotonic() < deadline and pid in _sage_processes(sidecar):
        time.sleep(0.02)
    figures["seconds until its worker was gone"] = round(time.monotonic() - cancelled, 2)
    assert pid not in _sage_processes(sidecar)
    assert not stub.ListSessions(pb.ListSessionsRequest()).sessions
    assert still_serving(sidecar)


def test_timeout_on_sleeping_server_while_queued(
    stub: sage_pb2_grpc.SageServiceStub, figures: dict[str, object]
) -> None:
    """timeout_on_sleeping_server: a deadline that expires while the evaluation is queued
    ends the call on time, and the queued code never runs."""
    session = create_session(stub)
    running, events = _busy(stub, session, "sleep(float(2))")
    began = time.monotonic()
    error = rpc_error(
        lambda: stub.Evaluate(pb.EvaluateRequest(session_id=session, code="late = 1"), timeout=0.5)
    )
    figures["call ended after s"] = round(time.monotonic() - began, 2)
    assert error.code() == grpc.StatusCode.DEADLINE_EXCEEDED
    assert time.monotonic() - began < 1.5
    running.join(30)
    assert finished_of(events).status == pb.EVALUATION_STATUS_OK
    assert value_of(stub, session, "'late' in globals()") == "False"


def test_timeout_on_a_clone_of_a_busy_session_leaves_no_clone(
    stub: sage_pb2_grpc.SageServiceStub, figures: dict[str, object]
) -> None:
    """timeout_on_sleeping_server, unary: CloneSession waits for a busy source; when its
    deadline expires first, no half-made clone stays behind."""
    session = create_session(stub)
    running, _ = _busy(stub, session, "sleep(float(2))")
    error = rpc_error(
        lambda: stub.CloneSession(pb.CloneSessionRequest(session_id=session), timeout=0.5)
    )
    assert error.code() == grpc.StatusCode.DEADLINE_EXCEEDED
    running.join(30)
    time.sleep(0.5)
    listed = [s.session_id for s in stub.ListSessions(pb.ListSessionsRequest()).sessions]
    figures["sessions after the expired clone"] = len(listed)
    assert listed == [session]


def _bad_calls(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> list[tuple[str, grpc.StatusCode, Callable[[], object]]]:
    missing = "f" * 32
    long_timeout = pb.EvaluateRequest(session_id=session, code="1")
    long_timeout.timeout.FromSeconds(10**9)
    return [
        ("GetSession, unknown id", grpc.StatusCode.NOT_FOUND,
         lambda: stub.GetSession(pb.GetSessionRequest(session_id=missing))),
        ("DeleteSession, malformed id", grpc.StatusCode.INVALID_ARGUMENT,
         lambda: stub.DeleteSession(pb.DeleteSessionRequest(session_id="a/b"))),
        ("Interrupt, malformed id", grpc.StatusCode.INVALID_ARGUMENT,
         lambda: stub.Interrupt(pb.InterruptRequest(session_id="x" * 65))),
        ("CloneSession, unknown id", grpc.StatusCode.NOT_FOUND,
         lambda: stub.CloneSession(pb.CloneSessionRequest(session_id=missing))),
        ("Evaluate, empty code", grpc.StatusCode.INVALID_ARGUMENT,
         lambda: stub.Evaluate(pb.EvaluateRequest(session_id=session))),
        ("Evaluate, request id over 128", grpc.StatusCode.INVALID_ARGUMENT,
         lambda: stub.Evaluate(
             pb.EvaluateRequest(session_id=session, code="1", request_id="r" * 129))),
        ("Evaluate, timeout over the maximum", grpc.StatusCode.INVALID_ARGUMENT,
         lambda: stub.Evaluate(long_timeout)),
        ("Evaluate, unknown session", grpc.StatusCode.NOT_FOUND,
         lambda: stub.Evaluate(pb.EvaluateRequest(session_id=missing, code="1"))),
    ]  # fmt: skip


def test_status_code_and_message_carry_rich_details(
    stub: sage_pb2_grpc.SageServiceStub, figures: dict[str, object]
) -> None:
    """status_code_and_message: every refusal has its documented code, a message, and a
    `google.rpc.Status` in the trailers that repeats both."""
    session = create_session(stub)
    checked = []
    for name, code, call in _bad_calls(stub, session):
        error = rpc_error(call)
        assert error.code() == code, name
        assert len(str(error.details())) > 20, name
        status = rpc_status.from_call(error)
        assert status is not None, f"{name}: no google.rpc.Status in the trailers"
        assert status.code == code.value[0], name
        assert status.message == error.details(), name
        assert status.details, f"{name}: no details"
        checked.append(name)
    figures["refusals checked"] = len(checked)


@pytest.mark.parametrize(
    "method",
    [
        pytest.param("/sage.v1.SageService/NoSuchMethod", id="unimplemented-method"),
        pytest.param("/sage.v2.SageService/Evaluate", id="unimplemented-service"),
        pytest.param("/grpc.testing.TestService/EmptyCall", id="interop-service"),
    ],
)
def test_unimplemented_method_and_service(
    sidecar: SidecarProcess, method: str, figures: dict[str, object]
) -> None:
    """unimplemented_method / unimplemented_service: UNIMPLEMENTED, for unary and streaming
    calls alike, and the sidecar keeps serving."""
    with sidecar.channel() as channel:
        unary = channel.unary_unary(method, request_serializer=None, response_deserializer=None)
        streaming = channel.unary_stream(
            method, request_serializer=None, response_deserializer=None
        )
        codes = {
            rpc_error(lambda: unary(b"", timeout=10)).code(),
            rpc_error(lambda: streaming(b"\x0a\x01x", timeout=10)).code(),
        }
    figures["statuses"] = sorted(c.name for c in codes)
    assert codes == {grpc.StatusCode.UNIMPLEMENTED}
    assert still_serving(sidecar)


def test_custom_metadata_is_accepted_by_every_call(
    stub: sage_pb2_grpc.SageServiceStub, figures: dict[str, object]
) -> None:
    """custom_metadata: text and binary headers of the caller's own, a malformed
    `traceparent` and an unasked-for token change nothing."""
    metadata = (
        ("x-caller-note", "hello"),
        ("x-caller-blob-bin", bytes(range(256))),
        ("traceparent", "00-not-a-trace-id-01"),
        ("authorization", "Bearer nobody-asked-for-this"),
        ("x-large", "m" * 8000),
    )
    session = stub.CreateSession(pb.CreateSessionRequest(), metadata=metadata).session.session_id
    stub.GetSession(pb.GetSessionRequest(session_id=session), metadata=metadata)
    stub.ListSessions(pb.ListSessionsRequest(), metadata=metadata)
    events = list(
        stub.Evaluate(pb.EvaluateRequest(session_id=session, code="6*7"), metadata=metadata)
    )
    assert one(events, "result").result.text_plain == "42"
    stub.Interrupt(pb.InterruptRequest(session_id=session), metadata=metadata)
    clone = stub.CloneSession(pb.CloneSessionRequest(session_id=session), metadata=metadata)
    stub.DeleteSession(
        pb.DeleteSessionRequest(session_id=clone.session.session_id), metadata=metadata
    )
    stub.DeleteSession(pb.DeleteSessionRequest(session_id=session), metadata=metadata)
    figures["calls with custom metadata"] = 8


def test_metadata_over_the_limit_is_refused_the_same_way_every_time(
    stub: sage_pb2_grpc.SageServiceStub, figures: dict[str, object]
) -> None:
    """Request metadata under the limit is always accepted; over it, always refused with
    RESOURCE_EXHAUSTED: a limit a client can rely on."""
    outcomes: dict[int, list[str]] = {}
    for size in (METADATA_SOFT_LIMIT - 1024, METADATA_SOFT_LIMIT + 2048, 4 * METADATA_SOFT_LIMIT):
        outcomes[size] = []
        for _ in range(20):
            try:
                stub.ListSessions(
                    pb.ListSessionsRequest(), metadata=(("x-pad", "p" * size),), timeout=10
                )
                outcomes[size].append("OK")
            except grpc.RpcError as error:
                outcomes[size].append(error.code().name)
    summary = {size: sorted(set(seen)) for size, seen in outcomes.items()}
    figures["outcomes by header bytes (20 calls each)"] = {
        size: {code: seen.count(code) for code in set(seen)} for size, seen in outcomes.items()
    }
    assert summary[METADATA_SOFT_LIMIT - 1024] == ["OK"]
    assert summary[4 * METADATA_SOFT_LIMIT] == ["RESOURCE_EXHAUSTED"]
    assert len(summary[METADATA_SOFT_LIMIT + 2048]) == 1, (
        f"{METADATA_SOFT_LIMIT + 2048} bytes of metadata were sometimes accepted and sometimes "
        f"refused: {summary}"
    )


def test_code_at_the_byte_limit_runs_and_one_byte_over_is_refused(
    stub: sage_pb2_grpc.SageServiceStub, figures: dict[str, object]
) -> None:
    """The code limit counts UTF-8 bytes: code of exactly the limit runs, one more byte is
    INVALID_ARGUMENT naming both sizes."""
    # A string literal of two-byte characters, padded to the exact size with one ASCII byte.
    body = "é" * ((MAX_CODE - 3) // 2)
    code = f"'{body}'" + " " * (MAX_CODE - len(f"'{body}'".encode()))
    assert len(code.encode()) == MAX_CODE
    events = run_events(stub, code)
    assert finished_of(events).status == pb.EVALUATION_STATUS_OK
    error = rpc_error(lambda: run_events(stub, code + " "))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert str(MAX_CODE + 1) in str(error.details())
    assert str(MAX_CODE) in str(error.details())
    figures["code limit bytes"] = MAX_CODE


def test_request_at_the_transport_limit_reaches_the_service_and_one_byte_over_does_not(
    stub: sage_pb2_grpc.SageServiceStub, figures: dict[str, object]
) -> None:
    """A request message of exactly the transport's limit is read, and refused by the service
    for its code size; one byte more is refused by the transport, RESOURCE_EXHAUSTED."""
    # One tag byte and a three-byte length prefix precede the code.
    request = pb.EvaluateRequest(code="x" * (MAX_MESSAGE - 4))
    assert request.ByteSize() == MAX_MESSAGE
    at_limit = rpc_error(lambda: list(stub.Evaluate(request, timeout=30)))
    request.code += "x"
    over = rpc_error(lambda: list(stub.Evaluate(request, timeout=30)))
    figures["at the limit"] = at_limit.code().name
    figures["one byte over"] = over.code().name
    assert at_limit.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "code" in str(at_limit.details())
    assert over.code() == grpc.StatusCode.RESOURCE_EXHAUSTED


def test_output_at_the_limit_is_whole_and_one_byte_over_is_cut(
    stub: sage_pb2_grpc.SageServiceStub, figures: dict[str, object]
) -> None:
    """Output of exactly the per-evaluation limit arrives whole; one byte more is cut with a
    marker and `output_truncated`, every time."""
    session = create_session(stub)
    exact = run_events(stub, f"print('o' * {MAX_OUTPUT - 1})", session)
    assert len(stdout_of(exact)) == MAX_OUTPUT
    assert not finished_of(exact).output_truncated
    # The flag must be right every time, not only when the cut happens to be seen early.
    flags = []
    for _ in range(20):
        over = run_events(stub, f"print('o' * {MAX_OUTPUT})", session)
        assert "output truncated" in stdout_of(over)
        assert stdout_of(over).startswith("o" * MAX_OUTPUT)
        flags.append(finished_of(over).output_truncated)
    figures["output limit bytes"] = MAX_OUTPUT
    figures["one byte over: output_truncated set"] = f"{sum(flags)} of {len(flags)}"
    assert all(flags), "output was cut but `finished.output_truncated` said it was not"


def test_display_at_the_limit_arrives_in_one_message_and_over_it_is_dropped(
    stub: sage_pb2_grpc.SageServiceStub, figures: dict[str, object]
) -> None:
    """A rich display of exactly the display limit (3 MiB by default) arrives in one message
    a default client can read (4 MiB); one byte more is dropped with a note."""
    session = create_session(stub)
    try:
        exact = run_events(stub, f"show(html('h' * {MAX_DISPLAY}))", session)
    except grpc.RpcError as error:
        figures["status of the call"] = error.code().name
        pytest.fail(f"a display at the limit broke a default client's stream: {error.details()}")
    display = one(exact, "display").display
    assert len(display.data) == MAX_DISPLAY
    over = run_events(stub, f"show(html('h' * {MAX_DISPLAY + 1}))", session)
    assert not [e for e in over if e.HasField("display")]
    assert "dropped" in stdout_of(over)
    assert finished_of(over).status == pb.EVALUATION_STATUS_OK
    figures["display limit bytes"] = MAX_DISPLAY
