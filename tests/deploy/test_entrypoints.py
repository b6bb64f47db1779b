"""Each image's entrypoint, run here as a local process with the environment that
deploy/compose.yaml sets (and, as root, a read-only root filesystem with a tmpfs at /tmp).

One deployment is shared by the tests below, in order: it comes up health-gated as compose
starts it, serves MCP through the sidecar, then stops as compose stops it (the MCP server
first, then the sidecar, each by SIGTERM to its PID 1).
"""

from __future__ import annotations

import re
import subprocess
import threading
from pathlib import Path

import grpc
import psutil
import pytest
from mcp import Client
from mcp.types import TextContent
from sage_services.api.sage.v1 import sage_pb2, sage_pb2_grpc

from tests.deploy.conftest import Deployment
from tests.deploy.images import compose_service


def bearer(deployment: Deployment) -> tuple[tuple[str, str]]:
    return (("authorization", f"Bearer {deployment.token}"),)


def _namespace_pid(pid: int) -> int:
    """`pid` as its own PID namespace numbers it."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("NSpid:"):
            return int(line.split()[-1])
    raise AssertionError("no NSpid in /proc/PID/status")


def _mounts(pid: int) -> dict[str, tuple[str, str]]:
    """Mount point -> (filesystem type, mount options), as process `pid` sees them."""
    mounts = {}
    for line in Path(f"/proc/{pid}/mountinfo").read_text().splitlines():
        fields = line.split()
        separator = fields.index("-")
        mounts[fields[4]] = (fields[separator + 1], fields[5])
    return mounts


def _seconds(duration: str) -> float:
    match = re.fullmatch(r"(\d+(?:\.\d+)?)(ms|s|m)", duration)
    assert match, duration
    return float(match[1]) * {"ms": 0.001, "s": 1.0, "m": 60.0}[match[2]]


def test_sidecar_passes_its_compose_healthcheck(deployment: Deployment) -> None:
    result = subprocess.run(deployment.sidecar_probe, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "SERVING"


def test_sidecar_wants_the_token_compose_gives_both_services(deployment: Deployment) -> None:
    with grpc.insecure_channel(deployment.sidecar_address) as channel:
        stub = sage_pb2_grpc.SageServiceStub(channel)
        with pytest.raises(grpc.RpcError) as refused:
            stub.ListSessions(sage_pb2.ListSessionsRequest(), timeout=10)
        stub.ListSessions(sage_pb2.ListSessionsRequest(), timeout=10, metadata=bearer(deployment))
    assert refused.value.code() == grpc.StatusCode.UNAUTHENTICATED


def test_entrypoints_run_as_pid1_init_with_a_read_only_root(deployment: Deployment) -> None:
    if not deployment.sidecar.read_only_root:
        pytest.skip("needs root for private namespaces; the services ran on the plain root")
    for service in (deployment.sidecar, deployment.mcp):
        pid1 = psutil.Process(service.pid1)
        # dumb-init is PID 1 of its PID namespace, as in the container; the service its child.
        assert pid1.name() == "dumb-init", pid1.cmdline()
        assert _namespace_pid(service.pid1) == 1
        assert [p.cmdline()[1].rsplit("/", 1)[-1] for p in pid1.children()] == [service.name]
        mounts = _mounts(service.pid1)
        assert "ro" in mounts["/"][1].split(","), mounts["/"]
        assert mounts["/tmp"][0] == "tmpfs", mounts["/tmp"]
        # The images' WORKDIR is /tmp: the service works in its tmpfs.
        [child] = pid1.children()
        cwd, tmp = Path(f"/proc/{child.pid}/cwd"), Path(f"/proc/{child.pid}/root/tmp")
        assert cwd.stat().st_ino == tmp.stat().st_ino
        assert cwd.stat().st_dev == tmp.stat().st_dev


async def test_mcp_server_lists_tools_and_evaluates_through_the_sidecar(
    deployment: Deployment,
) -> None:
    async with Client(deployment.mcp_url) as client:
        tools = {tool.name for tool in (await client.list_tools()).tools}
        one_off = await client.call_tool("evaluate", {"code": "1+1"})
        created = await client.call_tool("create_session", {})
        assert created.structured_content is not None
        session_id = created.structured_content["session_id"]
        in_session = await client.call_tool(
            "evaluate", {"code": "a = factor(2^32 + 1); a", "session_id": session_id}
        )
    assert {"evaluate", "create_session", "delete_session"} <= tools
    assert not one_off.is_error, one_off.content
    assert one_off.structured_content is not None
    assert one_off.structured_content["result"] == "2"
    assert not in_session.is_error, in_session.content
    text = " ".join(c.text for c in in_session.content if isinstance(c, TextContent))
    assert "641 * 6700417" in text
    # The session's journal is on the state volume, where compose mounts it.
    journals = list(deployment.state_dir.glob("**/journal.jsonl"))
    assert any(session_id in str(path) for path in journals), journals


def test_mcp_server_passes_its_compose_healthcheck(deployment: Deployment) -> None:
    result = subprocess.run(deployment.mcp_probe, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_sigterm_to_pid1_stops_mcp_then_drains_the_sidecar(deployment: Deployment) -> None:
    mcp_grace = _seconds(compose_service("sage-mcp")["stop_grace_period"])
    sidecar_grace = _seconds(compose_service("sage-sidecar")["stop_grace_period"])
    deployment.stopped["sage-mcp"] = deployment.mcp.stop(mcp_grace)
    assert deployment.stopped["sage-mcp"] == 0, deployment.mcp.log()

    # An evaluation that is running when the sidecar is told to stop finishes normally.
    events: list[sage_pb2.EvaluateResponse] = []
    started = threading.Event()

    def evaluate() -> None:
        with grpc.insecure_channel(deployment.sidecar_address) as channel:
            stub = sage_pb2_grpc.SageServiceStub(channel)
            request = sage_pb2.EvaluateRequest(code="import time; time.sleep(2); 6*7")
            for event in stub.Evaluate(request, timeout=60, metadata=bearer(deployment)):
                events.append(event)
                if event.HasField("started"):
                    started.set()

    client = threading.Thread(target=evaluate)
    client.start()
    assert started.wait(30), "the evaluation never started"
    deployment.stopped["sage-sidecar"] = deployment.sidecar.stop(sidecar_grace)
    client.join(30)
    assert deployment.stopped["sage-sidecar"] == 0, deployment.sidecar.log()
    results = [e.result.text_plain for e in events if e.HasField("result")]
    assert results == ["42"], events
    assert events[-1].finished.status == sage_pb2.EVALUATION_STATUS_OK
    for service in (deployment.mcp, deployment.sidecar):
        assert not service.leftovers(), f"{service.name} left processes behind"


def test_services_send_traces_and_no_metrics_to_the_otlp_endpoint(deployment: Deployment) -> None:
    # Spans are flushed at the latest when a service exits (the test above stopped both).
    for service in (deployment.mcp, deployment.sidecar):
        if service.name not in deployment.stopped:
            deployment.stopped[service.name] = service.stop(30)
    services = {span.service for span in deployment.otlp.spans}
    assert {"sage-sidecar", "sage-mcp"} <= services, services
    # Jaeger takes traces only: compose turns the metrics exporter off.
    assert not any(deployment.otlp.metric_names.values()), deployment.otlp.metric_names
