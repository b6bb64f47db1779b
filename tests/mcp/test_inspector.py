"""A client nobody here wrote: the MCP Inspector's CLI mode lists and calls the tools.

It comes from the npm registry (0.15, the last release that runs on Node 20) and is cached
between runs. Without Node.js and npm the test is skipped, and says so.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import SidecarProcess
from tests.mcp.conftest import SAGE_MCP, TOOLS

INSPECTOR = "@modelcontextprotocol/inspector@0.15"


@pytest.fixture(scope="module")
def inspector() -> Path:
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip("Node.js and npm are not installed, so the MCP Inspector CLI test cannot run")
    cache_home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    prefix = cache_home / "sage-runtime" / "mcp-inspector-0.15"
    binary = prefix / "node_modules" / ".bin" / "mcp-inspector"
    if not binary.exists():
        prefix.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [npm, "install", "--prefix", str(prefix), "--no-audit", "--no-fund", INSPECTOR],
            check=True,
            capture_output=True,
            timeout=600,
        )
    return binary


def run_inspector(inspector: Path, sidecar: SidecarProcess, *args: str) -> Any:
    completed = subprocess.run(
        [str(inspector), "--cli", str(SAGE_MCP), "--sidecar", sidecar.address, *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(completed.stdout)


def test_inspector_cli_lists_the_tools(inspector: Path, sidecar: SidecarProcess) -> None:
    listed = run_inspector(inspector, sidecar, "--method", "tools/list")
    names = {tool["name"] for tool in listed["tools"]}
    assert names == TOOLS
    evaluate = next(tool for tool in listed["tools"] if tool["name"] == "evaluate")
    assert "outputSchema" in evaluate


def test_inspector_cli_calls_evaluate(inspector: Path, sidecar: SidecarProcess) -> None:
    called = run_inspector(
        inspector,
        sidecar,
        *("--method", "tools/call", "--tool-name", "evaluate", "--tool-arg", "code=2^10"),
    )
    # The inspector exits 0 even when a tool fails, so the result says.
    assert called["isError"] is False
    assert called["content"] == [{"type": "text", "text": "1024"}]
    assert called["structuredContent"]["status"] == "ok"

    failed = run_inspector(
        inspector,
        sidecar,
        *("--method", "tools/call", "--tool-name", "evaluate", "--tool-arg", "code=1/0"),
    )
    assert failed["isError"] is True
    assert "ZeroDivisionError" in failed["content"][0]["text"]
