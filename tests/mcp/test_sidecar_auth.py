"""The MCP server reaching a sidecar that wants credentials: a bearer token, TLS, mTLS."""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

import grpc
import pytest
from mcp.types import TextContent
from sage_mcp.auth import AuthConfigError, SidecarAuth, sidecar_auth
from sage_mcp.client import SageClient, SidecarError
from sage_mcp.evaluation import Outcome
from sage_mcp.explain import explain
from sage_mcp.settings import McpSettings

from tests.certs import make_pki
from tests.helpers import start_sidecar, stop_and_check
from tests.mcp.conftest import stdio_client
from tests.mcp.fake_sidecar import FakeSidecar

TOKEN = "token-for-the-mcp-tests"


@contextlib.asynccontextmanager
async def fake_sidecar(
    token: str | None = None, credentials: grpc.ServerCredentials | None = None
) -> AsyncIterator[FakeSidecar]:
    sidecar = FakeSidecar(token=token, credentials=credentials)
    await sidecar.start()
    try:
        yield sidecar
    finally:
        await sidecar.stop()


async def evaluate(address: str, auth: SidecarAuth | None) -> Outcome:
    client = SageClient(address, connect_timeout=2.0, auth=auth)
    outcome = Outcome()
    try:
        events = client.evaluate("1+1", session_id="s1", timeout=10.0)
        async with contextlib.aclosing(events):
            async for event in events:
                outcome.add(event)
    finally:
        await client.close()
    return outcome


async def test_the_token_is_sent_with_every_call(tmp_path: Path) -> None:
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN + "\n")
    auth = sidecar_auth(McpSettings.model_validate({"sidecar_token_file": token_file}))
    async with fake_sidecar(token=TOKEN) as sidecar:
        outcome = await evaluate(sidecar.address, auth)
        with pytest.raises(SidecarError) as refused:
            await evaluate(sidecar.address, None)
    assert outcome.result_text == "2"
    assert refused.value.code == grpc.StatusCode.UNAUTHENTICATED
    assert "configuration problem" in explain(refused.value)


async def test_mtls_with_a_client_certificate_and_a_server_name(tmp_path: Path) -> None:
    pki = make_pki(tmp_path)
    server_credentials = grpc.ssl_server_credentials(
        [(pki.server_key.read_bytes(), pki.server_cert.read_bytes())],
        root_certificates=pki.ca.read_bytes(),
        require_client_auth=True,
    )
    settings = McpSettings.model_validate(
        {
            "sidecar_tls_ca_file": pki.ca,
            "sidecar_tls_cert_file": pki.client_cert,
            "sidecar_tls_key_file": pki.client_key,
            "sidecar_tls_server_name": "localhost",
        }
    )
    async with fake_sidecar(credentials=server_credentials) as sidecar:
        outcome = await evaluate(sidecar.address, sidecar_auth(settings))
    assert outcome.result_text == "2"


def test_half_a_client_certificate_is_a_configuration_error(tmp_path: Path) -> None:
    pki = make_pki(tmp_path)
    with pytest.raises(AuthConfigError):
        sidecar_auth(McpSettings.model_validate({"sidecar_tls_cert_file": pki.client_cert}))


async def test_sage_mcp_reaches_a_real_sidecar_that_wants_a_token() -> None:
    token_file = Path(tempfile.mkdtemp()) / "token"
    token_file.write_text(TOKEN)
    sidecar = start_sidecar("--auth-token-file", str(token_file), "--warm-workers", "1")
    try:
        async with stdio_client(sidecar.address, "--sidecar-token-file", str(token_file)) as c:
            allowed = await c.call_tool("evaluate", {"code": "2^10"})
        async with stdio_client(sidecar.address) as client:
            refused = await client.call_tool("evaluate", {"code": "2^10"})
    finally:
        stop_and_check(sidecar)
    assert not allowed.is_error
    assert [b.text for b in allowed.content if isinstance(b, TextContent)] == ["1024"]
    assert refused.is_error
    assert "refused this MCP server's credentials" in str(refused.content[0])
