"""Says which shapes a product or sum of matrices and vectors needs, where Sage refused one.

`C * C` for a 2 by 3 matrix C, `M * v` with a vector of the wrong length, `v * w` of two
lengths, `S + T` of a 2 by 2 and a 3 by 3, `C + 1`, a number on a diagonal C lacks, `v + 1`,
which NumPy adds to each entry: Sage says only "unsupported operand parent(s) for *" and names
two parents, the shapes buried in them. The hint gives the shapes, the rule they break, and the
products that do fit. Counterpart: `hints`, which adds it to the error.
"""

from __future__ import annotations

import re

_PARENTS = re.compile(r"unsupported operand parent\(s\) for ([*+-]): '(.+)' and '(.+)'")
_MATRICES = re.compile(r"Full MatrixSpace of (\d+) by (\d+) (?:dense|sparse) matrices over ")
_VECTORS = re.compile(r"(?:Ambient free module of rank|Vector space of dimension) (\d+) over ")

_PRODUCT = (
    "A matrix product needs as many columns on the left as rows on the right: this is a {left} "
    "matrix times a {right}.{fits}"
)
_TRANSPOSED = " Transposed (M.transpose(), or M.T), the {which} factor fits: {product}."
_BOTH_TRANSPOSED = (
    " Transposed (M.transpose(), or M.T), the left factor fits: {left}; so does the right: {right}."
)
_ELEMENTWISE = " Entry by entry, two matrices of one shape multiply as M.elementwise_product(N)."
_MATRIX_VECTOR = (
    "A matrix times a vector, M * v, needs v to have as many entries as M has columns: M is "
    "{matrix}, v has {length}.{other}"
)
_AS_A_ROW = " As a row, v * M, it fits: that needs as many entries as M has rows."
_VECTOR_MATRIX = (
    "A vector times a matrix, v * M, takes v as a row: it needs as many entries as M has rows. "
    "Here v has {length} and M is {matrix}.{other}"
)
_AS_A_COLUMN = " As a column, M * v, it fits: that needs as many entries as M has columns."
_DOT_PRODUCT = (
    "A product of two vectors, v * w, is their dot product: it needs vectors of one length; "
    "here {left} and {right}."
)
_SUM = "Matrices are added and subtracted only when of one shape: here {left} and {right}."
_VECTOR_SUM = "Vectors are added and subtracted only when of one length: here {left} and {right}."
# A number added to a vector: `v + 1`, which NumPy adds to every entry.
_VECTOR_NUMBER = (
    "Sage adds no number to a vector; NumPy adds it to every entry, as "
    "v.apply_map(lambda t: {entry}) does."
)
_NOT_SQUARE = (
    "Sage adds a number to a matrix as that number times the identity, on the diagonal, which "
    "only a square matrix has: this one is {shape}. To every entry: "
    "M.apply_map(lambda t: {entry})."
)


def hint(message: str) -> str | None:
    """The hint for Sage's refusal `message` of an operator between matrices or vectors whose
    shapes do not fit; None if the shapes fit, and something else was refused."""
    parents = _PARENTS.fullmatch(message)
    if parents is None:
        return None
    operator, left, right = parents.groups()
    left_shape, right_shape = _shape(left), _shape(right)
    if operator in "+-" and (left_shape is None) != (right_shape is None):
        # A matrix and an element of a ring, a number: `M + 1` of a 2 by 3 M.
        shape, other = (left_shape, right) if left_shape is not None else (right_shape, left)
        if shape is None or other.startswith("<class "):
            return None
        entry = f"t {operator} c" if left_shape is not None else f"c {operator} t"
        if len(shape) == 2:
            return _NOT_SQUARE.format(shape=_shown(shape), entry=entry)
        return _VECTOR_NUMBER.format(entry=entry)
    if left_shape is None or right_shape is None:
        return None
    if operator == "*":
        return _product_hint(left_shape, right_shape)
    if left_shape == right_shape or len(left_shape) != len(right_shape):
        return None
    template = _SUM if len(left_shape) == 2 else _VECTOR_SUM
    return template.format(left=_shown(left_shape), right=_shown(right_shape))


def _product_hint(left: tuple[int, ...], right: tuple[int, ...]) -> str | None:
    if len(left) == 2 and len(right) == 2:
        (m, n), (p, q) = left, right
        if n == p:
            return None
        left_fits = f"{n} by {m} times {p} by {q} is {n} by {q}" if m == p else ""
        right_fits = f"{m} by {n} times {q} by {p} is {m} by {p}" if n == q else ""
        if left_fits and right_fits:
            text = _BOTH_TRANSPOSED.format(left=left_fits, right=right_fits)
        elif left_fits or right_fits:
            which = "left" if left_fits else "right"
            text = _TRANSPOSED.format(which=which, product=left_fits or right_fits)
        else:
            text = ""
        if left == right:
            text += _ELEMENTWISE
        return _PRODUCT.format(left=_shown(left), right=_shown(right), fits=text)
    if len(left) == 2 and len(right) == 1:
        (m, n), (k,) = left, right
        if n == k:
            return None
        other = _AS_A_ROW if k == m else ""
        return _MATRIX_VECTOR.format(matrix=_shown(left), length=k, other=other)
    if len(left) == 1 and len(right) == 1:
        if left == right:
            return None
        return _DOT_PRODUCT.format(left=left[0], right=right[0])
    if len(left) == 1 and len(right) == 2:
        (k,), (m, n) = left, right
        if m == k:
            return None
        other = _AS_A_COLUMN if k == n else ""
        return _VECTOR_MATRIX.format(matrix=_shown(right), length=k, other=other)
    return None


def _shape(parent: str) -> tuple[int, ...] | None:
    """A matrix space's rows and columns, or a vector space's length, as Sage names it."""
    if matrices := _MATRICES.match(parent):
        return int(matrices[1]), int(matrices[2])
    if vectors := _VECTORS.match(parent):
        return (int(vectors[1]),)
    return None


def _shown(shape: tuple[int, ...]) -> str:
    return " by ".join(map(str, shape))
