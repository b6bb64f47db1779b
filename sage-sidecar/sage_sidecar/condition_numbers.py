"""Says, the first time a session asks, that a matrix's condition() is in the Frobenius norm,
and its norm() the 2-norm: each the other of NumPy's defaults.

`matrix(RDF, [[1, 2], [2, 1]]).condition()` is 3.333, the product of the Frobenius norms of
the matrix and its inverse; NumPy's `cond` and MATLAB's `cond` give 3, in the 2-norm, the
ratio of the largest singular value to the smallest, which is what "the condition number"
means in most texts. Sage's norm(), though, is the 2-norm, the largest singular value, where
NumPy's `norm` of a matrix is the Frobenius norm. Nothing fails, and the number reads as the
one asked for. Counterpart: `notes`, which runs these checks after a cell.
"""

from __future__ import annotations

import ast
import math
import re
from typing import Any

from sage_sidecar import cell_calls

# Cheap enough to run on every cell: only a cell it finds is parsed.
CANDIDATE = re.compile(r"\.condition\(\s*\)")
_NOTE = (
    "Note: Sage's condition() is in the Frobenius norm by default: {frobenius} for {name}. "
    "NumPy's cond and MATLAB's use the 2-norm, the largest singular value over the smallest: "
    "{name}.condition(2) is {two}."
)
NORM_CANDIDATE = re.compile(r"\.norm\(\s*\)")
_NORM_NOTE = (
    "Note: Sage's norm() of a matrix is its 2-norm, the largest singular value: {two} for "
    "{name}. NumPy's norm of a matrix is the Frobenius norm, the square root of the sum of "
    "the squares of its entries: {name}.norm('frob') is {frobenius}."
)
# A singular value decomposition each: not for a large matrix.
_MAX_SIZE = 200
# Norms this close are one answer, whichever is meant.
_SAME = 1e-9


def note(tree: ast.Module, value: Any, namespace: dict[str, Any]) -> str | None:
    """The note, for a condition() the cell shows or binds of a matrix whose condition
    numbers in the two norms differ."""
    if found := _in_the_other_norm(tree, value, namespace, "condition", 2):
        name, frobenius, two = found
        return _NOTE.format(name=name, frobenius=f"{frobenius:.6g}", two=f"{two:.6g}")
    return None


def norm_note(tree: ast.Module, value: Any, namespace: dict[str, Any]) -> str | None:
    """The note, for a norm() the cell shows or binds of a matrix whose 2-norm and Frobenius
    norm differ."""
    if found := _in_the_other_norm(tree, value, namespace, "norm", "frob"):
        name, two, frobenius = found
        return _NORM_NOTE.format(name=name, frobenius=f"{frobenius:.6g}", two=f"{two:.6g}")
    return None


def _in_the_other_norm(
    tree: ast.Module, value: Any, namespace: dict[str, Any], method: str, other: int | str
) -> tuple[str, float, float] | None:
    """The first matrix, by name, of which the cell shows or binds `method`() (condition or
    norm), with that measure as Sage gives it and in the `other` norm, where they differ and
    both are finite."""
    for name, matrix in cell_calls.matrices_asked(tree, value, namespace, method, _MAX_SIZE):
        measure = getattr(matrix, method)
        default, instead = float(measure()), float(measure(other))
        if math.isclose(default, instead, rel_tol=_SAME):
            continue
        # A singular matrix's condition is infinite in every norm; in the one that comes out
        # finite, rounding error made it so.
        if not (math.isfinite(default) and math.isfinite(instead)):
            continue
        return name, default, instead
    return None
