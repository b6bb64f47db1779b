"""Says, the first time a session calls it, what a matrix's gram_schmidt() gives.

NumPy's and most texts' Gram-Schmidt makes the columns orthonormal; Sage's `A.gram_schmidt()`
works on the rows, and leaves them orthogonal but not of length 1, giving `(G, M)` with
`M*G == A`. An agent reads G as an orthonormal basis of the columns, and its next step is
wrong. Over QQ, `orthonormal=True` fails, since normalizing takes square roots. Counterpart:
`notes`, which runs this check after a cell.
"""

from __future__ import annotations

import ast
import re
from typing import Any

from sage_sidecar import cell_calls

# Cheap enough to run on every cell: only a cell it finds is parsed.
CANDIDATE = re.compile(r"\.gram_schmidt\(")
NOTE = (
    "Note: gram_schmidt() orthogonalizes the rows of a matrix, not its columns, and does not "
    "normalize them: it gives (G, M) with M*G == A, G's rows orthogonal but not of length 1. "
    "gram_schmidt(orthonormal=True) normalizes them where square roots are, over QQbar or RDF "
    "(A.change_ring(QQbar)); for the columns, A.transpose().gram_schmidt()."
)


def note(tree: ast.Module, value: Any, namespace: dict[str, Any]) -> str | None:
    """The note, if the cell calls gram_schmidt() without asking for orthonormal rows."""
    for call in cell_calls.own_calls(tree):
        if (
            cell_calls.called(call) == "gram_schmidt"
            and isinstance(call.func, ast.Attribute)
            and not any(keyword.arg == "orthonormal" for keyword in call.keywords)
        ):
            return NOTE
    return None
