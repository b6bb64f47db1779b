"""Says so when a floating-point matrix is singular to working precision, yet its rank,
`is_singular()` or inverse say otherwise.

Over RDF, RR, CDF or CC, Sage's `rank()` counts the pivots that rounding left nonzero:
`matrix(RDF, 3, 3, range(9)).rank()` is 3 and `is_singular()` False, while its kernel has
dimension 1. Over RR, `~M` of that matrix answers with entries near 1e15, which are rounding
noise. All read as answers. The singular values tell: below the largest times the size
times the precision's epsilon, a singular value is zero to working precision, as NumPy's
`matrix_rank` counts. One line on stderr gives the rank they tell and the exact way, over QQ.
Counterpart: `notes`, which runs this check after a cell.
"""

from __future__ import annotations

import ast
import re
from typing import Any

import numpy

from sage_sidecar import cell_calls

# Cheap enough to run on every cell: only a cell it finds is parsed.
CANDIDATE = re.compile(r"\.(?:rank|is_singular|inverse)\(|~\s*[^\W\d]|\*\*\s*\(?-Integer\(1\)")
_METHODS = frozenset({"rank", "is_singular", "inverse"})
# Matrices are judged in double precision; and no larger than this, for the SVD's time.
_MAX_PRECISION = 53
_MAX_ENTRIES = 100 * 100
_NOTE = (
    "Note: {name} is a matrix over {ring}, in floating point, so {what}: its smallest singular "
    "value is {ratio:.1e} times its largest, and to working precision its rank is {rank}, not "
    "{full}. Exactly, over QQ: {name}.change_ring(QQ).{method}()."
)
_WHAT = {
    "rank": "rank() counts the pivots that rounding left nonzero",
    "is_singular": "is_singular() found no pivot that rounding left at zero",
    "inverse": "its inverse is rounding noise",
}


def note(tree: ast.Module, value: Any, namespace: dict[str, Any]) -> str | None:
    """The note for the first matrix in the cell `tree` whose rank, is_singular() or inverse
    the cell asked for and that is singular to working precision where Sage said otherwise."""
    for node in cell_calls.own_nodes(tree.body):
        asked = _asked(node)
        if asked is None:
            continue
        name, method = asked
        matrix: Any = namespace.get(name)
        if not _judged(matrix):
            continue
        rank, ratio = _numerical_rank(matrix)
        full = min(matrix.nrows(), matrix.ncols())
        if rank >= full:
            continue
        if method == "rank":
            said = matrix.rank() > rank
        elif method == "is_singular":
            said = matrix.is_square() and not matrix.is_singular()
        else:  # the cell ran on: the inverse was computed
            said = matrix.is_square()
        if said:
            return _NOTE.format(
                name=name,
                ring=matrix.base_ring(),
                what=_WHAT[method],
                ratio=ratio,
                rank=rank,
                full=full,
                method=method,
            )
    return None


def _asked(node: ast.AST) -> tuple[str, str] | None:
    """The name of the matrix `node` asks the rank, is_singular() or inverse of, and which:
    `M.rank()`, `M.is_singular()`, `M.inverse()`, `~M` or `M^-1`."""
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in _METHODS
        and isinstance(node.func.value, ast.Name)
    ):
        return node.func.value.id, node.func.attr
    if (
        isinstance(node, ast.UnaryOp)
        and isinstance(node.op, ast.Invert)
        and isinstance(node.operand, ast.Name)
    ):
        return node.operand.id, "inverse"
    if (
        isinstance(node, ast.BinOp)
        and isinstance(node.op, ast.Pow)
        and isinstance(node.left, ast.Name)
        and ast.unparse(node.right) == "-Integer(1)"
    ):
        return node.left.id, "inverse"
    return None


def _judged(value: Any) -> bool:
    """Whether `value` is a matrix this check judges: over real or complex floating-point
    numbers of at most double precision, and not too large."""
    from sage.structure.element import Matrix

    if not isinstance(value, Matrix) or value.nrows() * value.ncols() > _MAX_ENTRIES:
        return False
    ring = value.base_ring()
    precision = getattr(ring, "precision", None)
    return (
        not ring.is_exact()
        and callable(precision)
        and precision() <= _MAX_PRECISION
        and value.nrows() > 0
        and value.ncols() > 0
    )


def _numerical_rank(matrix: Any) -> tuple[int, float]:
    """The rank of `matrix` to working precision, and its smallest singular value over its
    largest."""
    from sage.rings.complex_double import CDF

    entries = matrix.change_ring(CDF).numpy()
    singular = numpy.linalg.svd(entries, compute_uv=False)
    largest = float(singular[0])
    if largest == 0.0:
        return 0, 0.0
    epsilon = 2.0 ** (1 - matrix.base_ring().precision())
    tolerance = largest * max(entries.shape) * epsilon
    return int((singular > tolerance).sum()), float(singular[-1]) / largest
