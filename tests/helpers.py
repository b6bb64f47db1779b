"""Start and stop real sidecar processes for tests, and check that nothing is left behind."""

from __future__ import annotations

import contextlib
import io
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import grpc
import PIL.Image
import psutil
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from sage_services.api.sage.v1 import sage_pb2 as pb
from sage_services.api.sage.v1 import sage_pb2_grpc

BIN = Path(sys.executable).parent
SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class SidecarProcess:
    """A `sage-sidecar` started as users start it, on a free loopback port."""

    process: subprocess.Popen[bytes]
    address: str
    log_path: Path
    _descendants: set[int] = field(default_factory=set)
    _terminated: bool = False

    @property
    def pid(self) -> int:
        return self.process.pid

    def channel(self) -> grpc.Channel:
        return grpc.insecure_channel(self.address)

    def stub(self) -> sage_pb2_grpc.SageServiceStub:
        return sage_pb2_grpc.SageServiceStub(self.channel())

    def health(self, service: str = "") -> int:
        with self.channel() as channel:
            stub = health_pb2_grpc.HealthStub(channel)
            return int(stub.Check(health_pb2.HealthCheckRequest(service=service), timeout=5).status)

    def wait_for_health(self, status: int, timeout: float = 180.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"sidecar exited with {self.process.returncode}:\n{self.log()}")
            try:
                if self.health() == status:
                    return
            except grpc.RpcError:
                pass
            time.sleep(0.1)
        raise TimeoutError(f"sidecar health never became {status}:\n{self.log()}")

    def remember_descendants(self) -> set[int]:
        """Record the sidecar's process tree, to check later that all of it is gone."""
        try:
            children = psutil.Process(self.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return self._descendants
        self._descendants |= {c.pid for c in children}
        return self._descendants

    def terminate(self) -> None:
        """Ask for a graceful shutdown (SIGTERM), once."""
        self.remember_descendants()
        if not self._terminated and self.process.poll() is None:
            self._terminated = True
            self.process.send_signal(signal.SIGTERM)

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 60.0) -> int:
        """Stop with `sig` (a second SIGTERM is not sent) and wait for the exit status."""
        self.remember_descendants()
        if sig == signal.SIGTERM:
            self.terminate()
        elif self.process.poll() is None:
            self.process.send_signal(sig)
        return exit_status(self.process, timeout)

    def leftover_processes(self, timeout: float = 15.0) -> list[int]:
        """Pids from the sidecar's tree still alive `timeout` seconds after it exited."""
        return still_alive_after(self._descendants, timeout)

    def kill_leftovers(self) -> None:
        for pid in self._descendants:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def exit_status(process: subprocess.Popen[bytes], timeout: float) -> int:
    """The exit status once the process ends; past `timeout` seconds it is killed instead,
    and TimeoutExpired raised, so that a test that hangs never leaves its process behind."""
    try:
        return process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        raise


def still_alive_after(pids: Iterable[int], timeout: float) -> list[int]:
    """The pids still alive (zombies do not count) once `timeout` seconds have passed, or as
    soon as none is."""
    deadline = time.monotonic() + timeout
    while True:
        alive = [pid for pid in pids if _alive(pid)]
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.1)


def wait_for_snapshot(state_dir: Path, session_id: str, execution_count: int) -> Path:
    """The snapshot taken after `execution_count`, once the session has rested long enough
    for the sidecar to write it."""
    path = state_dir / "sessions" / session_id / "snapshots" / f"{execution_count:010d}.sobj"
    deadline = time.monotonic() + 30
    while not path.exists():
        assert time.monotonic() < deadline, f"no snapshot after cell {execution_count}"
        time.sleep(0.05)
    return path


def rpc_error(call: Callable[[], object]) -> grpc.RpcError:
    """The error a unary call raises, or a streaming call raises once read."""

    def complete() -> None:
        result = call()
        if isinstance(result, Iterator):
            list(result)

    with pytest.raises(grpc.RpcError) as raised:
        complete()
    return raised.value


def delete_all_sessions(sidecar: SidecarProcess) -> None:
    with sidecar.channel() as channel:
        stub = sage_pb2_grpc.SageServiceStub(channel)
        for session in stub.ListSessions(pb.ListSessionsRequest(), timeout=30).sessions:
            stub.DeleteSession(pb.DeleteSessionRequest(session_id=session.session_id))


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def start_sidecar(
    *args: str,
    env: dict[str, str] | None = None,
    wait: bool = True,
    port: int | None = None,
    launcher: Sequence[str] = (),
) -> SidecarProcess:
    """A sidecar on a free port with a fresh state directory unless given; `launcher` is a
    command that runs it (its arguments come after)."""
    port = port or free_port()
    log = Path(tempfile.mkstemp(prefix="sidecar-", suffix=".log")[1])
    if "--state-dir" not in args:
        args = (*args, "--state-dir", tempfile.mkdtemp(prefix="sidecar-state-"))
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            [*launcher, str(BIN / "sage-sidecar"), "--listen", f"127.0.0.1:{port}", *args],
            stdout=log_file,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
        )
    sidecar = SidecarProcess(process, f"127.0.0.1:{port}", log)
    if wait:
        sidecar.wait_for_health(SERVING)
        sidecar.remember_descendants()
    return sidecar


