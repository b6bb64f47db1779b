"""Attacks: Sage code that reaches for the network, other sessions' files, or the server's
processes; callers without the token; bytes that are not protobuf.

Each test states the secure behaviour. A worker's attempt must fail (an in-band error is
fine) or have no effect; the sidecar and the other sessions go on as if nothing happened.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import grpc
import psutil
import pytest
from google.protobuf.message import DecodeError, Message
from sage_services.api.sage.v1 import sage_pb2 as pb
from sage_services.api.sage.v1 import sage_pb2_grpc

from tests.helpers import (
    SidecarProcess,
    create_session,
    finished_of,
    start_sidecar,
    stderr_of,
    stop_and_check,
)
from tests.reliability.support import (
    error_of,
    run_events,
    start_with_state,
    still_serving,
    value_of,
)


@pytest.fixture(scope="module")
def sandboxed() -> Iterator[tuple[SidecarProcess, Path]]:
    sidecar, state = start_with_state("--warm-workers", "1", "--interrupt-grace-seconds", "1")
    yield sidecar, state
    stop_and_check(sidecar)


@pytest.fixture
def stub(
    sandboxed: tuple[SidecarProcess, Path],
) -> Iterator[sage_pb2_grpc.SageServiceStub]:
    with sandboxed[0].channel() as channel:
        yield sage_pb2_grpc.SageServiceStub(channel)


def _port(sidecar: SidecarProcess) -> int:
    return int(sidecar.address.rsplit(":", 1)[1])


def _text(events: list[pb.EvaluateResponse]) -> str:
    """Everything an evaluation sent back, as text, to look for leaked secrets in."""
    return "".join(str(e) for e in events)


def test_worker_cannot_connect_to_the_sidecar_or_the_host(
    sandboxed: tuple[SidecarProcess, Path],
    stub: sage_pb2_grpc.SageServiceStub,
    figures: dict[str, object],
) -> None:
    """A worker has no network: TCP to the sidecar's port or to a listener on the host's
    loopback (IPv4 or IPv6) fails, and a UDP datagram to the host never arrives."""
    sidecar, _ = sandboxed
    with (
        socket.create_server(("127.0.0.1", 0)) as listener,
        socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp,
    ):
        listener.settimeout(2)
        udp.bind(("127.0.0.1", 0))
        udp.settimeout(2)
        port, udp_port = listener.getsockname()[1], udp.getsockname()[1]
        attempts = {
            "sidecar port": f"('127.0.0.1', {_port(sidecar)}r)",
            "host listener": f"('127.0.0.1', {port}r)",
            "host listener, IPv6": f"('::1', {port}r)",
        }
        outcomes = {}
        for name, address in attempts.items():
            code = f"import socket\nsocket.create_connection({address}, timeout=3r)"
            outcomes[name] = error_of(run_events(stub, code)) or "connected"
        datagram = (
            "import socket\ns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
            f"s.sendto(b'leak', ('127.0.0.1', {udp_port}r))"
        )
        outcomes["UDP datagram"] = error_of(run_events(stub, datagram)) or "sent"
        figures.update(outcomes)
        try:
            listener.accept()[0].close()
            reached = ["TCP"]
        except TimeoutError:
            reached = []
        try:
            udp.recvfrom(16)
            reached.append("UDP")
        except TimeoutError:
            pass
    assert not reached, f"a worker reached a listener on the host's loopback: {reached}"
    assert all(o not in ("connected", "sent") for o in outcomes.values()), outcomes


def _server_fds_code(server: int) -> str:
    """Sage code that reads every journal the server holds open, through /proc."""
    return (
        "import os\n"
        f"fds = '/proc/{server}/fd'\n"
        "[open(os.path.join(fds, fd), 'rb').read() for fd in os.listdir(fds)\n"
        " if 'journal' in os.readlink(os.path.join(fds, fd))]"
    )


def test_worker_cannot_read_another_sessions_state_through_proc(
    sandboxed: tuple[SidecarProcess, Path],
    stub: sage_pb2_grpc.SageServiceStub,
    figures: dict[str, object],
) -> None:
    """The state directory is hidden from workers by a mount; the server's own view of it
    through /proc (its root, its open journals) must be out of reach too."""
    sidecar, state = sandboxed
    secret = f"secret-{secrets.token_hex(8)}"
    victim, attacker = create_session(stub), create_session(stub)
    run_events(stub, f"kept = '{secret}'", victim)
    journal = state / "sessions" / victim / "journal.jsonl"
    assert secret in journal.read_text()
    attempts = {
        "journal through the server's /proc root": (
            f"open('/proc/{sidecar.pid}/root{journal}').read()"
        ),
        "journals the server holds open": _server_fds_code(sidecar.pid),
    }
    outcomes = {}
    leaked = []
    for name, code in attempts.items():
        events = run_events(stub, code, attacker)
        outcomes[name] = error_of(events) or "succeeded"
        if secret in _text(events):
            leaked.append(name)
    figures.update(outcomes)
    assert not leaked, f"another session's journal reached the attacker: {leaked}"


def test_worker_cannot_read_the_servers_memory(
    sandboxed: tuple[SidecarProcess, Path],
    stub: sage_pb2_grpc.SageServiceStub,
    figures: dict[str, object],
) -> None:
    """/proc/<server>/mem, which holds every session's code and output in flight, cannot be
    opened by a worker (ptrace and process_vm_readv are refused; this is the file route)."""
    sidecar, _ = sandboxed
    code = (
        f"pid = {sidecar.pid}r\n"
        "start = int(open(f'/proc/{pid}/maps').readline().split('-')[0], 16)\n"
        "memory = open(f'/proc/{pid}/mem', 'rb')\nmemory.seek(start)\nlen(memory.read(4096r))"
    )
    events = run_events(stub, code)
    figures["attempt"] = error_of(events) or "read 4096 bytes of the server's memory"
    assert error_of(events), "a worker read the server's memory"


def test_worker_environment_carries_no_server_secrets(
    figures: dict[str, object],
) -> None:
    """A token given to the sidecar in its environment is not inherited by Sage code."""
    token = "env-token-" + secrets.token_hex(12)
    sidecar = start_sidecar("--warm-workers", "1", env={"SAGE_SIDECAR_AUTH_TOKEN": token})
    try:
        with sidecar.channel() as channel:
            stub = sage_pb2_grpc.SageServiceStub(channel)
            metadata = (("authorization", f"Bearer {token}"),)
            code = "import os\nsorted(k for k, v in os.environ.items() if 'env-token-' in v)"
            request = pb.EvaluateRequest(code=code)
            events = list(stub.Evaluate(request, metadata=metadata, timeout=60))
        names = events[-2].result.text_plain
        figures["variables holding the token"] = names
        assert names == "[]", f"workers see the token in {names}"
        assert token not in _text(events)
    finally:
        stop_and_check(sidecar)


def test_worker_cannot_read_another_sessions_scratch_files(
    stub: sage_pb2_grpc.SageServiceStub, figures: dict[str, object]
) -> None:
    """A file one session writes in its scratch directory cannot be read by another: not by
    its path, nor through the victim worker's /proc entries."""
    secret = f"scratch-{secrets.token_hex(8)}"
    victim, attacker = create_session(stub), create_session(stub)
    cwd = eval(value_of(stub, victim, "import os\nos.getcwd()"))
    if cwd == os.getcwd():
        pytest.fail(f"sessions have no private scratch directory: workers run in {cwd}")
    run_events(stub, f"open('note.txt', 'w').write('{secret}')", victim)
    pid = stub.GetSession(pb.GetSessionRequest(session_id=victim)).session.worker_pid
    paths = {
        "by path": f"{cwd}/note.txt",
        "via /proc/<pid>/cwd": f"/proc/{pid}/cwd/note.txt",
        "via /proc/<pid>/root": f"/proc/{pid}/root{cwd}/note.txt",
    }
    outcomes = {}
    leaked = []
    for name, path in paths.items():
        events = run_events(stub, f"open('{path}').read()", attacker)
        outcomes[name] = error_of(events) or "succeeded"
        if secret in _text(events):
            leaked.append(name)
    figures.update(outcomes)
    assert not leaked, f"another session's scratch file was read {leaked}"


