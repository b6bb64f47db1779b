"""Hints for another language's syntax, which Python does not parse: MATLAB's matrices,
`[1 2; 3 4]`, Maple's and Mathematica's arrow functions, `f = x -> x^2`, a function defined as
an equation after `def`, `def f(x) = x^2`, a function applied without parentheses, `sqrt x` or
`plot sin(x)`, an integral as written on paper, `integrate x^2 dx`, the factorial written `5!`,
an equation given a name with =, `eq = x^2 = 4`, a half-open interval, `[0, oo)`, the operators
mod and div in words, `7 mod 3`, Maple's assignment, `x := 5`, Sage's range outside its
brackets, `for i in 1..5:`, and LaTeX given as code, `\\frac{1}{2}`.

Python's message, "invalid syntax" or "expected ':'", says where the line stops parsing, not
what Sage writes instead. Each hint writes the cell's own line in Sage. Counterpart: `hints`,
which puts the hint under the SyntaxError.
"""

from __future__ import annotations

import re

# MATLAB's matrix, with its rows separated by `;`, or a row of entries without commas.
_MATRIX = re.compile(r"\[([^\[\]]*;[^\[\]]*|\s*-?[\w.]+(?:\s+-?[\w.]+)+\s*)\]")
_ENTRY = re.compile(r"-?[\w.]+")
_AS_A_MATRIX = (
    "Sage's matrices are lists of rows, with commas: {sage}. MATLAB's {written} is not Python."
)
_AS_A_VECTOR = "Sage writes {written} with commas: {sage}, or {items} for a list."
# `f = x -> x^2`, `g := (x, y) -> x*y`.
_ARROW = re.compile(r"^\s*(\w+)\s*:?=\s*\(?\s*(\w+(?:\s*,\s*\w+)*)\s*\)?\s*->\s*(.+?)\s*$")
_AS_A_FUNCTION = (
    "-> is Maple's and Mathematica's notation. In Sage: {name}({variables}) = {body} makes "
    "{name} a symbolic function, or {name} = lambda {variables}: {body} a Python one."
)
# `def f(x) = x^2`.
_DEF_EQUATION = re.compile(r"^\s*def\s+(\w+)\s*\(([^()]*)\)\s*=\s*(.+?)\s*$")
_DEFINED = (
    "{name}({variables}) = {body}, without def, makes {name} a symbolic function; a Python one "
    "is def {name}({variables}): return {body}."
)
# `sqrt x`, `sin x + 1`: a function applied as in writing.
_APPLIED = re.compile(
    r"(?<![\w.])(sqrt|sin|cos|tan|log|ln|exp|abs|factor|expand|simplify|det)\s+(\w[\w.]*)"
    r"(?!\s*[=(])"
)
_PARENTHESES = "A function's argument goes in parentheses: {function}({argument})."
# `plot sin(x), (x, 0, pi)`, `factor x^2 - 1`: a line that is a command and its arguments.
_COMMAND = re.compile(
    r"^\s*(plot|show|solve|factor|expand|simplify|diff|limit|N)\s+(?!\w+\s*=(?!=))"
    r"([\w(\[].*?)\s*$"
)
_CALLED = "Sage's functions are called with parentheses: {function}({arguments})."
# `integrate x^2 dx`, `int sin(x) dx`: the integral as written on paper.
_INTEGRAL_WRITTEN = re.compile(
    r"(?<![\w.])(?:integrate|integral|int)\s+(.+?)\s*\bd([^\W\d]\w*)\s*$"
)
_AS_INTEGRATE = (
    "Sage's integral is a call: integrate({f}, {variable}), or integrate({f}, {variable}, a, b) "
    "from a to b."
)
# `for i in 1..5:`: Sage's ellipsis range, outside the brackets the preparser reads it in.
_BARE_ELLIPSIS = re.compile(r"(?<![\w.\[(])(\w+)\s*\.\.\s*(\w+)(?![\w.\])])")
_ELLIPSIS_RANGE = (
    "Sage reads a range written {written} only in brackets: [{written}] is the list, "
    "({written}) an iterator over it, both with their ends."
)
# `x := 5`, Maple's and Pascal's assignment, which Python keeps for inside an expression.
_COLON_EQUALS = re.compile(r"^\s*([A-Za-z_]\w*)\s*:=\s*(.+?)\s*$")
_ASSIGNED_WITH_EQUALS = "Python assigns with =: {name} = {value}."
# `7 mod 3`, `7 div 2`: Maple's, Pascal's and mathematics' operators in words.
_WORD_OPERATOR = re.compile(r"(?<![\w.])([\w.]+|\([^()]*\))\s+(mod|div)\s+([\w.]+|\([^()]*\))")
_WORD_OPERATORS = {
    "mod": ("%", "mod({a}, {b}), whose arithmetic stays modulo {b}"),
    "div": ("//", "floor({a} / {b})"),
}
_WITH_OPERATORS = "Python writes {written} as {a} {operator} {b}, or {called}."
# LaTeX pasted as code: a command of its that mathematics is written with.
_AT_LATEX = frozenset({"unexpected character after line continuation character", "invalid syntax"})
_LATEX_COMMAND = re.compile(
    r"\\(?:d?frac|sqrt|i*int|o?int|sum|prod|lim|infty|cdot|times|div|pm|partial|nabla|left|"
    r"right|pi|alpha|beta|gamma|delta|epsilon|theta|lambda|mu|sigma|phi|omega|ln|log|exp|sin|"
    r"cos|tan|leq?|geq?|neq|approx|mathrm|operatorname|binom)(?![A-Za-z])"
)
_LATEX = (
    "{command} is LaTeX, which Sage does not read as code. In Sage: 1/2 for \\frac{{1}}{{2}}, "
    "sqrt(x) for \\sqrt{{x}}, x^(n + 1) for x^{{n+1}}, pi for \\pi, oo for \\infty, "
    "integrate(f, x, a, b) for \\int_a^b f dx, sum(f, k, a, b) for \\sum_{{k=a}}^{{b}} f. And "
    "latex(expr) goes the other way."
)
# `5!`, `n!`, `(n + 1)!`: the factorial as mathematics writes it.
_FACTORIAL = re.compile(r"(?:(?<![\w.])(\w+)|\))!(?!=)")
_FACTORIAL_CALLED = "Python has no ! for the factorial: factorial({operand})."
# `[0, oo)`, `(0, 1]`: a half-open interval, as in `piecewise([([0, oo), x)])`.
_HALF_OPEN = re.compile(
    r"\[\s*([^\[\]()]+?)\s*,\s*([^\[\]()]+?)\s*\)|\(\s*([^\[\]()]+?)\s*,\s*([^\[\]()]+?)\s*\]"
)
_AS_A_REAL_SET = (
    "{written} is a half-open interval as mathematics writes it, which Python does not read: "
    "RealSet.{kind}({a}, {b}) is it. piecewise() also takes ({a}, {b}) for the open interval and "
    "[{a}, {b}] for the closed one."
)
# `eq = x^2 - 4 = 0`: an equation written with =, which assigns.
_EQUATION_ASSIGNED = re.compile(r"^\s*(\w+)\s*=(?!=)\s*([^=]+?)\s*=(?!=)\s*([^=]+?)\s*$")
_WITH_TWO_EQUALS = (
    "An equation is written with ==; = gives a name a value: {name} = {lhs} == {rhs}."
)


