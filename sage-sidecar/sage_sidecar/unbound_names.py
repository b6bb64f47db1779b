"""Remembers the names a failed cell would have bound and did not, so that a later cell's
NameError for one says why it is not defined.

`import pandas as pd; df = pd.DataFrame(...)` fails at its import, and `df['a'].mean()` in the
next cell fails with "name 'df' is not defined", which reads as a name never made: the hints
for such a name (declare a symbolic variable, import a module, the nearest name) then point the
wrong way. The session's own history says what happened: the cell that assigns df failed before
it did. A cell that does not compile ran nothing, and the names its statements would bind, each
read alone, are missing as well: `b = vector([1, 2]); A \\ b`, MATLAB's backslash, did not
assign b. Counterparts: `executor`, which records a cell that failed, and `hints`, which says
it under the NameError.
"""

from __future__ import annotations

import ast
import contextlib
from collections import OrderedDict
from typing import Any

from sage_sidecar import cell_calls

_HINT = (
    "{name} is not defined because {cell}, which {binds} it, failed before it did ({error}): "
    "mend that cell and run it again, or define {name} here."
)
# A cell that does not compile is read line by line up to this many: each costs a parse.
_MAX_LINES = 1000
# A session's record is kept to this many names, the most recent ones.
_MAX_NAMES = 1000
# Each name: the cell that failed to bind it, whether by import or definition, and its error.
_failed: OrderedDict[str, tuple[str, str, str]] = OrderedDict()


def record(source: str, namespace: dict[str, Any], cell: str, exc: BaseException) -> None:
    """Remember the names the cell `cell`'s preparsed `source` binds in its own scope that
    `namespace` lacks after it failed with `exc`. Never fails."""
    with contextlib.suppress(Exception):
        error = type(exc).__name__
        for tree in _statements(source):
            for name, binds in _bound_at_top(tree).items():
                if name not in namespace:
                    _failed[name] = (cell, binds, error)
                    _failed.move_to_end(name)
        while len(_failed) > _MAX_NAMES:
            _failed.popitem(last=False)


def hint(name: str) -> str | None:
    """For a NameError of `name`: the failed cell that would have bound it, if one did."""
    failed = _failed.get(name)
    if failed is None:
        return None
    cell, binds, error = failed
    return _HINT.format(name=name, cell=cell, binds=binds, error=error)


def _statements(source: str) -> list[ast.Module]:
    """The cell `source` parsed; or, where it does not parse, and so ran nothing, each of its
    unindented lines, and each `;`-separated statement of one, that parses alone:
    `b = vector([1, 2]); A \\ b` still assigns b."""
    try:
        return [ast.parse(source)]
    except SyntaxError:
        pass
    return [
        tree
        for line in source.splitlines()[:_MAX_LINES]
        if not line[:1].isspace()
        for _, tree in cell_calls.parsed_statements(line)
    ]


def _bound_at_top(tree: ast.Module) -> dict[str, str]:
    """The names the cell `tree` binds in the session's namespace, each with how: assigns,
    imports or defines; not those its functions, classes and comprehensions bind for
    themselves."""
    names: dict[str, str] = {}
    pending: list[ast.AST] = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names[node.name] = "defines"
        if isinstance(node, cell_calls.SCOPES):
            continue
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.setdefault(node.id, "assigns")
        elif isinstance(node, ast.alias):
            names[(node.asname or node.name).split(".")[0]] = "imports"
        pending.extend(ast.iter_child_nodes(node))
    return names
