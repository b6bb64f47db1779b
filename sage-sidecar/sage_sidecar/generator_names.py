"""Says how to name the generators of a ring or field made without names.

`NumberField(x^2 + 1)` and `PolynomialRing(QQ)` fail with "You must specify the name of the
generator" or "the names of the variables", and `FunctionField(QQ)` with a missing argument:
the hint writes the call with a name, and the Sage way, `K.<a> = NumberField(x^2 + 1)`, which
binds the generator to that name as well. Counterpart: `hints`, which adds it to the error.
"""

from __future__ import annotations

import ast
import re

from sage_sidecar import cell_calls

REFUSED = re.compile(
    r"You must specify the name of the generator\.|you must specify the names of the variables"
    r"|.{1,100}missing 1 required positional argument: 'names'"
)
# The constructors that want names, with what the hint calls the result and its generator.
_NAMED = {
    "NumberField": ("K", "a", "generator"),
    "extension": ("K", "a", "generator"),
    "PolynomialRing": ("R", "x", "variable"),
    "LaurentPolynomialRing": ("R", "q", "variable"),
    "FunctionField": ("K", "t", "variable"),
    "LazyPowerSeriesRing": ("L", "z", "variable"),
}
_LETTERS = "xyzw"
_HINT = (
    "{function}() needs {what}, as a string: {named}; or, as Sage writes it, {sages}, which "
    "binds {bound} in the session too."
)


def hint(line: str) -> str | None:
    """For a constructor on the failing `line` refused for want of names: the call with them."""
    tree = cell_calls.parsed_line(line)
    if tree is None:
        return None
    for call in ast.walk(tree):
        if not isinstance(call, ast.Call):
            continue
        function = call.func
        name = function.id if isinstance(function, ast.Name) else getattr(function, "attr", "")
        if name not in _NAMED or call.keywords:
            continue
        result, generator, kind = _NAMED[name]
        count = _count(call)
        names = [generator] if count == 1 else [*_LETTERS[:count]] if count <= 4 else []
        if not names:
            return None
        written = cell_calls.segment(line, call) or ""
        arguments = ", ".join(cell_calls.segment(line, a) or "..." for a in call.args)
        callee = cell_calls.segment(line, function) or name
        listed = ", ".join(names)
        return _HINT.format(
            function=name,
            what=f"the name of its {kind}" if count == 1 else f"the names of its {kind}s",
            named=f"{callee}({arguments}, '{listed}')",
            sages=f"{result}.<{listed}> = {written}",
            bound=listed,
        )
    return None


def _count(call: ast.Call) -> int:
    """How many generators a call asks for: PolynomialRing(QQ, 2) two, else one."""
    if len(call.args) >= 2:
        second = call.args[1]
        if isinstance(second, ast.Constant) and isinstance(second.value, int):
            return second.value
    return 1
