"""What the notes read of the calls in a cell's parsed code: what a call calls, the values of
the calls the cell bound to a name at its top (`s = solve(...)`) or shows, which are still
at hand after it ran, the calls outside what it defines, those of Sage's symbolic functions,
code as the cell wrote it, and the value of an argument or receiver that can be evaluated
again with no effects of its own; and, for the hints too, the cell's failing line, parsed on
its own. Counterparts: the notes' checks and the hints."""

from __future__ import annotations

import ast
import re
from collections import deque
from collections.abc import Collection, Iterable, Iterator
from typing import Any

# What is evaluated again: names, numbers (the preparser's literals among them) and arithmetic.
_ARITHMETIC = (
    ast.Expression, ast.Name, ast.Constant, ast.BinOp, ast.UnaryOp, ast.Load,
    ast.operator, ast.unaryop,
)  # fmt: skip
_LITERALS = frozenset({"Integer", "RealNumber"})
_NUMBER_RINGS = frozenset({"ZZ", "QQ", "RR", "RDF", "CC", "CDF", "RIF", "AA", "QQbar"})
# Of a list of numbers, a number: `sum([0.1] * 10)`.
_AGGREGATES = frozenset({"sum", "abs", "min", "max"})
# A number of a value, as a function or a method: `N(sqrt(2))`, `sqrt(2).n()`; read again in
# a precision up to this, for its cost.
_MAX_BITS = 4096
APPROXIMATIONS = frozenset({"N", "n", "numerical_approx"})
_PREPARSED_LITERAL = re.compile(r"(?:Integer|RealNumber)\('?(-?[\d.]+(?:e[-+]?\d+)?)'?\)")
# An imaginary literal, `4j`, as the preparser makes it.
_IMAGINARY = "ComplexNumber"
_PREPARSED_IMAGINARY = re.compile(r"ComplexNumber\(0, '([\d.]+(?:e[-+]?\d+)?)'\)")
# What a cell defines, whose code runs when it is called; with classes, whose names are their
# own; and comprehensions, whose variables are their own.
FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
DEFINITIONS = (*FUNCTIONS, ast.ClassDef)
COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
# Scopes of their own: a name there is not the session's, and their code has not run.
SCOPES = (*DEFINITIONS, *COMPREHENSIONS)
# The last cell tree walked, and its own nodes: each check that asks after a cell walks it.
_walked: tuple[ast.Module, tuple[ast.AST, ...]] | None = None


def called(call: ast.Call) -> str:
    """The name of the function or method `call` calls: `limit` in `f.limit(x=0)`."""
    function = call.func
    return function.id if isinstance(function, ast.Name) else getattr(function, "attr", "")


def receiver(call: ast.Call) -> ast.expr | None:
    """What `call` calls a method of: `f` in `f.roots()`; None for a call of a function."""
    return call.func.value if isinstance(call.func, ast.Attribute) else None


def worked_on(call: ast.Call) -> tuple[ast.expr, list[ast.expr]] | None:
    """What `call` works on, with its other positional arguments: a method's receiver and all
    its arguments (`f` of `f.diff(x)`), or a function's first argument and the rest (`f` of
    `diff(f, x)`); None for a function called with none."""
    if isinstance(call.func, ast.Attribute):
        return call.func.value, call.args
    if call.args:
        return call.args[0], call.args[1:]
    return None


def bound(
    tree: ast.Module, namespace: dict[str, Any], names: Collection[str]
) -> Iterator[tuple[ast.Call, Any]]:
    """Each call of one of `names` that a statement at the top of the cell `tree` assigns to
    a name, with the value the name holds in `namespace` after the cell."""
    for call, value, _ in bound_to(tree, namespace, names):
        yield call, value


def bound_to(
    tree: ast.Module, namespace: dict[str, Any], names: Collection[str]
) -> Iterator[tuple[ast.Call, Any, str]]:
    """As `bound`, with the name each value is bound to."""
    for statement in tree.body:
        if (
            isinstance(statement, ast.Assign)
            and len(statement.targets) == 1
            and isinstance(statement.targets[0], ast.Name)
            and isinstance(statement.value, ast.Call)
            and called(statement.value) in names
        ):
            name = statement.targets[0].id
            yield statement.value, namespace.get(name), name


