"""Sage code cannot reach the network, other sessions' state, or the server process."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import stat
import sys
import sysconfig
import tempfile
from collections.abc import Iterator
from pathlib import Path

import grpc
import psutil
import pytest
import sage_sidecar
from sage_services.api.sage.v1 import sage_pb2 as pb
from sage_services.api.sage.v1 import sage_pb2_grpc
from sage_sidecar import landlock

from tests.helpers import (
    ANIMATION,
    SERVING,
    SidecarProcess,
    create_session,
    evaluate,
    gif_frames,
    one,
    start_sidecar,
    stop_and_check,
)

ROOT = os.geteuid() == 0
LANDLOCK = landlock.abi_version()
OWN_FILES = "the worker's own uid, as are the programs it starts"
WORKER_NICE = 7


@pytest.fixture(scope="module")
def state_dir() -> Path:
    return Path(tempfile.mkdtemp(prefix="sage-state-"))


@pytest.fixture(scope="module")
def confined(state_dir: Path) -> Iterator[SidecarProcess]:
    sidecar = start_sidecar(
        "--state-dir", str(state_dir), "--worker-max-file-bytes", "1MiB",
        "--worker-max-open-files", "256", "--worker-max-processes", "32", "--warm-workers", "1",
        "--worker-nice", str(WORKER_NICE),
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


def _own_nice() -> int:
    return os.getpriority(os.PRIO_PROCESS, 0)  # the sidecar's too: it inherits it


def _worker_nice() -> int:
    return min(19, _own_nice() + WORKER_NICE)


def _outcome(stub: sage_pb2_grpc.SageServiceStub, code: str, session: str = "") -> str:
    """The cell's result, or its error as 'Ename: evalue'."""
    events = evaluate(stub, code, session)
    errors = [e.error for e in events if e.HasField("error")]
    if errors:
        return f"{errors[0].ename}: {errors[0].evalue}"
    return str(one(events, "result").result.text_plain)


def _printed(stub: sage_pb2_grpc.SageServiceStub, code: str, session: str) -> str:
    """What the cell printed, which must succeed (a repr wraps long values over lines)."""
    events = evaluate(stub, code, session)
    assert not [e for e in events if e.HasField("error")], events
    return "".join(e.stdout.text for e in events if e.HasField("stdout"))


def test_sidecar_reports_its_sandbox_at_start_up(confined: SidecarProcess) -> None:
    report = _sandbox_report(confined)
    if os.geteuid() != 0 and "NOT" in report.get("network", ""):
        pytest.skip(f"this platform refuses namespaces: {report}")
    files = report.pop("files", "")
    assert report == {
        "network": "none (own network namespace); no sockets but Unix and netlink ones, and no "
        "connect (seccomp)",
        "scratch": "private tmpfs",
        "state directory": "hidden",
        "server": "out of reach (seccomp)",
        "kernel": "no namespaces, mounts, BPF, perf events, userfaultfd, keyrings or io_uring "
        "(seccomp)",
        "processes": "at most 32 per worker"
        if os.geteuid() == 0
        else "NOT limited by the sidecar: workers share its uid, which RLIMIT_NPROC would count "
        "as a whole; the container's pids limit applies",
        "user": "a uid of its own per worker, no capabilities"
        if os.geteuid() == 0
        else "the sidecar's own uid, no capabilities (a uid per worker needs the sidecar to "
        "start as root)",
        "other workers": "out of reach (a uid of its own)"
        if os.geteuid() == 0
        else "out of reach (Landlock scopes, and no scratch in sight but its own)"
        if LANDLOCK >= 6
        else report["other workers"],
        "cpu priority": f"below the server's (nice {_worker_nice()}, the server's {_own_nice()})",
    }
    # As root, even with the installation under a home only root may enter (closed
    # directories are opened to the worker in its mount namespace).
    assert files == (OWN_FILES if ROOT else "the sidecar's uid, as the worker's")


