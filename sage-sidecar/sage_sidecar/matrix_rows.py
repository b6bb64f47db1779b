"""Says, the first time a session does it, that Python's sum(), max() and min() of a matrix go
through its rows.

`sum(A)` of `matrix([[1, 2], [3, 4]])` is `(4, 6)`, the rows added as vectors, where NumPy's
`np.sum(A)`, which agents bring, is 10, the sum of the entries; `max(A)` compares the rows as
vectors and gives one of them, `(3, 4)`, not the largest entry. Nothing fails, and a vector
reads as an answer. Counterpart: `notes`, which runs this check after a cell.
"""

from __future__ import annotations

import ast
import builtins
import re
from typing import Any

from sage_sidecar import cell_calls

# Cheap enough to run on every cell: only a cell it finds is parsed.
CANDIDATE = re.compile(r"(?<![\w.])(?:sum|max|min)\(\s*[^\W\d]\w*\s*\)")
_NOTE = "Note: {call} of a matrix {does}, {got}. {whole}: {function}({name}.list()), {entry}."
# Computed again, with the entries': not for a large matrix.
_MAX_ENTRIES = 10_000
_WAYS = {
    "sum": ("adds its rows as vectors, which gives the column sums", "The sum of its entries"),
    "max": ("compares its rows as vectors and gives one of them", "Its largest entry"),
    "min": ("compares its rows as vectors and gives one of them", "Its smallest entry"),
}


def note(tree: ast.Module, value: Any, namespace: dict[str, Any]) -> str | None:
    """The note, for the first sum(), max() or min() in the cell of a matrix, by name."""
    from sage.structure.element import Matrix

    for call in cell_calls.own_calls(tree):
        function = cell_calls.called(call)
        if (
            function not in _WAYS
            or len(call.args) != 1
            or call.keywords
            or not isinstance(call.args[0], ast.Name)
            or not cell_calls.sages_own(function, namespace)
        ):
            continue
        name = call.args[0].id
        matrix = namespace.get(name)
        if not (isinstance(matrix, Matrix) and matrix.nrows() > 1 and matrix.ncols()):
            continue
        if matrix.nrows() * matrix.ncols() > _MAX_ENTRIES:
            continue
        builtin = namespace.get(function) or getattr(builtins, function)
        does, whole = _WAYS[function]
        return _NOTE.format(
            call=cell_calls.as_written(call),
            does=does,
            got=builtin(matrix),
            whole=whole,
            function=function,
            name=name,
            entry=builtin(matrix.list()),
        )
    return None
