"""Says what was wrong with a request that the SDK would refuse with a bare "Invalid params".

Three refusals get a sentence a model can act on, naming what was wrong and what is expected:
a request whose params do not have the method's shape (the SDK answers JSON-RPC -32602
"Invalid request parameters" with no detail), tool arguments that fail the tool's input
schema (pydantic's multi-line dump; an argument the tool does not take, which the SDK would
drop without a word), and a URI that no resource has ("Unknown resource"). And a tool's own
refusal reaches the caller in its words, without the SDK's "Error executing tool NAME:" before
them. Counterpart: `tools`, whose server is a `SageServer`.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any

from mcp.server.context import CallNext, HandlerResult, ServerRequestContext
from mcp.server.lowlevel.helper_types import ReadResourceContents
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import (
    ResourceError,
    ResourceNotFoundError,
    ToolError,
    UnexpectedToolError,
)
from mcp.shared.exceptions import MCPError
from mcp.types import INVALID_PARAMS, CallToolResult, InputRequiredResult
from mcp.types import Tool as McpTool
from pydantic import AnyUrl, ValidationError

# What each method's params look like, for a request whose params have another shape.
_SHAPES = {
    "tools/call": 'tools/call takes params {"name": <tool name>, "arguments": {<argument>: '
    "<value>, ...}}; tools/list gives each tool's name and inputSchema.",
    "resources/read": 'resources/read takes params {"uri": <resource URI>}, such as '
    "sage://sessions/<session_id>/variables; resources/templates/list lists the URIs.",
}
# Longest repr of a rejected value quoted back.
_SHOWN_VALUE_CHARS = 60
# Added to every tool's input schema: arguments it does not name are refused.
_CLOSED = {"additionalProperties": False}


class SageServer(MCPServer[None]):
    """`MCPServer` whose refusals of malformed requests, tool arguments and resource URIs say
    what was wrong and what is expected, and whose tools' refusals are their own words."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, middleware=[self._explain_malformed_params], **kwargs)
        # Each tool's input schema by name, read once from list_tools (not on every call).
        self._schemas: dict[str, dict[str, Any]] | None = None

    def add_tool(self, *args: Any, **kwargs: Any) -> None:
        super().add_tool(*args, **kwargs)
        self._schemas = None

    def remove_tool(self, name: str) -> None:
        super().remove_tool(name)
        self._schemas = None

    async def list_tools(self) -> list[McpTool]:
        # The SDK's schemas allow any other property, and its validation drops them unseen.
        return [
            tool.model_copy(update={"input_schema": {**tool.input_schema, **_CLOSED}})
            for tool in await super().list_tools()
        ]

    async def _explain_malformed_params(
        self, ctx: ServerRequestContext[Any, Any], call_next: CallNext
    ) -> HandlerResult:
        # The SDK checks a request's params against the method's shape inside this chain and
        # turns a mismatch into -32602 with no detail; here it still has the detail.
        try:
            return await call_next(ctx)
        except ValidationError as exc:
            if ctx.request_id is None:  # a notification: nobody reads an answer
                raise
            expected = _SHAPES.get(ctx.method, f"See the MCP specification of {ctx.method}.")
            raise MCPError(
                code=INVALID_PARAMS,
                message=f"Invalid {ctx.method} request: {_problems(exc, strip='params')}. "
                f"{expected}",
                data={"method": ctx.method},
            ) from None

    async def call_tool(
        self, name: str, arguments: dict[str, Any], context: Context[None, Any] | None = None
    ) -> CallToolResult | InputRequiredResult:
        schema = (await self._input_schemas()).get(name)
        if schema is not None:
            # A misspelt argument would otherwise run the tool without it.
            unknown = [key for key in arguments if key not in schema.get("properties", {})]
            if unknown:
                raise ToolError(_unknown_arguments(name, unknown, schema))
        try:
            return await super().call_tool(name, arguments, context)
        except UnexpectedToolError:
            raise
        except ToolError as exc:
            tools = await self._input_schemas()
            if name not in tools:
                raise ToolError(
                    f"There is no tool named {name!r}. The tools are {', '.join(tools)}."
                ) from None
            # A tool's own refusal, in its own words: the SDK puts "Error executing tool
            # NAME: " before them, which evaluate's failures, returned as results, lack.
            if isinstance(exc.__cause__, ToolError | ResourceError):
                raise ToolError(str(exc.__cause__)) from exc.__cause__
            # Only argument validation raises a ToolError caused by a ValidationError.
            if not isinstance(exc.__cause__, ValidationError):
                raise
            raise ToolError(
                f"Invalid arguments for {name}: {_problems(exc.__cause__)}. "
                f"{name} takes {_signature(tools[name])}. Fix the arguments and call again."
            ) from exc.__cause__

    async def _input_schemas(self) -> dict[str, dict[str, Any]]:
        if self._schemas is None:
            self._schemas = {tool.name: tool.input_schema for tool in await self.list_tools()}
        return self._schemas

    async def read_resource(
        self, uri: AnyUrl | str, context: Context[None, Any] | None = None
    ) -> Iterable[ReadResourceContents] | InputRequiredResult:
        try:
            return await super().read_resource(uri, context)
        except ResourceNotFoundError as exc:
            # The SDK's own refusal when no template matches; a reader's says more already.
            if str(exc) != f"Unknown resource: {uri}":
                raise
            templates = [t.uri_template for t in await self.list_resource_templates()]
            raise ResourceNotFoundError(
                f"No resource has the URI {str(uri)!r}. This server's resources are "
                f"{', '.join(templates)}: evaluate and create_session return the URIs to read."
            ) from None


def _problems(error: ValidationError, strip: str = "") -> str:
    """`error`'s failures, one clause each: where, what is wrong, and the value refused."""
    clauses = []
    for failure in error.errors():
        location = [str(part) for part in failure["loc"]]
        if location and location[0] == strip:
            location = location[1:]
        where = ".".join(location) or strip or "the input"
        if failure["type"] == "missing":
            clauses.append(f"{where} is missing")
            continue
        shown = repr(failure.get("input"))
        if len(shown) > _SHOWN_VALUE_CHARS:
            shown = shown[:_SHOWN_VALUE_CHARS] + "..."
        clauses.append(f"{where}: {failure['msg'].rstrip('.')} (got {shown})")
    return "; ".join(clauses)


def _unknown_arguments(tool: str, unknown: list[str], schema: dict[str, Any]) -> str:
    """`Unknown argument sessionId for evaluate (did you mean session_id?); evaluate takes ...`"""
    known = list(schema.get("properties", {}))
    # Compared without case or underscores, so that sessionId finds session_id.
    plain = {name.replace("_", "").lower(): name for name in known}
    named = []
    for key in unknown:
        close = difflib.get_close_matches(key.replace("_", "").lower(), plain, n=1)
        named.append(f"{key} (did you mean {plain[close[0]]}?)" if close else key)
    plural = "s" if len(unknown) > 1 else ""
    return (
        f"Unknown argument{plural} {', '.join(named)} for {tool}; {tool} takes "
        f"{_signature(schema)}. Fix the arguments and call again."
    )


def _signature(schema: dict[str, Any]) -> str:
    """The arguments an input schema wants: `code (string, required), session_id (string)`."""
    required = set(schema.get("required", []))
    arguments = []
    for name, spec in schema.get("properties", {}).items():
        kinds = [s.get("type") for s in spec.get("anyOf", [spec])]
        kind = " or ".join(str(k) for k in kinds if k and k != "null") or "any"
        arguments.append(f"{name} ({kind}, required)" if name in required else f"{name} ({kind})")
    return ", ".join(arguments) or "no arguments"
