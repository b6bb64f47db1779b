"""`sage.v1.SageService` over gRPC: translates between protobuf and the session manager.

Domain faults become gRPC statuses here and nowhere else; everything else lives in
`sessions`.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import aclosing
from typing import TypeVar

import grpc
from google.protobuf.duration_pb2 import Duration
from google.protobuf.timestamp_pb2 import Timestamp
from opentelemetry import trace
from opentelemetry.trace import StatusCode
from sage_services import errors
from sage_services.api.sage.v1 import sage_pb2 as pb
from sage_services.api.sage.v1 import sage_pb2_grpc
from sage_services.errors import RuntimeFault

from sage_sidecar.messages import (
    Display,
    Error,
    Event,
    Finished,
    Result,
    Started,
    Stream,
    VariablesListed,
)
from sage_sidecar.session import SessionInfo, SessionState
from sage_sidecar.sessions import EvaluationRequest, SessionManager

T = TypeVar("T")

# A client's deadline fires on its own clock: its cancel reaches the server a little before
# the server's copy of the deadline has passed.
_DEADLINE_SLACK_SECONDS = 0.1

_STATES = {
    SessionState.ACTIVE: pb.SESSION_STATE_ACTIVE,
    SessionState.BUSY: pb.SESSION_STATE_BUSY,
    SessionState.HIBERNATED: pb.SESSION_STATE_HIBERNATED,
    SessionState.LOST: pb.SESSION_STATE_LOST,
}


class SageServicer(sage_pb2_grpc.SageServiceServicer):
    def __init__(self, sessions: SessionManager) -> None:
        self._sessions = sessions

    async def CreateSession(
        self, request: pb.CreateSessionRequest, context: grpc.aio.ServicerContext
    ) -> pb.CreateSessionResponse:
        info = await _guard(context, self._sessions.create)
        return pb.CreateSessionResponse(session=_session(info))

    async def GetSession(
        self, request: pb.GetSessionRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetSessionResponse:
        info = await _guard(context, _sync(self._sessions.get, request.session_id))
        return pb.GetSessionResponse(session=_session(info))

    async def ListSessions(
        self, request: pb.ListSessionsRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListSessionsResponse:
        return pb.ListSessionsResponse(sessions=[_session(i) for i in self._sessions.list()])

    async def DeleteSession(
        self, request: pb.DeleteSessionRequest, context: grpc.aio.ServicerContext
    ) -> pb.DeleteSessionResponse:
        await _guard(context, _sync(self._sessions.delete, request.session_id))
        return pb.DeleteSessionResponse()

    async def Interrupt(
        self, request: pb.InterruptRequest, context: grpc.aio.ServicerContext
    ) -> pb.InterruptResponse:
        async def interrupt() -> bool:
            return self._sessions.interrupt(request.session_id, request.request_id)

        return pb.InterruptResponse(interrupted=await _guard(context, interrupt))

    async def CloneSession(
        self, request: pb.CloneSessionRequest, context: grpc.aio.ServicerContext
    ) -> pb.CloneSessionResponse:
        async def clone() -> SessionInfo:
            return await self._sessions.clone(request.session_id)

        return pb.CloneSessionResponse(session=_session(await _guard(context, clone)))

    async def ListVariables(
        self, request: pb.ListVariablesRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListVariablesResponse:
        async def list_variables() -> VariablesListed:
            return await self._sessions.list_variables(
                request.session_id, request.max_variables, request.max_value_chars
            )

        listed = await _guard(context, list_variables)
        return pb.ListVariablesResponse(
            variables=[pb.Variable(name=n, type=t, value=v) for n, t, v in listed.variables],
            omitted=listed.omitted,
        )

    async def Evaluate(
        self, request: pb.EvaluateRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[pb.EvaluateResponse]:
        # An async generator, so OpenTelemetry's aio interceptor can trace the stream.
        try:
            evaluation = EvaluationRequest(
                code=request.code,
                session_id=request.session_id,
                request_id=request.request_id,
                timeout=_seconds(request.timeout) if request.HasField("timeout") else None,
            )
            # aclosing: when the call ends early, the events' generators close now, in order,
            # not whenever the garbage collector finds them; their clean-up interrupts Sage.
            async with aclosing(self._sessions.evaluate(evaluation)) as events:
                async for event in events:
                    yield _event(event)
        except RuntimeFault as fault:
            await _abort(context, fault)
        except asyncio.CancelledError:
            _mark_ended_by_client(context)
            raise


async def _guard(context: grpc.aio.ServicerContext, call: Callable[[], Awaitable[T]]) -> T:
    try:
        return await call()
    except RuntimeFault as fault:
        await _abort(context, fault)
        raise AssertionError("abort returns only by raising") from fault


async def _abort(context: grpc.aio.ServicerContext, fault: RuntimeFault) -> None:
    # `abort`, not `abort_with_status`: OpenTelemetry's context wrapper sees only the former,
    # and the RPC's span would say OK.
    status = errors.to_status(fault)
    await context.abort(status.code, status.details, status.trailing_metadata)


def _mark_ended_by_client(context: grpc.aio.ServicerContext) -> None:
    """The client cancelled, or its deadline passed: the RPC's span says which. The
    instrumentation would leave the OK status code it starts every span with."""
    span = trace.get_current_span()
    remaining = context.time_remaining()
    if remaining is not None and remaining < _DEADLINE_SLACK_SECONDS:
        span.set_attribute("rpc.grpc.status_code", grpc.StatusCode.DEADLINE_EXCEEDED.value[0])
        # An error on the server's side too, by OpenTelemetry's conventions for gRPC.
        span.set_status(StatusCode.ERROR, "the client's deadline passed")
    else:
        span.set_attribute("rpc.grpc.status_code", grpc.StatusCode.CANCELLED.value[0])


def _sync(function: Callable[[str], T], argument: str) -> Callable[[], Awaitable[T]]:
    async def call() -> T:
        return function(argument)

    return call


def _seconds(duration: Duration) -> float:
    """A request's Duration in seconds. A malformed one (nanos of a second or more, or of the
    other sign than seconds) is refused rather than read as some other length."""
    seconds, nanos = duration.seconds, duration.nanos
    if not -1_000_000_000 < nanos < 1_000_000_000 or seconds * nanos < 0:
        raise errors.invalid_argument(
            "timeout",
            f"{{seconds: {seconds}, nanos: {nanos}}} is not a valid google.protobuf.Duration: "
            "nanos must be between -999999999 and 999999999 and have the sign of seconds.",
        )
    return seconds + nanos / 1e9


def _timestamp(seconds: float) -> Timestamp:
    stamp = Timestamp()
    stamp.FromNanoseconds(int(seconds * 1e9))
    return stamp


def _session(info: SessionInfo) -> pb.Session:
    return pb.Session(
        session_id=info.session_id,
        state=_STATES[info.state],
        create_time=_timestamp(info.create_time),
        last_active_time=_timestamp(info.last_active_time),
        execution_count=info.execution_count,
        queued_evaluations=info.queued_evaluations,
        worker_pid=info.worker_pid,
        restore_report=info.restore_report,
    )


def _event(event: Event) -> pb.EvaluateResponse:
    # Fields are set in place: building inner messages and copying them in costs twice as
    # much, on every event of every evaluation.
    response = pb.EvaluateResponse()
    match event:
        case Stream(name="stdout", text=text):
            response.stdout.text = text
        case Stream(text=text):
            response.stderr.text = text
        case Result(text_plain=plain, text_latex=latex):
            result = response.result
            result.text_plain, result.text_latex = plain, latex
        case Display(mime_type=mime, data=data, text_plain=plain):
            display = response.display
            display.mime_type, display.data, display.text_plain = mime, data, plain
        case Error(ename=ename, evalue=evalue, traceback=tb):
            error = response.error
            error.ename, error.evalue, error.traceback = ename, evalue, tb
        case Started(execution_count=count):
            response.started.execution_count = count
        case Finished():
            finished = response.finished
            finished.status = int(event.status)  # type: ignore[assignment]
            finished.execution_count = event.execution_count
            finished.state_preserved = event.state_preserved
            finished.output_truncated = event.output_truncated
            finished.peak_memory_bytes = event.peak_memory_bytes
            finished.replayed = event.replayed
            _set_duration(finished.duration, event.duration)
            _set_duration(finished.cpu_time, event.cpu_time)
        case _:
            raise TypeError(f"not an evaluation event: {event!r}")
    return response


def _set_duration(duration: Duration, seconds: float) -> None:
    duration.seconds, duration.nanos = divmod(int(seconds * 1e9), 1_000_000_000)
