"""Says so when Python decided once, for a symbolic variable, what was meant for each value.

A function written for numbers, `def f(x): if x > 0: return x^2 ...`, called as `f(x)` with
the symbolic x, runs once: its `if` asks Sage whether `x > 0`, which Sage answers for the
symbol (False: it does not hold for every x), and f takes one branch for all x. So
`plot(f(x), (x, -1, 1))` draws -x, and `numerical_integral(f(x), -1, 1)` is 0.0. Python's
`max(x, 0)` is x the same way, and so is the cell's own conditional, `f(x) = x^2 if x > 0 else
-x`, which makes f the function -x. Nothing fails. One line on stderr says what happened and what
to write instead. Counterpart: `notes`, which runs this check after a cell.
"""

from __future__ import annotations

import ast
import builtins
import inspect
import re
import textwrap
import types
from typing import Any

from sage_sidecar import cell_calls
from sage_sidecar.shown import session_function, shown

# Cheap enough to run on every cell: a call whose first argument starts with a name not
# called there, `f(x)` or `f(x - 1)`, or of max or min. Only a cell it finds is parsed.
CANDIDATE = re.compile(r"(?<![\w.])(?:[^\W\d]\w*\(\s*[^\W\d]\w*(?!\w|\s*\()|max\(|min\()")
# An `if`, `elif`, `while` or conditional expression that orders something, `if x > 0`.
CONDITIONAL_CANDIDATE = re.compile(r"(?<![\w.])(?:elif|if|while)\s[^\n:]*?[<>]")
_EXTREMES = {"max": "maximum", "min": "minimum"}
_DECIDING = (ast.If, ast.IfExp, ast.While)
# Orderings: a function defined piece by piece. Not `x == 0`, which guards a special case
# that the symbol, rightly, is not.
_ORDERINGS = (ast.Lt, ast.LtE, ast.Gt, ast.GtE)
_MAX_SHOWN = 60
_FUNCTION = (
    "Note: {call} ran {name} once, with the symbolic {variable}{as_parameter}, and {name} "
    "decides on {decision}: Sage answered that for the symbol, not for each value of "
    "{variable}, so {name} took one way for all of them. Where a function is wanted, give "
    "{name} itself, as plot({name}, ({variable}, a, b)) or numerical_integral({name}, a, b), "
    "so that it is called with numbers; for a symbolic answer, write it with piecewise() or "
    "max_symbolic()."
)
_CONDITIONAL = (
    "Note: the cell decides on {decision} with the symbolic {variable}: Sage answered that "
    "for the symbol, not for each value of {variable}, so the cell took one way for all of "
    "them. {instead}"
)
# For a conditional expression `a if x > c else b` of one ordering of a variable and a
# rational number, which piecewise() takes as its pieces' domains.
_PIECEWISE = (
    "Piece by piece, it is piecewise([({test}, {body}), ({negated}, {orelse})]), in the "
    "conditional's place; as a Python function called with numbers, lambda {variable}: "
    "{conditional}."
)
_PIECE_BY_PIECE = (
    "For a function defined piece by piece, write it with piecewise(), as "
    "piecewise([(x < 0, -x), (x >= 0, x^2)]), or as a Python function called with numbers, "
    "where the comparison is decided for each."
)
_NEGATED: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Lt: ast.GtE, ast.LtE: ast.Gt, ast.Gt: ast.LtE, ast.GtE: ast.Lt,
}  # fmt: skip
_EXTREME = (
    "Note: {call} is Python's {function}: it compared its arguments once, for the symbolic "
    "{variable}, and gave one of them back. As a function of {variable}, the {extreme} is "
    "{function}_symbolic({arguments})."
)


def note(tree: ast.Module, value: Any, namespace: dict[str, Any]) -> str | None:
    """The note for the first call in the cell `tree`, outside its own functions, of Python's
    max or min, or of a function the session defined that decides on an argument, given a
    symbolic expression."""
    for call in cell_calls.own_calls(tree):
        function = call.func
        if not isinstance(function, ast.Name):
            continue
        held = namespace.get(function.id, getattr(builtins, function.id, None))
        if function.id in _EXTREMES and held is getattr(builtins, function.id):
            arguments = call.args
            if len(arguments) == 1 and isinstance(arguments[0], ast.List | ast.Tuple):
                arguments = arguments[0].elts
            variable = next(filter(None, (_symbolic(a, namespace) for a in arguments)), None)
            if variable is not None:
                return _EXTREME.format(
                    call=shown(cell_calls.as_written(call), _MAX_SHOWN),
                    function=function.id,
                    variable=variable,
                    extreme=_EXTREMES[function.id],
                    arguments=", ".join(cell_calls.as_written(a) for a in arguments),
                )
        elif session_function(held):
            text = _decided_once(call, function.id, held, namespace)
            if text is not None:
                return text
    return None


def conditional_note(tree: ast.Module, value: Any, namespace: dict[str, Any]) -> str | None:
    """The note for the first `if`, `while` or conditional expression of the cell `tree`,
    outside its own functions, that orders a symbolic expression."""
    for node in cell_calls.nodes_of(tree):
        if not isinstance(node, _DECIDING):
            continue
        for part in cell_calls.own_nodes([node.test]):
            if not (
                isinstance(part, ast.Compare) and any(isinstance(op, _ORDERINGS) for op in part.ops)
            ):
                continue
            sides = (part.left, *part.comparators)
            variable = next(filter(None, (_symbolic(side, namespace) for side in sides)), None)
            if variable is None:
                continue
            return _CONDITIONAL.format(
                decision=shown(cell_calls.as_written(part), _MAX_SHOWN),
                variable=variable,
                instead=_instead(node, part, namespace) or _PIECE_BY_PIECE,
            )
    return None


