"""What the notes read of the calls in a cell's parsed code: what a call calls, the values of
the calls the cell bound to a name at its top (`s = solve(...)`), which are still at hand
after it ran, the calls outside what it defines, and code as the cell wrote it.
Counterparts: the notes' checks."""

from __future__ import annotations

import ast
import re
from collections import deque
from collections.abc import Collection, Iterable, Iterator
from typing import Any

_PREPARSED_LITERAL = re.compile(r"(?:Integer|RealNumber)\('?(-?[\d.e]+)'?\)")
# Scopes of their own: a name there is not the session's, and their code has not run.
_SCOPES = (
    ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef,
    ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp,
)  # fmt: skip


def called(call: ast.Call) -> str:
    """The name of the function or method `call` calls: `limit` in `f.limit(x=0)`."""
    function = call.func
    return function.id if isinstance(function, ast.Name) else getattr(function, "attr", "")


def bound(
    tree: ast.Module, namespace: dict[str, Any], names: Collection[str]
) -> Iterator[tuple[ast.Call, Any]]:
    """Each call of one of `names` that a statement at the top of the cell `tree` assigns to
    a name, with the value the name holds in `namespace` after the cell."""
    for statement in tree.body:
        if (
            isinstance(statement, ast.Assign)
            and len(statement.targets) == 1
            and isinstance(statement.targets[0], ast.Name)
            and isinstance(statement.value, ast.Call)
            and called(statement.value) in names
        ):
            yield statement.value, namespace.get(statement.targets[0].id)


def as_written(node: ast.AST) -> str:
    """The code of `node`, parsed from preparsed code, with its number literals as the cell
    wrote them: `r[Integer(1)]` is `r[1]`."""
    return _PREPARSED_LITERAL.sub(r"\1", ast.unparse(node))


def own_nodes(roots: Iterable[ast.AST]) -> Iterator[ast.AST]:
    """`roots` and the nodes under them, in the order they are written, but for those in the
    functions, lambdas, classes and comprehensions they define."""
    pending: deque[ast.AST] = deque(roots)
    while pending:
        node = pending.popleft()
        if isinstance(node, _SCOPES):
            continue
        yield node
        pending.extend(ast.iter_child_nodes(node))


def own_calls(tree: ast.Module) -> Iterator[ast.Call]:
    """The calls in the cell `tree` that ran as it did: not those in what it defines."""
    return (node for node in own_nodes(tree.body) if isinstance(node, ast.Call))
