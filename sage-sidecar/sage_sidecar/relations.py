"""Says, the first time a session shows a comparison of symbolic expressions, that it is an
equation (or inequality) shown, not decided.

`expand((x + 1)^2) == x^2 + 2*x + 1` and `(x + 1)^2 == x^2 + 1` both come back as
equations, `x^2 + 2*x + 1 == x^2 + 2*x + 1` and `(x + 1)^2 == x^2 + 1`, where Python would
answer True or False: an agent checking an identity reads either as the answer it hoped for.
`bool(...)` decides it (`note`). And its False, of a relation in variables, means only that
Sage did not prove it for all their values, complex ones too: `bool(log(a*b) == log(a) +
log(b))` is False, which an agent reads as "not an identity" (`undecided_note`). Counterpart:
`notes`, which runs these checks after a cell.
"""

from __future__ import annotations

import ast
import re
from typing import Any

from sage_sidecar import cell_calls

# Cheap enough to run on every cell: only a cell it finds is parsed.
CANDIDATE = re.compile(r"==|!=|<|>")
NOTE = (
    "Note: a comparison of symbolic expressions makes an equation or inequality, which is "
    "shown, not decided. bool(...) decides it: True only where Sage can prove it, as "
    'bool(sin(x)^2 + cos(x)^2 == 1); otherwise False, which may mean "not proven".'
)

UNDECIDED_CANDIDATE = re.compile(r"(?<![\w.])bool\(")
# Values that test a relation at a point: primes, so that no two variables cancel.
_SAMPLES = (2, 3, 5, 7, 11, 13, 17, 19, 23, 29)
_UNDECIDED = (
    "Note: bool() of a relation in variables is True only where Sage proves it for all their "
    'values, complex ones too, so this False may mean "not proven", not "false". '
    "Assumptions, as assume({positive}), may let it prove more; values, as "
    "({difference}).subs({values}).n(), test it at a point."
)


def note(tree: ast.Module, value: Any, namespace: dict[str, Any]) -> str | None:
    """The note, if the cell shows a symbolic relation its last line compares out."""
    from sage.symbolic.expression import Expression

    final = tree.body[-1] if tree.body else None
    if (
        isinstance(final, ast.Expr)
        and isinstance(final.value, ast.Compare)
        and isinstance(value, Expression)
        and value.is_relational()
    ):
        return NOTE
    return None


def undecided_note(tree: ast.Module, value: Any, namespace: dict[str, Any]) -> str | None:
    """The note, if the cell's last line is bool() of a relation in variables that came out
    False."""
    from sage.symbolic.expression import Expression

    final = tree.body[-1] if tree.body else None
    if not (
        value is False
        and isinstance(final, ast.Expr)
        and isinstance(call := final.value, ast.Call)
        and isinstance(call.func, ast.Name)
        and call.func.id == "bool"
        and len(call.args) == 1
        and isinstance(compared := call.args[0], ast.Compare)
        and len(compared.comparators) == 1
    ):
        return None
    left = cell_calls.evaluated(compared.left, namespace)
    right = cell_calls.evaluated(compared.comparators[0], namespace)
    if not isinstance(left, Expression) and not isinstance(right, Expression):
        return None
    difference = left - right
    variables = difference.variables() if isinstance(difference, Expression) else ()
    if not variables:
        return None
    named = [str(variable) for variable in variables]
    return _UNDECIDED.format(
        positive=", ".join(f"{name} > 0" for name in named),
        difference=difference,
        values=", ".join(f"{name}={value}" for name, value in zip(named, _SAMPLES, strict=False)),
    )