def shown_expression(tree: ast.Module) -> ast.expr | None:
    """The expression of the cell `tree`'s last statement, whose value the cell shows; None
    where its last statement is no expression."""
    final = tree.body[-1] if tree.body else None
    return final.value if isinstance(final, ast.Expr) else None


def results(
    tree: ast.Module, value: Any, namespace: dict[str, Any], names: Collection[str]
) -> list[tuple[ast.Call, Any, str]]:
    """Each call of one of `names` at the top of the cell `tree` whose result is at hand, with
    the result and the name it goes by: the one a statement bound it to (`bound_to`), or `_`
    for the cell's last expression, whose value is `value`."""
    found = list(bound_to(tree, namespace, names))
    last = shown_expression(tree)
    if isinstance(last, ast.Call) and called(last) in names and value is not None:
        found.append((last, value, "_"))
    return found


def matrices_asked(
    tree: ast.Module, value: Any, namespace: dict[str, Any], method: str, max_size: int
) -> Iterator[tuple[str, Any]]:
    """Each matrix, by name, of which the cell `tree` shows (as `value`) or binds `method`()
    called with no arguments, but for one with more than `max_size` rows or columns, too
    large to answer again cheaply."""
    from sage.structure.element import Matrix

    for call, _, _ in results(tree, value, namespace, (method,)):
        found = receiver(call)
        if call.args or call.keywords or not isinstance(found, ast.Name):
            continue
        matrix = namespace.get(found.id)
        if isinstance(matrix, Matrix) and max(matrix.dimensions()) <= max_size:
            yield found.id, matrix


def as_written(node: ast.AST) -> str:
    """The code of `node`, parsed from preparsed code, with its number literals and powers as
    the cell wrote them: `r[Integer(1)]` is `r[1]`, `ComplexNumber(0, '4')` is `4j`,
    `x ** Integer(2)` is `x^2`."""
    written = _PREPARSED_IMAGINARY.sub(r"\1j", ast.unparse(node))
    return _PREPARSED_LITERAL.sub(r"\1", written).replace(" ** ", "^")


def parsed_line(line: str) -> ast.Module | None:
    """The cell's failing `line`, stripped, parsed on its own, its `^` a power as the
    preparser makes it (`x^2 // 3` is (x^2) // 3, where Python's ^ would take 2 // 3);
    `segment` gives its nodes' code. None for a line of a statement that goes on over
    others, or in Sage's syntax, which does not parse alone."""
    try:
        return ast.parse(_with_powers(line))
    except (SyntaxError, ValueError):  # ValueError: a null byte
        return None


def preparsed_line(line: str) -> ast.Module | None:
    """The cell's failing `line`, stripped, as the preparser made it and the cell ran it
    (`1/2` is `Integer(1)/Integer(2)`), parsed on its own; None for a line of a statement
    that goes on over others."""
    from sage.repl.preparse import preparse

    try:
        code: str = preparse(line.strip())
        return ast.parse(code)
    except (SyntaxError, ValueError):  # ValueError: a null byte
        return None


def parsed_statements(line: str) -> list[tuple[str, ast.Module]]:
    """`line` parsed, as `parsed_line` parses it, and, for one with `;`, each `;`-separated
    statement of it that parses alone (`R.<t> = QQ[]; roots(t^2 - 1)`, `b = v; A \\ b`);
    each with the source it was parsed from, which `segment` takes."""
    pieces = [line.strip()] + ([p.strip() for p in line.split(";")] if ";" in line else [])
    parsed = ((piece, parsed_line(piece)) for piece in pieces)
    return [(piece, tree) for piece, tree in parsed if tree is not None]


def segment(line: str, node: ast.AST) -> str | None:
    """The code of `node`, of `parsed_line(line)`, as the cell wrote it."""
    text = ast.get_source_segment(_with_powers(line), node)
    return None if text is None else text.replace("**", "^")


