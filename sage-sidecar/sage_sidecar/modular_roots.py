"""Says, the first time a session shows one, that sqrt() of a number with no square root
modulo n made one in a larger ring.

`Mod(3, 7).sqrt()` is shown as `sqrt3`: 3 is no square modulo 7, and Sage, rather than fail,
gives the square root in the field of 49 elements it makes for it (`extend=True`, the
default), named after the number. That reads as the square root left unevaluated, or as one
that exists modulo 7. One line on stderr says which it is, and how to ask. Counterpart:
`notes`, which runs this check on the value a cell shows.
"""

from __future__ import annotations

import re
from typing import Any

# The generator Sage names for a square root it adjoined: `sqrt3`.
SHOWN = re.compile(r"\bsqrt\d+\b")
_ADJOINED = re.compile(r"sqrt(\d+)")
_NOTE = (
    "Note: {number} has no square root modulo {modulus}: sqrt() made one, {name}, in a larger "
    "ring ({parent}). Mod({number}, {modulus}).is_square() says whether there is one, "
    "Mod({number}, {modulus}).sqrt(all=True) lists those there are, and sqrt(extend=False) "
    "raises where there are none."
)


def note(value: Any, text: str) -> str | None:
    """The note, if the cell's value, shown as `text`, is in a ring sqrt() made to hold the
    square root of a number modulo n."""
    parent = getattr(value, "parent", None)
    if not callable(parent):
        return None
    ring = parent()
    name = getattr(ring, "variable_name", lambda: "")()
    adjoined = _ADJOINED.fullmatch(name) if isinstance(name, str) else None
    if adjoined is None or name not in text or not _modular(ring):
        return None
    return _NOTE.format(number=adjoined[1], modulus=ring.characteristic(), name=name, parent=ring)


def _modular(ring: Any) -> bool:
    """Whether `ring` is of degree 2 over the integers modulo n: a finite field of p^2
    elements, or a quotient of (Z/nZ)[x] by a quadratic."""
    from sage.rings.finite_rings.integer_mod_ring import IntegerModRing_generic

    base = getattr(ring, "base_ring", lambda: None)()
    return isinstance(base, IntegerModRing_generic) and ring.degree() == 2
