"""The MCP tools end to end: the SDK's real client, `sage-mcp`, the real sidecar and Sage."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import io
import json
import re
import signal
import time
import urllib.error
import urllib.request

import anyio
import pytest
from mcp import Client
from mcp.shared.exceptions import MCPError
from mcp.types import BlobResourceContents, ImageContent, TextContent, TextResourceContents
from PIL import Image
from sage_services.api.sage.v1 import sage_pb2 as pb
from sage_services.api.sage.v1 import sage_pb2_grpc

from tests.helpers import SidecarProcess, exit_status, free_port
from tests.mcp.conftest import SAGE_MCP, TOOLS, HttpServer, http_server, stdio_client


def text_of(result: object) -> str:
    content = getattr(result, "content", [])
    return "\n".join(block.text for block in content if isinstance(block, TextContent))


async def new_session(client: Client) -> str:
    """A session made with the create_session tool; its id."""
    created = await client.call_tool("create_session", {})
    assert created.structured_content is not None
    return str(created.structured_content["session_id"])


async def test_lists_tools_and_evaluates_over_stdio(sidecar: SidecarProcess) -> None:
    async with stdio_client(sidecar.address) as client:
        listed = await client.list_tools()
        tools = {tool.name: tool for tool in listed.tools}
        assert set(tools) == TOOLS
        evaluate = tools["evaluate"]
        assert set(evaluate.input_schema["properties"]) == {"code", "session_id", "timeout_seconds"}
        assert evaluate.input_schema["required"] == ["code"]
        assert evaluate.output_schema is not None
        for field in ("status", "result", "stdout", "error", "execution_count"):
            assert field in evaluate.output_schema["properties"]
        assert all(tool.description for tool in listed.tools)

        result = await client.call_tool("evaluate", {"code": "print('hello'); 2^10"})
    assert not result.is_error
    assert text_of(result) == "hello\nResult: 1024"
    assert result.structured_content is not None
    assert result.structured_content["status"] == "ok"
    assert result.structured_content["result"] == "1024"
    assert result.structured_content["stdout"] == "hello\n"


async def test_evaluates_in_a_session_over_streamable_http(mcp_http: HttpServer) -> None:
    async with Client(mcp_http.url) as client:
        session_id = await new_session(client)
        await client.call_tool("evaluate", {"code": "R.<t> = QQ[]", "session_id": session_id})
        result = await client.call_tool(
            "evaluate", {"code": "factor(t^4 - 1)", "session_id": session_id}
        )
        await client.call_tool("delete_session", {"session_id": session_id})
    assert not result.is_error, text_of(result)
    assert text_of(result).startswith("(t - 1) * (t + 1) * (t^2 + 1)")
    assert result.structured_content is not None
    assert result.structured_content["execution_count"] == 2
    assert result.structured_content["session_id"] == session_id


async def test_a_one_off_evaluation_says_its_names_are_not_kept(mcp_http: HttpServer) -> None:
    """Without a session_id each call has a fresh namespace: an agent that defines a name in
    one and uses it in the next is told why it is not there."""
    async with Client(mcp_http.url) as client:
        defined = await client.call_tool("evaluate", {"code": "a = 5\nf(x) = x^2"})
        used = await client.call_tool("evaluate", {"code": "a + 1"})
        session_id = await new_session(client)
        in_session = [
            await client.call_tool("evaluate", {"code": code, "session_id": session_id})
            for code in ("a = 5", "a + 1", "b + 1")
        ]
        await client.call_tool("delete_session", {"session_id": session_id})
    assert not defined.is_error, text_of(defined)
    assert text_of(defined) == (
        "(no output: nothing was printed and the last line shows no value)\n"
        "Note: this one-off evaluation (no session_id) kept nothing: a, f are gone now. To keep "
        "variables between calls, call create_session and pass its session_id to evaluate."
    )
    assert used.is_error
    assert text_of(used).startswith("Sage raised NameError: name 'a' is not defined")
    assert text_of(used).endswith(
        "Note: this was a one-off evaluation (no session_id), in a fresh namespace: names that "
        "earlier one-off calls defined are not there. To keep variables between calls, call "
        "create_session and pass its session_id to evaluate."
    )
    # As the notes say; and in a session, neither is said.
    assert text_of(in_session[1]) == "6"
    assert all("one-off" not in text_of(result) for result in in_session)


async def test_plot_comes_back_as_image_content(mcp_http: HttpServer) -> None:
    async with Client(mcp_http.url) as client:
        result = await client.call_tool("evaluate", {"code": "plot(sin(x), (x, 0, 2*pi))"})
    assert not result.is_error, text_of(result)
    images = [block for block in result.content if isinstance(block, ImageContent)]
    assert len(images) == 1
    assert images[0].mime_type == "image/png"
    with Image.open(io.BytesIO(base64.b64decode(images[0].data))) as image:
        assert image.width > 100
    assert result.structured_content is not None
    assert result.structured_content["images"] == 1


async def test_a_progress_bar_reads_as_its_last_state(mcp_http: HttpServer) -> None:
    """Written with carriage returns, as tqdm writes one: its 201 updates are one line."""
    code = (
        "import sys\n"
        "for i in range(201):\n"
        "    sys.stderr.write('\\r%3d%%' % (i // 2)); sys.stderr.flush()\n"
        "print('done')"
    )
    async with Client(mcp_http.url) as client:
        result = await client.call_tool("evaluate", {"code": code})
    assert not result.is_error, text_of(result)
    assert text_of(result) == "done\nstderr:\n100%"


async def test_sage_error_comes_back_as_is_error_with_a_useful_traceback(
    sidecar: SidecarProcess,
) -> None:
    async with stdio_client(sidecar.address) as client:
        result = await client.call_tool("evaluate", {"code": "a = 1\nb = a/0"})
    assert result.is_error
    text = text_of(result)
    assert text.startswith("Sage raised ZeroDivisionError: rational division by zero")
    assert '"<cell' in text
    assert "b = a/0" in text
    assert result.structured_content is not None
    assert result.structured_content["status"] == "error"
    assert result.structured_content["error"]["ename"] == "ZeroDivisionError"


async def test_long_evaluation_sends_progress_and_cancelling_it_interrupts_sage(
    sidecar: SidecarProcess,
) -> None:
    messages: list[str] = []

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        messages.append(message or "")

    # It counts as a progress bar does, rewriting its line: the messages give its last state.
    busy_loop = "k = 0\nwhile True:\n    k += 1\n    if k % 10^6 == 0: print(f'\\r{k}', end='')"
    async with stdio_client(sidecar.address, "--progress-interval-seconds", "0.5") as client:
        session_id = await new_session(client)
        await client.call_tool("evaluate", {"code": "n = 7", "session_id": session_id})

        with anyio.move_on_after(3.0) as scope:
            await client.call_tool(
                "evaluate",
                {"code": busy_loop, "session_id": session_id},
                progress_callback=on_progress,
            )
        assert scope.cancelled_caught, "the busy loop returned on its own"

        # Were Sage not interrupted, this would queue behind the endless loop.
        started = time.monotonic()
        after = await client.call_tool(
            "evaluate", {"code": "(n, k > 0)", "session_id": session_id}, read_timeout_seconds=15
        )
        elapsed = time.monotonic() - started
        await client.call_tool("delete_session", {"session_id": session_id})
    assert len(messages) >= 3, messages
    assert re.search(r"; latest output: [1-9]\d*000000$", messages[-1]), messages[-1]
    assert not after.is_error, text_of(after)
    assert text_of(after).startswith("(7, True)")
    assert elapsed < 5.0


async def test_output_budget_cuts_text_and_the_resource_returns_it_whole(
    sidecar: SidecarProcess,
) -> None:
    args = ("--max-output-chars", "600", "--max-image-bytes", "8000")
    async with stdio_client(sidecar.address, *args) as client:
        result = await client.call_tool(
            "evaluate", {"code": "for i in range(5000): print(i)\n'done'"}
        )
        assert result.structured_content is not None
        uris = result.structured_content["full_output_uris"]
        full = await client.read_resource(uris[0])

        plot = await client.call_tool("evaluate", {"code": "plot(sin(x), (x, 0, 2*pi), figsize=8)"})
        assert plot.structured_content is not None
        image_uri = plot.structured_content["full_output_uris"][0]
        original = await client.read_resource(image_uri)
    text = text_of(result)
    assert not result.is_error
    assert len(text) < 1000
    assert text.startswith("0\n1\n")
    assert "4999" in text
    assert "Result: 'done'" in text
    assert uris[0] in text
    contents = full.contents[0]
    assert isinstance(contents, TextResourceContents)
    assert contents.text == "".join(f"{i}\n" for i in range(5000))

    images = [block for block in plot.content if isinstance(block, ImageContent)]
    assert len(images) == 1
    assert len(base64.b64decode(images[0].data)) <= 8000
    assert "scaled down" in text_of(plot)
    blob = original.contents[0]
    assert isinstance(blob, BlobResourceContents)
    assert blob.mime_type == "image/png"
    with Image.open(io.BytesIO(base64.b64decode(blob.blob))) as full_image:
        assert full_image.width > 400


async def test_read_output_pages_through_a_cut_output_and_returns_a_full_plot(
    sidecar: SidecarProcess,
) -> None:
    """Hosts often let only tools, not resources, reach the model: the tool reads what the
    resources hold."""
    args = ("--max-output-chars", "2000", "--max-image-bytes", "8000")
    whole = "".join(f"{i}\n" for i in range(5000))
    async with stdio_client(sidecar.address, *args) as client:
        cut = await client.call_tool("evaluate", {"code": "for i in range(5000): print(i)"})
        assert cut.structured_content is not None
        uri = cut.structured_content["full_output_uris"][0]
        assert "read_output" in text_of(cut)
        pages, offset = [], 0
        while offset is not None:
            page = await client.call_tool("read_output", {"uri": uri, "offset": offset})
            assert not page.is_error, text_of(page)
            assert page.structured_content is not None
            pages.append(page)
            offset = page.structured_content["next_offset"]
        plot = await client.call_tool("evaluate", {"code": "plot(sin(x), (x, 0, 2*pi), figsize=8)"})
        assert plot.structured_content is not None
        image = await client.call_tool(
            "read_output", {"uri": plot.structured_content["full_output_uris"][0]}
        )
        unknown = await client.call_tool("read_output", {"uri": "sage://outputs/0123456789abcdef"})
        not_a_uri = await client.call_tool("read_output", {"uri": "/etc/passwd"})
        past = await client.call_tool("read_output", {"uri": uri, "offset": len(whole)})
    assert "".join(p.structured_content["text"] for p in pages) == whole
    assert len(pages) == -(-len(whole) // 2000)
    assert all(len(text_of(p)) <= 2000 + 100 for p in pages)
    assert f"read_output with offset={2000}" in text_of(pages[0])
    [full] = [block for block in image.content if isinstance(block, ImageContent)]
    with Image.open(io.BytesIO(base64.b64decode(full.data))) as full_image:
        assert full_image.width > 400
    assert unknown.is_error
    assert "is not kept here" in text_of(unknown)
    assert not_a_uri.is_error
    assert "full_output_uris" in text_of(not_a_uri)
    assert past.is_error
    assert "past the end" in text_of(past)


async def test_session_tools_and_the_variables_resource(mcp_http: HttpServer) -> None:
    async with Client(mcp_http.url) as client:
        created = await client.call_tool("create_session", {})
        assert created.structured_content is not None
        session_id = created.structured_content["session_id"]
        await client.call_tool(
            "evaluate", {"code": "a = 5\nE = EllipticCurve([0, 1])", "session_id": session_id}
        )
        variables = await client.read_resource(created.structured_content["variables_uri"])
        listed_by_tool = await client.call_tool("list_variables", {"session_id": session_id})
        # Reading the variables ran no cell: this is the session's second evaluation.
        second = await client.call_tool("evaluate", {"code": "a", "session_id": session_id})
        listed = await client.call_tool("list_sessions", {})
        interrupted = await client.call_tool("interrupt", {"session_id": session_id})
        deleted = await client.call_tool("delete_session", {"session_id": session_id})
        gone = await client.call_tool("evaluate", {"code": "a", "session_id": session_id})

    contents = variables.contents[0]
    assert isinstance(contents, TextResourceContents)
    assert contents.mime_type == "application/json"
    assert '"name": "a"' in contents.text
    assert '"value": "5"' in contents.text
    assert "Elliptic Curve defined by y^2 = x^3 + 1" in contents.text
    # The tool's listing is the resource's: only the model can call the one, only the host
    # read the other in many hosts.
    assert listed_by_tool.structured_content == json.loads(contents.text)
    assert second.structured_content is not None
    assert second.structured_content["execution_count"] == 2
    assert listed.structured_content is not None
    assert session_id in [s["session_id"] for s in listed.structured_content["sessions"]]
    assert interrupted.structured_content == {"session_id": session_id, "interrupted": False}
    assert not deleted.is_error
    assert gone.is_error
    assert "does not exist" in text_of(gone)
    assert "create_session" in text_of(gone)


async def test_variables_resource_withstands_what_a_session_binds(mcp_http: HttpServer) -> None:
    """Shadowed builtins, a repr that raises, and more names than one listing should carry."""
    code = (
        "sorted = 3\nprint = None\n"
        "class Opaque:\n    def __repr__(self):\n        raise RuntimeError\n"
        "opaque = Opaque()\n"
        "for i in range(3000):\n    globals()['v%d' % i] = 'y' * 400"
    )
    async with Client(mcp_http.url) as client:
        created = await client.call_tool("create_session", {})
        assert created.structured_content is not None
        session_id = created.structured_content["session_id"]
        ran = await client.call_tool("evaluate", {"code": code, "session_id": session_id})
        assert not ran.is_error, text_of(ran)
        read = await client.read_resource(created.structured_content["variables_uri"])
        with pytest.raises(MCPError, match="names no session"):
            await client.read_resource("sage://sessions//variables")
        await client.call_tool("delete_session", {"session_id": session_id})
    contents = read.contents[0]
    assert isinstance(contents, TextResourceContents)
    listing = json.loads(contents.text)
    shown = {v["name"]: v["value"] for v in listing["variables"]}
    assert shown["sorted"] == "3"
    assert shown["opaque"] == "<repr failed: RuntimeError>"
    assert len(listing["variables"]) == 1000
    assert listing["omitted"] > 2000


async def test_no_sidecar_gives_a_clear_error_within_the_deadline() -> None:
    nowhere = f"127.0.0.1:{free_port()}"
    async with stdio_client(nowhere, "--connect-timeout-seconds", "2") as client:
        started = time.monotonic()
        result = await client.call_tool("evaluate", {"code": "1+1", "timeout_seconds": 600})
        elapsed = time.monotonic() - started
        again = await client.call_tool("evaluate", {"code": "1+1"})
        sessions = await client.call_tool("list_sessions", {})
    assert result.is_error
    assert text_of(result).startswith(f"Sage runtime unavailable at {nowhere}")
    assert elapsed < 4.0
    assert again.is_error
    assert sessions.is_error
    assert "Sage runtime unavailable" in text_of(sessions)


async def test_interrupt_tool_stops_a_running_evaluation_and_keeps_variables(
    mcp_http: HttpServer,
) -> None:
    async with Client(mcp_http.url) as client:
        session_id = await new_session(client)
        await client.call_tool("evaluate", {"code": "n = 7", "session_id": session_id})
        running = asyncio.create_task(
            client.call_tool("evaluate", {"code": "while True: pass", "session_id": session_id})
        )
        interrupted = None
        for _ in range(100):
            await asyncio.sleep(0.1)
            interrupted = await client.call_tool("interrupt", {"session_id": session_id})
            assert interrupted.structured_content is not None
            if interrupted.structured_content["interrupted"]:
                break
        stopped = await running
        after = await client.call_tool("evaluate", {"code": "n", "session_id": session_id})
        await client.call_tool("delete_session", {"session_id": session_id})
    assert interrupted is not None
    assert interrupted.structured_content == {"session_id": session_id, "interrupted": True}
    assert stopped.is_error
    assert stopped.structured_content is not None
    assert stopped.structured_content["status"] == "interrupted"
    assert text_of(stopped).startswith("The evaluation was interrupted. The session's variables")
    assert text_of(after) == "7"


def http_status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


def test_http_server_says_it_is_alive_and_ready_when_the_sidecar_serves(
    mcp_http: HttpServer,
) -> None:
    base = mcp_http.url.removesuffix("/mcp")
    assert http_status(f"{base}/healthz") == 200
    assert http_status(f"{base}/readyz") == 200


def test_http_server_logs_one_json_object_a_line_uvicorn_included(
    mcp_http: HttpServer,
) -> None:
    base = mcp_http.url.removesuffix("/mcp")
    assert http_status(f"{base}/healthz") == 200
    deadline = time.monotonic() + 10
    while True:
        # Every line parses, the web server's own among them.
        records = [json.loads(line) for line in mcp_http.log().splitlines() if line.strip()]
        access = [r for r in records if r["logger"] == "uvicorn.access"]
        if any("/healthz" in r["message"] for r in access) or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert any("/healthz" in r["message"] for r in access), records
    assert any(r["logger"].startswith("uvicorn") and r["level"] == "INFO" for r in records)


def test_http_server_is_not_ready_without_a_sidecar() -> None:
    port = free_port()
    nowhere = f"127.0.0.1:{free_port()}"
    command = [str(SAGE_MCP), "--transport", "streamable-http", "--port", str(port)]
    with http_server([*command, "--sidecar", nowhere], port) as server:
        base = server.url.removesuffix("/mcp")
        assert http_status(f"{base}/healthz") == 200
        assert http_status(f"{base}/readyz") == 503


def session_ids(listed: object) -> list[str]:
    content = getattr(listed, "structured_content", None)
    assert content is not None
    return [s["session_id"] for s in content["sessions"]]


def session_state(stub: sage_pb2_grpc.SageServiceStub, session_id: str) -> int:
    request = pb.GetSessionRequest(session_id=session_id)
    return int(stub.GetSession(request, timeout=10).session.state)


async def wait_for_state(
    stub: sage_pb2_grpc.SageServiceStub, session_id: str, busy: bool, timeout: float = 30.0
) -> None:
    deadline = time.monotonic() + timeout
    while (session_state(stub, session_id) == pb.SESSION_STATE_BUSY) != busy:
        assert time.monotonic() < deadline, f"session never became {'busy' if busy else 'idle'}"
        await asyncio.sleep(0.1)


async def test_sigterm_over_http_cancels_a_long_call_after_a_short_grace(
    sidecar: SidecarProcess, stub: sage_pb2_grpc.SageServiceStub
) -> None:
    """Shutting down waits for in-flight tool calls only briefly, then cancels them, which
    interrupts Sage: an hour-long evaluation must not hold the server up for an hour."""
    port = free_port()
    command = [
        *(str(SAGE_MCP), "--transport", "streamable-http", "--port", str(port)),
        *("--sidecar", sidecar.address),
    ]
    session_id = stub.CreateSession(pb.CreateSessionRequest(), timeout=60).session.session_id
    with http_server(command, port) as server:
        async with Client(server.url) as client:
            running = asyncio.create_task(
                client.call_tool(
                    "evaluate",
                    {"code": "sleep(600)", "session_id": session_id, "timeout_seconds": 900},
                )
            )
            await wait_for_state(stub, session_id, busy=True)
            began = time.monotonic()
            server.process.send_signal(signal.SIGTERM)
            await asyncio.to_thread(exit_status, server.process, 60)
            elapsed = time.monotonic() - began
            running.cancel()
            with contextlib.suppress(BaseException):
                await running
    # The cancelled call interrupted Sage: the session is free again.
    await wait_for_state(stub, session_id, busy=False, timeout=15)
    stub.DeleteSession(pb.DeleteSessionRequest(session_id=session_id), timeout=30)
    assert elapsed < 20.0


async def test_a_cancelled_queued_evaluation_never_runs(
    sidecar: SidecarProcess, stub: sage_pb2_grpc.SageServiceStub
) -> None:
    """An evaluation waiting behind another on its session, whose tool call is cancelled or
    runs past its deadline, is withdrawn: it does not run once the session is free."""
    args = ("--deadline-margin-seconds", "1")
    async with stdio_client(sidecar.address, *args) as client:
        session_id = await new_session(client)

        # 1. Cancelled by the MCP client (notifications/cancelled).
        long = asyncio.create_task(
            client.call_tool("evaluate", {"code": "sleep(4); 'long'", "session_id": session_id})
        )
        await wait_for_state(stub, session_id, busy=True)
        with anyio.move_on_after(1.0) as scope:
            await client.call_tool(
                "evaluate", {"code": "cancelled_ran = True", "session_id": session_id}
            )
        assert scope.cancelled_caught
        assert text_of(await long) == "'long'"
        cancelled = await client.call_tool(
            "evaluate", {"code": "'cancelled_ran' in globals()", "session_id": session_id}
        )

        # 2. Past its deadline while waiting (timeout 1 s, plus the 1 s margin).
        long = asyncio.create_task(
            client.call_tool("evaluate", {"code": "sleep(6); 'long'", "session_id": session_id})
        )
        await wait_for_state(stub, session_id, busy=True)
        late = await client.call_tool(
            "evaluate",
            {"code": "late_ran = True", "session_id": session_id, "timeout_seconds": 1},
        )
        assert text_of(await long) == "'long'"
        expired = await client.call_tool(
            "evaluate", {"code": "'late_ran' in globals()", "session_id": session_id}
        )
        await client.call_tool("delete_session", {"session_id": session_id})
    assert late.is_error
    assert "waiting behind another evaluation" in text_of(late)
    assert text_of(cancelled) == "False", "the cancelled queued evaluation ran"
    assert text_of(expired) == "False", "the queued evaluation past its deadline ran"


async def test_what_show_displays_is_in_the_text_and_the_structured_content(
    sidecar: SidecarProcess,
) -> None:
    """show() output is reported like the rest: an image as image content (counted in
    `images`), text (a matrix, a table) in the text and in `displayed`, before the value."""
    async with stdio_client(sidecar.address) as client:
        plot = await client.call_tool("evaluate", {"code": "show(plot(sin(x), (x, 0, 1)))\n1+1"})
        matrix = await client.call_tool(
            "evaluate", {"code": "show(matrix([[1, 2], [3, 4]]))\nshow(table([[5, 6]]))\n7"}
        )
    assert not plot.is_error, text_of(plot)
    assert [type(block) for block in plot.content] == [TextContent, ImageContent]
    assert text_of(plot) == "2"
    assert plot.structured_content is not None
    assert plot.structured_content["images"] == 1
    assert plot.structured_content["displayed"] == []
    assert plot.structured_content["result"] == "2"

    assert not matrix.is_error, text_of(matrix)
    assert text_of(matrix) == "[1 2]\n[3 4]\n  5   6\nResult: 7"
    assert matrix.structured_content is not None
    assert matrix.structured_content["displayed"] == ["[1 2]\n[3 4]", "  5   6"]
    assert matrix.structured_content["result"] == "7"
    assert matrix.structured_content["images"] == 0


async def test_an_svg_figure_is_offered_as_its_source_not_as_image_content(
    sidecar: SidecarProcess,
) -> None:
    code = (
        "from IPython.display import SVG\n"
        'SVG(\'<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"/>\')'
    )
    async with stdio_client(sidecar.address) as client:
        result = await client.call_tool("evaluate", {"code": code})
        assert result.structured_content is not None
        [uri] = result.structured_content["full_output_uris"]
        source = await client.call_tool("read_output", {"uri": uri})
    assert not result.is_error, text_of(result)
    assert [type(block) for block in result.content] == [TextContent]
    assert "image/svg+xml image of" in text_of(result)
    assert "models take PNG, JPEG, GIF and WebP images only" in text_of(result)
    assert source.structured_content is not None
    assert source.structured_content["text"].startswith("<svg")


async def test_a_table_or_html_value_is_said_once(sidecar: SidecarProcess) -> None:
    """A value Sage displays as HTML (a table, html()) arrives as a display and as the
    result, both with the same text: the agent reads it once, as the result."""
    async with stdio_client(sidecar.address) as client:
        table = await client.call_tool("evaluate", {"code": "table([[1, 2], [3, 4]])"})
        shown = await client.call_tool("evaluate", {"code": "show(table([[1, 2], [3, 4]]))"})
        html_value = await client.call_tool("evaluate", {"code": "html('<b>hi</b>')"})
    assert text_of(table) == "  1   2\n  3   4"
    assert table.structured_content is not None
    assert table.structured_content["result"] == "  1   2\n  3   4"
    assert table.structured_content["displayed"] == []
    assert text_of(shown) == "  1   2\n  3   4"
    assert shown.structured_content is not None
    assert shown.structured_content["result"] is None
    assert shown.structured_content["displayed"] == ["  1   2\n  3   4"]
    assert text_of(html_value) == "<b>hi</b>"


async def test_a_chained_exception_keeps_each_traceback_whole_and_in_order(
    mcp_http: HttpServer,
) -> None:
    """Sage raises ValueError while handling ECL's RuntimeError: two tracebacks, each with its
    own frames and their code lines, the cell's in the second."""
    async with Client(mcp_http.url) as client:
        result = await client.call_tool("evaluate", {"code": "integral(1/x, x, 0, 1)"})
    assert result.is_error
    assert result.structured_content is not None
    traceback = result.structured_content["error"]["traceback"]
    separator = "During handling of the above exception, another exception occurred:"
    assert traceback.count(separator) == 1
    first, second = traceback.split(separator)
    assert first.strip().splitlines()[-1].startswith("RuntimeError: ECL says")
    assert "<cell" not in first
    assert second.strip().splitlines()[-1] == "ValueError: Integral is divergent."
    cell = second.index('File "<cell 1>", line 1')
    assert second[cell:].splitlines()[1].strip() == "integral(1/x, x, 0, 1)"
    for part in (first, second):
        lines = part.strip().splitlines()
        assert lines[0] == "Traceback (most recent call last):"
        frames = [i for i, line in enumerate(lines) if line.lstrip().startswith('File "')]
        assert frames, part
        # Each frame line is followed by its code line, not by another frame.
        assert all(lines[i + 1].startswith("    ") for i in frames), part


