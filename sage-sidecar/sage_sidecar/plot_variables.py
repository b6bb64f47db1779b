"""Which of a plotted function's variables have no value, where Sage's message names the wrong
one.

A plot gives values to the variables of its ranges alone. `plot(a*x^2, (x, -1, 1))`, where `a`
is a symbolic variable with no value, fails with "Variable 'x' not found in ['a']": Sage took
`a` for the variable to plot along, and names x, the one the range gave, as missing. The hint
names the variables with no value, read off the message and the line's ranges, and what to do:
a value for each, or a plot of more dimensions. And a range given its variable and one end,
`(x, 0)`, which Sage reads as from x to 0, gets the form of a range (`short_range_hint`); so do
plots of curves and surfaces given their ranges, or a curve's coordinate functions, as separate
arguments, `parametric_plot(cos(t), sin(t), (t, 0, 1))` (`form_hint`); and points given to
plot(), which draws functions (`points_hint`). Counterpart: `hints`, which adds the hint to the
error.
"""

from __future__ import annotations

import ast
import re
from types import TracebackType
from typing import Any

from sage_sidecar import cell_calls, frames

MISSING = re.compile(r"Variable '(\w+)' not found in \[((?:'\w+'(?:, )?)*)\]")
# A plot's range on the failing line: (x, -1, 1), (x, 0, sqrt(2)); a bound has no comma, and
# parentheses one deep at most.
_VARIABLE = r"\(\s*([^\W\d]\w*)\s*,\s*"
_BOUND = r"[^,()]+(?:\([^()]*\))?"
_RANGE = re.compile(rf"{_VARIABLE}{_BOUND}\s*,\s*{_BOUND}\)")
PLOTTING = "sage/plot/"
# A range of three with its ends, `(x, 0, 2)`.
_RANGE_ENDS = re.compile(rf"{_VARIABLE}({_BOUND})\s*,\s*({_BOUND})\)")
# A range of two that starts with a name, `(x, 0)`: Sage reads it as (xmin, xmax).
_SHORT_RANGE = re.compile(rf"{_VARIABLE}{_BOUND}\s*\)")
_BOTH_ENDS = (
    "A plot's range is (x, xmin, xmax), or (xmin, xmax) without the variable: {range} was read "
    "as the second, from {name} to {end}, and {name} has no numeric value. Give the variable "
    "both ends, as ({name}, a, b)."
)
_NO_VALUE = (
    "{unvalued} in the function plotted {have} no value: a plot gives values to the variables "
    "of its ranges alone, here {ranges}. Substitute {one} first, as expr.subs({example}=1)"
)
_SURFACE = ", or draw the function over both, as plot3d(expr, ({ranged}, -1, 1), ({other}, -1, 1))"
_MORE_VARIABLES = (
    "The function plotted has the variables {variables}, more than the plot's ranges give "
    "values to: give each a range, or substitute values for the others first, as "
    "expr.subs({example}=1)."
)

# What the plots of curves and surfaces say when given their ranges, or a curve's coordinate
# functions, as separate arguments: too many arguments, a range too few, no len() of a
# coordinate function, taken for the tuple of them; or given one range of two.
SPREAD = re.compile(
    r"\w+\(\) takes (?:from \d+ to )?\d+ positional arguments but \d+ were given"
    r"|\w+\(\) missing \d+ required positional arguments?: .+"
    r"|there are more variables than variable ranges"
    r"|object of type '[\w.]+' has no len\(\)"
    r"|f must be a list, tuple, or vector of length 3"
)
_FORMS = {
    "parametric_plot": "parametric_plot((cos(t), sin(t)), (t, 0, 2*pi))",
    "parametric_plot3d": "parametric_plot3d((cos(t), sin(t), t), (t, 0, 2*pi))",
    "plot3d": "plot3d(x*y, (x, -1, 1), (y, -1, 1))",
    "contour_plot": "contour_plot(x*y, (x, -1, 1), (y, -1, 1))",
    "density_plot": "density_plot(x*y, (x, -1, 1), (y, -1, 1))",
    "implicit_plot": "implicit_plot(x^2 + y^2 == 1, (x, -2, 2), (y, -2, 2))",
    "region_plot": "region_plot(x^2 + y^2 < 1, (x, -1, 1), (y, -1, 1))",
    "plot_vector_field": "plot_vector_field((-y, x), (x, -1, 1), (y, -1, 1))",
}
_FORM = "{function} takes each range as one tuple, (variable, start, end){functions}: {example}."
# Points given to plot(), which draws functions: `plot([(0, 1), (1, 2)])`.
POINTS_GIVEN = re.compile(r"unable to convert [\[(].{0,200}[\])] to a symbolic expression")
_POINTS = (
    "plot() draws functions and expressions, not points: list_plot(points) marks them "
    "(plotjoined=True joins them), line(points) joins them, as list_plot([(0, 1), (1, 2)])."
)
_COORDINATES = ", after the coordinate functions, as one tuple too"


