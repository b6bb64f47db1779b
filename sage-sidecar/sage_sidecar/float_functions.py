"""Python's `math` and `cmath` functions given a symbolic expression: `math.sqrt(x^2 + 1)`.

They take numbers only and ask the expression for one, which fails with "unable to simplify
to float approximation": a message the hints would otherwise put down to a variable with no
value, advising a substitution, where the cell meant Sage's function of the same name, which
takes expressions and numbers alike. So too where `from math import sin` (or `*`) put
Python's in the place of Sage's. Counterpart: `hints`, which gives it the function the cell's
code was calling when it failed.
"""

from __future__ import annotations

import types
from typing import Any

_MODULES = ("math", "cmath")
_HINT = (
    "{called} {which}, which takes numbers only, and was given a symbolic expression: Sage's "
    "{name}() takes expressions and numbers alike; {way}."
)
_DROP_MODULE = "write {name}(...), without `{head}.`"
_IMPORTED = "from sage.all import {name} gives it back"


def hint(called: str, function: Any) -> str | None:
    """The hint, if `function`, which the cell's code called as `called` (`math.sqrt`,
    `sqrt`), is one of `math` or `cmath` that Sage has one of the same name of."""
    import sage.all

    if not isinstance(function, types.BuiltinFunctionType):
        return None
    module, name = getattr(function, "__module__", None), function.__name__
    sages = getattr(sage.all, name, None)
    if module not in _MODULES or sages is None or sages is function:
        return None
    head = called.rpartition(".")[0]
    if head:
        which, way = "is Python's", _DROP_MODULE.format(name=name, head=head)
    else:
        which, way = f"here is Python's {module}.{name}", _IMPORTED.format(name=name)
    return _HINT.format(called=called, which=which, name=name, way=way)
