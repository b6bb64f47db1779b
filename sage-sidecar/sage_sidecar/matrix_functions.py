"""Says what to write for a function of a matrix or a vector, which Sage has for exp() alone.

NumPy's `np.sqrt(A)` takes the square root of each entry; mathematics' sqrt of a matrix is R
with R*R == A. Sage does neither: `sqrt(A)`, `floor(A)` and `ceil(A)` wrap the matrix in a
symbolic expression, `sqrt([2 1] [1 2])`, with which nothing computes, and nothing fails where
they are made; `sin(A)` and `log(v)` raise "no canonical coercion from Full MatrixSpace ... to
Symbolic Ring", `sqrt(v)` "unable to convert (1, 4) to a symbolic expression", `A^(1/2)` "the
given exponent is not supported", and `A.sqrt()` that a matrix has no such attribute. The note
and the hints give both readings: entry by entry, apply_map(); and the matrix function,
numerically with SciPy's, exactly from a diagonalization for a square root. Counterparts:
`notes`, which runs the check after a cell, and `hints`, which puts the hint under the error.
"""

from __future__ import annotations

import ast
import re
from typing import Any

from sage_sidecar import cell_calls

# Cheap enough to run on every cell: only a cell it finds is parsed.
CANDIDATE = re.compile(r"\b(?:sqrt|floor|ceil)\(")
_WRAPPED = frozenset({"sqrt", "floor", "ceil"})
_NOTE = (
    "Note: {call} is not a matrix but a symbolic expression that wraps {argument}, with which "
    "nothing computes: Sage has no {function}() of a matrix. {ways}"
)
_ENTRIES = "Entry by entry, as NumPy's np.{function} does: {argument}.apply_map({function})."
_MATRIX_FUNCTION = (
    " As a matrix function ({check}), numerically, after import scipy.linalg: "
    "matrix(RDF, scipy.linalg.{scipy}({argument}.numpy())){exactly}."
)
_SQUARE_ROOT = "R*R == {argument}"
_EXACTLY = (
    "; exactly, for a diagonalizable matrix: D, P = {argument}.change_ring(QQbar)."
    "diagonalization(), then P * D.apply_map(sqrt) * P^-1"
)
# SciPy's matrix functions, by the name of Sage's function of a number.
_SCIPY = {
    "sqrt": "sqrtm", "log": "logm", "ln": "logm", "sin": "sinm", "cos": "cosm", "tan": "tanm",
    "sinh": "sinhm", "cosh": "coshm", "tanh": "tanhm",
}  # fmt: skip
# The errors: a function of a number given a matrix or a vector, by Sage's coercion or by
# sqrt's own conversion.
REFUSED = re.compile(
    r"cannot coerce arguments: no canonical coercion from (?:Full MatrixSpace|Ambient free "
    r"module|Vector space|Ambient quadratic space).* to Symbolic Ring"
    r"|unable to convert \(.{0,200}\) to a symbolic expression"
)
_GIVEN = (
    "{function}() takes a number or an expression, not a {kind}, and Sage has no {function}() "
    "of a {kind}{but}. {ways}"
)
_BUT_EXP = " (but exp(), as {argument}.exp())"
_NO_METHOD = "A {kind} has no {function}() in Sage{but}. {ways}"
# A matrix's power by a fraction, `A^(1/2)`, `A^0.5`; or sqrt() of a matrix over a ring that
# makes it one.
POWER_REFUSED = frozenset(
    {"the given exponent is not supported", "non-integral exponents not supported"}
)
_POWER = (
    "A matrix's powers are integer ones in Sage: {power} is none. Entry by entry: "
    "{argument}.apply_map(lambda t: t^{exponent}). As a matrix power, numerically, after "
    "import scipy.linalg: matrix(RDF, scipy.linalg.fractional_matrix_power({argument}.numpy(), "
    "{exponent}))."
)


