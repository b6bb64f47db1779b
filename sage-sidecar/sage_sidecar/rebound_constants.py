"""Says so when a cell gives e or I, Sage's Euler's number and imaginary unit, another value.

`e = 0.5` (an eccentricity), `for e in G.edges()` or `I = identity_matrix(3)` rebind the
name for the rest of the session, and nothing fails after that: `e^x` is 0.5^x and `2 + 3*I`
a matrix, in a later cell that meant the constants. One line on stderr, the first time a
session rebinds each, says so and how to have the constant back. Sage's other name for the
unit, i, is every loop's index, and rebinding it is no news: a later cell that writes it as the
unit, `(1 + i)^2` or `exp(i*pi)`, gets the note instead. Counterpart: `notes`, which runs these
checks after a cell.
"""

from __future__ import annotations

import ast
import numbers
import re
from typing import Any

from sage_sidecar import cell_calls
from sage_sidecar.shown import shown

# A name bound as an assignment's or a for loop's target: `e = `, `e, f = `, `for u, e in`.
# Cheap enough to run on every cell: only a cell it finds is parsed.
CANDIDATE = re.compile(r"[eI](?<![\w.'\"][eI])\s*(?:=(?!=)|,|\s+in\b)")
# i in arithmetic, as the unit is written: `1 + i`, `4*i`, `i*pi`.
# The lookbehind comes after the i, which most places in a cell are not, at once.
IMAGINARY_CANDIDATE = re.compile(r"[-+*]\s*i(?![\w'\"])|i(?<![\w.'\"]i)\s*\*(?!\*)")
_MAX_SHOWN = 40
_CONSTANTS = {
    "e": ("Euler's number", "e^x", "Euler's number is still exp(1)"),
    "I": ("the imaginary unit", "2 + 3*I", "The unit is still sqrt(-1)"),
}
_NOTE = (
    "Note: {name} is {value} from this cell on in this session, not {constant}: {example} "
    "uses this value now. {still}; from sage.all import {name} has {name} back."
)
_said: set[str] = set()


def note(tree: ast.Module, value: Any, namespace: dict[str, Any]) -> str | None:
    """The note, for the first of e and I the cell bound, outside what it defines, to a value
    other than Sage's constant, where the session has not had it."""
    import sage.all_cmdline

    for node in cell_calls.nodes_of(tree):
        if not (
            isinstance(node, ast.Name)
            and isinstance(node.ctx, ast.Store)
            and node.id in _CONSTANTS
            and node.id not in _said
            and node.id in namespace
        ):
            continue
        bound = namespace[node.id]
        if bound is getattr(sage.all_cmdline, node.id) or _the_constant(bound, node.id):
            continue
        if node.id == "I" and _an_ideal(bound):
            continue  # Sage's own idiom, `I = R.ideal(...)`, where no complex number is near
        if node.id == "e" and isinstance(bound, numbers.Integral):
            continue  # an RSA exponent, `e = 65537`, or a counter: no Euler's number is near
        _said.add(node.id)
        constant, example, still = _CONSTANTS[node.id]
        return _NOTE.format(
            name=node.id,
            value=shown(" ".join(str(bound).split()), _MAX_SHOWN),
            constant=constant,
            example=example,
            still=still,
        )
    return None


_IMAGINARY = (
    "Note: i is {value} here, not the imaginary unit (a cell bound the name, as a for loop's "
    "index), so {written} used {value}. The unit is I, or i again after from sage.all import i."
)


def imaginary_note(tree: ast.Module, value: Any, namespace: dict[str, Any]) -> str | None:
    """The note for the cell `tree`, outside what it defines, written with i as the imaginary
    unit, a complex number's `a + b*i` or `i*pi`, where an earlier cell made i a number."""
    import sage.all_cmdline

    bound = namespace.get("i")
    if (
        bound is sage.all_cmdline.I
        or not isinstance(bound, numbers.Number)
        or "i" in cell_calls.bound_names(tree)
    ):
        return None
    for node in cell_calls.nodes_of(tree):
        if isinstance(node, ast.BinOp) and _as_the_unit(node):
            written = shown(cell_calls.as_written(node), _MAX_SHOWN)
            return _IMAGINARY.format(value=shown(str(bound), _MAX_SHOWN), written=written)
    return None


def _as_the_unit(node: ast.BinOp) -> bool:
    """Whether `node` writes i as a complex number's unit: `a + i` or `a - b*i` of numbers
    `a` and `b`, in that order, or i times pi."""
    if isinstance(node.op, ast.Add | ast.Sub):
        return cell_calls.a_number(node.left) and (_is_i(node.right) or _times_i(node.right))
    return isinstance(node.op, ast.Mult) and (
        (_is_i(node.left) and _has_pi(node.right)) or (_is_i(node.right) and _has_pi(node.left))
    )


def _times_i(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.BinOp)
        and isinstance(node.op, ast.Mult)
        and cell_calls.a_number(node.left)
        and _is_i(node.right)
    )


def _has_pi(node: ast.expr) -> bool:
    return any(isinstance(part, ast.Name) and part.id == "pi" for part in ast.walk(node))


def _is_i(node: ast.expr) -> bool:
    return isinstance(node, ast.Name) and node.id == "i"


def _the_constant(value: Any, name: str) -> bool:
    """Whether `value` is the constant `name` in another form: exp(1), sqrt(-1)."""
    from sage.symbolic.expression import Expression

    return isinstance(value, Expression) and str(value) == name


def _an_ideal(value: Any) -> bool:
    from sage.rings.ideal import Ideal_generic

    return isinstance(value, Ideal_generic)
