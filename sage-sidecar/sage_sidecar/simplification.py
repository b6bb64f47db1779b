"""Says, the first time a session shows what `simplify` gave, that Sage's simplify does little.

SymPy's `simplify` tries everything; Sage's applies Maxima's basic simplification only:
`simplify(sin(x)^2 + cos(x)^2)` and `simplify((x^2 - 1)/(x - 1))` come back as they went in,
which an agent takes for "it does not simplify". `full_simplify()` gives 1 and x + 1. And
`expand(sin(2*x))` comes back as `sin(2*x)`: expand multiplies out products and powers, and
leaves functions of sums and multiples as they are, where `expand_trig()` gives
`2*cos(x)*sin(x)` (`expansion_note`). Counterpart: `notes`, which runs these checks after a
cell.
"""

from __future__ import annotations

import ast
import re
from typing import Any

from sage_sidecar import cell_calls
from sage_sidecar.shown import shown

# Cheap enough to run on every cell: only a cell it finds is parsed. Not full_simplify.
CANDIDATE = re.compile(r"(?<!\w)simplify\(")
EXPANSION_CANDIDATE = re.compile(r"(?<![\w.])expand\(|\.expand\(\s*\)")
NOTE = (
    "Note: Sage's simplify() applies only Maxima's basic simplification: it neither uses trig "
    "identities nor cancels common factors. full_simplify() tries those, and more; "
    "simplify_trig(), simplify_rational(), simplify_log() and canonicalize_radical() each "
    "try one kind."
)

_MAX_SHOWN = 40
_MAX_FUNCTIONS = 20
EXPANSION_NOTE = (
    "Note: expand() multiplies out products and powers of sums, and leaves functions of sums "
    "and multiples as they are: here, {left}. expand_trig() expands trig functions of them "
    "(sin(2*x) is 2*cos(x)*sin(x)), expand_log() logarithms of products and powers."
)


def note(tree: ast.Module, value: Any, namespace: dict[str, Any]) -> str | None:
    """The note, if the cell shows what Sage's simplify gave a symbolic expression, other than
    a variable or a number."""
    from sage.calculus.functional import simplify
    from sage.symbolic.expression import Expression

    final = tree.body[-1] if tree.body else None
    if not (
        isinstance(final, ast.Expr)
        and isinstance(final.value, ast.Call)
        and isinstance(value, Expression)
    ):
        return None
    # `simplify(exp(log(x)))` is x: as simple as it gets, and the note would read as doubt.
    if value.is_symbol() or value.is_numeric():
        return None
    function = final.value.func
    if isinstance(function, ast.Name) and function.id == "simplify":
        return NOTE if namespace.get("simplify") is simplify else None
    if isinstance(function, ast.Attribute) and function.attr == "simplify":
        return NOTE
    return None


def expansion_note(tree: ast.Module, value: Any, namespace: dict[str, Any]) -> str | None:
    """The note, if the cell shows what expand gave, and that has a trig function or a
    logarithm that expand_trig or expand_log would expand further."""
    from sage.symbolic.expression import Expression

    final = tree.body[-1] if tree.body else None
    if not (
        isinstance(final, ast.Expr)
        and isinstance(final.value, ast.Call)
        and isinstance(value, Expression)
        and cell_calls.called(final.value) == "expand"
    ):
        return None
    # Compared as written: `!=` would make an equation, and log(4) is 2*log(2).
    left = [
        part
        for part in _functions_of(value)
        if str(part.expand_trig()) != str(part) or str(part.expand_log()) != str(part)
    ]
    if not left:
        return None
    return EXPANSION_NOTE.format(left=", ".join(shown(part, _MAX_SHOWN) for part in left[:3]))


def _functions_of(value: Any) -> list[Any]:
    """The trig functions and logarithms in the expression `value`, outermost first."""
    from sage.functions.log import function_log
    from sage.functions.trig import Function_cos, Function_sin, Function_tan

    kinds = (Function_sin, Function_cos, Function_tan)
    found: list[Any] = []
    pending = [value]
    while pending and len(found) < _MAX_FUNCTIONS:
        part = pending.pop(0)
        operator = part.operator()
        if isinstance(operator, kinds) or operator is function_log:
            found.append(part)
        else:
            pending += part.operands()
    return found
