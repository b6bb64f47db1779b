"""The sidecar's traces and metrics, exported over OTLP to a real receiver."""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Iterator

import grpc
import pytest
from google.protobuf.duration_pb2 import Duration
from opentelemetry.proto.trace.v1 import trace_pb2
from sage_services.api.sage.v1 import sage_pb2 as pb

from tests.helpers import SidecarProcess, create_session, start_sidecar, stop_and_check
from tests.otlp_receiver import OtlpReceiver, ReceivedSpan

CALLER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
CALLER_SPAN = "00f067aa0ba902b7"
STATUS_ERROR = trace_pb2.Status.STATUS_CODE_ERROR


@pytest.fixture(scope="module")
def receiver() -> Iterator[OtlpReceiver]:
    with OtlpReceiver() as receiver:
        yield receiver


@pytest.fixture(scope="module")
def traced(receiver: OtlpReceiver) -> Iterator[SidecarProcess]:
    sidecar = start_sidecar("--warm-workers", "1", env=receiver.env("sage-sidecar"))
    yield sidecar
    stop_and_check(sidecar)


def _evaluate_with_parent(sidecar: SidecarProcess, code: str, session_id: str = "") -> None:
    metadata = (("traceparent", f"00-{CALLER_TRACE}-{CALLER_SPAN}-01"),)
    stub = sidecar.stub()
    list(stub.Evaluate(pb.EvaluateRequest(session_id=session_id, code=code), metadata=metadata))


def _in_trace(receiver: OtlpReceiver, name: str) -> list[ReceivedSpan]:
    return [s for s in receiver.spans if s.trace_id == CALLER_TRACE and s.name == name]


def test_evaluate_spans_continue_the_callers_trace_into_the_worker(
    traced: SidecarProcess, receiver: OtlpReceiver
) -> None:
    session = create_session(traced.stub())
    _evaluate_with_parent(traced, "factor(2^64+1)", session)
    # The worker's span is exported when the cell ends, the RPC's once the call has ended:
    # they may reach the receiver in different batches.
    receiver.wait_for(
        lambda r: (
            bool(_in_trace(r, "sage.execute"))
            and bool(_in_trace(r, "/sage.v1.SageService/Evaluate"))
        )
    )
    (server,) = _in_trace(receiver, "/sage.v1.SageService/Evaluate")
    (execute,) = _in_trace(receiver, "sage.execute")
    assert not _in_trace(receiver, "sage.session.queue"), "an idle session has no queue span"
    assert server.parent_span_id == CALLER_SPAN
    assert server.kind == trace_pb2.Span.SPAN_KIND_SERVER
    assert server.attributes["rpc.system"] == "grpc"
    assert server.attributes["rpc.service"] == "sage.v1.SageService"
    assert server.attributes["rpc.method"] == "Evaluate"
    assert execute.parent_span_id == server.span_id
    for span in (server, execute):
        assert span.attributes["sage.session.id"] == session
        assert span.attributes["sage.execution_count"] == 1
        assert span.attributes["sage.code.length"] == len("factor(2^64+1)")
        assert len(span.attributes["sage.code.sha256"]) == 64
        assert span.attributes["sage.outcome"] == "OK"
        assert "sage.code" not in span.attributes
    worker_pid = traced.stub().GetSession(pb.GetSessionRequest(session_id=session)).session
    assert execute.attributes["process.pid"] == worker_pid.worker_pid
    assert execute.service == "sage-sidecar"


def test_an_evaluation_that_waits_for_its_session_has_a_queue_span(
    traced: SidecarProcess, receiver: OtlpReceiver
) -> None:
    stub = traced.stub()
    session = create_session(stub)
    busy = stub.Evaluate(pb.EvaluateRequest(session_id=session, code="sleep(1)"))
    assert next(busy).HasField("started")
    waiting_trace = "5" * 32
    metadata = (("traceparent", f"00-{waiting_trace}-{CALLER_SPAN}-01"),)
    list(stub.Evaluate(pb.EvaluateRequest(session_id=session, code="1"), metadata=metadata))
    list(busy)
    receiver.wait_for(
        lambda r: (
            {"sage.session.queue", "/sage.v1.SageService/Evaluate"}
            <= {s.name for s in r.spans if s.trace_id == waiting_trace}
        )
    )
    spans = [s for s in receiver.spans if s.trace_id == waiting_trace]
    (queue,) = [s for s in spans if s.name == "sage.session.queue"]
    (server,) = [s for s in spans if s.name == "/sage.v1.SageService/Evaluate"]
    assert queue.parent_span_id == server.span_id


def test_sage_exception_sets_span_status_and_records_it(
    traced: SidecarProcess, receiver: OtlpReceiver
) -> None:
    _evaluate_with_parent(traced, "1/0")

    def failed(r: OtlpReceiver) -> list[ReceivedSpan]:
        return [s for s in _in_trace(r, "sage.execute") if s.attributes["sage.outcome"] == "ERROR"]

    receiver.wait_for(
        lambda r: any(s.span_id == e.parent_span_id for e in failed(r) for s in r.spans)
    )
    execute = failed(receiver)[0]
    server = next(s for s in receiver.spans if s.span_id == execute.parent_span_id)
    for span in (execute, server):
        assert span.status_code == STATUS_ERROR
        assert "ZeroDivisionError" in span.status_message
        assert "exception" in span.event_names


