"""The MCP server's gRPC client of the Sage sidecar: one channel, deadlines, retries, breaker.

Every call has a deadline. `UNAVAILABLE` is retried by the channel itself (gRFC A6 retry
policy, with throttling), and, once the channel has given up, by waiting a bounded time for
the sidecar's health to say SERVING and sending the same request again. A circuit breaker
(`breaker`) makes calls fail at once while the sidecar is known to be down. Counterpart:
`tools`, which turns what this client returns or raises into MCP results for an agent.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from collections.abc import AsyncGenerator, Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import grpc
import grpc.aio
from google.protobuf.message import Message
from grpc_health.v1 import health_pb2, health_pb2_grpc
from sage_services.api.sage.v1 import sage_pb2, sage_pb2_grpc
from sage_services.errors import details_of

from sage_mcp import observability
from sage_mcp.auth import SidecarAuth
from sage_mcp.breaker import Admission, BreakerState, CircuitBreaker

SERVICE = "sage.v1.SageService"
_MAX_RECEIVE_BYTES = 64 << 20
# How often one call may wait for the sidecar to come back before it gives up.
_MAX_RECOVERIES = 3
_HEALTH_POLL_SECONDS = 0.2

ResponseT = TypeVar("ResponseT")


def service_config(max_attempts: int) -> str:
    """The channel's service config (gRFC A6): retry `UNAVAILABLE`, with throttling.

    The channel re-sends the very same request message on a retry, so an `Evaluate` retry
    carries the same `request_id`. The channel never retries a streaming call once the first
    response has arrived (the call is committed); `SageClient.evaluate` handles that case.
    """

    def retry(codes: list[str]) -> dict[str, Any]:
        return {
            "maxAttempts": max_attempts,
            "initialBackoff": "0.1s",
            "maxBackoff": "1s",
            "backoffMultiplier": 2,
            "retryableStatusCodes": codes,
        }

    return json.dumps(
        {
            "methodConfig": [
                # Not idempotent: retried only while nothing has run (UNAVAILABLE means the
                # sidecar refused the call or could not be reached), with its request_id.
                {
                    "name": [{"service": SERVICE, "method": "Evaluate"}],
                    "retryPolicy": retry(["UNAVAILABLE"]),
                },
                # Session calls and health checks are safe to repeat.
                {"name": [{"service": SERVICE}], "retryPolicy": retry(["UNAVAILABLE"])},
                {
                    "name": [{"service": "grpc.health.v1.Health"}],
                    "retryPolicy": retry(["UNAVAILABLE", "UNKNOWN"]),
                },
            ],
            # A dead sidecar must not get maxAttempts times the traffic of a live one.
            "retryThrottling": {"maxTokens": 10, "tokenRatio": 0.1},
        }
    )


def channel_options(max_attempts: int) -> list[tuple[str, Any]]:
    return [
        ("grpc.service_config", service_config(max_attempts)),
        ("grpc.enable_retries", 1),
        # gRPC's default reconnect backoff grows to 120 s; a restarted sidecar must be found
        # within a second or so.
        ("grpc.initial_reconnect_backoff_ms", 100),
        ("grpc.min_reconnect_backoff_ms", 100),
        ("grpc.max_reconnect_backoff_ms", 1000),
        ("grpc.max_receive_message_length", _MAX_RECEIVE_BYTES),
        ("grpc.primary_user_agent", "sage-mcp"),
    ]


def open_channel(
    address: str,
    max_attempts: int,
    interceptors: Sequence[grpc.aio.ClientInterceptor] = (),
    auth: SidecarAuth | None = None,
) -> grpc.aio.Channel:
    """The one place the channel is made, so interceptors (tracing, metrics) go here."""
    options = channel_options(max_attempts)
    interceptors = [*observability.interceptors(), *interceptors]
    if auth is not None and auth.credentials is not None:
        if auth.server_name:
            options.append(("grpc.ssl_target_name_override", auth.server_name))
        return grpc.aio.secure_channel(
            address, auth.credentials, options=options, interceptors=list(interceptors) or None
        )
    return grpc.aio.insecure_channel(
        address, options=options, interceptors=list(interceptors) or None
    )


class SidecarError(Exception):
    """A call to the sidecar failed with a gRPC status.

    `after_outage` says the sidecar was unreachable during this call and came back, which is
    how a session can vanish (when the sidecar restarted without its state directory).
    """

    def __init__(
        self,
        code: grpc.StatusCode,
        message: str,
        *,
        details: Sequence[Message] = (),
        after_outage: bool = False,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = list(details)
        self.after_outage = after_outage

    @classmethod
    def from_rpc(cls, error: grpc.aio.AioRpcError, *, after_outage: bool = False) -> SidecarError:
        return cls(
            error.code(),
            error.details() or "",
            details=details_of(error),
            after_outage=after_outage,
        )


class SidecarUnavailable(SidecarError):
    """The sidecar could not be reached (or was not SERVING) within the call's bounds."""

    def __init__(self, address: str, reason: str, *, retry_after: float | None = None) -> None:
        super().__init__(grpc.StatusCode.UNAVAILABLE, reason)
        self.address = address
        self.reason = reason
        self.retry_after = retry_after


