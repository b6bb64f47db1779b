"""Says so when find_root gave one zero of a function that has several in the interval.

`find_root(f, a, b)` gives one zero, whichever its method reaches: `find_root(sin(x), 1, 10)`
is one of the three zeros of sin there. An agent asked for the zeros of f reads the one given
as the only one. Where f, sampled over [a, b], changes sign more than once, one line on
stderr says how often and near where, and how to find each. Counterpart: `notes`, which runs
this check after a cell.
"""

from __future__ import annotations

import ast
import math
import re
import time
from typing import Any

from sage_sidecar import cell_calls

# Cheap enough to run on every cell: only a cell it finds is parsed.
CANDIDATE = re.compile(r"(?<![\w.])find_root\(")
# Points f is sampled at over [a, b]; zeros closer together than the spacing can be missed.
_SAMPLES = 1000
_MAX_PLACES = 5
# Sampling gives up past this: a function Sage evaluates slowly is left unsaid.
_BUDGET_SECONDS = 0.05
_LOOPS = (ast.For, ast.AsyncFor, ast.While)
_NOTE = (
    "Note: find_root gives one zero of {f} in [{a}, {b}], and it is 0 or changes sign there "
    "{count} times, near {places}: find_root on a small interval around each finds that one, "
    "as find_root({f}, {left}, {right})."
)


def note(tree: ast.Module, value: Any, namespace: dict[str, Any]) -> str | None:
    """The note for the first find_root in the cell `tree`, outside loops and what the cell
    defines, of a symbolic expression in one variable that changes sign more than once over
    the interval it was given."""
    if not _sages_find_root(namespace.get("find_root")):
        return None  # the cell's or another library's find_root: its business
    for statement in tree.body:
        if isinstance(statement, _LOOPS):  # its arguments' names hold their last values now
            continue
        for node in cell_calls.own_nodes([statement]):
            if (
                isinstance(node, ast.Call)
                and cell_calls.called(node) == "find_root"
                and isinstance(node.func, ast.Name)
                and len(node.args) >= 3
                and (said := _several(node, namespace)) is not None
            ):
                return said
    return None


def _sages_find_root(value: Any) -> bool:
    from sage.misc.lazy_import import LazyImport
    from sage.numerical.optimize import find_root

    if isinstance(value, LazyImport):  # as the console has it, imported at first use
        value = value._get_object()
    return value is find_root


def _several(call: ast.Call, namespace: dict[str, Any]) -> str | None:
    from sage.ext.fast_callable import fast_callable
    from sage.rings.real_double import RDF
    from sage.symbolic.expression import Expression

    f, a, b = (cell_calls.evaluated(argument, namespace) for argument in call.args[:3])
    if not isinstance(f, Expression) or len(f.variables()) != 1 or a is None or b is None:
        return None
    a, b = float(a), float(b)
    if not (math.isfinite(a) and math.isfinite(b) and a < b):
        return None
    evaluate = fast_callable(f, vars=f.variables(), domain=RDF)
    step = (b - a) / _SAMPLES
    places: list[tuple[float, float]] = []  # where the sign changes, as (left, right)
    last: tuple[float, float] | None = None  # the last sample with a sign: (where, value)
    deadline = time.monotonic() + _BUDGET_SECONDS
    for i in range(_SAMPLES + 1):
        if i % 100 == 0 and time.monotonic() > deadline:
            return None
        t = a + i * step
        try:
            y = float(evaluate(t))
        except (ArithmeticError, ValueError):
            continue
        if not math.isfinite(y):
            last = None  # a pole: a sign change across it is no zero
            continue
        if y == 0:
            places.append((t, t))
            last = None
        elif last is not None and (last[1] > 0) != (y > 0):
            places.append((last[0], t))
            last = (t, y)
        else:
            last = (t, y)
    if len(places) < 2:
        return None
    left, right = places[0]
    return _NOTE.format(
        f=cell_calls.as_written(call.args[0]),
        a=f"{a:g}",
        b=f"{b:g}",
        count=len(places),
        places=", ".join(f"{(start + end) / 2:.4g}" for start, end in places[:_MAX_PLACES])
        + (", ..." if len(places) > _MAX_PLACES else ""),
        left=f"{left - step:.4g}",
        right=f"{right + step:.4g}",
    )
