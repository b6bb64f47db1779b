"""`sage-runtime`: the Sage sidecar and the MCP server together, for a local start.

Uses the sidecar at `--sidecar` when one is already SERVING there; otherwise starts one on
that address as a child process. Then serves MCP over streamable HTTP (default
http://127.0.0.1:8000/mcp). Ctrl-C or SIGTERM stops both.
"""

from __future__ import annotations

import sys
from typing import Literal

from pydantic import Field
from sage_services import telemetry
from sage_services.settings import command_config, from_command_line

from sage_mcp.main import serve
from sage_mcp.settings import McpSettings
from sage_mcp.sidecar_process import SidecarProcess, is_serving


class RuntimeSettings(McpSettings):
    model_config = command_config("SAGE_MCP_", "sage-runtime")

    transport: Literal["stdio", "streamable-http"] = Field(
        "streamable-http", description="MCP transport: `streamable-http`, or `stdio`."
    )


def main(argv: list[str] | None = None) -> int:
    settings = from_command_line(RuntimeSettings, argv)
    observability = telemetry.setup("sage-mcp", log_level=settings.log_level)
    sidecar = None
    if settings.spawn_sidecar or not is_serving(settings.sidecar):
        sidecar = SidecarProcess(settings.sidecar)
    try:
        return serve(settings, sidecar, announce=settings.transport != "stdio")
    finally:
        observability.shutdown()


if __name__ == "__main__":
    sys.exit(main())
