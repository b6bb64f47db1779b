"""Says, the first time in a session that canonicalize_radical() gave an answer its expression
does not equal, that it chose a branch of each root.

`sqrt(a^2).canonicalize_radical()` is `a`, and `sqrt(x^2*(x + 1)^2)` becomes `x^2 + x`:
canonicalize_radical picks one branch of each root, the one for positive variables. Where a
variable is negative, its answer is not the expression's value, and nothing fails. The check
compares the two at a few real points, computing only Sage's expressions. Counterpart: `notes`,
which runs this check after a cell.
"""

from __future__ import annotations

import ast
import re
from typing import Any

from sage_sidecar import cell_calls
from sage_sidecar.shown import shown

# Cheap enough to run on every cell: only a cell it finds is parsed.
CANDIDATE = re.compile(r"\.canonicalize_radical\(")
# Where the expression and the answer are compared: negative values first, where they part.
_POINTS = (-0.7, -1.3, 0.45, 1.7)
_MAX_VARIABLES = 3
_APART = 1e-9
_MAX_SHOWN = 60
_NOTE = (
    "Note: canonicalize_radical() chose one branch of each root, the one for positive "
    "variables: {result} is not {expression} where {point}, as they are {got} and {wanted} "
    "there. simplify_real() simplifies for any real values of the variables (sqrt(a^2) is "
    "abs(a) there)."
)


def note(tree: ast.Module, value: Any, namespace: dict[str, Any]) -> str | None:
    """The note, for the first canonicalize_radical() the cell shows or binds whose answer
    differs from its expression at a real point."""
    from sage.symbolic.expression import Expression

    for call, result, _ in cell_calls.results(tree, value, namespace, ("canonicalize_radical",)):
        receiver = cell_calls.receiver(call)
        if receiver is None or call.args or call.keywords:
            continue
        expression = cell_calls.evaluated(receiver, namespace)
        if not (isinstance(expression, Expression) and isinstance(result, Expression)):
            continue
        apart = _apart_at(expression, result)
        if apart is not None:
            point, got, wanted = apart
            return _NOTE.format(
                result=shown(result, _MAX_SHOWN),
                expression=shown(expression, _MAX_SHOWN),
                point=point,
                got=got,
                wanted=wanted,
            )
    return None


def _apart_at(expression: Any, result: Any) -> tuple[str, str, str] | None:
    """A real point where `result` and `expression` have different values, with the two
    values, as text; None if they agree at each of `_POINTS`, or have too many variables."""
    variables = sorted(set(expression.variables()) | set(result.variables()), key=str)
    if not variables or len(variables) > _MAX_VARIABLES:
        return None
    for base in _POINTS:
        values = {v: base * (1 + 0.25 * i) for i, v in enumerate(variables)}
        try:
            got, wanted = (complex(e.subs(values).n()) for e in (result, expression))
        except (TypeError, ValueError, ArithmeticError):
            continue  # no value there, as at a pole: another point tells
        if abs(got - wanted) > _APART * max(1.0, abs(got), abs(wanted)):
            point = ", ".join(f"{v} = {values[v]:g}" for v in variables)
            return point, _written(got), _written(wanted)
    return None


def _written(number: complex) -> str:
    """`number` as a short real number, or a complex one where it has an imaginary part."""
    if abs(number.imag) <= _APART * max(1.0, abs(number)):
        return f"{number.real:.6g}"
    return f"{number.real:.6g} {'+' if number.imag >= 0 else '-'} {abs(number.imag):.6g}*I"
