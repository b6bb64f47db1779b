"""Says so when a plot's vertical range is set by a function blowing up at its poles.

`plot(tan(x), (x, -4, 4))` samples points ever closer to the poles, where tan runs to
thousands; the axes then span those, and the curve shows as a flat line with two spikes. An
agent that reads the image takes that for the function's shape. The sign of the function
jumps across a pole along a near-vertical segment, the way Sage's own `detect_poles` finds
it; where that happens and the range of the points is many times that of all but the
outermost tenth of them, one line on stderr says why the picture looks so, and what
`ymin`/`ymax` shows the shape. Counterpart: `notes`, which runs this check after a cell.
"""

from __future__ import annotations

import ast
import itertools
import math
import re
from typing import Any

import numpy

# Cheap enough to run on every cell: only a cell it finds, that shows a plot, is looked at.
CANDIDATE = re.compile(r"plot\(")
# Sage's pole: the sign jumps along a segment this steep, in the data's own units.
_STEEP = 1e4
# The points' range against that of all but the outermost tenth of them.
_DOMINATED = 20.0
_MIN_POINTS = 10
_NOTE = (
    "Note: the plot's vertical range, {low} to {high}, is set by the few points next to the "
    "function's poles, where it blows up: the rest of the curve lies flat along the axis. "
    "plot(..., ymin={ymin}, ymax={ymax}) shows its shape, and detect_poles=True leaves out "
    "the vertical lines at the poles."
)


def note(tree: ast.Module, value: Any, namespace: dict[str, Any]) -> str | None:
    """The note, if the cell shows a 2D plot, with no vertical range of its own, whose range
    its curves' poles set."""
    from sage.plot.graphics import Graphics
    from sage.plot.line import Line

    if not isinstance(value, Graphics):
        return None
    options = value._extra_kwds  # what plot() was given, `ymin` among them
    if "ymin" in options or "ymax" in options:
        return None
    points = [
        (float(x), float(y))
        for primitive in value
        if isinstance(primitive, Line)
        for x, y in zip(primitive.xdata, primitive.ydata, strict=False)
        if math.isfinite(float(y))
    ]
    if len(points) < _MIN_POINTS or not _has_pole(sorted(points)):
        return None
    ys = numpy.array([y for _, y in points])
    low, high = float(ys.min()), float(ys.max())
    inner_low, quartile_low, quartile_high, inner_high = (
        float(v) for v in numpy.percentile(ys, [5, 25, 75, 95])
    )
    if high - low <= _DOMINATED * (inner_high - inner_low):
        return None
    # Sampling crowds points near the poles: the middle half says where the curve lives.
    bound = _rounded_up(2 * max(abs(quartile_low), abs(quartile_high)))
    if bound == 0:
        return None
    return _NOTE.format(low=_shown(low), high=_shown(high), ymin=_shown(-bound), ymax=_shown(bound))


def _has_pole(points: list[tuple[float, float]]) -> bool:
    """Whether, from one point to the next in x, the sign jumps along a near-vertical
    segment."""
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        if y0 * y1 < 0 and abs(y1 - y0) >= _STEEP * max(x1 - x0, 1e-300):
            return True
    return False


def _rounded_up(value: float) -> float:
    """`value` rounded up to one significant digit: 13.2 is 20, 0.31 is 0.4."""
    if value <= 0:
        return 0.0
    unit = 10.0 ** math.floor(math.log10(value))
    return math.ceil(value / unit) * unit


def _shown(value: float) -> str:
    return f"{value:.4g}"
