"""`sage-sidecar`: run the Sage gRPC sidecar."""

from __future__ import annotations

import os
import sys

from sage_services.grpc_core import GRPC_EXPERIMENTS

# Before anything imports grpc, which reads it then.
os.environ.setdefault("GRPC_EXPERIMENTS", GRPC_EXPERIMENTS)

import uvloop
from sage_services import telemetry
from sage_services.settings import from_command_line

from sage_sidecar import sandbox
from sage_sidecar.auth import ConfigurationError
from sage_sidecar.server import serve
from sage_sidecar.settings import SidecarSettings
from sage_sidecar.store import StateDirInUse

# Environment variables worker code must not see.
_SECRETS = ("SAGE_SIDECAR_AUTH_TOKEN", "OTEL_EXPORTER_OTLP_HEADERS",
            "OTEL_EXPORTER_OTLP_TRACES_HEADERS", "OTEL_EXPORTER_OTLP_METRICS_HEADERS")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    settings = from_command_line(SidecarSettings, argv)
    observability = telemetry.setup("sage-sidecar", log_level=settings.log_level)
    # Read by now; the forkserver, and so every worker, inherits what is left.
    for secret in _SECRETS:
        os.environ.pop(secret, None)
    sandbox.keep_out()
    try:
        # libuv's loop: each evaluation crosses it several times (gRPC, the worker's pipe),
        # and its per-wakeup cost is a fraction of the pure-Python loop's.
        return uvloop.run(serve(settings))
    except (StateDirInUse, ConfigurationError) as exc:
        print(f"sage-sidecar: {exc}", file=sys.stderr)
        return 2
    finally:
        observability.shutdown()


if __name__ == "__main__":
    sys.exit(main())
