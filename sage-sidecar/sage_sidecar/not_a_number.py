"""Says, the first time a session shows one, what a NaN in an answer means.

`arccos(2.0)` is NaN over RR, as is `arccosh(0.5)`: a real function outside its domain. So
is the angle between two vectors, `arccos(u*v / (u.norm()*v.norm()))`, when rounding puts
the ratio at 1.0000000000000002. NaN reads as a failure with no cause; one line on stderr
names the usual ones and the complex or exact way. Counterpart: `notes`, which runs this
check after a cell.
"""

from __future__ import annotations

import re
from typing import Any

# NaN as Sage's floating-point numbers (NaN) and Python's and NumPy's (nan) show it.
_NAN = re.compile(r"(?<![\w'\"])(?:NaN|nan)(?![\w'\"])")
# What the shown text must have for this note: `notes` searches for all of these at once.
SHOWN = _NAN
_NOTE = (
    "Note: NaN, not a number, is what floating point answers where no real number is the "
    "answer: a real function outside its domain (arccos(2.0), arccosh(0.5), or arccos of a "
    "ratio that rounding put at 1.0000000000000002), or an indeterminate form. Over the "
    "complex numbers: arccos(CC(2.0)); exactly, then numerically: arccos(2).n()."
)


def note(value: Any, text: str) -> str | None:
    """The note, if the value shown as `text` has a NaN in it."""
    if isinstance(value, str | bytes) or _NAN.search(text) is None:
        return None
    return _NOTE