def test_a_failed_call_says_its_grpc_status_on_its_span(
    traced: SidecarProcess, receiver: OtlpReceiver
) -> None:
    with pytest.raises(grpc.RpcError):
        _evaluate_with_parent(traced, "1", session_id="0" * 32)  # no such session

    not_found = grpc.StatusCode.NOT_FOUND.value[0]

    def evaluate_spans(r: OtlpReceiver) -> list[ReceivedSpan]:
        return [s for s in r.spans if s.trace_id == CALLER_TRACE
                and s.attributes.get("rpc.grpc.status_code") == not_found]  # fmt: skip

    receiver.wait_for(lambda r: bool(evaluate_spans(r)))
    # The span's status stays unset: by OpenTelemetry's conventions NOT_FOUND is the caller's
    # error, not the server's.
    assert evaluate_spans(receiver)[0].name == "/sage.v1.SageService/Evaluate"


def _spans_of(receiver: OtlpReceiver, trace_id: str, name: str) -> list[ReceivedSpan]:
    return [s for s in receiver.spans if s.trace_id == trace_id and s.name == name]


def test_a_timed_out_evaluation_says_so_on_its_worker_span_too(
    traced: SidecarProcess, receiver: OtlpReceiver
) -> None:
    trace_id = "6" * 32
    metadata = (("traceparent", f"00-{trace_id}-{CALLER_SPAN}-01"),)
    request = pb.EvaluateRequest(code="sleep(30)", timeout=Duration(seconds=1))
    list(traced.stub().Evaluate(request, metadata=metadata))
    receiver.wait_for(lambda r: bool(_spans_of(r, trace_id, "sage.execute")))
    (execute,) = _spans_of(receiver, trace_id, "sage.execute")
    # The worker only saw SIGINT; the server knows it was the timeout.
    assert execute.attributes["sage.outcome"] == "TIMED_OUT"
    assert execute.status_message.startswith("TimeoutError"), execute.status_message


def test_calls_the_client_ends_say_how_on_their_span_without_warnings(
    traced: SidecarProcess, receiver: OtlpReceiver
) -> None:
    stub = traced.stub()
    cancelled, expired = "a" * 32, "b" * 32
    call = stub.Evaluate(
        pb.EvaluateRequest(code="sleep(30)"),
        metadata=(("traceparent", f"00-{cancelled}-{CALLER_SPAN}-01"),),
    )
    assert next(call).HasField("started")
    call.cancel()
    with pytest.raises(grpc.RpcError) as raised:
        list(stub.Evaluate(
            pb.EvaluateRequest(code="sleep(30)"), timeout=1,
            metadata=(("traceparent", f"00-{expired}-{CALLER_SPAN}-01"),),
        ))  # fmt: skip
    assert raised.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
    # The worker spans end once the interrupts have landed, after the calls' own spans.
    receiver.wait_for(lambda r: all(_spans_of(r, t, "sage.execute") for t in (cancelled, expired)))
    rpc = "/sage.v1.SageService/Evaluate"
    (ended,) = _spans_of(receiver, cancelled, rpc)
    assert ended.attributes["rpc.grpc.status_code"] == grpc.StatusCode.CANCELLED.value[0]
    (late,) = _spans_of(receiver, expired, rpc)
    assert late.attributes["rpc.grpc.status_code"] == grpc.StatusCode.DEADLINE_EXCEEDED.value[0]
    assert late.status_code == STATUS_ERROR
    # What came after the call ended was not written to its closed span.
    assert "ended span" not in traced.log()


def test_health_checks_stay_out_of_traces(traced: SidecarProcess, receiver: OtlpReceiver) -> None:
    for _ in range(3):
        traced.health()
    create_session(traced.stub())
    receiver.wait_for(lambda r: any(s.name.endswith("/CreateSession") for s in r.spans))
    assert not [s for s in receiver.spans if "grpc.health" in s.name]


def test_metrics_arrive_with_the_documented_names(
    traced: SidecarProcess, receiver: OtlpReceiver
) -> None:
    _evaluate_with_parent(traced, "1+1")
    expected = {
        "sage.evaluation.duration",
        "sage.sessions.active",
        "sage.workers.resident",
        "sage.pool.warm_workers",
    }
    receiver.wait_for(lambda r: expected <= r.metric_names.get("sage-sidecar", set()))


def test_logs_are_json_lines_with_trace_ids_inside_spans(traced: SidecarProcess) -> None:
    stub = traced.stub()
    session = create_session(stub)
    pid = stub.GetSession(pb.GetSessionRequest(session_id=session)).session.worker_pid
    metadata = (("traceparent", f"00-{CALLER_TRACE}-{CALLER_SPAN}-01"),)
    call = stub.Evaluate(
        pb.EvaluateRequest(session_id=session, code="sleep(30)"), metadata=metadata
    )
    assert next(call).HasField("started")
    os.kill(pid, signal.SIGKILL)
    list(call)
    lines = [json.loads(line) for line in traced.log().splitlines()]
    assert all({"time", "level", "logger", "message"} <= line.keys() for line in lines)
    assert any(line["message"] == "sage-sidecar ready" for line in lines)
    (lost,) = [line for line in lines if f"lost its worker {pid}" in line["message"]]
    assert lost["trace_id"] == CALLER_TRACE
    assert len(lost["span_id"]) == 16
