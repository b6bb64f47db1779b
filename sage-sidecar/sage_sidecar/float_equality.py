"""Says so when == answers False for two floating-point numbers that differ only by rounding.

`0.1 + 0.2 == 0.3` is False in Sage as in Python, and so is `s == 1` after `s = sum([0.1]*10)`:
the numbers are binary, and == compares them to the last bit. An agent that checks an identity
or a result that way reads False as "not equal". Where the last line of a cell compares two
numbers with == (or != answers True), at least one of them inexact, and they agree to within
rounding (a few thousand units in the last place), one line on stderr says so and how to
compare. The sides are read again only where that has no effects of its own (names, numbers,
arithmetic, Sage's functions). Counterpart: `notes`, which runs this check after a cell.
"""

from __future__ import annotations

import ast
import math
import re
from typing import Any

from sage_sidecar import cell_calls
from sage_sidecar.shown import DOUBLE_PRECISION, bits_of, inexact

# Cheap enough to run on every cell: only a cell it finds is parsed.
CANDIDATE = re.compile(r"==|!=")
# Sides this many units in the last place apart, at most, differ by rounding, not by
# mathematics: a sum of a few thousand roundings. (Compared in double precision.)
_ULPS_OF_ROUNDING = 2**12
_NOTE = (
    "Note: {left} and {right} differ only by rounding error ({difference:.1e}): floating-point "
    "numbers are binary, and == and != compare them to the last bit. Compare with a "
    "tolerance, as abs(a - b) < {tolerance}, or compute exactly, with rationals (1/10 rather than "
    "0.1) or symbolic values, where == on numbers is exact."
)


def note(tree: ast.Module, value: Any, namespace: dict[str, Any]) -> str | None:
    """The note, if the cell's last line is `a == b` shown False (or `a != b` shown True)
    for numbers that agree but for rounding."""
    compare = cell_calls.shown_expression(tree)
    if not isinstance(compare, ast.Compare):
        return None
    if len(compare.ops) != 1 or not isinstance(value, bool):
        return None
    operator = compare.ops[0]
    if not (
        (isinstance(operator, ast.Eq) and value is False)
        or (isinstance(operator, ast.NotEq) and value is True)
    ):
        return None
    sides = compare.left, compare.comparators[0]
    left, right = (cell_calls.evaluated(side, namespace) for side in sides)
    floats = [side for side in (left, right) if inexact(side)]
    if not floats:
        return None
    try:
        a, b = complex(left), complex(right)
    except (TypeError, ValueError, OverflowError, ArithmeticError):
        return None
    scale = max(abs(a), abs(b))
    difference = abs(a - b)
    precision = min(bits_of(side) for side in floats)
    rounding = _ULPS_OF_ROUNDING * 2.0 ** -min(precision, DOUBLE_PRECISION) * scale
    if not (math.isfinite(scale) and 0 < difference <= rounding):
        return None
    # A tolerance the rounding fits in: for a number of fewer digits, a coarser one.
    digits = math.floor(min(precision, DOUBLE_PRECISION) * math.log10(2))
    return _NOTE.format(
        left=cell_calls.as_written(sides[0]),
        right=cell_calls.as_written(sides[1]),
        difference=difference,
        tolerance="1e-9" if digits >= 15 else f"1e-{max(1, digits - 1)}",
    )
