"""Says so when what `solve` gave a cell is not the solutions it looks like.

Where Maxima finds no explicit solution, Sage's `solve` gives the equation back rearranged:
`[x == cos(x)]`, `[x == e^x - 2]`, `[0 == x^5 - x + 1]`, and an inequality back unsolved:
`[[sin(x) > 0]]`, `[[log(x) - 1 > 0]]`. It reads as an answer, and an agent goes on with it.
And solve does not check its solutions against the equation's denominators:
`solve((x^2 - 1)/(x - 1) == 2, x)` is `[x == 1]`, where the equation is undefined. And solve
inverts sin, cos and tan by their principal values, so `solve(sin(x) == 1/2, x)` gives
`[x == 1/6*pi]` alone, to_poly_solve=True too. And a cubic's three real roots come as radicals
through complex numbers (`x == (1/2*I*sqrt(3) - 1/2)^(1/3) + ...`), which read as complex
roots; and complex ones come without I where a square root of a negative number stands for them
(`x == sqrt(-1/2*sqrt(5) - 1/2)`), which read as real. Nothing fails in any of these. And
domain='real', which only SymPy's solver reads, is ignored by Maxima's, silently. And an
assume(x > 0) made cells before rules solutions out, as it should, but is easily forgotten. And
`x == e` is written `e == x`, whose rhs() is x itself; and solve(x^2 == 4, y) is [], which
reads as no solutions, where the equation has no y, as is solve(f == 2, x) of a Python function
f, where f == 2 is False. One line on stderr says what the value is and how to get the
solutions (to_poly_solve, for an equation in roots and logarithms). And, once in a session,
what the parameters Maxima writes into solutions stand for: z2951 any integer, r1 any number.
Counterpart: `notes`, which runs these checks after a cell.
"""

from __future__ import annotations

import ast
import operator
import re
from collections.abc import Iterator
from typing import Any, TypeGuard

from sage_sidecar import cell_calls
from sage_sidecar.shown import a_number, session_function, shown

# Cheap enough to run on every cell: only a cell it finds is parsed.
CANDIDATE = re.compile(r"(?<![\w.])solve\(")
# Functions that repeat, which solve inverts by principal values only.
PERIODIC = re.compile(r"(?<![\w.])(?:sin|cos|tan|sec|csc|cot)\(")
# The integer parameter Maxima's to_poly_solve names each family of solutions with: z2951.
_FAMILY = re.compile(r"z\d+")
# What the parameters Maxima names solutions with stand for, by their letter: z2951, and
# an underdetermined system's r1.
_PARAMETERS = {"z": "any integer", "r": "any number"}
_told: set[str] = set()  # the kinds of parameters the session was told of
# An assume() from an earlier cell, which solve applies: [x == 2] for x^2 == 4 after x > 0.
_ASSUMED = (
    "Note: solve applied the assumptions in force from an earlier cell, {assumed}: solutions "
    "they rule out are left out. forget() drops all assumptions, forget({first}) this one."
)
_assumptions_told: set[frozenset[str]] = set()
_MAX_SOLUTIONS = 64
# Nodes of an equation looked at for its denominators, at most.
_MAX_NODES = 500
_MAX_SHOWN = 80
# Equations past this are read no further: the note is not worth a long scan.
_MAX_EQUATIONS_TEXT = 10_000
# An equation's right side that is a number, as the cell wrote it.
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
# The imaginary unit in a value with no variables, as Sage prints it.
_IMAGINARY_UNIT = re.compile(r"(?<![\w.])I(?![\w.])")
# Bits a radical is evaluated with, and the imaginary part, relative to the value, below which
# it is taken for 0: rounding leaves far less, a root with any imaginary part far more.
_PRECISION = 256
_REAL_BELOW = 2.0**-200
# The imaginary part, relative to the value, above which a value is not a real number.
_NOT_REAL_ABOVE = 2.0**-100
# A solution where the equation is undefined: solve cancels a factor its sides share.
_EXCLUDED = (
    "Note: {solutions} {are} no solution: {each} the {kind}'s denominator {zeros} zero, "
    "where the {kind} is undefined: solve does not check its solutions against the "
    "{kind}'s denominators. {rest}"
)
# Of a periodic equation, solve gives one period's solutions: others may be elsewhere.
_ELSEWHERE = (
    "solve inverts sin, cos and tan by their principal values, so the {kind}'s solutions "
    "elsewhere, if it has any, are missing: find_root(f, a, b) finds one in [a, b]."
)
_HIDDEN_COMPLEX = (
    "Note: {count} of these {total} solutions {are} complex, though written without I: "
    "{example} is {value}. Sage's variables are complex, and solve gives the complex solutions "
    "too: the real ones are those whose values have no imaginary part."
)
_REAL_RADICALS = (
    "Note: {which} real, though written with I: radicals reach some real roots only through "
    "complex numbers (a cubic's, when it has three real roots), and n() of them leaves an "
    "imaginary part of rounding error. {their} {values}. As real algebraic numbers, "
    "exactly: {polynomial}.roots({variable}, ring=AA)."
)


