"""Says, the first time a session shows one, that an odd root of a negative number is complex.

`(-8)^(1/3)` is `2*(-1)^(1/3)`, and `N` of it `1.00000000000000 + 1.73205080756888*I`: Sage,
as Python, takes the principal root, where an agent expects -2. Solutions of `x^3 == -8`
come out in `(-1)^(1/3)` too. One line on stderr says what the power is and how to get the
real root. Counterpart: `notes`, which runs this check after a cell.
"""

from __future__ import annotations

import re
from typing import Any

from sage_sidecar.shown import symbolic

# A negative number to a power with an odd denominator, as Sage shows it: (-1)^(1/3).
_ODD_ROOT = re.compile(r"\((-\d+(?:/\d+)?)\)\^\((\d+)/(\d*[13579])\)")
# What the shown text must have for this note: `notes` searches for all of these at once.
SHOWN = _ODD_ROOT
_NOTE = (
    "Note: {power} is the principal {root} root of {base}{raised}, a complex number: Sage, as "
    "Python, takes powers of negative numbers so. The real {root} root of a negative x is "
    "real_nth_root(x, {n})."
)


def note(value: Any, text: str) -> str | None:
    """The note, if the cell's symbolic value, shown as `text`, has an odd root of a negative
    number."""
    power = _ODD_ROOT.search(text)
    if power is None:
        return None
    if not symbolic(value):
        return None
    base, exponent, n = power[1], int(power[2]), int(power[3])
    return _NOTE.format(
        power=power[0],
        root="cube" if n == 3 else f"{n}th",
        base=base,
        raised=f", to the power {exponent}" if exponent != 1 else "",
        n=n,
    )
