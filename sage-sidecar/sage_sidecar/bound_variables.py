"""Says so when diff, taylor, limit, plot or numerical_integral is given a variable whose
name holds a number, or taylor one in quotes.

After `x = 5`, or `for x in range(3)`, the name `x` is a number. Where Sage wants a variable,
most calls then fail (and `hints` says why), but these answer: `diff(x^2, x)` is the derivative
of 25 by 5, which is 0; `f.diff(x)` with x = 2 is the second derivative in f's own variable;
`taylor(sin(x), x, 0, 5)` and `limit(sin(x)/x, x=0)` are numbers; `plot(sin(x), (x, 0, 1))`
draws the constant sin(5), and `numerical_integral(x^2, 0, 1)` integrates 25. All read as
answers, as does taylor given its variable in quotes (`taylor(f, 'x', 0, 3)` is f), or not at
all (`taylor(f, 0, 5)`, SymPy's order, is f too), or given a number without the point or the
degree (`taylor(f, x, 5)` is about 5). A name is taken for a variable meant when the
expression was written with it, or, for diff and taylor, is an expression in a symbolic
variable of that name (plot and numerical_integral take such an expression's own variable,
rightly). Counterpart: `notes`, which runs this check after a cell.
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
    r"(?<![\w.])(?:diff|derivative|differentiate|taylor|limit|lim|plot|polar_plot"
    r"|numerical_integral)\("
    r"|\.(?:diff|derivative|differentiate|taylor|limit)\("
)
_DERIVATIVES = frozenset({"diff", "derivative", "differentiate"})
_LIMITS = frozenset({"limit", "lim"})
# Those that call the expression at numbers: any variable it has is the one they take.
_NUMERIC = frozenset({"plot", "polar_plot", "numerical_integral"})
# limit's keywords that are options, not the variable and its point.
_LIMIT_OPTIONS = frozenset({"dir", "taylor", "algorithm", "hold"})
_MAX_SHOWN = 60
# taylor(f, 'x', 0, 3) gives f back unchanged, where diff and integrate refuse a string.
_QUOTED = (
    "Note: '{name}' is a string, not the variable {name}: taylor took no variable from it and "
    "gave the expression back unchanged. Give the variable itself, {name}, unquoted."
)
# taylor(sin(x), 0, 5), SymPy's order of arguments without the variable: f back unchanged too.
_NUMBER_FOR_VARIABLE = (
    "Note: taylor took {number} for its variable, and gave the expression back unchanged: it "
    "takes the variable, then the point, then the order, as taylor({expression}, {variable}, "
    "{number}, {order})."
)
# taylor(sin(x), x, 5), the order without the point: Maxima takes 5 for the point, and the
# degree too.
_POINT_FOR_ORDER = (
    "Note: {call} expanded about {variable} = {number}, to degree {number}: taylor takes the "
    "variable, then the point, then the degree. About 0, to degree {number}: {way}."
)
_NOTE = (
    "Note: {name} is {value} here, not a symbolic variable (a cell bound the name to it), so "
    "{function} did not take {name} as its variable, and its answer is not the one meant. To "
    "use {name} as a variable again, declare it, as var('{name}'), or give the value another "
    "name."
)


def note(tree: ast.Module, value: Any, namespace: dict[str, Any]) -> str | None:
    """The note for the first diff, taylor, limit, plot or numerical_integral call in the cell
    `tree` given, as its variable, a name that holds a number in `namespace`."""
    for node in cell_calls.own_calls(tree):
        function = cell_calls.called(node)
        method = isinstance(node.func, ast.Attribute)
        if method and function in _LIMITS | _NUMERIC:
            continue  # lim is not a method; a plot method's expression is its receiver
        if function not in _DERIVATIVES | {"taylor"} | _LIMITS | _NUMERIC:
            continue
        if (operands := cell_calls.worked_on(node)) is None:
            continue
        expression, rest = operands
        if function == "taylor" and (quoted := _quoted_variable(rest)):
            return _QUOTED.format(name=quoted)
        if function == "taylor" and (number := _number_for_variable(rest)):
            return _number_note(number, expression, rest, namespace)
        if function == "taylor" and (point := _point_for_order(rest, namespace)):
            written = cell_calls.as_written(expression)
            way = (
                f"{cell_calls.as_operand(written, expression)}.taylor({point[0]}, 0, {point[1]})"
                if method
                else f"taylor({written}, {point[0]}, 0, {point[1]})"
            )
            return _POINT_FOR_ORDER.format(
                call=cell_calls.as_written(node), variable=point[0], number=point[1], way=way
            )
        if function in _NUMERIC:
            names = _numeric_variables(function, expression, rest, namespace)
        else:
            names = _variables_given(function, rest, node.keywords, namespace)
        for name in names:
            held = namespace.get(name)
            # limit makes its variable from the keyword's name, and plot takes an
            # expression's own: an expression in the symbolic variable of that name is
            # their business, and comes out right.
            seen = {} if function in _LIMITS | _NUMERIC else namespace
            if a_number(held) and _meant_as_a_variable(name, expression, seen):
                return _NOTE.format(name=name, value=shown(held, _MAX_SHOWN), function=function)
    return None


def _quoted_variable(arguments: list[ast.expr]) -> str | None:
    """The name taylor is given in quotes as its variable: `'x'`. (In a pair with its point,
    `('x', 0)`, taylor reads it rightly.)"""
    first = arguments[0] if arguments else None
    if isinstance(first, ast.Constant) and isinstance(first.value, str):
        return first.value if first.value.isidentifier() else None
    return None


def _number_for_variable(arguments: list[ast.expr]) -> str | None:
    """The number taylor is given where its variable goes, followed by one more argument
    (the point and the order, without the variable): `taylor(f, 0, 5)`."""
    if len(arguments) != 2:
        return None
    written = cell_calls.as_written(arguments[0])
    try:
        float(written)
    except ValueError:
        return None
    return written


def _point_for_order(
    arguments: list[ast.expr], namespace: dict[str, Any]
) -> tuple[str, str] | None:
    """The variable and the number taylor is given without a point or without a degree, as
    `taylor(f, x, 5)`, where the number is read as both. Not for a name that holds a number:
    the note on that comes first."""
    from sage.symbolic.expression import Expression

    if len(arguments) != 2 or not isinstance(arguments[0], ast.Name):
        return None
    variable = namespace.get(arguments[0].id)
    if not (isinstance(variable, Expression) and variable.is_symbol()):
        return None
    if not cell_calls.a_number(arguments[1]):
        return None
    return arguments[0].id, cell_calls.as_written(arguments[1])


def _number_note(
    number: str, expression: ast.expr, rest: list[ast.expr], namespace: dict[str, Any]
) -> str:
    from sage.symbolic.expression import Expression

    value = cell_calls.evaluated(expression, namespace)
    variables = value.variables() if isinstance(value, Expression) else ()
    return _NUMBER_FOR_VARIABLE.format(
        number=number,
        expression=cell_calls.as_written(expression),
        variable=variables[0] if variables else "x",
        order=cell_calls.as_written(rest[1]),
    )


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


def _numeric_variables(
    function: str, expression: ast.expr, arguments: list[ast.expr], namespace: dict[str, Any]
) -> Iterator[str]:
    """The names plot is given as its variable, `plot(f, x, a, b)` or `plot(f, (x, a, b))`;
    else, where no name in the expression holds anything but numbers and constants, those of
    its names holding numbers: `plot(sin(x), 0, 1)` and `numerical_integral(x^2, 0, 1)` meant
    x as the variable."""
    if function != "numerical_integral":
        if arguments and isinstance(arguments[0], ast.Name):
            yield arguments[0].id
        for argument in arguments:
            first = argument.elts[0] if isinstance(argument, ast.Tuple) and argument.elts else None
            if isinstance(first, ast.Name):
                yield first.id
    if isinstance(expression, ast.Name):
        return  # a value given as itself, whatever it holds
    called = {id(node.func) for node in ast.walk(expression) if isinstance(node, ast.Call)}
    values = [
        node.id
        for node in ast.walk(expression)
        if isinstance(node, ast.Name) and id(node) not in called
    ]
    if all(_constant(namespace.get(name)) for name in values):
        yield from (name for name in values if a_number(namespace.get(name)))


def _constant(value: Any) -> bool:
    """Whether `value` is a number, or a symbolic expression with no variable (pi, sqrt(2))."""
    from sage.symbolic.expression import Expression

    if isinstance(value, Expression):
        return not value.variables()
    return a_number(value)


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