_TO_POLY_SOLVE = (
    "Exactly: solve(..., to_poly_solve=True), which squares roots away and combines "
    "logarithms, and so may give solutions that are not: check each by substituting it."
)
# A Python function compared with a value is False, and solve(False, x) is [].
_FUNCTION_COMPARED = (
    "Note: {written} compares the Python function {name} itself with a value, which is False, "
    "and solve(False, {variable}) is []. Call it on the variable: solve({equation}, "
    "{variable})."
)
# solve's [] for a variable the equation lacks reads as "no solutions".
_ABSENT = (
    "Note: solve gave [] because the equation has no {variable}: {its}. Solve for "
    "{them}, as solve(..., {first})."
)
# Some solutions come the other way round: `x == e` is written `e == x` (for log(x) == 1),
# with its variable on the right.
_BACKWARDS = (
    "Note: solve wrote {equation} with {variable} on the right: {variable}'s value is its left "
    "side, {value}, which .lhs() gives; .rhs() gives {variable} itself (and "
    "solution_dict=True {{{value}: {variable}}})."
)
_DOMAIN_IGNORED = (
    "Note: solve's domain={domain!r} takes effect with algorithm='sympy' only: Maxima, which "
    "solved this, ignores it, and these are all its solutions, complex ones too. "
    "solve(..., algorithm='sympy', domain={domain!r}) keeps those in the domain."
)


def note(tree: ast.Module, value: Any, namespace: dict[str, Any]) -> str | None:
    """What the first misleading solve result of the cell `tree` is: the cell's value
    (`value`) if a solve call made it, or a name the cell bound to one."""
    from sage.symbolic.relation import solve

    if namespace.get("solve") is not solve:
        return None  # the cell's or another library's solve: its business
    for call, result in _solve_results(tree, value, namespace):
        if (found := _domain_note(call)) is not None:
            return found
        if (found := _function_compared_note(call, result, namespace)) is not None:
            return found
        if (found := _absent_variable_note(call, result, namespace)) is not None:
            return found
        if (found := _excluded_note(call, result, namespace)) is not None:
            return found
        if (found := _unsolved_inequality_note(call, result, namespace)) is not None:
            return found
        if (found := _unsolved_note(call, result)) is not None:
            return found
        if (found := _backwards_note(result)) is not None:
            return found
        if (found := _periodic_note(call, result, namespace)) is not None:
            _told.add(_PARAMETERS["z"])  # the note says what z stands for
            return found
        if (found := _real_radicals_note(call, result, namespace)) is not None:
            return found
        if (found := _hidden_complex_note(result)) is not None:
            return found
    return None


