# syntax=docker/dockerfile:1
# The Sage sidecar: gRPC `sage.v1.SageService` with warm Sage workers, standard health, reflection.
#
# Build from the repository root:
#   docker build -f deploy/sidecar.Dockerfile -t sage-sidecar:0.1.0 .
# On the official Sage image instead of passagemath on slim Python:
#   docker build -f deploy/sidecar.Dockerfile --build-arg SAGE_BASE=sagemath -t sage-sidecar:0.1.0-sagemath .
#
# Runs as uid 10001 and works with a read-only root filesystem: session state goes to the
# volume at /var/lib/sage-sidecar, everything else Sage writes (its cache, Maxima's compiled
# files, matplotlib's font cache, the forkserver's socket) to a tmpfs at /tmp.

# `passagemath` (default) or `sagemath`.
ARG SAGE_BASE=passagemath

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

# ---- venv-passagemath: Sage from PyPI (passagemath) in a venv on slim Python ----
FROM python:3.11.14-slim-bookworm AS venv-passagemath
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
COPY deploy/requirements/sage.txt /tmp/sage.txt
COPY --from=wheel /wheels/ /wheels/
RUN python -m venv /opt/sage-runtime \
    && /opt/sage-runtime/bin/pip install --require-hashes --no-deps -r /tmp/sage.txt \
    && /opt/sage-runtime/bin/pip install --no-deps /wheels/*.whl

FROM python:3.11.14-slim-bookworm AS base-passagemath
COPY --from=venv-passagemath /opt/sage-runtime/ /opt/sage-runtime/

# ---- base-sagemath: the official image's Sage, with this project in a venv on top ----
# The venv holds only what Sage lacks (`app.txt` has no passagemath) and reaches Sage's own
# packages through a .pth file: a venv made from a venv would see only the base interpreter's.
FROM sagemath/sagemath:10.7 AS base-sagemath
# Installing needs root; the runtime stage below runs as 10001.
# hadolint ignore=DL3002,DL3066
USER root
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
COPY deploy/requirements/app.txt /tmp/app.txt
COPY --from=wheel /wheels/ /wheels/
RUN sage -python -m venv /opt/sage-runtime \
    && sage -python -c "import site; print('\n'.join(site.getsitepackages()))" \
        > "$(/opt/sage-runtime/bin/python -c 'import sysconfig; print(sysconfig.get_path("purelib"))')/sagemath.pth" \
    && /opt/sage-runtime/bin/pip install --require-hashes --no-deps -r /tmp/app.txt \
    && /opt/sage-runtime/bin/pip install --no-deps --ignore-requires-python /wheels/*.whl \
    && rm -rf /wheels /tmp/app.txt

# ---- runtime ----
# `base-${SAGE_BASE}` names a stage of this file, not an image; both stages pin their image.
# checkov:skip=CKV_DOCKER_7: the FROM below is a stage of this file; images are pinned above
# hadolint ignore=DL3006
FROM base-${SAGE_BASE} AS runtime
ARG SAGE_BASE
LABEL org.opencontainers.image.title="sage-sidecar" \
      org.opencontainers.image.description="SageMath behind gRPC (sage.v1.SageService), warm workers" \
      org.opencontainers.image.licenses="GPL-3.0-or-later" \
      io.sage-runtime.sage-base="${SAGE_BASE}"
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
# A fixed, unprivileged uid/gid that Kubernetes' runAsUser and the volume's owner match.
RUN (getent group 10001 || groupadd --system --gid 10001 sage-runtime) \
    && (getent passwd 10001 || useradd --system --uid 10001 --gid 10001 --no-create-home \
        --home-dir /nonexistent --shell /usr/sbin/nologin sage-runtime) \
    && install -d -o 10001 -g 10001 -m 0750 /var/lib/sage-sidecar
COPY deploy/grpc_health_probe.py /opt/sage-runtime/bin/grpc_health_probe.py

ENV PATH=/opt/sage-runtime/bin:${PATH} \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HOME=/nonexistent \
    TMPDIR=/tmp \
    DOT_SAGE=/tmp/sage/dot_sage \
    MAXIMA_USERDIR=/tmp/sage/maxima \
    MAXIMA_OBJDIR=/tmp/sage/maxima/binary \
    MPLCONFIGDIR=/tmp/sage/matplotlib \
    XDG_CACHE_HOME=/tmp/sage/cache \
    XDG_CONFIG_HOME=/tmp/sage/config \
    SAGE_SIDECAR_LISTEN=0.0.0.0:50051 \
    SAGE_SIDECAR_STATE_DIR=/var/lib/sage-sidecar

VOLUME ["/var/lib/sage-sidecar"]
# Files that code writes to its working directory land on the tmpfs, not in the state volume.
WORKDIR /tmp
USER 10001:10001
EXPOSE 50051
STOPSIGNAL SIGTERM
# NOT_SERVING while Sage warms up (about 5-10 s, longer on a cold page cache) and while draining.
HEALTHCHECK --interval=10s --timeout=5s --start-period=120s --retries=3 \
    CMD ["python", "/opt/sage-runtime/bin/grpc_health_probe.py", "--addr", "127.0.0.1:50051", "--service", "sage.v1.SageService"]
# dumb-init is PID 1: it forwards SIGTERM to the sidecar only (--single-child), so the sidecar
# drains while its workers keep running, and it reaps orphaned processes.
ENTRYPOINT ["dumb-init", "--single-child", "--"]
CMD ["sage-sidecar"]
