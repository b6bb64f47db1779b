"""Says, the first time a session shows a comparison of symbolic expressions, that it is an
equation (or inequality) shown, not decided.

`expand((x + 1)^2) == x^2 + 2*x + 1` and `(x + 1)^2 == x^2 + 1` both come back as
equations, `x^2 + 2*x + 1 == x^2 + 2*x + 1` and `(x + 1)^2 == x^2 + 1`, where Python would
answer True or False: an agent checking an identity reads either as the answer it hoped for.
`bool(...)` decides it. Counterpart: `notes`, which runs this check after a cell.
"""

from __future__ import annotations

import ast
import re
from typing import Any

# Cheap enough to run on every cell: only a cell it finds is parsed.
CANDIDATE = re.compile(r"==|!=|<|>")
NOTE = (
    "Note: a comparison of symbolic expressions makes an equation or inequality, which is "
    "shown, not decided. bool(...) decides it: True only where Sage can prove it, as "
    'bool(sin(x)^2 + cos(x)^2 == 1); otherwise False, which may mean "not proven".'
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
