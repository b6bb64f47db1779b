"""The MCP tools and resources that give an agent SageMath, built on `MCPServer`.

Each tool is a thin translation: arguments to a `SageClient` call, and its answer or
failure to an MCP result written for a model. Counterpart: `client` (the gRPC side).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import datetime
import importlib.metadata
import inspect
import json
import logging
import re
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any, Literal

from google.protobuf.timestamp_pb2 import Timestamp
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ResourceError, ResourceNotFoundError, ToolError
from mcp.server.subscriptions import InMemorySubscriptionBus, ResourceUpdated
from mcp.types import CallToolResult, ImageContent, TextContent, ToolAnnotations
from pydantic import Field
from sage_services.api.sage.v1 import sage_pb2
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from sage_mcp import one_off
from sage_mcp.auth import sidecar_auth
from sage_mcp.breaker import CircuitBreaker
from sage_mcp.client import SageClient, SidecarError
from sage_mcp.evaluation import Outcome
from sage_mcp.explain import Use, explain
from sage_mcp.invalid_params import SageServer
from sage_mcp.output_budget import IMAGE_URI, OUTPUT_URI, OutputStore
from sage_mcp.render import EvaluateOutput, as_a_terminal_shows, render_outcome
from sage_mcp.settings import McpSettings
from sage_mcp.tool_output import ToolOutput

log = logging.getLogger(__name__)

VARIABLES_URI = "sage://sessions/{session_id}/variables"
# A stored output's URI, as evaluate names it: (outputs or images, its id).
_STORED_URI = re.compile(r"sage://(outputs|images)/([0-9a-f]{16})(?:\.png)?")

INSTRUCTIONS = """\
SageMath (computer algebra, number theory, plotting) through the `evaluate` tool.
Sage syntax applies: `2^10`, `[1..5]`, `R.<x> = QQ[]`, `var('y')`, `plot(sin(x), (x, 0, pi))`;
the symbolic variable `x` is predefined. As in the Sage console, `%time` and `%timeit` time
code, `factor?` shows documentation and `factor??` source, and `%run file` runs a file; other
IPython magics do not work. Errors end with what to do instead; `Note:` lines in stderr flag
results that only look right (an equation solve gave back, a precision read as bits).
Without a session_id each call runs in a fresh namespace. To keep variables between calls,
call create_session and pass its session_id to evaluate. To try something without changing a
session, copy it with clone_session and work in the copy. A session runs one call at a time:
others wait their turn, and the wait counts toward their timeout_seconds. list_variables
shows a session's variables without running code in it. Long output is cut: read_output
reads the full text, a part at a time, from the sage:// URI the result names (and a
scaled-down plot at full size). Both are MCP resources too:
sage://sessions/{session_id}/variables, and that URI.
"""

SessionIdArg = Annotated[
    str,
    Field(description="The session_id returned by create_session or clone_session.", min_length=1),
]


class SessionInfo(ToolOutput):
    session_id: str = Field(description="Pass this as session_id to evaluate.")
    state: Literal["active", "busy", "hibernated", "lost", "unknown"] = Field(
        description="busy while it evaluates code, active when idle, hibernated when its "
        "state is on disk (the next call restores it), lost when it could not be restored "
        "(delete it)."
    )
    execution_count: int = Field(description="How many evaluations have started in it.")
    queued_evaluations: int = Field(description="Evaluations waiting behind the running one.")
    created: str = Field(description="When it was created (UTC, ISO 8601).")
    last_active: str = Field(description="When an evaluation last started or finished.")
    variables_uri: str = Field(description="MCP resource listing the session's variables.")
    restore_report: str = Field(
        description="What the last restore of the session could not bring back; empty when "
        "it restored everything."
    )


class SessionList(ToolOutput):
    sessions: list[SessionInfo]


class DeleteResult(ToolOutput):
    session_id: str
    deleted: bool = Field(
        description="True when this call deleted the session; false when it was already gone."
    )
    note: str = Field(default="", description="Why nothing was deleted, when deleted is false.")


class VariableInfo(ToolOutput):
    name: str
    type: str = Field(description="Its type's name, e.g. Integer or EllipticCurve_rational_field.")
    value: str = Field(description="Its repr, cut to 300 characters.")


class VariableListing(ToolOutput):
    session_id: str
    variables: list[VariableInfo] = Field(
        description="By name; names starting with _ are left out."
    )
    omitted: int = Field(description="Variables beyond those listed, which did not fit.")


class OutputPage(ToolOutput):
    uri: str
    offset: int = Field(description="Where this part starts, in characters.")
    end: int = Field(description="Where it ends: the offset of the next part.")
    total: int = Field(description="The whole output's length in characters (bytes for an image).")
    next_offset: int | None = Field(
        description="Pass this as offset to read the next part; null when this is the last."
    )
    text: str = Field(description="This part of the output; empty for an image, which is "
                      "returned whole as image content.")  # fmt: skip


class InterruptResult(ToolOutput):
    session_id: str
    interrupted: bool = Field(
        description="True when an evaluation was running and was sent the interrupt."
    )


class SageMcp:
    """The MCP server and what it owns: one `SageClient` and the store of full outputs."""

    def __init__(
        self,
        settings: McpSettings,
        sidecar_address: str | None = None,
        *,
        spawned_sidecar: bool = False,
    ) -> None:
        """`spawned_sidecar`: the sidecar is this server's own child (it restarts it)."""
        self.settings = settings
        self.sidecar_address = sidecar_address or settings.sidecar
        self.spawned_sidecar = spawned_sidecar
        # Read now, so that a bad token or certificate path stops the server at start-up.
        self._auth = sidecar_auth(settings)
        self.store = OutputStore(max_items=settings.stored_outputs)
        self._client: SageClient | None = None
        # Serves `subscriptions/listen`, which makes the server advertise resource
        # subscriptions: a session's variables resource is announced as updated here.
        self._changes = InMemorySubscriptionBus()
        self.server: MCPServer[None] = SageServer(
            "sage",
            title="SageMath",
            version=_version(),
            instructions=INSTRUCTIONS,
            lifespan=self._lifespan,
            log_level=_mcp_log_level(settings.log_level),
            subscriptions=self._changes,
        )
        self._register()

    @property
    def client(self) -> SageClient:
        if self._client is None:
            raise RuntimeError("the Sage client exists only while the server runs")
        return self._client

    @contextlib.asynccontextmanager
    async def _lifespan(self, server: MCPServer[None]) -> AsyncIterator[None]:
        # The channel is made here, inside the server's event loop, once for all MCP sessions.
        settings = self.settings
        self._client = SageClient(
            self.sidecar_address,
            rpc_timeout=settings.rpc_timeout_seconds,
            connect_timeout=settings.connect_timeout_seconds,
            deadline_margin=settings.deadline_margin_seconds,
            max_attempts=settings.retry_max_attempts,
            breaker=CircuitBreaker(
                settings.breaker_failure_threshold, settings.breaker_cooldown_seconds
            ),
            auth=self._auth,
        )
        try:
            yield None
        finally:
            client, self._client = self._client, None
            await client.close()

    def _register(self) -> None:
        server = self.server
        limits = (
            f"\n\ntimeout_seconds defaults to {self.settings.default_timeout_seconds:g} and may "
            f"be at most {self.settings.max_timeout_seconds:g}."
        )
        clone_wait = (
            "\n\nA session that is running code is copied once its evaluations are done, if "
            f"that is within {self.settings.rpc_timeout_seconds:g} s."
        )
        tools: list[tuple[Callable[..., Any], ToolAnnotations, str]] = [
            (
                self.evaluate,
                ToolAnnotations(title="Evaluate Sage code", open_world_hint=False),
                limits,
            ),
            (self.create_session, ToolAnnotations(destructive_hint=False), ""),
            # Not idempotent: each call makes another session.
            (
                self.clone_session,
                ToolAnnotations(destructive_hint=False, idempotent_hint=False),
                clone_wait,
            ),
            (self.list_sessions, ToolAnnotations(read_only_hint=True), ""),
            (self.delete_session, ToolAnnotations(destructive_hint=True, idempotent_hint=True), ""),
            (self.interrupt, ToolAnnotations(destructive_hint=False, idempotent_hint=True), ""),
            (self.list_variables, ToolAnnotations(read_only_hint=True), ""),
            (self.read_output, ToolAnnotations(read_only_hint=True), ""),
        ]
        for fn, hints, extra in tools:
            description = inspect.cleandoc(fn.__doc__ or "") + extra
            server.add_tool(fn, description=description, annotations=hints)
        server.resource(
            OUTPUT_URI,
            name="full_output",
            description="The full text of an output that evaluate cut to save context.",
            mime_type="text/plain",
        )(self.read_output_resource)
        server.resource(
            IMAGE_URI,
            name="full_image",
            description="The full-size image of a plot that evaluate scaled down.",
            mime_type="image/png",
        )(self.read_image)
        server.resource(
            VARIABLES_URI,
            name="session_variables",
            description="The variables a session defines: name, type and value (cut to 300 "
            "characters), as JSON. Read between evaluations: a session running code is "
            "said to be busy.",
            mime_type="application/json",
        )(self.read_variables_resource)

        # For orchestrators, over HTTP: alive, and ready (the sidecar serves).
        server.custom_route("/healthz", methods=["GET"], include_in_schema=False)(self.healthz)
        server.custom_route("/readyz", methods=["GET"], include_in_schema=False)(self.readyz)

    async def healthz(self, request: Request) -> Response:
        return PlainTextResponse("ok\n")

    async def readyz(self, request: Request) -> Response:
        if self._client is not None and await self._client.serving():
            return PlainTextResponse("ok\n")
        return PlainTextResponse(
            f"the Sage sidecar at {self.sidecar_address} is not serving\n", status_code=503
        )

    def _explain(self, error: SidecarError, session_id: str = "", use: Use = "evaluate") -> str:
        return explain(error, session_id=session_id, use=use, spawned_sidecar=self.spawned_sidecar)

    # Tools. Their docstrings and parameter descriptions are what the model reads.

    async def evaluate(
        self,
        code: Annotated[
            str,
            Field(
                description="Sage code; several lines are fine. Sage syntax works (`2^10`, "
                "`R.<x> = QQ[]`). The value of the last line is returned, as in the Sage "
                "console (a trailing `;` hides it); use print() for anything else you want "
                "to see.",
                min_length=1,
            ),
        ],
        ctx: Context[None, Any],
        session_id: Annotated[
            str | None,
            Field(
                description="Run in this session (from create_session or clone_session) so "
                "variables persist between calls. Omit it for a one-off evaluation in a fresh "
                "namespace."
            ),
        ] = None,
        timeout_seconds: Annotated[
            float | None,
            Field(
                description="Stop the code after this many seconds (variables are kept).",
                gt=0,
            ),
        ] = None,
    ) -> Annotated[CallToolResult, EvaluateOutput]:
        """Run SageMath code and return what it printed and the value of its last line.

        Plots come back as images. A Sage exception comes back as an error result with its
        traceback. Long outputs are cut to a head and a tail; the full text is then an MCP
        resource whose URI the result gives.
        """
        settings = self.settings
        timeout = timeout_seconds or settings.default_timeout_seconds
        if timeout > settings.max_timeout_seconds:
            return _tool_error(
                f"timeout_seconds may be at most {settings.max_timeout_seconds:g}; "
                "split longer work into steps."
            )
        session = session_id or ""
        outcome = Outcome()
        ticker = None
        if _wants_progress(ctx):
            ticker = asyncio.create_task(self._report_progress(ctx, outcome, timeout))
        try:
            events = self.client.evaluate(
                code, session_id=session, timeout=timeout, request_id=uuid.uuid4().hex
            )
            async with contextlib.aclosing(events):
                async for event in events:
                    outcome.add(event)
        except SidecarError as error:
            return _tool_error(self._explain(error, session), partial=outcome)
        finally:
            if ticker is not None:
                ticker.cancel()
            # Any evaluation that started may have bound names, even one that failed.
            if session and outcome.execution_count:
                await self._variables_changed(session)
        return await render_outcome(
            outcome,
            session_id=session_id or None,
            timeout=timeout,
            max_chars=settings.max_output_chars,
            max_image_bytes=settings.max_image_bytes,
            store=self.store,
            note=None if session else one_off.note(code, outcome),
        )

    async def create_session(self) -> SessionInfo:
        """Create a Sage session: a namespace whose variables persist across evaluate calls.

        Pass the returned session_id to evaluate. Delete sessions you no longer need.
        """
        try:
            return _session_info(await self.client.create_session())
        except SidecarError as error:
            raise ToolError(self._explain(error)) from None

    async def clone_session(self, session_id: SessionIdArg) -> SessionInfo:
        """Copy a session, variables and all, into a new session, to try something on the copy.

        What runs in the copy leaves the original as it was, and the other way round. Pass the
        returned session_id to evaluate; delete the copy when you no longer need it.
        """
        try:
            return _session_info(await self.client.clone_session(session_id))
        except SidecarError as error:
            raise ToolError(self._explain(error, session_id, "clone")) from None

    async def list_sessions(self) -> SessionList:
        """List the live Sage sessions, oldest first, with their state."""
        try:
            sessions = await self.client.list_sessions()
        except SidecarError as error:
            raise ToolError(self._explain(error)) from None
        return SessionList(sessions=[_session_info(s) for s in sessions])

    async def delete_session(self, session_id: SessionIdArg) -> DeleteResult:
        """Delete a session and its variables, stopping anything it is running.

        Deleting a session that is already gone succeeds, with deleted false.
        """
        try:
            await self.client.delete_session(session_id)
        except SidecarError as error:
            if error.code.name != "NOT_FOUND":
                raise ToolError(self._explain(error, session_id)) from None
            # Idempotent, as annotated: the session is gone either way.
            return DeleteResult(
                session_id=session_id,
                deleted=False,
                note=f"Session {session_id!r} was already gone (deleted before, lost, or never "
                "created); there was nothing to delete.",
            )
        await self._variables_changed(session_id)
        return DeleteResult(session_id=session_id, deleted=True)

    async def interrupt(self, session_id: SessionIdArg) -> InterruptResult:
        """Interrupt the evaluation running in a session, like Ctrl-C; variables are kept."""
        try:
            interrupted = await self.client.interrupt(session_id)
        except SidecarError as error:
            raise ToolError(self._explain(error, session_id, "interrupt")) from None
        return InterruptResult(session_id=session_id, interrupted=interrupted)

    async def list_variables(self, session_id: SessionIdArg) -> VariableListing:
        """List the variables a session defines, with their types and values, without running
        any code in it. A session busy running code is said to be busy: try again when it is
        done."""
        try:
            return await self._variables(session_id)
        except _VariablesUnavailable as unavailable:
            raise ToolError(str(unavailable)) from None

    async def read_output(
        self,
        uri: Annotated[
            str,
            Field(
                description="A URI from the full_output_uris of an evaluate result, such as "
                "sage://outputs/0123456789abcdef or sage://images/0123456789abcdef.png.",
                min_length=1,
            ),
        ],
        offset: Annotated[
            int, Field(description="Where to start reading, in characters.", ge=0)
        ] = 0,
    ) -> Annotated[CallToolResult, OutputPage]:
        """Read the full text of an output that evaluate cut to save context, a part at a time
        (pass next_offset to go on), the full-size image of a plot it scaled down, or the
        source of an SVG image it could not show."""
        match = _STORED_URI.fullmatch(uri.strip())
        if match is None:
            raise ToolError(
                f"{uri[:200]!r} is not the URI of a stored output: pass one of the "
                "full_output_uris of an evaluate result, such as sage://outputs/<id>."
            )
        kind, item_id = match.group(1, 2)
        content = self.store.get(item_id)
        if content is None or isinstance(content, bytes) != (kind == "images"):
            raise ToolError(self._not_kept(item_id, image=kind == "images"))
        if isinstance(content, bytes):
            page = OutputPage(
                uri=uri, offset=0, end=len(content), total=len(content), next_offset=None,
                text="",
            )  # fmt: skip
            image = ImageContent(data=base64.b64encode(content).decode(), mime_type="image/png")
            return CallToolResult(content=[image], structured_content=page.model_dump())
        if offset and offset >= len(content):
            raise ToolError(
                f"offset {offset} is past the end of this output, which is {len(content):,} "
                "characters long."
            )
        end = min(offset + self.settings.max_output_chars, len(content))
        more = end < len(content)
        page = OutputPage(
            uri=uri, offset=offset, end=end, total=len(content), next_offset=end if more else None,
            text=content[offset:end],
        )  # fmt: skip
        text = page.text
        if more:
            text += (
                f"\n[characters {offset:,} to {end:,} of {len(content):,}; read_output with "
                f"offset={end} reads on]"
            )
        return CallToolResult(
            content=[TextContent(text=text)], structured_content=page.model_dump()
        )

    # Resources.

    def _not_kept(self, item_id: str, *, image: bool = False) -> str:
        what, kept = ("Image", "outputs") if image else ("Output", "cut outputs")
        return (
            f"{what} {item_id!r} is not kept here: only the latest "
            f"{self.settings.stored_outputs} {kept} are, and this id is not among them "
            "(it was dropped to make room, or never existed). Run the code again."
        )

    def read_output_resource(self, output_id: str) -> str:
        content = self.store.get(output_id)
        if not isinstance(content, str):
            raise ResourceNotFoundError(self._not_kept(output_id))
        return content

    def read_image(self, image_id: str) -> bytes:
        content = self.store.get(image_id)
        if not isinstance(content, bytes):
            raise ResourceNotFoundError(self._not_kept(image_id, image=True))
        return content

    async def read_variables_resource(self, session_id: str) -> str:
        if not session_id:
            raise ResourceNotFoundError(
                "The URI names no session: use sage://sessions/{session_id}/variables with a "
                "session_id from create_session or list_sessions."
            )
        try:
            listing = await self._variables(session_id)
        except _VariablesUnavailable as unavailable:
            if unavailable.not_found:
                raise ResourceNotFoundError(str(unavailable)) from None
            raise ResourceError(str(unavailable)) from None
        return json.dumps(listing.model_dump(), indent=1)

    async def _variables(self, session_id: str) -> VariableListing:
        busy = _VariablesUnavailable(
            f"Session {session_id!r} is running code; its variables are read between "
            "evaluations. Read them again when it is done, or interrupt it."
        )
        try:
            # ListVariables waits for the session's turn, up to the whole RPC deadline: a
            # session seen busy is answered at once instead.
            session = await self.client.get_session(session_id)
            if session.state == sage_pb2.SESSION_STATE_BUSY or session.queued_evaluations:
                raise busy
            listed = await self.client.list_variables(session_id)
        except SidecarError as error:
            if error.code.name == "DEADLINE_EXCEEDED":  # it became busy after the check
                raise busy from None
            raise _VariablesUnavailable(
                self._explain(error, session_id, "variables"),
                not_found=error.code.name == "NOT_FOUND",
            ) from None
        return VariableListing(
            session_id=session_id,
            variables=[
                VariableInfo(name=v.name, type=v.type, value=v.value) for v in listed.variables
            ],
            omitted=listed.omitted,
        )

    async def _variables_changed(self, session_id: str) -> None:
        """Tells subscribers of the session's variables resource to read it again.

        Sent for what runs through this server; reading the resource sends none, so a
        subscriber that reads it again on the notification sets off no other."""
        uri = VARIABLES_URI.format(session_id=session_id)
        await self._changes.publish(ResourceUpdated(uri=uri))

    # Progress.

    async def _report_progress(
        self, ctx: Context[None, Any], outcome: Outcome, timeout: float
    ) -> None:
        """Tells the client the call is alive, with the latest output, every few seconds."""
        loop = asyncio.get_running_loop()
        start = loop.time()
        interval = self.settings.progress_interval_seconds
        while True:
            await asyncio.sleep(interval)
            elapsed = loop.time() - start
            message = f"Sage has been running for {elapsed:.0f} s (timeout {timeout:g} s)"
            latest = as_a_terminal_shows(outcome.latest_output()).strip()
            if latest:
                message += f"; latest output: {latest}"
            try:
                await ctx.report_progress(round(elapsed, 3), timeout, message)
            except Exception:  # a client gone away must not end the evaluation
                log.debug("progress notification failed", exc_info=True)


