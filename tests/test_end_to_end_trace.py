"""One trace per tool call: MCP server, gRPC client, gRPC server and Sage worker, over OTLP."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator

import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters
from mcp_types import RequestParamsMeta
from opentelemetry.proto.trace.v1 import trace_pb2

from tests.helpers import BIN, SidecarProcess, free_port, start_sidecar, stop_and_check
from tests.otlp_receiver import OtlpReceiver, ReceivedSpan

AGENT_TRACE = "0af7651916cd43dd8448eb211c80319c"
AGENT_SPAN = "b7ad6b7169203331"
CLIENT = trace_pb2.Span.SPAN_KIND_CLIENT
SERVER = trace_pb2.Span.SPAN_KIND_SERVER


@pytest.fixture(scope="module")
def receiver() -> Iterator[OtlpReceiver]:
    with OtlpReceiver() as receiver:
        yield receiver


def _mcp_params(receiver: OtlpReceiver, sidecar: str, *args: str) -> StdioServerParameters:
    env = {**os.environ, **receiver.env("sage-mcp"), "SAGE_MCP_LOG_LEVEL": "WARNING"}
    return StdioServerParameters(
        command=str(BIN / "sage-mcp"), args=["--sidecar", sidecar, *args], env=env
    )


def _caller(trace_id: str) -> RequestParamsMeta:
    """`_meta` as an agent host that traces its tool calls sends it."""
    return RequestParamsMeta(traceparent=f"00-{trace_id}-{AGENT_SPAN}-01")  # type: ignore[typeddict-unknown-key]


def _one(spans: list[ReceivedSpan], description: str) -> ReceivedSpan:
    assert len(spans) == 1, f"{description}: {spans}"
    return spans[0]


async def test_tool_call_is_one_trace_from_the_agent_into_the_worker(
    receiver: OtlpReceiver,
) -> None:
    sidecar = start_sidecar("--warm-workers", "1", env=receiver.env("sage-sidecar"))
    try:
        async with Client(_mcp_params(receiver, sidecar.address)) as client:
            result = await client.call_tool(
                "evaluate",
                {"code": "factor(2^64+1)"},
                meta=_caller(AGENT_TRACE),
            )
        assert not result.is_error
        receiver.wait_for(
            lambda r: (
                any(s.trace_id == AGENT_TRACE and s.name == "sage.execute" for s in r.spans)
                and any(s.trace_id == AGENT_TRACE and s.service == "sage-mcp" for s in r.spans)
            )
        )
    finally:
        stop_and_check(sidecar)
    spans = [s for s in receiver.spans if s.trace_id == AGENT_TRACE]
    tool = _one([s for s in spans if s.name == "tools/call evaluate"], "MCP tool span")
    assert (tool.service, tool.kind, tool.parent_span_id) == ("sage-mcp", SERVER, AGENT_SPAN)
    call = _one([s for s in spans if s.name == "call Evaluate"], "client call span")
    assert call.parent_span_id == tool.span_id
    assert call.attributes["sage.client.attempts"] == 1
    attempt = _one(
        [s for s in spans if s.service == "sage-mcp" and s.kind == CLIENT], "attempt span"
    )
    assert attempt.parent_span_id == call.span_id
    assert attempt.attributes["rpc.method"] == "Evaluate"
    assert attempt.attributes["sage.client.attempt"] == 1
    server = _one([s for s in spans if s.service == "sage-sidecar" and s.kind == SERVER], "server")
    assert server.parent_span_id == attempt.span_id
    execute = _one([s for s in spans if s.name == "sage.execute"], "worker span")
    assert execute.parent_span_id == server.span_id
    assert execute.attributes["sage.outcome"] == "OK"


async def test_retried_call_shows_each_attempt(receiver: OtlpReceiver) -> None:
    address = f"127.0.0.1:{free_port()}"
    # The channel's own retries of UNAVAILABLE are one attempt of the client's: kept to one,
    # they are spent well before the starting sidecar (which answers UNAVAILABLE until Sage
    # is warm) turns SERVING, so the client's next attempt is certain. With five, they could
    # outlast a quick warm-up, and the call succeed in its first attempt.
    params = _mcp_params(
        receiver, address, "--connect-timeout-seconds", "120", "--retry-max-attempts", "2"
    )
    sidecar: SidecarProcess | None = None
    try:
        async with Client(params) as client:
            pending = asyncio.create_task(
                client.call_tool(
                    "evaluate",
                    {"code": "1+1"},
                    meta=_caller(AGENT_TRACE[::-1]),
                )
            )
            await asyncio.sleep(1.0)  # the call is waiting: nothing listens yet
            port = int(address.rsplit(":", 1)[1])
            sidecar = await asyncio.to_thread(
                start_sidecar, "--warm-workers", "1", port=port, wait=False
            )
            result = await asyncio.wait_for(pending, 180)
        assert not result.is_error, result
        receiver.wait_for(
            lambda r: any(
                s.trace_id == AGENT_TRACE[::-1] and s.name == "call Evaluate" for s in r.spans
            )
        )
    finally:
        if sidecar is not None:
            stop_and_check(sidecar)
    spans = [s for s in receiver.spans if s.trace_id == AGENT_TRACE[::-1]]
    call = _one([s for s in spans if s.name == "call Evaluate"], "client call span")
    attempts = [s for s in spans if s.kind == CLIENT and s.parent_span_id == call.span_id]
    assert len(attempts) >= 2, attempts
    assert call.attributes["sage.client.attempts"] == len(attempts)
    assert sorted(a.attributes["sage.client.attempt"] for a in attempts) == list(
        range(1, len(attempts) + 1)
    )
    documented = {
        "sage.client.attempts", "sage.client.retries", "sage.client.circuit_breaker.state"
    }  # fmt: skip
    receiver.wait_for(lambda r: documented <= r.metric_names.get("sage-mcp", set()))
