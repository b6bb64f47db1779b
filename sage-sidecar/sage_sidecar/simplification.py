"""Says, the first time a session shows what `simplify` gave, that Sage's simplify does little.

SymPy's `simplify` tries everything; Sage's applies Maxima's basic simplification only:
`simplify(sin(x)^2 + cos(x)^2)` and `simplify((x^2 - 1)/(x - 1))` come back as they went in,
which an agent takes for "it does not simplify". `full_simplify()` gives 1 and x + 1.
Counterpart: `notes`, which runs this check after a cell.
"""

from __future__ import annotations

import ast
import re
from typing import Any

# Cheap enough to run on every cell: only a cell it finds is parsed. Not full_simplify.
CANDIDATE = re.compile(r"(?<!\w)simplify\(")
NOTE = (
    "Note: Sage's simplify() applies only Maxima's basic simplification: it neither uses trig "
    "identities nor cancels common factors. full_simplify() tries those, and more; "
    "simplify_trig(), simplify_rational(), simplify_log() and canonicalize_radical() each "
    "try one kind."
)


def note(tree: ast.Module, value: Any, namespace: dict[str, Any]) -> str | None:
    """The note, if the cell shows what Sage's simplify gave a symbolic expression."""
    from sage.calculus.functional import simplify
    from sage.symbolic.expression import Expression

    final = tree.body[-1] if tree.body else None
    if not (
        isinstance(final, ast.Expr)
        and isinstance(final.value, ast.Call)
        and isinstance(value, Expression)
    ):
        return None
    function = final.value.func
    if isinstance(function, ast.Name) and function.id == "simplify":
        return NOTE if namespace.get("simplify") is simplify else None
    if isinstance(function, ast.Attribute) and function.attr == "simplify":
        return NOTE
    return None
