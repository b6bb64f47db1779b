"""A circuit breaker that stops the MCP server from hammering a sidecar that is down.

Plain state, no I/O: the gRPC client (`client`) asks it whether a call may go out, performs
the health probe it asks for, and reports outcomes back.
"""

from __future__ import annotations

import enum
import time
from collections.abc import Callable


class BreakerState(enum.Enum):
    # Calls go out; consecutive failures are counted.
    CLOSED = "closed"
    # Calls fail at once, without touching the network, until the cooldown ends.
    OPEN = "open"
    # The cooldown ended: the next call must probe the sidecar's health first.
    HALF_OPEN = "half_open"


class Admission(enum.Enum):
    ALLOW = "allow"
    PROBE = "probe"
    REJECT = "reject"


class CircuitBreaker:
    """Counts consecutive 'sidecar unavailable' failures and opens after `failure_threshold`.

    An open breaker rejects calls for `cooldown` seconds; then it is half-open and asks the
    next caller to probe the sidecar's health. A SERVING answer (`record_success`) closes it; a
    failed probe (`record_failure`) opens it again for another cooldown.
    """

    def __init__(
        self,
        failure_threshold: int,
        cooldown: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if failure_threshold < 1:
            raise ValueError("failure_threshold must be at least 1")
        self._threshold = failure_threshold
        self._cooldown = cooldown
        self._clock = clock
        self._state = BreakerState.CLOSED
        self._failures = 0
        self._open_until = 0.0
        self.last_failure = ""

    @property
    def state(self) -> BreakerState:
        return self._state

    @property
    def consecutive_failures(self) -> int:
        return self._failures

    def retry_in(self) -> float:
        """Seconds until an open breaker lets a probe through; 0 when it is not open."""
        if self._state is not BreakerState.OPEN:
            return 0.0
        return max(0.0, self._open_until - self._clock())

    def admit(self) -> Admission:
        if self._state is BreakerState.CLOSED:
            return Admission.ALLOW
        if self._state is BreakerState.OPEN:
            if self._clock() < self._open_until:
                return Admission.REJECT
            self._move(BreakerState.HALF_OPEN)
        return Admission.PROBE

    def record_success(self) -> None:
        self._failures = 0
        self._move(BreakerState.CLOSED)

    def record_failure(self, reason: str = "") -> None:
        self._failures += 1
        if reason:
            self.last_failure = reason
        if self._state is BreakerState.HALF_OPEN or self._failures >= self._threshold:
            self._move(BreakerState.OPEN)

    def _move(self, state: BreakerState) -> None:
        # The one place the state changes, so the cooldown is always set on opening.
        if state is BreakerState.OPEN:
            self._open_until = self._clock() + self._cooldown
        self._state = state
