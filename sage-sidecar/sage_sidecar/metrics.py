"""The sidecar's OpenTelemetry metrics. Names are documented in docs/observability.md."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from opentelemetry import metrics
from opentelemetry.metrics import CallbackOptions, Observation

from sage_sidecar.messages import EvaluationStatus

_COUNTED = {
    EvaluationStatus.INTERRUPTED: "interrupts",
    EvaluationStatus.TIMED_OUT: "timeouts",
    EvaluationStatus.WORKER_DIED: "crashes",
}


class SidecarMetrics:
    def __init__(
        self,
        active_sessions: Callable[[], int],
        resident_workers: Callable[[], int],
        warm_workers: Callable[[], int],
    ) -> None:
        meter = metrics.get_meter("sage_sidecar")
        self._duration = meter.create_histogram(
            "sage.evaluation.duration", unit="s",
            description="Wall-clock time of evaluations, by outcome.",
        )  # fmt: skip
        self._counters = {
            "interrupts": meter.create_counter(
                "sage.evaluation.interrupts", description="Evaluations ended by an interrupt."
            ),
            "timeouts": meter.create_counter(
                "sage.evaluation.timeouts", description="Evaluations ended by their timeout."
            ),
            "crashes": meter.create_counter(
                "sage.worker.crashes", description="Workers that died while running code."
            ),
        }
        for name, description, read in (
            ("sage.sessions.active", "Sessions, one-off evaluations included.", active_sessions),
            ("sage.workers.resident", "Live Sage worker processes.", resident_workers),
            ("sage.pool.warm_workers", "Idle workers ready for new sessions.", warm_workers),
        ):
            meter.create_observable_gauge(name, callbacks=[_observe(read)], description=description)

    def evaluation_finished(self, status: EvaluationStatus, duration: float) -> None:
        outcome = {"sage.outcome": status.name}
        self._duration.record(duration, outcome)
        counter = _COUNTED.get(status)
        if counter is not None:
            self._counters[counter].add(1)


def _observe(read: Callable[[], int]) -> Callable[[CallbackOptions], Iterable[Observation]]:
    def callback(options: CallbackOptions) -> Iterable[Observation]:
        yield Observation(read())

    return callback
