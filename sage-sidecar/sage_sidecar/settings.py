"""The sidecar's configuration, from flags and `SAGE_SIDECAR_*` environment variables."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import ByteSize, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings
from sage_services.settings import command_config


def _default_state_dir() -> Path:
    base = os.environ.get("XDG_STATE_HOME") or os.path.join(
        os.path.expanduser("~"), ".local", "state"
    )
    return Path(base) / "sage-sidecar"


MiB = 1 << 20
# What the transport accepts beyond `max_code_bytes`: the rest of the request and its metadata.
# A request past that is refused by gRPC before the server reads it.
REQUEST_HEADROOM_BYTES = 64 * 1024
GiB = 1 << 30


class SidecarSettings(BaseSettings):
    model_config = command_config("SAGE_SIDECAR_", "sage-sidecar")

    listen: str = Field(
        "127.0.0.1:50051",
        description="Address to serve gRPC on, `host:port` or `unix:/path`.",
    )
    state_dir: Path = Field(
        default_factory=_default_state_dir,
        description="Where sessions' journals and snapshots live (a volume in containers). "
        "Default: `$XDG_STATE_HOME/sage-sidecar`, else `~/.local/state/sage-sidecar`.",
    )
    journal_fsync: bool = Field(
        False,
        description="fsync each journal entry before `finished` is sent. Without it an entry "
        "survives a crash of the sidecar, but not of the machine.",
    )
    restore_sessions: Literal["lazy", "eager"] = Field(
        "lazy",
        description="After a restart, restore sessions on first use (`lazy`) or at start-up.",
    )
    idle_ttl_seconds: float = Field(
        1800.0,
        ge=0,
        description="Hibernate a session idle this long: its worker exits, its state stays on "
        "disk, and the next call restores it. 0 never hibernates.",
    )
    max_resident_workers: int = Field(
        32,
        ge=1,
        description="Most sessions with a live worker; past it the least recently used idle "
        "session hibernates.",
    )
    detach_grace_seconds: float = Field(
        10.0,
        ge=0,
        description="When the stream of an evaluation with a request id breaks, how long it runs "
        "on, waiting for a retry with that id to attach, before it is interrupted.",
    )
    warm_workers: int = Field(
        2, ge=0, le=64, description="Idle Sage workers kept ready so a new session costs no fork."
    )
    max_sessions: int = Field(
        64, ge=1, description="Most sessions at once, one-off evaluations included."
    )
    max_queued_evaluations: int = Field(
        16, ge=1, description="Most evaluations waiting behind the running one on a session."
    )
    max_code_bytes: ByteSize = Field(
        ByteSize(1 * MiB),
        gt=0,
        description="Largest `code` accepted by Evaluate; larger is INVALID_ARGUMENT. A request "
        f"more than {REQUEST_HEADROOM_BYTES // 1024} KiB over it is refused unread by gRPC "
        'itself: RESOURCE_EXHAUSTED, "Received message larger than max".',
    )
    max_output_bytes: ByteSize = Field(
        ByteSize(1 * MiB),
        gt=0,
        description="Text output (stdout, stderr, result) kept per evaluation; the rest is cut.",
    )
    max_display_bytes: ByteSize = Field(
        ByteSize(3 * MiB),
        gt=0,
        le=ByteSize(3 * MiB + 512 * 1024),
        description="Rich output (images, HTML) kept per evaluation. At most 3.5MiB: one "
        "display is one message, and gRPC clients read up to 4 MiB by default.",
    )
    default_timeout_seconds: float = Field(
        300.0, gt=0, description="Timeout of an evaluation whose request sets none."
    )
    max_timeout_seconds: float = Field(
        3600.0, gt=0, description="Longest timeout a request may ask for."
    )
    interrupt_grace_seconds: float = Field(
        2.0,
        gt=0,
        description="How long an interrupted evaluation may take to stop before its worker "
        "is killed; the session is then restored, as before that evaluation, in a fresh worker.",
    )
    snapshot_timeout_seconds: float = Field(
        5.0,
        gt=0,
        description="Longest a session's snapshot may take. Past it the snapshot is "
        "interrupted and given up (the journal still has every cell), and the variable it was "
        "pickling is left out of later snapshots. A snapshot that takes ten times this to load "
        "is set aside for an older one, or for the journal alone.",
    )
    worker_memory_bytes: ByteSize = Field(
        ByteSize(4 * GiB),
        ge=0,
        description="Address space a worker may add to its warm baseline; 0 for no limit. "
        "Going over ends the evaluation with a MemoryError.",
    )
    worker_max_processes: int = Field(
        256,
        ge=0,
        description="RLIMIT_NPROC for each worker; 0 for no limit. Applied only when the sidecar "
        "starts as root (each worker then runs as a uid of its own); otherwise the limit would "
        "count the sidecar's own threads, so the container's pids limit must do.",
    )
    worker_max_file_bytes: ByteSize = Field(
        ByteSize(1 * GiB), ge=0, description="Largest file a worker may write; 0 for no limit."
    )
    worker_max_open_files: int = Field(
        1024, ge=0, description="Open file descriptors per worker; 0 for no limit."
    )
    worker_nice: int = Field(
        10,
        ge=0,
        le=19,
        description="How far below the server's CPU priority workers run (a nice increment). "
        "The server then still answers calls, health checks and interrupts promptly when Sage "
        "computations keep every core busy; 0 runs workers as the server's equals.",
    )
    worker_scratch_bytes: ByteSize = Field(
        ByteSize(256 * MiB),
        gt=0,
        description="Size of each worker's private scratch tmpfs (its cwd and TMPDIR).",
    )
    worker_scratch_dir: Path | None = Field(
        None,
        description="Where workers' scratch directories go, in a `sage-workers-<uid>` "
        "directory (default: the temporary directory). Where namespaces are refused, Sage code "
        "cannot create files directly in the directories on the way to it: keep it out of /tmp.",
    )
    worker_network: bool = Field(
        False,
        description="Let Sage code use the network, and connect to Unix sockets too (those of "
        "the sidecar's user among them). By default workers may open no socket but Unix and "
        "netlink ones and connect to none, and each has a network namespace of its own where "
        "the platform allows.",
    )
    worker_read_dirs: tuple[Path, ...] = Field(
        (),
        description="Directories of the sidecar's user that Sage code may read (not write), "
        "such as a folder of data; the flag may be repeated, and the variable is a JSON list. "
        "Started as a user other than root, workers share that user's uid, and its home and "
        "runtime directory are unreadable to them, but for the Python and Sage installation "
        "in them.",
    )
    shutdown_grace_seconds: float = Field(
        10.0,
        ge=0,
        description="On SIGTERM, how long running evaluations may finish before they are "
        "interrupted.",
    )
    auth_token_file: Path | None = Field(
        None,
        description="File holding the bearer token callers must send "
        "(`authorization: Bearer <token>`). Health checks need none.",
    )
    auth_token: SecretStr | None = Field(
        None, description="The bearer token itself, when not read from a file."
    )
    tls_cert_file: Path | None = Field(None, description="Server certificate (PEM) for TLS.")
    tls_key_file: Path | None = Field(None, description="Server private key (PEM) for TLS.")
    tls_client_ca_file: Path | None = Field(
        None, description="CA (PEM) that client certificates must chain to: turns on mTLS."
    )
    allow_unauthenticated_remote: bool = Field(
        False,
        description="Listen beyond loopback without a token or mTLS. Refused by default: "
        "anyone who can reach the port could run code.",
    )
    trace_code: bool = Field(
        False,
        description="Put the evaluated code itself in span attributes (by default only its "
        "length and SHA-256).",
    )
    log_level: str = Field("INFO", description="Python logging level.")

    @field_validator("worker_read_dirs")
    @classmethod
    def _existing_directories(cls, paths: tuple[Path, ...]) -> tuple[Path, ...]:
        for path in paths:
            if not path.is_dir():
                raise ValueError(f"{path} is not a directory that exists")
        return paths
