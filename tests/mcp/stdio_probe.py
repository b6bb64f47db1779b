"""An MCP server on `sage_mcp.stdio`, with a tool that prints to stdout as careless code would.

Run: `python -m tests.mcp.stdio_probe [MAX_LINE_BYTES]` (stdio). Counterpart: `test_stdio`.
"""

from __future__ import annotations

import os
import sys

import anyio
from mcp.server.mcpserver import MCPServer
from sage_mcp.stdio import MAX_LINE_BYTES, serve_stdio

server: MCPServer[None] = MCPServer("stdio-probe", log_level="WARNING")


@server.tool()
def shout(text: str) -> str:
    """Print `text` to stdout twice, from Python and from the file descriptor, and return it."""
    print(f"print: {text}", flush=True)
    os.write(1, f"fd 1: {text}\n".encode())
    return text


def main() -> None:
    limit = int(sys.argv[1]) if len(sys.argv) > 1 else MAX_LINE_BYTES
    anyio.run(lambda: serve_stdio(server, max_line_bytes=limit))


if __name__ == "__main__":
    main()
