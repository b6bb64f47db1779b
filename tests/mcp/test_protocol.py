"""What `sage-mcp` promises at the protocol level, against the fake sidecar (Sage adds nothing):
the capabilities it advertises are served, and a request it refuses says what to fix."""

from __future__ import annotations

import asyncio
import io
import json
import os
import random
from typing import Any

import anyio
import pytest
from mcp import Client
from mcp.shared.exceptions import MCPError
from mcp.shared.subscriptions import ResourceUpdated
from mcp.types import INVALID_PARAMS, TextContent
from PIL import Image, ImageDraw
from sage_services.api.sage.v1 import sage_pb2 as pb

from tests.mcp.conftest import SAGE_MCP, stdio_client, stdio_params
from tests.mcp.fake_sidecar import FakeSidecar

VARIABLES = "sage://sessions/s1/variables"


def text_of(result: object) -> str:
    content = getattr(result, "content", [])
    return "\n".join(block.text for block in content if isinstance(block, TextContent))


async def test_initialize_advertises_no_subscriptions_it_does_not_serve(fake: FakeSidecar) -> None:
    """Over the initialize handshake there is no `resources/subscribe` and nothing is sent on
    list changes, and the capabilities say so."""
    async with Client(stdio_params(fake.address), mode="legacy") as client:
        capabilities = client.server_capabilities
        assert capabilities is not None
        assert capabilities.resources is not None
        assert capabilities.resources.subscribe is False
        assert capabilities.resources.list_changed is False
        assert capabilities.tools is not None
        assert capabilities.tools.list_changed is False


async def test_variables_subscribers_hear_of_evaluations_and_deletion(fake: FakeSidecar) -> None:
    """Where resource subscriptions are advertised (`subscriptions/listen`), a subscriber to a
    session's variables hears when an evaluation in that session ends and when the session is
    deleted, and not of one-off evaluations or reads of the resource itself."""
    async with stdio_client(fake.address) as client:
        capabilities = client.server_capabilities
        assert capabilities is not None
        assert capabilities.resources is not None
        assert capabilities.resources.subscribe is True
        async with client.listen(resource_subscriptions=[VARIABLES]) as subscription:
            assert subscription.honored.resource_subscriptions == [VARIABLES]
            heard: list[str] = []

            async def hear(count: int) -> None:
                with anyio.fail_after(10):
                    async for event in subscription:
                        assert isinstance(event, ResourceUpdated)
                        heard.append(event.uri)
                        if len(heard) == count:
                            return

            await client.call_tool("evaluate", {"code": "a = 1", "session_id": "s1"})
            await hear(1)
            await client.call_tool("evaluate", {"code": "1 + 1"})
            read = await client.read_resource(VARIABLES)
            assert '"name": "a"' in str(read.contents[0])
            await client.call_tool("delete_session", {"session_id": "s1"})
            await hear(2)
            # Nothing else arrives: the one-off evaluation and the read were not announced.
            with anyio.move_on_after(0.5):
                await hear(3)
    assert heard == [VARIABLES, VARIABLES]


async def test_invalid_tool_arguments_say_what_is_wrong_and_what_is_expected(
    fake: FakeSidecar,
) -> None:
    async with stdio_client(fake.address) as client:
        missing = await client.call_tool("evaluate", {})
        wrong_type = await client.call_tool("evaluate", {"code": 5, "timeout_seconds": -1})
        no_session = await client.call_tool("delete_session", {})
        unknown = await client.call_tool("evaluate_all", {"code": "1"})
    assert missing.is_error
    assert text_of(missing) == (
        "Invalid arguments for evaluate: code is missing. evaluate takes code (string, "
        "required), session_id (string), timeout_seconds (number). Fix the arguments and call "
        "again."
    )
    assert wrong_type.is_error
    assert text_of(wrong_type).startswith(
        "Invalid arguments for evaluate: code: Input should be a valid string (got 5); "
        "timeout_seconds: Input should be greater than 0 (got -1). evaluate takes code"
    )
    assert "pydantic" not in text_of(wrong_type)
    assert text_of(no_session).startswith(
        "Invalid arguments for delete_session: session_id is missing. delete_session takes "
        "session_id (string, required)."
    )
    assert unknown.is_error
    assert text_of(unknown) == (
        "There is no tool named 'evaluate_all'. The tools are evaluate, create_session, "
        "clone_session, list_sessions, delete_session, interrupt, list_variables, read_output."
    )


async def test_unknown_tool_arguments_are_refused_naming_them_and_the_accepted_ones(
    fake: FakeSidecar,
) -> None:
    """A misspelt argument is not dropped: `sessionId` must not run the code in a fresh
    namespace as if no session had been named."""
    async with stdio_client(fake.address) as client:
        listed = await client.list_tools()
        misspelt = await client.call_tool("evaluate", {"code": "f", "sessionId": "s1"})
        extra = await client.call_tool("list_sessions", {"verbose": True, "all": 1})
    assert all(tool.input_schema["additionalProperties"] is False for tool in listed.tools)
    assert misspelt.is_error
    assert text_of(misspelt) == (
        "Unknown argument sessionId (did you mean session_id?) for evaluate; evaluate takes "
        "code (string, required), session_id (string), timeout_seconds (number). Fix the "
        "arguments and call again."
    )
    assert fake.seen.evaluations == []
    assert extra.is_error
    assert text_of(extra) == (
        "Unknown arguments verbose, all for list_sessions; list_sessions takes no arguments. "
        "Fix the arguments and call again."
    )


