"""Says so when int(), floor() or ceil() of a floating-point number that is an integer but for
a rounding error gives the integer next to it.

`int(0.29 * 100)` is 28: 0.29 * 100 is 28.999999999999996 in floating point, and int()
truncates it; `int(math.log(1000, 10))` is 2, as math.log(1000, 10) is 2.9999999999999996.
Nothing fails, and an integer reads as exact. Sage's own numbers would have given 29 and 3.
Counterpart: `notes`, which runs this check after a cell.
"""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Callable
from typing import Any

from sage_sidecar import cell_calls

# Cheap enough to run on every cell: only a cell it finds is parsed.
CANDIDATE = re.compile(r"(?<![\w.])(?:int|floor|ceil|trunc|math\.floor|math\.ceil|math\.trunc)\(")
_NOTE = (
    "Note: {call} is {got}: {argument} is {number!r} in floating point, {nearest} {direction} a "
    "rounding error, and {function}() {does}. round() gives {nearest}; exact numbers have "
    "no such error (1/10 in place of 0.1, Sage's log in place of math.log)."
)
# How each rounds, and what it does to a value a rounding error short of an integer.
_ROUNDINGS: dict[str, tuple[Callable[[float], int], str]] = {
    "int": (math.trunc, "truncates it"),
    "trunc": (math.trunc, "truncates it"),
    "floor": (math.floor, "rounds it down"),
    "ceil": (math.ceil, "rounds it up"),
}
# math's functions of floats, evaluated again: cheap, and with no effects.
_MATH = frozenset(
    {"log", "log10", "log2", "sqrt", "cbrt", "exp", "exp2", "pow", "sin", "cos", "tan", "asin",
     "acos", "atan", "atan2", "hypot", "radians", "degrees"}
)  # fmt: skip
_SAFE = (ast.Name, ast.Constant, ast.BinOp, ast.UnaryOp, ast.Load, ast.operator, ast.unaryop)
# A difference from an integer this small, relative to it, is rounding error in double
# precision: some 256 units in the last place.
_ROUNDING = 2.0**-44


def note(tree: ast.Module, value: Any, namespace: dict[str, Any]) -> str | None:
    """The note, for the first int(), floor(), ceil() or trunc() in the cell, Python's, math's
    or Sage's, of a double-precision number within a rounding error of an integer that it
    rounds away from."""
    for call in cell_calls.own_calls(tree):
        function = _rounding(call, namespace)
        if function is None or len(call.args) != 1 or call.keywords:
            continue
        number = _double(_evaluated(call.args[0], namespace))
        if number is None or not math.isfinite(number) or number.is_integer():
            continue
        nearest = round(number)
        if abs(number - nearest) > _ROUNDING * max(1.0, abs(nearest)):
            continue
        rounds, does = _ROUNDINGS[function]
        if rounds(number) == nearest:
            continue
        return _NOTE.format(
            call=cell_calls.as_written(call),
            got=rounds(number),
            argument=cell_calls.as_written(call.args[0]),
            number=number,
            nearest=nearest,
            direction="less" if number < nearest else "plus",
            function=function,
            does=does,
        )
    return None


def _rounding(call: ast.Call, namespace: dict[str, Any]) -> str | None:
    """Which of int, trunc, floor and ceil `call` calls: Python's, Sage's or math's."""
    func = call.func
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        if namespace.get(func.value.id) is math and func.attr in _ROUNDINGS:
            return func.attr
        return None
    if isinstance(func, ast.Name) and func.id in _ROUNDINGS:
        return func.id if cell_calls.sages_own(func.id, namespace) else None
    return None


def _evaluated(node: ast.expr, namespace: dict[str, Any]) -> Any:
    """What `node` is, if it is made of names, numbers, arithmetic and math's functions of
    floats, which can be evaluated again at no cost and with no effects; None otherwise."""
    for part in ast.walk(node):
        if isinstance(part, ast.Call):
            if not (_literal(part, namespace) or _of_math(part.func, namespace)):
                return None
        elif not (isinstance(part, _SAFE) or _of_math(part, namespace)):
            return None
    try:
        return eval(compile(ast.Expression(node), "<argument>", "eval"), namespace)
    except Exception:
        return None


def _literal(call: ast.Call, namespace: dict[str, Any]) -> bool:
    """Whether `call` is a number literal as the preparser writes it: `RealNumber('0.29')`."""
    return (
        isinstance(call.func, ast.Name)
        and call.func.id in ("Integer", "RealNumber")
        and cell_calls.sages_own(call.func.id, namespace)
        and all(isinstance(a, ast.Constant) for a in call.args)
    )


def _of_math(node: ast.AST, namespace: dict[str, Any]) -> bool:
    """Whether `node` is one of math's functions of floats: `math.log`."""
    return (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and namespace.get(node.value.id) is math
        and node.attr in _MATH
    )


def _double(value: Any) -> float | None:
    """`value` as a float, if it is a double-precision floating-point number: Python's, NumPy's,
    RDF's or RR's. Not a number of higher precision, whose rounding errors are smaller."""
    from sage.rings.real_double import RealDoubleElement
    from sage.rings.real_mpfr import RealNumber

    if isinstance(value, float | RealDoubleElement):  # NumPy's float64 is a float
        return float(value)
    if isinstance(value, RealNumber) and value.prec() == 53:
        return float(value)
    return None
