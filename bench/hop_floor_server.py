"""The gRPC floor plus the one hop no out-of-process design can skip: Sage in a worker.

Each session gets a worker process of its own, forked from this process once it has imported
Sage, before gRPC starts. `Evaluate` sends the code to the session's worker over a Unix
socket and streams `started`; the worker preparses and evaluates it in a Sage console
namespace and answers with the value's repr; `result` and `finished` follow. Nothing else:
no journal, no output capture, no LaTeX, no limits. What the sidecar costs beyond this is its
own per-evaluation work, not the hop. Served as the sidecar serves (uvloop, and the bench
gives it the sidecar's `GRPC_EXPERIMENTS`); started, waited for and driven as the other
gRPC systems are (`systems.GrpcSystem`).

Run: `python -m bench.hop_floor_server --listen 127.0.0.1:PORT [--workers N]`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import pickle
import signal
import socket
import struct
from collections.abc import AsyncIterator
from typing import Any, cast

_HEADER = struct.Struct(">I")


def _frame(message: object) -> bytes:
    payload = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return _HEADER.pack(len(payload)) + payload


def _read_exactly(sock: socket.socket, size: int) -> bytes:
    data = bytearray()
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return bytes(data)


def _work(sock: socket.socket, namespace: dict[str, Any]) -> None:
    """A worker: one cell in, its value's repr (or its exception's) out, until EOF."""
    from sage.repl.preparse import preparse

    while True:
        try:
            (size,) = _HEADER.unpack(_read_exactly(sock, _HEADER.size))
            code = pickle.loads(_read_exactly(sock, size))
        except EOFError:
            return
        try:
            text = repr(eval(compile(preparse(code), "<cell>", "eval"), namespace))
        except Exception as exc:
            text = f"{type(exc).__name__}: {exc}"
        sock.sendall(_frame(text))


def _fork_workers(count: int) -> list[tuple[int, socket.socket]]:
    """`count` workers, each a fork of this process with Sage imported: pid and socket."""
    namespace: dict[str, Any] = {}
    exec("from sage.all_cmdline import *", namespace)
    workers: list[tuple[int, socket.socket]] = []
    for _ in range(count):
        ours, theirs = socket.socketpair()
        pid = os.fork()
        if pid == 0:
            ours.close()
            for _, other in workers:
                other.close()
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            _work(theirs, dict(namespace))
            os._exit(0)
        theirs.close()
        workers.append((pid, ours))
    return workers


class _WorkerEnd(asyncio.Protocol):
    """The server's end of one worker's socket: one cell at a time, as a session runs them."""

    def __init__(self) -> None:
        self._buffer = b""
        self._reply: asyncio.Future[str] | None = None
        self._transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = cast(asyncio.Transport, transport)

    def send(self, code: str) -> asyncio.Future[str]:
        assert self._transport is not None
        self._reply = asyncio.get_running_loop().create_future()
        self._transport.write(_frame(code))
        return self._reply

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        if len(self._buffer) < _HEADER.size:
            return
        (size,) = _HEADER.unpack_from(self._buffer)
        if len(self._buffer) < _HEADER.size + size:
            return
        text = pickle.loads(self._buffer[_HEADER.size : _HEADER.size + size])
        self._buffer = self._buffer[_HEADER.size + size :]
        if self._reply is not None and not self._reply.done():
            self._reply.set_result(text)


async def _serve(listen: str, workers: list[tuple[int, socket.socket]]) -> None:
    # gRPC only now, in the process the workers were forked from before it had threads.
    import grpc
    from sage_services.api.sage.v1 import sage_pb2 as pb

    from bench.floor_server import _STARTED, FloorServicer, _session, serve

    loop = asyncio.get_running_loop()
    ends: list[_WorkerEnd] = []
    for _, sock in workers:
        _, end = await loop.connect_accepted_socket(_WorkerEnd, sock)
        ends.append(end)

    class HopFloorServicer(FloorServicer):
        def __init__(self) -> None:
            self._sessions: dict[str, _WorkerEnd] = {}

        async def CreateSession(
            self, request: pb.CreateSessionRequest, context: grpc.aio.ServicerContext
        ) -> pb.CreateSessionResponse:
            session = _session()
            self._sessions[session.session_id] = ends[len(self._sessions) % len(ends)]
            return pb.CreateSessionResponse(session=session)

        async def Evaluate(
            self, request: pb.EvaluateRequest, context: grpc.aio.ServicerContext
        ) -> AsyncIterator[pb.EvaluateResponse]:
            reply = self._sessions.get(request.session_id, ends[0]).send(request.code)
            yield _STARTED  # while the worker has the cell, as the sidecar does
            text = await reply
            result = pb.EvaluateResponse()
            result.result.text_plain = text
            yield result
            finished = pb.EvaluateResponse()
            finished.finished.status = pb.EVALUATION_STATUS_OK
            finished.finished.execution_count = 1
            finished.finished.state_preserved = True
            yield finished

    await serve(listen, HopFloorServicer())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listen", required=True, help="host:port to serve on")
    parser.add_argument("--workers", type=int, default=20, help="worker processes (sessions)")
    args = parser.parse_args()
    workers = _fork_workers(args.workers)
    import uvloop

    try:
        with contextlib.suppress(KeyboardInterrupt):
            uvloop.run(_serve(args.listen, workers))
    finally:
        for pid, sock in workers:
            sock.close()
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)


if __name__ == "__main__":
    main()
