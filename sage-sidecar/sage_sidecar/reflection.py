"""Server reflection that includes the .proto comments, so `grpcurl describe` documents the API.

grpcio-reflection serializes descriptors with `CopyToProto`, which leaves out source info
(the comments). This servicer swaps in the descriptors codegen wrote with source info kept.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

import grpc
from google.protobuf import descriptor_pb2
from grpc_reflection.v1alpha import reflection
from grpc_reflection.v1alpha.reflection_pb2 import ServerReflectionResponse


class DocumentedReflectionServicer(reflection.aio.ReflectionServicer):  # type: ignore[misc]
    def __init__(self, service_names: tuple[str, ...]) -> None:
        super().__init__(service_names)
        documented = descriptor_pb2.FileDescriptorSet.FromString(
            resources.files("sage_services.api").joinpath("descriptors.binpb").read_bytes()
        )
        for file in documented.file:
            _drop_json_names(file.message_type)
        self._documented = {f.name: f.SerializeToString() for f in documented.file}

    def _file_by_filename(self, request: Any, filename: str) -> ServerReflectionResponse:
        return self._with_comments(super()._file_by_filename(request, filename))

    def _file_containing_symbol(self, request: Any, name: str) -> ServerReflectionResponse:
        return self._with_comments(super()._file_containing_symbol(request, name))

    def _with_comments(self, response: ServerReflectionResponse) -> ServerReflectionResponse:
        if response.HasField("file_descriptor_response"):
            protos = response.file_descriptor_response.file_descriptor_proto
            for index, raw in enumerate(protos):
                name = descriptor_pb2.FileDescriptorProto.FromString(raw).name
                protos[index] = self._documented.get(name, raw)
        return response


def _drop_json_names(messages: Any) -> None:
    """Without `json_name`, grpcurl prints the proto's own field names (`text_plain`), as the
    docs and the default descriptors do."""
    for message in messages:
        for field in message.field:
            field.ClearField("json_name")
        _drop_json_names(message.nested_type)


def add_reflection(server: grpc.aio.Server, *service_names: str) -> None:
    from grpc_reflection.v1alpha import reflection_pb2_grpc

    names = (*service_names, reflection.SERVICE_NAME)
    reflection_pb2_grpc.add_ServerReflectionServicer_to_server(
        DocumentedReflectionServicer(names), server
    )