def note(tree: ast.Module, value: Any, namespace: dict[str, Any]) -> str | None:
    """The note, for the first sqrt(), floor() or ceil() of a matrix in the cell."""
    from sage.structure.element import Matrix

    for call, function in cell_calls.symbolic_calls(tree, namespace, _WRAPPED):
        matrix = cell_calls.evaluated(call.args[0], namespace)
        if isinstance(matrix, Matrix):
            argument = cell_calls.as_operand(cell_calls.as_written(call.args[0]), call.args[0])
            return _NOTE.format(
                call=cell_calls.as_written(call),
                argument=argument,
                function=function,
                ways=_ways(function, argument, matrix.is_square()),
            )
    return None


def hint(function: str, value: Any, line: str, names: list[tuple[str, Any]]) -> str | None:
    """For a function of a number, `function` as the cell's failing `line` names it and its
    `value`, given a matrix or a vector there, whose names and values are `names`; or for
    sqrt() of a matrix over a ring it raises a power in."""
    if not cell_calls.symbolic_function(value):
        return None
    given = _argument_of(line, function)
    if given is None:
        return None
    argument, node = given
    found = dict(names).get(node.id) if isinstance(node, ast.Name) else None
    told = _told(function, argument, found)
    if told is None:
        return None
    kind, but, ways = told
    return _GIVEN.format(function=function, kind=kind, but=but, ways=ways)


def method_hint(function: str, value: Any, receiver: str | None) -> str | None:
    """For a function of a number, `function`, asked as a method of a matrix or a vector,
    `value`, which the failing line calls `receiver`: `A.sqrt()`."""
    if receiver is None or not (function in _SCIPY or function in _WRAPPED):
        return None
    told = _told(function, receiver, value)
    if told is None:
        return None
    kind, but, ways = told
    return _NO_METHOD.format(kind=kind, function=function, but=but, ways=ways)


def _told(function: str, argument: str, value: Any) -> tuple[str, str, str] | None:
    """For `function` of `value`, written `argument`: whether it is a matrix or a vector, that
    a square matrix has exp(), and the ways; None for anything else."""
    from sage.modules.free_module_element import FreeModuleElement
    from sage.structure.element import Matrix

    if isinstance(value, Matrix):
        kind, square = "matrix", value.is_square()
    elif isinstance(value, FreeModuleElement):
        kind, square = "vector", False
    else:
        return None
    but = _BUT_EXP.format(argument=argument) if square else ""
    return kind, but, _ways(function, argument, square)


def power_hint(line: str, names: list[tuple[str, Any]]) -> str | None:
    """For a matrix's power by a fraction on the cell's failing `line`, whose names and values
    are `names`: the matrix a name holds, raised to a power that is not an integer."""
    from sage.structure.element import Matrix

    values = dict(names)
    tree = cell_calls.parsed_line(line)
    if tree is None:
        return None
    for node in ast.walk(tree):
        if not (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow | ast.BitXor)):
            continue
        base = node.left
        if isinstance(base, ast.Name) and isinstance(values.get(base.id), Matrix):
            exponent = cell_calls.segment(line, node.right) or ""
            return _POWER.format(
                power=cell_calls.segment(line, node),
                argument=base.id,
                exponent=cell_calls.as_operand(exponent, node.right),
            )
    return None


def _ways(function: str, argument: str, square: bool) -> str:
    """Entry by entry, and, for a square matrix, as a matrix function where SciPy has one."""
    ways = _ENTRIES.format(function=function, argument=argument)
    scipy = _SCIPY.get(function)
    if square and scipy is not None:
        exactly = _EXACTLY.format(argument=argument) if function == "sqrt" else ""
        check = (
            _SQUARE_ROOT.format(argument=argument)
            if function == "sqrt"
            else f"not {argument}.apply_map({function})"
        )
        ways += _MATRIX_FUNCTION.format(
            check=check, scipy=scipy, argument=argument, exactly=exactly
        )
    return ways


def _argument_of(line: str, function: str) -> tuple[str, ast.expr] | None:
    """The one argument of the one call of `function` on `line`, as written and parsed."""
    tree = cell_calls.parsed_line(line)
    if tree is None:
        return None
    calls = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == function
        and len(node.args) == 1
    ]
    if len(calls) != 1:
        return None
    (argument,) = calls[0].args
    written = cell_calls.segment(line, argument)
    return (cell_calls.as_operand(written, argument), argument) if written else None
