"""gRPC core's experiments, as `sage-sidecar` and `sage-mcp` set them for themselves.

grpcio 1.80 moved Python's TCP clients and listeners onto EventEngine, whose own threads hand
every read and write on to the thread that polls for the asyncio loop. Turning those two
experiments off keeps the endpoints grpcio used before: polled by that thread itself, with
fewer threads woken per message. In A/B runs on 2 cores, `Evaluate("1+1")` answered 4% sooner
to a client on asyncio's loop and 8% sooner to one on uvloop, and `sage-mcp` spent about 100 µs
less system CPU per tool call.

gRPC core reads `GRPC_EXPERIMENTS` once, while `grpc` is imported, so each command sets it
before its first import of anything that imports grpc. A value already in the environment
wins, and both commands set the same one, so a sidecar that `sage-mcp` starts inherits it.
"""

from __future__ import annotations

GRPC_EXPERIMENTS = "-event_engine_client,-event_engine_listener"
# gRPC core's handlers around fork(), off: a process here forks only to exec (`sage-mcp`
# starting its sidecar), and with gRPC's threads running the handlers only log, on stderr,
# that they skip their work, a line of noise in the MCP server's log at every restart.
GRPC_ENABLE_FORK_SUPPORT = "0"
