"""The gRPC core experiments `sage-sidecar` and `sage-mcp` turn off: known to the installed
grpcio, set before grpc is imported (it reads them only then), and never over a user's own."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import pytest
from sage_services.grpc_core import GRPC_EXPERIMENTS

# The modules the project's commands start in (`sage-sidecar`, `sage-mcp`, `sage-runtime`).
_PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"
_COMMAND_MODULES = sorted(
    {
        target.split(":")[0]
        for target in tomllib.loads(_PYPROJECT.read_text())["project"]["scripts"].values()
    }
)

# Imports a command's module, and prints GRPC_EXPERIMENTS as it was when grpc began to import.
_AT_GRPC_IMPORT = textwrap.dedent(
    """
    import importlib.abc
    import os
    import sys

    seen = []

    class Spy(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path, target=None):
            if name == "grpc" and not seen:
                seen.append(os.environ.get("GRPC_EXPERIMENTS", "<unset>"))
            return None

    sys.meta_path.insert(0, Spy())
    import {module}
    print(seen[0] if seen else "<grpc not imported>")
    """
)


def _environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "GRPC_EXPERIMENTS"}
    return {**env, **extra}


def _grpc_startup_errors(experiments: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", "import grpc; grpc.insecure_channel('127.0.0.1:1').close()"],
        env=_environment(GRPC_EXPERIMENTS=experiments),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stderr


def test_the_installed_grpc_knows_every_experiment_the_commands_turn_off() -> None:
    # The check itself: grpc names an experiment it does not know.
    assert "Unknown experiment: no_such_experiment" in _grpc_startup_errors("-no_such_experiment")
    # An upgrade of grpcio that drops one of ours fails here, not in every start-up's log.
    assert "Unknown experiment" not in _grpc_startup_errors(GRPC_EXPERIMENTS)


def _at_grpc_import(module: str, env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-c", _AT_GRPC_IMPORT.format(module=module)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return done.stdout.strip()


@pytest.mark.parametrize("module", _COMMAND_MODULES)
def test_each_command_sets_the_experiments_before_grpc_is_imported(module: str) -> None:
    assert _at_grpc_import(module, _environment()) == GRPC_EXPERIMENTS


@pytest.mark.parametrize("module", _COMMAND_MODULES)
def test_a_users_own_grpc_experiments_are_kept(module: str) -> None:
    own = "-event_engine_dns"
    assert _at_grpc_import(module, _environment(GRPC_EXPERIMENTS=own)) == own