def parameters_note(tree: ast.Module, value: Any, namespace: dict[str, Any]) -> str | None:
    """What the parameters Maxima names in the cell's solve results stand for, each kind once
    in a session: z2951 any integer, r1 any number. Not for a name the session bound."""
    from sage.symbolic.relation import solve

    if namespace.get("solve") is not solve:
        return None
    found: dict[str, str] = {}  # the kind of parameter, and the first named so
    for _, result in _solve_results(tree, value, namespace):
        for _, rhs in _equations(result):
            for variable in rhs.variables():
                name = str(variable)
                kind = _PARAMETERS.get(name[0])
                if kind and kind not in _told and name not in namespace and name[1:].isdigit():
                    found.setdefault(kind, name)
    if not found:
        return None
    _told.update(found)
    said = " and ".join(f"{name} for {kind}" for kind, name in found.items())
    first = next(iter(found.values()))
    return (
        f"Note: in solve's answers, {said.replace(' for ', ' stands for ', 1)}: a solution "
        f"with one is a family of solutions. One of them: substitute a value, as "
        f".subs({first}=0)."
    )


def assumptions_note(tree: ast.Module, value: Any, namespace: dict[str, Any]) -> str | None:
    """For a solve in a cell that makes no assumption, where assumptions an earlier cell made
    on its variables are in force: Maxima leaves out the solutions they rule out, and an
    assume() made long before is easily forgotten. Once for each set of them."""
    from sage.symbolic.assumptions import assumptions
    from sage.symbolic.expression import Expression
    from sage.symbolic.relation import solve

    assumed = assumptions()
    if not assumed or namespace.get("solve") is not solve:
        return None
    if any(cell_calls.called(call) in ("assume", "forget") for call in cell_calls.own_calls(tree)):
        return None  # the cell's own: it knows
    for call, _ in _solve_results(tree, value, namespace):
        variables = {
            str(held)
            for node in ast.walk(call)
            if isinstance(node, ast.Name)
            and isinstance(held := namespace.get(node.id), Expression)
            and held.is_symbol()
        }
        # Inequalities, which rule solutions out; not declarations, as `n is integer`.
        relevant = [
            str(assumption)
            for assumption in assumed
            if isinstance(assumption, Expression)
            and {str(v) for v in assumption.variables()} & variables
        ]
        if relevant and frozenset(relevant) not in _assumptions_told:
            _assumptions_told.add(frozenset(relevant))
            return _ASSUMED.format(assumed=", ".join(relevant), first=relevant[0])
    return None


def _solve_results(
    tree: ast.Module, value: Any, namespace: dict[str, Any]
) -> Iterator[tuple[ast.Call, Any]]:
    """Each solve call at the top of the cell whose result is at hand: the cell's value, or a
    name it was assigned to."""
    for call, result, _ in cell_calls.results(tree, value, namespace, ("solve",)):
        if _is_solve(call):
            yield call, result


def _is_solve(node: ast.expr) -> TypeGuard[ast.Call]:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "solve"
        and bool(node.args)
    )


def of_one_equation(node: ast.expr) -> TypeGuard[ast.Call]:
    """Whether `node` calls solve on one equation, not a list of them, for solutions given as
    equations: with no keywords, as solution_dict=True would give dictionaries."""
    return (
        _is_solve(node) and not isinstance(node.args[0], ast.List | ast.Tuple) and not node.keywords
    )


def _domain_note(call: ast.Call) -> str | None:
    """For domain= given to solve with Maxima, which ignores it: SymPy's solver reads it."""
    given = {k.arg: k.value for k in call.keywords if k.arg in ("domain", "algorithm")}
    domain, algorithm = given.get("domain"), given.get("algorithm")
    if not (isinstance(domain, ast.Constant) and domain.value != "complex"):
        return None
    if algorithm is not None and not (
        isinstance(algorithm, ast.Constant) and algorithm.value == "maxima"
    ):
        return None  # SymPy's, or another solver's, whose business it is
    return _DOMAIN_IGNORED.format(domain=domain.value)


