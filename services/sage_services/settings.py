"""How every command takes its configuration: flags and environment variables, validated.

Each command declares a pydantic-settings model; these two helpers keep them alike: kebab-case
flags, `--flag/--no-flag` booleans, an environment variable per field, and a clear message and
exit status 2 for a bad value.
"""

from __future__ import annotations

import sys
from typing import TypeVar

from pydantic import ValidationError
from pydantic_settings import BaseSettings, CliApp, SettingsConfigDict

SettingsT = TypeVar("SettingsT", bound=BaseSettings)


def command_config(env_prefix: str, program: str) -> SettingsConfigDict:
    return SettingsConfigDict(
        env_prefix=env_prefix,
        cli_prog_name=program,
        cli_kebab_case=True,
        cli_implicit_flags=True,
        frozen=True,
    )


def from_command_line(model: type[SettingsT], argv: list[str] | None = None) -> SettingsT:
    """Parse flags over environment variables; exit 2 with the reason when a value is bad."""
    try:
        return CliApp.run(model, cli_args=sys.argv[1:] if argv is None else argv)
    except ValidationError as exc:
        program = model.model_config.get("cli_prog_name") or "configuration"
        print(f"{program}: invalid configuration:\n{exc}", file=sys.stderr)
        raise SystemExit(2) from None
