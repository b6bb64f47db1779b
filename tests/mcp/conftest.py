"""Fixtures for the MCP server's tests: `sage-mcp` as agent hosts start it, over stdio or HTTP."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters

from tests.helpers import BIN, SidecarProcess, exit_status, free_port
from tests.mcp.fake_sidecar import FakeSidecar

SAGE_MCP = BIN / "sage-mcp"
# The tools `sage-mcp` offers.
TOOLS = {
    "evaluate",
    "create_session",
    "clone_session",
    "list_sessions",
    "delete_session",
    "interrupt",
    "list_variables",
    "read_output",
}


def stdio_params(sidecar_address: str, *args: str) -> StdioServerParameters:
    """`sage-mcp` over stdio, as an agent host's config entry starts it."""
    return StdioServerParameters(
        command=str(SAGE_MCP),
        args=["--sidecar", sidecar_address, *args],
        # The whole environment, as a shell would pass it (the SDK's default keeps only a few).
        env={**os.environ, "SAGE_MCP_LOG_LEVEL": "WARNING"},
    )


@contextlib.asynccontextmanager
async def stdio_client(sidecar_address: str, *args: str) -> AsyncIterator[Client]:
    async with Client(stdio_params(sidecar_address, *args)) as client:
        yield client


@dataclass
class HttpServer:
    process: subprocess.Popen[bytes]
    url: str
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def wait_for_port(port: int, process: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listened on port {port} within {timeout} s")


def stop_server(process: subprocess.Popen[bytes], timeout: float = 30.0) -> int:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    return exit_status(process, timeout)


@contextlib.contextmanager
def http_server(
    command: list[str], port: int, env: dict[str, str] | None = None
) -> Iterator[HttpServer]:
    """Runs an MCP server over streamable HTTP; stops it with SIGTERM and wants exit code 0."""
    log = Path(tempfile.mkstemp(prefix="sage-mcp-", suffix=".log")[1])
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            command, stdout=log_file, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})}
        )
    server = HttpServer(process, f"http://127.0.0.1:{port}/mcp", log)
    try:
        wait_for_port(port, process, timeout=240.0)
        yield server
    finally:
        code = stop_server(process)
    assert code == 0, f"server exited with {code}:\n{server.log()}"


@pytest.fixture(scope="module")
def mcp_http(sidecar: SidecarProcess) -> Iterator[HttpServer]:
    """`sage-mcp --transport streamable-http` in front of the shared sidecar."""
    port = free_port()
    command = [
        str(SAGE_MCP),
        "--transport",
        "streamable-http",
        "--port",
        str(port),
        "--sidecar",
        sidecar.address,
    ]
    with http_server(command, port) as server:
        yield server


@pytest.fixture
async def fake() -> AsyncIterator[FakeSidecar]:
    """The scriptable in-process sidecar, for tests where real Sage adds nothing."""
    sidecar = FakeSidecar()
    await sidecar.start()
    yield sidecar
    await sidecar.stop()