async def test_reading_a_busy_sessions_variables_says_so_at_once(
    mcp_http: HttpServer, stub: sage_pb2_grpc.SageServiceStub
) -> None:
    """Not after the whole RPC deadline (10 s): the session is seen busy and said to be."""
    async with Client(mcp_http.url) as client:
        created = await client.call_tool("create_session", {})
        assert created.structured_content is not None
        session_id = created.structured_content["session_id"]
        running = asyncio.create_task(
            client.call_tool("evaluate", {"code": "sleep(8)", "session_id": session_id})
        )
        await wait_for_state(stub, session_id, busy=True)
        began = time.monotonic()
        with pytest.raises(MCPError) as busy:
            await client.read_resource(created.structured_content["variables_uri"])
        elapsed = time.monotonic() - began
        await client.call_tool("interrupt", {"session_id": session_id})
        await running
        after = await client.read_resource(created.structured_content["variables_uri"])
        await client.call_tool("delete_session", {"session_id": session_id})
    assert elapsed < 3.0
    assert busy.value.error.message == (
        f"Session {session_id!r} is running code; its variables are read between evaluations. "
        "Read them again when it is done, or interrupt it."
    )
    assert isinstance(after.contents[0], TextResourceContents)


async def test_deleting_a_session_twice_succeeds_and_says_it_was_already_gone(
    mcp_http: HttpServer,
) -> None:
    """delete_session is annotated idempotent; interrupt of a gone session says nothing runs."""
    async with Client(mcp_http.url) as client:
        session_id = await new_session(client)
        first = await client.call_tool("delete_session", {"session_id": session_id})
        second = await client.call_tool("delete_session", {"session_id": session_id})
        interrupted = await client.call_tool("interrupt", {"session_id": session_id})
    assert not first.is_error
    assert first.structured_content == {"session_id": session_id, "deleted": True, "note": ""}
    assert not second.is_error, text_of(second)
    assert second.structured_content is not None
    assert second.structured_content["deleted"] is False
    assert "already gone" in second.structured_content["note"]
    assert interrupted.is_error
    assert "Nothing runs in it to interrupt" in text_of(interrupted)
    assert "re-run" not in text_of(interrupted)


