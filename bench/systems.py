"""The systems under test, each behind one small async interface.

A *session* is whatever keeps a Sage namespace alive between calls: a sidecar session, a
Jupyter kernel, the in-process floor's namespace. Systems that have no such thing (a fresh
process per call) still accept `open_session`, and pay their whole start-up per call.
Counterpart: `workloads`, which decides what to run, how often and in which order.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import os
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
import psutil
from jupyter_client.manager import AsyncKernelManager
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from sage_services.api.sage.v1 import sage_pb2 as pb
from sage_services.api.sage.v1 import sage_pb2_grpc
from sage_services.grpc_core import GRPC_EXPERIMENTS

from bench.processes import BIN, ROOT, ServerProcess, free_port, spawn, uss_bytes, wait_serving

# One set of channel options for every gRPC server measured, so the client is the same.
CHANNEL_OPTIONS = [("grpc.max_receive_message_length", 64 * 1024 * 1024)]
CALL_DEADLINE = 120.0


class NotSupported(Exception):
    """This system has no way to do what the workload asks (e.g. no idle session)."""


class StoppedAnswering(Exception):
    """The system stopped answering part way; `samples` holds what was measured before."""

    def __init__(self, reason: str, samples: list[float]) -> None:
        super().__init__(reason)
        self.samples = samples


@dataclass
class Outcome:
    """One evaluation as the caller saw it."""

    seconds: float
    first_output: float | None = None
    png_bytes: int = 0
    text: str = ""
    # The sidecar's own account (`finished.duration`): the time the cell took in the worker.
    in_worker: float | None = None


class System:
    """The interface every system implements; the defaults suit a system with no server."""

    key: str
    label: str
    # Seconds to wait after each timed creation, e.g. for a warm pool to refill.
    create_pace: float = 0.0

    async def start(self) -> None:
        """Start the system's processes and wait until they are ready."""
        return None

    async def stop(self) -> None:
        """Stop everything `start` and `open_session` started."""
        return None

    async def open_session(self) -> Any:
        """A new namespace; None for systems that have none to keep."""
        return None

    async def close_session(self, session: Any) -> None:
        """Release a session; the default has nothing to release."""
        return None

    async def evaluate(self, session: Any, code: str, *, png: bool = False) -> Outcome:
        raise NotImplementedError

    async def time_evaluations(
        self, session: Any, code: str, reps: int, *, png: bool = False
    ) -> list[Outcome]:
        return [await self.evaluate(session, code, png=png) for _ in range(reps)]

    async def time_interrupts(self, session: Any, code: str, reps: int) -> list[float]:
        """Seconds from asking for an interrupt to the caller learning the code stopped."""
        raise NotSupported(f"{self.label} has no interrupt")

    async def time_session_creation(self, reps: int) -> list[float]:
        seconds = []
        for _ in range(reps):
            began = time.perf_counter()
            session = await self.open_session()
            seconds.append(time.perf_counter() - began)
            await self.close_session(session)
            if self.create_pace:
                await asyncio.sleep(self.create_pace)
        return seconds

    async def session_uss(self, session: Any) -> int:
        raise NotSupported(f"{self.label} keeps no idle session")

    def server_tree(self) -> int | None:
        """The root of the one process tree that does all of this system's server-side work,
        if there is one, so that its CPU can be told apart from the client's."""
        return None


# gRPC: the sidecar and the bare floor, driven by the same client code.


