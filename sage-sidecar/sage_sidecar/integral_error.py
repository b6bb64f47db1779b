"""Says so when numerical_integral's error estimate says its value is not to be trusted.

`numerical_integral(f, a, b)` gives (value, error estimate), and the value reads as the
answer whatever the estimate: `numerical_integral(sin(x)/x, 0, oo)` is 1.902 with an
estimate of 1.7 (the integral is pi/2), `numerical_integral(1/x, 0, 1)` 69.45 for an integral
that diverges, and `tan(x)` across its pole much the same. Where the estimate is a sizeable
part of the value, or either is not finite, one line on stderr says so and what to try.
Counterpart: `notes`, which runs this check after a cell.
"""

from __future__ import annotations

import ast
import math
import re
from typing import Any

from sage_sidecar import cell_calls, pairs

# Cheap enough to run on every cell: only a cell it finds is parsed.
CANDIDATE = re.compile(r"(?:numerical_integral|integral_numerical)\(")
_FUNCTIONS = frozenset({"numerical_integral", "integral_numerical"})
# An estimate above this part of the value: well-behaved integrals come within 1e-8 of it.
_RELATIVE = 1e-3
# And above this, whatever the value: an integral that is 0 (sin over a period) comes out as
# 6e-17 with an estimate of 4e-14, rounding error both.
_ABSOLUTE = 1e-8
_NOTE = (
    "Note: {said}: the value is not to be trusted. The integral may diverge, or the integrand "
    "be singular, or oscillate and decay slowly, in the range. integrate(f, x, a, b) tries it "
    "exactly; numerically, split the range at a singularity, or cut an oscillating tail to a "
    "finite range."
)
_SHARE = "numerical_integral's error estimate, {error}, is {share} of its value, {value}"
_NOT_FINITE = "numerical_integral gave {value}, with an error estimate of {error}"


def note(tree: ast.Module, value: Any, namespace: dict[str, Any]) -> str | None:
    """The note, for a (value, error estimate) pair of numerical_integral that the cell shows
    or binds to a name, if the estimate makes the value untrustworthy."""
    for _, pair, _ in cell_calls.results(tree, value, namespace, _FUNCTIONS):
        if not pairs.is_two_floats(pair):
            continue
        result, error = pair
        finite = math.isfinite(result) and math.isfinite(error)
        if finite and (error <= _RELATIVE * abs(result) or error <= _ABSOLUTE):
            continue
        shown = {"error": f"{error:.3g}", "value": f"{result:.6g}"}
        if finite and result:
            said = _SHARE.format(share=f"{error / abs(result):.0%}", **shown)
        else:
            said = _NOT_FINITE.format(**shown)
        return _NOTE.format(said=said)
    return None