@pytest.fixture
def disposable() -> Iterator[SidecarProcess]:
    """A sidecar of its own, for attacks that would harm a shared one if they worked."""
    sidecar = start_sidecar("--warm-workers", "1", "--interrupt-grace-seconds", "1")
    yield sidecar
    if sidecar.process.poll() is None:
        for pid in [sidecar.pid, *sidecar.remember_descendants()]:  # undo a successful SIGSTOP
            try:
                os.kill(pid, signal.SIGCONT)
            except ProcessLookupError:
                continue
        stop_and_check(sidecar)
    else:
        sidecar.leftover_processes()
        sidecar.kill_leftovers()


SIGNAL_ROUTES = {
    "SIGSTOP": "import os\nos.kill({pid}r, 19r)",
    "SIGTERM from a helper process": "import os\nos.system('kill -TERM {pid}')",
    "SIGSTOP from a helper process": "import os\nos.system('kill -STOP {pid}')",
}


@pytest.mark.parametrize("route", list(SIGNAL_ROUTES))
def test_worker_cannot_signal_the_server(
    disposable: SidecarProcess, route: str, figures: dict[str, object]
) -> None:
    """A signal to the server from Sage code, directly or through a helper process it starts,
    does not affect the server: it keeps serving, and other sessions keep their workers."""
    stub = disposable.stub()
    bystander = create_session(stub)
    run_events(stub, "kept = 1", bystander)
    before = stub.GetSession(pb.GetSessionRequest(session_id=bystander)).session.worker_pid
    code = SIGNAL_ROUTES[route].format(pid=disposable.pid)
    events = run_events(stub, code, deadline=30)
    figures["attempt"] = error_of(events) or stderr_of(events).strip() or "no error"
    time.sleep(2)
    status = psutil.Process(disposable.pid).status() if disposable.process.poll() is None else ""
    figures["server afterwards"] = status or f"exited {disposable.process.returncode}"
    assert disposable.process.poll() is None, "the server exited"
    assert status != psutil.STATUS_STOPPED, "the server was stopped"
    assert still_serving(disposable)
    info = stub.GetSession(pb.GetSessionRequest(session_id=bystander), timeout=10).session
    assert info.worker_pid == before
    assert value_of(stub, bystander, "kept") == "1"


