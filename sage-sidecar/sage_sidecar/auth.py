"""Who may call the sidecar: an optional bearer token, mTLS, and the loopback rule.

Health checks need no token, so that orchestrators' gRPC probes work. Without a token or mTLS
the sidecar listens only on loopback or a unix socket, unless the operator says otherwise.
"""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Awaitable, Callable
from typing import Any

import grpc

from sage_sidecar.settings import SidecarSettings

_OPEN_PREFIXES = ("/grpc.health.v1.Health/",)


class ConfigurationError(ValueError):
    pass


def bearer_token(settings: SidecarSettings) -> str | None:
    """The configured token, from its file or the environment; None when there is none."""
    if settings.auth_token_file is not None:
        try:
            token = settings.auth_token_file.read_text().strip()
        except OSError as exc:
            raise ConfigurationError(f"cannot read --auth-token-file: {exc}") from exc
        if not token:
            raise ConfigurationError(f"--auth-token-file {settings.auth_token_file} is empty")
        return token
    if settings.auth_token is not None:
        return settings.auth_token.get_secret_value()
    return None


def server_credentials(settings: SidecarSettings) -> grpc.ServerCredentials | None:
    if settings.tls_cert_file is None and settings.tls_key_file is None:
        if settings.tls_client_ca_file is not None:
            raise ConfigurationError(
                "--tls-client-ca-file needs --tls-cert-file and --tls-key-file"
            )
        return None
    if settings.tls_cert_file is None or settings.tls_key_file is None:
        raise ConfigurationError("TLS needs both --tls-cert-file and --tls-key-file")
    try:
        key = settings.tls_key_file.read_bytes()
        cert = settings.tls_cert_file.read_bytes()
        ca = settings.tls_client_ca_file.read_bytes() if settings.tls_client_ca_file else None
    except OSError as exc:
        raise ConfigurationError(f"cannot read a TLS file: {exc}") from exc
    return grpc.ssl_server_credentials(
        [(key, cert)], root_certificates=ca, require_client_auth=ca is not None
    )


def check_exposure(settings: SidecarSettings, token: str | None) -> None:
    """Refuse to serve code execution, unauthenticated, beyond this machine by accident."""
    authenticated = token is not None or settings.tls_client_ca_file is not None
    if authenticated or settings.allow_unauthenticated_remote or _is_local(settings.listen):
        return
    raise ConfigurationError(
        f"refusing to listen on {settings.listen} without authentication: anyone who can reach "
        "it could run code. Set --auth-token-file (or SAGE_SIDECAR_AUTH_TOKEN), or mTLS with "
        "--tls-client-ca-file, or listen on 127.0.0.1 or a unix socket. To accept this risk "
        "(for example behind a network policy), pass --allow-unauthenticated-remote."
    )


def _is_local(listen: str) -> bool:
    if listen.startswith("unix:"):
        return True
    host = listen.rsplit(":", 1)[0].strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class BearerTokenInterceptor(grpc.aio.ServerInterceptor):  # type: ignore[misc]
    def __init__(self, token: str) -> None:
        self._expected = f"Bearer {token}".encode()

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler]],
        details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler:
        handler = await continuation(details)
        if handler is None or details.method.startswith(_OPEN_PREFIXES):
            return handler
        presented = dict(details.invocation_metadata or ()).get("authorization")
        if presented is None:
            return _refusal(handler, "This sidecar needs a bearer token: send the metadata "
                                     "'authorization: Bearer <token>'.")  # fmt: skip
        if isinstance(presented, str):
            presented = presented.encode()
        if not hmac.compare_digest(presented, self._expected):
            return _refusal(handler, "The bearer token is not valid for this sidecar.")
        return handler


def _refusal(handler: grpc.RpcMethodHandler, message: str) -> grpc.RpcMethodHandler:
    """A handler of the same shape as `handler` that fails with UNAUTHENTICATED."""

    async def deny(request: Any, context: grpc.aio.ServicerContext) -> None:
        await context.abort(grpc.StatusCode.UNAUTHENTICATED, message)

    async def deny_stream(request: Any, context: grpc.aio.ServicerContext) -> Any:
        await context.abort(grpc.StatusCode.UNAUTHENTICATED, message)
        yield  # pragma: no cover  (makes this an async generator)

    options = {
        "request_deserializer": handler.request_deserializer,
        "response_serializer": handler.response_serializer,
    }
    if handler.unary_stream is not None:
        return grpc.unary_stream_rpc_method_handler(deny_stream, **options)
    if handler.stream_stream is not None:
        return grpc.stream_stream_rpc_method_handler(deny_stream, **options)
    if handler.stream_unary is not None:
        return grpc.stream_unary_rpc_method_handler(deny, **options)
    return grpc.unary_unary_rpc_method_handler(deny, **options)
