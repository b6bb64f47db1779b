"""Who may call the sidecar: bearer tokens, mTLS, and the loopback rule."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from sage_services.api.sage.v1 import sage_pb2 as pb
from sage_services.api.sage.v1 import sage_pb2_grpc

from tests.certs import make_pki
from tests.helpers import BIN, SidecarProcess, free_port, start_sidecar, stop_and_check

TOKEN = "s3cret-token-for-tests"


@pytest.fixture(scope="module")
def token_file() -> Path:
    """Readable by every user, as Kubernetes mounts a secret by default: only the sandbox,
    not the file's mode, keeps it from Sage code."""
    directory = Path(tempfile.mkdtemp())
    directory.chmod(0o755)
    path = directory / "token"
    path.write_text(TOKEN + "\n")
    path.chmod(0o644)
    return path


@pytest.fixture(scope="module")
def guarded(token_file: Path) -> Iterator[SidecarProcess]:
    sidecar = start_sidecar("--auth-token-file", str(token_file), "--warm-workers", "1")
    yield sidecar
    stop_and_check(sidecar)


def _list_sessions(sidecar: SidecarProcess, metadata: tuple[tuple[str, str], ...] = ()) -> None:
    with sidecar.channel() as channel:
        stub = sage_pb2_grpc.SageServiceStub(channel)
        stub.ListSessions(pb.ListSessionsRequest(), metadata=metadata, timeout=10)


def test_call_without_a_token_is_unauthenticated(guarded: SidecarProcess) -> None:
    with pytest.raises(grpc.RpcError) as raised:
        _list_sessions(guarded)
    assert raised.value.code() == grpc.StatusCode.UNAUTHENTICATED
    assert "authorization: Bearer" in str(raised.value.details())


def test_call_with_a_wrong_token_is_unauthenticated(guarded: SidecarProcess) -> None:
    with pytest.raises(grpc.RpcError) as raised:
        _list_sessions(guarded, (("authorization", "Bearer not-the-token"),))
    assert raised.value.code() == grpc.StatusCode.UNAUTHENTICATED


def test_streaming_call_without_a_token_is_unauthenticated(guarded: SidecarProcess) -> None:
    with guarded.channel() as channel, pytest.raises(grpc.RpcError) as raised:
        list(sage_pb2_grpc.SageServiceStub(channel).Evaluate(pb.EvaluateRequest(code="1")))
    assert raised.value.code() == grpc.StatusCode.UNAUTHENTICATED


def test_call_with_the_token_succeeds(guarded: SidecarProcess) -> None:
    with guarded.channel() as channel:
        stub = sage_pb2_grpc.SageServiceStub(channel)
        metadata = (("authorization", f"Bearer {TOKEN}"),)
        events = list(stub.Evaluate(pb.EvaluateRequest(code="2^10"), metadata=metadata))
    assert events[-2].result.text_plain == "1024"


def test_sage_code_cannot_read_the_token_file(guarded: SidecarProcess, token_file: Path) -> None:
    with guarded.channel() as channel:
        stub = sage_pb2_grpc.SageServiceStub(channel)
        metadata = (("authorization", f"Bearer {TOKEN}"),)
        request = pb.EvaluateRequest(code=f"open({str(token_file)!r}).read()")
        events = list(stub.Evaluate(request, metadata=metadata))
    assert TOKEN not in str(events)
    assert events[-2].result.text_plain == "''"  # /dev/null is mounted over it


