"""A hint for a symbolic function that `function('y')` made, used where its value is wanted.

`function('y')` makes the function and binds the name y to it, also when the cell writes it
inline: `desolve(diff(function('y')(x), x) - y, function('y')(x))` rebinds y, once a variable,
to the function, and the subtraction fails with "unsupported operand type(s) for -:
'sage.symbolic.expression.Expression' and 'NewSymbolicFunction'". `diff(y, x)` says "unable
to convert y to a symbolic expression" and `desolve(..., y)` "'NewSymbolicFunction' object has
no attribute 'operator'": none says that y(x) is what was meant. Counterpart: `hints`, which
puts the hint under the error.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

_HINT = (
    "{name} is the symbolic function {name} that function('{name}') made, not its value: "
    "write it applied to its variable, as {call}, in expressions, in diff() and as desolve's "
    "unknown."
)
# What Sage's messages name a function made by function() by.
_CLASS = "NewSymbolicFunction"


def hint(
    exc: BaseException, message: str, line: Callable[[], str], names: Callable[[], list[Any]]
) -> str | None:
    """For `exc`, with `message`, raised at the cell's `line`, whose uncalled `names` (with their
    values) include a function function() made that the error is about."""
    if not (
        _CLASS in message
        or message.endswith(" to a symbolic expression")
        or (type(getattr(exc, "obj", None)).__name__ == _CLASS)
    ):
        return None  # cheap: most errors are not about such a function
    for name, value in names():
        if type(value).__name__ != _CLASS or not _about(exc, message, value):
            continue
        called = re.search(rf"(?<![\w.]){re.escape(name)}\(([^()]*)\)", line())
        variables = list(dict.fromkeys(n for n, v in names() if _is_a_variable(v)))
        argument = called[1] if called else (variables[0] if len(variables) == 1 else "x")
        return _HINT.format(name=name, call=f"{name}({argument})")
    return None


def _about(exc: BaseException, message: str, function: Any) -> bool:
    """Whether the error is about `function`: its message names the function's class or the
    function, or it is an attribute the function lacks."""
    if isinstance(exc, AttributeError):
        return getattr(exc, "obj", None) is function
    return _CLASS in message or message == f"unable to convert {function} to a symbolic expression"


def _is_a_variable(value: Any) -> bool:
    from sage.symbolic.expression import Expression

    return isinstance(value, Expression) and value.is_symbol()
