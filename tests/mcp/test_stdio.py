"""`sage_mcp.stdio`: MCP over stdio served by the event loop, and the SDK's transport otherwise.

The server under test is `stdio_probe`, whose tool prints to stdout: whatever serves the
protocol, stray output must land on stderr, never in the JSON-RPC stream.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from tests.helpers import exit_status

ROOT = Path(__file__).resolve().parents[2]
LINE_LIMIT = 4096


def _request(request_id: int, method: str, params: dict[str, Any]) -> bytes:
    message = {"jsonrpc": "2.0", "id": request_id, "method": method, "params": params}
    return json.dumps(message).encode() + b"\n"


HANDSHAKE = (
    _request(
        1,
        "initialize",
        {
            "protocolVersion": "2025-06-18",
            "capabilities": {},
            "clientInfo": {"name": "test_stdio", "version": "1"},
        },
    )
    + json.dumps({"jsonrpc": "2.0", "method": "notifications/initialized"}).encode()
    + b"\n"
)


def _shout(request_id: int, text: str) -> bytes:
    return _request(request_id, "tools/call", {"name": "shout", "arguments": {"text": text}})


@contextlib.contextmanager
def _probe(stdin: int | IO[bytes]) -> Iterator[subprocess.Popen[bytes]]:
    """The probe server on `stdin`; killed on the way out if a test left it running."""
    server = subprocess.Popen(
        [sys.executable, "-m", "tests.mcp.stdio_probe", str(LINE_LIMIT)],
        stdin=stdin,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )
    try:
        yield server
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
        for stream in (server.stdin, server.stdout, server.stderr):
            if stream is not None:
                stream.close()


def _shouted(server: subprocess.Popen[bytes], request_id: int) -> str:
    """The text of the `shout` answer to `request_id`, which must be the next line of stdout;
    the `initialize` answer is read past when it comes first."""
    assert server.stdout is not None
    while True:
        line = server.stdout.readline()
        assert line, "the server closed stdout without answering"
        message: dict[str, Any] = json.loads(line)
        if message.get("id") == 1 and request_id != 1:
            continue
        assert message.get("id") == request_id, message
        return str(message["result"]["structuredContent"]["result"])


def _stderr_after_exit(server: subprocess.Popen[bytes]) -> str:
    assert exit_status(server, 30) == 0
    assert server.stderr is not None
    return server.stderr.read().decode()


def test_pipes_are_served_and_stray_stdout_goes_to_stderr() -> None:
    with _probe(subprocess.PIPE) as server:
        assert server.stdin is not None
        server.stdin.write(HANDSHAKE + _shout(2, "hello"))
        server.stdin.flush()
        assert _shouted(server, 2) == "hello"
        server.stdin.close()
        stderr = _stderr_after_exit(server)
    assert "print: hello" in stderr
    assert "fd 1: hello" in stderr


def test_a_line_over_the_limit_is_dropped_and_the_server_keeps_serving() -> None:
    with _probe(subprocess.PIPE) as server:
        assert server.stdin is not None
        server.stdin.write(HANDSHAKE + _shout(2, "x" * (3 * LINE_LIMIT)) + _shout(3, "after"))
        server.stdin.flush()
        # The oversized call gets no answer (its id cannot be read); the next one does.
        assert _shouted(server, 3) == "after"
        server.stdin.close()
        stderr = _stderr_after_exit(server)
    assert f"longer than {LINE_LIMIT} bytes" in stderr


def test_a_terminal_on_stdin_is_served_by_the_sdks_transport_and_stays_blocking() -> None:
    """Only pipes and sockets are served by the loop, which would make a terminal non-blocking
    for the shell it belongs to as well."""
    controller, terminal = os.openpty()
    try:
        with _probe(terminal) as server:
            os.write(controller, HANDSHAKE + _shout(2, "from a terminal"))
            assert _shouted(server, 2) == "from a terminal"
            os.write(controller, b"\x04")  # end of file, typed at the start of a line
            _stderr_after_exit(server)
        assert not fcntl.fcntl(terminal, fcntl.F_GETFL) & os.O_NONBLOCK
    finally:
        os.close(controller)
        os.close(terminal)
