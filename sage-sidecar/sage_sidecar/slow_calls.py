"""Why a cell stopped by its timeout, or an interrupt, ran so long, where one of Sage's calls
that may run for hours was running: integrate's search for a closed form, or an integer's
factorization.

`integrate(exp(-x^2)*sin(x)^5/(1 + x^7), x)` asks Maxima, then Giac, then SymPy for an
antiderivative: Maxima and Giac give up at once, and SymPy can search for ever. And
`factor(2^512 + 1)` takes hours where the prime factors are all large. The timeout's message
says to pass a larger timeout; the hint says why the call may never end, and what gives an
answer sooner. It reads only the traceback. Counterpart: `hints`, which adds it to an
interrupted cell's error.
"""

from __future__ import annotations

import numbers
from typing import Any

from sage_sidecar import frames

# Sage's integrators, in the order integrate tries them, by the function that runs each.
_INTEGRATORS = {
    "maxima_integrator": "Maxima",
    "libgiac_integrator": "Giac",
    "sympy_integrator": "SymPy",
}
_INTEGRATING = (
    "integrate was searching for a closed form with {system}{after}, and an integrand with "
    "none can keep it searching for ever. {alone} A definite integral's value, numerically: "
    "numerical_integral(f, a, b)[0]."
)
_MAXIMA_ALONE = (
    "integrate(..., algorithm='maxima') gives Maxima's answer alone, at once: the integral "
    "back unevaluated where it finds none."
)
_ANOTHER_ALONE = "integrate(..., algorithm='giac'), or 'sympy', asks another system alone."
# What factors an integer: Integer.factor(), which factor(n) calls, and PARI's factorization.
_FACTORIZATIONS = (".Integer.factor", "factor_using_pari")
_FACTORING = (
    "Factoring an integer{size} takes hours where its prime factors are large. "
    "is_prime(n) says at once whether it is prime; n.factor(limit=10^6) gives its factors "
    "below 10^6 and leaves the rest unfactored; ecm.factor(n) finds factors of up to some 30 "
    "digits sooner than factor() does."
)


def hint(exc: BaseException) -> str | None:
    """The hint, if the cell `exc` stopped was in integrate's search for a closed form, or in
    an integer's factorization."""
    names = _functions_below_the_cell(exc)
    tried = [system for function, system in _INTEGRATORS.items() if function in names]
    if tried:
        system = tried[-1]
        before = list(_INTEGRATORS.values())[: list(_INTEGRATORS.values()).index(system)]
        after = f", after {' and '.join(before)} found none" if before else ""
        alone = _MAXIMA_ALONE if before else _ANOTHER_ALONE
        return _INTEGRATING.format(system=system, after=after, alone=alone)
    if any(name.endswith(_FACTORIZATIONS) for name in names):
        digits = _digits(frames.locals_of(exc, "factor", "sage/arith/misc.py").get("n"))
        return _FACTORING.format(size=f" of {digits} digits" if digits else "")
    return None


def _functions_below_the_cell(exc: BaseException) -> set[str]:
    """The names of the functions running below the cell's own code where `exc` stopped it:
    `sympy_integrator`, or a compiled one's in full (`sage.rings.integer.Integer.factor`)."""
    names: set[str] = set()
    below = False
    tb = exc.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_filename.startswith("<cell "):
            below, names = True, set()
        elif below:
            names.add(code.co_name)
        tb = tb.tb_next
    return names


def _digits(n: Any) -> int:
    return len(str(abs(n))) if isinstance(n, numbers.Integral) else 0
