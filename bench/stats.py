"""Summaries of timing samples: percentiles, and ratios taken round by round.

Noise on a shared 2-core machine moves whole rounds up and down together, so a ratio of two
systems measured in the same round is steadier than a ratio of two overall medians.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence


def percentile(samples: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100), linearly interpolated; NaN for no samples."""
    if not samples:
        return math.nan
    ordered = sorted(samples)
    if len(ordered) == 1:
        return ordered[0]
    position = (len(ordered) - 1) * q / 100.0
    low = math.floor(position)
    high = math.ceil(position)
    fraction = position - low
    return ordered[low] + (ordered[high] - ordered[low]) * fraction


def p50(samples: Sequence[float]) -> float:
    return percentile(samples, 50)


def p99(samples: Sequence[float]) -> float:
    return percentile(samples, 99)


def median_of_ratios(
    numerator_rounds: Sequence[Sequence[float]], denominator_rounds: Sequence[Sequence[float]]
) -> float:
    """Median over rounds of p50(numerator) / p50(denominator), pairing rounds by index."""
    ratios = [
        p50(num) / p50(den)
        for num, den in zip(numerator_rounds, denominator_rounds, strict=False)
        if num and den and p50(den) > 0
    ]
    return statistics.median(ratios) if ratios else math.nan


def ratio(numerator: float, denominator: float) -> float:
    if denominator <= 0 or math.isnan(denominator) or math.isnan(numerator):
        return math.nan
    return numerator / denominator