def _unsolved_note(call: ast.Call, result: Any) -> str | None:
    """For an equation given back unsolved: what it is, and how to find its roots."""
    for lhs, rhs in _equations(result):
        if _solves(lhs, rhs) or _solves(rhs, lhs):
            continue
        equation = f"{lhs} == {rhs}"
        expression = rhs if lhs.is_zero() else lhs if rhs.is_zero() else lhs - rhs
        given_back = (
            f"Note: solve found no explicit solution, and gave the equation back rearranged: "
            f"{shown(equation, _MAX_SHOWN)} is not a solution."
        )
        variables = expression.variables()
        if len(variables) != 1:
            return given_back
        (variable,) = variables
        written = shown(expression, _MAX_SHOWN)
        if expression.is_polynomial(variable):
            return (
                f"{given_back} Its roots, numerically: ({written}).roots({variable}, ring=CC), or "
                "ring=RR for the real ones."
            )
        numerically = f"A root in [a, b], numerically: find_root({written}, a, b)."
        if _in_radicals_and_logs(expression, variable) and not _asks_to_poly_solve(call):
            return f"{given_back} {_TO_POLY_SOLVE} {numerically}"
        return f"{given_back} {numerically}"
    return None


def _excluded_note(call: ast.Call, result: Any, namespace: dict[str, Any]) -> str | None:
    """For solutions that make a denominator of the equation zero, where it is undefined:
    `x == 1` of `(x^2 - 1)/(x - 1) == 2`, whose common factor solve cancelled."""
    denominators = _denominators(call.args[0], namespace)
    if not denominators:
        return None
    solutions = [pairs for pairs in _solutions(result) if pairs]
    excluded = []
    for pairs in solutions:
        values = {lhs: rhs for lhs, rhs in pairs if lhs.is_symbol() and not rhs.variables()}
        if not values:
            continue
        zero = next((d for d in denominators if _zero_at(d, values)), None)
        if zero is not None:
            excluded.append((_solutions_text(pairs)[1:-1], zero))
    if not excluded:
        return None
    written = " and ".join(solution for solution, _ in excluded)
    zeros = ", ".join(dict.fromkeys(str(zero) for _, zero in excluded))
    many = len(excluded) > 1
    kind = "system" if _a_system(call.args[0], namespace) else "equation"
    if PERIODIC.search(_equations_text(call.args[0], namespace)[:_MAX_EQUATIONS_TEXT]):
        rest = _ELSEWHERE.format(kind=kind)
    elif len(excluded) == len(solutions):
        rest = f"The {kind} has no solutions."
    else:
        rest = f"The {kind}'s solutions are the {'others' if many else 'other ones'}."
    return _EXCLUDED.format(
        solutions=shown(written, _MAX_SHOWN),
        are="are" if many else "is",
        each="each makes" if many else "it makes",
        zeros=shown(zeros, _MAX_SHOWN),
        kind=kind,
        rest=rest,
    )


def _a_system(equations: ast.expr, namespace: dict[str, Any]) -> bool:
    """Whether what solve was given is more than one equation: a list of them, written or
    named."""
    if isinstance(equations, ast.List | ast.Tuple):
        return len(equations.elts) > 1
    held = namespace.get(equations.id) if isinstance(equations, ast.Name) else None
    return isinstance(held, list | tuple) and len(held) > 1


