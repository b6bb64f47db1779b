"""Says so when roots() of a polynomial over the integers or rationals left roots out.

A polynomial's roots() finds the roots in its own ring: for `R.<z> = QQ[]`,
`(z^2 - 2).roots()` is `[]` and `(z^4 - 1).roots()` has 1 and -1 only. An agent reads "no
roots", or all of them. (A symbolic expression's roots() finds the others too.) One line on
stderr says how many of the roots the ring held, and how to get the rest. Counterpart:
`notes`, which runs this check after a cell.
"""

from __future__ import annotations

import ast
import re
from typing import Any

from sage_sidecar import cell_calls

# Cheap enough to run on every cell: only a cell it finds is parsed.
CANDIDATE = re.compile(r"\.roots\(\s*(?:\)|multiplicities)")
# A receiver evaluated again only if it is arithmetic, which has no effects of its own.
_ARITHMETIC = (
    ast.Expression, ast.Name, ast.Constant, ast.BinOp, ast.UnaryOp, ast.Load,
    ast.operator, ast.unaryop,
)  # fmt: skip
_LITERALS = frozenset({"Integer", "RealNumber"})  # the preparser's
# Finding the roots again costs what the cell's roots() did: not for a large polynomial.
_MAX_DEGREE = 200
_NOTE = (
    "Note: roots() gave the roots in {whose} own ring, the {ring}, only: {found} of its "
    "{degree}, counted with multiplicity. {name}.roots(QQbar) gives all of them exactly, "
    "{name}.roots(RR) the real ones and {name}.roots(CC) all of them, numerically."
)


def note(tree: ast.Module, value: Any, namespace: dict[str, Any]) -> str | None:
    """The note for the first roots() in the cell `tree`, given no ring, of a polynomial
    over ZZ or QQ that has roots outside it."""
    for node in cell_calls.own_calls(tree):
        if not (
            isinstance(node.func, ast.Attribute)
            and node.func.attr == "roots"
            and not node.args
            and all(keyword.arg == "multiplicities" for keyword in node.keywords)
        ):
            continue
        receiver = node.func.value
        polynomial = _value_of(receiver, namespace)
        if polynomial is None:
            continue
        degree = polynomial.degree()
        found = sum(multiplicity for _, multiplicity in polynomial.roots())
        if found < degree:
            # A receiver written out is not repeated: the methods say enough.
            name = receiver.id if isinstance(receiver, ast.Name) else ""
            return _NOTE.format(
                whose=f"{name}'s" if name else "the polynomial's",
                ring=polynomial.base_ring(),
                found=found,
                degree=degree,
                name=name,
            )
    return None


def _value_of(receiver: ast.expr, namespace: dict[str, Any]) -> Any:
    """The univariate polynomial over ZZ or QQ, of a degree worth looking at, that
    `receiver` is (a name, or arithmetic on names and numbers), or None."""
    from sage.rings.integer_ring import ZZ
    from sage.rings.polynomial.polynomial_element import Polynomial
    from sage.rings.rational_field import QQ

    for node in ast.walk(receiver):
        literal = (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in _LITERALS
            and namespace.get(node.func.id) is not None
        )
        if not (literal or isinstance(node, _ARITHMETIC)):
            return None
    value = eval(compile(ast.Expression(receiver), "<roots>", "eval"), namespace)
    if not isinstance(value, Polynomial) or value.base_ring() not in (ZZ, QQ):
        return None
    return value if 0 < value.degree() <= _MAX_DEGREE else None
