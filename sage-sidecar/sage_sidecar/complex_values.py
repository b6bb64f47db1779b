"""What to do with a complex number where a real one is wanted: float(), int(), RR().

`float(sqrt(-2))` fails with "unable to simplify to float approximation", which reads as a
value Sage could not compute, and which the hints would otherwise put down to a variable or
an equation on the line. The cause is lower in the chain (`not 'complex'`). The usual case is
a real number in complex form: solve's radicals for a cubic with three real roots, whose
`float()` fails though its imaginary part is 0. Counterpart: `hints`, which gives it the
messages of the exception's chain.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# A complex value refused as a real one, by float() of an expression (the cause of "unable to
# simplify"), int() of one (by way of an interval), RR() or RealField(n)() of one, float(I).
# Not RDF()'s or float() of a complex number's, which say already what to use.
_REFUSED = re.compile(
    r"float\(\) argument must be a string or a real number, not 'complex'"
    r"|unable to convert complex interval .{1,200} to real interval"
    r"|unable to convert '(?P<value>[^'()]{1,200}\*I)' to a real number"
    r"|unable to coerce to a real number"
)
_HINT = (
    "{value} complex, not real, so no real number converts from it: complex(v) or v.n() "
    "keeps it complex, and real(v) and abs(v) are real. Where the imaginary part should be 0, "
    "as in solve's radicals for a cubic with three real roots, which pass through complex "
    "numbers, v.n().real() drops what rounding leaves of it; a polynomial's real roots, "
    "exactly: .roots(ring=AA)."
)


def hint(messages: Iterable[str]) -> str | None:
    """The hint, if one of `messages` (an exception's and those of its chain) says a complex
    value was refused as a real one."""
    for message in messages:
        if refused := _REFUSED.fullmatch(message):
            value = refused["value"]
            return _HINT.format(value=f"{value} is" if value else "The value is")
    return None
