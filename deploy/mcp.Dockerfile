# syntax=docker/dockerfile:1
# The MCP server (`sage-mcp`) over streamable HTTP on :8000, path /mcp. A gRPC client of the
# Sage sidecar; it has no Sage of its own, so the image stays small.
#
# Build from the repository root:
#   docker build -f deploy/mcp.Dockerfile -t sage-mcp:0.1.0 .
#
# Runs as uid 10001 and works with a read-only root filesystem (a tmpfs at /tmp for scratch).


# ---- wheel: this repository as a wheel, built by a pinned backend ----
FROM python:3.11.14-slim-bookworm AS wheel
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY deploy/requirements/build.txt /tmp/build.txt
RUN python -m pip install --require-hashes --no-deps -r /tmp/build.txt
COPY pyproject.toml README.md ./
COPY services/ services/
COPY sage-sidecar/ sage-sidecar/
COPY mcp-client/ mcp-client/
RUN python -m pip wheel --no-deps --no-build-isolation --wheel-dir /wheels .

# ---- venv: the MCP server's dependencies only (no passagemath) ----
FROM python:3.11.14-slim-bookworm AS venv
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
COPY deploy/requirements/app.txt /tmp/app.txt
COPY --from=wheel /wheels/ /wheels/
RUN python -m venv /opt/sage-runtime \
    && /opt/sage-runtime/bin/pip install --require-hashes --no-deps -r /tmp/app.txt \
    && /opt/sage-runtime/bin/pip install --no-deps /wheels/*.whl

# ---- runtime ----
FROM python:3.11.14-slim-bookworm AS runtime
LABEL org.opencontainers.image.title="sage-mcp" \
      org.opencontainers.image.description="MCP server (streamable HTTP) in front of the Sage sidecar" \
      org.opencontainers.image.licenses="GPL-3.0-or-later"
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN groupadd --system --gid 10001 sage-runtime \
    && useradd --system --uid 10001 --gid 10001 --no-create-home \
        --home-dir /nonexistent --shell /usr/sbin/nologin sage-runtime
COPY --from=venv /opt/sage-runtime/ /opt/sage-runtime/
COPY deploy/grpc_health_probe.py /opt/sage-runtime/bin/grpc_health_probe.py

ENV PATH=/opt/sage-runtime/bin:${PATH} \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HOME=/nonexistent \
    TMPDIR=/tmp \
    SAGE_MCP_TRANSPORT=streamable-http \
    SAGE_MCP_HOST=0.0.0.0 \
    SAGE_MCP_PORT=8000 \
    SAGE_MCP_SIDECAR=127.0.0.1:50051

WORKDIR /tmp
USER 10001:10001
EXPOSE 8000
STOPSIGNAL SIGTERM
# Healthy when the sidecar it uses reports SERVING (grpc.health.v1) and its own /healthz answers.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
    CMD ["sh", "-c", "exec python /opt/sage-runtime/bin/grpc_health_probe.py --addr \"$SAGE_MCP_SIDECAR\" --service sage.v1.SageService --http http://127.0.0.1:8000/healthz"]
# dumb-init is PID 1: it forwards SIGTERM to the server and reaps orphaned processes.
ENTRYPOINT ["dumb-init", "--single-child", "--"]
CMD ["sage-mcp"]