def test_the_token_stays_hidden_after_its_secret_is_rotated() -> None:
    # As Kubernetes mounts a secret: the file is a symlink through `..data`, which a rotation
    # points at a new directory before deleting the old one.
    secret = Path(tempfile.mkdtemp())
    secret.chmod(0o755)  # readable by every user, as in test_sage_code_cannot_read_the_token_file
    (secret / "..v1").mkdir()
    (secret / "..v1" / "token").write_text(TOKEN)
    (secret / "..data").symlink_to("..v1")
    (secret / "token").symlink_to("..data/token")
    sidecar = start_sidecar("--auth-token-file", str(secret / "token"), "--warm-workers", "1")
    try:
        (secret / "..v2").mkdir()
        (secret / "..v2" / "token").write_text("rotated")
        (secret / "..data.tmp").symlink_to("..v2")
        (secret / "..data.tmp").rename(secret / "..data")
        shutil.rmtree(secret / "..v1")
        metadata = (("authorization", f"Bearer {TOKEN}"),)
        with sidecar.channel() as channel:
            stub = sage_pb2_grpc.SageServiceStub(channel)
            for _ in range(3):  # sessions whose workers are born after the rotation
                session = stub.CreateSession(
                    pb.CreateSessionRequest(), metadata=metadata, timeout=60
                ).session.session_id
                request = pb.EvaluateRequest(
                    session_id=session, code=f"open({str(secret / 'token')!r}).read()"
                )
                events = list(stub.Evaluate(request, metadata=metadata, timeout=60))
                assert events[-1].HasField("finished")
                assert "rotated" not in str(events)
                assert TOKEN not in str(events)
    finally:
        stop_and_check(sidecar)


def test_health_needs_no_token(guarded: SidecarProcess) -> None:
    assert guarded.health() == health_pb2.HealthCheckResponse.SERVING


def test_grpcurl_with_the_token_header(guarded: SidecarProcess) -> None:
    done = subprocess.run(
        [str(BIN / "grpcurl"), "-plaintext", "-H", f"authorization: Bearer {TOKEN}",
         "-d", "{}", guarded.address, "sage.v1.SageService/ListSessions"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr


def test_remote_listen_without_authentication_is_refused() -> None:
    sidecar = start_sidecar("--listen", f"0.0.0.0:{free_port()}", wait=False)
    assert sidecar.process.wait(60) == 2
    assert "refusing to listen on 0.0.0.0" in sidecar.log()


def _wait_until_serving(channel: grpc.Channel, timeout: float = 120.0) -> None:
    health = health_pb2_grpc.HealthStub(channel)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            reply = health.Check(health_pb2.HealthCheckRequest(), timeout=5)
            if reply.status == health_pb2.HealthCheckResponse.SERVING:
                return
        except grpc.RpcError:
            pass
        time.sleep(0.1)
    raise TimeoutError("the TLS sidecar never became SERVING")


def test_mtls_admits_only_clients_with_a_certificate_from_the_ca() -> None:
    pki = make_pki(Path(tempfile.mkdtemp()))
    port = free_port()
    sidecar = start_sidecar(
        "--listen", f"localhost:{port}", "--tls-cert-file", str(pki.server_cert),
        "--tls-key-file", str(pki.server_key), "--tls-client-ca-file", str(pki.ca),
        "--warm-workers", "1", wait=False, port=port,
    )  # fmt: skip
    try:
        trusted = grpc.ssl_channel_credentials(
            root_certificates=pki.ca.read_bytes(),
            private_key=pki.client_key.read_bytes(),
            certificate_chain=pki.client_cert.read_bytes(),
        )
        with grpc.secure_channel(f"localhost:{port}", trusted) as channel:
            _wait_until_serving(channel)
            stub = sage_pb2_grpc.SageServiceStub(channel)
            assert list(stub.Evaluate(pb.EvaluateRequest(code="1+1")))[-2].result.text_plain == "2"
        anonymous = grpc.ssl_channel_credentials(root_certificates=pki.ca.read_bytes())
        with grpc.secure_channel(f"localhost:{port}", anonymous) as channel:
            stub = sage_pb2_grpc.SageServiceStub(channel)
            with pytest.raises(grpc.RpcError) as raised:
                stub.ListSessions(pb.ListSessionsRequest(), timeout=10)
            assert raised.value.code() == grpc.StatusCode.UNAVAILABLE
    finally:
        sidecar.remember_descendants()
        stop_and_check(sidecar)