class GrpcSystem(System):
    def __init__(
        self, key: str, label: str, argv: list[str], env: dict[str, str] | None = None
    ) -> None:
        self.key = key
        self.label = label
        self._argv = argv
        self._env = env
        self.address = ""
        self.server: ServerProcess | None = None
        self._channel: grpc.aio.Channel | None = None
        self._stub: sage_pb2_grpc.SageServiceStub | None = None
        # Time to wait after CreateSession so the next one finds the warm pool refilled.
        self.create_pace = 0.25
        self.scratch: str | None = None

    @classmethod
    def sidecar(
        cls, key: str = "grpc", label: str = "sage-sidecar, gRPC", flags: Sequence[str] = ()
    ) -> GrpcSystem:
        # A private state directory: the bench's sessions are neither kept nor restored.
        state = tempfile.mkdtemp(prefix="bench-sidecar-state-")
        system = cls(
            key, label, [str(BIN / "sage-sidecar"), "--state-dir", state, *flags, "--listen"]
        )
        system.scratch = state
        return system

    @classmethod
    def floor(cls, *, like_sidecar: bool = False) -> GrpcSystem:
        """The floor as a trivial `grpc.aio` servicer runs, or served as the sidecar serves:
        on uvloop, with the gRPC core settings `sage-sidecar` gives itself."""
        if like_sidecar:
            return cls(
                "grpc_floor_uv",
                "bare gRPC floor, served as the sidecar serves",
                [sys.executable, "-m", "bench.floor_server", "--loop", "uvloop", "--listen"],
                env={"GRPC_EXPERIMENTS": GRPC_EXPERIMENTS},
            )
        return cls(
            "grpc_floor",
            "bare gRPC floor",
            [sys.executable, "-m", "bench.floor_server", "--listen"],
        )

    @classmethod
    def hop_floor(cls) -> GrpcSystem:
        """The floor served as the sidecar serves, plus a hop to a Sage worker per session."""
        return cls(
            "grpc_hop_floor",
            "gRPC floor plus a hop to a Sage worker",
            [sys.executable, "-m", "bench.hop_floor_server", "--listen"],
            env={"GRPC_EXPERIMENTS": GRPC_EXPERIMENTS},
        )

    @property
    def stub(self) -> sage_pb2_grpc.SageServiceStub:
        assert self._stub is not None, "start() first"
        return self._stub

    async def start(self) -> None:
        self.address = f"127.0.0.1:{free_port()}"
        self.server = spawn(self.key, [*self._argv, self.address], self._env)
        await wait_serving(self.server, self.address)
        self._channel = grpc.aio.insecure_channel(self.address, options=CHANNEL_OPTIONS)
        self._stub = sage_pb2_grpc.SageServiceStub(self._channel)
        await self._channel.channel_ready()

    async def stop(self) -> None:
        if self._channel is not None:
            await self._channel.close()
        if self.server is not None:
            self.server.stop()
        if self.scratch is not None:
            shutil.rmtree(self.scratch, ignore_errors=True)

    def server_tree(self) -> int | None:
        return self.server.pid if self.server is not None else None

    async def open_session(self) -> str:
        reply = await self.stub.CreateSession(pb.CreateSessionRequest(), timeout=CALL_DEADLINE)
        return str(reply.session.session_id)

    async def close_session(self, session: str) -> None:
        await self.stub.DeleteSession(
            pb.DeleteSessionRequest(session_id=session), timeout=CALL_DEADLINE
        )

    async def evaluate(self, session: str, code: str, *, png: bool = False) -> Outcome:
        request = pb.EvaluateRequest(session_id=session, code=code)
        outcome = Outcome(0.0)
        began = time.perf_counter()
        async for event in self.stub.Evaluate(request, timeout=CALL_DEADLINE):
            kind = event.WhichOneof("event")
            if kind == "stdout" and outcome.first_output is None:
                outcome.first_output = time.perf_counter() - began
            elif kind == "display":
                outcome.png_bytes = len(event.display.data)
            elif kind == "result":
                outcome.text = event.result.text_plain
            elif kind == "error":
                raise RuntimeError(f"{self.label}: {event.error.traceback or event.error.evalue}")
            elif kind == "finished":
                outcome.in_worker = event.finished.duration.ToNanoseconds() / 1e9
        outcome.seconds = time.perf_counter() - began
        return outcome

    async def time_session_burst(self, count: int) -> list[float]:
        """Back-to-back creations that drain the warm pool, so most of them fork."""
        seconds, sessions = [], []
        for _ in range(count):
            began = time.perf_counter()
            sessions.append(await self.open_session())
            seconds.append(time.perf_counter() - began)
        for session in sessions:
            await self.close_session(session)
        await asyncio.sleep(1.0)
        return seconds

    async def time_interrupts(self, session: str, code: str, reps: int) -> list[float]:
        seconds = []
        for _ in range(reps):
            call = self.stub.Evaluate(
                pb.EvaluateRequest(session_id=session, code=code), timeout=CALL_DEADLINE
            )
            events = call.__aiter__()
            first = await events.__anext__()
            assert first.WhichOneof("event") == "started", first
            await asyncio.sleep(0.2)  # let the code get going, into PARI if it calls PARI
            began = time.perf_counter()
            reply = await self.stub.Interrupt(
                pb.InterruptRequest(session_id=session), timeout=CALL_DEADLINE
            )
            assert reply.interrupted
            async for event in events:
                if event.WhichOneof("event") == "finished":
                    assert event.finished.status == pb.EVALUATION_STATUS_INTERRUPTED, event
                    seconds.append(time.perf_counter() - began)
        return seconds

    async def time_clones(self, reps: int) -> list[float]:
        """CloneSession of a session holding a few small values; each clone is deleted."""
        source = await self.open_session()
        await self.evaluate(source, "a = 1\nR.<t> = QQ[]\nf = t^2 + 1\nL = list(range(100))")
        seconds = []
        for _ in range(reps):
            began = time.perf_counter()
            reply = await self.stub.CloneSession(
                pb.CloneSessionRequest(session_id=source), timeout=CALL_DEADLINE
            )
            seconds.append(time.perf_counter() - began)
            await self.close_session(reply.session.session_id)
        await self.close_session(source)
        return seconds

    async def time_restores(self, cells: int, reps: int, *, from_snapshot: bool) -> list[float]:
        """Kill the worker of a session of `cells` small cells, then time the next evaluation,
        which restores the session: from its journal alone (killed before the session rested
        long enough for a snapshot), or from the snapshot taken once it rested."""
        assert self.scratch is not None
        seconds = []
        for _ in range(reps):
            session = await self.open_session()
            for i in range(cells):
                await self.evaluate(session, f"a{i} = {i}")
            snapshots = Path(self.scratch, "sessions", session, "snapshots")
            if from_snapshot:
                for _ in range(600):
                    if _snapshot_count(snapshots) == cells:
                        break
                    await asyncio.sleep(0.05)
                else:
                    raise RuntimeError("no snapshot was taken after the session rested")
            elif _snapshot_count(snapshots) is not None:
                raise RuntimeError("a snapshot was taken before the worker could be killed")
            os.kill(await self.worker_pid(session), signal.SIGKILL)
            for _ in range(1000):  # until the sidecar has seen the worker die
                if not await self.worker_pid(session):
                    break
                await asyncio.sleep(0.01)
            began = time.perf_counter()
            outcome = await self.evaluate(session, f"a{cells - 1}")
            seconds.append(time.perf_counter() - began)
            if outcome.text != str(cells - 1):
                raise RuntimeError(f"restored session answered {outcome.text!r}")
            await self.close_session(session)
        return seconds

    async def worker_pid(self, session: str) -> int:
        reply = await self.stub.GetSession(
            pb.GetSessionRequest(session_id=session), timeout=CALL_DEADLINE
        )
        return int(reply.session.worker_pid)

    async def session_uss(self, session: str) -> int:
        return uss_bytes(await self.worker_pid(session))

    async def all_worker_pids(self) -> set[int]:
        """Worker pids of every session on the server, whoever created it."""
        reply = await self.stub.ListSessions(pb.ListSessionsRequest(), timeout=CALL_DEADLINE)
        return {int(session.worker_pid) for session in reply.sessions}

    def process_tree_uss(self, exclude: set[int]) -> int:
        """USS of the server and its helpers, leaving out the given session workers."""
        assert self.server is not None
        root = psutil.Process(self.server.pid)
        total = 0
        for process in [root, *root.children(recursive=True)]:
            if process.pid not in exclude:
                with contextlib.suppress(psutil.Error):
                    total += int(process.memory_full_info().uss)
        return total


