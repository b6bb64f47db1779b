"""MCP over stdio, read and written by the event loop itself rather than by threads.

The SDK's `stdio_server` reads stdin and writes stdout through worker threads
(`anyio.wrap_file`): every message crosses threads on its way in and twice on its way out,
which on a small machine costs more than a quarter of a millisecond per tool call. When stdin
and stdout are pipes or sockets, as an agent host gives them, the loop reads and writes them
directly and the SDK's framing and protocol handling are unchanged. Anything else (a terminal,
a file) is served by the SDK's own transport. Counterpart: `main`, which runs the server on it.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import os
import stat
from collections.abc import AsyncIterator
from typing import Any, cast

from mcp.server.mcpserver import MCPServer
from mcp.server.stdio import stdio_server

log = logging.getLogger(__name__)

# A line (one JSON-RPC message) longer than this is dropped with a warning; it bounds the
# memory one message can take. Code sent for evaluation is far smaller, even JSON-escaped.
MAX_LINE_BYTES = 64 << 20


async def serve_stdio(server: MCPServer[Any], *, max_line_bytes: int = MAX_LINE_BYTES) -> None:
    """What `MCPServer.run_stdio_async` does, on loop-served pipes when stdio allows it."""
    # The SDK has no parameter for the streams, so its low-level server is run here the way
    # `run_stdio_async` runs it; `stdio_server` builds the framing on top of the streams.
    async with (
        _loop_stdio(max_line_bytes) as streams,
        stdio_server(*streams) as (read_stream, write_stream),
    ):
        lowlevel = server._lowlevel_server
        await lowlevel.run(read_stream, write_stream, lowlevel.create_initialization_options())


@contextlib.asynccontextmanager
async def _loop_stdio(max_line_bytes: int) -> AsyncIterator[tuple[Any, Any]]:
    """(stdin, stdout) for `stdio_server`: loop-served when both are pipes or sockets, else
    (None, None), which makes the SDK use its own threaded files.

    As the SDK's transport does, fd 0 then reads the null device and fd 1 writes to stderr
    while the server runs, so stray output from libraries or children cannot corrupt the
    protocol; both are restored on exit.
    """
    if not (_is_pipe_or_socket(0) and _is_pipe_or_socket(1)):
        yield None, None
        return
    loop = asyncio.get_running_loop()
    wire_in = fcntl.fcntl(0, fcntl.F_DUPFD_CLOEXEC, 3)
    wire_out = fcntl.fcntl(1, fcntl.F_DUPFD_CLOEXEC, 3)
    _divert(0, os.open(os.devnull, os.O_RDONLY))
    _divert(1, os.dup(2))
    reader = asyncio.StreamReader(limit=max_line_bytes)
    read_transport, _ = await loop.connect_read_pipe(
        lambda: asyncio.StreamReaderProtocol(reader), os.fdopen(wire_in, "rb", buffering=0)
    )
    writer = _PipeWriter()
    write_transport, _ = await loop.connect_write_pipe(
        lambda: writer, os.fdopen(wire_out, "wb", buffering=0)
    )
    try:
        yield _Lines(reader, max_line_bytes), writer
    finally:
        with contextlib.suppress(OSError):
            os.dup2(wire_in, 0)
            os.dup2(wire_out, 1)
        read_transport.close()
        write_transport.close()


def _is_pipe_or_socket(fd: int) -> bool:
    try:
        mode = os.fstat(fd).st_mode
    except OSError:
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)


def _divert(fd: int, replacement: int) -> None:
    os.dup2(replacement, fd)
    os.close(replacement)


class _Lines:
    """The lines of stdin, decoded, as `stdio_server` iterates them."""

    def __init__(self, reader: asyncio.StreamReader, max_line_bytes: int) -> None:
        self._reader = reader
        self._max_line_bytes = max_line_bytes

    def __aiter__(self) -> _Lines:
        return self

    async def __anext__(self) -> str:
        while True:
            try:
                line = await self._reader.readline()
            except ValueError:  # over the limit: the reader has dropped what it buffered
                log.warning("dropped an MCP message longer than %d bytes", self._max_line_bytes)
                continue
            if not line:
                raise StopAsyncIteration
            return line.decode("utf-8", "replace")


class _PipeWriter(asyncio.Protocol):
    """stdout as `stdio_server` writes it: `write`, then `flush` waits while the pipe is full."""

    def __init__(self) -> None:
        self._transport: asyncio.WriteTransport | None = None
        self._drained: asyncio.Future[None] | None = None
        self._lost: BaseException | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = cast(asyncio.WriteTransport, transport)

    def connection_lost(self, exc: Exception | None) -> None:
        self._lost = exc or BrokenPipeError("stdout was closed")
        self._wake()

    def pause_writing(self) -> None:
        if self._drained is None:
            self._drained = asyncio.get_running_loop().create_future()

    def resume_writing(self) -> None:
        self._wake()

    async def write(self, text: str) -> None:
        if self._lost is not None or self._transport is None:
            raise BrokenPipeError("stdout was closed")
        self._transport.write(text.encode("utf-8"))

    async def flush(self) -> None:
        if self._drained is not None:
            await asyncio.shield(self._drained)
        if self._lost is not None:
            raise BrokenPipeError("stdout was closed")

    def _wake(self) -> None:
        drained, self._drained = self._drained, None
        if drained is not None and not drained.done():
            drained.set_result(None)
