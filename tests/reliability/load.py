"""Concurrent clients evaluating against a running sidecar: the suite's load generator.

    python -m tests.reliability.load --address 127.0.0.1:50051 --clients 50 \\
        --evaluations 200 --sessions 16 --out load.json

One process, one asyncio loop, one channel; client c evaluates on session c mod S, one
evaluation at a time. Evaluation i of client c has the request id `load-c-i`, appends i to
`logs[c]` in its session (so what was committed can be read back after a fault) and returns a
product that is checked on the spot. The result file has every client's attempted and
acknowledged evaluations, the errors by kind, latency percentiles, and the sidecar's memory
before and after.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

import grpc
import psutil
from sage_services.api.sage.v1 import sage_pb2 as pb
from sage_services.api.sage.v1 import sage_pb2_grpc

from tests.reliability.support import milliseconds, percentile

# What every session holds before the load: one log per client.
PREPARE = "logs = {}"


def code_for(client: int, index: int) -> str:
    return f"logs.setdefault({client}r, []).append({index}r)\n{client + 1} * {index + 7}"


def request_id_for(client: int, index: int) -> str:
    return f"load-{client}-{index}"


@dataclass
class ClientRecord:
    client: int
    session_id: str
    attempted: list[int] = field(default_factory=list)
    acknowledged: list[int] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@dataclass
class Memory:
    server_rss: int
    workers_uss: int
    workers: int


def memory_of(pid: int) -> Memory:
    """The sidecar's own RSS, and the private memory of its Sage processes."""
    server = psutil.Process(pid)
    uss = 0
    count = 0
    for child in server.children(recursive=True):
        try:
            uss += child.memory_full_info().uss
            count += 1
        except psutil.Error:
            continue
    return Memory(server.memory_info().rss, uss, count)


async def evaluate_once(
    stub: sage_pb2_grpc.SageServiceStub, record: ClientRecord, index: int, deadline: float
) -> None:
    """One evaluation; raises grpc.aio.AioRpcError or AssertionError on failure."""
    code = code_for(record.client, index)
    request = pb.EvaluateRequest(
        session_id=record.session_id, code=code, request_id=request_id_for(record.client, index)
    )
    events = [event async for event in stub.Evaluate(request, timeout=deadline)]
    finished = events[-1].finished if events and events[-1].HasField("finished") else None
    assert finished is not None, f"no finished event: {events}"
    assert finished.status == pb.EVALUATION_STATUS_OK, f"status {finished.status}: {events}"
    results = [e.result.text_plain for e in events if e.HasField("result")]
    assert results == [str((record.client + 1) * (index + 7))], f"wrong result: {events}"


async def run_client(
    stub: sage_pb2_grpc.SageServiceStub,
    record: ClientRecord,
    evaluations: int,
    deadline: float,
    stop_on_error: bool,
) -> None:
    for index in range(evaluations):
        record.attempted.append(index)
        began = time.monotonic()
        try:
            await evaluate_once(stub, record, index, deadline)
        except grpc.aio.AioRpcError as error:
            record.errors.append(error.code().name)
        except AssertionError as error:
            record.errors.append(f"WRONG: {str(error)[:200]}")
        else:
            record.acknowledged.append(index)
            record.latencies.append(time.monotonic() - began)
            continue
        if stop_on_error:
            return


async def prepare(stub: sage_pb2_grpc.SageServiceStub, sessions: int) -> list[str]:
    ids = []
    for _ in range(sessions):
        created = await stub.CreateSession(pb.CreateSessionRequest(), timeout=60)
        ids.append(created.session.session_id)
    for session_id in ids:
        async for _ in stub.Evaluate(
            pb.EvaluateRequest(session_id=session_id, code=PREPARE), timeout=60
        ):
            pass
    return ids


async def run(args: argparse.Namespace) -> dict[str, object]:
    async with grpc.aio.insecure_channel(args.address) as channel:
        stub = sage_pb2_grpc.SageServiceStub(channel)
        session_ids = args.session_ids.split(",") if args.session_ids else []
        if not session_ids:
            session_ids = await prepare(stub, args.sessions)
        await asyncio.sleep(args.settle)
        before = memory_of(args.sidecar_pid) if args.sidecar_pid else None
        records = [ClientRecord(c, session_ids[c % len(session_ids)]) for c in range(args.clients)]
        began = time.monotonic()
        await asyncio.gather(
            *(
                run_client(stub, r, args.evaluations, args.deadline, args.stop_on_error)
                for r in records
            )
        )
        elapsed = time.monotonic() - began
        await asyncio.sleep(args.settle)
        after = memory_of(args.sidecar_pid) if args.sidecar_pid else None
    latencies = [t for r in records for t in r.latencies]
    errors = Counter(e for r in records for e in r.errors)
    return {
        "clients": args.clients,
        "evaluations per client": args.evaluations,
        "sessions": len(session_ids),
        "session_ids": session_ids,
        "attempted": sum(len(r.attempted) for r in records),
        "acknowledged": len(latencies),
        "errors": sum(errors.values()),
        "errors by kind": dict(errors),
        "seconds": round(elapsed, 2),
        "evaluations per second": round(len(latencies) / elapsed, 1) if elapsed else 0.0,
        "p50 ms": milliseconds(percentile(latencies, 0.50)),
        "p99 ms": milliseconds(percentile(latencies, 0.99)),
        "max ms": milliseconds(max(latencies, default=0.0)),
        "memory before": asdict(before) if before else None,
        "memory after": asdict(after) if after else None,
        "records": [_record_json(r) for r in records],
    }


def _record_json(record: ClientRecord) -> dict[str, object]:
    return {
        "client": record.client,
        "session_id": record.session_id,
        "attempted": record.attempted,
        "acknowledged": record.acknowledged,
        "errors": record.errors,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--address", required=True)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--evaluations", type=int, default=200)
    parser.add_argument("--sessions", type=int, default=16)
    parser.add_argument("--session-ids", default="", help="use these sessions (comma-separated)")
    parser.add_argument("--sidecar-pid", type=int, default=0, help="measure its memory")
    parser.add_argument("--deadline", type=float, default=60.0, help="per evaluation, seconds")
    parser.add_argument("--settle", type=float, default=1.0, help="pause before measuring")
    parser.add_argument("--stop-on-error", action="store_true", help="a client stops at its "
                        "first failed evaluation (for runs that stop the sidecar)")  # fmt: skip
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    result = asyncio.run(run(args))
    args.out.write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    main()