def _snapshot_count(directory: Path) -> int | None:
    """The cell the newest snapshot in a session's directory was taken after, if any."""
    counts = [int(path.stem) for path in directory.glob("*.sobj")]
    return max(counts, default=None)


# MCP over stdio, with the SDK's ClientSession: sage-mcp and the bare floor.


class McpSystem(System):
    def __init__(self, key: str, label: str, command: str, args: list[str]) -> None:
        self.key = key
        self.label = label
        self._params = StdioServerParameters(
            command=command,
            args=args,
            env={"SAGE_MCP_LOG_LEVEL": "WARNING"},
            cwd=str(ROOT),
        )
        self._session: ClientSession | None = None
        self._owner: asyncio.Task[None] | None = None
        self._closing = asyncio.Event()

    @classmethod
    def sage_mcp(cls, sidecar_address: str) -> McpSystem:
        return cls(
            "mcp", "sage-mcp, MCP stdio", str(BIN / "sage-mcp"), ["--sidecar", sidecar_address]
        )

    @classmethod
    def floor(cls, *, like_sage_mcp: bool = False) -> McpSystem:
        """The floor as `MCPServer.run()` serves it, or served as `sage-mcp` serves."""
        if like_sage_mcp:
            return cls(
                "mcp_floor_fast",
                "bare MCP floor, served as sage-mcp serves",
                sys.executable,
                ["-m", "bench.mcp_floor_server", "--like-sage-mcp"],
            )
        return cls("mcp_floor", "bare MCP floor", sys.executable, ["-m", "bench.mcp_floor_server"])

    @property
    def session(self) -> ClientSession:
        assert self._session is not None, "start() first"
        return self._session

    async def start(self) -> None:
        ready: asyncio.Future[ClientSession] = asyncio.get_running_loop().create_future()
        self._owner = asyncio.create_task(self._own(ready), name=f"{self.key}-client")
        self._session = await ready

    async def _own(self, ready: asyncio.Future[ClientSession]) -> None:
        """Hold the client's contexts in one task, the one that leaves them.

        The SDK's transport uses anyio cancel scopes, which must be exited by the task that
        entered them; a task of its own keeps that true whoever calls `stop`.
        """
        try:
            with tempfile.TemporaryFile("w+", prefix=f"bench-{self.key}-") as errlog:
                async with (
                    stdio_client(self._params, errlog=errlog) as (read, write),
                    ClientSession(read, write) as session,
                ):
                    await session.initialize()
                    ready.set_result(session)
                    await self._closing.wait()
        except BaseException as exc:
            if not ready.done():
                ready.set_exception(exc)
            raise

    async def stop(self) -> None:
        self._session = None
        self._closing.set()
        if self._owner is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(asyncio.shield(self._owner), 30)

    def server_pid(self) -> int | None:
        """The MCP server process: the child of this process running its command."""
        for child in psutil.Process().children(recursive=False):
            with contextlib.suppress(psutil.Error):
                if any(self._params.command in part for part in child.cmdline()):
                    return child.pid
        return None

    async def _call(self, tool: str, arguments: dict[str, Any]) -> Any:
        result = await self.session.call_tool(tool, arguments)
        if result.is_error:
            raise RuntimeError(f"{self.label} {tool}: {result.content}")
        return result

    async def open_session(self) -> str:
        result = await self._call("create_session", {})
        content = result.structured_content or {}
        content = content.get("result", content)
        return str(content["session_id"])

    async def close_session(self, session: str) -> None:
        if self.key == "mcp":
            await self._call("delete_session", {"session_id": session})

    async def evaluate(self, session: str, code: str, *, png: bool = False) -> Outcome:
        began = time.perf_counter()
        result = await self._call("evaluate", {"code": code, "session_id": session})
        seconds = time.perf_counter() - began
        outcome = Outcome(seconds, first_output=seconds)  # a tool result is not streamed
        for block in result.content:
            if block.type == "image":
                outcome.png_bytes = len(base64.b64decode(block.data))
            elif block.type == "text":
                outcome.text += block.text
        return outcome

    async def time_interrupts(self, session: str, code: str, reps: int) -> list[float]:
        seconds = []
        for _ in range(reps):
            running = asyncio.create_task(
                self.session.call_tool(
                    "evaluate", {"code": code, "session_id": session, "timeout_seconds": 60}
                )
            )
            await asyncio.sleep(0.3)  # no `started` event over MCP: give it time to start
            began = time.perf_counter()
            await self._call("interrupt", {"session_id": session})
            await running
            seconds.append(time.perf_counter() - began)
        return seconds