def test_a_root_sidecars_worker_can_neither_write_nor_read_roots_files(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """It once read and wrote files as root wherever its own uid could not read the Python
    installation (a home only root may enter): /etc/passwd was one open() away."""
    if not ROOT:
        pytest.skip("a sidecar that is not root has no root files to keep workers from")
    place = Path(tempfile.mkdtemp(prefix="sage-roots-", dir="/var/tmp"))
    try:
        place.chmod(0o755)
        secret = place / "secret"
        secret.write_text("root's")
        secret.chmod(0o600)
        session = create_session(stub)
        written = _outcome(stub, f"open({str(place / 'planted')!r}, 'w')", session)
        read = _outcome(stub, f"open({str(secret)!r}).read()", session)
        planted = (place / "planted").exists()
    finally:
        shutil.rmtree(place, ignore_errors=True)
    assert written.startswith("PermissionError: [Errno 13]"), written
    assert read.startswith("PermissionError: [Errno 13]"), read
    assert not planted


def _closed_directories() -> list[str]:
    """The directories on the way to this Python installation that other users cannot enter
    and read (a home only root may enter), outermost first."""
    found: list[str] = []
    for path in (
        os.path.realpath(sys.executable),
        *(sysconfig.get_path(name) for name in ("stdlib", "purelib")),
        *sage_sidecar.__path__,
    ):
        for directory in (*reversed(Path(path).parents), Path(path)):
            mode = directory.stat().st_mode
            if stat.S_ISDIR(mode) and mode & 0o005 != 0o005 and str(directory) not in found:
                found.append(str(directory))
    return found


def test_worker_cannot_open_a_socket(
    stub: sage_pb2_grpc.SageServiceStub, confined: SidecarProcess
) -> None:
    host, port = confined.address.rsplit(":", 1)
    code = f"import socket\nsocket.create_connection(({host!r}, int({port})), timeout=5)"
    assert _outcome(stub, code).startswith("PermissionError: [Errno 13]")


def test_a_network_call_refused_by_the_sandbox_says_there_is_no_network(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """Not a flaky network, which a model would retry: the traceback says why. Other
    failures, a file's permissions among them, get no such note."""
    for code in (
        "import urllib.request\nurllib.request.urlopen('http://example.com/', timeout=5)",
        "import socket\nsocket.socket(socket.AF_INET, socket.SOCK_STREAM)",
        "import socket\nsocket.getaddrinfo('example.com', int(80))",
    ):
        error = one(evaluate(stub, code), "error").error
        assert error.traceback.endswith(_OFFLINE_NOTE), (code, error)
    locked = "import os\nopen('locked', 'w').close()\nos.chmod('locked', 0)\nopen('locked')"
    error = one(evaluate(stub, locked), "error").error
    assert error.ename == "PermissionError", error
    assert "network" not in error.traceback, error


_OFFLINE_NOTE = (
    "Sage code here has no network access: the sidecar runs it offline unless started with "
    "--worker-network. Put the data in the code, or read it from a folder the sidecar is "
    "given with --worker-read-dirs.\n"
)


# Sage code that opens a socket of each family the worker must not have: what each gave.
_SOCKETS_OPENED = """
import socket
opened = {}
for family, kind in ((socket.AF_INET, socket.SOCK_DGRAM), (socket.AF_INET6, socket.SOCK_STREAM),
                     (socket.AF_VSOCK, socket.SOCK_STREAM)):
    try:
        socket.socket(family, kind).close()
        opened[family.name] = 'opened'
    except OSError as exc:
        opened[family.name] = exc.errno
sorted(opened.items())
"""
# io_uring_setup(1, NULL) (numbers raw, not Sage integers): EFAULT where io_uring is allowed,
# EPERM where it is refused.
_IO_URING_ERRNO = (
    "import ctypes\nc = ctypes.CDLL(None, use_errno=True)\n"
    "c.syscall(425r, 1r, None), ctypes.get_errno()"
)


def _check_only_local_sockets(stub: sage_pb2_grpc.SageServiceStub, session: str) -> None:
    """IPv4 and IPv6 (UDP, so DNS, included) and vsock sockets are refused, and io_uring with
    them (it opens sockets of its own); Unix sockets, which Sage's helpers use, work."""
    refused = "[('AF_INET', 13), ('AF_INET6', 13), ('AF_VSOCK', 13)]"
    assert _outcome(stub, _SOCKETS_OPENED, session) == refused
    assert _outcome(stub, _IO_URING_ERRNO, session) == "(-1, 1)"
    unix = "import socket\na, b = socket.socketpair()\na.send(b'ok')\nb.recv(2)"
    assert _outcome(stub, unix, session) == "b'ok'"


# Raw system calls from Sage code (numbers raw, not Sage integers): what each returned, and
# its errno. unshare(CLONE_NEWUSER), which gives a process every capability in a namespace
# of its own; clone(CLONE_NEWUSER|SIGCHLD); clone3 (its flags unreadable to a filter); a
# keyring lookup.
_KERNEL_CALLS = """
import ctypes, platform
libc = ctypes.CDLL(None, use_errno=True)
numbers = {'x86_64': (272r, 56r, 435r, 250r), 'aarch64': (97r, 220r, 435r, 219r)}
unshare, clone, clone3, keyctl = numbers[platform.machine()]
outcomes = []
for number, args in ((unshare, (0x10000000r,)), (clone, (0x10000011r, 0r, 0r, 0r, 0r)),
                     (clone3, (0r, 0r)), (keyctl, (0r, -3r))):
    outcomes.append((libc.syscall(number, *args), ctypes.get_errno()))
outcomes
"""


def test_worker_cannot_make_namespaces_or_reach_the_most_exploited_kernel_interfaces(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    session = create_session(stub)
    eperm, enosys = 1, 38
    assert _outcome(stub, _KERNEL_CALLS, session) == (
        f"[(-1, {eperm}), (-1, {eperm}), (-1, {enosys}), (-1, {eperm})]"
    )
    # What Sage and Python use still works: threads (clone3 falls back), processes, fork.
    works = (
        "import os, subprocess, threading\nout = []\n"
        "t = threading.Thread(target=lambda: out.append('thread')); t.start(); t.join()\n"
        "out.append(subprocess.run(['echo', 'process'], capture_output=True, text=True)"
        ".stdout.strip())\n"
        "pid = os.fork()\nif pid == 0:\n    os._exit(7r)\n"
        "out.append(os.waitstatus_to_exitcode(os.waitpid(pid, 0r)[1]))\nout"
    )
    assert _outcome(stub, works, session) == "['thread', 'process', 7]"


def test_worker_opens_no_sockets_but_unix_ones(stub: sage_pb2_grpc.SageServiceStub) -> None:
    _check_only_local_sockets(stub, create_session(stub))


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


def test_workers_run_below_the_servers_cpu_priority_and_cannot_raise_it(
    stub: sage_pb2_grpc.SageServiceStub, confined: SidecarProcess
) -> None:
    session = create_session(stub)
    info = stub.GetSession(pb.GetSessionRequest(session_id=session), timeout=30).session
    assert psutil.Process(confined.pid).nice() == _own_nice()
    assert psutil.Process(info.worker_pid).nice() == _worker_nice()
    assert _outcome(stub, "import os\nos.nice(-1)", session).startswith("PermissionError")
    assert _outcome(stub, "import os\nos.setpriority(os.PRIO_PROCESS, 0, 0)", session).startswith(
        "PermissionError"
    )
    assert psutil.Process(info.worker_pid).nice() == _worker_nice()


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


def test_a_clone_that_fails_to_start_is_an_internal_error_whose_reason_is_logged(
    confined: SidecarProcess, stub: sage_pb2_grpc.SageServiceStub
) -> None:
    """Here because the source's code took its family directory's write permission, where
    the clone makes its scratch: the clone fails, the caller learns so, the session serves."""
    session = create_session(stub)
    evaluate(stub, "import os\nos.chmod(os.path.dirname(os.getcwd()), 0o500)", session)
    with pytest.raises(grpc.RpcError) as failed:
        stub.CloneSession(pb.CloneSessionRequest(session_id=session), timeout=60)
    assert failed.value.code() == grpc.StatusCode.INTERNAL, failed.value
    assert f"Session {session} could not be cloned" in (failed.value.details() or "")
    assert "PermissionError: [Errno 13]" in confined.log()
    assert _outcome(stub, "1+1", session) == "2"


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


def test_maxima_started_by_a_worker_answers(stub: sage_pb2_grpc.SageServiceStub) -> None:
    # `access` asks as the worker's real uid, as whom the programs it starts run.
    if _outcome(stub, "import os, sage.env\nos.access(sage.env.MAXIMA, os.X_OK)") != "True":
        # As in the test above: an installation under /root is out of those programs' reach.
        pytest.skip("Sage's installation is not reachable by the worker's uid")
    # Maxima makes `$HOME/.maxima` at start; HOME is the scratch, which the worker's uid owns.
    events = evaluate(stub, "maxima('integrate(x^2,x)')", timeout=60)
    assert one(events, "result").result.text_plain == "x^3/3", events


def test_sessions_do_not_share_sages_temporary_directory(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    where = (
        "import os\nfrom sage.misc.temporary_file import tmp_filename\n"
        "print(os.path.dirname(os.path.dirname(tmp_filename())) == os.getcwd(), "
        "os.path.dirname(tmp_filename()))"
    )
    first, second = create_session(stub), create_session(stub)
    in_first, first_dir = _printed(stub, where, first).split()
    in_second, second_dir = _printed(stub, where, second).split()
    assert (in_first, in_second) == ("True", "True")  # in each session's own scratch
    assert first_dir != second_dir


def test_core_dumps_are_off(stub: sage_pb2_grpc.SageServiceStub) -> None:
    assert _outcome(stub, "import resource\nresource.getrlimit(resource.RLIMIT_CORE)") == "(0, 0)"


def test_network_can_be_allowed_explicitly() -> None:
    sidecar = start_sidecar("--worker-network", "--warm-workers", "1")
    try:
        assert _sandbox_report(sidecar)["network"] == "host"
        with sidecar.channel() as channel:
            stub = sage_pb2_grpc.SageServiceStub(channel)
            opened = _outcome(stub, _SOCKETS_OPENED, create_session(stub))
            unresolved = evaluate(
                stub, "import socket\nsocket.getaddrinfo('name.invalid', int(80))"
            )
        assert "('AF_INET', 'opened'), ('AF_INET6', 'opened')" in opened, opened
        error = one(unresolved, "error").error
        assert error.ename == "gaierror", error
        assert "network access" not in error.traceback, error
    finally:
        stop_and_check(sidecar)


@contextlib.contextmanager
def _not_root(
    *launcher: str,
    args: tuple[str, ...] = (),
    home: Path | None = None,
    env: dict[str, str] | None = None,
) -> Iterator[tuple[SidecarProcess, Path]]:
    """A sidecar that is not root (uid 10001 when the tests are root), started through
    `launcher`; and its state directory. Neither is under /tmp, as in the containers: under
    Landlock, what is on the way to them is not granted. Nor is its home, as on a desktop;
    in it, a file only its user may read and a folder of data workers are given to read."""
    state = Path(tempfile.mkdtemp(prefix="sage-state-", dir="/var/tmp"))
    scratch = Path(tempfile.mkdtemp(prefix="sage-scratch-", dir="/var/tmp"))
    made_home = home is None
    if home is None:
        home = Path(tempfile.mkdtemp(prefix="sage-home-", dir="/var/lib" if ROOT else None))
        (home / "data").mkdir()
        (home / "data" / "table.csv").write_text("1,2\n")
        (home / ".secret").write_text("the user's\n")
    layers = Path(tempfile.mkdtemp(prefix="sage-overlays-"))
    prefix: list[str] = []
    if ROOT:
        if made_home:
            for path in (home, home / "data", home / "data" / "table.csv", home / ".secret"):
                os.chown(path, 10001, 10001)
        for path in (state, scratch):
            os.chown(path, 10001, 10001)
        prefix += _opened_installation(layers)
        prefix += ["setpriv", "--reuid=10001", "--regid=10001", "--clear-groups"]
    if made_home:
        (home / ".secret").chmod(0o600)
        home.chmod(0o700)
        args = (*args, "--worker-read-dirs", str(home / "data"))
    sidecar = start_sidecar(
        "--state-dir", str(state), "--worker-scratch-dir", str(scratch), "--warm-workers", "1",
        *args,
        launcher=[*prefix, *launcher],
        env={"HOME": str(home), **(env or {})},
    )  # fmt: skip
    try:
        yield sidecar, state
    finally:
        stop_and_check(sidecar)
        for path in (state, scratch, layers, *([home] if made_home else [])):
            shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="module")
def without_namespaces() -> Iterator[tuple[SidecarProcess, Path]]:
    """A sidecar as the shipped containers run it: not root, on a platform that refuses
    namespaces as a container runtime's default seccomp profile does."""
    if LANDLOCK < 4:
        pytest.skip(f"Landlock with TCP rules needs ABI 4; this kernel has {LANDLOCK}")
    with _not_root(sys.executable, str(Path(__file__).with_name("no_namespaces.py"))) as started:
        yield started


@pytest.fixture(scope="module")
def user_namespaces() -> Iterator[tuple[SidecarProcess, Path]]:
    """A sidecar that is not root, on a platform that lets it make user namespaces (a
    desktop, or a container given a seccomp profile that allows them): each worker has one
    of its own, in which it made the mounts that hide the state directory."""
    with _not_root() as (sidecar, state):
        if _sandbox_report(sidecar)["state directory"] != "hidden":
            pytest.skip(f"this platform refuses user namespaces: {_sandbox_report(sidecar)}")
        yield sidecar, state


@pytest.fixture(params=["without_namespaces", "user_namespaces"])
def not_root(request: pytest.FixtureRequest) -> tuple[SidecarProcess, Path]:
    """Each way a sidecar that is not root confines its workers."""
    started: tuple[SidecarProcess, Path] = request.getfixturevalue(request.param)
    return started


def test_without_root_sage_code_cannot_reach_the_unix_services_of_the_sidecars_user(
    not_root: tuple[SidecarProcess, Path],
) -> None:
    """On a desktop, the user's D-Bus, ssh-agent or Docker socket; anywhere, the forkserver's.
    Workers share the sidecar's uid, so only the refusal of `connect` keeps them out."""
    sidecar, _ = not_root
    home = Path(tempfile.mkdtemp(prefix="sage-user-service-", dir="/var/tmp"))
    try:
        with socket.socket(socket.AF_UNIX) as service:
            service.bind(str(home / "agent.sock"))
            service.listen()
            service.settimeout(1)
            if ROOT:  # the sidecar's user's, and theirs alone, as a desktop's services are
                for path in (home, home / "agent.sock"):
                    os.chown(path, 10001, 10001)
            (home / "agent.sock").chmod(0o600)
            home.chmod(0o700)
            with sidecar.channel() as channel:
                stub = sage_pb2_grpc.SageServiceStub(channel)
                code = (
                    "import socket\ns = socket.socket(socket.AF_UNIX)\n"
                    f"s.connect({str(home / 'agent.sock')!r})"
                )
                dialled = _outcome(stub, code, create_session(stub))
            with pytest.raises(TimeoutError):
                service.accept()
    finally:
        shutil.rmtree(home, ignore_errors=True)
    assert dialled.startswith("PermissionError: [Errno 13]"), dialled


def test_without_root_sage_code_writes_only_to_its_scratch_and_temporary_directories(
    not_root: tuple[SidecarProcess, Path],
) -> None:
    """Sharing the sidecar's uid, Sage code could write whatever that user may: on a
    desktop, the user's own home, where `~/.bashrc` runs the next time a shell starts."""
    sidecar, _ = not_root
    # Outside the temporary directories, as a home is: /var/lib as root, the home otherwise.
    home = Path(tempfile.mkdtemp(prefix="sage-user-home-", dir="/var/lib" if ROOT else Path.home()))
    (home / ".bashrc").write_text("# the user's\n")
    if ROOT:
        for path in (home, home / ".bashrc"):
            os.chown(path, 10001, 10001)
    try:
        with sidecar.channel() as channel:
            stub = sage_pb2_grpc.SageServiceStub(channel)
            session = create_session(stub)
            appended = _outcome(
                stub, f"open({str(home / '.bashrc')!r}, 'a').write('evil')", session
            )
            made = _outcome(stub, f"open({str(home / 'new')!r}, 'w')", session)
            mine = (
                "import os, tempfile\nopen('here', 'w').write('1')\n"
                "with tempfile.NamedTemporaryFile(dir='/tmp') as f: f.write(b'2')\n"
                "open(os.path.join(tempfile.gettempdir(), 'x'), 'w').write('3')\n'written'"
            )
            written = _outcome(stub, mine, session)
        kept = (home / ".bashrc").read_text()
    finally:
        shutil.rmtree(home, ignore_errors=True)
    assert appended.startswith("PermissionError: [Errno 13]"), appended
    assert made.startswith("PermissionError: [Errno 13]"), made
    assert kept == "# the user's\n"
    assert written == "'written'"
    assert _sandbox_report(sidecar)["writes"] == (
        "to its scratch and the temporary directories only (Landlock)"
    )


def test_without_root_sage_code_cannot_read_the_users_home_but_the_folders_it_is_given(
    not_root: tuple[SidecarProcess, Path],
) -> None:
    """Sharing the sidecar's uid, Sage code could read whatever that user may: ~/.ssh, the
    tokens of every tool, which it could print for the agent that asked for it."""
    sidecar, _ = not_root
    home = _sandbox_report(sidecar)["home"].split(": ", 1)[1].split(";")[0]
    with sidecar.channel() as channel:
        stub = sage_pb2_grpc.SageServiceStub(channel)
        session = create_session(stub)
        secret = _outcome(stub, f"open({home + '/.secret'!r}).read()", session)
        data = _outcome(stub, f"open({home + '/data/table.csv'!r}).read()", session)
        changed = _outcome(stub, f"open({home + '/data/table.csv'!r}, 'a').write('3')", session)
        # Sage's lazily imported parts and its programs are read from the installation, and
        # its interfaces find what they keep in ~/.sage.
        integral = _outcome(stub, "integrate(sin(x)^3, x)", session)
        interfaces = _outcome(stub, "gap('1+1'), gp('2+2'), maxima('3+3')", session)
    assert secret.startswith("PermissionError: [Errno 13]"), secret
    assert data == "'1,2\\n'", data
    assert changed.startswith("PermissionError: [Errno 13]"), changed
    assert integral == "1/3*cos(x)^3 - cos(x)"
    assert interfaces == "(2, 4, 6)", interfaces
    assert _sandbox_report(sidecar)["home"].startswith(
        "unreadable but for the installation (Landlock): "
    )


def test_a_folder_given_to_read_that_is_not_one_is_refused_at_start() -> None:
    missing = Path(tempfile.gettempdir()) / "sage-no-such-folder"
    sidecar = start_sidecar("--worker-read-dirs", str(missing), wait=False)
    assert sidecar.process.wait(60) == 2
    assert f"{missing} is not a directory that exists" in sidecar.log()


@pytest.mark.skipif(not ROOT, reason="needs a home that holds the installation")
def test_without_root_an_installation_in_the_users_home_still_serves() -> None:
    """pyenv, a venv or Sage built in the home: that much of it workers still read."""
    python_home = Path(sys.base_prefix).resolve().parents[-2]  # /root for /root/.pyenv/...
    code = (
        "import email.mime.text, sage_sidecar\n"  # imported here first, not in the forkserver
        "p = plot(sin(x), (x, 0, 1))\n"
        "(factor(2^64+1), sage_sidecar.__name__)"
    )
    # Sage's, Maxima's and matplotlib's own files go where this user may write: the home is
    # root's.
    own = Path(tempfile.mkdtemp(prefix="sage-own-files-", dir="/var/tmp"))
    os.chown(own, 10001, 10001)
    env = {name: str(own) for name in ("DOT_SAGE", "MAXIMA_USERDIR", "MPLCONFIGDIR")}
    # Readable by every user, as many a file in a home is: Landlock alone keeps it out.
    note = Path(tempfile.mkstemp(prefix=".sage-note-", dir=python_home)[1])
    note.chmod(0o644)
    try:
        with (
            _not_root(home=python_home, env=env) as (sidecar, _),
            sidecar.channel() as channel,
        ):
            stub = sage_pb2_grpc.SageServiceStub(channel)
            session = create_session(stub)
            served = _outcome(stub, code, session)
            read = _outcome(stub, f"open({str(note)!r}).read()", session)
            report = _sandbox_report(sidecar)["home"]
    finally:
        shutil.rmtree(own)
        note.unlink()
    assert served == "(274177 * 67280421310721, 'sage_sidecar')", served
    assert report.startswith(f"unreadable but for the installation (Landlock): {python_home}")
    assert read.startswith("PermissionError: [Errno 13]"), read


def test_without_root_sage_code_cannot_unmount_what_hides_the_state_directory(
    user_namespaces: tuple[SidecarProcess, Path],
) -> None:
    """Owning its user namespace, a worker had every capability in it until it dropped them:
    CAP_SYS_ADMIN unmounted the tmpfs over the state directory, and there were the journals."""
    sidecar, state = user_namespaces
    code = (
        "import ctypes, os\nlibc = ctypes.CDLL(None, use_errno=True)\n"
        f"unmounted = libc.umount2({str(state)!r}, 2r)\n"
        "(unmounted, os.strerror(ctypes.get_errno()))"
    )
    with sidecar.channel() as channel:
        stub = sage_pb2_grpc.SageServiceStub(channel)
        session = create_session(stub)
        assert _outcome(stub, code, session) == "(-1, 'Operation not permitted')"
        listed = _outcome(stub, f"import os\nos.listdir({str(state)!r})", session)
    assert listed.startswith("PermissionError"), listed
    assert _sandbox_report(sidecar)["user"].startswith("the sidecar's own uid, no capabilities")


def test_without_root_a_session_sees_no_scratch_but_its_own_family(
    user_namespaces: tuple[SidecarProcess, Path],
) -> None:
    """Workers share the sidecar's uid: a clone's scratch, a plain directory (a clone may not
    mount), would be open to every other session but for the cover over the scratch."""
    sidecar, _ = user_namespaces
    where = "import os\nopen('note', 'w').write('clone data')\nos.getcwd()"
    with sidecar.channel() as channel:
        stub = sage_pb2_grpc.SageServiceStub(channel)
        source = create_session(stub)
        clone = stub.CloneSession(pb.CloneSessionRequest(session_id=source), timeout=60)
        note = _outcome(stub, where, clone.session.session_id).strip("'") + "/note"
        family = os.path.dirname(os.path.dirname(note))
        other = create_session(stub)
        listed = _outcome(stub, f"import os\nos.listdir({os.path.dirname(family)!r})", other)
        peek = _outcome(stub, f"open({note!r}).read()", other)
        assert _outcome(stub, f"open({note!r}).read()", source) == "'clone data'"
    assert os.path.basename(family) not in listed, listed
    assert peek.startswith("FileNotFoundError"), peek


def test_without_namespaces_workers_are_kept_out_of_the_state_and_off_the_network(
    without_namespaces: tuple[SidecarProcess, Path],
) -> None:
    sidecar, state = without_namespaces
    report = _sandbox_report(sidecar)
    assert report["state directory"] == "unreadable (Landlock; the names in it can be listed)"
    assert report["network"] == (
        "none: no sockets but Unix and netlink ones, and no connect (seccomp); namespaces refused "
        "(Operation not permitted)"
    )
    with sidecar.channel() as channel:
        stub = sage_pb2_grpc.SageServiceStub(channel)
        victim = create_session(stub)
        evaluate(stub, "secret = 'victim data'", victim)
        journal = state / "sessions" / victim / "journal.jsonl"
        assert journal.exists()
        thief = create_session(stub)
        read = _outcome(stub, f"open({str(journal)!r}).read()", thief)
        assert read.startswith("PermissionError: [Errno 13]"), read
        planted = _outcome(stub, f"open({str(journal.parent / 'planted')!r}, 'w')", thief)
        assert planted.startswith("PermissionError: [Errno 13]"), planted
        host, port = sidecar.address.rsplit(":", 1)
        dialled = f"import socket\nsocket.create_connection(({host!r}, int({port})), timeout=5)"
        refused = one(evaluate(stub, dialled, thief), "error").error
        assert refused.evalue.startswith("[Errno 13]"), refused
        assert refused.traceback.endswith(_OFFLINE_NOTE), refused
        _check_only_local_sockets(stub, thief)
        assert _outcome(stub, "secret", victim) == "'victim data'"
        # Scratch directories share the sidecar's one /tmp: each is hidden from the others,
        # whichever worker came first.
        assert report["other workers"] == (
            "out of reach (Landlock scopes, and each scratch hidden from the others)"
        )
        for owner, reader in ((victim, thief), (thief, victim)):
            note = _outcome(stub, "import os\nopen('note', 'w').write('x')\nos.getcwd()", owner)
            peek = _outcome(stub, f"open({note.strip(chr(39)) + '/note'!r}).read()", reader)
            assert peek.startswith("PermissionError: [Errno 13]"), peek


# Sage code that asks the sidecar's forkserver, through its socket in the sidecar's temporary
# directory, to fork and run a pickle that creates MARKER: code outside the sandbox if it runs.
_FORK_THROUGH_THE_FORKSERVER = """
import glob, os, pickle, socket, tempfile, time
from multiprocessing import reduction
class Escape:
    def __reduce__(self):
        return (os.system, ('touch MARKER',))
tried = []
for address in glob.glob('/tmp/**/pymp-*/listener-*', recursive=True):
    try:
        with socket.socket(socket.AF_UNIX) as server:
            server.connect(address)
            tried.append('connected')
            child_r, parent_w = os.pipe()
            reduction.sendfds(server, [child_r, os.pipe()[1], os.pipe()[0], os.pipe()[0]])
        os.write(parent_w, pickle.dumps({}) + pickle.dumps(Escape()))
        tried.append('sent')
    except OSError as exc:
        tried.append(type(exc).__name__)
time.sleep(2r)
tried
"""


def test_without_namespaces_sage_code_cannot_fork_through_the_forkserver() -> None:
    """The stdlib forkserver runs what any process that reaches its socket sends, and workers
    share the sidecar's uid here. By default they may not connect at all; with the network
    allowed they may, and the forkserver itself refuses all but the server."""
    launcher = (sys.executable, str(Path(__file__).with_name("no_namespaces.py")))
    with _not_root(*launcher, args=("--worker-network",)) as (sidecar, state):
        _check_forkserver_refuses_workers(sidecar, state)


def _check_forkserver_refuses_workers(sidecar: SidecarProcess, state: Path) -> None:
    marker = state / "escaped"
    with sidecar.channel() as channel:
        stub = sage_pb2_grpc.SageServiceStub(channel)
        code = _FORK_THROUGH_THE_FORKSERVER.replace("MARKER", str(marker))
        tried = _outcome(stub, code, create_session(stub))
        assert "connected" in tried, tried  # the socket is in reach: the forkserver refuses
        assert not marker.exists()
        # The forkserver serves on: sessions that need a fresh worker still start.
        for _ in range(3):
            assert _outcome(stub, "1 + 1", create_session(stub)) == "2"
    assert "refused a fork request from pid" in sidecar.log()


def test_without_namespaces_sessions_still_write_files_plot_and_clone(
    without_namespaces: tuple[SidecarProcess, Path],
) -> None:
    sidecar, _ = without_namespaces
    with sidecar.channel() as channel:
        stub = sage_pb2_grpc.SageServiceStub(channel)
        session = create_session(stub)
        # /tmp itself too: only the directory that holds the workers' scratch is hidden.
        written = _outcome(stub, (
            "import os, tempfile\nopen('here.txt', 'w').write('a')\n"
            "with tempfile.NamedTemporaryFile() as f: f.write(b'b')\n"
            "with open(f'/tmp/shared-{os.getpid()}', 'w') as f: f.write('c')\n"
            "os.remove(f'/tmp/shared-{os.getpid()}')\n"
            "a = 7\nopen('here.txt').read()"
        ), session)  # fmt: skip
        assert written == "'a'"
        _png_of(stub, "plot(sin(x), (x, 0, 1))", session)
        clone = stub.CloneSession(pb.CloneSessionRequest(session_id=session), timeout=60)
        assert _outcome(stub, "a * 6", clone.session.session_id) == "42"
        assert _outcome(stub, "open('here.txt').read()", clone.session.session_id) == "'a'"


def test_without_root_animations_render_in_a_session_and_in_its_clone_once_the_source_ends(
    not_root: tuple[SidecarProcess, Path],
) -> None:
    """Each worker runs Sage's ffmpeg through a link in its own scratch; a clone's must be
    its own, not its source's, which goes with the source."""
    sidecar, _ = not_root
    with sidecar.channel() as channel:
        stub = sage_pb2_grpc.SageServiceStub(channel)
        source = create_session(stub)
        assert _gif_frames_of(stub, f"{ANIMATION}\na", source) == 4
        clone = stub.CloneSession(pb.CloneSessionRequest(session_id=source), timeout=60)
        stub.DeleteSession(pb.DeleteSessionRequest(session_id=source), timeout=60)
        # A new one: the frames of the source's are in the source's scratch, gone with it.
        assert _gif_frames_of(stub, f"{ANIMATION}\na", clone.session.session_id) == 4


def _gif_frames_of(stub: sage_pb2_grpc.SageServiceStub, code: str, session: str) -> int:
    events = evaluate(stub, code, session, timeout=120)
    display = one(events, "display").display
    assert display.mime_type == "image/gif", events
    return gif_frames(display.data)


@pytest.fixture(scope="module")
def readable_installation() -> Iterator[SidecarProcess]:
    """A root sidecar whose installation other users can read, as under /usr or /opt.

    Where this Python lives under a home only root may enter, the sidecar runs in a private
    mount namespace in which each such directory is covered by an overlay whose top others
    may enter (what the sidecar writes there goes to the overlay's upper directory)."""
    if not ROOT:
        pytest.skip("a uid of its own per worker needs the sidecar to start as root")
    layers = Path(tempfile.mkdtemp(prefix="sage-overlays-"))
    sidecar = start_sidecar("--warm-workers", "1", launcher=_opened_installation(layers))
    try:
        yield sidecar
    finally:
        stop_and_check(sidecar)
        shutil.rmtree(layers, ignore_errors=True)


def _opened_installation(layers: Path) -> list[str]:
    """A command prefix (needs root) that runs its command in a private mount namespace in
    which each directory closed to other users on the way to this Python is covered by an
    overlay they may enter; what is written there goes to an upper directory in `layers`."""
    script = ["set -e"]
    for index, directory in enumerate(_closed_directories()):
        upper, work = layers / f"{index}-upper", layers / f"{index}-work"
        upper.mkdir(mode=0o755)
        work.mkdir()
        upper.chmod(0o755)
        options = f"lowerdir={directory},upperdir={upper},workdir={work}"
        script.append(f"mount -t overlay overlay -o {options} {directory}")
    script.append('exec "$@"')
    return ["unshare", "--mount", "--propagation", "private", "sh", "-c", "\n".join(script), "sh"]


@pytest.fixture
def own_stub(readable_installation: SidecarProcess) -> Iterator[sage_pb2_grpc.SageServiceStub]:
    with readable_installation.channel() as channel:
        yield sage_pb2_grpc.SageServiceStub(channel)


def _png_of(stub: sage_pb2_grpc.SageServiceStub, code: str, session: str = "") -> pb.DisplayData:
    events = evaluate(stub, code, session, timeout=60)
    display = one(events, "display").display
    assert display.mime_type == "image/png", events
    assert display.data.startswith(b"\x89PNG\r\n\x1a\n")
    return display


def test_workers_of_a_root_sidecar_read_and_write_files_as_their_own_uid(
    readable_installation: SidecarProcess, own_stub: sage_pb2_grpc.SageServiceStub
) -> None:
    assert _sandbox_report(readable_installation)["files"] == OWN_FILES
    owners = _outcome(own_stub, (
        "import os\nopen('mine', 'w').close()\n"
        "os.getuid() == os.stat('mine').st_uid == os.stat('.').st_uid != 0"
    ))  # fmt: skip
    assert owners == "True"


def test_gap_and_pari_started_by_a_worker_answer_and_keep_their_files_in_its_scratch(
    own_stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """Sage's interfaces keep GAP's workspace (some 60 MB) and PARI's log in `~/.sage`, which
    a worker may neither write (its own uid) nor share with other sessions: it has one in its
    scratch."""
    code = "import os, sage.env\n(gap('1+1'), gp('2+2'), sage.env.DOT_SAGE.startswith(os.getcwd()))"
    assert _outcome(own_stub, code, create_session(own_stub)) == "(2, 4, True)"


@pytest.mark.skipif(not ROOT, reason="a uid of its own per worker needs a root sidecar")
def test_workers_of_a_root_sidecar_reach_a_scratch_in_a_directory_only_root_may_enter() -> None:
    """Scratch in root's own temporary directory (mode 0700): workers of their own uid reach
    it by path, as Sage's temporary files and their clones' scratch need."""
    closed = Path(tempfile.mkdtemp(prefix="sage-root-only-", dir="/var/tmp"))
    sidecar = start_sidecar("--worker-scratch-dir", str(closed), "--warm-workers", "1")
    code = (
        "import os, tempfile\nwith tempfile.NamedTemporaryFile() as f:\n    f.write(b'x')\n"
        "f.name.startswith(os.getcwd())"
    )
    try:
        with sidecar.channel() as channel:
            stub = sage_pb2_grpc.SageServiceStub(channel)
            source = create_session(stub)
            written = _outcome(stub, code, source)
            clone = stub.CloneSession(pb.CloneSessionRequest(session_id=source), timeout=60)
            cloned = _outcome(stub, code, clone.session.session_id)
    finally:
        stop_and_check(sidecar)
        shutil.rmtree(closed, ignore_errors=True)
    assert written == cloned == "True", (written, cloned)


def test_a_3d_plot_comes_back_as_a_png_from_a_root_sidecar(
    own_stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    # Sage's tachyon renders it, running as the worker's uid: it reads the scene the worker
    # wrote and writes the image into the worker's temporary directory.
    assert "Graphics3d Object" in _png_of(own_stub, "sphere()").text_plain
    _png_of(own_stub, "var('x y')\nplot3d(sin(x*y), (x, -2, 2), (y, -2, 2))")


def test_a_clone_of_a_root_sidecars_session_has_its_own_scratch_and_plots_in_3d(
    own_stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    source = create_session(own_stub)
    where = "import os\nfrom sage.misc.temporary_file import tmp_filename\ntmp_filename()"
    in_source = _outcome(own_stub, where, source)
    clone = own_stub.CloneSession(pb.CloneSessionRequest(session_id=source), timeout=60)
    in_clone = _outcome(own_stub, where, clone.session.session_id)
    assert os.path.dirname(in_clone) != os.path.dirname(in_source)
    _png_of(own_stub, "sphere()", clone.session.session_id)


def test_a_cell_writing_to_every_descriptor_it_holds_reaches_no_log_or_process_outside() -> None:
    """A worker held a handle on the sidecar's log (to log its own failure) and the pipe of
    the sidecar's resource tracker, which runs outside the sandbox: Sage code could write
    anything into the sidecar's log, directly or as the tracker's tracebacks."""
    code = (
        "import fcntl, os, stat\nwritten = []\n"
        "for fd in range(3r, 1024r):\n"
        "    try:\n"
        "        mode, flags = os.fstat(fd).st_mode, fcntl.fcntl(fd, fcntl.F_GETFL)\n"
        "    except OSError:\n"
        "        continue\n"
        "    if flags & 3r and not stat.S_ISSOCK(mode):  # the socket is the session's own\n"
        "        try:\n"
        "            os.write(fd, b'INJECTED\\n')\n"
        "            written.append(os.readlink('/proc/self/fd/%d' % fd))\n"
        "        except OSError:\n"
        "            pass\n"
        "written"
    )
    sidecar = start_sidecar("--warm-workers", "1")
    try:
        with sidecar.channel() as channel:
            stub = sage_pb2_grpc.SageServiceStub(channel)
            written = _outcome(stub, code, create_session(stub))
            assert _outcome(stub, "1 + 1", create_session(stub)) == "2"
    finally:
        stop_and_check(sidecar)
    log = sidecar.log()
    assert "INJECTED" not in log, written
    assert "Traceback" not in log, written


def test_a_failure_of_the_workers_own_code_is_logged_by_the_sidecar(
    stub: sage_pb2_grpc.SageServiceStub, confined: SidecarProcess
) -> None:
    """Sent over the worker's socket, now that the worker holds no handle on the log."""
    session = create_session(stub)
    breaking = (
        "from sage_sidecar.output_capture import OutputCapture\n"
        "OutputCapture.emit_last = None  # the worker calls it as the cell ends"
    )
    finished = evaluate(stub, breaking, session)[-1].finished
    assert finished.status == pb.EVALUATION_STATUS_WORKER_DIED
    assert _outcome(stub, "1 + 1", session) == "2"  # the session lives on, in a new worker
    assert "TypeError: 'NoneType' object is not callable" in confined.log()
    assert "Sage worker" in confined.log()


def test_sessions_do_not_share_a_multiprocessing_authkey(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """With the key every worker inherited from the server, Sage code in one session could
    authenticate to a multiprocessing Listener or Manager that another session runs."""
    key = "import multiprocessing\nmultiprocessing.current_process().authkey.hex()"
    first, second = create_session(stub), create_session(stub)
    clone = stub.CloneSession(pb.CloneSessionRequest(session_id=first), timeout=60)
    keys = {_outcome(stub, key, s) for s in (first, second, clone.session.session_id)}
    assert len(keys) == 3, keys


def test_sage_code_posing_as_its_worker_failing_gets_one_log_line_and_a_new_worker(
    stub: sage_pb2_grpc.SageServiceStub, confined: SidecarProcess
) -> None:
    """Sage code can write to its worker's socket: the server hears a failure report once
    from a worker, which it then ends, so the log cannot be flooded that way."""
    session = create_session(stub)
    code = (
        "import os, stat\nfrom sage_sidecar import channel\n"
        "from sage_sidecar.messages import WorkerFailed\n"
        "frame = channel.encode(WorkerFailed('forged failure report'))\n"
        "for fd in range(3r, 1024r):\n"
        "    try:\n"
        "        if stat.S_ISSOCK(os.fstat(fd).st_mode):\n"
        "            for _ in range(100r):\n"
        "                os.write(fd, frame)\n"
        "    except OSError:\n"
        "        pass\n"
        "sleep(5)"
    )
    finished = evaluate(stub, code, session)[-1].finished
    assert finished.status == pb.EVALUATION_STATUS_WORKER_DIED
    assert confined.log().count("forged failure report") == 1
    assert _outcome(stub, "1 + 1", session) == "2"
