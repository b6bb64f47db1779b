"""The MCP server's configuration, from flags and `SAGE_MCP_*` environment variables."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings
from sage_services.settings import command_config


class McpSettings(BaseSettings):
    model_config = command_config("SAGE_MCP_", "sage-mcp")

    sidecar: str = Field(
        "127.0.0.1:50051",
        description="Address of the Sage gRPC sidecar, `host:port` or `unix:/path`.",
    )
    spawn_sidecar: bool = Field(
        False,
        description="Start a private `sage-sidecar` child on a free local port and use it, so "
        "one MCP config entry is enough. It is restarted if it dies, stops when the MCP server "
        "stops, and keeps its sessions in a temporary directory unless `SAGE_SIDECAR_STATE_DIR` "
        "is set.",
    )
    sidecar_token_file: Path | None = Field(
        None,
        description="File holding the bearer token the sidecar wants "
        "(sent as `authorization: Bearer <token>`).",
    )
    sidecar_token: SecretStr | None = Field(
        None, description="The sidecar's bearer token itself, when not read from a file."
    )
    sidecar_tls_ca_file: Path | None = Field(
        None, description="CA (PEM) to check the sidecar's certificate against: turns on TLS."
    )
    sidecar_tls_cert_file: Path | None = Field(
        None, description="Client certificate (PEM) for a sidecar that wants mTLS."
    )
    sidecar_tls_key_file: Path | None = Field(
        None, description="Private key (PEM) of the client certificate."
    )
    sidecar_tls_server_name: str = Field(
        "", description="Name to check the sidecar's certificate against, if not its host."
    )
    sidecar_start_timeout_seconds: float = Field(
        180.0, gt=0, description="How long a spawned sidecar may take to report SERVING."
    )
    transport: Literal["stdio", "streamable-http"] = Field(
        "stdio", description="MCP transport: `stdio` for agent hosts, or `streamable-http`."
    )
    host: str = Field("127.0.0.1", description="Host to serve streamable HTTP on.")
    port: int = Field(8000, ge=0, le=65535, description="Port to serve streamable HTTP on.")
    default_timeout_seconds: float = Field(
        60.0, gt=0, description="Timeout of an `evaluate` call that sets none."
    )
    max_timeout_seconds: float = Field(
        3600.0, gt=0, description="Largest `timeout_seconds` an agent may ask for."
    )
    deadline_margin_seconds: float = Field(
        10.0,
        gt=0,
        description="Added to an evaluation's timeout to make its gRPC deadline, so the "
        "sidecar's own timeout (which keeps the session's variables) fires first.",
    )
    rpc_timeout_seconds: float = Field(
        10.0,
        gt=0,
        description="Deadline of session calls (create, clone, list, delete, interrupt).",
    )
    connect_timeout_seconds: float = Field(
        5.0,
        gt=0,
        description="How long a call waits for the sidecar to accept connections, or to report "
        "SERVING after a failure, before it fails with 'Sage runtime unavailable'.",
    )
    retry_max_attempts: int = Field(
        5, ge=2, le=5, description="Attempts per call when the sidecar answers UNAVAILABLE."
    )
    breaker_failure_threshold: int = Field(
        2,
        ge=1,
        description="Consecutive 'unavailable' failures after which calls fail at once, "
        "without contacting the sidecar, until a health check says SERVING.",
    )
    breaker_cooldown_seconds: float = Field(
        2.0,
        gt=0,
        description="How long the breaker stays open before one call may probe the sidecar's "
        "health again.",
    )
    max_output_chars: int = Field(
        12_000,
        ge=200,
        description="Most text one evaluation returns to the agent inline, all of it together "
        "(output, result, LaTeX, error and traceback); what does not fit is cut to a head and "
        "a tail, and the whole is readable as an MCP resource.",
    )
    max_image_bytes: int = Field(
        512 * 1024,
        ge=1024,
        description="Largest image returned inline; a larger PNG is scaled down, and the "
        "original is readable as an MCP resource.",
    )
    stored_outputs: int = Field(
        64, ge=1, description="How many full outputs and images are kept for resource reads."
    )
    progress_interval_seconds: float = Field(
        2.0,
        gt=0,
        description="How often a running evaluation sends an MCP progress notification (when "
        "the client asked for progress).",
    )
    log_level: str = Field("INFO", description="Python logging level (logs go to stderr).")
