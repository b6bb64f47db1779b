"""Bombs: code written to exhaust a resource. Each is contained in its own evaluation with a
clear in-band error, while a bystander session keeps evaluating and the sidecar's own memory
stays put.

A plain MemoryError from one big allocation, and output cut at the limit, are in
tests/test_statuses_and_limits.py; file-size and open-file limits in tests/test_sandbox.py.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sage_services.api.sage.v1 import sage_pb2 as pb
from sage_services.api.sage.v1 import sage_pb2_grpc

from tests.helpers import SidecarProcess, create_session, finished_of, one, stop_and_check
from tests.reliability.support import (
    bystander,
    error_of,
    rss_bytes,
    run_events,
    start_with_state,
    status_name,
    still_serving,
    value_of,
)

MEMORY = 1 << 30
MAX_OUTPUT = 256 * 1024
MAX_PROCESSES = 64
# The sidecar process itself may grow this much while a bomb goes off next to it.
SERVER_GROWTH = 32 << 20


@pytest.fixture(scope="module")
def sidecar() -> Iterator[SidecarProcess]:
    process, _ = start_with_state(
        "--worker-memory-bytes", str(MEMORY),
        "--max-output-bytes", str(MAX_OUTPUT),
        "--worker-max-processes", str(MAX_PROCESSES),
        "--interrupt-grace-seconds", "1",
        "--warm-workers", "1",
    )  # fmt: skip
    yield process
    stop_and_check(process)


@pytest.fixture
def stub(sidecar: SidecarProcess) -> Iterator[sage_pb2_grpc.SageServiceStub]:
    with sidecar.channel() as channel:
        yield sage_pb2_grpc.SageServiceStub(channel)


@pytest.fixture
def session(stub: sage_pb2_grpc.SageServiceStub) -> Iterator[str]:
    """A session holding a committed variable, which every bomb must leave intact."""
    session = create_session(stub)
    run_events(stub, "kept = 'committed'", session)
    yield session
    stub.DeleteSession(pb.DeleteSessionRequest(session_id=session), timeout=30)


def _detonate(
    sidecar: SidecarProcess,
    stub: sage_pb2_grpc.SageServiceStub,
    session: str,
    code: str,
    figures: dict[str, object],
    timeout: float | None = None,
) -> list[pb.EvaluateResponse]:
    """Run the bomb next to a bystander; check and record what a bomb must not change."""
    server_before = rss_bytes(sidecar.pid)
    with bystander(sidecar) as watcher:
        events = run_events(stub, code, session, timeout=timeout, deadline=120)
    finished = finished_of(events)
    figures["status"] = status_name(events)
    figures["error"] = error_of(events)[:160]
    figures["seconds"] = round(finished.duration.ToNanoseconds() / 1e9, 2)
    figures["worker peak MiB"] = round(finished.peak_memory_bytes / 2**20)
    growth = rss_bytes(sidecar.pid) - server_before
    figures["sidecar RSS growth MiB"] = round(growth / 2**20, 1)
    figures.update(watcher.summary())
    assert not watcher.failures, watcher.failures[:3]
    assert growth < SERVER_GROWTH
    assert still_serving(sidecar)
    assert value_of(stub, session, "kept") == "'committed'"
    return events


def test_memory_bomb_touching_every_page_is_a_memory_error(
    sidecar: SidecarProcess,
    stub: sage_pb2_grpc.SageServiceStub,
    session: str,
    figures: dict[str, object],
) -> None:
    """Allocating and filling 64 MiB blocks until something gives ends in MemoryError at the
    worker's limit, not in the out-of-memory killer."""
    code = "[bytearray(b'\\x01') * int(64 * 2^20) for _ in range(10^6)]"
    events = _detonate(sidecar, stub, session, code, figures)
    assert one(events, "error").error.ename == "MemoryError"
    assert finished_of(events).status == pb.EVALUATION_STATUS_ERROR


def test_fork_bomb_is_stopped_at_the_process_limit(
    sidecar: SidecarProcess,
    stub: sage_pb2_grpc.SageServiceStub,
    session: str,
    figures: dict[str, object],
) -> None:
    """Forking until it fails stops at the worker's process limit with an in-band error.

    The bomb is bounded (at most four times the limit, children that sleep and exit), so that a
    failed containment cannot take the host down with it. Deleting the session afterwards
    kills the children with the worker's process group.
    """
    code = (
        "import os, time\n"
        "children = 0\n"
        f"for _ in range({4 * MAX_PROCESSES}r):\n"
        "    pid = os.fork()\n"
        "    if pid == 0:\n"
        "        time.sleep(20)\n"
        "        os._exit(0)\n"
        "    children += 1\n"
    )
    events = _detonate(sidecar, stub, session, code, figures)
    forked = value_of(stub, session, "children") if not error_of(events) else "?"
    figures["children forked"] = forked
    assert error_of(events).startswith("BlockingIOError"), (
        f"{4 * MAX_PROCESSES} forks succeeded: nothing limits a worker's processes"
    )


@pytest.mark.parametrize(
    ("flood", "code"),
    [
        pytest.param("print", "while True: print('x' * 1000)", id="python-print"),
        pytest.param(
            "fd 1", "import os\nwhile True: os.write(1, b'y' * 65536)", id="raw-file-descriptor"
        ),
        pytest.param("stderr", "import sys\nwhile True: sys.stderr.write('z' * 4096)", id="stderr"),
    ],
)
def test_endless_output_flood_is_cut_and_timed_out(
    sidecar: SidecarProcess,
    stub: sage_pb2_grpc.SageServiceStub,
    session: str,
    flood: str,
    code: str,
    figures: dict[str, object],
) -> None:
    """Printing forever sends at most the output limit, then the timeout ends it."""
    events = _detonate(sidecar, stub, session, code, figures, timeout=3.0)
    received = sum(len(e.stdout.text) + len(e.stderr.text) for e in events)
    figures["bytes received"] = received
    assert finished_of(events).status == pb.EVALUATION_STATUS_TIMED_OUT
    assert finished_of(events).output_truncated
    assert received <= MAX_OUTPUT + 200


def test_infinite_recursion_is_a_recursion_error(
    sidecar: SidecarProcess,
    stub: sage_pb2_grpc.SageServiceStub,
    session: str,
    figures: dict[str, object],
) -> None:
    """Unbounded recursion ends in RecursionError; the session lives on."""
    events = _detonate(sidecar, stub, session, "def f(n): return f(n + 1)\nf(0)", figures)
    assert one(events, "error").error.ename == "RecursionError"


@pytest.mark.parametrize(
    ("kind", "code"),
    [
        pytest.param("print", "print(3^(10^7))", id="printed"),
        pytest.param("result", "3^(10^7)", id="result"),
        pytest.param("factorial", "print(factorial(10^6))", id="factorial"),
    ],
)
def test_huge_integer_printout_is_cut_at_the_output_limit(
    sidecar: SidecarProcess,
    stub: sage_pb2_grpc.SageServiceStub,
    session: str,
    kind: str,
    code: str,
    figures: dict[str, object],
) -> None:
    """Integers of millions of digits, printed or as the result, arrive cut at the output
    limit, and the evaluation ends OK."""
    events = _detonate(sidecar, stub, session, code, figures)
    text = "".join(e.stdout.text for e in events) + "".join(
        e.result.text_plain for e in events if e.HasField("result")
    )
    figures["bytes received"] = len(text)
    assert finished_of(events).status == pb.EVALUATION_STATUS_OK
    assert finished_of(events).output_truncated
    assert len(text.encode()) <= MAX_OUTPUT + 200
