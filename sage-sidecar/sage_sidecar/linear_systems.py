"""Says so where a linear system solve_right or solve_left solved has many solutions.

`A.solve_right(b)` of a matrix whose columns are dependent gives one solution of infinitely
many, without a word: `matrix(QQ, [[1, 2], [2, 4]]).solve_right(vector([1, 2]))` is (1, 0),
and (3, -1) solves it too. An agent reports it as the solution. One line on stderr gives the
kernel's dimension and how to have all of them. Only for matrices over exact rings, whose
kernel is exact. Counterpart: `notes`, which runs this check after a cell.
"""

from __future__ import annotations

import ast
import re
from typing import Any

from sage_sidecar import cell_calls

# Cheap enough to run on every cell: only a cell it finds is parsed.
CANDIDATE = re.compile(r"\.solve_(?:right|left)\(")
# The kernel's dimension costs an echelon form, as the solve did: not for a large matrix.
_MAX_ENTRIES = 100 * 100
_SIDES = {
    "solve_right": ("right", "columns", "{a}*x == b"),
    "solve_left": ("left", "rows", "x*{a} == b"),
}
_NOTE = (
    "Note: {a}'s {lines} are dependent ({a}.{side}_kernel() has dimension {dimension}), so "
    "{system} has infinitely many solutions, and {method} gave one: all are it plus any "
    "vector of {a}.{side}_kernel()."
)


def note(tree: ast.Module, value: Any, namespace: dict[str, Any]) -> str | None:
    """The note, if the cell solved a system whose matrix, over an exact ring, has a kernel
    on the side solved."""
    from sage.matrix.matrix0 import Matrix

    for call in cell_calls.own_calls(tree):
        function = call.func
        if not isinstance(function, ast.Attribute) or function.attr not in _SIDES:
            continue
        matrix = cell_calls.evaluated(function.value, namespace)
        if (
            not isinstance(matrix, Matrix)
            or not matrix.base_ring().is_exact()
            or matrix.nrows() * matrix.ncols() > _MAX_ENTRIES
        ):
            continue
        side, lines, system = _SIDES[function.attr]
        nullity = matrix.right_nullity() if side == "right" else matrix.left_nullity()
        if nullity:
            a = cell_calls.as_written(function.value)
            return _NOTE.format(
                a=a,
                lines=lines,
                side=side,
                dimension=nullity,
                system=system.format(a=a),
                method=function.attr,
            )
    return None
