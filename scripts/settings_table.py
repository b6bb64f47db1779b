"""Write the README's configuration tables from the settings models, so they cannot drift.

Usage: ``python scripts/settings_table.py [--check]``. The tables live between
``<!-- settings:NAME -->`` and ``<!-- /settings:NAME -->`` markers in README.md.
"""

from __future__ import annotations

import argparse
import importlib
import re
import sys
from pathlib import Path

from pydantic import ByteSize
from pydantic_settings import BaseSettings

README = Path(__file__).resolve().parent.parent / "README.md"
MODELS = {
    "sidecar": ("sage_sidecar.settings", "SidecarSettings", "sage-sidecar"),
    "mcp": ("sage_mcp.settings", "McpSettings", "sage-mcp"),
}


def table(model: type[BaseSettings]) -> str:
    prefix = str(model.model_config.get("env_prefix", ""))
    rows = ["| Flag | Environment variable | Default | Meaning |", "| --- | --- | --- | --- |"]
    for name, field in model.model_fields.items():
        flag = "--" + name.replace("_", "-")
        env = (prefix + name).upper()
        default = field.default
        if isinstance(default, ByteSize):
            default = default.human_readable(separator="")
        if field.default_factory is not None:
            shown = "(see meaning)"  # computed at start-up; the description says how
        else:
            shown = f"`{default}`" if default not in ("", None, ()) else "(none)"
        description = (field.description or "").replace("|", "\\|")
        rows.append(f"| `{flag}` | `{env}` | {shown} | {description} |")
    return "\n".join(rows)


def render(readme: str) -> str:
    for key, (module, cls, _) in MODELS.items():
        pattern = re.compile(
            rf"(<!-- settings:{key} -->\n)(?:.*?\n)?(<!-- /settings:{key} -->)", re.DOTALL
        )
        if not pattern.search(readme):
            continue
        rendered = table(getattr(importlib.import_module(module), cls))
        readme = pattern.sub(rf"\g<1>{_escape(rendered)}\n\g<2>", readme)
    return readme


def _escape(replacement: str) -> str:
    return replacement.replace("\\", "\\\\")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if README.md is stale")
    current = README.read_text()
    fresh = render(current)
    if parser.parse_args().check:
        if fresh != current:
            print("README.md's configuration tables are stale; run `make docs`.")
            return 1
        return 0
    README.write_text(fresh)
    return 0


if __name__ == "__main__":
    sys.exit(main())
