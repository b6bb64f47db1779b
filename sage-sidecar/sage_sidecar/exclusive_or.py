"""Says, the first time a session's code reads as Python's exclusive or, that the preparser
made its ^ a power.

Sage reads `a ^ b` as a power, as mathematics writes it; Python's exclusive or is `^^`. Code
written as Python, a hash (`h = (h ^ c) * 16777619 & 0xffffffff`), a nim-sum
(`reduce(lambda a, b: a ^ b, piles)`, `s ^= p`), runs with powers in place of exclusive ors,
and its answer is a number like any other. The preparsed code has `**` for both, so what reads
as exclusive or is: an augmented `^=` by a name, a lambda of two arguments that is their
power, and a power of two names on a line with other bitwise operators. Counterpart: `notes`,
which runs this check after a cell.
"""

from __future__ import annotations

import ast
import re
from typing import Any

from sage_sidecar import cell_calls

# Cheap enough to run on every cell: only a cell it finds is parsed. A power assigned back, a
# lambda's, or one on a line with a bitwise operator.
CANDIDATE = re.compile(
    r"\*\*=|lambda[^:\n]*:[^\n]*\*\*|\*\*[^\n]*(?:[&|]|<<|>>)|(?:[&|]|<<|>>)[^\n]*\*\*"
)
_NOTE = (
    "Note: the preparser reads ^ as a power, as mathematics writes it, and {written} is one"
    "{context}. Python's exclusive or, which this code reads as, is ^^ in Sage: {exclusive}."
)
_BITWISE = (ast.BitAnd, ast.BitOr, ast.BitXor, ast.LShift, ast.RShift)


def note(tree: ast.Module, value: Any, namespace: dict[str, Any]) -> str | None:
    """The note, for the first power in the cell that reads as an exclusive or."""
    for statement in ast.walk(tree):
        if not isinstance(statement, ast.stmt):
            continue
        found = _read_as_exclusive_or(statement)
        if found is not None:
            written, context, exclusive = found
            return _NOTE.format(written=written, context=context, exclusive=exclusive)
    return None


def _read_as_exclusive_or(statement: ast.stmt) -> tuple[str, str, str] | None:
    """The power in `statement` that reads as an exclusive or, as written, what makes it read
    so, and the exclusive or written in Sage."""
    if (
        isinstance(statement, ast.AugAssign)
        and isinstance(statement.op, ast.Pow)
        and isinstance(statement.target, ast.Name)
        and not cell_calls.a_number(statement.value)
    ):
        target, power = statement.target.id, cell_calls.as_written(statement.value)
        return f"{target} ^= {power}", "", f"{target} ^^= {power}"
    for node in _own_expressions(statement):
        if (
            isinstance(node, ast.Lambda)
            and len(node.args.args) == 2
            and isinstance(node.body, ast.BinOp)
            and isinstance(node.body.op, ast.Pow)
            and [_name_of(node.body.left), _name_of(node.body.right)]
            == [argument.arg for argument in node.args.args]
        ):
            a, b = (argument.arg for argument in node.args.args)
            return f"lambda {a}, {b}: {a} ^ {b}", "", f"lambda {a}, {b}: {a} ^^ {b}"
    bitwise = [
        node
        for node in _own_expressions(statement)
        if isinstance(node, ast.BinOp) and isinstance(node.op, _BITWISE)
    ]
    if not bitwise:
        return None
    for node in _own_expressions(statement):
        if (
            isinstance(node, ast.BinOp)
            and isinstance(node.op, ast.Pow)
            and not cell_calls.a_number(node.left)
            and not cell_calls.a_number(node.right)
        ):
            a = cell_calls.as_operand(cell_calls.as_written(node.left), node.left)
            b = cell_calls.as_operand(cell_calls.as_written(node.right), node.right)
            return f"{a} ^ {b}", ", on a line with bitwise operators", f"{a} ^^ {b}"
    return None


def _own_expressions(statement: ast.stmt) -> list[ast.AST]:
    """The nodes of `statement`, but for those of the statements under it, which are looked
    at on their own."""
    found: list[ast.AST] = []
    pending: list[ast.AST] = [
        child for child in ast.iter_child_nodes(statement) if not isinstance(child, ast.stmt)
    ]
    while pending:
        node = pending.pop()
        found.append(node)
        pending.extend(ast.iter_child_nodes(node))
    return found


def _name_of(node: ast.expr) -> str | None:
    return node.id if isinstance(node, ast.Name) else None
