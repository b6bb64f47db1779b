"""Telemetry set-up shared by the sidecar and the MCP server."""

from __future__ import annotations

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
