"""Says, the first time a session asks for each, that a matrix's kernel(), nullity() and
image() are of its rows, as Sage's matrices act on row vectors from the right.

`matrix(QQ, [[1, 2, 3], [4, 5, 6]]).kernel()` is the left kernel, the x with x*A == 0, of
dimension 0; the null space that SciPy's null_space and most texts mean, of A*x == 0, is
right_kernel(), of dimension 1. nullity() is the left kernel's dimension, and image() the row
space, where the column space is meant as often. Nothing fails, and the answer reads as the one
asked for. Where the two sides agree (a symmetric matrix's), nothing needs saying.
Counterpart: `notes`, which runs this check after a cell.
"""

from __future__ import annotations

import ast
import re
from typing import Any

from sage_sidecar import cell_calls

# Cheap enough to run on every cell: only a cell it finds is parsed. One for the three
# checks, tried once.
CANDIDATE = re.compile(r"\.(?:kernel|nullity|image)\(\s*\)")
_KERNEL = (
    "Note: Sage's kernel() is the left kernel, of the x with x*{name} == 0, as its matrices act "
    "on row vectors: here of dimension {left}. The null space of {name}*x == 0, as SciPy's "
    "null_space and most texts mean it: {name}.right_kernel(), of dimension {right}{basis}."
)
_BASIS = ", with basis {basis}"
_NULLITY = (
    "Note: Sage's nullity() is the left kernel's dimension, rows minus rank: {left} here. That "
    "of the null space of {name}*x == 0, columns minus rank: {name}.right_nullity(), {right}."
)
_IMAGE = (
    "Note: Sage's image() is the row space of {name}, as its matrices act on row vectors from "
    "the right. The column space, the image of x -> {name}*x: {name}.column_space()."
)
# Both sides cost an echelon form each: not for a large matrix.
_MAX_SIZE = 100
_MAX_BASIS = 3


def kernel_note(tree: ast.Module, value: Any, namespace: dict[str, Any]) -> str | None:
    """The note, for a kernel() the cell shows or binds of a matrix whose left and right
    kernels differ."""
    for name, matrix in cell_calls.matrices_asked(tree, value, namespace, "kernel", _MAX_SIZE):
        kernel = matrix.right_kernel()
        if matrix.is_square() and matrix.left_kernel() == kernel:
            continue
        basis = kernel.basis()
        return _KERNEL.format(
            name=name,
            left=matrix.left_nullity(),
            right=matrix.right_nullity(),
            basis=_BASIS.format(basis=list(basis)) if 0 < len(basis) <= _MAX_BASIS else "",
        )
    return None


def nullity_note(tree: ast.Module, value: Any, namespace: dict[str, Any]) -> str | None:
    """The note, for a nullity() the cell shows or binds of a matrix that is not square."""
    for name, matrix in cell_calls.matrices_asked(tree, value, namespace, "nullity", _MAX_SIZE):
        left, right = matrix.left_nullity(), matrix.right_nullity()
        if left != right:
            return _NULLITY.format(name=name, left=left, right=right)
    return None


def image_note(tree: ast.Module, value: Any, namespace: dict[str, Any]) -> str | None:
    """The note, for an image() the cell shows or binds of a matrix whose row and column
    spaces differ."""
    for name, matrix in cell_calls.matrices_asked(tree, value, namespace, "image", _MAX_SIZE):
        if matrix.row_space() != matrix.column_space():
            return _IMAGE.format(name=name)
    return None
