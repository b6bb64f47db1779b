"""Says, the first time a session multiplies two vectors with `*`, that Sage's `*` of vectors
is their dot product.

`vector([1, 2]) * vector([3, 4])` is 11, as algebra reads it; NumPy, whose habits agents
bring, multiplies entry by entry, `[3, 8]`, and nothing says which was done: both read as an
answer. Counterpart: `notes`, which runs this check after a cell.
"""

from __future__ import annotations

import ast
import re
from typing import Any

from sage_sidecar import cell_calls

# Cheap enough to run on every cell: only a cell it finds is parsed. Two names multiplied.
CANDIDATE = re.compile(r"(?<![\w.])[A-Za-z_]\w*\s*\*\s*[A-Za-z_]\w*(?![\w(.\[])")
_NOTE = (
    "Note: {written} of two vectors is their dot product in Sage, {dot}; NumPy, whose habits "
    "agents bring, multiplies them entry by entry: {left}.pairwise_product({right}) does, "
    "{pairwise}."
)


def note(tree: ast.Module, value: Any, namespace: dict[str, Any]) -> str | None:
    """The note, for the first product in the cell of two vectors, by name, of one length."""
    from sage.modules.free_module_element import FreeModuleElement

    for node in cell_calls.nodes_of(tree):
        if not (
            isinstance(node, ast.BinOp)
            and isinstance(node.op, ast.Mult)
            and isinstance(node.left, ast.Name)
            and isinstance(node.right, ast.Name)
        ):
            continue
        left, right = namespace.get(node.left.id), namespace.get(node.right.id)
        if not (
            isinstance(left, FreeModuleElement)
            and isinstance(right, FreeModuleElement)
            and len(left) == len(right)
        ):
            continue
        return _NOTE.format(
            written=cell_calls.as_written(node),
            dot=left * right,
            left=node.left.id,
            right=node.right.id,
            pairwise=left.pairwise_product(right),
        )
    return None
