"""How the MCP server proves itself to a sidecar that wants it: a bearer token, TLS, mTLS.

Reads the settings once at start-up; `client` sends the token as call metadata and opens a
TLS channel when there are credentials. Counterpart: the sidecar's `auth` module.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import grpc

from sage_mcp.settings import McpSettings


class AuthConfigError(ValueError):
    pass


@dataclass(frozen=True)
class SidecarAuth:
    token: str | None = None
    credentials: grpc.ChannelCredentials | None = None
    # The name the sidecar's certificate is checked against, when not the address's host.
    server_name: str | None = None

    def metadata(self) -> tuple[tuple[str, str], ...] | None:
        return (("authorization", f"Bearer {self.token}"),) if self.token else None


def sidecar_auth(settings: McpSettings) -> SidecarAuth:
    return SidecarAuth(
        token=_token(settings),
        credentials=_credentials(settings),
        server_name=settings.sidecar_tls_server_name or None,
    )


def _token(settings: McpSettings) -> str | None:
    if settings.sidecar_token_file is not None:
        token = _read(settings.sidecar_token_file, "--sidecar-token-file").decode().strip()
        if not token:
            raise AuthConfigError(f"--sidecar-token-file {settings.sidecar_token_file} is empty")
        return token
    if settings.sidecar_token is not None:
        return settings.sidecar_token.get_secret_value() or None
    return None


def _credentials(settings: McpSettings) -> grpc.ChannelCredentials | None:
    ca, cert, key = (
        settings.sidecar_tls_ca_file,
        settings.sidecar_tls_cert_file,
        settings.sidecar_tls_key_file,
    )
    if (cert is None) != (key is None):
        raise AuthConfigError("--sidecar-tls-cert-file and --sidecar-tls-key-file go together")
    if ca is None and cert is None:
        return None
    return grpc.ssl_channel_credentials(
        root_certificates=_read(ca, "--sidecar-tls-ca-file") if ca else None,
        private_key=_read(key, "--sidecar-tls-key-file") if key else None,
        certificate_chain=_read(cert, "--sidecar-tls-cert-file") if cert else None,
    )


def _read(path: Path, flag: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise AuthConfigError(f"cannot read {flag}: {exc}") from exc