# A Jupyter Sage kernel through jupyter_client: the usual alternative.

_INTERRUPT_ATTEMPTS = 5
_INTERRUPT_RETRY_SECONDS = 3.0


@dataclass
class Kernel:
    manager: AsyncKernelManager
    client: Any


class JupyterSystem(System):
    key = "jupyter"
    label = "Jupyter Sage kernel"

    def __init__(self) -> None:
        self._kernels: list[Kernel] = []

    async def open_session(self) -> Kernel:
        manager = AsyncKernelManager(kernel_name="sagemath")
        # The kernel's own chatter (a warning about TCP without encryption) is not the bench's.
        await manager.start_kernel(
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL
        )
        kernel = Kernel(manager, manager.client())
        self._kernels.append(kernel)
        kernel.client.start_channels()
        await kernel.client.wait_for_ready(timeout=CALL_DEADLINE)
        return kernel

    async def close_session(self, session: Kernel) -> None:
        self._kernels.remove(session)
        session.client.stop_channels()
        await session.manager.shutdown_kernel(now=True)

    async def stop(self) -> None:
        for kernel in list(self._kernels):
            with contextlib.suppress(Exception):
                await self.close_session(kernel)

    async def evaluate(self, session: Kernel, code: str, *, png: bool = False) -> Outcome:
        # stop_on_error=False: after an error (an interrupt is one) ipykernel would otherwise
        # abort the requests that arrive just after it, and they would never run.
        began = time.perf_counter()
        msg_id = session.client.execute(code, stop_on_error=False)
        outcome = await self._collect(session, msg_id, began)
        outcome.seconds = time.perf_counter() - began
        return outcome

    async def _collect(self, session: Kernel, msg_id: str, began: float) -> Outcome:
        """Read iopub until the kernel is idle again after `msg_id`, and its shell reply."""
        outcome = Outcome(0.0)
        client = session.client
        while True:
            message = await client.get_iopub_msg(timeout=CALL_DEADLINE)
            if message["parent_header"].get("msg_id") != msg_id:
                continue
            kind = message["msg_type"]
            content = message["content"]
            if kind == "stream" and outcome.first_output is None:
                outcome.first_output = time.perf_counter() - began
            elif kind in ("execute_result", "display_data"):
                data = content.get("data", {})
                if "image/png" in data:
                    outcome.png_bytes = len(base64.b64decode(data["image/png"]))
                outcome.text = data.get("text/plain", "")
            elif kind == "error":
                outcome.text = content.get("ename", "")
            elif kind == "status" and content["execution_state"] == "idle":
                break
        while True:
            reply = await client.get_shell_msg(timeout=CALL_DEADLINE)
            if reply["parent_header"].get("msg_id") == msg_id:
                return outcome

    async def time_interrupts(self, session: Kernel, code: str, reps: int) -> list[float]:
        """From `interrupt_kernel` to idle plus the reply, timed from the first interrupt.

        A SIGINT that lands while ipykernel is between its own steps can be lost, so the
        interrupt is repeated every few seconds until the code stops; the time counts from
        the first one, as a user pressing Ctrl-C again would experience it.
        """
        seconds: list[float] = []
        for _ in range(reps):
            msg_id = session.client.execute(code, stop_on_error=False)
            # The kernel announces the cell from its IOPub thread, which needs the GIL; PARI
            # holds the GIL while it computes, so the announcement may only come after the
            # interrupt. Wait for it briefly, then interrupt regardless.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wait_until_running(session, msg_id), 1.0)
            await asyncio.sleep(0.2)
            began = time.perf_counter()
            collecting = asyncio.create_task(self._collect(session, msg_id, began))
            for _attempt in range(_INTERRUPT_ATTEMPTS):
                await session.manager.interrupt_kernel()
                done, _ = await asyncio.wait({collecting}, timeout=_INTERRUPT_RETRY_SECONDS)
                if done:
                    break
            else:
                collecting.cancel()
                raise StoppedAnswering(
                    f"the code ignored {_INTERRUPT_ATTEMPTS} interrupts", seconds
                )
            outcome = collecting.result()
            assert outcome.text == "KeyboardInterrupt", outcome
            seconds.append(time.perf_counter() - began)
        return seconds

    async def _wait_until_running(self, session: Kernel, msg_id: str) -> None:
        """Read iopub until the kernel has announced that it runs `msg_id`."""
        while True:
            message = await session.client.get_iopub_msg(timeout=CALL_DEADLINE)
            if (
                message["parent_header"].get("msg_id") == msg_id
                and message["msg_type"] == "execute_input"
            ):
                return

    async def session_uss(self, session: Kernel) -> int:
        provisioner: Any = session.manager.provisioner
        return uss_bytes(int(provisioner.process.pid))


