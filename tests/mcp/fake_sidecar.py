"""A scriptable in-process `sage.v1.SageService`, for the client's fault-handling tests.

It speaks the real contract over a real gRPC server on loopback, but its failures are
chosen by the test: refuse the first calls with UNAVAILABLE, break a stream after `started`,
report NOT_SERVING. Every request it sees is recorded.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import grpc
import grpc.aio
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from sage_services.api.sage.v1 import sage_pb2 as pb
from sage_services.api.sage.v1 import sage_pb2_grpc
from sage_services.errors import session_not_found, to_status

SERVICE = "sage.v1.SageService"


@dataclass
class Script:
    """What the fake does; tests change it between calls."""

    refuse_evaluations: int = 0
    refuse_clones: int = 0
    break_after_started: int = 0
    evaluate_seconds: float = 0.0
    # Before `started`, as an evaluation queued behind another on its session waits.
    queued_seconds: float = 0.0
    known_sessions: set[str] = field(default_factory=lambda: {"s1"})
    # Set: the stream stays open after `finished` until the test sets it.
    end_stream: asyncio.Event | None = None
    # Sent after the printed output, as `show()` sends a plot.
    displays: list[pb.DisplayData] = field(default_factory=list)


@dataclass
class Seen:
    evaluations: list[pb.EvaluateRequest] = field(default_factory=list)
    interrupts: list[pb.InterruptRequest] = field(default_factory=list)
    clones: list[pb.CloneSessionRequest] = field(default_factory=list)
    time_remaining: list[float] = field(default_factory=list)


class FakeSage(sage_pb2_grpc.SageServiceServicer):
    def __init__(self, script: Script, seen: Seen) -> None:
        self.script = script
        self.seen = seen
        self.count = 0

    async def Evaluate(
        self, request: pb.EvaluateRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[pb.EvaluateResponse]:
        self.seen.evaluations.append(request)
        self.seen.time_remaining.append(context.time_remaining() or 0.0)
        if self.script.refuse_evaluations > 0:
            self.script.refuse_evaluations -= 1
            await context.abort(grpc.StatusCode.UNAVAILABLE, "warming up")
        if request.session_id and request.session_id not in self.script.known_sessions:
            await context.abort_with_status(to_status(session_not_found(request.session_id)))
        if self.script.queued_seconds:
            await asyncio.sleep(self.script.queued_seconds)
        self.count += 1
        yield pb.EvaluateResponse(started=pb.EvaluationStarted(execution_count=self.count))
        if self.script.break_after_started > 0:
            self.script.break_after_started -= 1
            await context.abort(grpc.StatusCode.UNAVAILABLE, "Socket closed")
        if self.script.evaluate_seconds:
            await asyncio.sleep(self.script.evaluate_seconds)
        yield pb.EvaluateResponse(stdout=pb.OutputChunk(text="hello\n"))
        for display in self.script.displays:
            yield pb.EvaluateResponse(display=display)
        yield pb.EvaluateResponse(result=pb.ExecutionResult(text_plain="2"))
        yield pb.EvaluateResponse(
            finished=pb.EvaluationFinished(
                status=pb.EVALUATION_STATUS_OK, execution_count=self.count, state_preserved=True
            )
        )
        if self.script.end_stream is not None:
            await self.script.end_stream.wait()

    async def CreateSession(
        self, request: pb.CreateSessionRequest, context: grpc.aio.ServicerContext
    ) -> pb.CreateSessionResponse:
        return pb.CreateSessionResponse(session=pb.Session(session_id="s1"))

    async def CloneSession(
        self, request: pb.CloneSessionRequest, context: grpc.aio.ServicerContext
    ) -> pb.CloneSessionResponse:
        self.seen.clones.append(request)
        if self.script.refuse_clones > 0:
            self.script.refuse_clones -= 1
            await context.abort(grpc.StatusCode.UNAVAILABLE, "its worker did not fork")
        if request.session_id not in self.script.known_sessions:
            await context.abort_with_status(to_status(session_not_found(request.session_id)))
        clone_id = f"{request.session_id}-clone-{len(self.seen.clones)}"
        self.script.known_sessions.add(clone_id)
        return pb.CloneSessionResponse(session=pb.Session(session_id=clone_id))

    async def GetSession(
        self, request: pb.GetSessionRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetSessionResponse:
        if request.session_id not in self.script.known_sessions:
            await context.abort_with_status(to_status(session_not_found(request.session_id)))
        return pb.GetSessionResponse(session=pb.Session(session_id=request.session_id))

    async def ListSessions(
        self, request: pb.ListSessionsRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListSessionsResponse:
        return pb.ListSessionsResponse(
            sessions=[pb.Session(session_id=s) for s in sorted(self.script.known_sessions)]
        )

    async def ListVariables(
        self, request: pb.ListVariablesRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListVariablesResponse:
        if request.session_id not in self.script.known_sessions:
            await context.abort_with_status(to_status(session_not_found(request.session_id)))
        return pb.ListVariablesResponse(
            variables=[pb.Variable(name="a", type="Integer", value="1")]
        )

    async def DeleteSession(
        self, request: pb.DeleteSessionRequest, context: grpc.aio.ServicerContext
    ) -> pb.DeleteSessionResponse:
        self.script.known_sessions.discard(request.session_id)
        return pb.DeleteSessionResponse()

    async def Interrupt(
        self, request: pb.InterruptRequest, context: grpc.aio.ServicerContext
    ) -> pb.InterruptResponse:
        self.seen.interrupts.append(request)
        return pb.InterruptResponse(interrupted=True)


class RequireToken(grpc.aio.ServerInterceptor):  # type: ignore[misc]
    """Like the sidecar: calls other than health checks need `authorization: Bearer <token>`."""

    def __init__(self, token: str) -> None:
        self._expected = f"Bearer {token}"

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler]],
        details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler:
        sent = dict(details.invocation_metadata or ()).get("authorization")
        if details.method.startswith("/grpc.health.v1.") or sent == self._expected:
            return await continuation(details)

        async def refuse(request: Any, context: grpc.aio.ServicerContext) -> None:
            await context.abort(grpc.StatusCode.UNAUTHENTICATED, "send authorization: Bearer")

        handler = await continuation(details)
        if handler.response_streaming:
            return grpc.unary_stream_rpc_method_handler(refuse)
        return grpc.unary_unary_rpc_method_handler(refuse)


class FakeSidecar:
    def __init__(
        self, token: str | None = None, credentials: grpc.ServerCredentials | None = None
    ) -> None:
        self.script = Script()
        self.seen = Seen()
        self.health = health.aio.HealthServicer()
        self._server: grpc.aio.Server | None = None
        self._token = token
        self._credentials = credentials
        self.address = ""

    async def start(self, port: int = 0) -> None:
        server = grpc.aio.server(interceptors=[RequireToken(self._token)] if self._token else None)
        # RPCs the fake does not script answer UNIMPLEMENTED from the generated base class,
        # whose type stubs call them abstract: hence the instantiation through Any.
        servicer_class: type[Any] = FakeSage
        servicer = servicer_class(self.script, self.seen)
        sage_pb2_grpc.add_SageServiceServicer_to_server(servicer, server)
        health_pb2_grpc.add_HealthServicer_to_server(self.health, server)
        if self._credentials is not None:
            bound = server.add_secure_port(f"127.0.0.1:{port}", self._credentials)
        else:
            bound = server.add_insecure_port(f"127.0.0.1:{port}")
        await server.start()
        await self.set_serving(True)
        self._server = server
        self.address = f"127.0.0.1:{bound}"

    async def set_serving(self, serving: bool) -> None:
        status = (
            health_pb2.HealthCheckResponse.SERVING
            if serving
            else health_pb2.HealthCheckResponse.NOT_SERVING
        )
        await self.health.set(SERVICE, status)

    async def stop(self) -> None:
        if self._server is not None:
            await self._server.stop(None)
            self._server = None
