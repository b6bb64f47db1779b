"""The MCP server while its sidecar is killed and restarted: calls recover, nothing runs twice.

The restarted sidecar starts from a fresh state, so its sessions are gone. What must hold: a
call sent once runs at most once (counted in files the Sage code appends to), the agent is
told plainly that its session was lost, and the next calls succeed once the sidecar is back.
"""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path

from mcp.types import TextContent

from tests.helpers import SidecarProcess, free_port, start_sidecar, stop_and_check
from tests.mcp.conftest import stdio_client


def text_of(result: object) -> str:
    content = getattr(result, "content", [])
    return "\n".join(block.text for block in content if isinstance(block, TextContent))


def crash(sidecar: SidecarProcess) -> None:
    """SIGKILL, as a crash or the OOM killer would; its workers go down with it."""
    sidecar.remember_descendants()
    os.kill(sidecar.pid, signal.SIGKILL)
    sidecar.process.wait()
    sidecar.kill_leftovers()


async def wait_for_file(path: Path, timeout: float = 30.0) -> None:
    for _ in range(int(timeout / 0.05)):
        if await asyncio.to_thread(path.exists):
            return
        await asyncio.sleep(0.05)
    raise TimeoutError(f"{path} never appeared")


async def test_calls_recover_across_sidecar_restarts_and_nothing_runs_twice(
    tmp_path: Path,
) -> None:
    port = free_port()
    sidecar = start_sidecar(port=port)
    in_session = tmp_path / "in-session"
    one_off = tmp_path / "one-off"
    try:
        async with stdio_client(sidecar.address, "--connect-timeout-seconds", "90") as client:
            created = await client.call_tool("create_session", {})
            assert created.structured_content is not None
            old_session = created.structured_content["session_id"]
            await client.call_tool("evaluate", {"code": "counter = 0", "session_id": old_session})

            # 1. The sidecar dies while a session's evaluation runs, and comes back.
            endless = f"counter += 1\nopen({str(in_session)!r}, 'a').write('x')\nwhile True: pass"
            running = asyncio.create_task(
                client.call_tool(
                    "evaluate",
                    {"code": endless, "session_id": old_session},
                    read_timeout_seconds=180,
                )
            )
            await wait_for_file(in_session)
            crash(sidecar)
            sidecar = start_sidecar(port=port, wait=False)
            lost = await running
            assert lost.is_error
            assert f"Session {old_session!r} was lost" in text_of(lost)
            assert "restarted" in text_of(lost)
            assert "create_session" in text_of(lost)
            assert in_session.read_text() == "x", "the evaluation ran again"
            sidecar.wait_for_health(1)

            # 2. The sidecar dies between calls; the next call is sent while it restarts.
            crash(sidecar)
            sidecar = start_sidecar(port=port, wait=False)
            once = f"open({str(one_off)!r}, 'a').write('y')\n1 + 1"
            recovered = await client.call_tool("evaluate", {"code": once}, read_timeout_seconds=180)
            assert not recovered.is_error, text_of(recovered)
            assert text_of(recovered) == "2"
            assert one_off.read_text() == "y", "the retried call ran twice"
            sidecar.wait_for_health(1)
            sidecar.remember_descendants()

            # 3. A new session counts from scratch; the old one is reported lost.
            created = await client.call_tool("create_session", {})
            assert created.structured_content is not None
            session = created.structured_content["session_id"]
            for code in ("counter = 0", "counter += 1"):
                await client.call_tool("evaluate", {"code": code, "session_id": session})
            counted = await client.call_tool("evaluate", {"code": "counter", "session_id": session})
            old = await client.call_tool("evaluate", {"code": "counter", "session_id": old_session})
        assert text_of(counted) == "1"
        assert old.is_error
        assert f"Session {old_session!r} was lost" in text_of(old)
    finally:
        stop_and_check(sidecar)
