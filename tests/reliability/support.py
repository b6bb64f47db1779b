"""What the reliability tests share: where figures go, probes of a running sidecar, and a
bystander session that keeps evaluating while a test attacks or overloads the sidecar."""

from __future__ import annotations

import contextlib
import statistics
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import grpc
import psutil
from sage_services.api.sage.v1 import sage_pb2 as pb
from sage_services.api.sage.v1 import sage_pb2_grpc

from tests.helpers import SERVING, SidecarProcess, create_session, finished_of, one, start_sidecar

ROOT = Path(__file__).resolve().parents[2]
# One JSON file per test; `python -m tests.reliability.report` renders them.
RESULTS = ROOT / "build" / "reliability"

# The gRPC statuses the contract documents for SageService (sage.proto); anything else from a
# call is a defect. UNAUTHENTICATED is documented for sidecars with a token.
DOCUMENTED_CODES = frozenset(
    {
        grpc.StatusCode.INVALID_ARGUMENT,
        grpc.StatusCode.NOT_FOUND,
        grpc.StatusCode.RESOURCE_EXHAUSTED,
        grpc.StatusCode.FAILED_PRECONDITION,
        grpc.StatusCode.UNAVAILABLE,
        grpc.StatusCode.DEADLINE_EXCEEDED,
        grpc.StatusCode.CANCELLED,
    }
)


def start_with_state(*args: str) -> tuple[SidecarProcess, Path]:
    """A sidecar with a state directory the test knows."""
    state = Path(tempfile.mkdtemp(prefix="sage-state-"))
    return start_sidecar("--state-dir", str(state), *args), state


def rss_bytes(pid: int) -> int:
    return int(psutil.Process(pid).memory_info().rss)


def percentile(values: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[rank]


def milliseconds(seconds: float) -> float:
    return round(seconds * 1000, 1)


def run_events(
    stub: sage_pb2_grpc.SageServiceStub,
    code: str,
    session_id: str = "",
    *,
    timeout: float | None = None,
    request_id: str = "",
    deadline: float = 120.0,
) -> list[pb.EvaluateResponse]:
    request = pb.EvaluateRequest(session_id=session_id, code=code, request_id=request_id)
    if timeout is not None:
        request.timeout.FromNanoseconds(int(timeout * 1e9))
    return list(stub.Evaluate(request, timeout=deadline))


def value_of(stub: sage_pb2_grpc.SageServiceStub, session_id: str, expression: str) -> str:
    events = run_events(stub, expression, session_id)
    return str(one(events, "result").result.text_plain)


def error_of(events: Sequence[pb.EvaluateResponse]) -> str:
    """`ename: evalue` of the evaluation's error event, or '' without one."""
    errors = [e.error for e in events if e.HasField("error")]
    return f"{errors[0].ename}: {errors[0].evalue}" if errors else ""


def status_name(events: Sequence[pb.EvaluateResponse]) -> str:
    return str(pb.EvaluationStatus.Name(finished_of(events).status))


@dataclass
class Bystander:
    """Evaluates `1+1` on its own session every `interval` seconds, in a thread, and records
    how long each took and what failed: the proof that other sessions keep serving."""

    sidecar: SidecarProcess
    interval: float = 0.1
    latencies: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        with self.sidecar.channel() as channel:
            stub = sage_pb2_grpc.SageServiceStub(channel)
            session = create_session(stub)
            while not self._stop.is_set():
                began = time.monotonic()
                try:
                    events = run_events(stub, "1+1", session, deadline=30)
                    if one(events, "result").result.text_plain != "2":
                        self.failures.append(f"wrong result: {events}")
                except (grpc.RpcError, AssertionError) as exc:
                    self.failures.append(repr(exc)[:300])
                self.latencies.append(time.monotonic() - began)
                self._stop.wait(self.interval)
            stub.DeleteSession(pb.DeleteSessionRequest(session_id=session), timeout=30)

    def stop(self) -> None:
        self._stop.set()

    def summary(self) -> dict[str, object]:
        return {
            "bystander evaluations": len(self.latencies),
            "bystander failures": len(self.failures),
            "bystander p50 ms": milliseconds(statistics.median(self.latencies or [0.0])),
            "bystander max ms": milliseconds(max(self.latencies, default=0.0)),
        }


@contextlib.contextmanager
def bystander(sidecar: SidecarProcess, interval: float = 0.1) -> Iterator[Bystander]:
    """A bystander session evaluating throughout the `with` block."""
    watcher = Bystander(sidecar, interval)
    thread = threading.Thread(target=watcher.run, name="bystander", daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not watcher.latencies and not watcher.failures and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        yield watcher
    finally:
        watcher.stop()
        thread.join(60)


def still_serving(sidecar: SidecarProcess) -> bool:
    """The sidecar process is alive and its health check says SERVING."""
    if sidecar.process.poll() is not None:
        return False
    try:
        return bool(sidecar.health() == SERVING)
    except grpc.RpcError:
        return False
