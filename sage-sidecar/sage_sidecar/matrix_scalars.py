"""Says, the first time a session adds a number to a matrix, that Sage puts it on the diagonal.

`A + 1` of a square matrix is `A + 1*identity_matrix(n)`, as algebra reads a matrix plus a
number: for `[[1, 2], [3, 4]]`, `[[2, 2], [3, 5]]`. NumPy, whose habits agents bring, adds the
number to every entry, `[[2, 3], [4, 5]]`, and nothing says which was done. Counterpart:
`notes`, which runs this check after a cell.
"""

from __future__ import annotations

import ast
import numbers
import re
from typing import Any

from sage_sidecar import cell_calls

# Cheap enough to run on every cell: only a cell it finds is parsed.
# A name and a number the preparser made, either side of + or -: `A + 1`, `2 - A`; not `1 + 1`.
# The operator first, where a name comes before it, looked behind at: a faster search.
CANDIDATE = re.compile(
    r"[-+](?:(?<=\w[-+])|(?<=\w [-+]))\s*(?:Integer|RealNumber)\("
    r"|(?:Integer|RealNumber)\([^()]*\)\s*[-+]\s*(?!(?:Integer|RealNumber)\()[A-Za-z_]"
)
_NOTE = (
    "Note: in {written}, Sage reads the number as {number} times the identity matrix, on the "
    "diagonal only, as algebra does; NumPy, whose habits agents bring, applies it to every "
    "entry. To every entry: {name}.apply_map(lambda t: {entry})."
)


def note(tree: ast.Module, value: Any, namespace: dict[str, Any]) -> str | None:
    """The note, for the first sum or difference in the cell of a square matrix, by name,
    and a number other than 0."""
    from sage.structure.element import Matrix

    for node in cell_calls.nodes_of(tree):
        if not (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Sub)):
            continue
        for matrix_side, number_side in ((node.left, node.right), (node.right, node.left)):
            if not (isinstance(matrix_side, ast.Name) and cell_calls.a_number(number_side)):
                continue
            matrix = namespace.get(matrix_side.id)
            number = cell_calls.evaluated(number_side, namespace)
            if (
                isinstance(matrix, Matrix)
                and matrix.is_square()
                and isinstance(number, numbers.Number)
                and bool(number)
            ):
                return _NOTE.format(
                    written=cell_calls.as_written(node),
                    number=cell_calls.as_written(number_side),
                    name=matrix_side.id,
                    entry=cell_calls.as_written(
                        ast.BinOp(
                            ast.Name("t") if matrix_side is node.left else number_side,
                            node.op,
                            number_side if matrix_side is node.left else ast.Name("t"),
                        )
                    ),
                )
    return None
