"""Says where Sage's //, % and divmod of a number are not Python's, and what gives Python's.

Python's `a // b` is the floor of the quotient and `a % b` the remainder from that floor, for
ints, floats and fractions alike; agents write them so. Sage's differ for two kinds of number,
and nothing fails. A rational's // divides exactly, as / does: `n = 10/2` is the rational 5,
and `n // 3` is 5/3. A rational's % is arithmetic modulo the divisor: `(7/3) % 2` is 1, 7 times
the inverse of 3 mod 2, where Python's Fraction gives 1/3. A floating-point number's % is the
remainder from the nearest whole quotient, which may be negative: `7.0 % 2` is -1.0, `8.6 % 3`
is -0.4. divmod of either divides exactly, with a remainder of 0. Other real numbers and
symbolic expressions have no // (`7.5 // 2`, `pi // 1`), nor % (`x % 2`, `angle % (2*pi)`),
and a rational's % by a number its denominator shares a factor with raises "inverse of
Mod(0, 2) does not exist": the errors say no more. Counterparts: `notes`, which runs the check
after a cell, and `hints`, which puts the hint under the error.
"""

from __future__ import annotations

import ast
import re
from typing import Any

from sage_sidecar import cell_calls

# Cheap enough to run on every cell: only a cell it finds is parsed.
CANDIDATE = re.compile(r"//|%|\bdivmod\(")
_NOTE = "Note: {written} is {actual} here, where Python's {operation} gives {expected}: {why} {way}"
_EXACT = "Sage's // of a rational divides exactly, as / does, and {operand}"
_NAMED = "{name} is the rational {value}"
_UNNAMED = "{value} is a rational"
_WHOLE = " (/ makes one of two integers, even where they divide)"
_MODULAR = (
    "Sage's % of a rational by an integer is arithmetic modulo it: {value} mod {modulus} is "
    "{numerator} times the inverse of {denominator} mod {modulus}."
)
_NEAREST = (
    "Sage's % of a floating-point number is the remainder from the nearest whole quotient, "
    "which may be negative; Python's is the remainder from the quotient's floor, of the "
    "divisor's sign."
)
_DIVIDED = "Sage's divmod of a {kind} divides exactly, as /, and leaves a remainder of 0{whole}."
_PYTHONS = "Python's: {python}."
# Each operation as written, and as Python computes it, of operands `a` and `b`.
_WRITTEN = {"//": "{a} // {b}", "%": "{a} % {b}", "divmod": "divmod({a}, {b})"}
_WAYS = {
    "//": "floor({a} / {b})",
    "%": "{a} - {b}*floor({a} / {b})",
    "divmod": "(floor({a} / {b}), {a} - {b}*floor({a} / {b}))",
}
# The errors: no // of a floating-point number or an expression, no % of an expression.
_REFUSING = r"Symbolic Ring|Real Field with \d+ bits of precision|Real Double Field"
REFUSED = re.compile(
    r"unsupported operand parent\(s\) for (?P<operator>//|%): "
    rf"(?:'(?P<left>{_REFUSING})' and '.+'|'.+' and '(?P<right>{_REFUSING})')"
)
_NO_OPERATOR = (
    "{kinds} have no {operator}. As Python's // and % of numbers: {floor} is the floor of the "
    "quotient, and {remainder} the remainder from it."
)
_KINDS = {
    "Symbolic Ring": "Symbolic expressions (pi, sqrt(2) and x among them)",
    "Real Double Field": "RDF's numbers",
}
_FLOATS = "Sage's floating-point numbers"
NO_INVERSE = re.compile(r"inverse of Mod\(\d+, \d+\) does not exist")
_NO_INVERSE = (
    "% of a rational in Sage is arithmetic modulo the divisor: a/b mod m is a times the "
    "inverse of b mod m, which does not exist where b and m share a factor. The remainder "
    "from the quotient's floor, as Python's % gives it: {remainder}."
)


def note(tree: ast.Module, value: Any, namespace: dict[str, Any]) -> str | None:
    """The note, for the first //, % or divmod() of numbers in the cell, one of them a rational
    or a floating-point number, whose result is not Python's."""
    for node in cell_calls.nodes_of(tree):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.FloorDiv | ast.Mod):
            left, right = node.left, node.right
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "divmod"
            and namespace.get("divmod", divmod) is divmod
            and len(node.args) == 2
            and not node.keywords
        ):
            left, right = node.args
        else:
            continue
        said = _note_on(node, left, right, namespace)
        if said is not None:
            return said
    return None


