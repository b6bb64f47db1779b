"""Says so when diff, taylor or limit is given a variable whose name holds a number.

After `x = 5`, or `for x in range(3)`, the name `x` is a number. Where Sage wants a variable,
most calls then fail (and `hints` says why), but these answer: `diff(x^2, x)` is the
derivative of 25 by 5, which is 0; `f.diff(x)` with x = 2 is the second derivative in f's own
variable; `taylor(sin(x), x, 0, 5)` and `limit(sin(x)/x, x=0)` are numbers. All read as
answers. A name is taken for a variable meant when the expression was written with it, or is
an expression in a symbolic variable of that name. Counterpart: `notes`, which runs this check
after a cell.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from typing import Any

from sage_sidecar import cell_calls
from sage_sidecar.shown import a_number, shown

# Cheap enough to run on every cell: only a cell it finds is looked at further.
CANDIDATE = re.compile(
    r"(?<![\w.])(?:diff|derivative|differentiate|taylor|limit|lim)\("
    r"|\.(?:diff|derivative|differentiate|taylor|limit)\("
)
_DERIVATIVES = frozenset({"diff", "derivative", "differentiate"})
_LIMITS = frozenset({"limit", "lim"})
# limit's keywords that are options, not the variable and its point.
_LIMIT_OPTIONS = frozenset({"dir", "taylor", "algorithm", "hold"})
_MAX_SHOWN = 60
_NOTE = (
    "Note: {name} is {value} here, not a symbolic variable (a cell bound the name to it), so "
    "{function} did not take {name} as its variable, and its answer is not the one meant. To "
    "use {name} as a variable again, declare it, as var('{name}'), or give the value another "
    "name."
)


def note(tree: ast.Module, value: Any, namespace: dict[str, Any]) -> str | None:
    """The note for the first diff, taylor or limit call in the cell `tree` given, as its
    variable, a name that holds a number in `namespace`."""
    for node in cell_calls.own_calls(tree):
        function = cell_calls.called(node)
        method = isinstance(node.func, ast.Attribute)
        if method and function == "lim":
            continue
        if function not in _DERIVATIVES | {"taylor"} | _LIMITS:
            continue
        # The expression worked on: the receiver of a method, else the first argument.
        if method:
            expression, rest = getattr(node.func, "value", None), node.args
        elif node.args:
            expression, rest = node.args[0], node.args[1:]
        else:
            continue
        for name in _variables_given(function, rest, node.keywords, namespace):
            held = namespace.get(name)
            # limit makes its variable from the keyword's name: an expression in the
            # symbolic variable of that name is its business, and comes out right.
            seen = {} if function in _LIMITS else namespace
            if a_number(held) and _meant_as_a_variable(name, expression, seen):
                return _NOTE.format(name=name, value=shown(held, _MAX_SHOWN), function=function)
    return None


def _variables_given(
    function: str, arguments: list[ast.expr], keywords: list[ast.keyword], namespace: dict[str, Any]
) -> Iterator[str]:
    """The names the call gives as its variables: diff's until one holds a symbolic variable
    (a number after one is an order, `diff(f, x, n)`); taylor's first, alone or in a pair
    `(x, 0)`; limit's keyword."""
    from sage.symbolic.expression import Expression

    if function in _LIMITS:
        yield from (k.arg for k in keywords if k.arg is not None and k.arg not in _LIMIT_OPTIONS)
        return
    if function == "taylor":
        first = arguments[0] if arguments else None
        if isinstance(first, ast.Tuple) and first.elts:
            first = first.elts[0]
        if isinstance(first, ast.Name):
            yield first.id
        return
    for argument in arguments:
        if not isinstance(argument, ast.Name):
            return
        held = namespace.get(argument.id)
        if isinstance(held, Expression) and held.is_symbol():
            return
        yield argument.id


def _meant_as_a_variable(name: str, expression: ast.expr | None, namespace: dict[str, Any]) -> bool:
    """Whether `expression` was written with `name` (so it took the number), or is a name
    holding, in `namespace`, an expression in a symbolic variable called `name`."""
    from sage.symbolic.expression import Expression

    if expression is None:
        return False
    if any(isinstance(node, ast.Name) and node.id == name for node in ast.walk(expression)):
        return True
    if isinstance(expression, ast.Name):
        held = namespace.get(expression.id)
        if isinstance(held, Expression):
            return any(str(variable) == name for variable in held.variables())
    return False
