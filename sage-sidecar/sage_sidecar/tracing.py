"""Spans across the server/worker process boundary.

The server sends the evaluation's W3C `traceparent` with the cell. The worker records its spans
with the OpenTelemetry SDK as children of it, but exports nothing itself: an exporter's threads
do not belong in a process whose SIGINT handler (cysignals) must run on the main thread. The
finished spans go back to the server as plain records with the cell's last events, and the
server hands them to its own span processor, ids and parent links unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence

from opentelemetry.context import Context
from opentelemetry.sdk.trace import Event as SpanEvent
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExporter, SpanExportResult
from opentelemetry.sdk.util.instrumentation import InstrumentationScope
from opentelemetry.trace import SpanContext, SpanKind, Status, StatusCode, TraceFlags
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator
from sage_services import telemetry

from sage_sidecar.messages import SpanRecord, WorkerSpans

INSTRUMENTATION = "sage_sidecar"
_propagator = TraceContextTextMapPropagator()


def outgoing_traceparent() -> str:
    """The current context as a `traceparent`, or '' when there is nothing to export."""
    current = telemetry.current()
    if current is None or not current.exporting:
        return ""
    carrier: dict[str, str] = {}
    _propagator.inject(carrier)
    return carrier.get("traceparent", "")


def replay(spans: WorkerSpans, worker_pid: int) -> None:
    """Export spans a worker recorded, through this process's span processor."""
    current = telemetry.current()
    if current is None or current.span_processor is None:
        return
    resource = current.tracer_provider.resource
    scope = InstrumentationScope(INSTRUMENTATION)
    for record in spans.records:
        context = SpanContext(
            record.trace_id, record.span_id, is_remote=False,
            trace_flags=TraceFlags(TraceFlags.SAMPLED),
        )  # fmt: skip
        parent = None
        if record.parent_span_id is not None:
            parent = SpanContext(record.trace_id, record.parent_span_id, is_remote=True)
        current.span_processor.on_end(
            ReadableSpan(
                name=record.name,
                context=context,
                parent=parent,
                resource=resource,
                attributes={**record.attributes, "process.pid": worker_pid},
                events=[SpanEvent(n, a, timestamp=t) for n, t, a in record.events],
                kind=SpanKind.INTERNAL,
                status=Status(StatusCode(record.status), record.status_description),
                start_time=record.start_time,
                end_time=record.end_time,
                instrumentation_scope=scope,
            )
        )


class _Collector(SpanExporter):
    def __init__(self) -> None:
        self.finished: list[ReadableSpan] = []

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        self.finished.extend(spans)
        return SpanExportResult.SUCCESS


class WorkerTracer:
    """The worker's tracer: records spans in memory; `take()` hands them over as records."""

    def __init__(self) -> None:
        self._collector = _Collector()
        provider = TracerProvider()
        provider.add_span_processor(SimpleSpanProcessor(self._collector))
        self.tracer = provider.get_tracer(INSTRUMENTATION)

    @staticmethod
    def parent_context(traceparent: str) -> Context:
        return _propagator.extract({"traceparent": traceparent})

    def take(self) -> WorkerSpans | None:
        finished, self._collector.finished = self._collector.finished, []
        if not finished:
            return None
        return WorkerSpans(tuple(_record(span) for span in finished))


def _record(span: ReadableSpan) -> SpanRecord:
    context = span.get_span_context()
    assert context is not None
    return SpanRecord(
        name=span.name,
        trace_id=context.trace_id,
        span_id=context.span_id,
        parent_span_id=span.parent.span_id if span.parent is not None else None,
        start_time=span.start_time or 0,
        end_time=span.end_time or 0,
        attributes=dict(span.attributes or {}),  # type: ignore[arg-type]
        status=span.status.status_code.value,
        status_description=span.status.description,
        events=tuple(
            (event.name, event.timestamp, dict(event.attributes or {}))  # type: ignore[arg-type]
            for event in span.events
        ),
    )
