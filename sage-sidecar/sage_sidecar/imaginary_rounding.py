"""Says so when a shown complex number's imaginary part is rounding error, as small as its
precision can tell from zero.

solve's radicals for a cubic with three real roots pass through complex numbers: `n()` of
them gives `0.347296355333861 - 1.11022302462516e-16*I`, which reads as a complex root. Many
a floating-point computation leaves such a part where the exact one is 0. One line on stderr
says what the part is and how to tell, or to drop it. Counterpart: `notes`, which runs this
check on every value a cell shows.
"""

from __future__ import annotations

import re
from typing import Any

# A complex number as Sage shows it (`a - 1.1e-16*I`), with an imaginary part in scientific
# notation, the only way a tiny one is shown. Not Python's, whose parts are not methods.
# What the shown text must have for this note: `notes` searches for all of these at once.
SHOWN = re.compile(r"\*I")
_COMPLEX = re.compile(
    r"(?<![\w.])(?P<real>-?\d+\.\d+(?:e[-+]?\d+)?) (?P<sign>[-+]) "
    r"(?P<imaginary>\d(?:\.\d+)?e-\d+)\*I(?![\w.])"
)
# Digits of a shown number that are no longer its precision's (rounding, printing), and the
# digits double precision holds: its numbers may be shown short (`1.0 + 1e-17*I`), so fewer
# digits shown do not mean less precision.
_UNCERTAIN_DIGITS = 3
_DOUBLE_DIGITS = 16
_NOTE = (
    "Note: {which} an imaginary part at the level of rounding error for {its} precision: most "
    "likely {the_number} real, the exact imaginary part 0 (solve's radicals for a cubic with "
    "three real roots pass through complex numbers, for one). Take .real(), or tell with more "
    "digits, .n(digits=50), where rounding error shrinks. A polynomial's real roots, exactly: "
    ".roots(ring=AA)."
)


def note(value: Any, text: str) -> str | None:
    """The note, if the value shown as `text` has complex numbers whose imaginary parts are
    below their real parts' precision."""
    if isinstance(value, str | bytes) or "*I" not in text:
        return None
    noisy = [number[0] for number in _COMPLEX.finditer(text) if _rounding_error(number)]
    if not noisy:
        return None
    if len(noisy) == 1:
        return _NOTE.format(which=f"{noisy[0]} has", its="its", the_number="the number is")
    return _NOTE.format(
        which=f"{len(noisy)} numbers here, as {noisy[0]}, have",
        its="their",
        the_number="they are",
    )


def _rounding_error(number: re.Match[str]) -> bool:
    """Whether the imaginary part is below what the real part's precision tells apart."""
    real, imaginary = abs(float(number["real"])), float(number["imaginary"])
    mantissa = number["real"].lstrip("-").split("e")[0].replace(".", "").lstrip("0")
    digits = max(len(mantissa), _DOUBLE_DIGITS)
    return imaginary < real * 10.0 ** (_UNCERTAIN_DIGITS - digits)
