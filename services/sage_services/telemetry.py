"""OpenTelemetry and logging set-up shared by the sidecar and the MCP server.

Configured by OTel's standard environment variables (`OTEL_SERVICE_NAME`,
`OTEL_EXPORTER_OTLP_ENDPOINT`, `OTEL_TRACES_SAMPLER`, `OTEL_METRIC_EXPORT_INTERVAL`, ...). With
no OTLP endpoint set nothing is exported, and nothing is recorded either: spans still carry ids
for the logs, but no attributes or events, and metrics are no-ops. Logs are JSON, one object a
line, with `trace_id` and `span_id` inside a span.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import threading
import time
from dataclasses import dataclass

from opentelemetry import metrics, trace
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import MetricReader, PeriodicExportingMetricReader
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.sdk.trace.sampling import ALWAYS_OFF

_ENDPOINT_VARIABLES = (
    "OTEL_EXPORTER_OTLP_ENDPOINT",
    "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
    "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT",
)


# What exiting may spend on flushing telemetry. The exporters wait 10 s for an unreachable
# endpoint, then retry: that would take a stopping process past its deployment's grace period.
SHUTDOWN_BUDGET_SECONDS = 3.0


@dataclass
class Telemetry:
    tracer_provider: TracerProvider
    meter_provider: MeterProvider | None  # None when no metric is exported
    # Where spans recorded in other processes (Sage workers) are handed in for export.
    span_processor: SpanProcessor | None

    @property
    def exporting(self) -> bool:
        return self.span_processor is not None

    def shutdown(self, budget: float = SHUTDOWN_BUDGET_SECONDS) -> None:
        """Flush what is buffered, for at most `budget` seconds; called once at exit."""
        flushing = threading.Thread(
            target=self._shutdown, args=(budget,), name="telemetry-shutdown", daemon=True
        )
        flushing.start()
        flushing.join(budget)
        if flushing.is_alive():
            logging.getLogger(__name__).warning(
                "telemetry not flushed within %g s (is the OTLP endpoint reachable?); what was "
                "still buffered is dropped",
                budget,
            )

    def _shutdown(self, budget: float) -> None:
        self.tracer_provider.shutdown()
        if self.meter_provider is not None:
            self.meter_provider.shutdown(timeout_millis=budget * 1000)


_current: Telemetry | None = None


def current() -> Telemetry | None:
    return _current


def setup(service_name: str, *, log_level: str = "INFO") -> Telemetry:
    """Install the global tracer and meter providers and JSON logging for this process."""
    global _current
    _setup_logging(log_level)
    attributes = {} if os.environ.get("OTEL_SERVICE_NAME") else {SERVICE_NAME: service_name}
    resource = Resource.create(attributes)
    readers: list[MetricReader] = []
    processor: SpanProcessor | None = None
    if _exporting():
        from opentelemetry.exporter.otlp.proto.grpc.metric_exporter import OTLPMetricExporter
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter

        if os.environ.get("OTEL_TRACES_EXPORTER", "otlp") != "none":
            processor = BatchSpanProcessor(OTLPSpanExporter())
        if os.environ.get("OTEL_METRICS_EXPORTER", "otlp") != "none":
            readers.append(PeriodicExportingMetricReader(OTLPMetricExporter()))
    # Recording what nobody exports would cost every call its attributes and events: spans
    # are then sampled out, which still gives them ids. Otherwise OTEL_TRACES_SAMPLER decides.
    sampler = None if processor is not None else ALWAYS_OFF
    tracer_provider = TracerProvider(resource=resource, sampler=sampler)
    if processor is not None:
        tracer_provider.add_span_processor(processor)
    meter_provider = MeterProvider(resource=resource, metric_readers=readers) if readers else None
    trace.set_tracer_provider(tracer_provider)
    metrics.set_meter_provider(
        meter_provider if meter_provider is not None else metrics.NoOpMeterProvider()
    )
    _current = Telemetry(tracer_provider, meter_provider, processor)
    return _current


def _exporting() -> bool:
    return any(os.environ.get(name) for name in _ENDPOINT_VARIABLES)


class JsonLogFormatter(logging.Formatter):
    """One JSON object a line, with the active span's ids when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        context = trace.get_current_span().get_span_context()
        if context.is_valid:
            entry["trace_id"] = format(context.trace_id, "032x")
            entry["span_id"] = format(context.span_id, "016x")
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        for key, value in getattr(record, "fields", {}).items():
            entry[key] = value
        return json.dumps(entry, default=str)


def _setup_logging(level: str) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLogFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
