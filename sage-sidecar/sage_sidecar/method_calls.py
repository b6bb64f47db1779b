"""Hints for Sage's methods called otherwise than Sage calls them: as a function,
`eigenvalues(A)`, `rref(A)`, `simplify_full(e)`, `subs(f, x=1)`; a symbolic expression's
method that takes the variable called without it, `p.degree()`; and a method used as a value,
as NumPy's and SymPy's attributes are, `z.real + 1`.

Maple, Mathematica and SymPy have the first as functions; Sage has them as methods of the
value, and no function of the name, so the NameError says only that the name is not defined.
The hint writes the call as a method's, with the cell's own arguments: `A.eigenvalues()`. And
a polynomial's degree() takes no argument, where a symbolic expression's, which may have
several variables, takes the one it is of: "degree() takes exactly 1 positional argument (0
given)" does not say which. Counterpart: `hints`, which puts the hint under the error.
"""

from __future__ import annotations

import ast
import contextlib
import inspect
import re
from collections.abc import Callable
from typing import Any

from sage_sidecar import cell_calls

_HINT = "{name} is a method in Sage, not a function: {way}."
# A method used as a value, as NumPy's and SymPy's attributes are: `z.real + 1`, `float(z.imag)`.
METHOD_AS_A_VALUE = re.compile(r"method'")
_UNCALLED_ATTRIBUTE = re.compile(r"(?<![\w.])([^\W\d]\w*)\s*\.\s*([^\W\d]\w*)\b(?!\s*\()")
_CALL_IT = (
    "{name}.{method} is a method in Sage, where NumPy and SymPy have such an attribute: its "
    "value is {name}.{method}()."
)
# A symbolic expression's method that takes its variable, called without.
WITHOUT_THE_VARIABLE = re.compile(
    r"(\w+)\(\) takes (?:exactly|at least) 1 positional argument \(0 given\)"
)
_VARIABLE = "{method}() of a symbolic expression takes the variable it is of: {way}."
# How each such method is called, with `{v}` for the variable.
_WITH_THE_VARIABLE = {
    "degree": "degree({v})",
    "low_degree": "low_degree({v})",
    "leading_coefficient": "leading_coefficient({v})",
    "trailing_coefficient": "trailing_coefficient({v})",
    "coefficient": "coefficient({v}, 2), the coefficient of {v}^2",
    "collect": "collect({v})",
    "is_polynomial": "is_polynomial({v})",
}


def hint(name: str, line: str, namespace: dict[str, Any]) -> str | None:
    """For the NameError of `name`, called on the cell's failing `line` with `namespace`'s
    names in reach: the call as a method of its first argument, if that has the method."""
    from sage.repl.preparse import preparse

    for source, statement in cell_calls.parsed_statements(line):
        call = _call_of(name, statement)
        if call is None:
            continue
        receiver = call.args[0]
        value = None
        with contextlib.suppress(Exception):
            preparsed = _call_of(name, ast.parse(preparse(ast.unparse(call))))
            if preparsed is not None:
                value = cell_calls.evaluated(preparsed.args[0], namespace)
        given = len(call.args) - 1, [k.arg for k in call.keywords]
        samples = [value] if value is not None else _samples()
        if not any(_takes(sample, name, *given) for sample in samples):
            return None
        segment = cell_calls.segment(source, receiver) or ast.unparse(receiver)
        arguments = [
            cell_calls.segment(source, node) or ast.unparse(node)
            for node in (*call.args[1:], *call.keywords)
        ]
        way = f"{cell_calls.as_operand(segment, receiver)}.{name}({', '.join(arguments)})"
        return _HINT.format(name=name, way=way)
    return None


def uncalled_hint(line: str, look_up: Callable[[str], Any]) -> str | None:
    """For a method used as a value on the cell's failing `line`, its string literals emptied:
    the first `name.method`, not called, whose value is a method of the value `name` holds
    (`look_up` gives it)."""
    for name, method in _UNCALLED_ATTRIBUTE.findall(line):
        found = getattr(look_up(name), method, None)
        if inspect.isroutine(found) and getattr(found, "__self__", None) is not None:
            return _CALL_IT.format(name=name, method=method)
    return None


def variable_hint(method: str, receiver: tuple[str, Any] | None) -> str | None:
    """For `method`, called with no argument on the cell's failing line on `receiver` (its
    name and value): the call with the variable, if the value is a symbolic expression."""
    from sage.symbolic.expression import Expression

    way = _WITH_THE_VARIABLE.get(method)
    if way is None or receiver is None or not isinstance(receiver[1], Expression):
        return None
    variables = [str(v) for v in receiver[1].variables()]
    variable = "x" if "x" in variables or not variables else variables[0]
    return _VARIABLE.format(method=method, way=f"{receiver[0]}.{way.format(v=variable)}")


def _call_of(name: str, tree: ast.AST) -> ast.Call | None:
    """The first call in `tree` of the function `name` with an argument."""
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == name
            and node.args
            and not isinstance(node.args[0], ast.Starred)
        ):
            return node
    return None


def _takes(value: Any, method: str, positional: int, keywords: list[str | None]) -> bool:
    """Whether `value`'s class has `method`, a method, not a property (a matrix's `T`), which
    takes as many more arguments and such keywords, where its signature says: SymPy's
    hessian(f, [x, y]) is `f.hessian()` in Sage."""
    if not inspect.isroutine(getattr(type(value), method, None)):
        return False
    try:
        signature = inspect.signature(getattr(value, method))
    except (TypeError, ValueError):
        return True  # one that does not say may take them
    named = {keyword: None for keyword in keywords if keyword is not None}
    try:
        signature.bind(*[None] * positional, **named)
    except TypeError:
        return False
    return True


def _samples() -> tuple[Any, ...]:
    """A symbolic expression, a matrix and a polynomial: what a method called as a function
    is most often asked of."""
    from sage.all import QQ, SR, matrix

    return SR.var("x"), matrix(QQ, [[1]]), QQ["x"].gen()