def test_worker_cannot_kill_another_sessions_worker(
    stub: sage_pb2_grpc.SageServiceStub, figures: dict[str, object]
) -> None:
    """One session's code cannot kill another session's worker, nor its process group."""
    victim, attacker = create_session(stub), create_session(stub)
    run_events(stub, "kept = 1", victim)
    pid = stub.GetSession(pb.GetSessionRequest(session_id=victim)).session.worker_pid
    attempts = {
        "kill": f"import os\nos.kill({pid}r, 9r)",
        "killpg": f"import os\nos.killpg({pid}r, 9r)",
    }
    outcomes = {name: error_of(run_events(stub, code, attacker)) or "signal delivered"
                for name, code in attempts.items()}  # fmt: skip
    figures.update(outcomes)
    time.sleep(0.5)
    after = stub.GetSession(pb.GetSessionRequest(session_id=victim)).session.worker_pid
    assert after == pid, f"the victim's worker was killed: {outcomes}"


# Sage code that takes hold of the worker's own end of its channel to the server, as `end`.
_TAKE_THE_CHANNEL = (
    "import gc\nend = next(o for o in gc.get_objects() if type(o).__name__ == 'WorkerEnd')\n"
)


# Sage code that answers the server's next clone request, just before the worker forks the
# clone, with a message of the right kind that names `{pid}` as the clone.
_CLAIM_A_CLONE = """\
import os
from sage_sidecar.messages import Cloned
os.register_at_fork(before=lambda: end.send(Cloned({pid}r)))
"""


def test_worker_cannot_name_the_server_as_its_clone(
    disposable: SidecarProcess, figures: dict[str, object]
) -> None:
    """The server signals and kills the processes it takes for workers. A worker that names
    the server as the clone it forked gets its clone refused, and nothing else: the server
    keeps serving, and other sessions keep their workers."""
    stub = disposable.stub()
    bystander, attacker = create_session(stub), create_session(stub)
    run_events(stub, "kept = 1", bystander)
    before = stub.GetSession(pb.GetSessionRequest(session_id=bystander)).session.worker_pid
    run_events(stub, "mine = 2", attacker)
    run_events(stub, _TAKE_THE_CHANNEL + _CLAIM_A_CLONE.format(pid=disposable.pid), attacker)
    clone_pid = 0
    try:
        clone = stub.CloneSession(pb.CloneSessionRequest(session_id=attacker), timeout=60)
    except grpc.RpcError as error:
        figures["clone"] = f"{error.code().name}: {error.details()}"
    else:
        clone_pid = clone.session.worker_pid
        figures["clone"] = f"made, with worker {clone_pid} (the server is {disposable.pid})"
        stub.DeleteSession(pb.DeleteSessionRequest(session_id=clone.session.session_id))
    time.sleep(1)
    assert disposable.process.poll() is None, "the server exited"
    assert clone_pid != disposable.pid, "the server was taken for the clone's worker"
    assert still_serving(disposable)
    assert value_of(stub, attacker, "mine") == "2"
    info = stub.GetSession(pb.GetSessionRequest(session_id=bystander), timeout=10).session
    assert info.worker_pid == before
    assert value_of(stub, bystander, "kept") == "1"


