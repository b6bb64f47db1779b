"""Says that Sage's symbolic variables are complex, the first time a session shows an
answer that has `conjugate`, `real_part` or `imag_part` of one.

`diff(abs(x), x)` is `1/2*(x + conjugate(x))/abs(x)` and `real_part(exp(I*x))` is
`cos(real_part(x))*e^(-imag_part(x))`: right for a complex x, where an agent that meant a
real one expects `x/abs(x)` and `cos(x)`, and may not know why. Declared real, the variable
gives those. Counterpart: `notes`, which runs this check after a cell.
"""

from __future__ import annotations

import re
from typing import Any

from sage_sidecar.shown import symbolic

_PART = re.compile(r"(?:conjugate|real_part|imag_part)\(([^\W\d]\w*)\)")
# What the shown text must have for this note: `notes` searches for all of these at once.
SHOWN = _PART
_NOTE = (
    "Note: Sage's symbolic variables are complex unless declared otherwise, hence {part} in "
    "this answer. Declared real, as var('{name}', domain='real') or assume({name}, 'real'), "
    "{name} gives the answer for a real variable."
)


def note(value: Any, text: str) -> str | None:
    """The note, if the cell's symbolic value, shown as `text`, has the conjugate, real or
    imaginary part of a variable."""
    part = _PART.search(text)
    if part is None:
        return None
    if not symbolic(value):
        return None
    return _NOTE.format(part=part[0], name=part[1])
