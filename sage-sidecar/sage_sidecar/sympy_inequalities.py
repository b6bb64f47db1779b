"""Says so when solve(..., algorithm='sympy') of an inequality gives what SymPy did not.

SymPy solves `x^2 <= 1` as the interval [-1, 1], but Sage's conversion of a bounded interval
is wrong: a closed one loses its lower bound, `[x <= 1]`, and an open one comes as
`[[x > -1], [x < 1]]`, which reads, as solve's lists of lists do, as x > -1 or x < 1: every
number. Nothing fails. SymPy's set is asked again, and one line on stderr gives the solutions
it holds, as relations solve's own answers would write them. Counterpart: `notes`, which runs
this check after a cell.
"""

from __future__ import annotations

import ast
import operator
import re
from typing import Any

from sage_sidecar import cell_calls
from sage_sidecar.shown import shown
from sage_sidecar.solutions import PERIODIC

# Cheap enough to run on every cell: only a cell it finds is parsed.
CANDIDATE = re.compile(r"algorithm\s*=\s*['\"]sympy['\"]")
_COMPARISONS = {
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
}
_MAX_SHOWN = 200
# SymPy solves an inequality of a periodic function in one period only.
_ONE_PERIOD = " SymPy gives the solutions in one period, [0, 2*pi), only."
_NOTE = (
    "Note: this is not SymPy's answer, which is {solutions}: Sage's conversion of SymPy's set "
    "lost a bound, or made an 'and' an 'or' (a list of lists reads as the 'or' of its lists). "
    "As solve's relations: {relations}."
)


def note(tree: ast.Module, value: Any, namespace: dict[str, Any]) -> str | None:
    """The note, for the first solve of one inequality in one variable with SymPy's algorithm
    that the cell shows or binds, where SymPy's set has an interval bounded at both ends."""
    for call, _, _ in cell_calls.results(tree, value, namespace, ("solve",)):
        if not _with_sympy(call) or len(call.args) != 2:
            continue
        relation = _inequality(call.args[0], namespace)
        variable = cell_calls.evaluated(call.args[1], namespace)
        if relation is None or not _a_variable(variable):
            continue
        intervals = _intervals(relation, variable)
        if intervals is None:
            continue
        solutions = " or ".join(_between(interval, variable) for interval in intervals)
        relations = ", ".join(_relations(interval, variable) for interval in intervals)
        said = _NOTE.format(
            solutions=shown(solutions, _MAX_SHOWN), relations=shown(f"[{relations}]", _MAX_SHOWN)
        )
        return said + _ONE_PERIOD if PERIODIC.search(str(relation)) else said
    return None


def _with_sympy(call: ast.Call) -> bool:
    return any(
        keyword.arg == "algorithm"
        and isinstance(keyword.value, ast.Constant)
        and keyword.value.value == "sympy"
        for keyword in call.keywords
    )


def _inequality(node: ast.expr, namespace: dict[str, Any]) -> Any:
    """The inequality `node` is, written in the call (`x^2 <= 1`) or held by a name."""
    from sage.symbolic.expression import Expression

    if isinstance(node, ast.Compare) and len(node.ops) == 1:
        compare = _COMPARISONS.get(type(node.ops[0]))
        left = cell_calls.evaluated(node.left, namespace)
        right = cell_calls.evaluated(node.comparators[0], namespace)
        if compare is None or left is None or right is None:
            return None
        found = compare(left, right)
    else:
        found = cell_calls.evaluated(node, namespace)
    if not (isinstance(found, Expression) and found.is_relational()):
        return None
    return found if found.operator() in _COMPARISONS.values() else None


def _a_variable(value: Any) -> bool:
    from sage.symbolic.expression import Expression

    return isinstance(value, Expression) and value.is_symbol()


def _intervals(relation: Any, variable: Any) -> list[Any] | None:
    """SymPy's solution set of `relation` over the reals as intervals, where one of them is
    bounded at both ends, which Sage's conversion gets wrong; None otherwise."""
    from sympy import Interval, S, Union, solveset

    solved = solveset(relation._sympy_(), variable._sympy_(), S.Reals)
    intervals = list(solved.args) if isinstance(solved, Union) else [solved]
    if not all(isinstance(interval, Interval) for interval in intervals):
        return None
    if not any(interval.start.is_finite and interval.end.is_finite for interval in intervals):
        return None
    return intervals


def _between(interval: Any, variable: Any) -> str:
    """`-1 <= x <= 1` for the interval [-1, 1]; `x > 2` for (2, oo)."""
    lower = "<" if interval.left_open else "<="
    upper = "<" if interval.right_open else "<="
    start, end = interval.start, interval.end
    if not start.is_finite:
        return f"{variable} {upper} {end._sage_()}"
    if not end.is_finite:
        return f"{variable} {'>' if interval.left_open else '>='} {start._sage_()}"
    return f"{start._sage_()} {lower} {variable} {upper} {end._sage_()}"


def _relations(interval: Any, variable: Any) -> str:
    """The interval as solve writes a solution: `[x >= -1, x <= 1]`."""
    written = []
    if interval.start.is_finite:
        written.append(
            f"{variable} {'>' if interval.left_open else '>='} {interval.start._sage_()}"
        )
    if interval.end.is_finite:
        written.append(f"{variable} {'<' if interval.right_open else '<='} {interval.end._sage_()}")
    return f"[{', '.join(written)}]"
