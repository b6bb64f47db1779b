"""What a matrix's ring does to the answers an agent asks of it.

`matrix([[1, 2], [3, 4]])` is over the integers, and `matrix(QQ, ...)` over the rationals:
`diagonalization()` then refuses a ring that is not a field, `jordan_form()` eigenvalues that
are not rational, each in Sage's words, which do not say what to write instead; the hint does
(`hint`, for `hints`). And over the integers `echelon_form()` is the Hermite normal form,
`[1 0]` `[0 2]` for that matrix, where the reduced row echelon form an agent expects is the
identity; nothing fails (`note`, for `notes`); and `is_invertible()` asks for an inverse with
integer entries, False for that matrix, whose inverse over the rationals `~M` gives
(`invertible_note`). And over Sage's multiprecision reals and complex numbers
(`matrix(RR, ...)`, `CC`, `RealField(100)`) a matrix is generic: `SVD()`, `schur()`,
`condition()` and `LU()` are RDF's and CDF's, double precision with NumPy and SciPy, and over
RR say only that there is no such attribute, or that the ring must be exact
(`double_precision_hint`, for `hints`); as they are over the integers and rationals, where
`QR()` and an orthonormal `gram_schmidt()` want square roots the ring lacks
(`square_roots_hint`).
"""

from __future__ import annotations

import ast
import re
from typing import Any

from sage_sidecar import cell_calls

# Cheap enough to run on every cell: only a cell it finds is parsed.
CANDIDATE = re.compile(r"\.echelon_form\(\s*\)")
INVERTIBLE_CANDIDATE = re.compile(r"\.is_(?:invertible|unit)\(\s*\)")
_INVERTIBLE = frozenset({"is_invertible", "is_unit"})
_MAX_ROWS = 100
# Sage's words for a ring that lacks an eigenvalue, or is not a field.
REFUSED = re.compile(
    r"Some eigenvalue does not exist in (?P<ring>.{1,100})\.|not diagonalizable over (?P<over>.+)"
    r"|matrix entries must be from a field"
)
_JORDAN = (
    "{name}'s eigenvalues are not all in its ring, the {ring}: {call}.jordan_form(QQbar) finds "
    "its Jordan form over the algebraic numbers."
)
_DIAGONALIZATION = (
    "{name}'s eigenvalues are not all in its ring, the {ring}: {call}.change_ring(QQbar)"
    ".diagonalization() diagonalizes it over the algebraic numbers, if it can be."
)
_FIELD = (
    "{name} is over the {ring}, which is not a field: {call}.change_ring(QQ) is the same "
    "matrix over the rationals, and {call}.change_ring(QQbar) over the algebraic numbers, for "
    "eigenvalues that are not rational."
)
# Sage's words when a method wants an exact ring, where double precision has its own.
INEXACT_REFUSED = re.compile(r"base ring of the matrix must be exact, not .{1,100}")
_DOUBLE_PRECISION = (
    "{name} is over the {ring}, where Sage does not compute {method}(): {double} does, in double "
    "precision (53 bits) with NumPy and SciPy. {name}.change_ring({double}).{method}() computes "
    "it there."
)
# Sage's words when an orthonormal basis (QR, Gram-Schmidt) needs square roots of the ring's.
SQUARE_ROOTS = re.compile(r"QR decomposition unable to compute square roots in (.{1,100})")
_SQUARE_ROOTS = (
    "An orthonormal basis, as QR() and gram_schmidt(orthonormal=True) make, needs square "
    "roots, which the {ring} lacks: {call}.change_ring(RDF) is the matrix in double "
    "precision, and {call}.change_ring(AA) over the real algebraic numbers, exact, as in "
    "{call}.change_ring(AA).QR()."
)
_HERMITE = (
    "Note: {name} is over the Integer Ring, where echelon_form() is the Hermite normal form: "
    "its pivots need not be 1. The reduced row echelon form, over the rationals: {call}.rref()."
)

_NOT_INVERTIBLE = (
    "Note: {name} is over the {ring}, which is not a field, and {method}() asks for an inverse "
    "with entries in it, where the determinant must be a unit ({determinant} is not). Over the "
    "{fraction} {name} is invertible: {name}.inverse() gives the inverse there, and "
    "{name}.is_singular() is False."
)


