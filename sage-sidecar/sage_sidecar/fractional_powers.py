"""Says so when a power of 1 is divided by a number, as `8^1/3`, where a root was meant.

^ binds tighter than /, as in mathematics written on one line: `8^1/3` is (8^1)/3, 8/3, not
the cube root 2, and `x^1/2` is x/2, not sqrt(x); `2^1/2` is 1. Text and models write a root
so (x^1/2 for x^(1/2)), nothing fails, and the value reads as an answer. A cell with powers
of other exponents over numbers too, `x^1/2 + x^2/3`, writes the terms of a series, where
the power 1 is meant: it is left alone. Counterpart: `notes`, which runs this check after a
cell.
"""

from __future__ import annotations

import ast
import re
from typing import Any

from sage_sidecar import cell_calls
from sage_sidecar.shown import shown

# Cheap enough to run on every cell: only a cell it finds is parsed. The cell as preparsed:
# `x**Integer(1)/Integer(2)`.
CANDIDATE = re.compile(r"\*\*\s*-?\s*Integer\(1\)\s*/\s*Integer\(\d+\)")
_NOTE = (
    "Note: {written} is ({power})/{n}{value}: ^ binds tighter than /, so the power is {sign}1. "
    "{root}"
)
_ROOT = "The {name} is {base}^(1/{n}){meant}."
_RECIPROCAL = "The power -1/{n} is {base}^(-1/{n}){meant}."
_ROOT_NAMES = {2: "square root", 3: "cube root"}
_MAX_SHOWN = 60


def note(tree: ast.Module, value: Any, namespace: dict[str, Any]) -> str | None:
    """The note, for the first power of 1 or -1 in the cell divided by an integer above 1,
    unless the cell divides powers of other exponents by numbers too."""
    divisions = [
        (node, node.left)
        for node in cell_calls.nodes_of(tree)
        if isinstance(node, ast.BinOp)
        and isinstance(node.op, ast.Div)
        and isinstance(node.left, ast.BinOp)
        and isinstance(node.left.op, ast.Pow)
        and cell_calls.a_number(node.right)
    ]
    exponents = [_integer(power.right) for _, power in divisions]
    if any(exponent not in (1, -1) for exponent in exponents):
        return None  # a series' terms, x^2/2, x^3/6: its x^1/1 is meant
    for (division, power), exponent in zip(divisions, exponents, strict=True):
        n = _integer(division.right)
        if n is None or n < 2 or exponent is None:
            continue
        base = cell_calls.as_operand(cell_calls.as_written(power.left), power.left)
        gave = cell_calls.evaluated(division, namespace)
        meant = _meant(power.left, exponent, n, namespace)
        if exponent == 1:
            root = _ROOT.format(name=root_name(n), base=base, n=n, meant=meant)
        else:
            root = _RECIPROCAL.format(base=base, n=n, meant=meant)
        return _NOTE.format(
            written=f"{cell_calls.as_written(power)}/{n}",
            power=cell_calls.as_written(power),
            n=n,
            value="" if gave is None else f", {shown(gave, _MAX_SHOWN)}",
            sign="-" if exponent == -1 else "",
            root=root,
        )
    return None


def root_name(n: int) -> str:
    """The name of the `n`-th root: the square root, the cube root, the 5-th root."""
    return _ROOT_NAMES.get(n, f"{n}-th root")


def _meant(base: ast.expr, exponent: int, n: int, namespace: dict[str, Any]) -> str:
    """`, value` of the base to the power exponent/n, where it can be evaluated again."""
    from sage.rings.integer import Integer

    value = cell_calls.evaluated(base, namespace)
    if value is None:
        return ""
    try:
        return f", {shown(value ** (Integer(exponent) / n), _MAX_SHOWN)}"
    except (TypeError, ValueError, ArithmeticError):
        return ""


def _integer(node: ast.expr) -> int | None:
    """The integer `node` writes, as the preparser made it: `Integer(3)`, or `-Integer(1)`."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = _integer(node.operand)
        return None if inner is None else -inner
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "Integer"
        and len(node.args) == 1
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, int)
    ):
        return node.args[0].value
    if isinstance(node, ast.Constant) and isinstance(node.value, int):
        return node.value
    return None
