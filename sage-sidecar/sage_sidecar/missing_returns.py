"""A hint for None, where a function of the session's without a return statement was meant to
give a value.

`def f(x): x^2` computes x^2 and gives back None, as every Python function does that ends
without `return`; `f(2) + 1` then fails with "unsupported operand parent(s) for +: '<class
'NoneType'>' and 'Integer Ring'", and `float(f(3))` with "not 'NoneType'", which say nothing of
f. Mathematica's and Maple's functions give their last expression's value; Python's do not.
Counterpart: `hints`, which puts the hint under the error.
"""

from __future__ import annotations

import ast
import contextlib
import inspect
import re
import textwrap
from typing import Any

from sage_sidecar import cell_calls
from sage_sidecar.shown import session_function

NONE_USED = re.compile(r"NoneType")
_HINT = (
    "{name}() gave None: it has no return statement, and a Python function gives back only "
    "what return gives, not its last line's value.{way}"
)
_WAY = " End it with return {last}."


def hint(called: list[tuple[str, Any]]) -> str | None:
    """For None used where a value was wanted, on a line that calls `called` (names, with their
    values): the first of the session's functions there that returns no value."""
    for name, function in called:
        if not session_function(function) or function.__name__ == "<lambda>":
            continue
        definition = _definition(function)
        if definition is None or _gives_a_value(definition):
            continue
        last = definition.body[-1]
        way = ""
        if isinstance(last, ast.Expr) and not isinstance(last.value, ast.Call):
            way = _WAY.format(last=ast.unparse(last.value).replace(" ** ", "^"))
        return _HINT.format(name=name, way=way)
    return None


def _definition(function: Any) -> ast.FunctionDef | None:
    """The definition of `function`, parsed from the cell it was written in."""
    with contextlib.suppress(OSError, TypeError, SyntaxError, IndexError):
        tree = ast.parse(textwrap.dedent(inspect.getsource(function)).replace("^", "**"))
        definition = tree.body[0]
        if isinstance(definition, ast.FunctionDef):
            return definition
    return None


def _gives_a_value(definition: ast.FunctionDef) -> bool:
    """Whether the function returns a value, or yields one, anywhere in its own body."""
    pending: list[ast.AST] = list(definition.body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Return) and node.value is not None:
            return True
        if isinstance(node, ast.Yield | ast.YieldFrom):
            return True
        if not isinstance(node, cell_calls.DEFINITIONS):
            pending.extend(ast.iter_child_nodes(node))
    return False