def form_hint(called: str, message: str) -> str | None:
    """For a plot of a curve or a surface, called as `called`, that failed with `message`
    since its ranges or coordinate functions were given as separate arguments."""
    function = called.rpartition(".")[2]
    if function not in _FORMS or not SPREAD.fullmatch(message):
        return None
    functions = _COORDINATES if function.startswith("parametric") else ""
    return _FORM.format(function=function, functions=functions, example=_FORMS[function])


def points_hint(
    called: tuple[str, Any] | None, line: str, names: list[tuple[str, Any]]
) -> str | None:
    """For points given to the function `called` (as named, and its value) on the cell's
    failing `line`, whose names and values are `names`: if it is Sage's plot(), and its first
    argument a list or tuple of points, as written or named."""
    from sage.plot.plot import plot

    if called is None or called[1] is not plot:
        return None
    tree = cell_calls.parsed_line(line)
    if tree is None:
        return None
    values = dict(names)
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and cell_calls.called(node) == called[0] and node.args):
            continue
        given = node.args[0]
        if isinstance(given, ast.Name):
            points = values.get(given.id)
            if (
                isinstance(points, list | tuple)
                and points
                and all(isinstance(point, list | tuple) for point in points)
            ):
                return _POINTS
        elif (
            isinstance(given, ast.List | ast.Tuple)
            and given.elts
            and all(isinstance(point, ast.List | ast.Tuple) for point in given.elts)
        ):
            return _POINTS
    return None


def hint(message: str, traceback: TracebackType | None, line: str) -> str | None:
    """For a ValueError with `message` from plotting (`traceback`), whose failing line is
    `line`: which variables have no value."""
    missing = MISSING.fullmatch(message)
    if missing is None or not frames.ran_in(traceback, PLOTTING):
        return None
    variables = sorted({missing[1], *re.findall(r"'(\w+)'", missing[2])})
    ranges = [name for name in dict.fromkeys(_RANGE.findall(line)) if name in variables]
    unvalued = [name for name in variables if name not in ranges]
    if not ranges or not unvalued:
        return _MORE_VARIABLES.format(variables=", ".join(variables), example=variables[0])
    said = _NO_VALUE.format(
        unvalued=" and ".join(unvalued),
        have="has" if len(unvalued) == 1 else "have",
        ranges=", ".join(ranges),
        one="a value" if len(unvalued) == 1 else "values",
        example=unvalued[0],
    )
    if len(ranges) == 1 and len(unvalued) == 1:
        said += _SURFACE.format(ranged=ranges[0], other=unvalued[0])
    return said + "."


def range_ends(line: str) -> str | None:
    """The ends of the first range of three on `line`, as written: `0, 2` of `(x, 0, 2)`."""
    found = _RANGE_ENDS.search(line)
    return None if found is None else ", ".join(end.strip() for end in found.group(2, 3))


def short_range_hint(line: str, names: list[tuple[str, Any]]) -> str | None:
    """For a plot that wanted a number (`line`, with the values of its `names`): a range of
    two on the line that starts with a symbolic variable, and so was read as its start."""
    from sage.symbolic.expression import Expression

    held = dict(names)
    for found in _SHORT_RANGE.finditer(line):
        name = found[1]
        value = held.get(name)
        if isinstance(value, Expression) and value.is_symbol():
            end = found[0][1:-1].split(",", 1)[1].strip()
            return _BOTH_ENDS.format(range=found[0], name=name, end=end)
    return None
