"""Says so when a plot is empty because its range runs backwards.

`plot(x^2, (x, 1, -1))` draws nothing, with no warning: "Graphics object consisting of 0
graphics primitives" and a blank image, which an agent may well take for a plot of nothing
much. So do `plot(f, 1, -1)`, `xmin=1, xmax=-1`, and the parametric and polar plots. One line
on stderr says which range runs backwards, and gives it from the smaller end. Counterpart:
`notes`, which runs this check after a cell.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from typing import Any

from sage_sidecar import cell_calls

# Cheap enough to run on every cell: only a cell it finds, that shows an empty plot, is read.
CANDIDATE = re.compile(r"plot\(")
_NOTE = (
    "Note: the plot is empty: its range {range} runs from {start} down to {end}, and plot draws "
    "nothing over a range that runs backwards. From the smaller end, {fixed}, it draws the "
    "curve."
)


def note(tree: ast.Module, value: Any, namespace: dict[str, Any]) -> str | None:
    """The note, if the cell shows a plot with nothing in it, made by a call in the cell
    whose range starts past its end."""
    from sage.plot.graphics import Graphics

    if not isinstance(value, Graphics) or len(value) > 0:
        return None
    for call in cell_calls.own_calls(tree):
        if not cell_calls.called(call).endswith("plot"):
            continue
        for written, start, end, fixed in _ranges(call):
            try:
                low = cell_calls.evaluated(start, namespace)
                high = cell_calls.evaluated(end, namespace)
                backwards = low is not None and high is not None and bool(low > high)
            except Exception:  # a value that does not compare, or does not evaluate
                continue
            if backwards:
                return _NOTE.format(
                    range=written,
                    start=_with_value(start, low),
                    end=_with_value(end, high),
                    fixed=fixed,
                )
    return None


def _ranges(call: ast.Call) -> Iterator[tuple[str, ast.expr, ast.expr, str]]:
    """Each range the call gives, as written, its start and end, and as written the other
    way round: `(x, a, b)`, the `a, b` of `plot(f, a, b)` or `plot(f, x, a, b)`, and
    `xmin=a, xmax=b`."""
    rest = call.args[1:]
    for argument in rest:
        if isinstance(argument, ast.Tuple) and len(argument.elts) == 3:
            variable, start, end = argument.elts
            flipped = ast.Tuple([variable, end, start], ast.Load())
            yield _written(argument), start, end, _written(flipped)
    bounds = [a for a in rest if not isinstance(a, ast.Tuple)]
    if len(bounds) == 3 and isinstance(bounds[0], ast.Name):
        bounds = bounds[1:]
    if len(bounds) == 2:
        start, end = bounds
        yield (
            f"{_written(start)}, {_written(end)}",
            start,
            end,
            f"{_written(end)}, {_written(start)}",
        )
    keywords = {k.arg: k.value for k in call.keywords if k.arg in ("xmin", "xmax")}
    if len(keywords) == 2:
        start, end = keywords["xmin"], keywords["xmax"]
        yield (
            f"xmin={_written(start)}, xmax={_written(end)}",
            start,
            end,
            f"xmin={_written(end)}, xmax={_written(start)}",
        )


def _with_value(node: ast.expr, value: Any) -> str:
    """`node` as written, and its value where that reads otherwise: `a = 3`, `2 * pi`."""
    written = _written(node)
    shown = str(value)
    return written if shown == written or not isinstance(node, ast.Name) else f"{written} = {shown}"


def _written(node: ast.expr) -> str:
    return cell_calls.as_written(node)
