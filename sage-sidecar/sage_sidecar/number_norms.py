"""Says, the first time a session asks, that a number's norm() is not its absolute value.

`norm(3 + 4*I)` is 25: Sage's norm of a complex number is the number times its conjugate, the
square of its absolute value, where NumPy's `norm`, MATLAB's and the norm of a vector in Sage
itself give the length, 5. A rational number's norm, over the rationals, is the number itself:
`norm(-3/2)` is -3/2. Nothing fails, and a distance `norm(z - w)` reads as one. And a real
number, or Python's complex number, has no norm() at all: the AttributeError gets a hint with
the absolute value. Counterparts: `notes`, which runs this check after a cell, and `hints`.
"""

from __future__ import annotations

import ast
import cmath
import re
from typing import Any

from sage_sidecar import cell_calls

# Cheap enough to run on every cell: only a cell it finds is parsed.
CANDIDATE = re.compile(r"(?<![\w.])norm\(|\.norm\(\s*\)")
_COMPLEX_NOTE = (
    "Note: Sage's norm() of a complex number is the number times its conjugate, the square "
    "of its absolute value: {call} is {norm}. Its absolute value, the length NumPy's norm "
    "gives, is abs({number}), {absolute}."
)
_RATIONAL_NOTE = (
    "Note: Sage's norm() of a rational number is its norm over the rationals, the number "
    "itself: {call} is {norm}. Its absolute value is abs({number}), {absolute}."
)
# The numbers, as an AttributeError names their types, that have no norm().
_REAL_NUMBERS = frozenset(
    {
        "int",
        "float",
        "sage.rings.integer.Integer",
        "sage.rings.real_mpfr.RealNumber",
        "sage.rings.real_mpfr.RealLiteral",
        "sage.rings.real_double_element_gsl.RealDoubleElement_gsl",
        "AlgebraicReal",
        "sage.rings.real_mpfi.RealIntervalFieldElement",
        "sage.rings.real_arb.RealBall",
    }
)
_REAL_HINT = (
    "A real number has no norm() in Sage: its absolute value, which NumPy's norm gives for a "
    "number, is abs({number}). (Sage's norm() of a complex number is the square of that.)"
)
_PYTHON_COMPLEX_HINT = (
    "Python's complex numbers have no norm(): the absolute value, which NumPy's norm gives for "
    "a number, is abs({number}). (Sage's norm() of its own complex numbers, as "
    "CC({number}).norm(), is the square of that.)"
)
# Norms this close to the absolute value are one answer, whichever is meant.
_SAME = 1e-9


def note(tree: ast.Module, value: Any, namespace: dict[str, Any]) -> str | None:
    """The note, for the first norm() the cell ran, as a function or a method, of a number it
    names or writes whose norm is not its absolute value."""
    for call in cell_calls.own_calls(tree):
        number = _normed(call, namespace)
        if number is None:
            continue
        found = cell_calls.evaluated(number, namespace)
        template = _template(found)
        if template is None:
            continue
        norm, absolute = found.norm(), abs(found)
        if cmath.isclose(complex(norm), complex(absolute), rel_tol=_SAME):
            continue
        return template.format(
            call=cell_calls.as_written(call),
            norm=norm,
            number=cell_calls.as_written(number),
            absolute=absolute,
        )
    return None


def _normed(call: ast.Call, namespace: dict[str, Any] | None = None) -> ast.expr | None:
    """What `call` takes the norm of: `z` in `z.norm()`, or in `norm(z)`, Sage's own in
    `namespace` where it is given."""
    if cell_calls.called(call) != "norm" or call.keywords:
        return None
    found = cell_calls.receiver(call)
    if found is not None:
        return None if call.args else found
    if len(call.args) == 1 and (namespace is None or cell_calls.sages_own("norm", namespace)):
        return call.args[0]
    return None


def _template(number: Any) -> str | None:
    """The note for `number`: a complex number of Sage's (`3 + 4*I` is one of the number
    field of its I), or a symbolic constant, or a rational; None for anything else, the
    elements of number fields a cell made among them, whose norm is the one asked for."""
    import sage.rings.abc
    from sage.rings.imaginary_unit import I
    from sage.rings.rational_field import QQ
    from sage.structure.element import Element

    if not isinstance(number, Element):
        return None
    parent = number.parent()
    if parent is QQ:
        return _RATIONAL_NOTE
    if parent is I.parent():
        return _COMPLEX_NOTE
    if isinstance(parent, sage.rings.abc.SymbolicRing):
        return None if number.variables() else _COMPLEX_NOTE
    complex_fields = (
        sage.rings.abc.ComplexField,
        sage.rings.abc.ComplexDoubleField,
        sage.rings.abc.ComplexIntervalField,
        sage.rings.abc.AlgebraicField,
    )
    return _COMPLEX_NOTE if isinstance(parent, complex_fields) else None


def hint(kind: str, line: str) -> str | None:
    """For norm() asked of a number of the type `kind` names, which has none, on the cell's
    failing `line`."""
    if kind == "complex":
        template = _PYTHON_COMPLEX_HINT
    elif kind in _REAL_NUMBERS:
        template = _REAL_HINT
    else:
        return None
    return template.format(number=_number_on(line) or "x")


def _number_on(line: str) -> str | None:
    """The code of what `line` takes the norm of first: `z` in `norm(z)` or `z.norm()`."""
    tree = cell_calls.parsed_line(line)
    if tree is None:
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and (found := _normed(node)) is not None:
            return cell_calls.segment(line, found)
    return None