def _denominators(equations: ast.expr, namespace: dict[str, Any]) -> list[Any]:
    """The denominators the equation, or the list of them, `equations`, as the cell wrote it,
    has, each with a variable: `x - 1` of `(x^2 - 1)/(x - 1) == 2`."""
    from sage.symbolic.expression import Expression

    written = equations.elts if isinstance(equations, ast.List | ast.Tuple) else [equations]
    sides = [
        side
        for equation in written[:_MAX_SOLUTIONS]
        for side in (
            [equation.left, *equation.comparators]
            if isinstance(equation, ast.Compare)
            else [equation]
        )
    ]
    values: list[Any] = []
    for value in (cell_calls.evaluated(side, namespace) for side in sides):
        for item in value[:_MAX_SOLUTIONS] if isinstance(value, list | tuple) else [value]:
            if isinstance(item, Expression) and item.is_relational():
                values += [item.lhs(), item.rhs()]
            elif isinstance(item, Expression):
                values.append(item)
    found: list[Any] = []
    pending, seen = values, 0
    while pending and seen < _MAX_NODES:
        part = pending.pop()
        seen += 1
        if part.operator() is operator.pow:
            base, exponent = part.operands()
            if exponent.is_numeric() and exponent < 0 and base.variables():
                found.append(base)
        pending += part.operands()
    return list(dict.fromkeys(found))


def _zero_at(denominator: Any, values: dict[Any, Any]) -> bool:
    """Whether `denominator` is exactly 0 where its variables have `values`."""
    if not set(denominator.variables()) <= set(values):
        return False
    return bool(denominator.subs(values).is_zero())


def _unsolved_inequality_note(call: ast.Call, result: Any, namespace: dict[str, Any]) -> str | None:
    """For an inequality given back unsolved, as it was or rearranged: `[[sin(x) > 0]]`,
    `[[log(x) - 1 > 0]]`: what it is, and where its solutions' bounds are."""
    from sage.symbolic.expression import Expression

    variable = cell_calls.evaluated(call.args[1], namespace) if len(call.args) > 1 else None
    for relation in _relations(result):
        if relation.operator() in (operator.eq, operator.ne):
            continue
        lhs, rhs = relation.lhs(), relation.rhs()
        unknowns = (
            [variable]
            if isinstance(variable, Expression) and variable.is_symbol()
            else relation.variables()
        )
        if not any(relation.has(u) for u in unknowns) or _solves(lhs, rhs) or _solves(rhs, lhs):
            continue
        expression = lhs if rhs.is_zero() else rhs if lhs.is_zero() else lhs - rhs
        if not (variables := expression.variables()):
            continue
        written = shown(expression, _MAX_SHOWN)
        unknown = unknowns[0] if len(unknowns) == 1 else ", ".join(map(str, unknowns))
        given_back = (
            f"Note: solve could not solve the inequality for {unknown}, and gave it back "
            f"unsolved: {shown(relation, _MAX_SHOWN)} is not a solution."
        )
        bounds = f"can change from true to false only where {written} is 0 or undefined"
        if len(variables) > 1:
            return f"{given_back} It {bounds}: solve({written} == 0, {unknowns[0]}) says where."
        return (
            f"{given_back} algorithm='sympy' solves some inequalities in one variable. "
            f"Otherwise, it {bounds}: solve({written} == 0, {variables[0]}) or, numerically, "
            f"find_root({written}, a, b) finds where it is 0."
        )
    return None


def _function_compared_note(call: ast.Call, result: Any, namespace: dict[str, Any]) -> str | None:
    """For no solutions of a Python function compared with a value, which is False:
    `solve(f == 2, x)` of `def f(t): ...`."""
    equation = call.args[0]
    if result != [] or not (isinstance(equation, ast.Compare) and len(call.args) == 2):
        return None
    for side in (equation.left, *equation.comparators):
        if isinstance(side, ast.Name) and session_function(namespace.get(side.id)):
            variable = cell_calls.as_written(call.args[1])
            called = ast.Call(ast.Name(side.id), [call.args[1]], [])
            return _FUNCTION_COMPARED.format(
                written=cell_calls.as_written(equation),
                name=side.id,
                variable=variable,
                equation=cell_calls.as_written(_replaced(equation, side, called)),
            )
    return None


