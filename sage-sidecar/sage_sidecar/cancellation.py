"""Says so where n() of an exact expression lost its digits to rounding error.

`(sqrt(10^16 + 1) - 10^8).n()` is 0.000000000000000, and
`(exp(pi*sqrt(163)) - 262537412640768744).n()` is -480.000000000000: n() computes each term
with the bits asked for (53 by default) and its terms nearly cancel, so the rounding error of
each is all that is left. The exact values are 5.0e-9 and -7.5e-13, and nothing says the
digits shown are noise. After a cell that shows n() (N(), numerical_approx()) of an expression
without variables, it is computed again with more bits, and where the digits shown are not
those, one line on stderr gives the values with more bits. Counterpart: `notes`, which runs
this check after a cell.
"""

from __future__ import annotations

import ast
import math
import re
import time
from typing import Any

from sage_sidecar import cell_calls, precision

# Cheap enough to run on every cell: only a cell it finds is parsed. The calls `precision`
# looks at, tried once for both.
CANDIDATE = precision.CANDIDATE
_NUMERICAL = frozenset({"N", "n", "numerical_approx"})
_NOTE = (
    "Note: {right} of the {digits} digits {written} shows {are} right: its terms nearly "
    "cancel, and n() rounds each to {bits} bits. With {more} bits it is {better}, and with "
    "{most} bits {best}; more bits keep the digits, as {expression}.n({most})."
)
# The shown digits are the expression's within this many units of their last place.
_ULPS = 4
_MORE_BITS = (128, 384)
# An expression this slow to compute is not computed again.
_MAX_SECONDS = 0.01


def note(tree: ast.Module, value: Any, namespace: dict[str, Any]) -> str | None:
    """The note, for a cell that shows n() of an expression without variables whose digits
    shown are not its own."""
    from sage.rings.complex_mpfr import ComplexNumber
    from sage.rings.real_mpfr import RealNumber
    from sage.symbolic.expression import Expression

    last = cell_calls.shown_expression(tree)
    if not isinstance(last, ast.Call):
        return None
    if not isinstance(value, RealNumber | ComplexNumber):
        return None
    node = _approximated(last)
    if node is None:
        return None
    expression = cell_calls.evaluated(node, namespace)
    if not isinstance(expression, Expression) or expression.variables():
        return None
    bits = value.prec()
    started = time.perf_counter()
    again = expression.n(prec=bits)
    if time.perf_counter() - started > _MAX_SECONDS or not _agree(again, value, bits):
        return None  # slow, or not what the cell computed: not one to second-guess
    more, most = (expression.n(prec=bits + extra) for extra in _MORE_BITS)
    if _agree(value, more, bits):
        return None
    digits = _digits_shown(str(value))
    right = _right_digits(value, most, digits)
    return _NOTE.format(
        right="none" if right == 0 else f"only {right}",
        are="is" if right == 1 else "are",
        digits=digits,
        written=cell_calls.as_written(last),
        bits=bits,
        more=bits + _MORE_BITS[0],
        better=more.n(prec=bits),
        most=bits + _MORE_BITS[1],
        best=most.n(prec=bits),
        expression=cell_calls.as_operand(cell_calls.as_written(node), node),
    )


def _approximated(call: ast.Call) -> ast.expr | None:
    """What `call` computes numerically: `e` of `N(e)`, `n(e, 100)`, `e.n(digits=30)`."""
    function = call.func
    if isinstance(function, ast.Name) and function.id in _NUMERICAL and call.args:
        return call.args[0]
    if isinstance(function, ast.Attribute) and function.attr in _NUMERICAL:
        return function.value
    return None


def _digits_shown(text: str) -> int:
    """How many significant digits the number `text` shows (its real part's, of a complex
    one): 15 in 3.14159265358979, and in 0.000000000000000 as many as follow its point."""
    first = re.match(r"-?([\d.]+)", text)
    mantissa = first[1] if first else ""
    significant = mantissa.replace(".", "").lstrip("0")
    return len(significant) or len(mantissa.partition(".")[2])


def _right_digits(shown: Any, precise: Any, digits: int) -> int:
    """How many of the `digits` significant digits of `shown` are those of `precise`."""
    if not precise:
        return 0
    error = float(abs(shown - precise) / abs(precise))
    return 0 if error >= 1 else min(digits - 1, max(0, math.floor(-math.log10(error))))


def _agree(shown: Any, precise: Any, bits: int) -> bool:
    """Whether `shown`, of `bits` bits, is `precise` to within a few units of its last
    place."""
    return bool(abs(shown - precise) <= _ULPS * 2 ** (-bits) * abs(precise))
