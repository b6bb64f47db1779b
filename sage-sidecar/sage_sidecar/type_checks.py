"""Says, the first time a session tests a value against Python's int or float, that Sage's
numbers are neither.

The preparser makes every integer literal a Sage Integer and every decimal one a RealNumber,
so `isinstance(5, int)` is False, and a function that checks `isinstance(n, int)` takes its
other branch, or refuses, for every number the session writes. `type(x) == float` likewise.
Nothing fails where the check is made. Counterpart: `notes`, which runs this check after a
cell; it looks inside the functions the cell defines too, where such checks usually are.
"""

from __future__ import annotations

import ast
import builtins
import numbers
import re
from typing import Any

from sage_sidecar import cell_calls

# Cheap enough to run on every cell: only a cell it finds is parsed.
CANDIDATE = re.compile(r"(?<![\w.])(?:isinstance\(|type\()")
_PYTHONS = frozenset({"int", "float"})
_NOTE = (
    "Note: {written} is False where {tested} is one of Sage's numbers, as every number written "
    "in a cell is: the preparser makes integers Sage Integers and decimals RealNumbers, not "
    "Python's int and float. numbers.Integral and numbers.Real hold both: "
    "isinstance({tested}, numbers.Integral) after `import numbers`; or {tested} in ZZ, for a "
    "value that is an integer."
)


def note(tree: ast.Module, value: Any, namespace: dict[str, Any]) -> str | None:
    """The note, for the first test of the cell against Python's int or float: in a function
    it defines, whose arguments are not known yet, or of one of Sage's numbers."""
    defined = _inside(tree, cell_calls.FUNCTIONS)
    # A comprehension's variable is its own, whatever the session holds by its name (i is I).
    comprehended = _inside(tree, cell_calls.COMPREHENSIONS)
    for node in ast.walk(tree):
        tested, types = _test(node)
        # A test that names a type of Sage's too, (int, Integer), knows the difference.
        if tested is None or not all(_builtin(name, namespace) for name in types):
            continue
        if not any(name in _PYTHONS for name in types):
            continue
        if id(node) in defined or (
            id(node) not in comprehended and _sages_number(tested, namespace)
        ):
            return _NOTE.format(written=_written(node), tested=cell_calls.as_written(tested))
    return None


def _inside(tree: ast.Module, kinds: tuple[type[ast.AST], ...]) -> set[int]:
    """The ids of the nodes within the nodes of `kinds` in the cell `tree`."""
    return {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, kinds)
        for inner in ast.walk(node)
        if inner is not node
    }


def _sages_number(tested: ast.expr, namespace: dict[str, Any]) -> bool:
    """Whether `tested` is one of Sage's numbers, where it can be evaluated again; a Python
    int, as range() gives, passes the test, and a symbolic expression is no number."""
    from sage.structure.element import Element

    try:
        found = cell_calls.evaluated(tested, namespace)
    except Exception:  # a name the cell deleted, say
        return False
    return isinstance(found, Element) and isinstance(found, numbers.Number)


def _test(node: ast.AST) -> tuple[ast.expr | None, list[str | None]]:
    """What `node` tests the type of, and the names of the types it tests it against: `n` and
    `int` in `isinstance(n, int)`, `isinstance(n, (int, float))` or `type(n) == int`; None
    for a type it names otherwise, as `numbers.Integral`. (None, []) for another node."""
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "isinstance"
        and len(node.args) == 2
    ):
        kinds = node.args[1]
        names = kinds.elts if isinstance(kinds, ast.Tuple) else [kinds]
        return node.args[0], [name.id if isinstance(name, ast.Name) else None for name in names]
    if (
        isinstance(node, ast.Compare)
        and len(node.ops) == 1
        and isinstance(node.ops[0], ast.Eq | ast.Is)
        and isinstance(node.left, ast.Call)
        and isinstance(node.left.func, ast.Name)
        and node.left.func.id == "type"
        and len(node.left.args) == 1
        and isinstance(node.comparators[0], ast.Name)
    ):
        return node.left.args[0], [node.comparators[0].id]
    return None, []


def _builtin(name: str | None, namespace: dict[str, Any]) -> bool:
    """Whether `name` is one of Python's builtin types in `namespace`, where the cell has not
    rebound it."""
    if name is None:
        return False
    own = getattr(builtins, name, None)
    return isinstance(own, type) and namespace.get(name, own) is own


def _written(node: ast.AST) -> str:
    """The test as the cell wrote it, short: `isinstance(n, int)`."""
    if isinstance(node, ast.Compare):
        return f"{cell_calls.as_written(node.left)} == {ast.unparse(node.comparators[0])}"
    return cell_calls.as_written(node)
