"""Says so when integrate or limit gives its integral or limit back unevaluated, or limit
answers `ind`.

Where Maxima finds no closed form, `integrate` returns the integral itself,
`integrate(x^x, x, 0, 1)`, and `limit` where it finds no value, as of
`harmonic_number(n) - log(n)` at oo (it is euler_gamma); where a limit does not exist but stays
bounded (`sin(1/x)` at 0, a jump), `limit` answers `ind`, Maxima's word for it, and `und` where
it is undefined; where it grows without one sign (`1/x` at 0), `Infinity`, which is not
`+Infinity`. All read as answers to an agent that does not know them. One line on stderr says
what the value is and how to get a number or the one-sided limits. Counterpart: `notes`, which
runs this check after a cell.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from typing import Any

from sage_sidecar import cell_calls
from sage_sidecar.shown import shown

# Cheap enough to run on every cell: only a cell it finds is looked at further.
CANDIDATE = re.compile(
    r"(?<![\w.])(?:integrate|integral|limit|lim)\(|\.(?:integral|integrate|limit)\("
)
_CALLS = frozenset({"integrate", "integral", "limit", "lim"})
_LIMIT_CALLS = frozenset({"limit", "lim"})
# Nodes of an expression looked at for an integral, at most: the note is not worth a long walk.
_MAX_NODES = 500
_MAX_SHOWN = 80
_DEFINITE = (
    "Note: integrate found no closed form and gave the integral back unevaluated: {integral}. "
    "Its value, numerically: {integral}.n(), or numerical_integral({integrand}, {a}, {b})[0]."
)
_DEFINITE_WITH_PARAMETERS = (
    "Note: integrate found no closed form and gave the integral back unevaluated: {integral}. "
    "It has a value numerically once its other variables ({parameters}) have values: "
    "substitute them, then .n()."
)
_INDEFINITE = (
    "Note: integrate found no antiderivative in closed form and gave the integral back "
    "unevaluated: {integral}. A definite integral of it has a value numerically, as "
    "numerical_integral({integrand}, a, b)[0]."
)
_UNEVALUATED_LIMIT = (
    "Note: limit found no value and gave the limit back unevaluated: {limit}. SymPy's "
    "algorithm may find it, as limit(..., algorithm='sympy'); the expression at points nearer "
    "and nearer {point} shows it numerically."
)
_LIMITS = {
    "ind": (
        "Note: ind is Maxima's answer for a limit that does not exist but stays bounded: the "
        "expression oscillates or jumps {near}."
    ),
    "und": "Note: und is Maxima's answer for a limit that is undefined: it does not exist.",
    # Not +Infinity: 1/x at 0 goes to +Infinity from the right, -Infinity from the left.
    "Infinity": (
        "Note: Infinity is Sage's unsigned infinity: the expression grows without bound in "
        "size, but not with one sign (+Infinity is the positive one)."
    ),
}
# Where the variable approaches a number; at infinity there is one side.
_NEAR_A_POINT = "near the point"
_AT_INFINITY = "as the variable grows without bound"
_ONE_SIDED = {
    "ind": " The one-sided limits may exist: limit(..., dir='+') and dir='-'.",
    "Infinity": " The one-sided limits: limit(..., dir='+') and dir='-'.",
}
_INFINITIES = frozenset(
    f"{sign}{name}" for sign in ("", "+", "-") for name in ("oo", "infinity", "Infinity")
)


def note(tree: ast.Module, value: Any, namespace: dict[str, Any]) -> str | None:
    """What the first unevaluated integral, or `ind`, `und` or unsigned `Infinity`, among the
    cell's value (`value`) and the names the cell `tree` bound to an integrate or limit call,
    is."""
    calls = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and cell_calls.called(node) in _LIMIT_CALLS
    ]
    at_infinity = bool(calls) and all(map(_at_infinity, calls))
    results = _results(tree, value, namespace)
    notes = (_note_for(result, bool(calls), at_infinity) for result in results)
    return next(filter(None, notes), None)


def _at_infinity(call: ast.Call) -> bool:
    """Whether the limit `call` takes is at infinity: `limit(f, x=oo)`, `limit(f, x, oo)`."""
    points = [keyword.value for keyword in call.keywords if keyword.arg != "dir"]
    points += call.args[2:3] if cell_calls.receiver(call) is None else call.args[1:2]
    return any(cell_calls.as_written(point) in _INFINITIES for point in points)


def _results(tree: ast.Module, value: Any, namespace: dict[str, Any]) -> Iterator[Any]:
    for _, result in cell_calls.bound(tree, namespace, _CALLS):
        yield result
    final = tree.body[-1] if tree.body else None
    if isinstance(final, ast.Expr) and value is not None:
        yield value


def _note_for(value: Any, limits: bool, at_infinity: bool) -> str | None:
    """The note for `value`; for `ind` and `und` only where the cell takes `limits`, and
    those `at_infinity` or not."""
    from sage.symbolic.expression import Expression

    if not isinstance(value, Expression):
        return None
    if value.is_symbol() or value.is_infinity():
        said = str(value)
        if not limits or said not in _LIMITS:
            return None
        near = _AT_INFINITY if at_infinity else _NEAR_A_POINT
        one_sided = "" if at_infinity else _ONE_SIDED.get(said, "")
        return _LIMITS[said].format(near=near) + one_sided
    from sage.functions.other import symbolic_limit
    from sage.symbolic.integration.integral import definite_integral, indefinite_integral

    if limits and (limit := first_of(value, (symbolic_limit,))) is not None:
        point = limit.operands()[2]
        return _UNEVALUATED_LIMIT.format(
            limit=shown(limit, _MAX_SHOWN), point=shown(point, _MAX_SHOWN)
        )
    integral = first_of(value, (definite_integral, indefinite_integral))
    if integral is None:
        return None

    operands = integral.operands()
    written, integrand = shown(integral, _MAX_SHOWN), shown(operands[0], _MAX_SHOWN)
    if integral.operator() is not definite_integral:
        return _INDEFINITE.format(integral=written, integrand=integrand)
    parameters = [str(v) for v in integral.variables() if str(v) != str(operands[1])]
    if parameters:
        return _DEFINITE_WITH_PARAMETERS.format(integral=written, parameters=", ".join(parameters))
    return _DEFINITE.format(
        integral=written,
        integrand=integrand,
        a=shown(operands[2], _MAX_SHOWN),
        b=shown(operands[3], _MAX_SHOWN),
    )


def first_of(value: Any, operators: tuple[Any, ...]) -> Any:
    """The first subexpression of the expression `value`, outermost first, whose operator is
    one of `operators`: an integral, definite or not, an unevaluated limit or sum."""
    pending, seen = [value], 0
    while pending and seen < _MAX_NODES:
        node = pending.pop(0)
        seen += 1
        if node.operator() in operators:
            return node
        pending += node.operands()
    return None
