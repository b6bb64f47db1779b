"""Says so when a substitution substituted nothing: none of its variables is in the expression.

`f.subs(t=2)`, `f(t=2)` and `f.subs({t: 2})` of an expression in x give it back unchanged, and
nothing fails: a variable misspelt, or the expression not the one meant (a function of x
where t was its variable). One line on stderr says which variables the expression has.
Counterpart: `notes`, which runs this check after a cell.
"""

from __future__ import annotations

import ast
import re
from typing import Any

from sage_sidecar import cell_calls
from sage_sidecar.shown import shown

# A substitution, or a call with a keyword first (`f(t=2)`). Cheap enough to run on every
# cell: only a cell it finds is parsed.
CANDIDATE = re.compile(r"\.subs(?:titute)?\(|(?<![\w.])\w+\(\s*[^\W\d]\w*\s*=(?!=)")
_METHODS = frozenset({"subs", "substitute"})
_MAX_SHOWN = 60
_NOTE = (
    "Note: {call} substituted nothing: {what} has no {names} (its variables: {its}), so it is "
    "given back as it was."
)


def note(tree: ast.Module, value: Any, namespace: dict[str, Any]) -> str | None:
    """The note, for the first substitution in the cell, into a symbolic expression the cell
    does not bind, of variables the expression has none of."""
    stores = _stores(tree)
    for call in cell_calls.own_calls(tree):
        function = call.func
        if isinstance(function, ast.Attribute) and function.attr in _METHODS:
            receiver = function.value
        elif isinstance(function, ast.Name) and call.keywords and not call.args:
            receiver = function
        else:
            continue
        called_at = (call.lineno, call.col_offset)
        if any(
            isinstance(n, ast.Name) and any(at >= called_at for at in stores.get(n.id, ()))
            for n in ast.walk(receiver)
        ):
            continue  # bound again after the call: not what it substituted into
        expression = cell_calls.evaluated(receiver, namespace)
        names = _substituted(call, namespace)
        if not (names and _symbolic(expression)):
            continue
        has = [str(v) for v in (*expression.variables(), *_arguments(expression))]
        if not has or set(names) & set(has):
            continue  # a constant: code that substitutes into whatever it is given
        value_shown = shown(expression, _MAX_SHOWN)
        what = f"{receiver.id}, {value_shown}," if isinstance(receiver, ast.Name) else value_shown
        return _NOTE.format(
            call=cell_calls.as_written(call),
            what=what,
            names=" or ".join(names),
            its=", ".join(dict.fromkeys(has)),
        )
    return None


def _substituted(call: ast.Call, namespace: dict[str, Any]) -> list[str]:
    """The names of the variables `call` substitutes for; none where it cannot tell them all:
    a `**` of keywords, a dictionary or an equation of anything but names."""
    names = []
    for keyword in call.keywords:
        if keyword.arg is None:
            return []
        names.append(keyword.arg)
    for argument in call.args:
        if isinstance(argument, ast.Dict):
            keys = argument.keys
        elif isinstance(argument, ast.Compare) and len(argument.ops) == 1:
            keys = [argument.left]
        else:
            return []
        for key in keys:
            variable = namespace.get(key.id) if isinstance(key, ast.Name) else None
            if variable is None or not (_symbolic(variable) and variable.is_symbol()):
                return []
            names.append(str(variable))
    return names


def _symbolic(value: Any) -> bool:
    from sage.symbolic.expression import Expression

    return isinstance(value, Expression)


def _arguments(expression: Any) -> tuple[Any, ...]:
    """A callable expression's arguments, `f(x) = 1` having x though its value has none."""
    return tuple(expression.arguments()) if expression.is_callable() else ()


def _stores(tree: ast.Module) -> dict[str, list[tuple[int, int]]]:
    """Where the cell binds each name it binds: the end of each statement that binds it,
    since `f = f.subs(x=2)` binds f after the call."""
    stores: dict[str, list[tuple[int, int]]] = {}
    for statement in ast.walk(tree):
        if not isinstance(statement, ast.stmt):
            continue
        end = (statement.end_lineno or statement.lineno, statement.end_col_offset or 0)
        for node in ast.walk(statement):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                stores.setdefault(node.id, []).append(end)
    return stores
