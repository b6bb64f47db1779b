"""Telemetry set-up shared by the sidecar and the MCP server."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import textwrap

# A process that records a span, exporting to an endpoint that accepts connections and never
# answers, then shuts telemetry down with a 1 s budget.
_EXIT_WITH_A_SILENT_COLLECTOR = textwrap.dedent(
    """
    import time
    from opentelemetry import trace
    from sage_services import telemetry

    observability = telemetry.setup("shutdown-test")
    with trace.get_tracer("test").start_as_current_span("work"):
        pass
    began = time.monotonic()
    observability.shutdown(budget=1.0)
    print(f"{time.monotonic() - began:.2f}", flush=True)
    """
)


def test_an_unreachable_collector_does_not_hold_up_the_exit() -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)  # the kernel accepts; nothing ever speaks gRPC
        endpoint = f"http://127.0.0.1:{silent.getsockname()[1]}"
        done = subprocess.run(
            [sys.executable, "-c", _EXIT_WITH_A_SILENT_COLLECTOR],
            env={
                **os.environ,
                "OTEL_EXPORTER_OTLP_ENDPOINT": endpoint,
                "OTEL_EXPORTER_OTLP_INSECURE": "true",
            },
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == 0, done.stderr
    # The exporter alone would wait out its 10 s timeout, and then retry.
    assert float(done.stdout.strip()) < 5.0
    assert "telemetry not flushed within 1 s" in done.stderr


# A process that sets telemetry up, logs inside a span, and says what the span and the
# meter provider are; then leaves without flushing (no collector listens in these tests).
_REPORT_WHAT_IS_RECORDED = textwrap.dedent(
    """
    import json, logging, os
    from opentelemetry import metrics, trace
    from sage_services import telemetry

    telemetry.setup("recording-test")
    with trace.get_tracer("test").start_as_current_span("work") as span:
        logging.getLogger("test").warning("inside")
        print(json.dumps({
            "recording": span.is_recording(),
            "trace_id": format(span.get_span_context().trace_id, "032x"),
            "metrics": type(metrics.get_meter_provider()).__name__,
        }), flush=True)
    os._exit(0)
    """
)


def _what_is_recorded(**env: str) -> tuple[dict[str, object], str]:
    quiet = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
    done = subprocess.run(
        [sys.executable, "-c", _REPORT_WHAT_IS_RECORDED],
        env={**quiet, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout), done.stderr


def test_with_nothing_exported_spans_are_not_recorded_but_logs_keep_their_trace_ids() -> None:
    report, log = _what_is_recorded()
    assert report["recording"] is False
    assert report["metrics"] == "NoOpMeterProvider"
    logged = json.loads(log.strip().splitlines()[-1])
    assert logged["message"] == "inside"
    assert logged["trace_id"] == report["trace_id"] != "0" * 32


def test_with_an_exporter_spans_are_recorded_and_the_sampler_setting_applies() -> None:
    # A port nothing listens on: the process leaves before any export is tried.
    endpoint = {
        "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:9",
        "OTEL_EXPORTER_OTLP_INSECURE": "true",
    }
    report, _ = _what_is_recorded(**endpoint)
    assert report["recording"] is True
    assert report["metrics"] == "MeterProvider"
    report, _ = _what_is_recorded(**endpoint, OTEL_TRACES_SAMPLER="always_off")
    assert report["recording"] is False
    report, _ = _what_is_recorded(**endpoint, OTEL_METRICS_EXPORTER="none")
    assert report["recording"] is True
    assert report["metrics"] == "NoOpMeterProvider"
