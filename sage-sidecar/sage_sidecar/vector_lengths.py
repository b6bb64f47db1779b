"""Says, the first time a session asks, that a vector's length() is its number of entries.

`vector([1, 2, 3]).length()` is 3, as `len(v)` is; the length of a vector in geometry, and in
the graphics and physics libraries agents know (`Vector3.length()`, GLM's `length`), is its
Euclidean norm, sqrt(14). Nothing fails, and 3 reads as that length. Counterpart: `notes`,
which runs this check after a cell.
"""

from __future__ import annotations

import ast
import re
from typing import Any

from sage_sidecar import cell_calls

# Cheap enough to run on every cell: only a cell it finds is parsed.
CANDIDATE = re.compile(r"\.length\(\s*\)")
_NOTE = (
    "Note: {name}.length() of a vector is its number of entries, {count}, as len({name}) is. "
    "Its Euclidean length is {name}.norm(), {norm}."
)


def note(tree: ast.Module, value: Any, namespace: dict[str, Any]) -> str | None:
    """The note, for the first length() in the cell of a vector, by name, whose norm is not
    its number of entries."""
    from sage.modules.free_module_element import FreeModuleElement

    for name, vector in cell_calls.asked_of_names(tree, namespace, "length"):
        if not isinstance(vector, FreeModuleElement):
            continue
        norm = vector.norm()
        if norm == len(vector):
            continue
        return _NOTE.format(name=name, count=len(vector), norm=norm)
    return None
