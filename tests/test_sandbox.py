"""Sage code cannot reach the network, other sessions' state, or the server process."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
from sage_services.api.sage.v1 import sage_pb2 as pb
from sage_services.api.sage.v1 import sage_pb2_grpc

from tests.helpers import (
    SERVING,
    SidecarProcess,
    create_session,
    evaluate,
    one,
    start_sidecar,
    stop_and_check,
)


@pytest.fixture(scope="module")
def state_dir() -> Path:
    return Path(tempfile.mkdtemp(prefix="sage-state-"))


@pytest.fixture(scope="module")
def confined(state_dir: Path) -> Iterator[SidecarProcess]:
    sidecar = start_sidecar(
        "--state-dir", str(state_dir), "--worker-max-file-bytes", "1MiB",
        "--worker-max-open-files", "256", "--worker-max-processes", "32", "--warm-workers", "1",
    )  # fmt: skip
    yield sidecar
    stop_and_check(sidecar)


@pytest.fixture
def stub(confined: SidecarProcess) -> Iterator[sage_pb2_grpc.SageServiceStub]:
    with confined.channel() as channel:
        yield sage_pb2_grpc.SageServiceStub(channel)


def _sandbox_report(sidecar: SidecarProcess) -> dict[str, str]:
    lines = [json.loads(line) for line in sidecar.log().splitlines()]
    prefix = "worker sandbox: "
    return dict(
        line["message"][len(prefix) :].split(": ", 1)
        for line in lines
        if line["message"].startswith(prefix)
    )


def _outcome(stub: sage_pb2_grpc.SageServiceStub, code: str, session: str = "") -> str:
    """The cell's result, or its error as 'Ename: evalue'."""
    events = evaluate(stub, code, session)
    errors = [e.error for e in events if e.HasField("error")]
    if errors:
        return f"{errors[0].ename}: {errors[0].evalue}"
    return str(one(events, "result").result.text_plain)


def test_sidecar_reports_its_sandbox_at_start_up(confined: SidecarProcess) -> None:
    report = _sandbox_report(confined)
    if os.geteuid() != 0 and "NOT" in report.get("network", ""):
        pytest.skip(f"this platform refuses namespaces: {report}")
    assert report == {
        "network": "none (own network namespace)",
        "scratch": "private tmpfs",
        "state directory": "hidden",
        "server": "out of reach (seccomp)",
        "processes": "at most 32 per worker"
        if os.geteuid() == 0
        else "NOT limited by the sidecar: workers share its uid, which RLIMIT_NPROC would count "
        "as a whole; the container's pids limit applies",
        "user": "a uid of its own per worker, no capabilities"
        if os.geteuid() == 0
        else "the sidecar's own uid (a uid per worker needs the sidecar to start as root)",
    }


def test_worker_cannot_open_a_socket(
    stub: sage_pb2_grpc.SageServiceStub, confined: SidecarProcess
) -> None:
    host, port = confined.address.rsplit(":", 1)
    code = f"import socket\nsocket.create_connection(({host!r}, int({port})), timeout=5)"
    assert _outcome(stub, code).startswith("OSError: [Errno 101] Network is unreachable")


def test_worker_cannot_read_another_sessions_state(
    stub: sage_pb2_grpc.SageServiceStub, state_dir: Path
) -> None:
    victim = create_session(stub)
    evaluate(stub, "secret = 'victim data'", victim)
    journal = state_dir / "sessions" / victim / "journal.jsonl"
    assert journal.exists()
    outcome = _outcome(stub, f"open({str(journal)!r}).read()")
    assert outcome.startswith(("PermissionError", "FileNotFoundError")), outcome
    # An empty tmpfs covers the directory (root may list it: it is empty).
    listing = _outcome(stub, f"import os\nos.listdir({str(state_dir)!r})")
    assert listing == "[]" or listing.startswith("PermissionError"), listing


