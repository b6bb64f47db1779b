"""Starting Sage for an agent with one command: `sage-runtime`, and `sage-mcp --spawn-sidecar`.

Each test starts its own sidecar through the launcher and checks that no process (MCP server,
sidecar, Sage workers) outlives the launcher, however it ends.
"""

from __future__ import annotations

import asyncio
import fcntl
import json
import os
import signal
import subprocess
import time
import uuid
from pathlib import Path

import grpc
import psutil
import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters
from mcp.types import TextContent
from sage_mcp.sidecar_process import OWNER_LOCK, STATE_DIR_PREFIX
from sage_services.api.sage.v1 import sage_pb2 as pb
from sage_services.api.sage.v1 import sage_pb2_grpc

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


def spawned_sidecar(mcp_pid: int) -> psutil.Process:
    """The `sage-sidecar` child of the MCP server, once there is a live one."""
    deadline = time.monotonic() + 60
    while True:
        for child in psutil.Process(mcp_pid).children():
            try:
                if child.status() != psutil.STATUS_ZOMBIE and "sage-sidecar" in " ".join(
                    child.cmdline()
                ):
                    return child
            except psutil.Error:
                continue
        assert time.monotonic() < deadline, "the MCP server has no live sidecar child"
        time.sleep(0.2)


def state_dir_of(process: psutil.Process) -> Path:
    command = process.cmdline()
    return Path(command[command.index("--state-dir") + 1])


async def test_spawned_sidecar_killed_is_restarted_with_its_sessions() -> None:
    """kill -9 of the private sidecar: the MCP server reaps it, logs it, starts it again on the
    same state directory, and an existing session carries on with its variables."""
    marker = uuid.uuid4().hex
    port = free_port()
    command = [
        *(str(SAGE_MCP), "--spawn-sidecar", "--transport", "streamable-http"),
        *("--port", str(port), "--connect-timeout-seconds", "2"),
    ]
    with http_server(command, port, env={MARKER: marker}) as server:
        async with Client(server.url) as client:
            created = await client.call_tool("create_session", {})
            assert created.structured_content is not None
            session = created.structured_content["session_id"]
            defined = await client.call_tool("evaluate", {"code": "x = 41", "session_id": session})
            assert not defined.is_error, text_of(defined)

            first = spawned_sidecar(server.process.pid)
            state = state_dir_of(first)
            first.kill()
            first.wait(30)  # reaped by the MCP server, not left <defunct>

            answers = []
            deadline = time.monotonic() + 240
            while time.monotonic() < deadline:
                answer = await client.call_tool(
                    "evaluate", {"code": "x + 1", "session_id": session}
                )
                answers.append(text_of(answer))
                if not answer.is_error:
                    break
                await asyncio.sleep(0.5)
            second = spawned_sidecar(server.process.pid)
        assert answers[-1] == "42", answers
        for failed in answers[:-1]:
            assert failed.startswith("Sage runtime unavailable"), failed
            assert "--spawn-sidecar" not in failed, failed
        assert second.pid != first.pid
        assert state_dir_of(second) == state
    lines = [line for line in server.log().splitlines() if line.strip()]
    # Nothing but log records: gRPC core, say, printing on stderr as the sidecar restarts.
    assert all(line.startswith("{") for line in lines), server.log()
    records = [json.loads(line) for line in lines]
    assert any(
        f"sage-sidecar (pid {first.pid}) exited unexpectedly (killed by SIGKILL)" in r["message"]
        for r in records
    ), server.log()
    assert wait_until_gone(marker) == []
    assert not state.exists(), "the private state directory outlived the MCP server"


def state_dirs(parent: Path) -> set[Path]:
    return set(parent.glob(f"{STATE_DIR_PREFIX}*"))


def test_a_killed_mcp_servers_state_directory_is_removed_by_the_next_one(tmp_path: Path) -> None:
    """kill -9 leaves the private state directory behind; the next `sage-mcp --spawn-sidecar`
    removes it, but not one whose owner lives nor one still being made."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {**os.environ, "TMPDIR": str(temp)}
    env.pop("SAGE_SIDECAR_STATE_DIR", None)
    marker = uuid.uuid4().hex
    port = free_port()
    killed = subprocess.Popen(
        [str(SAGE_MCP), "--spawn-sidecar", "--transport", "streamable-http", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**env, MARKER: marker},
    )
    try:
        wait_for_port(port, killed, timeout=240.0)
    finally:
        killed.send_signal(signal.SIGKILL)
        killed.wait()
    assert wait_until_gone(marker) == []
    (abandoned,) = state_dirs(temp)
    assert (abandoned / OWNER_LOCK).exists()

    # A live owner's, as this process holds its lock; and one a starting owner has just made.
    live = temp / f"{STATE_DIR_PREFIX}live"
    live.mkdir()
    with (live / OWNER_LOCK).open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        starting = temp / f"{STATE_DIR_PREFIX}starting"
        starting.mkdir()

        port = free_port()
        command = [str(SAGE_MCP), "--spawn-sidecar", "--transport", "streamable-http"]
        with http_server([*command, "--port", str(port)], port, env=env):
            (own,) = state_dirs(temp) - {live, starting}
            assert not abandoned.exists()
            assert live.exists()
            assert starting.exists()
        assert not own.exists(), "a stopped sage-mcp left its state directory"


def test_a_second_sigterm_while_the_sidecar_drains_kills_it_and_still_cleans_up(
    tmp_path: Path,
) -> None:
    """An MCP client closes stdin, then sends SIGTERM, then SIGKILL, two seconds apart: a
    sidecar still draining a running evaluation is killed at the second signal, rather than
    the stop broken off, and the private state directory is removed all the same."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    marker = uuid.uuid4().hex
    env = {**os.environ, "TMPDIR": str(temp), MARKER: marker}
    env.pop("SAGE_SIDECAR_STATE_DIR", None)
    port = free_port()
    log = tmp_path / "sage-mcp.log"
    command = [str(SAGE_MCP), "--spawn-sidecar", "--transport", "streamable-http"]
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            [*command, "--port", str(port)],
            stdout=log_file,
            stderr=subprocess.STDOUT,
            env=env,
        )
    try:
        wait_for_port(port, process, timeout=240.0)
        sidecar = spawned_sidecar(process.pid).cmdline()
        with grpc.insecure_channel(sidecar[sidecar.index("--listen") + 1]) as channel:
            stub = sage_pb2_grpc.SageServiceStub(channel)
            # The sidecar's drain would wait for this cell up to its shutdown grace.
            call = stub.Evaluate(pb.EvaluateRequest(code="sleep(60)"), timeout=120)
            assert next(call).WhichOneof("event") == "started"
            process.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + 30
            while "stopping sage-sidecar" not in log.read_text():
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.1)
            process.send_signal(signal.SIGTERM)
            code = process.wait(timeout=60)
            # Killed: the stream breaks, where a drain would have ended it with `finished`.
            with pytest.raises(grpc.RpcError):
                list(call)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    text = log.read_text()
    assert code == 0, text
    assert "Traceback" not in text, text
    assert "SIGTERM while sage-sidecar drains: killing it" in text
    assert state_dirs(temp) == set()
    assert wait_until_gone(marker) == []