# No server: a fresh process per call, and the in-process floor.


class FreshProcessSystem(System):
    """A new `python` per call that imports Sage, runs the cell and exits."""

    key = "fresh"
    label = "fresh process per call"

    async def open_session(self) -> None:
        return None

    async def _spawn(self, *args: str) -> asyncio.subprocess.Process:
        return await asyncio.create_subprocess_exec(
            *args,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
            cwd=ROOT,
            start_new_session=True,
        )

    async def evaluate(self, session: None, code: str, *, png: bool = False) -> Outcome:
        with tempfile.TemporaryDirectory(prefix="bench-fresh-") as scratch:
            png_path = Path(scratch, "plot.png")
            argv = [sys.executable, "-m", "bench.sage_runner", "once", "--code", code]
            if png:
                argv += ["--png", str(png_path)]
            began = time.perf_counter()
            process = await self._spawn(*argv)
            outcome = await self._read_until_exit(process, began)
            if png:
                outcome.png_bytes = len(await asyncio.to_thread(png_path.read_bytes))
            return outcome

    async def _read_until_exit(self, process: asyncio.subprocess.Process, began: float) -> Outcome:
        assert process.stdout is not None
        outcome = Outcome(0.0)
        chunks = []
        while chunk := await process.stdout.read(65536):
            if outcome.first_output is None:
                outcome.first_output = time.perf_counter() - began
            chunks.append(chunk)
        code = await process.wait()
        outcome.seconds = time.perf_counter() - began
        if code != 0:
            raise RuntimeError(f"{self.label}: exit status {code}")
        outcome.text = b"".join(chunks).decode(errors="replace").strip()
        return outcome

    async def time_cold_start(self, argv: list[str], reps: int) -> list[float]:
        seconds = []
        for _ in range(reps):
            began = time.perf_counter()
            process = await self._spawn(*argv)
            outcome = await self._read_until_exit(process, began)
            assert outcome.text == "2", outcome
            seconds.append(outcome.seconds)
        return seconds

    async def time_session_creation(self, reps: int) -> list[float]:
        return await self.time_cold_start(
            [sys.executable, "-c", "from sage.all import *; print(1+1)"], reps
        )

    async def time_interrupts(self, session: None, code: str, reps: int) -> list[float]:
        """SIGINT to the process once its code runs, until the process has exited."""
        seconds = []
        marked = f"print('running', flush=True)\n{code}"
        for _ in range(reps):
            process = await self._spawn(
                sys.executable, "-m", "bench.sage_runner", "once", "--code", marked
            )
            assert process.stdout is not None
            await process.stdout.readline()
            await asyncio.sleep(0.2)
            began = time.perf_counter()
            process.send_signal(signal.SIGINT)
            await process.wait()
            seconds.append(time.perf_counter() - began)
        return seconds


