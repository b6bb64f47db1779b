"""Requests that do not parse get INVALID_ARGUMENT, not grpc.aio's UNKNOWN.

grpc.aio reports a request deserializer's exception as UNKNOWN. Each handler is registered
with a deserializer that cannot fail and a behaviour that refuses what did not parse. This is
done once, when the service is registered: a server interceptor would pay for it on every call.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable, Callable, Mapping
from contextlib import aclosing
from typing import Any

import grpc
from google.protobuf.message import DecodeError


class _Unparsable:
    def __init__(self, reason: str) -> None:
        self.reason = reason


class _Registrar:
    """Stands in for the server in a generated `add_*Servicer_to_server`, to collect the
    service's method handlers."""

    def __init__(self) -> None:
        self.services: dict[str, Mapping[str, grpc.RpcMethodHandler]] = {}

    def add_generic_rpc_handlers(self, handlers: object) -> None:
        pass  # the same handlers arrive below, by name

    def add_registered_method_handlers(
        self, service: str, handlers: Mapping[str, grpc.RpcMethodHandler]
    ) -> None:
        self.services[service] = handlers


def add_guarded(
    add_to_server: Callable[[Any, Any], None], servicer: object, server: grpc.aio.Server
) -> None:
    """Register `servicer` as the generated `add_to_server` would, every handler guarded."""
    registrar = _Registrar()
    add_to_server(servicer, registrar)
    for service, handlers in registrar.services.items():
        guarded = {name: _guard(handler) for name, handler in handlers.items()}
        server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler(service, guarded),))
        server.add_registered_method_handlers(service, guarded)


def _guard(handler: grpc.RpcMethodHandler) -> grpc.RpcMethodHandler:
    if handler.request_deserializer is None or handler.request_streaming:
        return handler  # client-streaming methods: none in these services
    parse = handler.request_deserializer

    def deserialize(data: bytes) -> Any:
        try:
            return parse(data)
        except DecodeError as exc:
            return _Unparsable(str(exc))

    options = {"request_deserializer": deserialize,
               "response_serializer": handler.response_serializer}  # fmt: skip
    if handler.unary_unary is not None:
        return grpc.unary_unary_rpc_method_handler(_unary(handler.unary_unary), **options)
    return grpc.unary_stream_rpc_method_handler(_stream(handler.unary_stream), **options)


def _refusal(request: _Unparsable) -> str:
    return f"The request is not a valid protobuf message for this method ({request.reason})."


def _unary(behaviour: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    async def guarded(request: Any, context: grpc.aio.ServicerContext) -> Any:
        if isinstance(request, _Unparsable):
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, _refusal(request))
        return await behaviour(request, context)

    return guarded


def _stream(
    behaviour: Callable[..., AsyncGenerator[Any, None]],
) -> Callable[..., AsyncGenerator[Any, None]]:
    # An async generator: grpc.aio runs any other kind of streaming handler as a synchronous
    # generator, and OpenTelemetry's interceptor traces only these.
    async def guarded(request: Any, context: grpc.aio.ServicerContext) -> AsyncGenerator[Any, None]:
        if isinstance(request, _Unparsable):
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, _refusal(request))
        async with aclosing(behaviour(request, context)) as responses:
            async for response in responses:
                yield response

    return guarded
