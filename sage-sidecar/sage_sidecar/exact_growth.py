"""Why a cell stopped by its timeout, or an interrupt, ran so long, where exact fractions are why.

`sum(1/k^2 for k in range(1, 10^6))` adds exact rationals: the sum's denominator grows with each
term, to tens of thousands of digits, and each addition takes longer than the last, so a sum a
float would make in a second runs for hours. So does `s += 1/k^2` in a loop. The traceback says
where the cell was stopped, not why it was slow there. The hint says why, and how to sum floats.
It looks only at what the cell's own code holds (a loop's total, a generator's variables), and
runs none of it. Counterpart: `executor`, which adds it to an interrupted cell's error.
"""

from __future__ import annotations

import ast
from types import FrameType, TracebackType
from typing import Any

from sage_sidecar import cell_calls, frames

# A total's denominator this long has made each addition slow.
_LONG = 1000
_TOTAL = (
    "{name} is an exact fraction whose denominator has {digits:,} digits by now: Sage adds "
    "fractions exactly, and each addition takes longer as the denominator grows. For a "
    "floating-point answer, start {name} as a float, {name} = RDF(0), and its sums stay floats."
)
_TERMS = (
    "The terms summed, {term}, are exact fractions, and Sage adds them exactly: the sum's "
    "denominator grows with each term, to thousands of digits, and each addition takes longer "
    "than the last. For a floating-point answer, sum floats: RDF({term}) in place of {term}."
)
# The exact numbers a term may be made of: the preparser's, and Python's own integers.
_EXACT_CALLS = frozenset({"Integer", "Rational", "ZZ", "QQ"})
_EXACT_OPERATIONS = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow)
_SAGES, _PYTHONS = "Sage's", "Python's"


def hint(tb: TracebackType | None) -> str | None:
    """The hint, if the innermost frame of the cell's own code in `tb` was adding exact
    fractions: a loop's total, or a generator's terms given to sum()."""
    frame, line = frames.line_of_cell(tb)
    if frame is None:
        return None
    tree = cell_calls.preparsed_line(line)
    if tree is None:
        return None
    return _total_hint(tree, frame) or _terms_hint(tree, frame)


def _total_hint(tree: ast.Module, frame: FrameType) -> str | None:
    """For `s += term` or `s = s + term`, where s is a fraction grown long."""
    for node in ast.walk(tree):
        if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            name = node.target.id
        elif (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and isinstance(node.value, ast.BinOp)
            and isinstance(node.value.left, ast.Name)
            and node.value.left.id == node.targets[0].id
        ):
            name = node.targets[0].id
        else:
            continue
        digits = _denominator_digits(frames.look_up(name, frame))
        if digits >= _LONG:
            return _TOTAL.format(name=name, digits=digits)
    return None


def _terms_hint(tree: ast.Module, frame: FrameType) -> str | None:
    """For `sum(term for k in ...)` whose term divides exact numbers, stopped in the
    generator, whose frame holds its variables."""
    if frame.f_code.co_name != "<genexpr>":
        return None
    for node in ast.walk(tree):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "sum"
            and node.args
            and isinstance(node.args[0], ast.GeneratorExp)
        ):
            continue
        term = node.args[0].elt
        if _divides(term) and _exact(term, lambda name: frames.look_up(name, frame)):
            return _TERMS.format(term=cell_calls.as_written(term))
    return None


def _divides(node: ast.expr) -> bool:
    return any(
        isinstance(part, ast.BinOp) and isinstance(part.op, ast.Div) for part in ast.walk(node)
    )


def _exact(node: ast.expr, look_up: Any) -> bool:
    """Whether `node` computes an exact fraction: of Sage's integers and rationals, by + - * /
    and powers. Not of Python's ints alone, whose / makes a float (`1r/k`, or any with the
    preparser off)."""
    return _kind(node, look_up) == _SAGES


def _kind(node: ast.expr, look_up: Any) -> str | None:
    """Sage's exact number (`_SAGES`), Python's int (`_PYTHONS`), or neither (None)."""
    from sage.rings.integer import Integer
    from sage.rings.rational import Rational

    if isinstance(node, ast.Constant):
        return _PYTHONS if type(node.value) is int else None
    if isinstance(node, ast.Name):
        value = look_up(node.id)
        if isinstance(value, Integer | Rational):
            return _SAGES
        return _PYTHONS if type(value) is int else None
    if isinstance(node, ast.Call):
        exact = (
            isinstance(node.func, ast.Name)
            and node.func.id in _EXACT_CALLS
            and len(node.args) == 1
            and not node.keywords
            and _kind(node.args[0], look_up) is not None
        )
        return _SAGES if exact else None
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        return _kind(node.operand, look_up)
    if isinstance(node, ast.BinOp) and isinstance(node.op, _EXACT_OPERATIONS):
        kinds = {_kind(node.left, look_up), _kind(node.right, look_up)}
        if None in kinds:
            return None
        if _SAGES in kinds:
            return _SAGES
        return None if isinstance(node.op, ast.Div) else _PYTHONS
    return None


def _denominator_digits(value: Any) -> int:
    from sage.rings.rational import Rational

    if not isinstance(value, Rational):
        return 0
    return int(value.denominator().ndigits())
