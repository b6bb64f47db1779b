"""The bare-MCP floor: an `MCPServer` whose `evaluate` tool answers at once, over stdio.

No Sage and no gRPC behind it, so a call costs only the MCP SDK's framing and the stdio
pipes. Counterpart: `systems.McpSystem`, the client that drives it and `sage-mcp` alike.

Run: `python -m bench.mcp_floor_server` (stdio).
"""

from __future__ import annotations

from mcp.server.mcpserver import MCPServer

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
    server.run()


if __name__ == "__main__":
    main()
