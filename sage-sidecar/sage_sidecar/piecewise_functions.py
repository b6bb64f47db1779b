"""What a piecewise function's pieces are, where Sage refuses a point or the pieces themselves;
and the methods only piecewise functions have, asked of an expression.

Sage's messages name neither the domain nor the pieces: "point 1 is not in the domain" for
`p(1)` or `integral(p, x, -1, 1)` where the pieces are open at 1, as `((0, 1), x)` makes them,
and "domains must be pairwise disjoint" for pieces that share an end, as `[-1, 0]` and
`[0, 1]` do. Both are read from the frames of Sage's own piecewise code. And an expression has
no `fourier_series_partial_sum` or `critical_points`: a piecewise function of one piece does.
Counterpart: `hints`, which adds the hint to the error.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

from sage_sidecar import frames

_Names = Callable[[], list[tuple[str, Any]]]

OUTSIDE = re.compile(r"point (.{1,200}) is not in the domain")
OVERLAPPING = "domains must be pairwise disjoint"
_SAGES = "sage/functions/piecewise.py"
# Pieces that cover [-1, 1] and meet at 0, which belongs to one of them.
EXAMPLE = "piecewise([([-1, 0], -x), (RealSet.open_closed(0, 1), x)])"
# How each kind of interval is written.
_ENDS = (
    "A piece on (a, b) is open at both ends, on [a, b] closed, and on "
    f"RealSet.closed_open(a, b) or RealSet.open_closed(a, b) half-open, as in {EXAMPLE}."
)
_OUTSIDE_AT_AN_END = "{point} is outside the piecewise function's domain, {domain}. " + _ENDS
_OUTSIDE = "{point} is outside the piecewise function's domain, {domain}."
_WHOLE_DOMAIN = " Over the whole domain, {name}.integral(definite=True) integrates it."
_PIECEWISE_ONLY = (
    "{method}() is a method of Sage's piecewise functions, not of symbolic expressions: make "
    "{name} one on its interval first, as piecewise([((-pi, pi), {name})]).{method}(...)."
)
_CRITICAL_POINTS = (
    "Symbolic expressions have no critical_points(): solve(diff({name}, {variable}) == 0, "
    "{variable}) gives them exactly, and piecewise([((a, b), {name})]).critical_points() those "
    "in (a, b), numerically."
)
_OVERLAP = (
    "The pieces on {first} and {second} overlap, on {common}: each point belongs to one piece."
)


def hint(exc: BaseException, message: str, names: _Names) -> str | None:
    """The hint for a ValueError whose message is `message` from Sage's piecewise functions;
    `names` gives those on the cell's failing line, with their values."""
    if message == OVERLAPPING:
        return _overlap_hint(frames.locals_of(exc, "__call__", _SAGES).get("domain_list"))
    if outside := OUTSIDE.fullmatch(message):
        return _outside_hint(exc, outside[1], names)
    return None


def method_hint(method: str, name: str, variable: str) -> str | None:
    """For `method` asked of a symbolic expression, `name` in the cell (in `variable`), if
    only piecewise functions have it."""
    if method == "critical_points":
        return _CRITICAL_POINTS.format(name=name, variable=variable)
    return _PIECEWISE_ONLY.format(method=method, name=name) if method in _only_theirs() else None


@functools.cache
def _only_theirs() -> frozenset[str]:
    from sage.functions.piecewise import PiecewiseFunction
    from sage.symbolic.ring import SR

    expressions = set(dir(SR.var("x")))
    return frozenset(
        method
        for method in dir(PiecewiseFunction.EvaluationMethods)
        if not method.startswith("_") and method not in expressions
    )


def _overlap_hint(domains: Any) -> str | None:
    if not isinstance(domains, list):
        return None
    for i, first in enumerate(domains):
        for second in domains[i + 1 :]:
            common = first.intersection(second)
            if not common.is_empty():
                said = _OVERLAP.format(first=first, second=second, common=common)
                # Sharing an end: making one of them open there is the fix.
                return f"{said} {_ENDS}" if common.is_finite() else said
    return None


def _outside_hint(exc: BaseException, point: str, names: _Names) -> str | None:
    from sage.functions.piecewise import piecewise
    from sage.sets.real_set import RealSet

    found = frames.locals_of(exc, "_subs_", _SAGES)
    if "parameters" not in found:
        return None
    domain = RealSet(*(interval for piece, _ in found["parameters"] for interval in piece))
    try:
        at_an_end = bool(domain.closure().contains(found["point"]))
    except Exception:  # a point RealSet cannot place
        at_an_end = False
    said = (_OUTSIDE_AT_AN_END if at_an_end else _OUTSIDE).format(point=point, domain=domain)
    if frames.locals_of(exc, "integral", _SAGES):
        functions = [name for name, value in names() if _operator(value) is piecewise]
        said += _WHOLE_DOMAIN.format(name=functions[0] if functions else "")
    return said


def _operator(value: Any) -> Any:
    try:
        return value.operator()
    except Exception:  # not an expression; or one whose operator() is the cell's own code
        return None
