"""Says so when a cell shows a float that / made of two of Python's ints.

`len(good) / len(outcomes)` is 0.36666666666666664, where the rest of a Sage session is exact:
len(), range() and int() make Python's ints, not Sage's Integers, and Python's / of two ints
gives a floating-point number. Nothing fails, and an agent that wanted the probability as a
fraction reads it off a rounded float. One line on stderr says where the float came from and
how to divide exactly. Counterpart: `notes`, which runs this check after a cell.
"""

from __future__ import annotations

import ast
import math
import re
from fractions import Fraction
from typing import Any

from sage_sidecar import cell_calls

# Cheap enough to run on every cell: only a cell it finds is parsed.
CANDIDATE = re.compile(r"(?<![\w.])len\([^\n]*/|/\s*\(?\s*len\(")
_NOTE = (
    "Note: {written} divided two of Python's ints, as len(), range() and int() make them, and "
    "Python's / of ints gives a floating-point number. Sage's integers divide exactly: "
    "ZZ({left}) / {right}{exactly}."
)
# What len() may be asked of again: it costs nothing and runs none of the cell's code.
_SIZED = (list, tuple, set, frozenset, dict, str, range)


def note(tree: ast.Module, value: Any, namespace: dict[str, Any]) -> str | None:
    """The note, for a cell whose last line shows a float that is `a / b` of two Python ints:
    len() of anything, or names that hold them."""
    if type(value) is not float or not math.isfinite(value) or value.is_integer():
        return None
    division = cell_calls.shown_expression(tree)
    if not (isinstance(division, ast.BinOp) and isinstance(division.op, ast.Div)):
        return None
    left, right = division.left, division.right
    if not (_an_int(left, namespace) and _an_int(right, namespace)):
        return None
    if not any(_of_len(side, namespace) for side in (left, right)):
        return None  # two names that hold ints may well have been meant as floats
    numerator, denominator = _again(left, namespace), _again(right, namespace)
    exactly = ""
    if numerator is not None and denominator and numerator / denominator == value:
        exactly = f" is {Fraction(numerator, denominator)}"
    return _NOTE.format(
        written=cell_calls.as_written(division),
        left=cell_calls.as_written(left),
        right=cell_calls.as_written(right),
        exactly=exactly,
    )


def _an_int(node: ast.expr, namespace: dict[str, Any]) -> bool:
    """Whether `node` gives one of Python's ints: len() of anything, or a name holding one."""
    if _of_len(node, namespace):
        return True
    return isinstance(node, ast.Name) and type(namespace.get(node.id)) is int


def _of_len(node: ast.expr, namespace: dict[str, Any]) -> bool:
    """Whether `node` calls Python's own len() on one argument."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "len"
        and cell_calls.sages_own("len", namespace)
        and len(node.args) == 1
        and not node.keywords
    )


def _again(node: ast.expr, namespace: dict[str, Any]) -> int | None:
    """The int `node` gave, where it can be had again with no effects: a name's, or len() of a
    name holding a builtin collection."""
    if isinstance(node, ast.Name):
        held = namespace.get(node.id)
        return held if type(held) is int else None
    argument = node.args[0] if isinstance(node, ast.Call) else None
    if isinstance(argument, ast.Name) and type(namespace.get(argument.id)) in _SIZED:
        return len(namespace[argument.id])
    return None