def _replaced(equation: ast.Compare, side: ast.expr, by: ast.expr) -> ast.Compare:
    """`equation` with `side`, one of its sides, replaced `by` another."""
    sides = [by if node is side else node for node in (equation.left, *equation.comparators)]
    return ast.Compare(sides[0], equation.ops, sides[1:])


def _absent_variable_note(call: ast.Call, result: Any, namespace: dict[str, Any]) -> str | None:
    """For no solutions in a variable the equation does not have: `solve(x^2 == 4, y)`."""
    from sage.symbolic.expression import Expression

    if result != [] or len(call.args) != 2:
        return None
    variable = cell_calls.evaluated(call.args[1], namespace)
    equation = call.args[0]
    sides = (
        [equation.left, *equation.comparators] if isinstance(equation, ast.Compare) else [equation]
    )
    values = [cell_calls.evaluated(side, namespace) for side in sides]
    if not (isinstance(variable, Expression) and variable.is_symbol()):
        return None
    if not all(isinstance(v, Expression) or a_number(v) for v in values):
        return None
    has = sorted(
        {str(v) for value in values if isinstance(value, Expression) for v in value.variables()}
    )
    if str(variable) in has or not has:
        return None
    many = len(has) > 1
    return _ABSENT.format(
        variable=variable,
        its=f"its variables are {', '.join(has)}" if many else f"its variable is {has[0]}",
        them="one of them" if many else "it",
        first=has[0],
    )


def _backwards_note(result: Any) -> str | None:
    """For a solution written with its variable on the right: `e == x`, whose rhs() is x."""
    for lhs, rhs in _equations(result):
        if rhs.is_symbol() and not lhs.has(rhs) and not lhs.is_symbol():
            return _BACKWARDS.format(
                equation=shown(f"{lhs} == {rhs}", _MAX_SHOWN),
                variable=rhs,
                value=shown(lhs, _MAX_SHOWN),
            )
    return None


def _asks_to_poly_solve(call: ast.Call, *, forced: bool = False) -> bool:
    """Whether `call` gives solve to_poly_solve; with `forced`, as 'force', the one way that
    gives a periodic equation's families of solutions (True gives principal values still)."""
    return any(
        keyword.arg == "to_poly_solve"
        and (
            not forced
            or (isinstance(keyword.value, ast.Constant) and keyword.value.value == "force")
        )
        for keyword in call.keywords
    )


def _in_radicals_and_logs(expression: Any, variable: Any) -> bool:
    """Whether `expression` is arithmetic, roots and logarithms of `variable`, with a root or
    a logarithm of it: what to_poly_solve makes a polynomial of."""
    from sage.functions.log import Function_log1
    from sage.rings.rational_field import QQ
    from sage.symbolic.operators import add_vararg, mul_vararg

    found = False
    pending = [expression]
    while pending:
        term = pending.pop()
        if not term.has(variable):
            continue
        kind = term.operator()
        if kind is None or kind in (add_vararg, mul_vararg):
            pending += term.operands()
        elif kind is operator.pow:
            base, exponent = term.operands()
            if not (exponent.is_numeric() and exponent in QQ):
                return False
            found = found or QQ(exponent).denominator() != 1
            pending.append(base)
        elif isinstance(kind, Function_log1):
            found = True
            pending += term.operands()
        else:
            return False
    return found


def _solves(side: Any, other: Any) -> bool:
    """Whether `side == other` gives a variable, or an unknown function, a value: `x == 2`,
    `e == x` read backwards, `y(x) == -1/(_C + x)`."""
    from sage.symbolic.function import SymbolicFunction

    unknown = bool(side.is_symbol()) or isinstance(side.operator(), SymbolicFunction)
    return unknown and not other.has(side)


