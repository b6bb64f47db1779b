"""Says so when arithmetic of a high-precision number with a double-precision one rounded the
answer to double precision.

Sage gives the result of an operation on two real numbers the lower of their precisions:
`N(pi, digits=50) + 0.5` is 3.64159265358979, with 53 bits, as is `R(pi) * N(e)` for
`R = RealField(200)`, and `N(sqrt(2), 100)^2 - 2.0` is 0. A decimal literal is a 53-bit
number, and so is n() with no precision. Nothing fails, and the digits asked for are gone.
Where the cell's last line shows a floating-point number with the lower precision of an
operation's two sides, one line on stderr names both and how to keep the higher one.
Counterpart: `notes`, which runs this check after a cell.
"""

from __future__ import annotations

import ast
import contextlib
import fractions
import re
from typing import Any

from sage_sidecar import cell_calls
from sage_sidecar.shown import DOUBLE_PRECISION, bits_of, inexact, real_value

# A double-precision number the cell makes: a decimal literal as the preparser writes it,
# n() or N(), float() or RDF(). Only a cell it finds is parsed.
CANDIDATE = re.compile(r"RealNumber\(|\.n\(|\b(?:N|n|numerical_approx|float|RDF|CDF)\(")
_DOUBLES = frozenset({"float", "RDF", "CDF"})
_FIELDS = frozenset({"RealField", "ComplexField"})
_DIGITS_PER_BIT = 0.30103  # log10(2)
_NOTE = (
    "Note: the answer has {low} bits, about {digits} digits: Sage rounds an operation on two "
    "floating-point numbers to the lower precision, and {low_side} has {low} bits where "
    "{high_side} has {high}. To keep {high} bits, {way}."
)
_AS_A_FRACTION = "write it exactly, as {fraction} rather than {written}"
_IN_THAT_PRECISION = "give it as many, as {field}({bits})({exact}) rather than {written}"


def note(tree: ast.Module, value: Any, namespace: dict[str, Any]) -> str | None:
    """The note, if the cell shows a floating-point number with the lower precision of an
    operation's sides on its last line."""
    last = cell_calls.shown_expression(tree)
    if not (last is not None and inexact(value)):
        return None
    shown = bits_of(value)
    # Not in a comprehension or lambda, whose names are its own, not the session's.
    for node in cell_calls.own_nodes([last]):
        if not isinstance(node, ast.BinOp):
            continue
        left, right = _bits(node.left, namespace), _bits(node.right, namespace)
        if left is None or right is None or left == right or min(left, right) != shown:
            continue
        (low, low_side), (high, high_side) = sorted(
            ((left, node.left), (right, node.right)), key=lambda side: side[0]
        )
        return _NOTE.format(
            low=low,
            digits=int(low * _DIGITS_PER_BIT),
            low_side=cell_calls.as_written(low_side),
            high_side=cell_calls.as_written(high_side),
            high=high,
            way=_way(low_side, high, "ComplexField" if real_value(value) is None else "RealField"),
        )
    return None


def _bits(node: ast.expr, namespace: dict[str, Any]) -> int | None:
    """The precision of the floating-point number `node` makes, where the code says it
    without running anything but Sage's own numbers: a decimal literal, a name bound to a
    number, n() or N() with or without a precision, a real field's call; the lower of an
    operation's. None for an exact number, or one the code does not say."""
    if isinstance(node, ast.Name):
        bound = namespace.get(node.id)
        return bits_of(bound) if inexact(bound) else None
    if isinstance(node, ast.UnaryOp):
        return _bits(node.operand, namespace)
    if isinstance(node, ast.BinOp):
        known = [b for b in (_bits(node.left, namespace), _bits(node.right, namespace)) if b]
        return min(known) if known else None
    if not isinstance(node, ast.Call):
        return None
    name = cell_calls.called(node)
    if isinstance(node.func, ast.Name) and name == "RealNumber":
        return DOUBLE_PRECISION  # the preparser's decimal literal
    if isinstance(node.func, ast.Name) and name in _DOUBLES:
        return DOUBLE_PRECISION
    if (arguments := cell_calls.precision_arguments(node)) is not None:
        return _approximation_bits(*arguments, namespace)
    return _field_precision(_field_called(node, namespace))


def _field_called(call: ast.Call, namespace: dict[str, Any]) -> Any:
    """What `call` calls, where it is a name (`R(x)`), or Sage's RealField or ComplexField of
    a number (`RealField(100)(x)`)."""
    function = call.func
    if isinstance(function, ast.Name):
        return namespace.get(function.id)
    if not (
        isinstance(function, ast.Call)
        and isinstance(function.func, ast.Name)
        and function.func.id in _FIELDS
        and len(function.args) == 1
        and not function.keywords
        and cell_calls.a_number(function.args[0])
    ):
        return None
    field = namespace.get(function.func.id)
    return field(cell_calls.evaluated(function.args[0], namespace)) if callable(field) else None


def _field_precision(field: Any) -> int | None:
    """The precision of a real or complex field of floating-point numbers; None for anything
    else."""
    from sage.rings.abc import ComplexField, RealField

    if isinstance(field, RealField | ComplexField):
        return int(field.precision())
    return None


def _approximation_bits(
    arguments: list[ast.expr], keywords: list[ast.keyword], namespace: dict[str, Any]
) -> int | None:
    """The bits n() or N() gives for its precision `arguments` and `keywords` (beyond the
    number), where they are numbers: 53 for none."""
    from sage.all import N

    given = [*arguments, *(k.value for k in keywords)]
    if not all(cell_calls.a_number(node) for node in given):
        return None
    values = [cell_calls.evaluated(node, namespace) for node in arguments]
    named = {k.arg: cell_calls.evaluated(k.value, namespace) for k in keywords if k.arg}
    try:
        return int(N(1, *values, **named).prec())
    except (TypeError, ValueError):
        return None


def _way(node: ast.expr, bits: int, field: str) -> str:
    """How to give the low side `node` `bits` bits: a decimal literal as a fraction, a number
    approximated or made a double as the exact one in `field` of that precision."""
    written = cell_calls.as_written(node)
    if isinstance(node, ast.Call) and cell_calls.called(node) == "RealNumber" and node.args:
        literal = node.args[0]
        if isinstance(literal, ast.Constant) and isinstance(literal.value, str):
            with contextlib.suppress(ValueError):
                fraction = fractions.Fraction(literal.value)
                return _AS_A_FRACTION.format(fraction=fraction, written=written)
    exact: ast.expr | None = None
    if isinstance(node, ast.Call):
        function = node.func
        exact = (
            function.value if isinstance(function, ast.Attribute) else next(iter(node.args), None)
        )
    return _IN_THAT_PRECISION.format(
        field=field,
        bits=bits,
        exact="..." if exact is None else cell_calls.as_written(exact),
        written=written,
    )
