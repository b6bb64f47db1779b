"""Says so when a cell made a double-precision number of an exact one out of that range.

Python's `float(10**400)` raises OverflowError; Sage's `float(10^400)` is `inf`, and so are
`float(factorial(200))`, `float(binomial(2000, 1000))` and `RDF(exp(1000))`, while
`float(1/10^400)` is 0.0. Nothing fails: the inf or the 0 goes on into the rest of the
computation, and log(float(factorial(200))) is inf too. Sage's own real numbers reach far
further (`RR(10^400)` is 1.00000000000000e400). One line on stderr says what the number was
and how to keep it. Counterpart: `notes`, which runs this check after a cell.
"""

from __future__ import annotations

import ast
import builtins
import math
import re
from typing import Any

from sage_sidecar import cell_calls
from sage_sidecar.shown import inexact

# Cheap enough to run on every cell: only a cell it finds is parsed.
CANDIDATE = re.compile(r"(?<![\w.])(?:float|RDF)\(")
_NOTE = (
    "Note: {call} is {made}: {argument} is {beyond} double-precision number, about {limit}. "
    "Sage's real numbers reach far further: RR({argument}) is {real}."
)
_LARGEST = "past the largest", "1.8e308"
# The smallest a double holds, subnormal: 2^-1074.
_SMALLEST = "below the smallest nonzero", "4.9e-324"


def note(tree: ast.Module, value: Any, namespace: dict[str, Any]) -> str | None:
    """The note, for the first call in the cell of float() or RDF() of an exact real number
    that a double cannot hold."""
    import sage.all_cmdline
    from sage.rings.real_mpfr import RR

    for call in cell_calls.own_calls(tree):
        name = cell_calls.called(call)
        own = builtins.float if name == "float" else sage.all_cmdline.RDF
        if not (
            isinstance(call.func, ast.Name)
            and name in ("float", "RDF")
            and namespace.get(name, own) is own
            and len(call.args) == 1
            and not call.keywords
        ):
            continue
        number = cell_calls.evaluated(call.args[0], namespace)
        if number is None or isinstance(number, str | bytes) or inexact(number):
            continue  # float('1e400') is inf as Python's is
        try:
            real, made = RR(number), own(number)
        except (TypeError, ValueError, ArithmeticError):
            continue
        if real == 0 or real.is_infinity() or real.is_NaN() or 0 < abs(float(made)) < math.inf:
            continue
        beyond, limit = _SMALLEST if made == 0 else _LARGEST
        argument = cell_calls.as_written(call.args[0])
        return _NOTE.format(
            call=cell_calls.as_written(call),
            made=str(made),
            argument=argument,
            beyond=beyond,
            limit=limit,
            real=real,
        )
    return None
