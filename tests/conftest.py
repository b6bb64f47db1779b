"""Shared fixtures: one warm, real sidecar for the whole run; it must exit cleanly."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sage_services.api.sage.v1 import sage_pb2_grpc

from tests.helpers import SidecarProcess, start_sidecar, stop_and_check


@pytest.fixture(scope="session")
def sidecar() -> Iterator[SidecarProcess]:
    """A real sidecar with real Sage workers, shared by the tests that do not stop it."""
    process = start_sidecar("--interrupt-grace-seconds", "3")
    yield process
    stop_and_check(process)


@pytest.fixture(scope="session")
def stub(sidecar: SidecarProcess) -> Iterator[sage_pb2_grpc.SageServiceStub]:
    with sidecar.channel() as channel:
        yield sage_pb2_grpc.SageServiceStub(channel)