# Sage code that defines `to_every_socket(data)`, which writes `data` to every Unix socket the
# process holds, its channel to the server among them.
_TO_EVERY_SOCKET = """\
import os, socket
def to_every_socket(data):
    written = []
    for fd in range(3r, 256r):
        try:
            sock = socket.socket(fileno=os.dup(fd))
        except OSError:
            continue
        if sock.family == socket.AF_UNIX:
            os.write(fd, data)
            written.append(fd)
        sock.close()
    return written
"""
# Sage code that writes one frame of its own to every Unix socket it holds: a 4-byte
# big-endian length, then `{body}`.
_FORGE = (
    _TO_EVERY_SOCKET
    + """\
import pickle, struct
body = {body}
to_every_socket(struct.pack('>I', {length}) + body)
"""
)
FORGED_FRAMES = {
    # Unpickled as it stands, this would create `marker` from inside the server process.
    "a pickle that calls a function": (
        "pickle.dumps(type('Evil', (), {{'__reduce__': lambda self: (os.mkdir, ({marker!r},))}})())"
    ),
    "bytes that are not a pickle": "b'not a pickle at all'",
    "a length larger than any message": "b'x' * 64r",
}


@pytest.mark.parametrize("frame", list(FORGED_FRAMES))
def test_worker_cannot_run_code_in_the_server_through_its_channel(
    stub: sage_pb2_grpc.SageServiceStub, frame: str, figures: dict[str, object]
) -> None:
    """Sage code that writes a frame of its own to the worker's channel to the server gets its
    worker killed: nothing in it runs in the server, the session comes back at its last
    committed state, and the server and other sessions go on."""
    marker = Path(tempfile.mkdtemp()) / "made-by-the-server"
    body = FORGED_FRAMES[frame].format(marker=str(marker))
    length = "0xFFFFFFF0r" if frame.startswith("a length") else "len(body)"
    bystander, attacker = create_session(stub), create_session(stub)
    run_events(stub, "kept = 1", bystander)
    run_events(stub, "mine = 2", attacker)
    before = stub.GetSession(pb.GetSessionRequest(session_id=attacker)).session.worker_pid
    events = run_events(stub, _FORGE.format(body=body, length=length), attacker)
    figures["outcome"] = error_of(events) or "no error"
    assert not marker.exists(), "code from a worker's frame ran in the server"
    assert finished_of(events).status == pb.EVALUATION_STATUS_WORKER_DIED, figures["outcome"]
    assert value_of(stub, attacker, "mine") == "2"
    after = stub.GetSession(pb.GetSessionRequest(session_id=attacker)).session.worker_pid
    assert after != before
    assert value_of(stub, bystander, "kept") == "1"


# Sage code that, in the clone its worker forks next, says first on the clone's channel that
# the clone's scratch directory, which the server removes when the clone ends, is `{path}`.
_CLAIM_A_SCRATCH = (
    _TO_EVERY_SOCKET
    + """\
from sage_sidecar.channel import encode
from sage_sidecar.messages import WorkerReady
claim = lambda: to_every_socket(encode(WorkerReady(os.getpid(), {path!r})))
os.register_at_fork(after_in_child=claim)
"""
)


def test_worker_cannot_have_the_server_remove_a_directory_of_its_choosing(
    disposable: SidecarProcess, figures: dict[str, object]
) -> None:
    """The server removes a clone's scratch directory when the clone ends. A clone that names
    another directory as its scratch is refused, and that directory is left alone."""
    target = Path(tempfile.mkdtemp(prefix="not-a-scratch-"))
    (target / "kept").write_text("kept")
    stub = disposable.stub()
    attacker = create_session(stub)
    run_events(stub, "mine = 2\n" + _CLAIM_A_SCRATCH.format(path=str(target)), attacker)
    try:
        try:
            clone = stub.CloneSession(pb.CloneSessionRequest(session_id=attacker), timeout=60)
        except grpc.RpcError as error:
            figures["clone"] = f"{error.code().name}: {error.details()}"
        else:
            figures["clone"] = "made"
            stub.DeleteSession(pb.DeleteSessionRequest(session_id=clone.session.session_id))
        stub.DeleteSession(pb.DeleteSessionRequest(session_id=attacker))
        time.sleep(1)
        assert (target / "kept").exists(), "the server removed the directory the clone named"
        assert still_serving(disposable)
    finally:
        shutil.rmtree(target, ignore_errors=True)