def _periodic_note(call: ast.Call, result: Any, namespace: dict[str, Any]) -> str | None:
    """For solutions of an equation in sin, cos or tan: that solve gave their principal values
    only."""
    if _asks_to_poly_solve(call, forced=True):
        return None
    solutions = list(_equations(result))
    if not solutions or any(
        _FAMILY.fullmatch(str(variable)) for _, rhs in solutions for variable in rhs.variables()
    ):
        return None
    written = _equations_text(call.args[0], namespace)
    if len(written) > _MAX_EQUATIONS_TEXT:
        return None
    unknowns = {str(side) for pair in solutions for side in pair if side.is_symbol()}
    if not any(_names_any(argument, unknowns) for argument in _periodic_arguments(written)):
        return None  # sin(a) with a a parameter: solve inverted nothing periodic
    given = shown(_solutions_text(solutions), _MAX_SHOWN)
    return (
        f"Note: solve inverts sin, cos and tan by their principal values, so the equation's "
        f"other solutions are missing from {given}. All of them, with an integer parameter z: "
        "solve(..., to_poly_solve='force')."
    )


def _real_radicals_note(call: ast.Call, result: Any, namespace: dict[str, Any]) -> str | None:
    """For solutions of one variable written with I that are real numbers: that they are, and
    their values."""
    solutions = list(_equations(result))
    variables = {str(lhs) for lhs, _ in solutions}
    if len(variables) != 1 or not all(lhs.is_symbol() for lhs, _ in solutions):
        return None
    real = [rhs for _, rhs in solutions if real_through_complex(rhs)]
    if not real:
        return None
    (variable,) = variables
    which = (
        "these solutions are"
        if len(real) == len(solutions)
        else f"{len(real)} of these {len(solutions)} solutions {'is' if len(real) == 1 else 'are'}"
    )
    values = ", ".join(f"{variable} ≈ {rhs.n().real()}" for rhs in real)
    return _REAL_RADICALS.format(
        which=which,
        their="Its value:" if len(real) == 1 else "Their values:",
        values=values,
        polynomial=_polynomial_text(call.args[0], namespace),
        variable=variable,
    )


def _hidden_complex_note(result: Any) -> str | None:
    """For solutions that are complex though written without I (the square root of a negative
    number): how many, and one of them."""
    solutions = [solution for solution in _solutions(result) if solution]
    complex_ones = [solution for solution in solutions if any(map(_complex_unwritten, solution))]
    if not complex_ones:
        return None
    lhs, rhs = next(pair for pair in complex_ones[0] if _complex_unwritten(pair))
    return _HIDDEN_COMPLEX.format(
        count=len(complex_ones),
        total=len(solutions),
        are="is" if len(complex_ones) == 1 else "are",
        example=shown(f"{lhs} == {rhs}", _MAX_SHOWN),
        value=value_of(rhs),
    )


def _complex_unwritten(sides: tuple[Any, Any]) -> bool:
    """Whether an equation gives its variable a value with no variables, written without I,
    that is not a real number."""
    lhs, rhs = sides
    if not lhs.is_symbol() or rhs.variables() or _IMAGINARY_UNIT.search(str(rhs)):
        return False
    try:
        number = rhs.n(_PRECISION)
    except (TypeError, ValueError, ArithmeticError):  # no numeric value: nothing to tell
        return False
    return bool(abs(number.imag()) > _NOT_REAL_ABOVE * max(1, abs(number)))


def value_of(rhs: Any) -> Any:
    """A complex value in double precision, without the rounding error its radicals leave in
    a part that is 0: `-1.27201964951407*I`, not `-7.8e-17 - 1.27201964951407*I`."""
    from sage.rings.cc import CC

    number = rhs.n(_PRECISION)
    size = abs(number)
    real, imaginary = (
        0 if abs(part) <= _REAL_BELOW * size else part for part in (number.real(), number.imag())
    )
    return CC(real, imaginary)


def real_through_complex(value: Any) -> bool:
    """Whether `value`, with no variables, is written with I and is a real number."""
    if value.variables() or not _IMAGINARY_UNIT.search(str(value)):
        return False
    number = value.n(_PRECISION)
    size = abs(number)
    return bool(size) and abs(number.imag()) <= _REAL_BELOW * size


