"""Shared fixtures: one warm, real sidecar for the whole run; it must exit cleanly. The
run's temporary files, its sidecars' included, go in one directory removed at its end."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator

import pytest
from sage_services.api.sage.v1 import sage_pb2 as pb
from sage_services.api.sage.v1 import sage_pb2_grpc

from tests.helpers import SidecarProcess, start_sidecar, stop_and_check

_TEMPORARY = pytest.StashKey[str]()


def pytest_configure(config: pytest.Config) -> None:
    # Logs, state directories, scratch and the forkserver's socket directory of every
    # sidecar a test starts (one killed outright cannot remove its own): a run would
    # otherwise leave hundreds of them in /tmp.
    # pytest's own `tmp_path` stays where it was: it keeps the last few runs' by design, and
    # paths deeper by this directory would pass the length of a unix socket's address.
    os.environ.setdefault("PYTEST_DEBUG_TEMPROOT", tempfile.gettempdir())
    base = tempfile.mkdtemp(prefix="sage-tests-")
    os.chmod(base, 0o1777)  # tests run some sidecars as another uid
    config.stash[_TEMPORARY] = base
    os.environ["TMPDIR"] = tempfile.tempdir = base


def pytest_unconfigure(config: pytest.Config) -> None:
    base = config.stash.get(_TEMPORARY, None)
    if base is not None:
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
def sidecar() -> Iterator[SidecarProcess]:
    """A real sidecar with real Sage workers, shared by the tests that do not stop it.

    Its interrupt grace is long: on a loaded machine a worker, which runs below the server's
    priority, can wait seconds for the CPU to stop, and a kill would roll back what the
    interrupted cell bound, which tests of interrupts check is kept."""
    process = start_sidecar("--interrupt-grace-seconds", "10")
    yield process
    stop_and_check(process)


@pytest.fixture(scope="session")
def stub(sidecar: SidecarProcess) -> Iterator[sage_pb2_grpc.SageServiceStub]:
    with sidecar.channel() as channel:
        yield sage_pb2_grpc.SageServiceStub(channel)


@pytest.fixture(autouse=True)
def _sessions_go_with_their_test(request: pytest.FixtureRequest) -> Iterator[None]:
    """The sessions a test made on the shared sidecar are deleted after it: the sidecar holds
    64 at most, one-off evaluations included, and the suite makes more than that."""
    if "sidecar" not in request.fixturenames:
        yield
        return
    sidecar: SidecarProcess = request.getfixturevalue("sidecar")
    with sidecar.channel() as channel:
        stub = sage_pb2_grpc.SageServiceStub(channel)
        before = _session_ids(stub)
        yield
        for session_id in _session_ids(stub) - before:
            stub.DeleteSession(pb.DeleteSessionRequest(session_id=session_id), timeout=30)


def _session_ids(stub: sage_pb2_grpc.SageServiceStub) -> set[str]:
    sessions = stub.ListSessions(pb.ListSessionsRequest(), timeout=30).sessions
    return {session.session_id for session in sessions}
