"""MCP over streamable HTTP: the SDK's app, served by uvicorn, logging as the service logs.

`MCPServer.run_streamable_http_async` lets uvicorn install handlers of its own, which write
plain text among the service's JSON lines. Here uvicorn installs none: its records (start-up,
errors, one line per request) reach the root logger, and stderr stays one JSON object a line.
Counterpart: `stdio`, the other transport.
"""

from __future__ import annotations

from typing import Any

import uvicorn
from mcp.server.mcpserver import MCPServer


async def serve_http(server: MCPServer[Any], *, host: str, port: int) -> None:
    """What `MCPServer.run_streamable_http_async` does, with uvicorn's logs in JSON."""
    config = uvicorn.Config(
        server.streamable_http_app(host=host),
        host=host,
        port=port,
        log_config=None,
        log_level=server.settings.log_level.lower(),
    )
    await uvicorn.Server(config).serve()
