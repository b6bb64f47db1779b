"""Tracing and metrics of the gRPC client: a span per call, a child span per attempt.

OpenTelemetry's aio client interceptor makes one CLIENT span per gRPC call the client sends.
`CallSpan` groups the attempts of one logical call (a first try, then each retry after an
outage, each resumed stream) under one span, so a retried call shows its attempts. Retries the
channel makes inside one attempt (gRFC A6, in gRPC's core) are not visible from Python; the
`sage.client.attempts` attribute and metric count the ones the client makes.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import grpc
from opentelemetry import context, metrics, trace
from opentelemetry.metrics import CallbackOptions, Observation
from opentelemetry.trace import Span, SpanKind
from sage_services import telemetry

tracer = trace.get_tracer("sage_mcp")
_meter = metrics.get_meter("sage_mcp")
_attempts = _meter.create_counter(
    "sage.client.attempts", description="gRPC calls sent to the sidecar, retries included."
)
_retries = _meter.create_counter(
    "sage.client.retries", description="gRPC calls sent again after an outage or a broken stream."
)
_BREAKER_VALUES = {"closed": 0, "half_open": 1, "open": 2}


def interceptors() -> list[grpc.aio.ClientInterceptor]:
    """OpenTelemetry's aio client interceptors, when spans are exported (they cost about 7% of
    a call otherwise, for spans nobody would see)."""
    current = telemetry.current()
    if current is None or not current.exporting:
        return []
    from opentelemetry.instrumentation.grpc import aio_client_interceptors

    return list(aio_client_interceptors(request_hook=_number_attempt))  # type: ignore[no-untyped-call]


def watch_breaker(state: Callable[[], str]) -> None:
    """Export the circuit breaker's state: 0 closed, 1 half-open, 2 open."""

    def observe(options: CallbackOptions) -> Iterator[Observation]:
        yield Observation(_BREAKER_VALUES.get(state(), -1))

    _meter.create_observable_gauge(
        "sage.client.circuit_breaker.state",
        callbacks=[observe],
        description="The client's circuit breaker: 0 closed, 1 half-open, 2 open.",
    )


class CallSpan:
    """One logical call to the sidecar and its attempts."""

    def __init__(self, method: str, attributes: dict[str, Any]) -> None:
        self.method = method
        self.span: Span = tracer.start_span(
            f"call {method}", kind=SpanKind.INTERNAL, attributes=attributes
        )
        self.attempts = 0

    @contextlib.contextmanager
    def attempt(self) -> Iterator[None]:
        """Around the creation of one gRPC call: its CLIENT span becomes this span's child."""
        self.attempts += 1
        labels = {"rpc.method": self.method}
        _attempts.add(1, labels)
        if self.attempts > 1:
            _retries.add(1, labels)
        self.span.set_attribute("sage.client.attempts", self.attempts)
        token = context.attach(
            _ATTEMPT.set_value(self.attempts, trace.set_span_in_context(self.span))
        )
        try:
            yield
        finally:
            context.detach(token)

    def end(self, error: BaseException | None = None) -> None:
        if error is not None:
            self.span.record_exception(error)
            self.span.set_status(trace.StatusCode.ERROR, str(error))
        self.span.end()


class _AttemptKey:
    def __init__(self) -> None:
        self._key = context.create_key("sage_mcp.attempt")

    def set_value(self, number: int, parent: context.Context) -> context.Context:
        return context.set_value(self._key, number, parent)

    def get(self) -> int | None:
        value = context.get_value(self._key)
        return value if isinstance(value, int) else None


_ATTEMPT = _AttemptKey()


def _number_attempt(span: Span, request: Any) -> None:
    number = _ATTEMPT.get()
    if number is not None:
        span.set_attribute("sage.client.attempt", number)