class InProcessSystem(System):
    """`exec` of the preparsed code in a live namespace, timed inside that process."""

    key = "inprocess"
    label = "in-process exec (floor)"

    def __init__(self) -> None:
        self._process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        self._process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bench.sage_runner",
            "serve",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
            cwd=ROOT,
            start_new_session=True,
        )
        ready = await self._reply()
        assert "ready" in ready, ready

    async def stop(self) -> None:
        process = self._process
        if process is not None and process.returncode is None:
            assert process.stdin is not None
            process.stdin.close()
            try:
                await asyncio.wait_for(process.wait(), 10)
            except TimeoutError:
                process.kill()
                await process.wait()

    async def _reply(self) -> dict[str, Any]:
        assert self._process is not None
        assert self._process.stdout is not None
        line = await self._process.stdout.readline()
        if not line:
            raise RuntimeError("the in-process floor exited")
        reply: dict[str, Any] = json.loads(line)
        if "error" in reply:
            raise RuntimeError(reply["error"])
        return reply

    async def _ask(self, **request: Any) -> dict[str, Any]:
        assert self._process is not None
        assert self._process.stdin is not None
        self._process.stdin.write((json.dumps(request) + "\n").encode())
        await self._process.stdin.drain()
        return await self._reply()

    async def open_session(self) -> None:
        return None

    async def evaluate(self, session: None, code: str, *, png: bool = False) -> Outcome:
        return (await self.time_evaluations(session, code, 1, png=png))[0]

    async def time_evaluations(
        self, session: None, code: str, reps: int, *, png: bool = False
    ) -> list[Outcome]:
        reply = await self._ask(op="time", code=code, reps=reps, png=png)
        firsts: list[float | None] = list(reply["first_output"]) or [None] * reps
        return [
            Outcome(seconds, first, reply["png_bytes"], reply["text"])
            for seconds, first in zip(reply["seconds"], firsts, strict=False)
        ]

    async def time_session_creation(self, reps: int) -> list[float]:
        return list((await self._ask(op="namespace", reps=reps))["seconds"])

    async def time_interrupts(self, session: None, code: str, reps: int) -> list[float]:
        """From SIGINT to `KeyboardInterrupt` inside the floor process."""
        seconds = []
        for _ in range(reps):
            assert (await self._ask(op="interrupt", code=code)).get("running")
            await asyncio.sleep(0.2)
            began = time.perf_counter()
            os.kill(self.pid(), signal.SIGINT)
            seconds.append((await self._reply())["caught"] - began)
        return seconds

    def pid(self) -> int:
        assert self._process is not None
        return self._process.pid


def sage_console_command() -> list[str] | None:
    """`sage -c` when this environment has the `sage` script, for a second cold start."""
    sage = BIN / "sage"
    if sage.exists() and os.access(sage, os.X_OK):
        return [str(sage), "-c", "print(1+1)"]
    return None