def _with_powers(line: str) -> str:
    """`line`, stripped, with its ^ written as Python's power, **; as it is where it has
    Sage's exclusive or, ^^."""
    stripped = line.strip()
    return stripped if "^^" in stripped else stripped.replace("^", "**")


def as_operand(text: str, node: ast.expr) -> str:
    """`text`, the code of `node`, in parentheses unless it is a name, a literal, a call, an
    attribute or a subscript, which an operator or a method call takes as they are."""
    atomic = isinstance(node, ast.Name | ast.Constant | ast.Call | ast.Attribute | ast.Subscript)
    return text if atomic else f"({text})"


def a_number(node: ast.expr) -> bool:
    """Whether `node` is a number as the cell wrote it: `3`, or `Integer(3)` and
    `RealNumber('0.5')` as the preparser made them."""
    if isinstance(node, ast.Call):
        return isinstance(node.func, ast.Name) and node.func.id in _LITERALS
    return isinstance(node, ast.Constant) and isinstance(node.value, int | float)


def own_nodes(roots: Iterable[ast.AST]) -> Iterator[ast.AST]:
    """`roots` and the nodes under them, in the order they are written, but for those in the
    functions, lambdas, classes and comprehensions they define."""
    pending: deque[ast.AST] = deque(roots)
    while pending:
        node = pending.popleft()
        if isinstance(node, SCOPES):
            continue
        yield node
        pending.extend(ast.iter_child_nodes(node))


def bound_names(tree: ast.Module) -> set[str]:
    """The names the cell `tree` binds anywhere: assigned, imported, defined."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.alias):
            names.add((node.asname or node.name).split(".")[0])
    return names


def nodes_of(tree: ast.Module) -> tuple[ast.AST, ...]:
    """`own_nodes` of the cell `tree`'s statements, walked once for all the checks that ask
    after a cell: the last tree's are kept."""
    global _walked
    if _walked is None or _walked[0] is not tree:
        _walked = (tree, tuple(own_nodes(tree.body)))
    return _walked[1]


def own_calls(tree: ast.Module) -> Iterator[ast.Call]:
    """The calls in the cell `tree` that ran as it did: not those in what it defines."""
    return (node for node in nodes_of(tree) if isinstance(node, ast.Call))


def asked_of_names(
    tree: ast.Module, namespace: dict[str, Any], method: str
) -> Iterator[tuple[str, Any]]:
    """Each call the cell `tree` ran of `method` with no positional arguments on a name
    (`A.SVD()`), as the name and what it holds in `namespace` after the cell."""
    for call in own_calls(tree):
        found = receiver(call)
        if called(call) == method and not call.args and isinstance(found, ast.Name):
            yield found.id, namespace.get(found.id)


def symbolic_calls(
    tree: ast.Module, namespace: dict[str, Any], names: Collection[str]
) -> Iterator[tuple[ast.Call, str]]:
    """Each call in the cell `tree`, outside what it defines, of one of Sage's symbolic
    functions named in `names`, by its name and of one argument; with the name."""
    for call in own_calls(tree):
        function = call.func
        if (
            isinstance(function, ast.Name)
            and function.id in names
            and symbolic_function(namespace.get(function.id))
            and len(call.args) == 1
        ):
            yield call, function.id


