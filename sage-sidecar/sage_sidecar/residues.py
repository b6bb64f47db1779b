"""Says, the first time a session computes with one, that Sage's mod(a, n) is a residue modulo
n, not the remainder as an integer.

MATLAB's mod, Mathematica's Mod and Excel's MOD give the remainder, an integer, and agents
write Sage's so: `mod(10, 3) + 5`. But Sage's `mod(10, 3)` is 1 in the integers modulo 3, and
arithmetic with it stays there: `mod(10, 3) + 5` is 0, `mod(10, 3) / 2` is 2, and
`mod(2, 7)^10` is 2. Nothing fails, and the value reads as an integer. Where the arithmetic
gives what it would of integers, or where it is wanted, as in `Mod(2, 7)^10`, written with
Sage's capital, nothing needs saying. Counterpart: `notes`, which runs this check after a cell.
"""

from __future__ import annotations

import ast
import operator
import re
from collections.abc import Callable
from typing import Any, TypeGuard

from sage_sidecar import cell_calls

# Cheap enough to run on every cell: only a cell it finds is parsed.
CANDIDATE = re.compile(r"(?<![\w.])mod\(")
_NOTE = (
    "Note: {residue} is {lifted} modulo {modulus}, a residue, not the integer {lifted}: "
    "arithmetic with it stays modulo {modulus}, and {written} is {value}, where the integers "
    "give {integers}. The remainder as an integer, as MATLAB's and Mathematica's mod give it: "
    "{remainder}, or {residue}.lift()."
)
# The integers' power is computed only up to this many bits.
_MAX_POWER_BITS = 100_000
_OPERATIONS: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
    ast.Div: operator.truediv, ast.Pow: operator.pow,
}  # fmt: skip


def note(tree: ast.Module, value: Any, namespace: dict[str, Any]) -> str | None:
    """The note, for the first arithmetic in the cell of a call of mod() and an integer whose
    value is not that of the integers."""
    from sage.rings.finite_rings.integer_mod import IntegerMod_abstract, Mod
    from sage.rings.integer import Integer

    if namespace.get("mod") is not Mod:
        return None
    for node in cell_calls.nodes_of(tree):
        if not (isinstance(node, ast.BinOp) and type(node.op) in _OPERATIONS):
            continue
        sides = (node.left, node.right)
        calls = [side for side in sides if _a_call_of_mod(side)]
        if len(calls) != 1:
            continue
        (call,) = calls
        other = node.right if call is node.left else node.left
        number = cell_calls.evaluated(other, namespace)
        residue = [cell_calls.evaluated(argument, namespace) for argument in call.args]
        if not all(isinstance(part, Integer | int) for part in (*residue, number)):
            continue
        modular = namespace["mod"](*residue)
        if not isinstance(modular, IntegerMod_abstract):
            continue
        compute = _OPERATIONS[type(node.op)]
        lifted = modular.lift()
        if isinstance(node.op, ast.Pow) and abs(number) * lifted.nbits() > _MAX_POWER_BITS:
            continue  # the integers' power would be too large to compute for a note
        if call is node.left:
            result, integers = compute(modular, number), compute(lifted, number)
        else:
            result, integers = compute(number, modular), compute(number, lifted)
        if integers == result.lift():
            continue
        a, n = (cell_calls.as_operand(cell_calls.as_written(part), part) for part in call.args)
        return _NOTE.format(
            residue=cell_calls.as_written(call),
            lifted=lifted,
            modulus=modular.modulus(),
            written=cell_calls.as_written(node),
            value=result,
            integers=integers,
            remainder=f"{a} % {n}",
        )
    return None


def _a_call_of_mod(node: ast.expr) -> TypeGuard[ast.Call]:
    """Whether `node` is `mod(a, n)`, as written: lower case, where Sage's Mod is meant for
    residues."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "mod"
        and len(node.args) == 2
        and not node.keywords
    )