# Sage code that writes well-formed messages to its channel, without end: output events past
# what the limits allow (the worker cuts a cell's own output at them), or replies nobody asked
# for.
FLOODS = {
    "output past the limits": (
        "from sage_sidecar.messages import Stream\nchunk = 'x' * 2^20\n"
        "for _ in range(64r):\n    end.send((Stream('stdout', chunk),))"
    ),
    "replies nobody asked for": (
        "from sage_sidecar.messages import Cloned\n"
        "for _ in range(10000r):\n    end.send(Cloned(0r, error='unasked'))"
    ),
}


@pytest.mark.parametrize("flood", list(FLOODS))
def test_worker_cannot_make_the_server_hold_what_it_floods_its_channel_with(
    stub: sage_pb2_grpc.SageServiceStub, flood: str, figures: dict[str, object]
) -> None:
    """The server holds an evaluation's events until it ends, and replies until they are
    read: a worker that floods its channel is killed, the session comes back at its last
    committed state, and other sessions go on."""
    bystander, attacker = create_session(stub), create_session(stub)
    run_events(stub, "kept = 1", bystander)
    run_events(stub, "mine = 2", attacker)
    events = run_events(stub, _TAKE_THE_CHANNEL + FLOODS[flood], attacker)
    received = sum(len(e.stdout.text) for e in events if e.HasField("stdout"))
    figures["outcome"] = f"{error_of(events) or 'no error'}; {received >> 20} MiB received"
    assert finished_of(events).status == pb.EVALUATION_STATUS_WORKER_DIED, figures["outcome"]
    assert received < 32 << 20
    assert value_of(stub, attacker, "mine") == "2"
    assert value_of(stub, bystander, "kept") == "1"


TOKEN = "reliability-" + secrets.token_hex(16)


@pytest.fixture(scope="module")
def guarded() -> Iterator[SidecarProcess]:
    sidecar = start_sidecar("--warm-workers", "1", env={"SAGE_SIDECAR_AUTH_TOKEN": TOKEN})
    yield sidecar
    stop_and_check(sidecar)


def _every_call(
    stub: sage_pb2_grpc.SageServiceStub, marker: Path
) -> dict[str, Callable[[tuple[tuple[str, str], ...]], object]]:
    some_id = "a" * 32
    code = f"open('{marker}', 'w').write('ran')"
    return {
        "CreateSession": lambda m: stub.CreateSession(pb.CreateSessionRequest(), metadata=m),
        "GetSession": lambda m: stub.GetSession(
            pb.GetSessionRequest(session_id=some_id), metadata=m),
        "ListSessions": lambda m: stub.ListSessions(pb.ListSessionsRequest(), metadata=m),
        "DeleteSession": lambda m: stub.DeleteSession(
            pb.DeleteSessionRequest(session_id=some_id), metadata=m),
        "Interrupt": lambda m: stub.Interrupt(pb.InterruptRequest(session_id=some_id), metadata=m),
        "CloneSession": lambda m: stub.CloneSession(
            pb.CloneSessionRequest(session_id=some_id), metadata=m),
        "Evaluate": lambda m: list(stub.Evaluate(pb.EvaluateRequest(code=code), metadata=m)),
    }  # fmt: skip


WRONG_CREDENTIALS = {
    "none": (),
    "wrong token": (("authorization", "Bearer not-the-token"),),
    "empty token": (("authorization", "Bearer "),),
    "token without scheme": (("authorization", TOKEN),),
    "lower-case scheme": (("authorization", f"bearer {TOKEN}"),),
    "token prefix": (("authorization", f"Bearer {TOKEN[:-1]}"),),
    "token plus a byte": (("authorization", f"Bearer {TOKEN}x"),),
    "basic auth": (("authorization", "Basic dXNlcjpwYXNz"),),
}