def _polynomial_text(equation: ast.expr, namespace: dict[str, Any]) -> str:
    """The expression whose roots the equation solve was given asks for, as code: `left -
    right` of an equation, `left` of one with 0 on the right."""
    if isinstance(equation, ast.Name):
        value = namespace.get(equation.id)
        relational = getattr(value, "is_relational", lambda: False)()
        return f"({equation.id}.lhs() - {equation.id}.rhs())" if relational else equation.id
    if (
        isinstance(equation, ast.Compare)
        and len(equation.ops) == 1
        and isinstance(equation.ops[0], ast.Eq)
    ):
        left = cell_calls.as_written(equation.left)
        right = cell_calls.as_written(equation.comparators[0])
        if right == "0":
            return f"({left})"
        if _NUMBER.fullmatch(right):
            return f"({left} + {right[1:]})" if right.startswith("-") else f"({left} - {right})"
        return f"({left} - ({right}))"
    return f"({cell_calls.as_written(equation)})"


def _periodic_arguments(text: str) -> Iterator[str]:
    """The arguments of the calls of sin, cos, tan, sec, csc and cot in `text`."""
    for match in PERIODIC.finditer(text):
        depth, start = 1, match.end()
        for end in range(start, len(text)):
            depth += {"(": 1, ")": -1}.get(text[end], 0)
            if depth == 0:
                yield text[start:end]
                break


def _equations_text(equations: ast.expr, namespace: dict[str, Any]) -> str:
    """What solve was given, as text: the value of a name, or the code the cell wrote."""
    if isinstance(equations, ast.Name):
        return str(namespace.get(equations.id))
    return ast.unparse(equations)


def _names_any(text: str, names: set[str]) -> bool:
    return any(re.search(rf"(?<![\w.]){re.escape(name)}(?!\w)", text) for name in names)


def _equations(result: Any) -> Iterator[tuple[Any, Any]]:
    """The sides of the equations in what solve gives: a list of equations, of lists of them
    (several variables) or of dictionaries (`solution_dict=True`), or such a list with its
    multiplicities."""
    for solution in _solutions(result):
        yield from solution


def _solutions(result: Any) -> Iterator[list[tuple[Any, Any]]]:
    """The sides of each solution's equations in what solve gives, as `_equations` reads it."""
    from sage.symbolic.expression import Expression
    from sage.symbolic.ring import SR

    for items in _items(result):
        sides: list[tuple[Any, Any]] = []
        for item in items:
            if isinstance(item, dict):
                sides.extend(
                    (SR(key), SR(side)) for key, side in list(item.items())[:_MAX_SOLUTIONS]
                )
            elif (
                isinstance(item, Expression)
                and item.is_relational()
                and item.operator() is operator.eq
            ):
                sides.append((item.lhs(), item.rhs()))
        yield sides


def _relations(result: Any) -> Iterator[Any]:
    """Each relation, equation or inequality, in what solve gives, as `_items` reads it."""
    from sage.symbolic.expression import Expression

    for items in _items(result):
        yield from (i for i in items if isinstance(i, Expression) and i.is_relational())


def _items(result: Any) -> Iterator[list[Any]]:
    """What each solution is made of in what solve gives: a list of relations, of lists of
    them (several variables) or of dictionaries (`solution_dict=True`), or such a list with
    its multiplicities."""
    if isinstance(result, tuple) and len(result) == 2:
        result = result[0]  # multiplicities=True: the solutions, and their multiplicities
    if not isinstance(result, list) or len(result) > _MAX_SOLUTIONS:
        return
    for solution in result:
        items: list[Any] = solution if isinstance(solution, list) else [solution]
        yield items[:_MAX_SOLUTIONS]


def _solutions_text(solutions: list[tuple[Any, Any]]) -> str:
    return "[" + ", ".join(f"{lhs} == {rhs}" for lhs, rhs in solutions) + "]"