def _note_on(
    node: ast.BinOp | ast.Call, left: ast.expr, right: ast.expr, namespace: dict[str, Any]
) -> str | None:
    """The note for the one operation `node` of `left` and `right`, if it is owed."""
    from sage.rings.integer import Integer
    from sage.rings.rational import Rational
    from sage.rings.real_mpfr import RealNumber

    a = cell_calls.evaluated(left, namespace)
    b = cell_calls.evaluated(right, namespace)
    operands = (a, b)
    if not all(isinstance(operand, Integer | Rational | RealNumber | int) for operand in operands):
        return None
    if not any(isinstance(operand, Rational | RealNumber) for operand in operands) or not b:
        return None
    quotient = (a / b).floor()
    remainder = a - b * quotient
    real = isinstance(a, RealNumber) or isinstance(b, RealNumber)
    if isinstance(node, ast.Call):
        actual = divmod(a, b)
        if actual != (a / b, 0):
            return None
        kind = "floating-point number" if real else "rational"
        whole = "" if real or not _is_whole(a if isinstance(a, Rational) else b) else _WHOLE
        why = _DIVIDED.format(kind=kind, whole=whole)
        expected: Any = (quotient, remainder)
        operation = "divmod"
    elif isinstance(node.op, ast.FloorDiv):
        actual = a // b
        if real or actual != a / b or actual == quotient:
            return None
        rational, side = (a, left) if isinstance(a, Rational) else (b, right)
        operand = (
            _NAMED.format(name=side.id, value=rational)
            if isinstance(side, ast.Name)
            else _UNNAMED.format(value=rational)
        )
        why = _EXACT.format(operand=operand) + (_WHOLE if _is_whole(rational) else "") + "."
        expected, operation = quotient, "//"
    else:
        actual = a % b
        if real:
            # The remainders differ by a whole divisor where they differ, and by rounding else.
            if abs(actual - remainder) <= abs(b) / 2 or abs(actual) > abs(b) / 2:
                return None
            why = _NEAREST
        else:
            if actual == remainder or not isinstance(a, Rational) or not isinstance(b, Integer):
                return None
            why = _MODULAR.format(
                value=a, modulus=b, numerator=a.numerator(), denominator=a.denominator()
            )
        expected, operation = remainder, "%"
    written = [
        cell_calls.as_operand(cell_calls.as_written(operand), operand) for operand in (left, right)
    ]
    return _NOTE.format(
        written=_WRITTEN[operation].format(a=written[0], b=written[1]),
        actual=actual,
        operation=operation,
        expected=expected,
        why=why,
        way=_PYTHONS.format(python=_WAYS[operation].format(a=written[0], b=written[1])),
    )


def _is_whole(number: Any) -> bool:
    return bool(number.denominator() == 1)


def hint(refused: re.Match[str], failing_line: str) -> str:
    """For Sage's refusal of // or % (`refused`, a match of `REFUSED`), raised on the cell's
    `failing_line`: what computes Python's."""
    operator = refused["operator"]
    a, b = _operands_on(failing_line, operator)
    return _NO_OPERATOR.format(
        kinds=_KINDS.get(refused["left"] or refused["right"], _FLOATS),
        operator=operator,
        floor=_WAYS["//"].format(a=a, b=b),
        remainder=_WAYS["%"].format(a=a, b=b),
    )


def no_inverse_hint(failing_line: str) -> str | None:
    """For a rational's % by a number its denominator has no inverse modulo, on the cell's
    `failing_line`, if it has a %: Python's remainder."""
    if "%" not in failing_line:
        return None
    a, b = _operands_on(failing_line, "%")
    return _NO_INVERSE.format(remainder=_WAYS["%"].format(a=a, b=b))


def _operands_on(line: str, operator: str) -> tuple[str, str]:
    """The operands of the one `operator` (// or %) on `line`, as written and as a quotient
    takes them; `a` and `b` where it has none or several."""
    wanted = ast.FloorDiv if operator == "//" else ast.Mod
    tree = cell_calls.parsed_line(line)
    if tree is None:
        return "a", "b"
    found = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.BinOp) and isinstance(node.op, wanted)
    ]
    if len(found) != 1:
        return "a", "b"
    (operation,) = found
    a, b = (
        cell_calls.as_operand(cell_calls.segment(line, operand) or "", operand)
        for operand in (operation.left, operation.right)
    )
    return a, b