def _instead(node: ast.AST, test: ast.Compare, namespace: dict[str, Any]) -> str | None:
    """What to write in place of the conditional expression `node`, if its test is `test`
    alone, one ordering of a variable and a rational number, and neither branch decides."""
    from sage.rings.integer import Integer
    from sage.rings.rational import Rational

    if not (
        isinstance(node, ast.IfExp)
        and node.test is test
        and len(test.ops) == 1
        and not any(
            isinstance(part, ast.IfExp) for part in (*ast.walk(node.body), *ast.walk(node.orelse))
        )
    ):
        return None
    left, right = test.left, test.comparators[0]
    variable, number = (left, right) if isinstance(left, ast.Name) else (right, left)
    if not (
        isinstance(variable, ast.Name)
        and getattr(namespace.get(variable.id), "is_symbol", bool)()
        and isinstance(cell_calls.evaluated(number, namespace), int | Integer | Rational)
    ):
        return None
    negated = ast.Compare(left, [_NEGATED[type(test.ops[0])]()], [right])
    return _PIECEWISE.format(
        test=cell_calls.as_written(test),
        body=cell_calls.as_written(node.body),
        negated=cell_calls.as_written(negated),
        orelse=cell_calls.as_written(node.orelse),
        variable=variable.id,
        conditional=cell_calls.as_written(node),
    )


def _decided_once(
    call: ast.Call, name: str, function: types.FunctionType, namespace: dict[str, Any]
) -> str | None:
    """The note for `call` of the session's `function`, by `name`, if it gave a parameter a
    symbolic expression that the function decides on."""
    code = function.__code__
    parameters = code.co_varnames[: code.co_argcount]
    given = {
        parameter: variable
        for parameter, argument in [
            *zip(parameters, call.args, strict=False),
            *((k.arg, k.value) for k in call.keywords if k.arg is not None),
        ]
        if (variable := _symbolic(argument, namespace)) is not None
    }
    if not given:
        return None
    decision = _decision(function, parameters, set(given))
    if decision is None:
        return None
    text, parameter = decision
    return _FUNCTION.format(
        call=shown(cell_calls.as_written(call), _MAX_SHOWN),
        name=name,
        variable=given[parameter],
        as_parameter=f" as its {parameter}" if parameter != given[parameter] else "",
        decision=shown(text, _MAX_SHOWN),
    )


def _symbolic(node: ast.expr, namespace: dict[str, Any]) -> str | None:
    """The name of the symbolic expression that `node` is made of (`x`, `2*x - 1`), if it
    is one: a name holding an expression with variables, in sums and products and Sage's
    functions of them. Not one whose variables have assumptions (`assume(x > 0)`): Sage
    decides for those, as meant."""
    from sage.symbolic.assumptions import assumptions
    from sage.symbolic.expression import Expression

    if isinstance(node, ast.Name):
        held = namespace.get(node.id)
        if not isinstance(held, Expression):
            return None
        variables = held.variables()
        return node.id if variables and not assumptions(*variables) else None
    if isinstance(node, ast.BinOp):
        return _symbolic(node.left, namespace) or _symbolic(node.right, namespace)
    if isinstance(node, ast.UnaryOp):
        return _symbolic(node.operand, namespace)
    if isinstance(node, ast.Call):  # Sage's functions of one, `sin(x)`
        held = cell_calls.evaluated(node, namespace)
        if isinstance(held, Expression) and (variables := held.variables()):
            return None if assumptions(*variables) else str(variables[0])
    return None


def _decision(
    function: types.FunctionType, parameters: tuple[str, ...], symbolic: set[str]
) -> tuple[str, str] | None:
    """The first ordering the function's `if`, `while` or conditional expression makes of
    one of the `symbolic` parameters, or max or min of one, as its source writes it, and
    that parameter."""
    try:
        source = textwrap.dedent(inspect.getsource(function))
        tree = ast.parse(source)
    except (OSError, TypeError, SyntaxError):  # no source at hand, or not one piece of code
        return None
    definition = _definition(tree, function.__name__, parameters)
    if definition is None:
        return None
    for node in cell_calls.own_nodes(ast.iter_child_nodes(definition)):
        found: ast.AST | None = None
        if isinstance(node, _DECIDING):
            found = next(
                (
                    part
                    for part in ast.walk(node.test)
                    if isinstance(part, ast.Compare)
                    and any(isinstance(op, _ORDERINGS) for op in part.ops)
                    and _mentions(part, symbolic)
                ),
                None,
            )
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in _EXTREMES
            and function.__globals__.get(node.func.id, getattr(builtins, node.func.id))
            is getattr(builtins, node.func.id)
            and _mentions(node, symbolic)
        ):
            found = node
        if found is not None:
            text = ast.get_source_segment(source, found) or ast.unparse(found)
            return text, next(
                p.id for p in ast.walk(found) if isinstance(p, ast.Name) and p.id in symbolic
            )
    return None


def _definition(
    tree: ast.Module, name: str, parameters: tuple[str, ...]
) -> ast.FunctionDef | ast.Lambda | None:
    """The function called `name`, or the lambda, with these `parameters` in `tree`."""
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name == name:
            return node
        if (
            isinstance(node, ast.Lambda)
            and name == "<lambda>"
            and tuple(a.arg for a in node.args.args) == parameters
        ):
            return node
    return None


def _mentions(node: ast.AST, names: set[str]) -> bool:
    return any(isinstance(part, ast.Name) and part.id in names for part in ast.walk(node))