def hint(refused: re.Match[str], names: list[tuple[str, Any]]) -> str | None:
    """For an error whose message `REFUSED` matched, on a line with these `names` (and their
    values): the first matrix among them, by name, with what to write instead."""
    first = _first_matrix(names)
    name, call = (first[0], first[0]) if first else ("The matrix", "")
    if refused["ring"]:
        return _JORDAN.format(name=name, ring=refused["ring"], call=call)
    if refused["over"]:
        return _DIAGONALIZATION.format(name=name, ring=refused["over"], call=call)
    if first and first[1].base_ring().is_field():
        return None
    ring = first[1].base_ring() if first else "Integer Ring"
    return _FIELD.format(name=name, ring=ring, call=call)


def double_precision_hint(method: str, names: list[tuple[str, Any]]) -> str | None:
    """For `method` missing, or refused, on a matrix over a multiprecision real or complex
    field, or over ZZ or QQ: the first such matrix among `names` (and their values), if
    double precision has that method."""
    import sage.rings.abc
    from sage.matrix.constructor import matrix
    from sage.rings.complex_double import CDF
    from sage.rings.integer_ring import ZZ
    from sage.rings.rational_field import QQ
    from sage.rings.real_double import RDF
    from sage.structure.element import Matrix

    for name, value in names:
        if not isinstance(value, Matrix):
            continue
        ring = value.base_ring()
        if isinstance(ring, sage.rings.abc.RealField) or ring in (ZZ, QQ):
            double, field = "RDF", RDF
        elif isinstance(ring, sage.rings.abc.ComplexField):
            double, field = "CDF", CDF
        else:
            continue
        # A 1x1 matrix tells, with no copy of what may be a large one.
        if not hasattr(matrix(field, 1, 1), method):
            return None
        return _DOUBLE_PRECISION.format(name=name, ring=ring, method=method, double=double)
    return None


def square_roots_hint(ring: str, names: list[tuple[str, Any]]) -> str:
    """For QR or an orthonormal Gram-Schmidt refused for want of square roots in `ring`, on a
    line with these `names`: the first matrix among them, by name, changed to a ring that has
    them."""
    first = _first_matrix(names)
    return _SQUARE_ROOTS.format(ring=ring, call=first[0] if first else "A")


def _first_matrix(names: list[tuple[str, Any]]) -> tuple[str, Any] | None:
    """The first of `names` (with their values) that holds a matrix, and the matrix."""
    from sage.structure.element import Matrix

    return next(((name, value) for name, value in names if isinstance(value, Matrix)), None)


def note(tree: ast.Module, value: Any, namespace: dict[str, Any]) -> str | None:
    """The note, if the cell shows the echelon form of a matrix over ZZ that is not the
    reduced row echelon form."""
    from sage.rings.integer_ring import ZZ
    from sage.structure.element import Matrix

    last = cell_calls.shown_expression(tree)
    if not (
        isinstance(last, ast.Call)
        and isinstance(last.func, ast.Attribute)
        and last.func.attr == "echelon_form"
        and isinstance(value, Matrix)
        and value.base_ring() is ZZ
    ):
        return None
    if all(value[row, column] == 1 for row, column in enumerate(value.pivots())):
        return None
    receiver = last.func.value
    if isinstance(receiver, ast.Name):
        return _HERMITE.format(name=receiver.id, call=receiver.id)
    return _HERMITE.format(name="The matrix", call="")


def invertible_note(tree: ast.Module, value: Any, namespace: dict[str, Any]) -> str | None:
    """The note, if the cell asked whether a matrix over a ring that is not a field is
    invertible, False, where its determinant is not zero."""
    from sage.structure.element import Matrix

    for call, result, _ in cell_calls.results(tree, value, namespace, _INVERTIBLE):
        receiver = cell_calls.receiver(call)
        if result is not False or not isinstance(receiver, ast.Name):
            continue
        matrix = namespace.get(receiver.id)
        if not isinstance(matrix, Matrix) or not matrix.is_square() or matrix.nrows() > _MAX_ROWS:
            continue  # a determinant costs what the cell's own call did: not twice, for a large one
        ring = matrix.base_ring()
        if ring.is_field() or (determinant := matrix.det()) == 0:
            continue
        return _NOT_INVERTIBLE.format(
            name=receiver.id,
            ring=ring,
            method=cell_calls.called(call),
            determinant=determinant,
            fraction=ring.fraction_field(),
        )
    return None
