"""Turns a failed sidecar call into a message a model can act on.

Counterpart: `client`, which raises `SidecarError` with the gRPC status and its
`google.rpc` details; this module decides what the agent should do next.
"""

from __future__ import annotations

import re
from typing import Literal

import grpc
from google.rpc import error_details_pb2

from sage_mcp.client import (
    EvaluationLost,
    EvaluationPastDeadline,
    SidecarError,
    SidecarUnavailable,
)

# The sidecar's name for a request field -> the tool argument it comes from.
_TOOL_ARGUMENTS = {"timeout": "timeout_seconds"}
# The sidecar's messages name its gRPC methods; the agent knows these tools and resources.
_TOOL_NAMES = {
    "CreateSession": "create_session",
    "CloneSession": "clone_session",
    "ListSessions": "list_sessions",
    "GetSession": "list_sessions",
    "DeleteSession": "delete_session",
    "ListVariables": "list_variables",
}
_METHOD = re.compile(r"\b(" + "|".join(_TOOL_NAMES) + r")\b")
# What the failed call was for: the advice for a missing session depends on it.
Use = Literal["evaluate", "interrupt", "variables", "clone"]
_NO_SIDECAR_HINT = (
    "If this keeps happening the sidecar is not running: start `sage-sidecar`, or run the MCP "
    "server with --spawn-sidecar."
)
# This server started the sidecar itself and restarts it when it exits.
_SPAWNED_SIDECAR_HINT = (
    "This MCP server runs the sidecar itself and restarts it when it stops; if this keeps "
    "happening, the server's log (stderr) says why it does not stay up."
)


def explain(
    error: SidecarError,
    *,
    session_id: str = "",
    use: Use = "evaluate",
    spawned_sidecar: bool = False,
) -> str:
    """`use`: what the call was for. `spawned_sidecar`: the sidecar is this server's child
    (`--spawn-sidecar`)."""
    if isinstance(error, SidecarUnavailable):
        wait = f"{error.retry_after:.0f} s" if error.retry_after else "a few seconds"
        hint = _SPAWNED_SIDECAR_HINT if spawned_sidecar else _NO_SIDECAR_HINT
        return (
            f"Sage runtime unavailable at {error.address}: {_sentence(error.reason)} It may be "
            f"starting or restarting; try again in {wait}. {hint}"
        )
    if isinstance(error, EvaluationPastDeadline):
        if error.session_id and not error.started:
            return (
                "The evaluation did not start within the call's deadline: it was most likely "
                f"waiting behind another evaluation on session {error.session_id!r}, and time "
                "spent waiting counts against timeout_seconds. It was withdrawn without running. "
                "Wait for the session's running evaluation to finish (list_sessions shows "
                "it busy), stop it with interrupt, or use another session; then call again."
            )
        return (
            "The Sage runtime did not finish within the call's deadline, so the call was "
            "cancelled and the code interrupted. Pass a larger timeout_seconds, or split the "
            "work into smaller steps."
        )
    if isinstance(error, EvaluationLost):
        return (
            f"The connection to the Sage runtime broke while this one-off evaluation was "
            f"running ({error.detail}); the runtime probably restarted. Its outcome is unknown, "
            "and it was not sent again so that it cannot run twice. Run it again if that is safe."
        )
    code = error.code
    if code == grpc.StatusCode.NOT_FOUND:
        missing = _resource_name(error) or session_id
        if error.after_outage:
            return (
                f"Session {missing!r} was lost: the Sage runtime restarted during this call and "
                "the session did not survive it, so its variables are gone. Create a new session "
                "with create_session and re-run the definitions you need, or omit session_id for "
                "a one-off evaluation."
            )
        gone = f"Session {missing!r} does not exist: it was deleted, or never existed."
        if use == "interrupt":
            return f"{gone} Nothing runs in it to interrupt; list_sessions shows the live sessions."
        if use == "variables":
            return f"{gone} It has no variables to read; list_sessions shows the live sessions."
        if use == "clone":
            return (
                f"{gone} There is nothing to clone; list_sessions shows the live sessions, and "
                "create_session makes a new one."
            )
        return (
            f"{gone} Use one that list_sessions shows, or create one with create_session and "
            "re-run the definitions you need; or omit session_id for a one-off evaluation."
        )
    if code == grpc.StatusCode.RESOURCE_EXHAUSTED:
        if _resource_type(error) == "processes":
            return _fork_refused(error.message)
        return _exhausted(error.message)
    if code == grpc.StatusCode.INVALID_ARGUMENT:
        violations = [
            f"Invalid argument {_TOOL_ARGUMENTS.get(v.field, v.field)}: {_sentence(v.description)}"
            for d in error.details
            if isinstance(d, error_details_pb2.BadRequest)
            for v in d.field_violations
        ]
        what = " ".join(violations) or _sentence(error.message)
        return f"{what} Fix it and call again."
    if code in (grpc.StatusCode.UNAUTHENTICATED, grpc.StatusCode.PERMISSION_DENIED):
        return (
            f"The Sage runtime refused this MCP server's credentials: {_sentence(error.message)} "
            "This is a configuration problem an agent cannot fix: the operator must give the MCP "
            "server the sidecar's token (--sidecar-token-file) or client certificate."
        )
    if code == grpc.StatusCode.DEADLINE_EXCEEDED and use == "clone":
        # A clone waits for the session's turn; the sidecar withdraws one still waiting.
        return (
            f"Session {session_id!r} was not cloned within the call's deadline, and no clone was "
            "made: a session is cloned between evaluations, and this one was most likely running "
            "code or had evaluations queued. Wait for them to finish (list_sessions shows it "
            "busy), or stop the running one with interrupt; then call again."
        )
    if code == grpc.StatusCode.DEADLINE_EXCEEDED:
        return (
            "The Sage runtime did not answer within the call's deadline. Try again in a few "
            "seconds."
        )
    if code == grpc.StatusCode.CANCELLED:
        return "The call was cancelled before the Sage runtime answered."
    if code == grpc.StatusCode.UNAVAILABLE:
        return f"Sage runtime unavailable: {_sentence(error.message)} Try again in a few seconds."
    return f"The Sage runtime failed the call ({code.name}): {_sentence(error.message)}"


