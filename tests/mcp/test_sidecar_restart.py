"""The MCP server while its sidecar is killed and restarted: calls recover, nothing runs twice.

The sidecar keeps sessions on disk, so a restart with the same state directory brings them
back; a cell cut off by the crash is rolled back and, when the MCP server sends the same
request again, runs once more on the restored session. A restart without the state loses the
sessions, and the agent must be told so plainly.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import tempfile
from pathlib import Path

from mcp.types import TextContent

from tests.helpers import SERVING, SidecarProcess, free_port, start_sidecar, stop_and_check
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


async def wait_for_file(directory: Path, prefix: str, timeout: float = 30.0) -> None:
    for _ in range(int(timeout / 0.05)):
        if await asyncio.to_thread(_marks, directory, prefix):
            return
        await asyncio.sleep(0.05)
    raise TimeoutError(f"no {prefix}* appeared in {directory}")


def _marks(directory: Path, prefix: str) -> list[str]:
    return [name for name in os.listdir(directory) if name.startswith(prefix)]


async def test_calls_recover_across_sidecar_restarts_and_nothing_runs_twice(
    tmp_path: Path,
) -> None:
    port = free_port()
    state = ("--state-dir", str(tmp_path / "state"))
    sidecar = start_sidecar(*state, port=port)
    # Where Sage code leaves a mark each time it runs, one file per worker: a directory any
    # uid may write (pytest's is its user's alone; a root sidecar's workers each have a uid).
    marks = Path(tempfile.mkdtemp(prefix="sage-marks-"))
    os.chmod(marks, 0o1777)
    mark = "import os\nopen(os.path.join({marks!r}, '{prefix}%d' % os.getpid()), 'w')\n"
    try:
        async with stdio_client(sidecar.address, "--connect-timeout-seconds", "90") as client:
            created = await client.call_tool("create_session", {})
            assert created.structured_content is not None
            session = created.structured_content["session_id"]
            await client.call_tool("evaluate", {"code": "counter = 0", "session_id": session})

            # 1. The sidecar dies while a session's evaluation runs, and comes back with its
            # state. The tool call rides it out: the same request runs on the restored session.
            started = mark.format(marks=str(marks), prefix="cell-started-")
            cell = f"counter += 1\n{started}sleep(2)\ncounter"
            running = asyncio.create_task(
                client.call_tool(
                    "evaluate", {"code": cell, "session_id": session}, read_timeout_seconds=180
                )
            )
            await wait_for_file(marks, "cell-started-")
            crash(sidecar)
            sidecar = start_sidecar(*state, port=port, wait=False)
            resumed = await running
            assert not resumed.is_error, text_of(resumed)
            assert text_of(resumed) == "1"
            counted = await client.call_tool("evaluate", {"code": "counter", "session_id": session})
            assert text_of(counted) == "1", "the increment ran twice"
            sidecar.wait_for_health(SERVING)

            # 2. The sidecar dies between calls; the next call is sent while it restarts.
            crash(sidecar)
            sidecar = start_sidecar(*state, port=port, wait=False)
            once = mark.format(marks=str(marks), prefix="one-off-ran-") + "1 + 1"
            recovered = await client.call_tool("evaluate", {"code": once}, read_timeout_seconds=180)
            assert not recovered.is_error, text_of(recovered)
            assert text_of(recovered) == "2"
            assert len(_marks(marks, "one-off-ran-")) == 1, "the retried call ran twice"
            counted = await client.call_tool("evaluate", {"code": "counter", "session_id": session})
            assert text_of(counted) == "1"
            sidecar.wait_for_health(SERVING)

            # 3. A restart that loses the state: the agent is told to start over.
            crash(sidecar)
            sidecar = start_sidecar(port=port, wait=False)
            lost = await client.call_tool(
                "evaluate", {"code": "counter", "session_id": session}, read_timeout_seconds=180
            )
            sidecar.wait_for_health(SERVING)
            sidecar.remember_descendants()
        assert lost.is_error
        assert f"Session {session!r}" in text_of(lost)
        assert "lost" in text_of(lost)
        assert "create_session" in text_of(lost)
    finally:
        stop_and_check(sidecar)
        shutil.rmtree(marks, ignore_errors=True)
