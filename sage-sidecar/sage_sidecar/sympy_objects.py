"""Says so when a Sage variable is given to SymPy as its variable.

SymPy converts a Sage expression it is given, but not a variable where it wants one of its own
symbols: `sympy.series(sin(x), x, 0, 4)` gives `sin(x)` back, a constant in another x, and
`sympy.integrate(sin(x), x)` fails with "Invalid limits given: (x,)", `sympy.nsolve` and
`sympy.lambdify` with an attribute or a 'method' that names no variable. A note after
sympy.series, and a hint under an error SymPy raised on a line with a Sage variable, give
SymPy its own symbol, or Sage's way. Counterparts: `notes` and `hints`.
"""

from __future__ import annotations

import ast
import re
import types
from typing import Any

from sage_sidecar import cell_calls

# Cheap enough to run on every cell: only a cell it finds is parsed.
CANDIDATE = re.compile(r"\bseries\(")
_NOTE = (
    "Note: SymPy's series was given Sage's variable {name}, which it does not take for its own "
    "symbol, so the expression is a constant to it and comes back unexpanded. Give it SymPy's: "
    "{name}._sympy_(); or Sage's series, {expression}.series({name} == {point}, {order})."
)
# SymPy's messages given a Sage variable where it wants a symbol: integrate's limits, and
# lambdify iterating over the variable's methods.
REFUSED = re.compile(r"Invalid limits given|'method' object is not iterable")
_HINT = (
    "{name} is Sage's variable, which SymPy's functions do not all take for their own symbol. "
    "Give SymPy its own, {name}._sympy_() (or sympy.Symbol('{name}')), or use Sage's function "
    "of the same name, which takes {name} as it is."
)


def note(tree: ast.Module, value: Any, namespace: dict[str, Any]) -> str | None:
    """The note, for a call of SymPy's series in the cell given a Sage variable."""
    for call in cell_calls.own_calls(tree):
        if len(call.args) < 2 or not _sympys_series(call.func, namespace):
            continue
        variable = cell_calls.evaluated(call.args[1], namespace)
        if not _a_sage_variable(variable):
            continue
        given = [cell_calls.as_written(node) for node in call.args]
        return _NOTE.format(
            name=variable,
            expression=cell_calls.as_operand(given[0], call.args[0]),
            point=given[2] if len(given) > 2 else "0",
            order=given[3] if len(given) > 3 else "6",  # SymPy's default
        )
    return None


def hint(exc: BaseException, names: list[tuple[str, Any]]) -> str | None:
    """For `exc`, if SymPy raised it as it does given a Sage variable, on a line whose names
    (with their values) are `names`: the first that holds a Sage variable."""
    from sage.symbolic.expression import Expression

    given_sages = isinstance(exc, AttributeError) and isinstance(
        getattr(exc, "obj", None), Expression
    )
    if not (given_sages or REFUSED.match(str(exc))):
        return None
    for name, value in names:
        if _a_sage_variable(value):
            return _HINT.format(name=name)
    return None


def _sympys_series(function: ast.expr, namespace: dict[str, Any]) -> bool:
    """Whether `function` is SymPy's series: `sympy.series`, or the name it was imported as."""
    if isinstance(function, ast.Attribute) and isinstance(function.value, ast.Name):
        module = namespace.get(function.value.id)
        found = (
            getattr(module, function.attr, None) if isinstance(module, types.ModuleType) else None
        )
    elif isinstance(function, ast.Name):
        found = namespace.get(function.id)
    else:
        return False
    return getattr(found, "__module__", "") == "sympy.series.series"


def _a_sage_variable(value: Any) -> bool:
    from sage.symbolic.expression import Expression

    return isinstance(value, Expression) and bool(value.is_symbol())
