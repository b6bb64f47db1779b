"""Says what a number shown with a trailing `?` is, the first time a session shows one.

`M.eigenvalues()` of a rational matrix gives `[-0.3722813232690144?, 5.372281323269015?]`:
exact algebraic numbers (QQbar, AA), which Sage prints to the digits it is sure of. An agent
reads them as approximations with a stray mark, and takes them for floats, or looks for a
closed form Sage will give on request. Counterpart: `notes`, which runs this check after a
cell.
"""

from __future__ import annotations

import functools
import re
from typing import Any

NOTE = (
    "Note: a number shown with a trailing ? is exact: an algebraic number, printed to the "
    "digits that are certain. For such a v: v.radical_expression() gives its closed form "
    "where radicals express it, v.n() a floating-point number, v.minpoly() its minimal "
    "polynomial."
)
# What the shown text must have for this note: `notes` searches for all of these at once.
SHOWN = re.compile(r"\?")
# A container's items looked at, at most, and how deep: roots()' pairs, eigenvectors' triples.
_MAX_ITEMS = 64
_MAX_DEPTH = 3


def note(value: Any, text: str) -> str | None:
    """The note, if the cell's value, shown as `text`, shows an algebraic number."""
    return NOTE if "?" in text and _holds_algebraic(value, _MAX_DEPTH) else None


def _holds_algebraic(value: Any, depth: int) -> bool:
    number, container, fields = _types()
    if isinstance(value, number):
        return True
    if isinstance(value, container):
        return value.base_ring() in fields
    if depth and isinstance(value, list | tuple):
        return any(_holds_algebraic(item, depth - 1) for item in value[:_MAX_ITEMS])
    return False


@functools.cache
def _types() -> tuple[Any, Any, tuple[Any, ...]]:
    """Algebraic numbers' class, matrices' and vectors', and the algebraic fields: looked up
    once, not for each value shown with a ?."""
    from sage.rings.qqbar import AA, AlgebraicNumber_base, QQbar
    from sage.structure.element import Matrix, Vector

    return AlgebraicNumber_base, (Matrix, Vector), (QQbar, AA)
