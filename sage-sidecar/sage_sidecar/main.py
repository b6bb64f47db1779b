"""`sage-sidecar`: run the Sage gRPC sidecar."""

from __future__ import annotations

import asyncio
import sys

from sage_services import telemetry
from sage_services.settings import from_command_line

from sage_sidecar.auth import ConfigurationError
from sage_sidecar.server import serve
from sage_sidecar.settings import SidecarSettings
from sage_sidecar.store import StateDirInUse


def main(argv: list[str] | None = None) -> int:
    settings = from_command_line(SidecarSettings, argv)
    observability = telemetry.setup("sage-sidecar", log_level=settings.log_level)
    try:
        return asyncio.run(serve(settings))
    except (StateDirInUse, ConfigurationError) as exc:
        print(f"sage-sidecar: {exc}", file=sys.stderr)
        return 2
    finally:
        observability.shutdown()


if __name__ == "__main__":
    sys.exit(main())
