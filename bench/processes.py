"""Starts the servers under test the same way, and makes sure every one of them is stopped.

Every server is a separate process in its own session (`start_new_session=True`), as
`jupyter_client` starts kernels, so no system gets a scheduling advantage from where it was
started. A registry remembers each process and its descendants; `stop_all` ends them all,
and runs on every exit path of the bench. Counterpart: `systems`, which talks to them.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import grpc
import psutil
from grpc_health.v1 import health_pb2, health_pb2_grpc

BIN = Path(sys.executable).parent
# The repository root, so `python -m bench.…` helpers import this package.
ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class ServerProcess:
    """One process the bench started, with its log and every descendant it was seen with."""

    name: str
    process: subprocess.Popen[bytes]
    log_path: Path
    descendants: set[int] = field(default_factory=set)

    @property
    def pid(self) -> int:
        return self.process.pid

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def remember_descendants(self) -> None:
        with contextlib.suppress(psutil.Error):
            children = psutil.Process(self.pid).children(recursive=True)
            self.descendants |= {child.pid for child in children}

    def stop(self, timeout: float = 30.0) -> None:
        """SIGTERM, then SIGKILL after `timeout`; then kill any descendant still alive."""
        self.remember_descendants()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        for pid in self.descendants:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(OSError):
            self.log_path.unlink()


_REGISTRY: list[ServerProcess] = []


def spawn(name: str, argv: list[str], env: dict[str, str] | None = None) -> ServerProcess:
    """Start a server the one way every server in this bench is started."""
    log_path = Path(tempfile.mkstemp(prefix=f"bench-{name}-", suffix=".log")[1])
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
            env={**os.environ, **(env or {})},
            start_new_session=True,
        )
    server = ServerProcess(name, process, log_path)
    _REGISTRY.append(server)
    return server


def stop_all() -> None:
    """Stop every server started through `spawn`, newest first, then any other child left.

    The last step catches what other libraries started for the bench (the MCP SDK's stdio
    servers, Jupyter kernels, fresh Sage processes) if their own shutdown did not run.
    """
    while _REGISTRY:
        _REGISTRY.pop().stop()
    leftovers = psutil.Process().children(recursive=True)
    for child in leftovers:
        with contextlib.suppress(psutil.Error):
            child.kill()
    psutil.wait_procs(leftovers, timeout=10)


async def wait_serving(server: ServerProcess, address: str, timeout: float = 300.0) -> None:
    """Poll standard gRPC health until the server says SERVING."""
    deadline = time.monotonic() + timeout
    async with grpc.aio.insecure_channel(address) as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        while time.monotonic() < deadline:
            if server.process.poll() is not None:
                raise RuntimeError(
                    f"{server.name} exited with {server.process.returncode}:\n{server.log()}"
                )
            with contextlib.suppress(grpc.aio.AioRpcError):
                reply = await stub.Check(health_pb2.HealthCheckRequest(), timeout=2)
                if reply.status == health_pb2.HealthCheckResponse.SERVING:
                    server.remember_descendants()
                    return
            await asyncio.sleep(0.1)
    raise TimeoutError(f"{server.name} never reported SERVING:\n{server.log()}")


def cpu_seconds_by_pid(pid: int) -> dict[int, float]:
    """CPU seconds (user and system) so far of a process and of each live descendant."""
    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.Error:
        return {}
    spent = {}
    for process in processes:
        with contextlib.suppress(psutil.Error):
            times = process.cpu_times()
            spent[process.pid] = times.user + times.system
    return spent


def uss_bytes(pid: int) -> int:
    """Private memory (unique set size) of one process."""
    return int(psutil.Process(pid).memory_full_info().uss)
