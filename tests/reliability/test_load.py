"""Load: concurrent clients over shared sessions, on loopback, bounded in time.

The full run (slow) is the issue's 50 clients x 200 evaluations over 16 sessions; CI runs
10 x 20 over 4. The load generator is `tests/reliability/load.py`, a process of its own so that
its CPU is not the test's; its JSON result becomes the figures.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from sage_services.api.sage.v1 import sage_pb2_grpc

from tests.helpers import stop_and_check
from tests.reliability.support import ROOT, start_with_state, still_serving, value_of

# Growth of the sidecar's RSS allowed beyond what the sessions hold: allocator arenas, gRPC
# buffers, caches warming up.
SLACK = 32 << 20
# Python objects cost more than their JSON on disk: an allowance per journal byte for what
# sessions keep in memory (request ids remembered with their recorded events).
PER_JOURNAL_BYTE = 5


def _run_load(clients: int, evaluations: int, sessions: int, budget: float) -> dict[str, object]:
    sidecar, state = start_with_state("--warm-workers", "2")
    out = Path(tempfile.mkdtemp()) / "load.json"
    try:
        subprocess.run(
            [sys.executable, "-m", "tests.reliability.load", "--address", sidecar.address,
             "--clients", str(clients), "--evaluations", str(evaluations),
             "--sessions", str(sessions), "--sidecar-pid", str(sidecar.pid), "--out", str(out)],
            cwd=ROOT, check=True, timeout=budget,
        )  # fmt: skip
        result: dict[str, object] = json.loads(out.read_text())
        journals = sum(p.stat().st_size for p in state.glob("sessions/*/journal.jsonl"))
        result["journal bytes"] = journals
        assert still_serving(sidecar)
        with sidecar.channel() as channel:
            stub = sage_pb2_grpc.SageServiceStub(channel)
            records = result["records"]
            assert isinstance(records, list)
            logs = {
                session: ast.literal_eval(value_of(stub, session, "logs"))
                for session in {r["session_id"] for r in records}
            }
        result["committed entries missing"] = sum(
            len(set(r["acknowledged"]) - set(logs[r["session_id"]].get(r["client"], [])))
            for r in records
        )
    finally:
        stop_and_check(sidecar)
    return result


def _check(result: dict[str, object], figures: dict[str, object]) -> None:
    before, after = result["memory before"], result["memory after"]
    assert isinstance(before, dict)
    assert isinstance(after, dict)
    growth = after["server_rss"] - before["server_rss"]
    journal_bytes = result["journal bytes"]
    assert isinstance(journal_bytes, int)
    allowed = SLACK + PER_JOURNAL_BYTE * journal_bytes
    figures.update(
        {key: result[key] for key in (
            "clients", "evaluations per client", "sessions", "acknowledged", "errors",
            "errors by kind", "seconds", "evaluations per second", "p50 ms", "p99 ms", "max ms",
            "committed entries missing")}
    )  # fmt: skip
    figures["sidecar RSS before MiB"] = round(before["server_rss"] / 2**20, 1)
    figures["sidecar RSS after MiB"] = round(after["server_rss"] / 2**20, 1)
    figures["journals MiB"] = round(journal_bytes / 2**20, 2)
    figures["allowed growth MiB"] = round(allowed / 2**20, 1)
    figures["workers"] = after["workers"]
    figures["workers' private memory before MiB"] = round(before["workers_uss"] / 2**20)
    figures["workers' private memory after MiB"] = round(after["workers_uss"] / 2**20)
    assert result["errors"] == 0, result["errors by kind"]
    expected = int(str(figures["clients"])) * int(str(figures["evaluations per client"]))
    assert result["acknowledged"] == expected
    assert result["committed entries missing"] == 0
    assert growth <= allowed, f"the sidecar grew by {growth / 2**20:.1f} MiB"


@pytest.mark.timeout(300)
def test_load_reduced(figures: dict[str, object]) -> None:
    """10 concurrent clients x 20 evaluations over 4 sessions: no errors, nothing committed
    missing, and the sidecar's memory back within what the sessions hold."""
    _check(_run_load(clients=10, evaluations=20, sessions=4, budget=240), figures)


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_load_50_clients_200_evaluations_16_sessions(figures: dict[str, object]) -> None:
    """50 concurrent clients x 200 evaluations over 16 sessions: no errors, nothing
    committed missing, and the sidecar's memory back within what the sessions hold."""
    _check(_run_load(clients=50, evaluations=200, sessions=16, budget=780), figures)
