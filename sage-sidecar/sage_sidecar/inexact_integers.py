"""Says so when a function of integers is given a floating-point number.

`divisors(1e6)` is `[1.00000000000000]`, `prime_factors(12.0)` is `[]`, `moebius(12.0)` is 1
and `factor(1e6)` gives the number back: over the real numbers, a field, every nonzero number
divides every other, and nothing fails. `1e6` for a million, or a count computed with a
division by `2.0`, is how such a number comes about. One line on stderr says what the function
was given and how to give it the integer. Counterpart: `notes`, which runs this check after a
cell.
"""

from __future__ import annotations

import ast
import re
from typing import Any

from sage_sidecar import cell_calls
from sage_sidecar.shown import inexact, real_value

# Those that answer for the number's field rather than fail.
_FUNCTIONS = frozenset({"divisors", "prime_divisors", "prime_factors", "factor", "moebius"})
# Cheap enough to run on every cell: only a cell it finds is parsed.
CANDIDATE = re.compile(r"(?<![\w.])(?:divisors|prime_divisors|prime_factors|factor|moebius)\(")
_NOTE = (
    "Note: {call} was given the floating-point number {value}, not an integer: over the real "
    "numbers, a field, every nonzero number divides every other, so the answer is not the "
    "integer's. {way}"
)
_INTEGER = "Give it the integer: ZZ({argument}) is {value}."
_ROUNDED = "It is {value} but for rounding: give it the integer round({argument})."
_NO_INTEGER = "{value} is no integer."
_FRACTION = "{value} is no integer; factor(QQ({argument})) factors the fraction {fraction}."
# How far from an integer rounding may put a double: a count computed as 0.1 * 120.
_ROUNDING = 1e-9


def note(tree: ast.Module, value: Any, namespace: dict[str, Any]) -> str | None:
    """The note, for the first call of one of Sage's functions of integers in the cell whose
    argument is a floating-point number."""
    import sage.all_cmdline
    from sage.rings.rational_field import QQ

    for call in cell_calls.own_calls(tree):
        name = cell_calls.called(call)
        if not (
            isinstance(call.func, ast.Name)
            and name in _FUNCTIONS
            and len(call.args) == 1
            and namespace.get(name) is getattr(sage.all_cmdline, name, None)
        ):
            continue
        number = cell_calls.evaluated(call.args[0], namespace)
        if not inexact(number):
            continue
        real = real_value(number)
        if real is None:  # a complex number, which these refuse
            continue
        argument, shown_value = cell_calls.as_written(call.args[0]), str(number)
        nearest = round(real)
        if real == nearest:
            way = _INTEGER.format(argument=argument, value=nearest)
        elif abs(real - nearest) <= _ROUNDING * abs(real):
            way = _ROUNDED.format(value=nearest, argument=argument)
        elif name == "factor":
            fraction = QQ(number)
            way = _FRACTION.format(value=shown_value, argument=argument, fraction=fraction)
        else:
            way = _NO_INTEGER.format(value=shown_value)
        return _NOTE.format(call=cell_calls.as_written(call), value=shown_value, way=way)
    return None
