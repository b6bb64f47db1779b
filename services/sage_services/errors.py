"""The error model both sides share: domain errors, and their gRPC status with details.

The sidecar raises these from its plain classes; its servicer turns them into a status in one
place (`to_status`). The MCP client reads the same details back (`details_of`) to tell an agent
what to do next. Details follow the Google API error model (`google.rpc.BadRequest`,
`ResourceInfo`, `RetryInfo`), so any gRPC client can use them.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

import grpc
from google.protobuf import any_pb2, duration_pb2
from google.protobuf.message import Message
from google.rpc import code_pb2, error_details_pb2, status_pb2
from grpc_status import rpc_status


@dataclass(frozen=True)
class FieldViolation:
    field: str
    description: str


@dataclass
class RuntimeFault(Exception):
    """A failure of a call or a resource, as opposed to an exception raised by Sage code."""

    message: str
    code: grpc.StatusCode = grpc.StatusCode.INTERNAL
    violations: Sequence[FieldViolation] = field(default_factory=tuple)
    resource_type: str = ""
    resource_name: str = ""
    retry_after: float | None = None

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


def session_not_found(session_id: str) -> RuntimeFault:
    return RuntimeFault(
        f"Session {session_id!r} does not exist here (it was deleted, or this server keeps "
        "its sessions in another state directory). "
        "Create a session with CreateSession, or leave session_id empty for a one-off evaluation.",
        grpc.StatusCode.NOT_FOUND,
        resource_type="sage.v1.Session",
        resource_name=session_id,
    )


def invalid_argument(field_name: str, description: str) -> RuntimeFault:
    return RuntimeFault(
        f"Invalid {field_name}: {description}",
        grpc.StatusCode.INVALID_ARGUMENT,
        violations=(FieldViolation(field_name, description),),
    )


def resource_exhausted(message: str, *, resource_type: str = "") -> RuntimeFault:
    return RuntimeFault(message, grpc.StatusCode.RESOURCE_EXHAUSTED, resource_type=resource_type)


def unavailable(message: str, *, retry_after: float = 1.0) -> RuntimeFault:
    return RuntimeFault(message, grpc.StatusCode.UNAVAILABLE, retry_after=retry_after)


def to_status(fault: RuntimeFault) -> grpc.Status:
    """The gRPC status for a fault, with its details packed into `grpc-status-details-bin`."""
    details: list[Message] = []
    if fault.violations:
        details.append(
            error_details_pb2.BadRequest(
                field_violations=[
                    error_details_pb2.BadRequest.FieldViolation(
                        field=v.field, description=v.description
                    )
                    for v in fault.violations
                ]
            )
        )
    if fault.resource_type:
        details.append(
            error_details_pb2.ResourceInfo(
                resource_type=fault.resource_type, resource_name=fault.resource_name
            )
        )
    if fault.retry_after is not None:
        delay = duration_pb2.Duration()
        delay.FromTimedelta(datetime.timedelta(seconds=fault.retry_after))
        details.append(error_details_pb2.RetryInfo(retry_delay=delay))
    packed = []
    for detail in details:
        any_detail = any_pb2.Any()
        any_detail.Pack(detail)
        packed.append(any_detail)
    status = status_pb2.Status(
        code=_CODE_NUMBERS[fault.code], message=fault.message, details=packed
    )
    return rpc_status.to_status(status)


def details_of(error: grpc.RpcError) -> list[Message]:
    """The unpacked `google.rpc` details of a failed call, in the order they were sent."""
    status = rpc_status.from_call(error)
    if status is None:
        return []
    unpacked: list[Message] = []
    for any_detail in status.details:
        for cls in (
            error_details_pb2.BadRequest,
            error_details_pb2.ResourceInfo,
            error_details_pb2.RetryInfo,
        ):
            if any_detail.Is(cls.DESCRIPTOR):
                message = cls()
                any_detail.Unpack(message)
                unpacked.append(message)
    return unpacked


_CODE_NUMBERS: dict[grpc.StatusCode, int] = {
    code: getattr(code_pb2, code.name) for code in grpc.StatusCode
}
