"""`sage-sidecar`: run the Sage gRPC sidecar."""

from __future__ import annotations

import asyncio
import sys

from pydantic import ValidationError
from pydantic_settings import CliApp
from sage_services import telemetry

from sage_sidecar.auth import ConfigurationError
from sage_sidecar.server import serve
from sage_sidecar.settings import SidecarSettings
from sage_sidecar.store import StateDirInUse


def main(argv: list[str] | None = None) -> int:
    try:
        settings = CliApp.run(SidecarSettings, cli_args=sys.argv[1:] if argv is None else argv)
    except ValidationError as exc:
        print(f"sage-sidecar: invalid configuration:\n{exc}", file=sys.stderr)
        return 2
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
