"""Says so when `Rational(1, 3)` meant one third.

SymPy's `Rational(1, 3)` is 1/3. Sage's takes its second argument as the base a string is
written in, and with a number for the first, ignores it: `Rational(1, 3)` is 1, and nothing
fails. One line on stderr says what Sage read and how to write the fraction. Counterpart:
`notes`, which runs this check after a cell.
"""

from __future__ import annotations

import ast
import re
from typing import Any

from sage_sidecar import cell_calls

# Cheap enough to run on every cell: only a cell it finds is parsed.
CANDIDATE = re.compile(r"\bRational\(")
_NOTE = (
    "Note: Sage's Rational({numerator}, {denominator}) is {numerator}: its second argument is "
    "the base of a number written as a string (Rational('101', 2) is 5), not a denominator. "
    "The fraction is {numerator}/{denominator}, or QQ(({numerator}, {denominator}))."
)


def note(tree: ast.Module, value: Any, namespace: dict[str, Any]) -> str | None:
    """The note, for the first `Rational(a, b)` the cell ran whose `a` is not a string."""
    for call in cell_calls.own_calls(tree):
        if (
            isinstance(call.func, ast.Name)
            and call.func.id == "Rational"
            and len(call.args) == 2
            and not call.keywords
            and not _a_string(call.args[0], namespace)
            and namespace.get("Rational") is _sages_rational()
        ):
            numerator, denominator = (cell_calls.as_written(arg) for arg in call.args)
            return _NOTE.format(numerator=numerator, denominator=denominator)
    return None


def _a_string(node: ast.expr, namespace: dict[str, Any]) -> bool:
    """Whether `node` is a string, as written or held by a name: digits in a base."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str | bytes)
    return isinstance(node, ast.Name) and isinstance(namespace.get(node.id), str | bytes)


def _sages_rational() -> Any:
    from sage.rings.rational import Rational

    return Rational