async def test_a_malformed_session_id_is_explained_in_tool_words(mcp_http: HttpServer) -> None:
    async with Client(mcp_http.url) as client:
        result = await client.call_tool("evaluate", {"code": "1", "session_id": "bad id!"})
    assert result.is_error
    assert text_of(result).startswith(
        "Invalid argument session_id: expected the id create_session returned"
    )
    assert "CreateSession" not in text_of(result)


async def test_a_clone_starts_with_the_sources_variables(mcp_http: HttpServer) -> None:
    async with Client(mcp_http.url) as client:
        source = await new_session(client)
        await client.call_tool(
            "evaluate", {"code": "a = 5\nR.<t> = QQ[]\np = t^2 - 2", "session_id": source}
        )
        cloned = await client.call_tool("clone_session", {"session_id": source})
        assert cloned.structured_content is not None
        clone = cloned.structured_content["session_id"]
        seen = await client.call_tool("evaluate", {"code": "(a, p(3))", "session_id": clone})
        listed = await client.call_tool("list_sessions", {})
        for session_id in (clone, source):
            await client.call_tool("delete_session", {"session_id": session_id})
    assert not cloned.is_error, text_of(cloned)
    assert clone != source
    assert cloned.structured_content["execution_count"] == 1
    assert cloned.structured_content["variables_uri"] == f"sage://sessions/{clone}/variables"
    assert text_of(seen) == "(5, 7)"
    assert seen.structured_content is not None
    assert seen.structured_content["session_id"] == clone
    assert listed.structured_content is not None
    assert {source, clone} <= {s["session_id"] for s in listed.structured_content["sessions"]}


