"""Says so when roots() of a polynomial over the integers or rationals left roots out, or
variety() of an ideal over the rationals left points out.

A polynomial's roots() finds the roots in its own ring: for `R.<z> = QQ[]`,
`(z^2 - 2).roots()` is `[]` and `(z^4 - 1).roots()` has 1 and -1 only. An agent reads "no
roots", or all of them. (A symbolic expression's roots() finds the others too.) An ideal's
variety() is the same for a system of polynomial equations: for `R.<a,b> = QQ[]`, the ideal
of a^2 + b^2 - 1 and a - b has the variety `[]`. One line on stderr says how many of the
roots (or points) the ring held, and how to get the rest. And factor() factors over the
rationals too: `factor(x^2 - 2)` gives x^2 - 2 back, which an agent reads as "Sage cannot
factor it"; a note, once in a session, says where it factors (`factor_note`). Counterpart:
`notes`, which runs these checks after a cell.
"""

from __future__ import annotations

import ast
import re
from typing import Any

from sage_sidecar import cell_calls

# Cheap enough to run on every cell: only a cell they find is parsed.
CANDIDATE = re.compile(r"\.roots\(\s*(?:\)|multiplicities)")
VARIETY_CANDIDATE = re.compile(r"\.variety\(\s*\)")
# Finding the roots again costs what the cell's roots() did: not for a large polynomial.
_MAX_DEGREE = 200
# Nor the points again for an ideal with more solutions than this, with multiplicity.
_MAX_POINTS = 200
FACTOR_CANDIDATE = re.compile(r"(?<![\w.])factor\(|\.factor\(\s*\)")
_FACTOR_NOTE = (
    "Note: factor() factors over the rationals, where {polynomial} has no factor of lower "
    "degree. Over the algebraic numbers: {way}; its roots in closed form, where radicals "
    "give them: solve({polynomial} == 0, {variable})."
)
_NOTE = (
    "Note: roots() gave the roots in {whose} own ring, the {ring}, only: {found} of its "
    "{degree}, counted with multiplicity. {name}.roots(QQbar) gives all of them exactly, "
    "{name}.roots(RR) the real ones and {name}.roots(CC) all of them, numerically."
)
_VARIETY_NOTE = (
    "Note: variety() gave the points with coordinates in {whose} base field, the Rational "
    "Field, only: {found} of its {points}. {name}.variety(QQbar) gives all of them exactly, "
    "{name}.variety(RR) the real ones and {name}.variety(CC) all of them, numerically."
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


def variety_note(tree: ast.Module, value: Any, namespace: dict[str, Any]) -> str | None:
    """The note for the first variety() in the cell `tree`, given no ring, of an ideal over QQ
    that has points outside it."""
    for node in cell_calls.own_calls(tree):
        if not (
            isinstance(node.func, ast.Attribute)
            and node.func.attr == "variety"
            and not node.args
            and not node.keywords
        ):
            continue
        receiver = node.func.value
        ideal = _ideal_of(receiver, namespace)
        if ideal is None:
            continue
        # Points, not solutions with multiplicity: those of the ideal's radical.
        points = ideal.radical().vector_space_dimension()
        found = len(ideal.variety())
        if found < points:
            name = receiver.id if isinstance(receiver, ast.Name) else ""
            return _VARIETY_NOTE.format(
                whose=f"{name}'s" if name else "the ideal's",
                found=found,
                points=points,
                name=name,
            )
    return None


def _value_of(receiver: ast.expr, namespace: dict[str, Any]) -> Any:
    """The univariate polynomial over ZZ or QQ, of a degree worth looking at, that
    `receiver` is (a name, or arithmetic on names and numbers), or None."""
    from sage.rings.integer_ring import ZZ
    from sage.rings.polynomial.polynomial_element import Polynomial
    from sage.rings.rational_field import QQ

    value = cell_calls.evaluated(receiver, namespace)
    if not isinstance(value, Polynomial) or value.base_ring() not in (ZZ, QQ):
        return None
    return value if 0 < value.degree() <= _MAX_DEGREE else None


def _ideal_of(receiver: ast.expr, namespace: dict[str, Any]) -> Any:
    """The ideal over QQ with finitely many points, few enough to look at, that `receiver`
    is (a name, or an ideal of arithmetic on names), or None."""
    from sage.rings.polynomial.multi_polynomial_ideal import MPolynomialIdeal
    from sage.rings.rational_field import QQ

    ideal = cell_calls.evaluated(receiver, namespace, ideals=True)
    if not isinstance(ideal, MPolynomialIdeal) or ideal.base_ring() is not QQ:
        return None
    if ideal.dimension() != 0:  # no points, or infinitely many: variety() refuses it
        return None
    return ideal if ideal.vector_space_dimension() <= _MAX_POINTS else None


def factor_note(tree: ast.Module, value: Any, namespace: dict[str, Any]) -> str | None:
    """The note, if the cell's last line is factor() of a polynomial in one variable, over
    the rationals, that factor() gave back whole: a symbolic expression or a polynomial."""
    from sage.rings.integer_ring import ZZ
    from sage.rings.polynomial.polynomial_element import Polynomial
    from sage.rings.rational_field import QQ
    from sage.structure.factorization import Factorization
    from sage.symbolic.expression import Expression

    if not isinstance(call := cell_calls.shown_expression(tree), ast.Call):
        return None
    if cell_calls.called(call) != "factor":
        return None
    if isinstance(value, Expression):
        variables = value.variables()
        if len(variables) != 1 or not value.is_polynomial(variables[0]):
            return None
        polynomial, variable = value.polynomial(QQ), variables[0]
        way = f"({value}).polynomial(QQbar).factor()"
    elif isinstance(value, Factorization) and len(value) == 1 and value[0][1] == 1:
        polynomial = value[0][0]
        if not isinstance(polynomial, Polynomial) or polynomial.base_ring() not in (ZZ, QQ):
            return None
        variable = polynomial.parent().gen()
        way = f"({polynomial}).change_ring(QQbar).factor()"
    else:
        return None
    if not 1 < polynomial.degree() <= _MAX_DEGREE or not polynomial.is_irreducible():
        return None
    return _FACTOR_NOTE.format(
        polynomial=value if isinstance(value, Expression) else polynomial,
        way=way,
        variable=variable,
    )