def test_every_call_without_the_right_token_is_refused_and_runs_nothing(
    guarded: SidecarProcess, figures: dict[str, object]
) -> None:
    """Every RPC, with no token or a wrong one in eight shapes, is UNAUTHENTICATED; the code
    of a refused Evaluate never runs and refused calls create nothing."""
    marker = Path(tempfile.mkdtemp()) / "ran"
    codes: dict[str, int] = {}
    with guarded.channel() as channel:
        stub = sage_pb2_grpc.SageServiceStub(channel)
        for rpc, call in _every_call(stub, marker).items():
            for shape, metadata in WRONG_CREDENTIALS.items():
                try:
                    call(metadata)
                    code = "OK"
                except grpc.RpcError as error:
                    code = error.code().name
                codes[code] = codes.get(code, 0) + 1
                assert code == "UNAUTHENTICATED", f"{rpc} with {shape}: {code}"
        good = (("authorization", f"Bearer {TOKEN}"),)
        listed = stub.ListSessions(pb.ListSessionsRequest(), metadata=good).sessions
    figures["refused calls"] = codes
    assert not marker.exists(), "a refused Evaluate ran its code"
    assert not listed, "a refused CreateSession made a session"
    assert still_serving(guarded)


REQUESTS: dict[str, type[Message]] = {
    "CreateSession": pb.CreateSessionRequest,
    "GetSession": pb.GetSessionRequest,
    "ListSessions": pb.ListSessionsRequest,
    "DeleteSession": pb.DeleteSessionRequest,
    "Interrupt": pb.InterruptRequest,
    "CloneSession": pb.CloneSessionRequest,
    "Evaluate": pb.EvaluateRequest,
}


def parses(message: type[Message], data: bytes) -> bool:
    try:
        message.FromString(data)
    except DecodeError:
        return False
    return True


def _bound(unary: Callable[..., object]) -> Callable[[bytes], object]:
    return lambda data: unary(data, timeout=10)


def _raw_calls(channel: grpc.Channel) -> dict[str, Callable[[bytes], object]]:
    calls: dict[str, Callable[[bytes], object]] = {}
    for method in ("CreateSession", "GetSession", "ListSessions", "DeleteSession",
                   "Interrupt", "CloneSession"):  # fmt: skip
        unary = channel.unary_unary(
            f"/sage.v1.SageService/{method}", request_serializer=None, response_deserializer=None
        )
        calls[method] = _bound(unary)
    streaming = channel.unary_stream(
        "/sage.v1.SageService/Evaluate", request_serializer=None, response_deserializer=None
    )
    calls["Evaluate"] = lambda data: list(streaming(data, timeout=10))
    return calls


MALFORMED = {
    "corrupt wire format": b"\xff\xff\xff\xff",
    "truncated length": b"\x0a\x05ab",
    "truncated varint": b"\x08\x80\x80\x80",
    "bad UTF-8 in a string": b"\x0a\x03\xff\xfe\xfd",
    "wrong wire type": b"\x0d\x01\x02\x03\x04",  # field 1 as a fixed32
    "group tags": b"\x0b\x0c",
    "field number 0": b"\x02\x00",
}


def test_malformed_protobuf_is_refused_and_the_server_keeps_serving(
    sandboxed: tuple[SidecarProcess, Path], figures: dict[str, object]
) -> None:
    """Bytes that do not parse as the request message get INVALID_ARGUMENT (or INTERNAL) on
    every RPC, never UNKNOWN; the sidecar keeps serving."""
    sidecar, _ = sandboxed
    seen: dict[str, int] = {}
    wrong = []
    with sidecar.channel() as channel:
        for method, call in _raw_calls(channel).items():
            for name, data in MALFORMED.items():
                if parses(REQUESTS[method], data):
                    continue  # unknown fields of a message without them: not malformed
                try:
                    call(data)
                    code = grpc.StatusCode.OK
                except grpc.RpcError as error:
                    code = error.code()
                seen[code.name] = seen.get(code.name, 0) + 1
                if code not in (grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.INTERNAL):
                    wrong.append(f"{method}/{name}: {code.name}")
    figures["statuses"] = seen
    assert still_serving(sidecar)
    assert not wrong, f"{len(wrong)} malformed requests got another status: {wrong[:5]}"


def test_unknown_fields_are_ignored(
    sandboxed: tuple[SidecarProcess, Path], figures: dict[str, object]
) -> None:
    """A request carrying fields this server does not know (a newer client) is served."""
    sidecar, _ = sandboxed
    request = pb.EvaluateRequest(code="6*7").SerializeToString()
    extra = b"\xa0\x06\x01" + b"\xaa\x06\x03abc"  # fields 100 (varint) and 101 (bytes)
    with sidecar.channel() as channel:
        events = _raw_calls(channel)["Evaluate"](request + extra)
    assert isinstance(events, list)
    decoded = [pb.EvaluateResponse.FromString(e) for e in events]
    assert decoded[-2].result.text_plain == "42"
    figures["events"] = len(decoded)
