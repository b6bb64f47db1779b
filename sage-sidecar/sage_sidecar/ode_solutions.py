"""Says what desolve's answers hold that reads otherwise.

`desolve(diff(y, x) == y^2, y)` gives `-1/y(x) == _C + x`: an equation in y(x), the solution
given implicitly, where an agent expects y(x) itself. One line on stderr says so and how to
solve it for y(x). And, once in a session, what `_C`, `_K1` and `_K2` in its answers stand
for: arbitrary constants, which initial conditions fix. Counterpart: `notes`, which runs
these checks after a cell.
"""

from __future__ import annotations

import ast
import re
from typing import Any

from sage_sidecar import cell_calls
from sage_sidecar.shown import listed

# Cheap enough to run on every cell: only a cell it finds is parsed.
CANDIDATE = re.compile(r"(?<![\w.])desolve\w*\(")
_FUNCTIONS = frozenset({"desolve", "desolve_laplace", "desolve_system"})
# Maxima's names for the constants of a general solution.
_CONSTANT = re.compile(r"_C|_K\d+")
_IMPLICIT = (
    "Note: desolve gave the solution implicitly, as an equation in {function}, not {function} "
    "itself: solve({result}, {variable}) solves it for {function} where it can{value}."
)
_CONSTANTS = (
    "Note: in desolve's answers, {names} {are} {constants} of the general solution: "
    "ics=[x0, y0] (and y'(x0) after them, for a second-order equation) fixes {them}, or "
    "substitute a value, as .subs({first}=1)."
)
_told = False  # the session was told what the constants are


def note(tree: ast.Module, value: Any, namespace: dict[str, Any]) -> str | None:
    """For a desolve result at hand (the cell's value, or a name the cell bound it to) that
    is an equation in the unknown function rather than the function."""
    for call, result, name in _results(tree, value, namespace):
        if not (call.args[1:2] and isinstance(call.args[1], ast.Name)):
            continue
        variable = call.args[1].id
        if _implicit(result, namespace.get(variable)):
            return _IMPLICIT.format(
                function=namespace.get(variable),
                result=name,
                variable=variable,
                value=", _ being the cell's value" if name == "_" else "",
            )
    return None


def constants_note(tree: ast.Module, value: Any, namespace: dict[str, Any]) -> str | None:
    """Once in a session: what the constants in a desolve result at hand stand for."""
    global _told
    if _told:
        return None
    found: set[str] = set()
    for _, result, _ in _results(tree, value, namespace):
        for expression in result if isinstance(result, list) else [result]:
            variables: tuple[Any, ...] = getattr(expression, "variables", tuple)()
            found.update(str(v) for v in variables if _CONSTANT.fullmatch(str(v)))
    if not found:
        return None
    _told = True
    names = sorted(found)
    many = len(names) > 1
    return _CONSTANTS.format(
        names=listed(names),
        are="are" if many else "is",
        constants="arbitrary constants" if many else "an arbitrary constant",
        them="them" if many else "it",
        first=names[0],
    )


def _results(
    tree: ast.Module, value: Any, namespace: dict[str, Any]
) -> list[tuple[ast.Call, Any, str]]:
    """Each desolve call at the top of the cell whose result is at hand, with the result and
    the name it goes by: the one the cell bound, or `_` for the cell's value. Only Sage's:
    the cell's own desolve is its business."""
    import sage.calculus.desolvers

    return [
        (call, result, name)
        for call, result, name in cell_calls.results(tree, value, namespace, _FUNCTIONS)
        if call.args
        and namespace.get(cell_calls.called(call))
        is getattr(sage.calculus.desolvers, cell_calls.called(call))
    ]


def _implicit(result: Any, function: Any) -> bool:
    """Whether `result` is an equation with the unknown `function` (y(x)) on a side: the
    solution given implicitly."""
    from sage.symbolic.expression import Expression

    return (
        isinstance(result, Expression)
        and isinstance(function, Expression)
        and result.is_relational()
        and bool(result.lhs().has(function) or result.rhs().has(function))
    )
