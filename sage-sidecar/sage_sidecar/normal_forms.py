"""Hints for a symbolic expression's simplifying methods asked of a polynomial of a polynomial
ring, or a quotient of two, which Sage keeps in normal form.

`R.<x> = QQ[]; f = x^3 - 2; f(x + 1).expand()` fails: "'Polynomial_rational_flint' object has
no attribute 'expand'". An agent who knows Sage's symbolic expressions, where expand() and
simplify_full() are the way to see a result, reads that as a missing feature; but such a
polynomial is always expanded, its terms collected, and a quotient of two reduced: the value
is already the answer. Counterpart: `hints`, which puts the hint under the error.
"""

from __future__ import annotations

# What a symbolic expression does to put itself in a form a polynomial ring's element has.
_SIMPLIFYING = frozenset(
    {
        "expand", "expand_rational", "simplify", "simplify_full", "full_simplify",
        "simplify_rational", "rational_simplify", "collect", "combine", "normalize",
        "canonicalize_radical",
    }
)  # fmt: skip
# How an AttributeError names the types of a polynomial ring's elements, and of quotients.
_POLYNOMIALS = "sage.rings.polynomial."
_QUOTIENTS = "sage.rings.fraction_field_element."
_HINT = (
    "{what} is kept in normal form, {form}: it has no {method}() and "
    "needs none, its value being what {method}() would give. Its factors: .factor(); as a "
    "symbolic expression, which has {method}(): SR(...).{method}()."
)


def hint(kind: str, method: str) -> str | None:
    """For `method` asked of an object of the type `kind` names, which lacks it."""
    if method not in _SIMPLIFYING:
        return None
    if kind.startswith(_POLYNOMIALS):
        what, form = "A polynomial of a polynomial ring", "expanded, with its terms collected"
    elif kind.startswith(_QUOTIENTS):
        what, form = "A quotient of a polynomial ring's polynomials", "reduced to lowest terms"
    else:
        return None
    return _HINT.format(what=what, form=form, method=method)
