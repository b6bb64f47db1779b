"""MCP over streamable HTTP: the SDK's app, served by uvicorn, logging as the service logs.

`MCPServer.run_streamable_http_async` lets uvicorn install handlers of its own, which write
plain text among the service's JSON lines. Here uvicorn installs none: its records (start-up,
errors, one line per request) reach the root logger, and stderr stays one JSON object a line.
Counterpart: `stdio`, the other transport.

On SIGTERM, uvicorn stops accepting connections and waits for open ones, a tool call's
among them, at most `GRACEFUL_SHUTDOWN_SECONDS`; then it cancels them, and a cancelled
`evaluate` interrupts its code in the sidecar. An evaluation may run for an hour, and a
shutdown must not.
"""

from __future__ import annotations

from typing import Any

import uvicorn
from mcp.server.mcpserver import MCPServer

GRACEFUL_SHUTDOWN_SECONDS = 5


async def serve_http(server: MCPServer[Any], *, host: str, port: int) -> None:
    """What `MCPServer.run_streamable_http_async` does, with uvicorn's logs in JSON."""
    config = uvicorn.Config(
        server.streamable_http_app(host=host),
        host=host,
        port=port,
        log_config=None,
        log_level=server.settings.log_level.lower(),
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
    )
    await uvicorn.Server(config).serve()
