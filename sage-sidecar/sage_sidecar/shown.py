"""A value as hints and notes see it: its text as they quote it, cut short so that a long
value cannot crowd out what they say; and what kind of value a name holds, or a cell shows
(a number, a floating-point one, a polynomial, a function the session defined, a symbolic
expression)."""

from __future__ import annotations

import numbers
import types
from collections.abc import Sequence
from typing import Any, TypeGuard

DOUBLE_PRECISION = 53
# A container's items looked at, at most: solve's equations, a vector's entries.
_MAX_ITEMS = 64


def shown(value: object, limit: int) -> str:
    """`value`'s text, cut to `limit` characters, an ellipsis included, if it is longer."""
    text = value if isinstance(value, str) else str(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def listed(items: Sequence[str]) -> str:
    """`items` as a sentence lists them: `x`, `x and y`, `x, y and z`."""
    return items[-1] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def a_number(value: Any) -> bool:
    """Whether `value` is a number, Python's or Sage's, and not a bool."""
    return isinstance(value, numbers.Number) and not isinstance(value, bool)


def a_polynomial(value: Any) -> bool:
    """Whether `value` is a polynomial of a polynomial ring, in one variable or several."""
    from sage.rings.polynomial.multi_polynomial import MPolynomial
    from sage.rings.polynomial.polynomial_element import Polynomial

    return isinstance(value, Polynomial | MPolynomial)


def session_function(value: Any) -> TypeGuard[types.FunctionType]:
    """Whether `value` is a Python function, or lambda, that the session defined."""
    return isinstance(value, types.FunctionType) and value.__module__ == "__main__"


def symbolic(value: Any) -> bool:
    """Whether `value` is a symbolic expression, or a list or tuple with one in it or in its
    lists (solve's answers for several variables), among the first items."""
    from sage.symbolic.expression import Expression

    if isinstance(value, Expression):
        return True
    if not isinstance(value, list | tuple):
        return False
    for item in value[:_MAX_ITEMS]:
        items = item[:_MAX_ITEMS] if isinstance(item, list | tuple) else [item]
        if any(isinstance(inner, Expression) for inner in items):
            return True
    return False


def inexact(value: Any) -> bool:
    """Whether `value` is a floating-point number: Python's, NumPy's, or one of Sage's real
    or complex fields (RR, RDF, CC, RealField(100))."""
    if isinstance(value, bool) or not isinstance(value, numbers.Number):
        return False
    if isinstance(value, float | complex):
        return True
    parent = getattr(value, "parent", None)
    try:
        return callable(parent) and not parent().is_exact()
    except Exception:  # a parent that does not say
        return False


def bits_of(value: Any) -> int:
    """The bits of a floating-point number's mantissa: 53 for Python's floats and RDF."""
    try:
        return int(value.parent().precision())
    except Exception:  # Python's, NumPy's, or a parent that does not say
        return DOUBLE_PRECISION


def real_value(value: Any) -> float | None:
    """`value` as a float, if it has a real value: an exact or inexact real number, or a
    symbolic constant such as sqrt(2); None for a complex number, a variable, anything else."""
    try:
        return float(value)
    except (TypeError, ValueError, AttributeError):
        return None
