"""The bare-MCP floor: an `MCPServer` whose `evaluate` tool answers at once, over stdio.

No Sage and no gRPC behind it, so a call costs only the MCP SDK's framing and the stdio
pipes. Counterpart: `systems.McpSystem`, the client that drives it and `sage-mcp` alike.

Run: `python -m bench.mcp_floor_server [--like-sage-mcp]` (stdio). By default it is served
as `MCPServer.run()` serves it; `--like-sage-mcp` serves it the way `sage-mcp` serves its
tools (stdio read and written by the event loop, on uvloop), for a comparison on the same
footing.
"""

from __future__ import annotations

import functools
import sys

from mcp.server.mcpserver import MCPServer
from sage_mcp.main import run_on_uvloop
from sage_mcp.stdio import serve_stdio

server: MCPServer[None] = MCPServer("bench-floor", log_level="WARNING")


@server.tool()
def evaluate(code: str, session_id: str | None = None) -> str:
    """Return a canned result without evaluating anything."""
    return "2"


@server.tool()
def create_session() -> dict[str, str]:
    """Return a canned session."""
    return {"session_id": "floor"}


def main() -> None:
    if "--like-sage-mcp" in sys.argv[1:]:
        run_on_uvloop(functools.partial(serve_stdio, server))
    else:
        server.run()


if __name__ == "__main__":
    main()
