"""`sage-sidecar`: run the Sage gRPC sidecar."""

from __future__ import annotations

import asyncio
import logging
import sys

from pydantic import ValidationError
from pydantic_settings import CliApp

from sage_sidecar.server import serve
from sage_sidecar.settings import SidecarSettings


def main(argv: list[str] | None = None) -> int:
    try:
        settings = CliApp.run(SidecarSettings, cli_args=sys.argv[1:] if argv is None else argv)
    except ValidationError as exc:
        print(f"sage-sidecar: invalid configuration:\n{exc}", file=sys.stderr)
        return 2
    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    return asyncio.run(serve(settings))


if __name__ == "__main__":
    sys.exit(main())