async def test_changes_in_a_clone_leave_the_source_alone(mcp_http: HttpServer) -> None:
    async with Client(mcp_http.url) as client:
        source = await new_session(client)
        await client.call_tool("evaluate", {"code": "a = 5\nL = [1, 2]", "session_id": source})
        cloned = await client.call_tool("clone_session", {"session_id": source})
        assert cloned.structured_content is not None, text_of(cloned)
        clone = cloned.structured_content["session_id"]
        changed = await client.call_tool(
            "evaluate", {"code": "a = 6\nL.append(3)\nb = 1", "session_id": clone}
        )
        check = "(a, L, 'b' in globals())"
        in_source = await client.call_tool("evaluate", {"code": check, "session_id": source})
        in_clone = await client.call_tool("evaluate", {"code": check, "session_id": clone})
        for session_id in (clone, source):
            await client.call_tool("delete_session", {"session_id": session_id})
    assert not changed.is_error, text_of(changed)
    assert text_of(in_source) == "(5, [1, 2], False)"
    assert text_of(in_clone) == "(6, [1, 2, 3], True)"
    # The clone's evaluations are not counted in the source either.
    assert in_source.structured_content is not None
    assert in_source.structured_content["execution_count"] == 2


async def test_cloning_an_unknown_session_is_a_tool_error_naming_it(mcp_http: HttpServer) -> None:
    async with Client(mcp_http.url) as client:
        deleted = await new_session(client)
        await client.call_tool("delete_session", {"session_id": deleted})
        never = "0" * 32
        results = {
            session_id: await client.call_tool("clone_session", {"session_id": session_id})
            for session_id in (deleted, never)
        }
    for session_id, result in results.items():
        assert result.is_error
        # In the tool's own words, with nothing of the SDK's before them.
        assert text_of(result) == (
            f"Session {session_id!r} does not exist: it was deleted, or never existed. There is "
            "nothing to clone; list_sessions shows the live sessions, and create_session makes "
            "a new one."
        )


