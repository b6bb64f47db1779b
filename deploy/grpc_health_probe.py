"""A `grpc_health_probe` for the images: asks a gRPC server's standard health service.

    python grpc_health_probe.py --addr 127.0.0.1:50051 --service sage.v1.SageService

Exits 0 when the answer is SERVING, 1 otherwise (NOT_SERVING, no answer, unknown service).
`--http URL` also requires a 2xx answer to `GET URL` (the MCP server's `/healthz`). Health
checks need no token. Needs only grpcio and grpcio-health-checking, which both images already
have, so nothing is downloaded at build time.
"""

from __future__ import annotations

import argparse
import sys
import urllib.error
import urllib.request
from collections.abc import Sequence

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

SERVING = health_pb2.HealthCheckResponse.SERVING


def check_grpc(address: str, service: str, timeout: float) -> str | None:
    """None when `service` at `address` reports SERVING, else what was wrong."""
    with grpc.insecure_channel(address) as channel:
        try:
            response = health_pb2_grpc.HealthStub(channel).Check(
                health_pb2.HealthCheckRequest(service=service), timeout=timeout
            )
        except grpc.RpcError as exc:
            return f"{address}: {exc.code().name}: {exc.details()}"
    if response.status != SERVING:
        name = health_pb2.HealthCheckResponse.ServingStatus.Name(response.status)
        return f"{address}: service {service!r} is {name}"
    return None


def check_http(url: str, timeout: float) -> str | None:
    """None when `GET url` answers 2xx, else what it answered."""
    if not url.startswith(("http://", "https://")):
        return f"{url}: not an http(s) URL"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            status = int(response.status)
    except urllib.error.HTTPError as exc:
        status = exc.code
    except (OSError, ValueError) as exc:
        return f"{url}: {exc}"
    return None if 200 <= status < 300 else f"{url}: HTTP {status}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--addr", default="127.0.0.1:50051", help="gRPC server, host:port")
    parser.add_argument(
        "--service", default="", help="service to ask about; empty means the whole server"
    )
    parser.add_argument("--timeout", type=float, default=3.0, help="seconds per check")
    parser.add_argument("--http", default="", help="also require GET of this URL to answer 2xx")
    args = parser.parse_args(argv)
    problem = check_grpc(args.addr, args.service, args.timeout)
    if problem is None and args.http:
        problem = check_http(args.http, args.timeout)
    if problem is not None:
        print(f"unhealthy: {problem}", file=sys.stderr)
        return 1
    print("SERVING")
    return 0


if __name__ == "__main__":
    sys.exit(main())