def evaluated(receiver: ast.expr, namespace: dict[str, Any], *, ideals: bool = False) -> Any:
    """What `receiver` is, if it is a name, or arithmetic on names and numbers, Sage's
    symbolic functions of them (`sin(x)`), its rings of numbers (`RDF(0.1)`) and their
    approximations (`N(sqrt(2))`, `pi.n(digits=5)`), lists and tuples of
    those and their sum, abs, min or max (`sum([0.1] * 10)`), which has no effects of its own;
    with `ideals`, an ideal made of those too (`R.ideal([a^2 - 2, b])`). None otherwise."""
    callees: set[int] = set()  # the method calls' callees, taken as they are
    for node in ast.walk(receiver):  # breadth first: a call comes before its callee
        if isinstance(node, ast.Call) and ideals and _makes_an_ideal(node):
            callees.add(id(node.func))
            continue
        if isinstance(node, ast.Call) and _approximation(node, namespace):
            callees.update(map(id, [node.func, *node.keywords]))
            continue
        literal = (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and not node.keywords
            and (
                (
                    node.func.id in (*_LITERALS, _IMAGINARY)
                    and namespace.get(node.func.id) is not None
                )
                or symbolic_function(namespace.get(node.func.id))
                or _sages(node.func.id, namespace, _NUMBER_RINGS | _AGGREGATES)
            )
        )
        if not (
            literal
            or isinstance(node, _ARITHMETIC)
            or id(node) in callees
            or isinstance(node, ast.List | ast.Tuple)
        ):
            return None
    return eval(compile(ast.Expression(receiver), "<receiver>", "eval"), namespace)


def precision_arguments(call: ast.Call) -> tuple[list[ast.expr], list[ast.keyword]] | None:
    """For a call of N, n or numerical_approx, as a function of the number (`N(x, 50)`) or as
    its method (`x.n(50)`): the arguments that follow the number, and the keywords; None for
    another call. Whose N it is, the caller asks."""
    function = call.func
    if isinstance(function, ast.Attribute) and function.attr in APPROXIMATIONS:
        return call.args, call.keywords
    if isinstance(function, ast.Name) and function.id in APPROXIMATIONS and call.args:
        return call.args[1:], call.keywords
    return None


def _approximation(call: ast.Call, namespace: dict[str, Any]) -> bool:
    """Sage's N(e), or e.n() of one of Sage's values e (another object's n() may do anything),
    in double precision or in a precision the call gives as a number, of at most `_MAX_BITS`
    bits or digits: `N(sqrt(2))`, `pi.n(digits=5)`."""
    from sage.structure.element import Element

    arguments = precision_arguments(call)
    if arguments is None:
        return False
    function = call.func
    if isinstance(function, ast.Attribute):
        if not isinstance(evaluated(function.value, namespace), Element):
            return False
    elif isinstance(function, ast.Name) and not _sages(function.id, namespace, APPROXIMATIONS):
        return False
    precision, keywords = arguments
    if any(keyword.arg not in ("digits", "prec") for keyword in keywords):
        return False
    given = [*precision, *(keyword.value for keyword in keywords)]
    if len(given) > 1 or not all(a_number(node) for node in given):
        return False
    return all(0 < evaluated(node, namespace) <= _MAX_BITS for node in given)


def sages_own(name: str, namespace: dict[str, Any]) -> bool:
    """Whether `name`, in `namespace`, is still Sage's own function, or Python's builtin where
    Sage has none: not one the cell bound."""
    return _sages(name, namespace, frozenset({name}))


def _sages(name: str, namespace: dict[str, Any], names: frozenset[str]) -> bool:
    """Whether `name` is one of `names` and, in `namespace`, still Sage's own, or Python's
    for a builtin Sage has none of (abs, min, max): not one the cell bound."""
    import builtins

    import sage.all

    own = getattr(sage.all, name, None) or getattr(builtins, name, None)
    return (
        name in names
        and own is not None
        and namespace.get(name, getattr(builtins, name, None)) is own
    )


def _makes_an_ideal(call: ast.Call) -> bool:
    """`R.ideal(...)`, or Sage's `ideal(...)`."""
    function = call.func
    if isinstance(function, ast.Attribute):
        return function.attr == "ideal" and isinstance(function.value, ast.Name)
    return isinstance(function, ast.Name) and function.id in ("ideal", "Ideal")


def symbolic_function(value: Any) -> bool:
    """Whether `value` is one of Sage's symbolic functions (sin, exp, ...), or its sqrt or
    log, which give a value and do nothing else."""
    from sage.misc.functional import log, sqrt
    from sage.symbolic.function import Function

    return isinstance(value, Function) or value is sqrt or value is log
