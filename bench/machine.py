"""Describes the machine and the software versions a run measured, for the report."""

from __future__ import annotations

import contextlib
import os
import platform
from importlib import metadata

import psutil


def _cpu_model() -> str:
    with contextlib.suppress(OSError), open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "not installed"


def describe() -> dict[str, str]:
    memory = psutil.virtual_memory().total
    return {
        "CPU": _cpu_model(),
        "cores": str(os.cpu_count()),
        "memory": f"{memory / 2**30:.1f} GiB",
        "OS": f"{platform.system()} {platform.release()} ({platform.machine()})",
        "Python": platform.python_version(),
        "Sage (passagemath-standard)": _version("passagemath-standard"),
        "grpcio": _version("grpcio"),
        "mcp": _version("mcp"),
        "jupyter_client": _version("jupyter_client"),
        "ipykernel": _version("ipykernel"),
    }