async def test_clone_session_is_listed_as_making_a_session_neither_read_only_nor_idempotent(
    mcp_http: HttpServer,
) -> None:
    async with Client(mcp_http.url) as client:
        listed = await client.list_tools()
    clone = next(tool for tool in listed.tools if tool.name == "clone_session")
    assert clone.annotations is not None
    assert clone.annotations.destructive_hint is False
    assert clone.annotations.idempotent_hint is False
    assert not clone.annotations.read_only_hint
    assert clone.input_schema["required"] == ["session_id"]
    assert set(clone.input_schema["properties"]) == {"session_id"}
    assert clone.output_schema is not None
    assert {"session_id", "variables_uri"} <= set(clone.output_schema["properties"])
    assert clone.description is not None
    assert clone.description.startswith("Copy a session, variables and all, into a new session")
    assert "within 10 s" in clone.description


async def test_cloning_a_session_busy_past_the_deadline_says_so_and_leaves_no_clone(
    sidecar: SidecarProcess, stub: sage_pb2_grpc.SageServiceStub
) -> None:
    """A clone waits for the session's turn; one still waiting at its deadline is withdrawn."""
    source = stub.CreateSession(pb.CreateSessionRequest(), timeout=60).session.session_id
    async with stdio_client(sidecar.address, "--rpc-timeout-seconds", "1") as client:
        running = asyncio.create_task(
            client.call_tool("evaluate", {"code": "sleep(8)", "session_id": source})
        )
        await wait_for_state(stub, source, busy=True)
        before = await client.call_tool("list_sessions", {})
        cloned = await client.call_tool("clone_session", {"session_id": source})
        await client.call_tool("interrupt", {"session_id": source})
        await running
        # Its turn now free, the source would be cloned here had the clone not been withdrawn.
        after_turn = await client.call_tool("evaluate", {"code": "1", "session_id": source})
        after = await client.call_tool("list_sessions", {})
    stub.DeleteSession(pb.DeleteSessionRequest(session_id=source), timeout=30)
    assert cloned.is_error
    assert (
        f"Session {source!r} was not cloned within the call's deadline, and no clone was made"
        in text_of(cloned)
    )
    assert "interrupt" in text_of(cloned)
    assert not after_turn.is_error, text_of(after_turn)
    assert session_ids(after) == session_ids(before)