def stop_and_check(sidecar: SidecarProcess) -> None:
    """Stop a sidecar with SIGTERM; fail if it exits non-zero or leaves processes behind."""
    try:
        code = sidecar.stop()
        leftovers = sidecar.leftover_processes()
    finally:
        sidecar.kill_leftovers()
    assert code == 0, f"sidecar exited with {code}:\n{sidecar.log()}"
    assert not leftovers, f"processes outlived the sidecar: {leftovers}"


def evaluate(
    stub: sage_pb2_grpc.SageServiceStub,
    code: str,
    session_id: str = "",
    timeout: float | None = None,
    deadline: float = 120.0,
) -> list[pb.EvaluateResponse]:
    """All events of one evaluation."""
    request = pb.EvaluateRequest(session_id=session_id, code=code)
    if timeout is not None:
        request.timeout.FromNanoseconds(int(timeout * 1e9))
    return list(stub.Evaluate(request, timeout=deadline))


def kinds(events: Sequence[pb.EvaluateResponse]) -> list[str]:
    return [str(e.WhichOneof("event")) for e in events]


def stdout_of(events: Sequence[pb.EvaluateResponse]) -> str:
    return "".join(e.stdout.text for e in events if e.HasField("stdout"))


def stderr_of(events: Sequence[pb.EvaluateResponse]) -> str:
    return "".join(e.stderr.text for e in events if e.HasField("stderr"))


def finished_of(events: Sequence[pb.EvaluateResponse]) -> pb.EvaluationFinished:
    assert events, "no events"
    assert events[-1].HasField("finished"), kinds(events)
    return events[-1].finished


def one(events: Sequence[pb.EvaluateResponse], kind: str) -> pb.EvaluateResponse:
    matching = [e for e in events if e.WhichOneof("event") == kind]
    assert len(matching) == 1, kinds(events)
    return matching[0]


def say_nothing(stub: sage_pb2_grpc.SageServiceStub, session: str, *cells: str) -> None:
    """Each cell runs and gets no note."""
    for code in cells:
        events = evaluate(stub, code, session)
        assert finished_of(events).status == pb.EVALUATION_STATUS_OK, code
        assert stderr_of(events) == "", code


def create_session(stub: sage_pb2_grpc.SageServiceStub) -> str:
    return str(stub.CreateSession(pb.CreateSessionRequest(), timeout=60).session.session_id)


def value(
    stub: sage_pb2_grpc.SageServiceStub, session: str, expression: str, deadline: float = 120.0
) -> str:
    """The console text of `expression` evaluated in `session`, which must succeed."""
    events = evaluate(stub, expression, session, deadline=deadline)
    assert finished_of(events).status == pb.EVALUATION_STATUS_OK, events
    return str(one(events, "result").result.text_plain)


def last_line_of_error(
    stub: sage_pb2_grpc.SageServiceStub, session: str, code: str, ename: str
) -> str:
    """The last line of the traceback of `code`, which must fail with `ename`: where a hint
    goes."""
    error = one(evaluate(stub, code, session), "error").error
    assert error.ename == ename, error
    return str(error.traceback).rstrip("\n").rsplit("\n", 1)[-1]


# Four frames, which Sage joins with ffmpeg.
ANIMATION = "a = animate([plot(sin(x + k), (x, 0, 6)) for k in srange(0, 2, 0.5)])"


def gif_frames(data: bytes) -> int:
    """How many frames a GIF has; fails if `data` is not one."""
    with PIL.Image.open(io.BytesIO(data)) as image:
        assert image.format == "GIF"
        return int(getattr(image, "n_frames", 1))


def worker_pid(stub: sage_pb2_grpc.SageServiceStub, session: str) -> int:
    return int(stub.GetSession(pb.GetSessionRequest(session_id=session)).session.worker_pid)


def streamed(call: Iterator[pb.EvaluateResponse]) -> Iterator[tuple[float, pb.EvaluateResponse]]:
    """Events with the monotonic time each arrived."""
    for event in call:
        yield time.monotonic(), event
