"""`sage-mcp`: the MCP server, over stdio (default) or streamable HTTP."""

from __future__ import annotations

import functools
import logging
import os
import signal
import sys
from collections.abc import Awaitable, Callable
from types import FrameType

from sage_services.grpc_core import GRPC_ENABLE_FORK_SUPPORT, GRPC_EXPERIMENTS

# Before anything imports grpc, which reads them then.
os.environ.setdefault("GRPC_EXPERIMENTS", GRPC_EXPERIMENTS)
os.environ.setdefault("GRPC_ENABLE_FORK_SUPPORT", GRPC_ENABLE_FORK_SUPPORT)

import anyio
from sage_services import telemetry
from sage_services.settings import from_command_line

from sage_mcp.auth import AuthConfigError
from sage_mcp.settings import McpSettings
from sage_mcp.sidecar_process import SidecarProcess, SidecarStartError, free_local_address
from sage_mcp.stdio import serve_stdio
from sage_mcp.streamable_http import serve_http
from sage_mcp.tools import SageMcp

log = logging.getLogger("sage_mcp")


def main(argv: list[str] | None = None) -> int:
    settings = from_command_line(McpSettings, argv)
    observability = telemetry.setup("sage-mcp", log_level=settings.log_level)
    sidecar = None
    if settings.spawn_sidecar:
        # Private unless told otherwise: several agent hosts may each spawn one, and the
        # sidecar locks its state directory.
        shared_state = bool(os.environ.get("SAGE_SIDECAR_STATE_DIR"))
        sidecar = SidecarProcess(free_local_address(), private_state=not shared_state)
    try:
        return serve(settings, sidecar)
    finally:
        observability.shutdown()


def serve(settings: McpSettings, sidecar: SidecarProcess | None, *, announce: bool = False) -> int:
    """Runs the MCP server until its transport closes or a signal arrives.

    With `sidecar`, starts it first, restarts it if it dies, and stops it last, whatever
    ends the server.
    """
    _exit_on_sigterm()
    try:
        address = settings.sidecar
        if sidecar is not None:
            sidecar.start()
            log.info("starting sage-sidecar on %s (pid %s)", sidecar.address, sidecar.pid)
            sidecar.wait_serving(settings.sidecar_start_timeout_seconds)
            # Ours to keep alive: if it dies, it is started again with its sessions' state.
            sidecar.supervise()
            address = sidecar.address
        app = SageMcp(settings, address, spawned_sidecar=sidecar is not None)
        if announce:
            where = "started here" if sidecar is not None else "already running"
            print(f"Sage sidecar (gRPC):  {address}  ({where})", flush=True)
            print(f"MCP server (HTTP):    http://{settings.host}:{settings.port}/mcp", flush=True)
            print("Ctrl-C stops both." if sidecar is not None else "Ctrl-C stops it.", flush=True)
        if settings.transport == "stdio":
            run_on_uvloop(functools.partial(serve_stdio, app.server))
        else:
            run_on_uvloop(
                functools.partial(serve_http, app.server, host=settings.host, port=settings.port)
            )
    except SidecarStartError as exc:
        print(f"sage-mcp: {exc}", file=sys.stderr)
        return 1
    except AuthConfigError as exc:
        print(f"sage-mcp: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        pass
    finally:
        if sidecar is not None:
            _hurry_on_signals(sidecar)
            log.info("stopping sage-sidecar (pid %s)", sidecar.pid)
            sidecar.stop()
    return 0


def run_on_uvloop(server: Callable[[], Awaitable[None]]) -> None:
    """Run a server coroutine the way `sage-mcp` runs its own (the bench's MCP floor too)."""
    # libuv's loop: every tool call crosses it several times (the MCP transport, the gRPC
    # call's messages), and its per-wakeup cost is a fraction of the pure-Python loop's.
    anyio.run(server, backend="asyncio", backend_options={"use_uvloop": True})


def _exit_on_sigterm() -> None:
    # SIGTERM unwinds like Ctrl-C, so `finally` stops the sidecar. (uvicorn takes the signal
    # while it serves, shuts down gracefully, then raises it again, landing here.)
    def handler(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, handler)


def _hurry_on_signals(sidecar: SidecarProcess) -> None:
    """While the sidecar drains, another SIGTERM or Ctrl-C kills it rather than breaking off
    the stop, whose clean-up (the private state directory) then still runs. An MCP client
    sends SIGTERM two seconds after closing stdin, and SIGKILL two seconds later."""

    def hurry(signum: int, frame: FrameType | None) -> None:
        log.warning("%s while sage-sidecar drains: killing it", signal.Signals(signum).name)
        sidecar.kill()

    signal.signal(signal.SIGTERM, hurry)
    signal.signal(signal.SIGINT, hurry)


if __name__ == "__main__":
    sys.exit(main())
