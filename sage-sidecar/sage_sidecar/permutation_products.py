"""Says, the first time a session multiplies two permutations, that Sage does it left to right.

In Sage, as in GAP, `s * t` of permutations applies s first, then t: `(s*t)(i)` is `t(s(i))`.
Most textbooks, and agents with them, write the composition s∘t for t first, then s, which is
`t * s` here. For `S((1,2)) * S((2,3))` Sage answers (1,3,2) where s∘t is (1,2,3), and nothing
says which was meant. Two permutations that commute give one answer both ways and get no note.
Counterpart: `notes`, which runs this check after a cell.
"""

from __future__ import annotations

import ast
import re
from typing import Any

from sage_sidecar import cell_calls

# Cheap enough to run on every cell: only a cell it finds is parsed. A product of a name, or
# of a call, and a name or a call: not `2*x`, which the preparser writes `Integer(2)*x`.
# The operator first, and what stands before it looked behind at: as fast as a literal's search.
CANDIDATE = re.compile(
    r"\*(?:(?<=\w\*)|(?<=\w \*))\s*(?!(?:Integer|RealNumber)\()[A-Za-z_]"
    r"|\*(?:(?<=\)\*)|(?<=\) \*))\s*[A-Za-z_]\w*\("
)
_NOTE = (
    "Note: Sage multiplies permutations left to right, as GAP does: in s * t, s acts first, so "
    "(s*t)(i) is t(s(i)). The composition s∘t of most textbooks, t first, is t * s: "
    "{q} * {p} is {composed}, where {p} * {q} is {product}."
)
# What a permutation may be written as, to be evaluated again: the literals of a cycle or a
# list of images, as the preparser made them (`Integer(1)`).
_LITERAL = (ast.Tuple, ast.List, ast.Constant, ast.Load, ast.UnaryOp, ast.USub)
_LITERAL_CALLEES = frozenset({"Integer"})


def note(tree: ast.Module, value: Any, namespace: dict[str, Any]) -> str | None:
    """The note, for the first product in the cell of two permutations, named or made of a
    group or by Permutation() from literals, that do not commute."""
    for node in cell_calls.nodes_of(tree):
        if not (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult)):
            continue
        p = _permutation(node.left, namespace)
        q = _permutation(node.right, namespace) if p is not None else None
        if p is None or q is None or type(p) is not type(q):
            continue
        product, composed = p * q, q * p
        if product == composed:
            continue
        return _NOTE.format(
            p=cell_calls.as_written(node.left),
            q=cell_calls.as_written(node.right),
            composed=composed,
            product=product,
        )
    return None


def _permutation(node: ast.expr, namespace: dict[str, Any]) -> Any:
    """The permutation `node` is, if it is a name for one, or a call that makes one of
    literals; None otherwise. A Permutation only where Sage multiplies them left to right, as
    it does unless told otherwise."""
    from sage.combinat.permutation import Permutation, Permutations
    from sage.groups.perm_gps.permgroup import PermutationGroup_generic
    from sage.groups.perm_gps.permgroup_element import PermutationGroupElement

    if isinstance(node, ast.Name):
        found = namespace.get(node.id)
    elif (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and not node.keywords
        and all(_literal(argument) for argument in node.args)
    ):
        maker = namespace.get(node.func.id)
        if not (maker is Permutation or isinstance(maker, PermutationGroup_generic)):
            return None
        found = eval(compile(ast.Expression(node), "<permutation>", "eval"), namespace)
    else:
        return None
    if isinstance(found, Permutation):
        return found if Permutations.options.mult == "l2r" else None
    return found if isinstance(found, PermutationGroupElement) else None


def _literal(node: ast.expr) -> bool:
    """Whether `node` is made of literals only: `(1, 2)`, `[2, 1, 3]`."""
    for part in ast.walk(node):
        if isinstance(part, ast.Call):
            if not cell_calls.a_number(part):
                return False
        elif isinstance(part, ast.Name):
            if part.id not in _LITERAL_CALLEES:
                return False
        elif not isinstance(part, _LITERAL):
            return False
    return True
