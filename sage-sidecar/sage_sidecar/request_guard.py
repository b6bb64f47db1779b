"""Requests that do not parse get INVALID_ARGUMENT, not grpc.aio's UNKNOWN.

grpc.aio reports a request deserializer's exception as UNKNOWN. This interceptor gives each
handler a deserializer that cannot fail, and a behaviour that refuses what did not parse.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import grpc
from google.protobuf.message import DecodeError


class _Unparsable:
    def __init__(self, reason: str) -> None:
        self.reason = reason


class MalformedRequestInterceptor(grpc.aio.ServerInterceptor):  # type: ignore[misc]
    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler]],
        details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler:
        handler = await continuation(details)
        if handler is None or handler.request_deserializer is None:
            return handler
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
        if handler.unary_stream is not None:
            return grpc.unary_stream_rpc_method_handler(_stream(handler.unary_stream), **options)
        return handler  # client-streaming methods: none in this service


def _refusal(request: _Unparsable) -> str:
    return f"The request is not a valid protobuf message for this method ({request.reason})."


def _unary(behaviour: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    async def guarded(request: Any, context: grpc.aio.ServicerContext) -> Any:
        if isinstance(request, _Unparsable):
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, _refusal(request))
        return await behaviour(request, context)

    return guarded


def _stream(behaviour: Callable[..., AsyncIterator[Any]]) -> Callable[..., AsyncIterator[Any]]:
    # An async generator, so that OpenTelemetry's interceptor still traces the stream.
    async def guarded(request: Any, context: grpc.aio.ServicerContext) -> AsyncIterator[Any]:
        if isinstance(request, _Unparsable):
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, _refusal(request))
        async for response in behaviour(request, context):
            yield response

    return guarded
