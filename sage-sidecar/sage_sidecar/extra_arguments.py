"""Says so when a cell calls a symbolic function with more values than it has arguments.

After `f(x) = x^2`, `f(3, 2)` is 9: Sage substitutes the first value for x and drops the rest
without a word, where Python would have refused the call. The value reads as an answer for
both, so an agent that took f for a function of two variables goes on with one. One line on
stderr says what f takes and what went unused. Counterpart: `notes`, which runs this check
after a cell.
"""

from __future__ import annotations

import ast
import re
from typing import Any

from sage_sidecar import cell_calls
from sage_sidecar.shown import listed

# A call with a comma in it, as preparsed: `f(Integer(3), Integer(2))`.
CANDIDATE = re.compile(r"(?<![\w.])[^\W\d]\w*\((?:[^()\n]|\([^()\n]*\))*,")
_NOTE = (
    "Note: {call} gave {name} more values than it has arguments: {name} is {shown}, a function "
    "of {arguments}, and Sage ignored the rest ({ignored}) without a word. A function of more "
    "variables is defined with them all, as {name}({example}) = ..."
)


def note(tree: ast.Module, value: Any, namespace: dict[str, Any]) -> str | None:
    """The note, for the first call the cell ran of a callable symbolic expression with more
    positional values than its arguments."""
    from sage.symbolic.expression import Expression

    for call in cell_calls.own_calls(tree):
        if not isinstance(call.func, ast.Name) or len(call.args) < 2:
            continue
        if any(isinstance(argument, ast.Starred) for argument in call.args):
            continue
        function = namespace.get(call.func.id)
        if not isinstance(function, Expression) or not function.is_callable():
            continue
        arguments = [str(argument) for argument in function.arguments()]
        if len(call.args) <= len(arguments):
            continue
        ignored = call.args[len(arguments) :]
        return _NOTE.format(
            call=cell_calls.as_written(call),
            name=call.func.id,
            shown=function,
            arguments=listed(arguments) + (" alone" if len(arguments) == 1 else ""),
            ignored=", ".join(cell_calls.as_written(node) for node in ignored),
            example=", ".join([*arguments, *_more_names(arguments, len(ignored))]),
        )
    return None


def _more_names(taken: list[str], count: int) -> list[str]:
    """`count` variable names not in `taken`, for the example definition."""
    candidates = [name for name in ("x", "y", "z", "t", "u", "v", "w") if name not in taken]
    candidates += [f"x{k}" for k in range(1, count + 1)]
    return candidates[:count]