def _sentence(text: str) -> str:
    """`text` as a sentence to put before another: the sidecar's messages mostly end with a
    period already, gRPC's own and ours do not. gRPC method names become the tools'."""
    text = _METHOD.sub(lambda match: _TOOL_NAMES[match.group(1)], text.strip())
    if not text:
        return ""
    return text if text[-1] in ".!?" else text + "."


def _exhausted(message: str) -> str:
    """RESOURCE_EXHAUSTED covers three different limits, each with its own remedy. The
    sidecar's own advice names its gRPC methods, so only its first sentence is passed on."""
    if "larger than max" in message:  # gRPC's own limit on a request's size
        return (
            f"The code is too large for the Sage runtime ({message}). Send it in parts: "
            "several evaluate calls on one session, or build large data with Sage code "
            "rather than pasting it."
        )
    first = message.split(". ")[0].rstrip(".") + "."
    if "queued" in message:
        return (
            f"The session is busy: {first} Wait for its evaluations to finish, stop the "
            "running one with interrupt, or use another session."
        )
    return (
        f"The Sage runtime is at capacity: {first} Delete sessions you no longer need with "
        "delete_session (list_sessions shows them), then try again."
    )


def _fork_refused(message: str) -> str:
    """A clone's fork refused (no process or memory to spare): deleting sessions is not the
    first remedy, as it is when the runtime is at capacity."""
    first = message.split(". ")[0].rstrip(".") + "."
    return (
        f"{_sentence(first)} The session is unchanged. Its worker may be at its limit of "
        "processes, or short of memory: end threads or processes the session's code started, "
        "or delete sessions you no longer need (list_sessions shows them), then try again."
    )


def _resource_type(error: SidecarError) -> str:
    for detail in error.details:
        if isinstance(detail, error_details_pb2.ResourceInfo):
            return str(detail.resource_type)
    return ""


def _resource_name(error: SidecarError) -> str:
    for detail in error.details:
        if isinstance(detail, error_details_pb2.ResourceInfo) and detail.resource_name:
            return str(detail.resource_name)
    return ""
