"""The bare-gRPC floor: `sage.v1.SageService` answered with canned messages and no Sage.

`Evaluate` streams three canned events (`started`, `result`, `finished`) and returns, so the
time a client sees is gRPC's own cost over loopback, which no Evaluate can beat. It serves
standard health too, so the bench starts it, waits for it and stops it exactly as it does
the sidecar. Counterpart: `systems.GrpcSystem`, the client that drives both.

Run: `python -m bench.floor_server --listen 127.0.0.1:PORT [--loop uvloop]`. By default it runs
on asyncio's own event loop, as a trivial `grpc.aio` servicer does; `--loop uvloop` runs it on
the loop the sidecar uses. For a comparison on the same footing the bench also gives that one
the sidecar's `GRPC_EXPERIMENTS`, through the environment: gRPC reads it when imported.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import uuid
from collections.abc import AsyncIterator

import grpc
import uvloop
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from sage_services.api.sage.v1 import sage_pb2 as pb
from sage_services.api.sage.v1 import sage_pb2_grpc

_STARTED = pb.EvaluateResponse(started=pb.EvaluationStarted(execution_count=1))
_RESULT = pb.EvaluateResponse(result=pb.ExecutionResult(text_plain="2", text_latex="2"))
_FINISHED = pb.EvaluateResponse(
    finished=pb.EvaluationFinished(
        status=pb.EVALUATION_STATUS_OK, execution_count=1, state_preserved=True
    )
)


def _session(session_id: str = "") -> pb.Session:
    return pb.Session(
        session_id=session_id or uuid.uuid4().hex,
        state=pb.SESSION_STATE_ACTIVE,
        worker_pid=os.getpid(),
    )


class FloorServicer(sage_pb2_grpc.SageServiceServicer):
    async def CreateSession(
        self, request: pb.CreateSessionRequest, context: grpc.aio.ServicerContext
    ) -> pb.CreateSessionResponse:
        return pb.CreateSessionResponse(session=_session())

    async def GetSession(
        self, request: pb.GetSessionRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetSessionResponse:
        return pb.GetSessionResponse(session=_session(request.session_id))

    async def ListSessions(
        self, request: pb.ListSessionsRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListSessionsResponse:
        return pb.ListSessionsResponse()

    async def CloneSession(
        self, request: pb.CloneSessionRequest, context: grpc.aio.ServicerContext
    ) -> pb.CloneSessionResponse:
        return pb.CloneSessionResponse(session=_session())

    async def ListVariables(
        self, request: pb.ListVariablesRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListVariablesResponse:
        return pb.ListVariablesResponse()

    async def Interrupt(
        self, request: pb.InterruptRequest, context: grpc.aio.ServicerContext
    ) -> pb.InterruptResponse:
        return pb.InterruptResponse(interrupted=False)

    async def DeleteSession(
        self, request: pb.DeleteSessionRequest, context: grpc.aio.ServicerContext
    ) -> pb.DeleteSessionResponse:
        return pb.DeleteSessionResponse()

    async def Evaluate(
        self, request: pb.EvaluateRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[pb.EvaluateResponse]:
        # An async generator, as the sidecar's servicer is.
        yield _STARTED
        yield _RESULT
        yield _FINISHED


async def serve(listen: str, servicer: sage_pb2_grpc.SageServiceServicer | None = None) -> None:
    """Serve `servicer` (this floor's by default) and health until SIGTERM or SIGINT."""
    server = grpc.aio.server(options=[("grpc.so_reuseport", 0)])
    sage_pb2_grpc.add_SageServiceServicer_to_server(servicer or FloorServicer(), server)
    health_servicer = health.aio.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    server.add_insecure_port(listen)
    await server.start()
    await health_servicer.set("", health_pb2.HealthCheckResponse.SERVING)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await stop.wait()
    await health_servicer.enter_graceful_shutdown()
    await server.stop(1.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listen", required=True, help="host:port to serve on")
    parser.add_argument("--loop", choices=["asyncio", "uvloop"], default="asyncio")
    args = parser.parse_args()
    run = uvloop.run if args.loop == "uvloop" else asyncio.run
    with contextlib.suppress(KeyboardInterrupt):
        run(serve(args.listen))


if __name__ == "__main__":
    main()
