"""Says, the first time a session asks for one, how Sage's singular value decomposition is
laid out, where NumPy's differs.

`U, S, V = A.SVD()` gives A == U*S*V.transpose(), with S the matrix of singular values; NumPy's
`U, s, Vh = numpy.linalg.svd(A)` gives the singular values alone and V already transposed, so
that code ported from it computes `U*S*V`, which is not A, or takes V's rows for A's right
singular vectors, and nothing fails. Counterpart: `notes`, which runs this check after a cell.
"""

from __future__ import annotations

import ast
import re
from typing import Any

from sage_sidecar import cell_calls

# Cheap enough to run on every cell: only a cell it finds is parsed.
CANDIDATE = re.compile(r"\.SVD\(\s*\)")
_NOTE = (
    "Note: {name}.SVD() gives (U, S, V) with {name} == U*S*V.transpose(), S the matrix of the "
    "singular values and V's columns the right singular vectors. NumPy's svd gives (U, s, Vh), "
    "the singular values alone and V already transposed: as written for it, U*S*V is not "
    "{name}."
)
# A decomposition again, to see whether V is symmetric: not for a large matrix.
_MAX_SIZE = 200


def note(tree: ast.Module, value: Any, namespace: dict[str, Any]) -> str | None:
    """The note, for an SVD() the cell asked of a matrix, by name, whose V is not symmetric,
    where the two layouts would give one answer."""
    from sage.structure.element import Matrix

    for name, matrix in cell_calls.asked_of_names(tree, namespace, "SVD"):
        if not (isinstance(matrix, Matrix) and hasattr(matrix, "SVD")):
            continue
        if max(matrix.dimensions()) > _MAX_SIZE:
            continue
        v = matrix.SVD()[2]
        if (v - v.transpose()).norm() > 1e-12:
            return _NOTE.format(name=name)
    return None