def test_worker_cannot_signal_the_server(
    stub: sage_pb2_grpc.SageServiceStub, confined: SidecarProcess
) -> None:
    for code in (
        f"import os, signal\nos.kill({confined.pid}, signal.SIGTERM)",
        f"import os, signal\nos.kill(-os.getpgid({confined.pid}), signal.SIGKILL)",
        "import os, signal\nos.kill(-1, signal.SIGKILL)",
        "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)",
    ):
        assert _outcome(stub, code).startswith("PermissionError"), code
    assert confined.process.poll() is None
    assert confined.health() == SERVING


def test_each_session_has_a_private_scratch_directory(stub: sage_pb2_grpc.SageServiceStub) -> None:
    first, second = create_session(stub), create_session(stub)
    here = _outcome(stub, "import os\nopen('note.txt', 'w').write('mine')\nos.getcwd()", first)
    assert _outcome(stub, "import os, tempfile\nos.getcwd() == tempfile.gettempdir()", first) == (
        "True"
    )
    there = _outcome(stub, f"import os\nos.path.exists({here + '/note.txt'!r})", second)
    assert there == "False"


def test_file_size_and_open_file_limits_end_in_clear_errors(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    session = create_session(stub)
    big = _outcome(stub, "open('big', 'wb').write(b'x' * 2^21)", session)
    assert big.startswith("OSError: [Errno 27] File too large"), big
    many = _outcome(stub, "handles = [open('f%d' % i, 'w') for i in range(300)]", session)
    assert many.startswith("OSError: [Errno 24] Too many open files"), many
    assert _outcome(stub, "1 + 1", session) == "2"


def test_clone_of_a_session_at_its_process_limit_is_refused_and_the_session_lives_on(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    session = create_session(stub)
    filled = _outcome(stub, (
        "import threading\nrelease = threading.Event()\nthreads = []\n"
        "try:\n    while True:\n"
        "        threads.append(threading.Thread(target=release.wait)); threads[-1].start()\n"
        "except RuntimeError as exc:\n    full = str(exc)\nfull"
    ), session)  # fmt: skip
    assert "can't start new thread" in filled
    with pytest.raises(grpc.RpcError) as refused:
        stub.CloneSession(pb.CloneSessionRequest(session_id=session), timeout=60)
    assert refused.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert "fork() failed" in str(refused.value.details())
    assert _outcome(stub, "release.set(); len(threads) > 8", session) == "True"


def test_programs_sage_bundles_find_their_libraries(stub: sage_pb2_grpc.SageServiceStub) -> None:
    # tachyon (3D plots) loads its libraries through an `$ORIGIN` rpath, which the loader
    # ignores when the kernel runs a program in secure mode.
    output = _outcome(stub, (
        "import os, subprocess, sage.all\n"
        "site = os.path.dirname(os.path.dirname(sage.all.__file__))\n"
        "binary = os.path.join(site, 'sage_wheels', 'bin', 'tachyon')\n"
        "ran = subprocess.run([binary], capture_output=True) if os.access(binary, os.X_OK) "
        "else None\n"
        "(ran.stdout + ran.stderr).decode() if ran else 'unreachable'"
    ))  # fmt: skip
    if output == "'unreachable'":
        # A worker of a root sidecar runs programs as its own uid: an installation under a
        # home only root may enter (/root) is out of their reach whatever the loader does.
        pytest.skip("Sage's installation is not reachable by the worker's uid")
    assert "error while loading shared libraries" not in output
    assert "Tachyon" in output


def test_core_dumps_are_off(stub: sage_pb2_grpc.SageServiceStub) -> None:
    assert _outcome(stub, "import resource\nresource.getrlimit(resource.RLIMIT_CORE)") == "(0, 0)"


def test_network_can_be_allowed_explicitly() -> None:
    sidecar = start_sidecar("--worker-network", "--warm-workers", "1")
    try:
        assert _sandbox_report(sidecar)["network"] == "host"
    finally:
        stop_and_check(sidecar)
