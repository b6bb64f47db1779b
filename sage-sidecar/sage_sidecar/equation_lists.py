"""Says so when max(), min(), sorted() or sum() is taken of solve's equations, which compare
and add as equations, not as the solutions' values.

`max(solve(x^3 - 2*x == 0, x))` is `x == -sqrt(2)`, the smallest solution: a comparison of two
equations is never true, so max() and min() keep the first equation and sorted() keeps solve's
order; and sum() adds the equations side by side, `3*x == 0`. Each reads as an answer.
Counterpart: `notes`, which runs this check after a cell.
"""

from __future__ import annotations

import ast
import re
from typing import Any, TypeGuard

from sage_sidecar import cell_calls, solutions
from sage_sidecar.shown import shown

# Cheap enough to run on every cell: only a cell it finds is parsed.
CANDIDATE = re.compile(r"(?<![\w.])(?:sum|max|min|sorted)\(\s*(?:[^\W\d]\w*\s*\)|solve\()")
_NOTE = "Note: {call} {did}{got}. {way}: {function}({values}){value}."
_KEPT = "compared solve's equations, not their values: a comparison of two equations is never true"
_DID = {
    "max": f"{_KEPT}, so it kept the first",
    "min": f"{_KEPT}, so it kept the first",
    "sorted": f"{_KEPT}, so it kept solve's order",
    "sum": "added solve's equations side by side",
}
_WAY = {
    "max": "The largest solution",
    "min": "The smallest solution",
    "sorted": "The solutions in order",
    "sum": "The sum of the solutions",
}
_UNORDERED = (
    "Note: {call} {did}{got}. Some of the solutions are complex numbers, which have no "
    "order: their values are [{values}]."
)
_MAX_SHOWN = 80
# Solutions compared again by value, at most.
_MAX_EQUATIONS = 64


def note(tree: ast.Module, value: Any, namespace: dict[str, Any]) -> str | None:
    """The note, for the first max(), min(), sorted() or sum() in the cell of solve's
    equations in one variable: a name that holds them, or solve's call itself."""
    for call in cell_calls.own_calls(tree):
        function = cell_calls.called(call)
        if (
            function not in _DID
            or len(call.args) != 1
            or call.keywords
            or not cell_calls.sages_own(function, namespace)
        ):
            continue
        argument = call.args[0]
        if isinstance(argument, ast.Name):
            equations = namespace.get(argument.id)
            if _equations(equations):
                return _known_note(call, function, argument.id, equations)
        elif (
            solutions.of_one_equation(argument)
            and len(argument.args) == 2  # and its variable
            and cell_calls.sages_own("solve", namespace)
        ):
            # Their values unseen, the way that orders any real ones: radicals through complex
            # numbers, as a cubic's three real roots are written, compare as undecided.
            values = _values(cell_calls.as_written(argument), keyed=function != "sum")
            return _said(cell_calls.as_written(call), function, "", values, "")
    return None


def _values(name: str, *, keyed: bool = False) -> str:
    """The arguments that give a function the values of the solutions `name` holds, `keyed`
    to compare them as numbers where comparing them as written would not decide."""
    each = "t" if name == "s" else "s"
    values = f"{each}.rhs() for {each} in {name}"
    return f"({values}), key=lambda v: v.n().real()" if keyed else values


def _known_note(call: ast.Call, function: str, name: str, equations: list[Any]) -> str:
    """The note where the cell's `name` holds the `equations`: what the call gave, and what it
    gives of their values, where they are real numbers."""
    got = _got(function, equations)
    written = cell_calls.as_written(call)
    values = [equation.rhs() for equation in equations]
    if function == "sum":
        return _said(written, function, got, _values(name), f", {shown(sum(values), _MAX_SHOWN)}")
    numbers = [_number(v) for v in values]
    if any(n is None or n.imag() for n in numbers):
        return _UNORDERED.format(call=written, did=_DID[function], got=got, values=_values(name))
    reals = [float(n.real()) for n in numbers if n is not None]
    order = sorted(range(len(values)), key=lambda i: reals[i])
    chosen = order if function == "sorted" else [order[-1] if function == "max" else order[0]]
    # Radicals through complex numbers, as a cubic's three real roots are written, compare
    # as undecided: only their numerical values order them.
    undecided = any(solutions.real_through_complex(v) for v in values)
    exact = ", ".join(str(values[i]) for i in chosen)
    if len(exact) > _MAX_SHOWN:  # radicals through complex numbers: their values say more
        exact = ", ".join(f"≈ {reals[i]:.15g}" for i in chosen)
    answer = f", [{exact}]" if function == "sorted" else f", {exact}"
    return _said(written, function, got, _values(name, keyed=undecided), answer)


def _said(call: str, function: str, got: str, values: str, answer: str) -> str:
    """The note on the `call` of `function`, which gave what `got` says: the way to the
    solutions' answer, the `values` it is given, and the `answer`, where it is known."""
    return _NOTE.format(
        call=call,
        did=_DID[function],
        got=got,
        way=_WAY[function],
        function=function,
        values=values,
        value=answer,
    )


def _got(function: str, equations: list[Any]) -> str:
    if function == "sorted":
        return ""
    given = sum(equations) if function == "sum" else equations[0]
    return f": {shown(given, _MAX_SHOWN)}"


def _equations(value: Any) -> TypeGuard[list[Any]]:
    """Whether `value` is a list of at least two equations, each of one variable and a value,
    as solve gives them."""
    from sage.symbolic.expression import Expression

    return (
        isinstance(value, list)
        and 2 <= len(value) <= _MAX_EQUATIONS
        and all(
            isinstance(item, Expression)
            and item.is_relational()
            and item.operator().__name__ == "eq"
            and item.lhs().is_symbol()
            for item in value
        )
    )


def _number(value: Any) -> Any:
    """`value` as a complex number, with the rounding error its radicals leave in a part that
    is 0 taken away, as solve's notes take it; None if it is no number: an expression in
    variables."""
    try:
        return solutions.value_of(value)
    except (TypeError, ValueError, ArithmeticError):
        return None
