"""Builds and runs the gRPC server: SageService, standard health, reflection, drain.

Health says NOT_SERVING until the warm workers are ready, SERVING after, and NOT_SERVING
again the moment shutdown begins.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import signal

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from sage_services import telemetry
from sage_services.api.sage.v1 import sage_pb2, sage_pb2_grpc

from sage_sidecar import auth
from sage_sidecar.pool import WorkerPool
from sage_sidecar.reflection import add_reflection
from sage_sidecar.request_guard import add_guarded
from sage_sidecar.servicer import SageServicer
from sage_sidecar.sessions import SessionManager
from sage_sidecar.settings import REQUEST_HEADROOM_BYTES, SidecarSettings
from sage_sidecar.store import SessionStore

log = logging.getLogger(__name__)

SERVICE_NAME = sage_pb2.DESCRIPTOR.services_by_name["SageService"].full_name
_HEALTH_SERVICES = ("", SERVICE_NAME)
_MAX_METADATA_BYTES = 16 * 1024
_LINGER_SECONDS = 0.5


class SidecarServer:
    def __init__(self, settings: SidecarSettings) -> None:
        token = auth.bearer_token(settings)
        auth.check_exposure(settings, token)
        self._credentials = auth.server_credentials(settings)
        self.settings = settings
        self.pool = WorkerPool(settings)
        self.store = SessionStore(settings.state_dir, fsync=settings.journal_fsync)
        self.sessions = SessionManager(settings, self.pool, self.store)
        self.health = health.aio.HealthServicer()
        self._server = grpc.aio.server(
            interceptors=[
                *_tracing_interceptors(),
                *([auth.BearerTokenInterceptor(token)] if token is not None else []),
            ],
            options=[
                (
                    "grpc.max_receive_message_length",
                    int(settings.max_code_bytes) + REQUEST_HEADROOM_BYTES,
                ),
                ("grpc.so_reuseport", 0),
                # Request metadata beyond this is refused by the transport (RESOURCE_EXHAUSTED).
                ("grpc.max_metadata_size", _MAX_METADATA_BYTES),
                ("grpc.absolute_max_metadata_size", _MAX_METADATA_BYTES),
            ],
        )
        add_guarded(
            sage_pb2_grpc.add_SageServiceServicer_to_server,
            SageServicer(self.sessions),
            self._server,
        )
        add_guarded(health_pb2_grpc.add_HealthServicer_to_server, self.health, self._server)
        add_reflection(self._server, SERVICE_NAME, health.SERVICE_NAME)
        self.port = 0
        self._warm_up: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()

    async def start(self) -> None:
        for service in _HEALTH_SERVICES:
            await self.health.set(service, health_pb2.HealthCheckResponse.NOT_SERVING)
        if self._credentials is not None:
            self.port = self._server.add_secure_port(self.settings.listen, self._credentials)
        else:
            self.port = self._server.add_insecure_port(self.settings.listen)
        await self._server.start()
        log.info("sage-sidecar listening on %s; warming up Sage workers", self.settings.listen)
        self._warm_up = asyncio.create_task(self._become_ready(), name="warm-up")

    async def _become_ready(self) -> None:
        try:
            self.sessions.load()
            await self.pool.warm_up()
            if self.settings.restore_sessions == "eager":
                await self.sessions.restore_all()
        except Exception:
            log.exception("Sage workers failed to start; the sidecar cannot serve")
            self._stopping.set()
            return
        self.sessions.mark_ready()
        # What start-up built (gRPC, protobuf descriptors, OpenTelemetry, settings) lives as
        # long as the process: out of the collector's reach, a full collection no longer
        # walks it, and stops pausing the server for tens of milliseconds.
        gc.freeze()
        for service in _HEALTH_SERVICES:
            await self.health.set(service, health_pb2.HealthCheckResponse.SERVING)
        log.info("sage-sidecar ready")

    def request_stop(self) -> None:
        self._stopping.set()

    async def wait_for_stop_request(self) -> None:
        await self._stopping.wait()

    async def stop(self) -> None:
        """Drain, then stop.

        The port stays open while running evaluations finish, so health checks see
        NOT_SERVING and new work gets UNAVAILABLE (which clients retry elsewhere) rather than
        a refused connection.
        """
        log.info("sage-sidecar shutting down")
        await self.health.enter_graceful_shutdown()
        if self._warm_up is not None:
            self._warm_up.cancel()
        await self.sessions.drain(self.settings.shutdown_grace_seconds)
        # Linger: calls already on the wire get UNAVAILABLE from us, which clients retry
        # elsewhere, rather than CANCELLED from a server that stopped under them.
        await asyncio.sleep(_LINGER_SECONDS)
        await self._server.stop(1.0)
        await self.sessions.close()
        log.info("sage-sidecar stopped")


def _tracing_interceptors() -> list[grpc.aio.ServerInterceptor]:
    """OpenTelemetry's own aio server interceptor, when spans are exported: it is the largest
    per-call cost of the server, so it is left out when nobody would see its spans. Health
    checks and reflection stay out of traces."""
    current = telemetry.current()
    if current is None or not current.exporting:
        return []
    from opentelemetry.instrumentation.grpc import aio_server_interceptor, filters

    ignored = filters.any_of(filters.health_check(), filters.service_prefix("grpc.reflection"))
    return [aio_server_interceptor(filter_=filters.negate(ignored))]  # type: ignore[no-untyped-call]


async def serve(settings: SidecarSettings) -> int:
    server = SidecarServer(settings)
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, server.request_stop)
    await server.start()
    await server.wait_for_stop_request()
    failed = server._warm_up is not None and server._warm_up.done() and not server.sessions._ready
    await server.stop()
    return 1 if failed else 0
