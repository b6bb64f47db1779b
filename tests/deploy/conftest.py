"""Fixtures for the deploy tests: the images' entrypoints as local processes, wired as
deploy/compose.yaml wires them, with an OTLP receiver standing in for Jaeger."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.deploy.images import (
    DEPLOY,
    ServiceProcess,
    can_isolate_root,
    healthy,
    local_probe_command,
    read_dockerfile,
    start_service,
    temporary_volume,
)
from tests.helpers import free_port
from tests.otlp_receiver import OtlpReceiver

# Warm-up of Sage in a cold process; compose allows the sidecar 120 s (start_period).
SIDECAR_START_TIMEOUT = 180.0
MCP_START_TIMEOUT = 60.0


@dataclass
class Deployment:
    """The compose deployment, run here: sidecar, MCP server and a Jaeger stand-in."""

    sidecar: ServiceProcess
    sidecar_address: str
    sidecar_probe: list[str]
    mcp: ServiceProcess
    mcp_url: str
    mcp_probe: list[str]
    otlp: OtlpReceiver
    state_dir: Path
    # What deploy/.env would hold: the token the MCP server sends and the sidecar checks.
    token: str
    stopped: dict[str, int] = field(default_factory=dict)


@pytest.fixture(scope="module")
def otlp() -> Iterator[OtlpReceiver]:
    """Stands in for Jaeger: the same OTLP/gRPC protocol, on a local port."""
    with OtlpReceiver() as receiver:
        yield receiver


@pytest.fixture(scope="module")
def deployment(
    otlp: OtlpReceiver, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Deployment]:
    read_only_root = can_isolate_root()
    scratch = tmp_path_factory.mktemp("scratch")
    sidecar_port, mcp_port = free_port(), free_port()
    sidecar_address = f"127.0.0.1:{sidecar_port}"
    # Compose's service names and ports, and this machine's.
    addresses = {
        "127.0.0.1:50051": sidecar_address,
        "sage-sidecar:50051": sidecar_address,
        "127.0.0.1:8000": f"127.0.0.1:{mcp_port}",
    }
    variables = {"SAGE_SIDECAR_TOKEN": secrets.token_hex(32)}
    # Only the endpoint moves: compose's sampler and exporter settings are kept.
    otel = {"OTEL_EXPORTER_OTLP_ENDPOINT": otlp.endpoint}
    started: list[ServiceProcess] = []
    with temporary_volume() as state_dir, temporary_volume() as scratch_dir:
        try:
            sidecar = start_service(
                "sage-sidecar",
                read_dockerfile(DEPLOY / "sidecar.Dockerfile"),
                {
                    **otel,
                    "SAGE_SIDECAR_LISTEN": sidecar_address,
                    "SAGE_SIDECAR_STATE_DIR": str(state_dir),
                    # Compose's is a tmpfs of its own; a directory outside /tmp here.
                    "SAGE_SIDECAR_WORKER_SCRATCH_DIR": str(scratch_dir),
                },
                variables=variables,
                volumes=[state_dir, scratch_dir],
                read_only_root=read_only_root,
                scratch=scratch,
            )
            started.append(sidecar)
            sidecar_probe = local_probe_command("sage-sidecar", addresses)
            # compose: the MCP server starts once the sidecar's healthcheck passes.
            sidecar.wait_until(
                lambda: healthy(sidecar_probe), "passing healthcheck", SIDECAR_START_TIMEOUT
            )
            mcp = start_service(
                "sage-mcp",
                read_dockerfile(DEPLOY / "mcp.Dockerfile"),
                {
                    **otel,
                    "SAGE_MCP_HOST": "127.0.0.1",
                    "SAGE_MCP_PORT": str(mcp_port),
                    "SAGE_MCP_SIDECAR": sidecar_address,
                },
                variables=variables,
                read_only_root=read_only_root,
                scratch=scratch,
            )
            started.append(mcp)
            mcp_probe = local_probe_command("sage-mcp", addresses)
            mcp.wait_until(lambda: healthy(mcp_probe), "passing healthcheck", MCP_START_TIMEOUT)
            yield Deployment(
                sidecar=sidecar,
                sidecar_address=sidecar_address,
                sidecar_probe=sidecar_probe,
                mcp=mcp,
                mcp_url=f"http://127.0.0.1:{mcp_port}/mcp",
                mcp_probe=mcp_probe,
                otlp=otlp,
                state_dir=state_dir,
                token=variables["SAGE_SIDECAR_TOKEN"],
            )
        finally:
            for service in reversed(started):
                service.kill_all()