class EvaluationLost(SidecarError):
    """The stream of a one-off evaluation broke after its code had started.

    Its throwaway namespace is gone with the stream, and sending it again could run the code a
    second time, so the client does not.
    """

    def __init__(self, detail: str, execution_count: int) -> None:
        super().__init__(grpc.StatusCode.UNAVAILABLE, detail, after_outage=True)
        self.detail = detail
        self.execution_count = execution_count


class EvaluationPastDeadline(SidecarError):
    """An evaluation's gRPC deadline (its timeout plus the margin, counted from the request)
    expired; the sidecar has been asked to interrupt it, or to drop it if it was queued.

    `started` says whether its code had begun to run: a session evaluation that had not was
    most likely waiting behind another one on the same session.
    """

    def __init__(self, message: str, *, session_id: str, started: bool) -> None:
        super().__init__(grpc.StatusCode.DEADLINE_EXCEEDED, message)
        self.session_id = session_id
        self.started = started


@dataclass
class _Recovery:
    """One call's attempts to ride out an outage."""

    rounds: int = 0
    first_failure: float | None = None


class SageClient:
    """A client of one sidecar over one long-lived channel. Make it inside the event loop."""

    def __init__(
        self,
        address: str,
        *,
        rpc_timeout: float = 10.0,
        connect_timeout: float = 5.0,
        deadline_margin: float = 10.0,
        max_attempts: int = 5,
        breaker: CircuitBreaker | None = None,
        interceptors: Sequence[grpc.aio.ClientInterceptor] = (),
        auth: SidecarAuth | None = None,
    ) -> None:
        self.address = address
        # Sent with every call; None (no metadata) when the sidecar wants no token.
        self._metadata = auth.metadata() if auth is not None else None
        self._rpc_timeout = rpc_timeout
        self._connect_timeout = connect_timeout
        self._margin = deadline_margin
        self.breaker = breaker or CircuitBreaker(failure_threshold=2, cooldown=2.0)
        self._channel = open_channel(address, max_attempts, interceptors, auth)
        observability.watch_breaker(lambda: self.breaker.state.value)
        self._stub = sage_pb2_grpc.SageServiceStub(self._channel)
        self._health = health_pb2_grpc.HealthStub(self._channel)
        self._probe_lock = asyncio.Lock()
        # Bumped each time the sidecar comes back after being unreachable (it may have
        # restarted); a session last used in an earlier epoch that is now NOT_FOUND was lost.
        self._epoch = 0
        self._session_epochs: dict[str, int] = {}
        self._background: set[asyncio.Task[None]] = set()

    async def close(self) -> None:
        if self._background:  # let last interrupts go out
            await asyncio.wait(self._background, timeout=1.0)
        await self._channel.close()

    # Session calls.

    async def create_session(self) -> sage_pb2.Session:
        response: sage_pb2.CreateSessionResponse = await self._unary(
            self._stub.CreateSession, sage_pb2.CreateSessionRequest()
        )
        self._saw_session(response.session.session_id)
        return response.session

    async def clone_session(self, session_id: str) -> sage_pb2.Session:
        """A new session holding a copy of `session_id`'s variables.

        Retried on UNAVAILABLE as `create_session` is, though neither carries a request id:
        the sidecar withdraws a clone whose call fails or is cancelled, and erases one a crash
        cut short, so a repeat adds a spare session only when the answer was lost after the
        clone was made (list_sessions shows it). An agent retrying would risk the same.
        """
        request = sage_pb2.CloneSessionRequest(session_id=session_id)
        response: sage_pb2.CloneSessionResponse = await self._unary(
            self._stub.CloneSession, request, session_id
        )
        self._saw_session(response.session.session_id)
        return response.session

    async def get_session(self, session_id: str) -> sage_pb2.Session:
        request = sage_pb2.GetSessionRequest(session_id=session_id)
        response: sage_pb2.GetSessionResponse = await self._unary(
            self._stub.GetSession, request, session_id
        )
        return response.session

    async def list_sessions(self) -> list[sage_pb2.Session]:
        response: sage_pb2.ListSessionsResponse = await self._unary(
            self._stub.ListSessions, sage_pb2.ListSessionsRequest()
        )
        return list(response.sessions)

    async def list_variables(self, session_id: str) -> sage_pb2.ListVariablesResponse:
        request = sage_pb2.ListVariablesRequest(session_id=session_id)
        response: sage_pb2.ListVariablesResponse = await self._unary(
            self._stub.ListVariables, request, session_id
        )
        return response

    async def delete_session(self, session_id: str) -> None:
        request = sage_pb2.DeleteSessionRequest(session_id=session_id)
        try:
            await self._unary(self._stub.DeleteSession, request, session_id)
        finally:
            self._session_epochs.pop(session_id, None)

    async def interrupt(self, session_id: str) -> bool:
        request = sage_pb2.InterruptRequest(session_id=session_id)
        response: sage_pb2.InterruptResponse = await self._unary(
            self._stub.Interrupt, request, session_id
        )
        return bool(response.interrupted)

    async def serving(self, timeout: float = 1.0) -> bool:
        """Whether the sidecar's health check says SERVING now (for readiness probes)."""
        try:
            response = await self._health.Check(
                health_pb2.HealthCheckRequest(service=SERVICE), timeout=timeout
            )
        except grpc.aio.AioRpcError:
            return False
        return bool(response.status == health_pb2.HealthCheckResponse.SERVING)

    # Evaluation.

    async def evaluate(
        self,
        code: str,
        *,
        session_id: str = "",
        timeout: float,
        request_id: str | None = None,
    ) -> AsyncGenerator[sage_pb2.EvaluateResponse, None]:
        """Runs code and yields its events, `finished` last.

        The deadline is the timeout plus a margin, so the sidecar's own timeout (which keeps
        the variables) fires first. A stream that breaks is resumed by sending the same
        request, `request_id` included, once the sidecar is SERVING again: for a session,
        the sidecar then answers for that evaluation (or NOT_FOUND if the session was lost
        with a restart). A one-off evaluation that had started is not sent again
        (`EvaluationLost`). A resumed stream starts again with `started`.

        Use it with `contextlib.aclosing`, so that leaving early cancels the call, which
        interrupts Sage.
        """
        request = sage_pb2.EvaluateRequest(
            session_id=session_id, code=code, request_id=request_id or uuid.uuid4().hex
        )
        # Whole nanoseconds, at least one: a timedelta would round a tiny timeout to zero.
        request.timeout.FromNanoseconds(max(round(timeout * 1e9), 1))
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout + self._margin
        recovery = _Recovery()
        traced = observability.CallSpan(
            "Evaluate", {"sage.request_id": request.request_id, "sage.session.id": session_id}
        )
        attempts = self._evaluate_attempts(request, session_id, deadline, recovery, traced)
        try:
            # aclosing: leaving early must run the attempts' cleanup (cancel, interrupt) now.
            async with contextlib.aclosing(attempts):
                async for event in attempts:
                    yield event
        except BaseException as error:
            traced.end(None if isinstance(error, GeneratorExit) else error)
            raise
        traced.end()

    async def _evaluate_attempts(
        self,
        request: sage_pb2.EvaluateRequest,
        session_id: str,
        deadline: float,
        recovery: _Recovery,
        traced: observability.CallSpan,
    ) -> AsyncGenerator[sage_pb2.EvaluateResponse, None]:
        loop = asyncio.get_running_loop()
        execution_count = 0
        while True:
            await self._admit(deadline)
            with traced.attempt():
                call = self._stub.Evaluate(
                    request, timeout=max(deadline - loop.time(), 0.001), metadata=self._metadata
                )
            finished = ended = False
            try:
                async for event in call:
                    kind = event.WhichOneof("event")
                    if kind == "started":
                        execution_count = event.started.execution_count
                    elif kind == "finished":
                        finished = ended = True
                    yield event
                    if finished:
                        # `finished` is the evaluation's last event: the answer is whole.
                        # The stream's end, the status after it, is read in the background
                        # rather than waited for.
                        self._in_background(self._read_to_the_end(call))
                        break
                ended = True
                if finished:
                    self.breaker.record_success()
                    if session_id:
                        self._saw_session(session_id)
                    return
                detail = "the stream ended before the evaluation finished"
            except grpc.aio.AioRpcError as error:
                ended = True
                if error.code() == grpc.StatusCode.DEADLINE_EXCEEDED:
                    # The sidecar would let the evaluation run on (or stay queued) for a
                    # while, for a retry to attach; none will.
                    self._interrupt_soon(session_id, request.request_id)
                    raise EvaluationPastDeadline(
                        error.details() or "Deadline Exceeded",
                        session_id=session_id,
                        started=bool(execution_count),
                    ) from None
                if error.code() != grpc.StatusCode.UNAVAILABLE:
                    self._answered(error)
                    raise self._failed(error, recovery, session_id) from None
                detail = error.details() or "unavailable"
            finally:
                if not ended:
                    # Left early (MCP cancellation), running or still queued. The sidecar lets
                    # a broken stream that has a request id run on for a while, for a retry to
                    # attach; this is no retry.
                    call.cancel()
                    self._interrupt_soon(session_id, request.request_id)
            if execution_count and not session_id:
                self.breaker.record_failure(detail)
                raise EvaluationLost(detail, execution_count)
            reason = (
                f"the connection broke while the code was running ({detail})"
                if execution_count
                else detail
            )
            try:
                await self._recover(deadline, recovery, reason)
            except asyncio.CancelledError:
                # Cancelled while waiting to resume: the sidecar may still hold the evaluation.
                self._interrupt_soon(session_id, request.request_id)
                raise

    # Plumbing.

    async def _unary(
        self, rpc: Callable[..., Awaitable[ResponseT]], request: Message, session_id: str = ""
    ) -> ResponseT:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._rpc_timeout
        recovery = _Recovery()
        method = type(request).__name__.removesuffix("Request")
        traced = observability.CallSpan(method, {"sage.session.id": session_id})
        try:
            while True:
                await self._admit(deadline)
                try:
                    with traced.attempt():
                        pending = rpc(
                            request,
                            timeout=max(deadline - loop.time(), 0.001),
                            metadata=self._metadata,
                        )
                    response = await pending
                except grpc.aio.AioRpcError as error:
                    if error.code() != grpc.StatusCode.UNAVAILABLE:
                        self._answered(error)
                        raise self._failed(error, recovery, session_id) from None
                    await self._recover(deadline, recovery, error.details() or "unavailable")
                    continue
                self.breaker.record_success()
                traced.end()
                return response
        except BaseException as error:
            traced.end(error)
            raise

    async def _admit(self, deadline: float) -> None:
        """Lets a call go out, or raises `SidecarUnavailable` at once or after a bounded wait."""
        admission = self.breaker.admit()
        if admission is Admission.REJECT:
            raise self._breaker_open()
        if admission is Admission.PROBE:
            await self._probe(deadline)
            return
        # The hot path: a state read, no RPC. Only a channel that is not connected waits.
        if self._channel.get_state(try_to_connect=True) == grpc.ChannelConnectivity.READY:
            return
        loop = asyncio.get_running_loop()
        wait = min(self._connect_timeout, deadline - loop.time())
        try:
            await asyncio.wait_for(self._channel.channel_ready(), max(wait, 0.0))
        except TimeoutError:
            reason = f"no connection to the sidecar within {wait:.1f} s"
            self.breaker.record_failure(reason)
            raise SidecarUnavailable(self.address, reason) from None

    async def _probe(self, deadline: float) -> None:
        """Half-open breaker: one caller checks health; the others wait for its verdict."""
        async with self._probe_lock:
            if self.breaker.state is BreakerState.CLOSED:
                return
            if self.breaker.state is BreakerState.OPEN and self.breaker.admit() is Admission.REJECT:
                raise self._breaker_open()
            loop = asyncio.get_running_loop()
            until = min(deadline, loop.time() + self._connect_timeout)
            if await self._wait_serving(until):
                self.breaker.record_success()
                self._epoch += 1
                return
            reason = "its health check did not report SERVING"
            self.breaker.record_failure(reason)
            raise SidecarUnavailable(self.address, reason, retry_after=self.breaker.retry_in())

    async def _recover(self, deadline: float, recovery: _Recovery, reason: str) -> None:
        """After the channel's own retries failed: wait (bounded) for SERVING, or raise."""
        loop = asyncio.get_running_loop()
        now = loop.time()
        if recovery.first_failure is None:
            recovery.first_failure = now
        recovery.rounds += 1
        until = min(deadline, recovery.first_failure + self._connect_timeout)
        if recovery.rounds <= _MAX_RECOVERIES and await self._wait_serving(until):
            self._epoch += 1
            return
        self.breaker.record_failure(reason)
        raise SidecarUnavailable(self.address, reason, retry_after=self.breaker.retry_in())

    async def _wait_serving(self, until: float) -> bool:
        loop = asyncio.get_running_loop()
        while (remaining := until - loop.time()) > 0:
            try:
                response = await self._health.Check(
                    health_pb2.HealthCheckRequest(service=SERVICE),
                    timeout=min(remaining, 1.0),
                    wait_for_ready=True,
                )
                if response.status == health_pb2.HealthCheckResponse.SERVING:
                    return True
            except grpc.aio.AioRpcError:
                pass
            await asyncio.sleep(min(_HEALTH_POLL_SECONDS, max(until - loop.time(), 0.0)))
        return False

    def _interrupt_soon(self, session_id: str, request_id: str) -> None:
        # A task of its own: the caller is being cancelled, and would cancel an await here.
        self._in_background(self._interrupt(session_id, request_id))

    def _in_background(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    @staticmethod
    async def _read_to_the_end(call: Any) -> None:
        """Let a call whose answer is complete end as gRPC calls do, its status received (and
        a tracing interceptor's span closed), without the caller waiting for it."""
        with contextlib.suppress(grpc.aio.AioRpcError):
            async for _ in call:
                pass

    async def _interrupt(self, session_id: str, request_id: str) -> None:
        request = sage_pb2.InterruptRequest(session_id=session_id, request_id=request_id)
        with contextlib.suppress(grpc.aio.AioRpcError):
            await self._stub.Interrupt(request, timeout=self._rpc_timeout, metadata=self._metadata)

    def _answered(self, error: grpc.aio.AioRpcError) -> None:
        # A status the sidecar itself sent means it is alive; an expired deadline says nothing.
        if error.code() != grpc.StatusCode.DEADLINE_EXCEEDED:
            self.breaker.record_success()

    def _saw_session(self, session_id: str) -> None:
        self._session_epochs[session_id] = self._epoch
        if len(self._session_epochs) > 4096:  # sessions deleted behind our back
            del self._session_epochs[next(iter(self._session_epochs))]

    def _failed(
        self, error: grpc.aio.AioRpcError, recovery: _Recovery, session_id: str
    ) -> SidecarError:
        lost = recovery.rounds > 0 or (
            error.code() == grpc.StatusCode.NOT_FOUND
            and self._session_epochs.get(session_id, self._epoch) < self._epoch
        )
        return SidecarError.from_rpc(error, after_outage=lost)

    def _breaker_open(self) -> SidecarUnavailable:
        retry_in = self.breaker.retry_in()
        reason = (
            f"{self.breaker.consecutive_failures} calls in a row failed "
            f"(last: {self.breaker.last_failure or 'unavailable'})"
        )
        return SidecarUnavailable(self.address, reason, retry_after=retry_in)
