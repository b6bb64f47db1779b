"""How the report and its plots write figures: seconds, ratios, speed-ups and megabytes.

One place, so a table and the plot beside it print the same number the same way.
"""

from __future__ import annotations

import math

MB = 1_000_000
TIMES = "\u00d7"  # the multiplication sign
NONE = "\u2013"  # an en dash, for a missing figure


def fmt_seconds(value: float) -> str:
    if math.isnan(value):
        return NONE
    if value < 1e-3:
        return f"{value * 1e6:.0f} µs"
    if value < 1.0:
        return f"{value * 1e3:.3g} ms"
    return f"{value:.3g} s"


def fmt_ratio(value: float) -> str:
    if math.isnan(value):
        return NONE
    return f"{value:.3g}{TIMES}"


def fmt_speed(ours_over_theirs: float) -> str:
    """`2.1x faster` when ours takes less time than theirs, `1.4x slower` otherwise."""
    if math.isnan(ours_over_theirs) or ours_over_theirs <= 0:
        return NONE
    if ours_over_theirs <= 1:
        return f"{1 / ours_over_theirs:.3g}{TIMES} faster"
    return f"{ours_over_theirs:.3g}{TIMES} slower"


def fmt_mb(value: float) -> str:
    return NONE if math.isnan(value) else f"{value / MB:.1f} MB"
