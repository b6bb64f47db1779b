"""Starting Sage for an agent with one command: `sage-runtime`, and `sage-mcp --spawn-sidecar`.

Each test starts its own sidecar through the launcher and checks that no process (MCP server,
sidecar, Sage workers) outlives the launcher, however it ends.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
import uuid
from pathlib import Path

import psutil
from mcp import Client
from mcp.client.stdio import StdioServerParameters
from mcp.types import TextContent

from tests.helpers import BIN, free_port
from tests.mcp.conftest import SAGE_MCP, http_server, wait_for_port

MARKER = "SAGE_MCP_TEST_MARKER"


def text_of(result: object) -> str:
    content = getattr(result, "content", [])
    return "\n".join(block.text for block in content if isinstance(block, TextContent))


def marked(marker: str) -> list[psutil.Process]:
    """Live processes started with this marker in their environment (children inherit it)."""
    found = []
    for process in psutil.process_iter():
        try:
            if process.status() != psutil.STATUS_ZOMBIE and process.environ().get(MARKER) == marker:
                found.append(process)
        except psutil.Error:
            continue
    return found


def two_free_ports() -> tuple[int, int]:
    first = free_port()
    while (second := free_port()) == first:
        pass
    return first, second


def wait_until_gone(marker: str, timeout: float = 30.0) -> list[psutil.Process]:
    deadline = time.monotonic() + timeout
    while (left := marked(marker)) and time.monotonic() < deadline:
        time.sleep(0.2)
    for process in left:
        process.kill()
    return left


async def test_sage_runtime_starts_both_and_sigterm_stops_both(tmp_path: Path) -> None:
    marker = uuid.uuid4().hex
    sidecar_port, mcp_port = two_free_ports()
    command = [
        str(BIN / "sage-runtime"),
        *("--sidecar", f"127.0.0.1:{sidecar_port}", "--port", str(mcp_port)),
    ]
    state = {"SAGE_SIDECAR_STATE_DIR": str(tmp_path)}
    with http_server(command, mcp_port, env={MARKER: marker, **state}) as server:
        async with Client(server.url) as client:
            result = await client.call_tool("evaluate", {"code": "2^10"})
        assert text_of(result) == "1024"
        names = {" ".join(p.cmdline()) for p in marked(marker)}
        assert any("sage-sidecar" in name for name in names), names
    log = server.log()
    assert f"Sage sidecar (gRPC):  127.0.0.1:{sidecar_port}  (started here)" in log
    assert f"MCP server (HTTP):    http://127.0.0.1:{mcp_port}/mcp" in log
    assert wait_until_gone(marker) == []


async def test_spawn_sidecar_makes_one_stdio_config_entry_enough() -> None:
    marker = uuid.uuid4().hex
    params = StdioServerParameters(
        command=str(SAGE_MCP),
        args=["--spawn-sidecar"],
        env={**os.environ, MARKER: marker, "SAGE_MCP_LOG_LEVEL": "WARNING"},
    )
    async with Client(params) as client:
        result = await client.call_tool("evaluate", {"code": "factor(2^32 + 1)"})
        assert len(marked(marker)) >= 2
    assert text_of(result) == "641 * 6700417"
    assert wait_until_gone(marker) == []


def test_spawned_sidecar_does_not_outlive_a_killed_mcp_server() -> None:
    marker = uuid.uuid4().hex
    port = free_port()
    process = subprocess.Popen(
        [str(SAGE_MCP), "--spawn-sidecar", "--transport", "streamable-http", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, MARKER: marker},
    )
    try:
        wait_for_port(port, process, timeout=240.0)
        assert len(marked(marker)) >= 2
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    assert wait_until_gone(marker) == []
