"""The README's grpcurl examples, through the real grpcurl binary and server reflection."""

from __future__ import annotations

import json
import subprocess
import time

from tests.helpers import BIN, SidecarProcess


def grpcurl(sidecar: SidecarProcess, *args: str, data: str | None = None) -> str:
    command = [str(BIN / "grpcurl"), "-plaintext"]
    if data is not None:
        command += ["-d", data]
    command += [sidecar.address, *args]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_list_shows_the_services_without_proto_files(sidecar: SidecarProcess) -> None:
    services = grpcurl(sidecar, "list").split()
    assert {"sage.v1.SageService", "grpc.health.v1.Health"} <= set(services)


def test_describe_shows_the_documented_contract(sidecar: SidecarProcess) -> None:
    description = grpcurl(sidecar, "describe", "sage.v1.EvaluateRequest")
    assert "The Sage preparser applies" in description
    assert ".google.protobuf.Duration timeout = 4;" in description


def test_health_check_says_serving(sidecar: SidecarProcess) -> None:
    reply = json.loads(grpcurl(sidecar, "grpc.health.v1.Health/Check", data='{"service":""}'))
    assert reply == {"status": "SERVING"}


def test_create_session_then_evaluate_streams_and_factors(sidecar: SidecarProcess) -> None:
    created = json.loads(grpcurl(sidecar, "sage.v1.SageService/CreateSession", data="{}"))
    session_id = created["session"]["session_id"]
    assert created["session"]["state"] == "SESSION_STATE_ACTIVE"
    code = "for i in range(3):\n    print(i); sleep(1)\nfactor(2^64+1)"
    request = json.dumps({"session_id": session_id, "code": code})
    command = [str(BIN / "grpcurl"), "-plaintext", "-d", request, sidecar.address,
               "sage.v1.SageService/Evaluate"]  # fmt: skip
    arrivals: list[tuple[float, str]] = []
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            arrivals.append((time.monotonic(), line))
    assert proc.returncode == 0
    output = "".join(line for _, line in arrivals)
    events = json.loads("[" + output.replace("}\n{", "},\n{") + "]")
    printed = [e["stdout"]["text"] for e in events if "stdout" in e]
    assert printed == ["0\n", "1\n", "2\n"]
    assert events[-2] == {
        "result": {
            "text_plain": "274177 * 67280421310721",
            "text_latex": "274177 \\cdot 67280421310721",
        }
    }
    assert events[-1]["finished"]["status"] == "EVALUATION_STATUS_OK"
    # The lines arrived as they were printed, not all at the end.
    printed_at = [t for t, line in arrivals if '"text":' in line]
    assert printed_at[2] - printed_at[0] > 1.5
