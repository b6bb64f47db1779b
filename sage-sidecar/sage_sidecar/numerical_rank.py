"""Says so when a floating-point matrix is singular to working precision, yet its rank,
`is_singular()`, inverse or a system's solution say otherwise.

Over RDF, RR, CDF or CC, Sage's `rank()` counts the pivots that rounding left nonzero:
`matrix(RDF, 3, 3, range(9)).rank()` is 3 and `is_singular()` False, while its kernel has
dimension 1. Over RR, `~M` of that matrix answers with entries near 1e15, which are rounding
noise, and `solve_right(b)` of the 12 by 12 Hilbert matrix is off by 0.4. All read as answers.
The singular values tell: below the largest times the size times the precision's epsilon, a
singular value is zero to working precision, as NumPy's `matrix_rank` counts. One line on
stderr gives the rank they tell and the exact way, over QQ. Counterpart: `notes`, which runs
this check after a cell.
"""

from __future__ import annotations

import ast
import re
from typing import Any

import numpy

from sage_sidecar import cell_calls

# Cheap enough to run on every cell: only a cell it finds is parsed.
CANDIDATE = re.compile(
    r"\.(?:rank|is_singular|inverse|solve_right|solve_left)\(|~\s*[^\W\d]"
    r"|\*\*\s*\(?-Integer\(1\)"
)
_METHODS = frozenset({"rank", "is_singular", "inverse"})
# A system solved, whose right-hand side is made exact too in the note's way.
_SOLVES = frozenset({"solve_right", "solve_left"})
# Matrices are judged in double precision; and no larger than this, for the SVD's time.
_MAX_PRECISION = 53
_MAX_ENTRIES = 100 * 100
_NOTE = (
    "Note: {name} is a matrix over {ring}, in floating point, so {what}: its smallest singular "
    "value is {ratio:.1e} times its largest, and to working precision its rank is {rank}, not "
    "{full}. Exactly, over QQ: {exact}."
)
# Entries that are not all integers were rounded, from 1/3 or sqrt(2): change_ring(QQ) would
# keep their rounding, and answer exactly for another matrix.
_FROM_EXACT_ENTRIES = (
    "the matrix made from its exact entries, as matrix(QQ, ...){vector}, then .{method}({given})"
)
_WHAT = {
    "rank": "rank() counts the pivots that rounding left nonzero",
    "is_singular": "is_singular() found no pivot that rounding left at zero",
    "inverse": "its inverse is rounding noise",
    **{
        method: "its system has no one solution to working precision, and rounding picked the "
        f"one {method}() gave"
        for method in _SOLVES
    },
}


def note(tree: ast.Module, value: Any, namespace: dict[str, Any]) -> str | None:
    """The note for the first matrix in the cell `tree` whose rank, is_singular() or inverse
    the cell asked for and that is singular to working precision where Sage said otherwise."""
    for node in cell_calls.nodes_of(tree):
        asked = _asked(node)
        if asked is None:
            continue
        name, method, given = asked
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
        else:  # the cell ran on: the inverse, or the solution, was computed
            said = matrix.is_square()
        if said:
            return _NOTE.format(
                name=name,
                ring=matrix.base_ring(),
                what=_WHAT[method],
                ratio=ratio,
                rank=rank,
                full=full,
                exact=_exact_way(matrix, name, method, given),
            )
    return None


def _asked(node: ast.AST) -> tuple[str, str, str] | None:
    """The name of the matrix `node` asks the rank, is_singular(), inverse or a solution of,
    which, and its argument made exact: `M.rank()`, `M.is_singular()`, `M.inverse()`, `~M`,
    `M^-1`, or `M.solve_right(b)`."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        method, matrix = node.func.attr, node.func.value
        if method in _METHODS and isinstance(matrix, ast.Name):
            return matrix.id, method, ""
        if (
            method in _SOLVES
            and isinstance(matrix, ast.Name)
            and len(node.args) == 1
            and not node.keywords
        ):
            given = node.args[0]
            exact = cell_calls.as_operand(cell_calls.as_written(given), given)
            return matrix.id, method, f"{exact}.change_ring(QQ)"
    if (
        isinstance(node, ast.UnaryOp)
        and isinstance(node.op, ast.Invert)
        and isinstance(node.operand, ast.Name)
    ):
        return node.operand.id, "inverse", ""
    if (
        isinstance(node, ast.BinOp)
        and isinstance(node.op, ast.Pow)
        and isinstance(node.left, ast.Name)
        and ast.unparse(node.right) == "-Integer(1)"
    ):
        return node.left.id, "inverse", ""
    return None


def _exact_way(matrix: Any, name: str, method: str, given: str) -> str:
    """How to ask `method` of the matrix `name` holds exactly: over QQ as it is, if its
    entries are integers; else made again from its exact entries."""
    if all(entry.imag() == 0 and entry.real().is_integer() for entry in matrix.list()):
        return f"{name}.change_ring(QQ).{method}({given})"
    if given:
        return _FROM_EXACT_ENTRIES.format(
            vector=" and the right-hand side as vector(QQ, ...)", method=method, given="..."
        )
    return _FROM_EXACT_ENTRIES.format(vector="", method=method, given="")


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