class _VariablesUnavailable(Exception):
    def __init__(self, message: str, *, not_found: bool = False) -> None:
        super().__init__(message)
        self.not_found = not_found


def _wants_progress(ctx: Context[None, Any]) -> bool:
    meta: Any = ctx.request_context.meta
    if not meta:
        return False
    return meta.get("progressToken") is not None or meta.get("progress_token") is not None


def _tool_error(message: str, partial: Outcome | None = None) -> CallToolResult:
    text = message
    if partial is not None and partial.printed_parts:
        printed = as_a_terminal_shows("".join(partial.printed_parts))
        text += f"\n\nOutput received before the failure:\n{printed[-2000:]}"
    return CallToolResult(content=[TextContent(text=text)], is_error=True)


def _session_info(session: sage_pb2.Session) -> SessionInfo:
    states: dict[int, Literal["active", "busy", "hibernated", "lost"]] = {
        sage_pb2.SESSION_STATE_ACTIVE: "active",
        sage_pb2.SESSION_STATE_BUSY: "busy",
        sage_pb2.SESSION_STATE_HIBERNATED: "hibernated",
        sage_pb2.SESSION_STATE_LOST: "lost",
    }
    return SessionInfo(
        session_id=session.session_id,
        state=states.get(session.state, "unknown"),
        execution_count=session.execution_count,
        queued_evaluations=session.queued_evaluations,
        created=_iso(session.create_time),
        last_active=_iso(session.last_active_time),
        variables_uri=VARIABLES_URI.format(session_id=session.session_id),
        restore_report=session.restore_report,
    )


def _iso(timestamp: Timestamp) -> str:
    moment = timestamp.ToDatetime(tzinfo=datetime.UTC)
    return moment.isoformat(timespec="seconds")


def _version() -> str:
    try:
        return importlib.metadata.version("sage-runtime")
    except importlib.metadata.PackageNotFoundError:
        return "0+unknown"


def _mcp_log_level(level: str) -> Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]:
    upper = level.upper()
    if upper in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
        return upper  # type: ignore[return-value]
    return "INFO"