def latex_hint(message: str, line: str) -> str | None:
    """For LaTeX given as code, `\\frac{1}{2} + x`: Python stops at the backslash, or at a
    brace where it wants an operand. Before the hint for `A \\ b`, whose backslash it is too."""
    if message not in _AT_LATEX:
        return None
    command = _LATEX_COMMAND.search(line)
    return None if command is None else _LATEX.format(command=command[0])


def hint(message: str, line: str) -> str | None:
    """For a SyntaxError with `message` on the cell's `line`, its string literals emptied."""
    if message.startswith("invalid syntax") and (matrix := _MATRIX.search(line)):
        return _matrix_hint(matrix[0], matrix[1])
    if message == "invalid syntax" and (arrow := _ARROW.match(line)):
        name, variables, body = arrow.groups()
        return _AS_A_FUNCTION.format(name=name, variables=_listed(variables), body=body)
    if message == "expected ':'" and (defined := _DEF_EQUATION.match(line)):
        name, variables, body = defined.groups()
        return _DEFINED.format(name=name, variables=_listed(variables), body=body)
    if message == "invalid syntax" and (integral := _INTEGRAL_WRITTEN.search(line)):
        return _AS_INTEGRATE.format(f=integral[1], variable=integral[2])
    if message == "invalid syntax" and (command := _COMMAND.match(line)):
        return _CALLED.format(function=command[1], arguments=command[2])
    if message == "invalid syntax" and (applied := _APPLIED.search(line)):
        return _PARENTHESES.format(function=applied[1], argument=applied[2])
    if message == "invalid syntax" and (factorial := _FACTORIAL.search(line)):
        return _FACTORIAL_CALLED.format(operand=factorial[1] or _parenthesized(line, factorial))
    if message == "invalid syntax" and (ellipsis := _BARE_ELLIPSIS.search(line)):
        return _ELLIPSIS_RANGE.format(written=ellipsis[0])
    if message == "invalid syntax" and (assigned := _COLON_EQUALS.match(line)):
        return _ASSIGNED_WITH_EQUALS.format(name=assigned[1], value=assigned[2])
    if message == "invalid syntax" and (operator := _WORD_OPERATOR.search(line)):
        a, word, b = operator.groups()
        symbol, called = _WORD_OPERATORS[word]
        return _WITH_OPERATORS.format(
            written=operator[0], a=a, b=b, operator=symbol, called=called.format(a=a, b=b)
        )
    if (
        message.startswith("closing parenthesis")
        and (interval := _HALF_OPEN.search(line))
        and _balanced(_HALF_OPEN.sub("I", line))  # else a bracket mistyped, as `print([1, 2)`
    ):
        closed_first = interval[1] is not None
        a, b = (interval[1], interval[2]) if closed_first else (interval[3], interval[4])
        kind = "closed_open" if closed_first else "open_closed"
        return _AS_A_REAL_SET.format(written=interval[0], kind=kind, a=a, b=b)
    if message.startswith("cannot assign to") and (equation := _EQUATION_ASSIGNED.match(line)):
        name, lhs, rhs = equation.groups()
        return _WITH_TWO_EQUALS.format(name=name, lhs=lhs, rhs=rhs)
    return None