async def test_instructions_say_what_an_agent_needs_to_know(fake: FakeSidecar) -> None:
    async with stdio_client(fake.address) as client:
        instructions = client.instructions
    assert instructions is not None
    assert "`x` is predefined" in instructions
    assert "`%time` and `%timeit` time" in instructions
    assert "`factor?` shows documentation" in instructions
    assert "sage://sessions/{session_id}/variables" in instructions
    assert "clone_session" in instructions
    assert "full text" in instructions
    assert "wait their turn" in instructions
    assert "`Note:` lines in stderr flag" in instructions
    assert "results that only look right" in instructions
    assert "timeout_seconds" in instructions
    assert len(instructions) < 1200


def _lines_png(size: int) -> bytes:
    """A large PNG of a few lines, which compresses well: scaling it down takes several tries
    (each a resize and an optimized PNG encoding), about a second in all."""
    rng = random.Random(1)
    image = Image.new("RGB", (size, size), "white")
    draw = ImageDraw.Draw(image)
    for _ in range(300):
        ends = [(rng.randrange(size), rng.randrange(size)) for _ in range(2)]
        draw.line(ends, fill=(rng.randrange(256), 0, 255), width=3)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


async def test_scaling_a_large_image_does_not_stall_other_calls(fake: FakeSidecar) -> None:
    """The image is scaled in a worker thread: calls that arrive meanwhile are answered."""
    plot = _lines_png(4000)
    fake.script.displays = [pb.DisplayData(mime_type="image/png", data=plot)]
    async with stdio_client(fake.address, "--max-image-bytes", "8000") as client:
        await client.call_tool("list_sessions", {})
        loop = asyncio.get_running_loop()
        evaluating = asyncio.create_task(client.call_tool("evaluate", {"code": "plot"}))
        slowest = 0.0
        while not evaluating.done():
            began = loop.time()
            await client.call_tool("list_sessions", {})
            slowest = max(slowest, loop.time() - began)
        result = await evaluating
    assert not result.is_error, text_of(result)
    assert "image scaled down from 4000x4000" in text_of(result)
    # Scaling on the event loop held every call up for about a second.
    assert slowest < 0.5, f"list_sessions waited {slowest:.2f} s while an image was scaled"


async def test_an_unknown_resource_uri_names_the_resources_there_are(fake: FakeSidecar) -> None:
    async with stdio_client(fake.address) as client:
        with pytest.raises(MCPError) as unknown:
            await client.read_resource("sage://images/abc")
    assert unknown.value.error.code == INVALID_PARAMS
    assert unknown.value.error.message == (
        "No resource has the URI 'sage://images/abc'. This server's resources are "
        "sage://outputs/{output_id}, sage://images/{image_id}.png, "
        "sage://sessions/{session_id}/variables: evaluate and create_session return the URIs "
        "to read."
    )


def _message(request_id: int, method: str, params: Any = None) -> dict[str, Any]:
    message: dict[str, Any] = {"jsonrpc": "2.0", "method": method}
    if request_id:
        message["id"] = request_id
    if params is not None:
        message["params"] = params
    return message


async def test_malformed_requests_say_which_param_is_wrong(fake: FakeSidecar) -> None:
    """Params the SDK cannot even parse (no client library sends them, so raw JSON-RPC):
    -32602 still, but naming the param and the shape expected."""
    client = {"name": "test_protocol", "version": "1"}
    hello = {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": client}
    requests = [
        _message(1, "initialize", hello),
        _message(0, "notifications/initialized"),
        _message(2, "tools/call", {"name": "evaluate", "arguments": "1+1"}),
        _message(3, "tools/call", {"arguments": {"code": "1+1"}}),
        _message(4, "resources/read", {"uri": 5}),
    ]
    server = await asyncio.create_subprocess_exec(
        *(str(SAGE_MCP), "--sidecar", fake.address),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
        env={**os.environ, "SAGE_MCP_LOG_LEVEL": "WARNING"},
    )
    assert server.stdin is not None
    assert server.stdout is not None
    server.stdin.write("".join(json.dumps(r) + "\n" for r in requests).encode())
    await server.stdin.drain()
    answers: dict[int, dict[str, Any]] = {}
    try:
        with anyio.fail_after(60):
            while len(answers) < 4:
                answer = json.loads(await server.stdout.readline())
                answers[answer["id"]] = answer
    finally:
        server.stdin.close()
        await server.wait()
    errors = {i: answers[i]["error"] for i in (2, 3, 4)}
    assert {error["code"] for error in errors.values()} == {INVALID_PARAMS}
    assert errors[2]["message"].startswith(
        "Invalid tools/call request: arguments: Input should be a valid dictionary (got '1+1'). "
        'tools/call takes params {"name": <tool name>, "arguments": {<argument>: <value>, ...}}'
    )
    assert errors[3]["message"].startswith("Invalid tools/call request: name is missing. ")
    assert errors[4]["message"].startswith(
        "Invalid resources/read request: uri: Input should be a valid string (got 5). "
        'resources/read takes params {"uri": <resource URI>}'
    )