def _matrix_hint(written: str, inside: str) -> str | None:
    """The matrix or the row `written`, whose text between its brackets is `inside`, as Sage
    writes it; None where an entry is more than a number or a name."""
    rows = [re.split(r"[\s,]+", row.strip()) for row in inside.split(";") if row.strip()]
    if not rows or not all(_ENTRY.fullmatch(entry) for row in rows for entry in row):
        return None
    lists = ["[" + ", ".join(row) + "]" for row in rows]
    if ";" in inside:
        return _AS_A_MATRIX.format(sage=f"matrix([{', '.join(lists)}])", written=written)
    return _AS_A_VECTOR.format(written=written, sage=f"vector({lists[0]})", items=lists[0])


def _parenthesized(line: str, closed: re.Match[str]) -> str:
    """What the parentheses `closed` ends with hold, `n + 1` of `(n + 1)!`, or the call they
    end, `binomial(n, 2)` of `binomial(n, 2)!`; "..." where they open before the line."""
    depth = 0
    for at in range(closed.start(), -1, -1):
        depth += {")": 1, "(": -1}.get(line[at], 0)
        if depth == 0:
            called = re.search(r"[\w.]+$", line[:at])
            if called:
                return line[called.start() : closed.start() + 1]
            return line[at + 1 : closed.start()]
    return "..."


def _balanced(line: str) -> bool:
    """Whether `line` closes each kind of bracket as often as it opens it."""
    return line.count("(") == line.count(")") and line.count("[") == line.count("]")


def _listed(variables: str) -> str:
    """`x,y` as `x, y`."""
    return ", ".join(variable.strip() for variable in variables.split(","))
