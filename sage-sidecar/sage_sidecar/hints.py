"""What to do instead, said under the errors that Sage code meets at every turn here.

Each hint is a note on the exception (PEP 678), so it ends the traceback the caller reads: no
network, a file out of the worker's reach, or not there (the caller's files are not), the
session's memory limit, no standard input (`input()`, the debugger), `exit()` that ends only
the cell, a number the preparser made that a Python function refuses, a multiplication without
its `*` (`2(x + 1)`, `2x`), mathematics as typeset (`x²`, `f'(x)`, `y''`, `|x|`,
`f(x) := ...`), another language's syntax (MATLAB's `[1 2; 3 4]`, `f = x -> x^2`,
`def f(x) = x^2`, `sqrt x`, `5!`, `eq = x^2 = 4`, `foreign_syntax`), a name a failed cell would
have bound (`unbound_names`), a symbolic variable never declared, or named as a Python keyword
(`var('lambda')`), or as SymPy's range of names (`var('a1:4')`), named as one of Sage's
functions (`n`, `gamma`, `E` meant as Euler's number) or bound to an expression or a number by
an earlier cell, an unknown function never declared, or one function() made used for its value
(`diff(y, t)`, `symbolic_functions`), solve's equations or variables with no value used as
numbers, or its equations indexed as SymPy's dictionaries are (`sol[0][x]`), the pairs roots()
and numerical_integral give used as numbers, and a list given to N (`pairs`), a complex value
made a real one (`complex_values`), a function of Python's `math` given an expression, as
`math.sqrt(x)` (`float_functions`), a Sage expression given to SciPy as the function it calls
(`scipy_callbacks`), a Sage variable given to SymPy as its symbol (`sympy_objects`), None from
a function of the session's with no return statement (`missing_returns`), a ring given where a
symbolic expression's roots() wants its variable, Python's `@` for a matrix product, `M^T` for
its transpose, trace(M), which is Sage's debugger's, a matrix's order(), matrices and vectors
whose shapes do not fit (`matrix_shapes`), an index out of range of a matrix, vector or list,
with its size, or a flat list given to a matrix's row or column slice (`indices`), a ring or
field made without names for its generators (`generator_names`), what a matrix's ring lacks
(`matrix_rings`), a function of a number given a matrix or a vector (`sin(A)`, `A.sqrt()`), or
a matrix's power by a fraction (`matrix_functions`), a Python function where an expression is
wanted, a format spec for an exact number, a Python list of rows or of numbers, or a NumPy
array, asked what a matrix or a vector does, or put in a vector's arithmetic (`M * [1, 1]`,
`[1, 2] * 0.5`) or given to a function of a number (`sqrt([1, 4])`), len() of an integer or an
expression (`python_types`), a NumPy array's method asked of a list, a vector or a matrix
(`L.sum()`, `M.flatten()`) (`array_methods`), a comparison assume() got already decided, Maxima
asking whether a variable is a value (`Is n equal to -1?`) or the sign of an expression
(`Is a positive, negative or zero?`), an assumption the session's earlier ones contradict,
SymPy's names for what Sage names otherwise, and its forms: a double integral, series(x, x0,
n), a variable in quotes (`sympy_names`), matplotlib's names for plot options (`plot_options`),
a plotted function's variable that has no value, a curve's or surface's ranges given apart,
points given to plot() (`plot_variables`), a polynomial of a ring of several variables asked
what only a polynomial in one variable does: roots() or diff(), a call with one value, a plot
(`several_variables`), a keyword argument the function called does not take (`keywords`), a
module used before its import, a name or method misspelt (or capitalized, as Mathematica's
`Sqrt`), a function called with Mathematica's brackets, one of Sage's methods called as a
function, or an expression's without the variable it takes, or a method used as a value, as
NumPy's attributes are (`eigenvalues(A)`, `p.degree()`, `z.real + 1`, `method_calls`), a Sage
graph given to networkx, its edges unpacked as pairs, or its degree asked of a vertex it lacks,
a float where PARI wants an integer, RealDistribution given a name it does not know
(`distributions`), discrete_log given integers, as SymPy's takes them (`discrete_logs`), a
function of integers given a symbol (`fibonacci(n)`), points() of an elliptic curve over the
rationals, norm() of a real number, which has none (`number_norms`), expand() or simplify() of
a polynomial, which is kept in normal form (`normal_forms`), a floating-point number's or an
expression's // or %, which Sage lacks, or a rational's % by a number with no inverse modulo
its denominator's (`remainders`), an expression, Sage's constant log2 and its operator D called
as functions, a variable declared with the name of a function of Sage's, or such a name (or
Python's) given a value, then called, find_root given an interval where f keeps its sign, or
changes it across a pole or a jump, or is not real, or an expression in several variables,
integrate or limit without the variable, an ODE with no closed form, desolve without its
unknown or with too few initial conditions, an ODE solver that cannot tell the independent
variable, desolve_odeint given the function y(t), a sum Maxima calls divergent, or a product to
infinity Maxima fails on, whose partial values settle, or n() of a sum to infinity given back
unevaluated (`to_infinity`), variety() of an ideal with infinitely many points, an expression
substituted where a denominator is 0, a point a piecewise function's domain leaves out, or
pieces that overlap, and the methods only piecewise functions have (`piecewise_functions`), a
notebook's `@interact`, IPython's output history (`_1`, `Out[1]`), its magic `whos` without its
%, a function of the cell's that recursed past Python's limit, given a symbol or not, len() or
list() of a set of more than 2^63 - 1 elements, a package imported or installed that is not
there, Sage's HTML manuals, view() with no LaTeX installed. And under a cell stopped by its
timeout or an interrupt, that adding exact fractions made it slow (`exact_growth`), or that
integrate's search for a closed form, or an integer's factorization, may not end
(`slow_calls`).
Counterpart: `executor`, which describes a failed cell's exception.
"""

from __future__ import annotations

import ast
import bdb
import builtins
import collections
import contextlib
import difflib
import importlib.util
import keyword
import math
import numbers
import os
import re
import socket
import sys
import traceback
import types
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from sage_sidecar import (
    array_methods,
    cell_calls,
    complex_values,
    discrete_logs,
    distributions,
    exact_growth,
    float_functions,
    foreign_syntax,
    fractional_powers,
    frames,
    generator_names,
    indices,
    keywords,
    magics,
    matrix_functions,
    matrix_rings,
    matrix_shapes,
    method_calls,
    missing_returns,
    normal_forms,
    number_norms,
    pairs,
    piecewise_functions,
    plot_options,
    plot_variables,
    python_types,
    remainders,
    scipy_callbacks,
    several_variables,
    slow_calls,
    solutions,
    symbolic_functions,
    sympy_names,
    sympy_objects,
    to_infinity,
    unbound_names,
)
from sage_sidecar.shown import a_number, a_polynomial, listed, session_function, shown

# Said under a failed network call in a worker without network: "Temporary failure in name
# resolution" reads as a flaky network, worth retrying.
_OFFLINE = (
    "Sage code here has no network access: the sidecar runs it offline unless started with "
    "--worker-network. Put the data in the code, or read it from a folder the sidecar is "
    "given with --worker-read-dirs."
)
# A file outside what a worker may touch: its uid, or Landlock, refused it.
_CONFINED = (
    "Sage code here runs confined: it writes in the session's working directory (a relative "
    "path, as 'out.txt') and the temporary directory, and cannot reach the home directories "
    "or the sidecar's own files. A folder of data to read is given to the sidecar with "
    "--worker-read-dirs."
)
# A file the cell reads that is not there: most often one on the caller's machine, which the
# sidecar's is not.
_NOT_HERE = (
    "Sage code here runs on the sidecar's machine, in the session's own working directory, "
    "which starts empty: files on the caller's side are not there. Put the data in the code, "
    "write the file from a cell first, or read it from a folder the sidecar is given with "
    "--worker-read-dirs."
)
# load() and attach() of a file that is not there.
_NOT_FOUND_TO_LOAD = re.compile(r"did not find file '(.+)' to load or attach")
_EXIT = (
    "exit(), quit() and sys.exit() end only the cell here, not the session: its variables are "
    "kept. To end the session, delete it."
)
# `tutorial()`, `manual()`: Sage's HTML documentation, which a pip install of Sage lacks; the
# message's advice, to build it, is not for a cell.
_NO_DOCUMENT = re.compile(r"The document '[\w-]+' does not exist\.")
_DOCUMENTATION = (
    "Sage's HTML manuals are not installed here, and a cell opens no browser: name? shows a "
    "function's documentation and name?? its source, as factor? and factor??."
)
# A MemoryError says nothing of why: the machine may have memory to spare.
_OUT_OF_MEMORY = (
    "The cell ran into the session's memory limit: a session here may take {limit} more than "
    "Sage itself (the sidecar's --worker-memory-bytes). Its variables are kept: free large "
    "ones with del, or work with smaller objects."
)
# What `input()` raises at the end of its input; the worker's standard input is empty.
_INPUT_EOF = "EOF when reading a line"
_NO_INPUT = (
    "Sage code here has no standard input, so input() has nothing to read: put the values in "
    "the code."
)
# pdb reads its commands from standard input, finds it at its end, and quits.
_NO_DEBUGGER = (
    "breakpoint() and pdb wait for commands typed at a terminal; Sage code here has no "
    "standard input, so the debugger quit at once. Print the values you want to see instead."
)
# `interact` is defined in Sage's Jupyter kernel only: the console has no widgets either.
_NO_WIDGETS = (
    "@interact makes a notebook's widgets, which need a notebook to show them: call the "
    "function with the values you want instead, as f(5)."
)
# `whos` alone, as IPython's automagic runs it in the console.
_MAGIC_WITHOUT_PERCENT = frozenset({"who", "whos"})
_WITH_PERCENT = "{name} is an IPython magic, which a cell here writes with its %: %{name}."
# `_1`, `__`, `Out[3]`: IPython's history of outputs; a session keeps only `_`.
_OUTPUT_HISTORY = re.compile(r"_\d+|__|___|Out|_oh")
_NO_OUTPUT_HISTORY = (
    "{name} is IPython's history of outputs, which a session here does not keep: _ is the last "
    "value a cell showed. To use a value in later cells, give it a name, as v = ..."
)
# `plot(sin(x), (x, 0, oo))`: plot samples its range evenly, and an infinite one has no
# points.
_NAN_TO_INTEGER = "cannot convert float NaN to integer"
_INFINITY = re.compile(r"(?<![\w.])(?:oo|infinity|Infinity)(?!\w)")
_PLOT_CALLED = re.compile(r"(?<![\w.])\w*plot\w*\s*\(")
_FINITE_RANGE = "A plot's range must be finite: give bounds such as (x, 0, 100), not oo."
# `A \ b`, MATLAB's and old Sage's solve: the preparser no longer reads it.
_CONTINUATION = "unexpected character after line continuation character"
_BACKSLASH_OPERATOR = re.compile(r"[\w)\]]\s*\\\s*[\w(\[]")
_NO_BACKSLASH = (
    "Sage has no backslash operator: A.solve_right(b) solves A*x = b, and A.solve_left(b) x*A = b."
)
_DECLARE_VARIABLES = (
    "Only x is predefined as a symbolic variable: declare others first, as var('{name}')."
)
# x itself, which only `del x` (or of the namespace's entry) undefines.
_X_GONE = (
    "x, Sage's predefined symbolic variable, was deleted in this session: var('x') makes it again."
)
# What the preparser writes into a cell's code, and an example. Undefined, every cell with a
# number fails: the session's namespace was cleared.
_PREPARSERS_NAMES = {
    "Integer": "2 is Integer(2)",
    "RealNumber": "0.5 is RealNumber('0.5')",
    "ComplexNumber": "2j is ComplexNumber(0, '2')",
    "ellipsis_range": "[1..5] is ellipsis_range(1, Ellipsis, 5)",
    "ellipsis_iter": "(1..5) is ellipsis_iter(1, Ellipsis, 5)",
    "symbolic_expression": "f(x) = x^2 is symbolic_expression(x^2).function(x)",
}
_SAGES_NAMES_GONE = (
    "{name} is one of Sage's names that the preparser writes into code ({example}), and this "
    "session no longer has it: its namespace was cleared (globals().clear()), or the name "
    "deleted. `from sage.all import *` brings Sage's names back."
)
# `E^2`, meant as SymPy's or Mathematica's E.
_NOT_EULERS_NUMBER = (
    "E is Sage's E function here (E(n) is an n-th root of unity), not Euler's number: that is "
    "e in Sage, as e^2 or exp(2)."
)
# `(x^3 - 2).roots(QQbar)`, as a polynomial's roots take it.
_RING_BY_NAME = (
    "A symbolic expression's roots() takes its variable first, and the ring by name: "
    ".roots(ring={ring}). (A polynomial's, as of R.<t> = QQ[], takes the ring first.)"
)
# An unknown function called on variables, never declared: `desolve(diff(y(x), x) == y(x), y(x))`.
_UNKNOWN_FUNCTION = (
    "To use {name} as an unknown function, as in a differential equation, declare it first: "
    "{name} = function('{name}')."
)
_CALLED_ON_VARIABLES = r"(?<![\w.]){name}\s*\(\s*[^\W\d]\w*(?:\s*,\s*[^\W\d]\w*)*\s*\)"
# `M.order()`: NotImplementedError, and not a word more.
_ORDER_ASKED = re.compile(r"(?<![\w.])([^\W\d]\w*)\s*\.\s*order\(\s*\)")
_MULTIPLICATIVE_ORDER = (
    "A matrix has no order() of its own: {name}.multiplicative_order() is its order as an "
    "invertible matrix, the least n > 0 with {name}^n == 1."
)
# `M^T`, `M^H`: the transpose as mathematics writes it, T read as a name.
_TRANSPOSED = r"(?<![\w.])([^\W\d]\w*)\s*\^\s*{name}(?!\w)"
_TRANSPOSES = {
    "T": "the transpose is {m}.transpose(), or {m}.T",
    "H": "the conjugate transpose is {m}.conjugate_transpose(), or {m}.H",
}
_TRANSPOSE = "{written} is not Sage's notation: {way}."
# `trace(M)`: Sage's trace() is its debugger's, which a worker cannot run.
_DEBUGGER_TRACE = "the trace command can only be run from the Sage command-line"
_TRACE_CALLED = re.compile(r"(?<![\w.])trace\(\s*([^\W\d][\w.]*)\s*\)")
_MATRIX_TRACE = (
    "Sage's trace() follows code in the debugger: a matrix's trace, the sum of its diagonal, "
    "is {m}.trace()."
)
# `diff(y, t)` or `y.diff(t)` of a name not defined: var('y') would make the derivative 0, and
# desolve then asks for "dependent variable as a function".
_DIFFERENTIATED = (
    r"(?<![\w.])(?:diff|derivative)\(\s*{name}\s*,\s*([^\W\d]\w*)\s*[,)]"
    r"|(?<![\w.]){name}\s*\.\s*(?:diff|derivative)\(\s*([^\W\d]\w*)\s*[,)]"
)
_FUNCTION_OF = (
    "Declare {name} first. As an unknown function of {variable}, as in a differential equation: "
    "{name} = function('{name}')({variable}). As a variable, var('{name}'), its derivative by "
    "{variable} is 0."
)
# An operand that is a function: a name Sage predefines as one, used as a variable (`x^n`,
# where n is numerical_approx; `gamma + 1`).
_FUNCTION_OPERAND = re.compile(
    r"'function'|<class 'function'>|'builtin_function_or_method'|Function_\w+'"
)
_NOT_A_VARIABLE = (
    "{name} is Sage's {function} function here, not a variable: to use the name as a "
    "symbolic variable, declare it first, as var('{name}')."
)
# A string literal on one line, quotes included.
_STRING = re.compile(r"'[^'\\]*(?:\\.[^'\\]*)*'|\"[^\"\\]*(?:\\.[^\"\\]*)*\"")
# Names in a line of code that are not called there, nor attributes.
_UNCALLED_NAME = re.compile(r"(?<![\w.])([^\W\d]\w*)(?!\w|\s*\()")
_CALLED_NAME = re.compile(r"(?<![\w.])([^\W\d]\w*)\s*\(")
# Names that read as a variable's: a letter (n, N), or a Greek letter's (gamma, beta, zeta).
# Not sin or sqrt, whose use without an argument is a call forgotten.
_GREEK = frozenset({
    "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa",
    "lambda", "mu", "nu", "xi", "omicron", "pi", "rho", "sigma", "tau", "upsilon", "phi", "chi",
    "psi", "omega",
})  # fmt: skip
# Sage, or Maxima through it, refusing a value where it wants a variable or an expression:
# a name an earlier cell bound to an expression or a number (`y = function('y')(t)`, then
# `solve(..., y)`; `x = 5`, then `solve(x^2 - 4, x)` or `sum(x^2, x, 1, 10)`).
_WANTS_A_VARIABLE = re.compile(
    r" is not a valid variable|argument symb must be a symbol| cannot be a variable"
    r"|^must be a symbolic expression|^need a summation variable"
)
# Where Sage's own message starts with the value it refused, the name must hold that value
# (Maxima's spells it otherwise: `2*_SAGE_VAR_x+1 cannot be a variable`).
_REFUSED_VALUE = re.compile(r"(.{1,200}?) is not a valid variable")
# A number called: `2(x + 1)`, or an expression that a number bound to its variable made a
# number (`x = 5`, then `find_root(x^2 - 2, 0, 2)`).
_NUMBER_CALLED = re.compile(r"'sage\.rings\.[\w.]+' object is not callable")
_NUMBER_BEFORE_PARENTHESIS = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)\s*\(")
_MULTIPLY = "Multiplication needs its *: write {number}*(...), not {number}(...)."
# `point((1, 2), (3, 4))`: the points as arguments of their own, where a list of them goes.
_POINTS_SPREAD = re.compile(
    r"(point|point2d|line|polygon|text)\(\) takes \d positional arguments? but \d+ were given"
)
_POINTS_IN_A_LIST = {
    **dict.fromkeys(
        ("point", "point2d", "line", "polygon"),
        "The points go in one list: point([(1, 2), (3, 4)]), line([(0, 0), (1, 1)]), "
        "polygon([(0, 0), (1, 0), (0, 1)]).",
    ),
    "text": "text takes the string and its position as one pair: text('hi', (1, 2)).",
}
# `sin^2(x)`, as mathematics typesets a power of a function's value: 2(x) is called.
_FUNCTION_POWER = re.compile(r"(?<![\w.])([A-Za-z_]\w*)\s*\^\s*(\d+)\s*\(([^()]*)\)")
_POWER_AFTER_THE_CALL = (
    "{written} is written {function}({argument})^{power} in Sage: the power follows the call "
    "whose value it raises."
)
# `(x + 1)(x - 1)` and `x(x + 1)`: a product written without its *, which calls the first.
_MULTIPLY_EXPRESSIONS = (
    "Multiplication needs its *: write {first}*({second}), not {first}({second})."
)
# `2x + 1`, `2pi`: Python reads a number run into a name as a malformed number.
_INVALID_NUMBER = "invalid decimal literal"
_NUMBER_THEN_NAME = re.compile(r"(?<![\w.])(\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)([A-Za-z_]\w*)")
# Letters a number may end in and stay one: imaginary, Sage's raw `2r`; and `0x1f`'s base.
_NUMBER_SUFFIX = re.compile(r"[jJrR]")
_BASE = re.compile(r"[xXoObB][\da-fA-F]*")
_MULTIPLY_NAME = "Multiplication needs its *: write {number}*{name}, not {number}{name}."
# Mathematics typeset rather than written as code: Python's words for the character, and
# what Sage writes for it. The multiplication and minus signs are escaped: they read as x, -.
_INVALID_CHARACTER = re.compile(r"invalid character '(.)' \(U\+[0-9A-F]+\)")
_ASCII = {
    "²": "^2", "³": "^3", "√": "sqrt(...)", "\u00d7": "*", "·": "*", "⋅": "*", "÷": "/",
    "\u2212": "-", "≤": "<=", "≥": ">=", "≠": "!=", "∞": "oo", "∙": "*", "•": "*",
    # Quotes a word processor or a chat made typographic.
    "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
}  # fmt: skip
_TYPESET = "Sage code is plain text: write {ascii} for {character}."
# `f'(x)`, the derivative as mathematics writes it, opens a string for Python.
_UNTERMINATED = "unterminated string literal"
_PRIME = re.compile(r"(?<![\w.])([^\W\d]\w*)'+\s*\(")
_DERIVATIVE_NOTATION = (
    "{name}'(x) is not Sage's notation for a derivative: diff({name}(x), x), or {name}.diff() "
    "for a symbolic function defined as {name}(x) = ..."
)
# And `y' == y`, as a differential equation is written, with y = function('y')(x).
# (Not the end of a quoted word: `'don't'`.) `y''`, an empty string after y, is invalid syntax.
_BARE_PRIME = re.compile(r"(?<![\w.'\"])([^\W\d]\w*)'(?=\s*(?:==|[-+*/,)]|$))")
_DOUBLE_PRIME = re.compile(r"(?<![\w.'\"])([^\W\d]\w*)''(?!')")
_DERIVATIVE_OF_UNKNOWN = (
    "{name}{primes} is not Sage's notation for a derivative: {derivative}, for the unknown "
    "{name} = function('{name}')(x), as in desolve({derivative} == {name}, {name})."
)
# `f(x) := x^2`, a definition as Maxima and Mathematica write it.
_WALRUS_CALL = "cannot use assignment expressions with function call"
_DEFINE = "Sage defines a symbolic function with =: f(x) = x^2."
# `|x - 1|` where an operand begins, and `ln|x|`, the logarithm's argument as on paper.
_BARS = re.compile(r"(?:^|[(,=\s*/+\-^]|(?<![\w.])(ln|log))\|([^|]+)\|")
_ABS = "Sage writes the absolute value as abs({inner}), not |{inner}|: | is Python's bitwise or."
_LOG_OF_ABS = (
    "Sage writes {function}|{inner}| as log(abs({inner})): | is Python's bitwise or, and "
    "abs() the absolute value."
)
# `plot(x^2, (x, 0, 1))` after `x = 5`.
# var('lambda'): a symbolic variable is bound to its name, and Python's keywords are no names.
_KEYWORD_NAME = (
    "{name} is a Python keyword, which cannot name a variable: declare it as {name}_ "
    "(var('{name}_')), which prints as {name}_; latex_name= sets how it is typeset, as "
    "var('{name}_', latex_name='\\\\{name}')."
)
_NOT_AN_IDENTIFIER = re.compile(r'The name "(.{1,200})" is not a valid Python identifier\.')
# SymPy's range of names, `symbols('a1:4')` for a1, a2, a3, given to var().
_NAMES_RANGE = re.compile(r"([^\W\d]\w*?)(\d+):(\d+)")
_VARIABLES_RANGE = (
    "{written} is SymPy's range of names, which var() does not read: var('{names}') declares "
    "them, and var('{stem}', n={count}) makes {stem}0 to {stem}{last}."
)
_MAX_RANGE = 20
_BOUND_TO_A_VALUE = (
    "{name} is {value} here, not a symbolic variable: a cell bound the name to it. To use "
    "{name} as a variable again, declare it, as var('{name}'), or give the value another "
    "name."
)
_MAX_SHOWN_VALUE = 60
_PLOT_RANGE_REFUSED = "must give both plot endpoints"
# A polynomial of a ring `R.<z> = QQ[]` where a symbolic expression is wanted: solve's
# "z is not a valid variable", a polynomial's own integral() given bounds, plot's range.
_POLYNOMIAL_REFUSED = re.compile(
    r" is not a valid variable|^must be a symbolic expression"
    r"|^integral\(\) takes (?:at most|exactly) 1 positional argument|^" + _PLOT_RANGE_REFUSED
)
_POLYNOMIAL = (
    "{name} is a polynomial, of {ring}, not a symbolic expression, which this wants. A "
    "polynomial has its own ways: {ways}. Or take it as a symbolic expression: SR({name}), in "
    "{variables}."
)
# solve() of polynomials, whose == compares them at once: `t^2 == 1` is False.
_SOLVE_POLYNOMIALS = (
    "{name} is a polynomial, of {ring}, not a symbolic expression, which solve wants; and == "
    "of polynomials is decided at once, True or False, not kept as an equation to solve. "
    "{roots}; a system's solutions: ideal([p, q]).variety(QQbar), each of p, q the "
    "difference of an equation's sides. Or make them symbolic: {symbolic}."
)
_ROOTS_OF_ONE = "{whose} roots: {p}.roots(QQbar)"
_ROOTS_OF_SEVERAL = (
    "{whose} roots: {p}.univariate_polynomial().roots(QQbar), where {p} uses one variable"
)
_WAYS_OF_ONE = "{name}.roots(QQbar) for its roots, {name}.integral() for an antiderivative"
# plot(p, (x, 0, 2)) of a polynomial of one variable, which plot calls at numbers as it is.
_PLOT_OF_ONE = "plot({name}, {ends}) plots it, its range given without the variable"
_WAYS_OF_SEVERAL = (
    "{name}.integral({var}) for an antiderivative in {var}, and, for one that uses {var} alone, "
    "{name}.univariate_polynomial().roots(QQbar) for its roots"
)
# A symbolic expression used as a number: an equation from `solve` (`float(s[0])` after
# `s = solve(x^2 == 4, x)`), or one whose variables have no value.
_NOT_A_NUMBER = re.compile(
    r"unable to simplify to (?:float|complex) approximation|cannot evaluate symbolic expression"
    r"|unable to coerce to a ComplexNumber|cannot convert .{1,200} to int$"
    r"|unable to convert .{1,200} to an integer$"
)
_EQUATIONS = (
    "{name} holds equations, as solve gives them ({example}), not numbers: a solution's value "
    "is its right-hand side, {access}.rhs(); solve(..., solution_dict=True) gives "
    "dictionaries of values instead."
)
_EQUATION = "{name} is the equation {example}, not a number: its value is {name}.rhs()."
_SOLUTION_OF_A_CALL = (
    "{access} is an equation, as solve gives its solutions (x == ...), not a number: its value "
    "is its right-hand side, {access}.rhs(); solve(..., solution_dict=True) gives dictionaries "
    "of values instead."
)
# solve's equations indexed as SymPy's dictionaries: `sol[0][x]`, `sol[x]`.
_EQUATIONS_INDEXED = (
    "{name} holds equations, as solve gives them ({example}), not dictionaries: a solution's "
    "value is its right-hand side, {access}.rhs(); solve(..., solution_dict=True) gives one "
    "dictionary per solution, indexed by its variables, as {dictionary}."
)
# An expression as a list's index, which a list of Sage's takes as a number: `sol[x]`.
_NOT_AN_INDEX = re.compile(r"unable to convert (.{1,200}) to an integer")
# And solve's dictionaries (solution_dict=True) indexed as one dictionary: `sol[x]`.
_DICTIONARIES_INDEXED = (
    "{name} holds one dictionary per solution ({example}), not one dictionary: "
    "{name}[0][{key}] is the first solution's value of {key}, and [s[{key}] for s in {name}] "
    "each one's."
)
_INDEXED_BY_AN_EXPRESSION = (
    "list indices must be integers or slices, not sage.symbolic.expression.Expression"
)
# Or an expression whose variables still have no value: `f.subs(x=2).n()` with y in f.
_NO_VALUE = (
    "{name} is {value}, which still holds the {variables} with no value, so it has no "
    "numeric value: substitute {them} first, as {name}.subs({example}=1)."
)
_VARIABLE_NO_VALUE = (
    "{name} is a symbolic variable with no value, so it has no numeric value: substitute "
    "one first, as expr.subs({name}=1)."
)
# The names a line gives values to as keywords: `f.subs(x=2)`, `f(x=2, y=3)`.
_GIVEN_A_VALUE = re.compile(r"[(,]\s*([^\W\d]\w*)\s*=(?!=)")
# The functions whose second of four arguments is an index or a variable of integration, and
# how Sage writes what binds one in an expression.
_BINDERS = frozenset({"sum", "product", "integral", "integrate"})
_BINDING = re.compile(r"(?<![\w.])(?:sum|product|integrate)\(")
# Python's matrix product, which Sage's matrices do not take.
_MATRIX_PRODUCT = "unsupported operand parent(s) for @"
_MULTIPLY_MATRICES = "Sage multiplies matrices, and a matrix and a vector, with *: A * v."
# A Python function given where Sage wants an expression: `integrate(f, x)` after `def f`.
_PYTHON_FUNCTION = re.compile(r"unable to convert <function (\S+) at 0x[0-9a-f]+> to a symbolic ")
_CALL_IT = (
    "{name} is a Python function, not an expression: pass {name}(x), called on the variable, "
    "or define it as a symbolic function, as in `{name}(x) = x^2`."
)
# `assume(x > 0)` where x holds a number or a polynomial: Python decided the comparison before
# assume() saw it, and assume() says only that a bool has no `assume`.
_DECIDED = (
    "assume() takes a symbolic condition, and was given {truth}: the comparison was decided "
    "at once, since {name} is {value} here, not a symbolic variable. Declare it, as "
    "var('{name}'), to assume things of it."
)
_DECIDED_WITHOUT_A_VARIABLE = (
    "assume() takes a symbolic condition, such as x > 0 with x a symbolic variable, and was "
    "given {truth}: no symbolic variable took part in the comparison, so it was decided at once."
)
_METHOD_OF_A_FUNCTION = (
    "{name} is a Python function, not an expression, and has no .{method}(): call it on the "
    "variable first, as {name}(x).{method}(...), or define it as a symbolic function, as in "
    "`{name}(x) = x^2`."
)
_CALL_THE_LAMBDA = (
    "A lambda is a Python function, not an expression: pass it called on the variable."
)
_CALL_THE_NAMED_LAMBDA = (
    "{name} is a lambda, a Python function, not an expression: pass {name}(x), called on the "
    "variable."
)
# The names modules go by, by convention: `np.array` wants `import numpy as np`.
_MODULE_ALIASES = {
    "np": "numpy",
    "plt": "matplotlib.pyplot",
    "mpl": "matplotlib",
    "sp": "sympy",
    "nx": "networkx",
}
_IMPORT = "{name} is not imported here: `{statement}` first."
_ELSEWHERE = "{name} is SymPy's name (or another library's), not Sage's. In Sage: {way}."
_SUBS = "Sage's subs takes keywords or a dictionary: {way}."
_BOUNDS = "Sage takes the variable and its bounds as arguments of their own, not a tuple: {way}."
_DID_YOU_MEAN = "Did you mean: '{name}'?"
# A name this short, or one that starts this many, is no clue to what was meant.
_MIN_PREFIX = 4
_MAX_LONGER = 3
# view(), and anything else that runs LaTeX itself, where no LaTeX is installed.
_LATEX_PROGRAMS = frozenset({"latex", "pdflatex", "xelatex", "lualatex", "dvipng", "dvips"})
_NO_LATEX = (
    "There is no LaTeX installation here to typeset with: latex(x^2) gives the LaTeX source, "
    "which every result carries beside its text already, and plots come back as images."
)
# `for u, v in G.edges()`: a Sage graph's edges are (u, v, label) triples.
_UNPACKED_TWO = "too many values to unpack (expected 2)"
_EDGES_OF = re.compile(r"(?<![\w.])([^\W\d]\w*)\.(edges|edge_iterator)\(\s*\)")
_EDGE_TRIPLES = (
    "{name}.{method}() gives triples (u, v, label), the label None where none was given: "
    "unpack three, as `for u, v, label in {name}.{method}()`, or take pairs, "
    "{name}.{method}(labels=False)."
)
# A Sage graph given to a networkx function, which reads networkx's attributes (`G.adj`).
_NETWORKX = (
    "networkx's functions take networkx graphs, not Sage's: G.networkx_graph() converts one "
    "(and Graph(nx_graph) back). Sage's graphs have most of them as methods, as "
    "G.shortest_path(u, v)."
)
# An elliptic curve over the rationals asked for its points, which only a finite field's lists.
_CURVE_POINTS = (
    "points() lists the points of a curve over a finite field. Over the {field} they may be "
    "infinitely many: {name}.torsion_points() gives those of finite order, {name}.gens() "
    "generators of the others ({name}.rank() of them), and {name}.rational_points(bound=10) "
    "those whose coordinates have small height."
)
# Or for the number of its points, which only a finite field's counts.
_CURVE_ORDER = (
    "{method}() counts the points of a curve over a finite field. Over the {field} they are "
    "infinitely many where the curve's rank is positive: {name}.rank() gives it, and "
    "{name}.torsion_order() counts the points of finite order.{modulo}"
)
_CURVE_MODULO = " Modulo a prime p: {name}.change_ring(GF(p)).{method}()."
_CURVE_COUNTS = frozenset({"order", "cardinality"})
# A method Sage has in a right and a left kind: `eigenvectors`, `eigenspaces`.
_SIDES = (
    "Did you mean: '{name}_right'? It is for A*v == λ*v, with the vectors on the right; "
    "{name}_left() is for v*A == λ*v."
)
# A function called with Mathematica's brackets: `factor[12]`, `Solve[x^2 == 4, x]`.
_SUBSCRIPTED = re.compile(r"'[\w.]+' object is not subscriptable|type '\w+' is not subscriptable")
_BRACKETS = (
    "{name} is a function, called with parentheses, as {name}(...): square brackets, as "
    "Mathematica's, index a list or a matrix here."
)
# `sqrt[3](8)`, the n-th root as LaTeX's \sqrt[3]{8} writes it.
_NTH_ROOT = re.compile(r"(?<![\w.])sqrt\s*\[\s*(\d+)\s*\]\s*\(([^()]*)\)")
_NTH_ROOT_WAY = (
    "{written} is no root in Sage: the {root} is ({radicand})^(1/{n}), which for a "
    "negative number is a complex one; real_nth_root({radicand}, {n}) is the real one."
)
_ENDPOINTS = (
    "Sage's integrate takes the variable and both bounds, integrate(f, x, a, b), or the "
    "variable alone: what follows the variable is read as a lower bound. SymPy's "
    "integrate(f, x, y) is a double integral; in Sage, integrate once per variable: {way}."
)
_SERIES = (
    "Sage's series takes the point as an equation, then the order, where SymPy's takes "
    "series(x, x0, n): {way}."
)
# A variable's name in quotes given where the variable is wanted, `diff(f, 'x')`; not the names
# that var() and function() are given.
_QUOTED_NAME = re.compile(r"(?<!var\()(?<!function\()(['\"])([^\W\d]\w*)\1")
_STRING_VARIABLE = (
    "'{name}' is a string, where Sage wants the symbolic variable itself: {name}, unquoted "
    "(declared first, as var('{name}'), if it is not yet)."
)
# find_root's words when f keeps one sign over the interval, and what its frame knows then:
# f at both ends, and its least (or greatest) value between them.
_NO_ZERO = "f appears to have no zero on the interval"
_ONE_SIGN = (
    "find_root looks for a zero of f in [{a}, {b}], where f stays {sign}: f({a}) = {left}, "
    "f({b}) = {right}, and its {extreme} value there is {value}, at {at}. Widen the interval to "
    "where f changes sign (a plot shows where it crosses 0); for complex zeros, "
    "solve({f} == 0, x) or {f}.roots(x, ring=CC)."
)
_NO_SIGN_CHANGE = (
    "find_root looks for a zero of f where it changes sign between the interval's ends: "
    "choose ends where f has opposite signs (a plot shows where it crosses 0)."
)
# roots() of a symbolic expression, which asks Maxima for roots in closed form.
_NO_EXPLICIT_ROOTS = "no explicit roots found"
_NO_CLOSED_ROOTS = (
    "roots() of a symbolic expression looks for roots in closed form, and Maxima finds none "
    "for {e}. "
)
_POLYNOMIAL_ROOTS = (
    "Its roots numerically: {e}.roots({v}, ring=CC), or ring=RR for the real ones; exactly, as "
    "algebraic numbers: ring=QQbar."
)
_ROOT_IN_AN_INTERVAL = (
    "A real root numerically: find_root({e}, a, b), in an interval [a, b] where it changes sign "
    "(a plot shows where)."
)
# find_root's words when Brent's method closed in on a sign change that is no zero: a pole or
# a jump, where f goes from one sign to the other without passing 0, as tan(x) at pi/2.
_NO_ZERO_AT_SIGN_CHANGE = "Brent's method failed to find a zero for f on the interval"
_JUMP = (
    "f changes sign in [{a}, {b}] without passing through 0: at x = {at}, where find_root "
    "closed in, f is {value}, a pole or a jump, not a zero. A zero of f lies where it crosses 0 "
    "continuously: an interval that leaves {at} out finds one, if f has one there (a plot "
    "shows where it crosses 0)."
)
# f there, where f is the cell's own function, which is not called again.
_FAR_FROM_ZERO = "far from 0"
# find_root's f, with no real value at a point it tried: a pole, or outside f's real domain.
_NOT_REAL = re.compile(
    r"complex fast-callable function result (.{1,80}) for arguments \((.{1,80}),\)"
)
_POLE = (
    "f has no finite value at x = {at}, where find_root tried it ({value}): a pole. find_root "
    "wants f continuous on its interval: give it ends on one side of {at}."
)
_COMPLEX_THERE = (
    "f is not real at x = {at}, where find_root tried it ({value}): find_root finds real zeros "
    "of a real function, on an interval where f is real. For complex zeros: "
    "solve({f} == 0, x), or {f}.roots(x, ring=CC) of a polynomial."
)
# variety() of an ideal with infinitely many points: a curve, a surface.
_POSITIVE_DIMENSION = re.compile(r"The dimension of the ideal is (\d+), but it should be 0")
_INFINITELY_MANY = (
    "variety() lists the points of an ideal that has finitely many, of dimension 0; this one "
    "has dimension {dimension}: its points make {what}, infinitely many. "
    "{name}.primary_decomposition() gives its components and {name}.groebner_basis() simpler "
    "equations for them; with more equations, as many as variables, its points may become "
    "finitely many."
)
# An ODE Maxima finds no closed form for: Sage's message names contrib_ode only.
_NO_CLOSED_FORM = "Maxima was unable to solve this ODE. Consider to set option contrib_ode to True."
_NUMERICALLY = (
    "desolve(..., contrib_ode=True) tries more methods, whose answers may hold Bessel or Airy "
    "functions. Numerically, from an initial condition: desolve_rk4 with the same equation and "
    "unknown, as desolve_rk4(diff(y, x) == x*y^2 + 1, y, ics=[0, 0], end_points=1), gives the "
    "solution's points from x = 0 to 1 (desolve_system_rk4 and desolve_odeint, for systems)."
)
# desolve without its unknown, and a second-order equation given two initial conditions.
_NO_UNKNOWN = "desolve() missing 1 required positional argument: 'dvar'"
_GIVE_THE_UNKNOWN = (
    "desolve takes the unknown function after the equation: desolve(diff(y, x) == y, y), with "
    "y = function('y')(x)."
)
_EMPTY_ARGUMENT = "ECL says: first: empty argument."
_SECOND_ORDER_ICS = (
    "For a second-order equation, ics gives three values, x0, y(x0) and y'(x0), as "
    "ics=[0, 1, 0]; two are for a first-order one."
)
# An ODE solver that cannot tell the independent variable: `desolve_rk4(y, y, ...)` of an
# autonomous equation, which names none, or one with parameters besides it.
_NO_INDEPENDENT = "Unable to determine independent variable, please specify."
_DESOLVERS = (
    "desolve", "desolve_laplace", "desolve_system", "desolve_rk4", "desolve_system_rk4",
    "desolve_odeint",
)  # fmt: skip
# The names an independent variable goes by most often, which the hint offers first.
_INDEPENDENT_NAMES = ("t", "x", "s")
_NONE_INDEPENDENT = (
    "The {equation} no variable but the {unknown}, so {function} cannot tell which one the "
    "solution is a function of: give it, as {function}(..., ivar=t), with t declared as "
    "var('t')."
)
_SEVERAL_INDEPENDENT = (
    "The {equation} {names} besides the {unknown}, so {function} cannot tell which one the "
    "solution is a function of: give it, as {function}(..., ivar={first}); the others are "
    "parameters{numerically}."
)
# find_root given an expression in more than one variable: `find_root(a*x - 1, 0, 2)`.
_ONE_DIMENSION = "root finding currently only implemented in 1 dimension."
_MORE_VARIABLES = (
    "find_root finds a zero of a function of one variable, and {expression} has the variables "
    "{variables}: give all but one a value first, as {example}."
)
# An expression substituted at a point where a denominator is 0: `f(x=1)` of
# (x^2 - 1)/(x - 1), which has a limit there.
_POWER_DIVISION = "power::eval(): division by zero"
_SUBSTITUTED = re.compile(
    r"(?<![\w.])([^\W\d]\w*)\s*(?:\.\s*subs\s*)?\(\s*([^\W\d]\w*)\s*=\s*([^,()=]+?)\s*\)"
)
_SUBSTITUTED_UNNAMED = re.compile(r"\)\s*(?:\.\s*subs\s*)?\(\s*([^\W\d]\w*)\s*=\s*([^,()=]+?)\s*\)")
_CALLED_AT = re.compile(r"(?<![\w.])([^\W\d]\w*)\s*\(\s*([^,()=]+?)\s*\)")
_DENOMINATOR_ZERO = (
    "A denominator of the expression is 0 at the point substituted, which substitution "
    "evaluates as written. Where the expression has a limit there (0/0 from a factor that "
    "cancels, as (x^2 - 1)/(x - 1) at 1), {limit} gives it; simplify_full() cancels such a "
    "factor first."
)
# matplotlib's name for a plot option that Sage names otherwise (`plot_options`).
_PLOT_OPTION = (
    "Sage's plots take this option under another name: {way}, as in plot(sin(x), (x, 0, 1), {way})."
)
# assume() contradicting what the session assumed before, which lasts until forgotten.
_INCONSISTENT = "Assumption is inconsistent"
_ASSUMED_BEFORE = (
    "The session already assumes {assumed} (assumptions last until forgotten), and this "
    "contradicts it: forget({first}) drops that one, forget() all of them; then assume again."
)
# Mathematica's derivative, `D(f, x)`: Sage's D is an operator on symbolic functions.
_D_CALLED = "'DerivativeOperator' object is not callable"
_DERIVATIVE = (
    "D is Sage's operator for derivatives of symbolic functions, as in D[0](f)(x), not "
    "Mathematica's D: the derivative of an expression is diff(x^2, x), or (x^2).diff(x)."
)
# An expression called with a value, as a function: Sage's message, and its constant log2,
# called as NumPy's and C's logarithm to base 2.
_EXPRESSION_CALLED = "Substitution using function-call syntax and unnamed arguments"
_EXPRESSION_NOT_FUNCTION = (
    "{name} is an expression in {variables}, not a function: {name}({keywords}) substitutes; "
    "defined as a function, {name}({arguments}) = ..., it is called as {name}({values})."
)
# What a method gave, called the same way: `g.diff(x)(1)`.
_RESULT_CALLED = (
    "{written} is an expression in {variables}, not a function: {written}({keywords}) substitutes."
)
_EXPRESSION_AS_IS = (
    "{name} is an expression in {variables} already, not a function: write {name} where "
    "{called} is written; defined as a function, {name}({variables}) = ..., {called} would be "
    "its value."
)
# A name of a function of Sage's (or Python's) declared a symbolic variable, or given a
# value, then called as the function: `var('n')`, then `n(pi, 50)`; `N = 100`, then `N(pi)`.
_SHADOWED_FUNCTION = (
    "{name} is {what} here, not {whose} function {name}(): {how}.{alias} To call {name}() "
    "again, give the {kind} another name and have the function back: {back}."
)
_DECLARED = "a cell declared it, as var('{name}') does"
_GIVEN = "a cell gave it that value"
# integrate(x^2), with no variable, which Sage's integrate wants: it tries to make one of None.
_NONE_INTEGRATED = (
    "cannot coerce arguments: no canonical coercion from <class 'NoneType'> to Symbolic Ring"
)
# PARI given a floating-point number where it wants an integer: euler_phi(12.0).
_PARI_GIVEN_A_REAL = re.compile(r"incorrect type in \w+ \(t_REAL\)")
_PARI_WANTS_AN_INTEGER = (
    "PARI, which computes this, takes an integer and was given a floating-point number: give "
    "the integer, as ZZ(v), or write it without a decimal point."
)
# limit(1/x), with no point, which limit wants.
_NO_LIMIT_POINT = "invalid limit specification"
_LIMIT_AT = "limit wants the variable and its point: limit(f, x=0), or limit(f, x, 0)."
# limit(f, x, 0, '+'), SymPy's, whose direction Sage takes by keyword only: three positional
# arguments after f leave limit's variable None.
_NONE_CONVERTED = "unable to convert None to a symbolic expression"
_LIMIT_CALLED = re.compile(r"(?<![\w.])lim(?:it)?\(")
_LIMIT_DIRECTION = (
    "limit takes the variable and its point, then the direction by keyword: "
    "limit(f, x=0, dir='+'), or dir='-'; SymPy's limit(f, x, 0, '+') gives it a fourth "
    "argument, which Sage does not read."
)
# SymPy's simplify(e, x) and expand(e, x): Sage reads the second argument as an algorithm, or
# as the side of an equation to expand.
_SIMPLIFY_ALGORITHM = re.compile(r"algorithm .{1,200} unknown to simplify")
_SIMPLIFY_ALONE = (
    "simplify takes the expression alone, simplify(e): a second argument names the algorithm, "
    "'maxima' (the default), 'sympy' or 'giac'. full_simplify() tries more."
)
_SIDES_EXPANDED = "expansion on sides only makes sense for relations"
_EXPAND_ALONE = (
    "expand takes the expression alone, expand(e): a second argument names which side of an "
    "equation to expand, 'left' or 'right'."
)
# find_fit(data, a*x + b): a model given as an expression has every variable read as one of
# the data's columns, and no parameters.
_FIT_COLUMNS = re.compile(r"each row of data needs \d+ entries, only \d+ entries given")
_FIT_MODEL = (
    "find_fit reads every variable of a model given as an expression as a column of the data, "
    "and finds no parameters: give the model as a function of the data's variables, "
    "model(x) = a*x + b, then find_fit(data, model); or say which are which, "
    "find_fit(data, a*x + b, parameters=[a, b], variables=[x])."
)
# desolve_rk4(x*y, y, ...) with y = function('y')(x): a right-hand side in y(x), which it
# reads as neither of the two forms it takes.
_NO_RIGHT_HAND_SIDE = "Sorry, cannot find explicit formula for right-hand side of the ODE."
_RUNGE_KUTTA_FORMS = (
    "desolve_rk4 takes the equation, as desolve_rk4(diff(y, x) == x*y, y, ics=[0, 1], "
    "end_points=1, step=0.1) with y = function('y')(x), or its right-hand side in y as a plain "
    "variable: y = var('y'); desolve_rk4(x*y, y, ics=[0, 1], end_points=1, step=0.1). A "
    "right-hand side in the function y(x) is neither."
)
# desolve_odeint given the function y(t) as its unknown, where it takes a plain variable.
_ODEINT_VARIABLES = (
    "desolve_odeint takes its unknowns as plain variables, and the right-hand side in them, "
    "where it was given the function {unknown}: u = var('u'); desolve_odeint(-u, [1], "
    "srange(0, 1, 0.1), u, ivar=t) solves u' = -u, u(0) = 1; for a system, lists of them, as "
    "desolve_odeint([v, -u], [1, 0], times, [u, v], ivar=t)."
)
_INTEGRATE_IN = (
    "integrate wants the variable to integrate in: integrate(f, x), and for a definite "
    "integral its bounds after it, integrate(f, x, 0, 1)."
)
# Called where it holds no function: `N = 100` then `N(pi)`, `sum = 0` then `sum(v)`.
_NOT_CALLABLE = re.compile(r"'[\w.]+' object is not callable")
_ALIAS = " Sage's function is still there as {alias}({arguments})."
# `d/dx(x^2)`, Leibniz's notation for a derivative, which divides a d by dx.
_LEIBNIZ = re.compile(
    r"(?<![\w.])d[ \t]*/[ \t]*d([A-Za-z]\w*)[ \t]*(?:\(([^()]*(?:\([^()]*\)[^()]*)*)\))?"
)
_LEIBNIZ_WAY = (
    "{written} is not Sage's notation for a derivative: diff({f}, {variable}), or "
    "{operand}.diff({variable})."
)
# `log_2(8)`, the base as a subscript: Python's suggestion would be log2, Sage's constant.
_LOG_TO_A_BASE = re.compile(r"log_(\d+)")
_LOG_BASE = "{name} is no function of Sage's: the logarithm to base {base} is log({v}, {base})."
_LOG2 = (
    "log2 is Sage's constant log(2), not a function: the logarithm of v to base 2 is "
    "log(v, 2), and an integer's number of bits n.nbits()."
)
# What Python, and Sage, say of an attribute an object lacks: the object's type, the name.
_NO_ATTRIBUTE = re.compile(r"'([\w.]+)' object has no attribute '(\w+)'")
_EXPRESSION = "sage.symbolic.expression.Expression"
# len() of a set with more elements than a Python int of the machine's size holds, as
# Subsets(range(100)); list() asks for that length first, and fails the same way.
_INDEX_SIZED = "cannot fit 'int' into an index-sized integer"
_TOO_MANY_TO_COUNT = (
    "len() gives at most 2^63 - 1, Python's limit, and this has more elements: "
    "v.cardinality() counts those of Sage's sets and sequences, of any size."
)
_TOO_MANY_TO_LIST = (
    "{name}() asks first how many elements there are, and there are more than 2^63 - 1: far "
    "too many to hold. v.cardinality() counts them, `for s in v:` takes them one at a time, "
    "and v.random_element() one at random."
)
# A function of the cell's that calls itself deeper than Python lets it, or for ever.
_MANY_LEVELS = 100
# Sage's functions of integers, by their modules: fibonacci(n) of a symbolic n fails.
_INTEGER_FUNCTIONS = frozenset({"sage.arith.misc", "sage.combinat.combinat"})
# Those of them that take symbolic expressions too.
_SYMBOLIC_TOO = frozenset(
    {
        "factor",
        "gcd",
        "lcm",
        "xgcd",
        "binomial",
        "factorial",
        "rising_factorial",
        "falling_factorial",
    }
)
_INTEGERS_ONLY = (
    "{name} takes integers, and was given the symbolic {value}, which it cannot evaluate: "
    "Sage's {name} has no symbolic form. At integers: [{at_k} for k in range(10)]."
)
_FORMULAS = {
    "fibonacci": (
        " As an expression in n, Binet's formula is fibonacci(n): "
        "(golden_ratio^n - (1 - golden_ratio)^n)/sqrt(5)."
    ),
}
_RECURSION_LIMIT = "maximum recursion depth exceeded"
# A function recursing on a symbolic argument: `if n <= 1` is False for the symbol x.
_SYMBOLIC_RECURSION = (
    "{name} called itself until Python's limit stopped it: it was given the symbolic {value} "
    "for {argument}, and a comparison of symbolic expressions, as its base case's, is False "
    "unless Sage can prove it, so it never reached that case. Give it numbers, as "
    "[{name}(k) for k in range(10)]; for a formula in {value}, write one without the "
    "recursion: a sum() or product(), or SymPy's rsolve for the recurrence."
)
_TOO_DEEP = (
    "{name} called itself until Python's limit, {limit} calls deep, stopped it. If its "
    "recursion ends, sys.setrecursionlimit({more}) lets it go deeper; if not, it never "
    "reaches its base case for this argument. A loop needs no such depth."
)
# G.degree(99), of a vertex not in G: its iterator takes 99 for a list of vertices.
_NOT_ITERABLE = re.compile(r"'[\w.]+' object is not iterable")
_DEGREE_ITERATORS = ("degree_iterator", "in_degree_iterator", "out_degree_iterator")
_NOT_A_VERTEX = "{vertex} is not a vertex of the graph, whose {count} vertices are {vertices}."
_FROM_0 = " Sage numbers the vertices of its named graphs, as graphs.PetersenGraph(), from 0."
# Maxima asking whether a variable is one value, where the answer takes another form: Sage's
# message suggests assume(n>0), which does not answer it, and Maxima asks again.
_ASKS_EQUAL = re.compile(r"Is (\S+) equal to (\S+)\?\Z")
_NOT_EQUAL = (
    "Maxima asks whether {name} is {value}, where the answer takes another form: "
    "assume({name} != {value}) says it is not, for the general answer, and forget() undoes it "
    "(the example above, assume({name}>0), does not answer this question). For {name} = "
    "{value} itself, substitute it first."
)
# Maxima asking the sign of an expression, where its answer differs with it: Sage's message
# gives one case, assume(a>0), as its example of syntax.
_ASKS_SIGN = re.compile(
    r"Is (.+?) (positive, negative or zero|positive or negative|positive or zero|negative or "
    r"zero)\?\Z"
)
_SIGN_CASES = (
    "Maxima's answer depends on the sign of {e}: assume({e} > 0), or assume({e} < 0), gives the "
    "answer for that case alone, and forget() undoes it{zero}. The cases may differ in kind: in "
    "one, a sum or an integral may diverge."
)
_SIGN_ZERO = "; where {e} is 0, substitute the value that makes it so first"
_TIME_PREFIX = (
    "The Sage console reads `time` at the start of a line as IPython's %time: write %time here."
)


def add_to(exc: BaseException, *, offline: bool, memory_limit: int) -> None:
    """The hint for a cell's exception, if one applies. `offline`: the worker has no network;
    `memory_limit`: the bytes it may add to its warm baseline (0 for no limit).

    Never fails: finding a hint runs user code (the exception's own `__str__`, attributes of
    the cell's values), which may raise anything, or be interrupted; the cell's error is then
    told without a hint."""
    with contextlib.suppress(BaseException):
        hint = _hint_for(exc, offline, memory_limit)
        if hint is not None:
            _add_note(exc, hint)


def add_to_interrupted(exc: KeyboardInterrupt) -> None:
    """The hint for a cell stopped by its timeout or an interrupt, if one applies: why it ran
    so long. Never fails, and runs none of the cell's code."""
    with contextlib.suppress(Exception):
        hint = exact_growth.hint(exc.__traceback__) or slow_calls.hint(exc)
        if hint is not None:
            _add_note(exc, hint)


def _hint_for(exc: BaseException, offline: bool, memory_limit: int) -> str | None:
    if offline and _network_refused(exc):
        return _OFFLINE
    if isinstance(exc, MemoryError) and memory_limit:
        return _OUT_OF_MEMORY.format(limit=_in_units(memory_limit))
    if isinstance(exc, PermissionError) and _outside(exc.filename):
        return _CONFINED
    if isinstance(exc, OSError) and _reads_a_missing_file(exc):
        return _NOT_HERE
    if isinstance(exc, SystemExit):
        return _EXIT
    if isinstance(exc, EOFError) and str(exc) == _INPUT_EOF:
        return _NO_INPUT
    if isinstance(exc, bdb.BdbQuit):
        return _NO_DEBUGGER
    if isinstance(exc, ModuleNotFoundError) and isinstance(exc.name, str):
        return _missing_module_hint(exc.name)
    if isinstance(exc, OSError) and _NO_DOCUMENT.match(str(exc)):
        return _DOCUMENTATION
    if _lacks_latex(exc):
        return _NO_LATEX
    if isinstance(exc, TypeError | ValueError) and any(
        pairs.LIST_APPROXIMATED.fullmatch(message) for message in _messages(exc)
    ):
        return pairs.N_OF_A_LIST
    if (
        isinstance(exc, TypeError | ValueError)
        and plot_variables.SPREAD.fullmatch(str(exc))  # before reading the bytecode
        and (called := _failing_call(exc))
        and (form := plot_variables.form_hint(called[0], str(exc)))
    ):
        return form
    if (
        isinstance(exc, IndexError | TypeError)
        and indices.SLICE_REFUSED.fullmatch(str(exc))
        and (sliced := _on_failing_line(exc, indices.slice_hint))
    ):
        return sliced
    if isinstance(exc, RecursionError) or (
        # Sage's compiled code reraises Python's RecursionError as a TypeError.
        isinstance(exc, TypeError) and str(exc).startswith(_RECURSION_LIMIT)
    ):
        return _recursion_hint(exc)
    if isinstance(exc, Exception) and (integers := _integer_function_hint(exc)):
        return integers
    if (
        isinstance(exc, TypeError | ValueError)
        and frames.ran_in(exc.__traceback__, "sage/groups/generic.py")
        and (logarithm := discrete_logs.hint(exc, *_failing_line(exc)))
    ):
        return logarithm
    if (
        isinstance(exc, ZeroDivisionError)
        and remainders.NO_INVERSE.fullmatch(str(exc))
        and frames.ran_in(exc.__traceback__, "sage/rings/rational.pyx")
    ):
        return remainders.no_inverse_hint(_code_of_failing_line(exc))
    if frames.ran_in(exc.__traceback__, "/sympy/") and (
        sympy := sympy_objects.hint(exc, _uncalled_names(exc))
    ):
        return sympy
    if (
        isinstance(exc, TypeError | NotImplementedError)
        and scipy_callbacks.REFUSED.fullmatch(str(exc))
        and frames.ran_in(exc.__traceback__, "/scipy/")
    ):
        return scipy_callbacks.hint(_uncalled_names(exc) + _names(exc, _CALLED_NAME))
    if isinstance(exc, TypeError | AttributeError) and (
        function := symbolic_functions.hint(
            exc, str(exc), lambda: _code_of_failing_line(exc), lambda: _uncalled_names(exc)
        )
    ):
        return function
    if isinstance(exc, TypeError):
        return _type_error_hint(exc, str(exc))
    if isinstance(exc, OverflowError) and str(exc) == _INDEX_SIZED:
        return _too_many_hint(exc)
    if isinstance(exc, IndexError) and indices.REFUSED.fullmatch(str(exc)):
        return _on_failing_line(exc, indices.hint)
    if isinstance(exc, NameError) and isinstance(exc.name, str):
        return _name_hint(exc, exc.name)
    if isinstance(exc, AttributeError):
        return _attribute_hint(exc)
    if isinstance(exc, ValueError) and (asked := _ASKS_EQUAL.search(str(exc))):
        return _NOT_EQUAL.format(name=asked[1], value=asked[2])
    if isinstance(exc, ValueError) and (asked := _ASKS_SIGN.search(str(exc))):
        zero = _SIGN_ZERO.format(e=asked[1]) if "zero" in asked[2] else ""
        return _SIGN_CASES.format(e=asked[1], zero=zero)
    if isinstance(exc, ValueError) and str(exc) == _INCONSISTENT:
        return _assumed_hint(exc)
    if isinstance(exc, RuntimeError) and (refused := plot_options.REFUSED.fullmatch(str(exc))):
        way = plot_options.WAYS.get(refused[2])
        return _PLOT_OPTION.format(way=way) if way else None
    if isinstance(exc, RuntimeError) and _PARI_GIVEN_A_REAL.fullmatch(str(exc)):
        return python_types.whole_float_hint(_code_of_failing_line(exc)) or _PARI_WANTS_AN_INTEGER
    if isinstance(exc, RuntimeError) and str(exc) == _NO_ZERO:
        return _no_zero_hint(exc)
    if isinstance(exc, RuntimeError) and str(exc) == _NO_EXPLICIT_ROOTS:
        return _no_explicit_roots_hint(exc)
    if isinstance(exc, NotImplementedError) and str(exc) == _NO_ZERO_AT_SIGN_CHANGE:
        return _jump_hint(exc)
    if (
        isinstance(exc, ValueError)
        and (not_real := _NOT_REAL.fullmatch(str(exc)))
        and (found := frames.locals_of(exc, "find_root"))
    ):
        return _not_real_hint(found.get("f"), value=not_real[1], at=not_real[2])
    if isinstance(exc, RuntimeError | ValueError | ArithmeticError) and (
        product := to_infinity.failed_product_hint(exc)
    ):
        return product
    if isinstance(exc, ValueError) and str(exc) == _NO_INDEPENDENT:
        return _independent_variable_hint(exc)
    if (
        isinstance(exc, NotImplementedError)
        and str(exc) in matrix_functions.POWER_REFUSED
        and frames.ran_in(exc.__traceback__, "sage/matrix/")
    ):
        return _function_of_a_matrix_hint(exc) or matrix_functions.power_hint(
            _code_of_failing_line(exc), _uncalled_names(exc)
        )
    if isinstance(exc, NotImplementedError) and str(exc) == _DEBUGGER_TRACE:
        traced = _TRACE_CALLED.search(_code_of_failing_line(exc))
        return _MATRIX_TRACE.format(m=traced[1] if traced else "M")
    if isinstance(exc, NotImplementedError) and not str(exc):
        return _on_failing_line(exc, _matrix_order_hint)
    if isinstance(exc, NotImplementedError) and str(exc) == _ONE_DIMENSION:
        return _more_variables_hint(exc)
    if isinstance(exc, NotImplementedError) and str(exc) == _NO_CLOSED_FORM:
        return _NUMERICALLY
    if isinstance(exc, NotImplementedError) and str(exc) == _NO_RIGHT_HAND_SIDE:
        return _RUNGE_KUTTA_FORMS
    if isinstance(exc, ValueError | RuntimeError) and (
        refused := matrix_rings.REFUSED.fullmatch(str(exc))
    ):
        return matrix_rings.hint(refused, _uncalled_names(exc))
    if isinstance(exc, ValueError) and str(exc) == _POWER_DIVISION:
        return _DENOMINATOR_ZERO.format(limit=_limit_at_the_point(exc))
    if isinstance(exc, ValueError):
        message = str(exc)
        if message == _NO_LIMIT_POINT:
            return _LIMIT_AT
        if _SIMPLIFY_ALGORITHM.fullmatch(message):
            return _SIMPLIFY_ALONE
        if message == _SIDES_EXPANDED:
            return _EXPAND_ALONE
        if _FIT_COLUMNS.fullmatch(message) and frames.ran_in(
            exc.__traceback__, "sage/numerical/optimize"
        ):
            return _FIT_MODEL
        if message == _UNPACKED_TWO and (edges := _edge_triples_hint(exc)):
            return edges
        if message == to_infinity.DIVERGENT:
            return to_infinity.divergent_hint(exc)
        if (positive := _POSITIVE_DIMENSION.fullmatch(message)) and frames.ran_in(
            exc.__traceback__, "sage/rings/polynomial/"
        ):
            return _infinitely_many_hint(exc, int(positive[1]))
        if piecewise := piecewise_functions.hint(exc, message, lambda: _uncalled_names(exc)):
            return piecewise
        if plot_variables.MISSING.fullmatch(message):
            line = _code_of_failing_line(exc)
            # A polynomial's ring may have variables the polynomial does not use.
            if plotted := several_variables.plot_hint(line, _uncalled_names(exc)):
                return plotted
            if plotted := plot_variables.hint(message, exc.__traceback__, line):
                return plotted
        if message == _NAN_TO_INTEGER:
            line = _code_of_failing_line(exc)
            if _PLOT_CALLED.search(line) and _INFINITY.search(line):
                return _FINITE_RANGE
        if name := _NOT_AN_IDENTIFIER.fullmatch(message):
            ranged = _NAMES_RANGE.fullmatch(name[1])
            if ranged and 0 < (count := int(ranged[3]) - int(ranged[2])) <= _MAX_RANGE:
                stem, first = ranged[1], int(ranged[2])
                return _VARIABLES_RANGE.format(
                    written=name[1],
                    names=" ".join(f"{stem}{i}" for i in range(first, first + count)),
                    stem=stem,
                    count=count,
                    last=count - 1,
                )
            if keyword.iskeyword(name[1]):  # var('lambda')
                return _KEYWORD_NAME.format(name=name[1])
            return _bound_hint(exc, name[1])
        if _NOT_A_NUMBER.match(message):
            real = complex_values.hint(_messages(exc))
            return real or _not_a_number_hint(exc)
        if message == sympy_names.SERIES_ERROR and ".series(" in _code_of_failing_line(exc):
            return _SERIES.format(way=sympy_names.SERIES)
    return None


def _on_failing_line(
    exc: BaseException, hint: Callable[[str, Callable[[str], Any]], str | None]
) -> str | None:
    """`hint` of the cell's failing line and how to look its names up there."""
    frame, line = _failing_line(exc)
    return None if frame is None else hint(line, lambda name: frames.look_up(name, frame))


def _transposed(name: str, line: str, frame: types.FrameType) -> str | None:
    """For `M^T` (or `M^H`) of a matrix or vector M, T undefined."""
    from sage.structure.element import Matrix, Vector

    for written in re.finditer(_TRANSPOSED.format(name=name), _without_strings(line)):
        if isinstance(frames.look_up(written[1], frame), Matrix | Vector):
            way = _TRANSPOSES[name].format(m=written[1])
            return _TRANSPOSE.format(written=written[0], way=way)
    return None


def _matrix_order_hint(line: str, look_up: Callable[[str], Any]) -> str | None:
    """For a matrix's order(), which Sage leaves unimplemented, with no message."""
    from sage.structure.element import Matrix

    for name in _ORDER_ASKED.findall(_without_strings(line)):
        if isinstance(look_up(name), Matrix):
            return _MULTIPLICATIVE_ORDER.format(name=name)
    return None


def _reads_a_missing_file(exc: OSError) -> bool:
    """Whether the cell asked for a file that is not there, by name: `open('data.csv')`,
    `load('f.sage')`, `np.loadtxt('q.txt')`. Not a program it ran, nor a file a library
    looked for on its own."""
    frame, line = _failing_line(exc)
    if frame is None or frames.ran_in(exc.__traceback__, "subprocess.py"):
        return False
    message = str(exc)
    if isinstance(exc, FileNotFoundError) and isinstance(exc.filename, str):
        names = [exc.filename]
    elif missing := _NOT_FOUND_TO_LOAD.fullmatch(message):
        names = [missing[1]]
    elif isinstance(exc, FileNotFoundError):  # NumPy's: "q.txt not found."
        literals = (found[0][1:-1] for found in _STRING.finditer(line))
        names = [literal for literal in literals if literal in message]
    else:
        return False
    # Raised in the cell's own frame (open() is a builtin), or named on its line.
    raised = exc.__traceback__
    in_the_cell = raised is not None and frames.innermost(raised).tb_frame is frame
    return any(name and (in_the_cell or name in line) for name in names)


def _outside(filename: object) -> bool:
    """Whether `filename` is a path outside the session's working directory."""
    if not isinstance(filename, str | bytes):
        return False
    here = os.getcwd()
    return os.path.commonpath([os.path.abspath(os.fsdecode(filename)), here]) != here


def _in_units(size: int) -> str:
    """A size in bytes in its largest binary unit, for a sentence: 4 GiB, 512 MiB."""
    for unit, name in ((1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")):
        if size >= unit:
            return f"{size / unit:.3g} {name}"
    return f"{size} bytes"


def _type_error_hint(exc: TypeError, message: str) -> str | None:
    """For a TypeError whose message is `message`: read once, since it is the exception's own
    code."""
    if _NOT_ITERABLE.fullmatch(message) and (vertex := _missing_vertex_hint(exc)):
        return vertex
    if _NOT_ITERABLE.fullmatch(message) and (unknown := _odeint_function(exc)) is not None:
        return _ODEINT_VARIABLES.format(unknown=shown(unknown, _MAX_SHOWN_VALUE))
    if plot_variables.POINTS_GIVEN.fullmatch(message) and (
        points := plot_variables.points_hint(
            _failing_call(exc), _code_of_failing_line(exc), _uncalled_names(exc)
        )
    ):
        return points
    if pairs.TUPLE_USED_AS_A_NUMBER.search(message) and (pair := pairs.hint(_uncalled_names(exc))):
        return pair
    if message == distributions.REFUSED:
        return distributions.hint(_failing_line(exc)[1])
    if (spread := _POINTS_SPREAD.fullmatch(message)) and _calls_sages_plotting(exc):
        return _POINTS_IN_A_LIST.get(spread[1])
    if _NUMBER_CALLED.fullmatch(message):
        if power := _function_power(exc):
            return _POWER_AFTER_THE_CALL.format(
                written=power[0], function=power[1], power=power[2], argument=power[3]
            )
        if number := _NUMBER_BEFORE_PARENTHESIS.search(_code_of_failing_line(exc)):
            return _MULTIPLY.format(number=number[1])
        called = _names(exc, _CALLED_NAME)
        if shadowed := _shadowed_by_a_value_hint(exc, called):
            return shadowed
        if any(isinstance(value, numbers.Number) for _, value in called):
            return None  # a name holding a number, called: Python's message says it
        return _bound_hint(exc, None)
    if (
        message == _NONE_CONVERTED
        and frames.ran_in(exc.__traceback__, "sage/calculus/calculus.py")
        and _LIMIT_CALLED.search(_code_of_failing_line(exc))
    ):
        return _LIMIT_DIRECTION
    if message == _NONE_INTEGRATED and frames.ran_in(
        exc.__traceback__, "sage/symbolic/integration/"
    ):
        return _INTEGRATE_IN
    if _NOT_CALLABLE.fullmatch(message) and (
        shadowed := _shadowed_by_a_value_hint(exc, _names(exc, _CALLED_NAME))
    ):
        return shadowed
    if refused := remainders.REFUSED.fullmatch(message):
        return remainders.hint(refused, _code_of_failing_line(exc))
    if types_hint := python_types.hint(message, lambda: _code_of_failing_line(exc)):
        return types_hint
    if matrix_functions.REFUSED.fullmatch(message) and (
        function := _function_of_a_matrix_hint(exc)
    ):
        return function
    if vector := python_types.vector_hint(
        message,
        lambda: _code_of_failing_line(exc),
        lambda: _uncalled_names(exc),
        lambda: _failing_call(exc),
    ):
        return vector
    if missing_returns.NONE_USED.search(message) and (
        none := missing_returns.hint(_names(exc, _CALLED_NAME))
    ):
        return none
    if method_calls.METHOD_AS_A_VALUE.search(message) and (
        uncalled := _on_failing_line(
            exc, lambda line, look_up: method_calls.uncalled_hint(_without_strings(line), look_up)
        )
    ):
        return uncalled
    if _FUNCTION_OPERAND.search(message) and (hint := _function_as_a_variable_hint(exc)):
        return hint
    if _POLYNOMIAL_REFUSED.search(message) and (polynomial := _polynomial_hint(exc)):
        return polynomial
    if message == several_variables.ARGUMENTS:
        return several_variables.call_hint(_names(exc, _CALLED_NAME) + _uncalled_names(exc))
    if several_variables.UNCONVERTED.fullmatch(message) and frames.ran_in(
        exc.__traceback__, plot_variables.PLOTTING
    ):
        return several_variables.plot_hint(_code_of_failing_line(exc), _uncalled_names(exc))
    if _WANTS_A_VARIABLE.search(message):
        refused = _REFUSED_VALUE.match(message)
        if refused and (quoted := _string_variable_hint(exc, refused[1])):
            return quoted
        if refused and (ring := _ring_named(exc, refused[1])):
            return _RING_BY_NAME.format(ring=ring)
        return _bound_hint(exc, refused[1] if refused else None)
    if message.startswith(_MATRIX_PRODUCT):
        return _MULTIPLY_MATRICES
    if (shapes := matrix_shapes.hint(message)) is not None:
        return shapes
    if generator_names.REFUSED.fullmatch(message):
        return generator_names.hint(_failing_line(exc)[1])  # with its strings: QQ['t']
    if message == _D_CALLED:
        return _DERIVATIVE
    if message.startswith(_EXPRESSION_CALLED):
        return _LOG2 if _calls_sages_log2(exc) else _called_expression_hint(exc)
    if matrix_rings.INEXACT_REFUSED.fullmatch(message):
        return _double_precision_hint(exc)
    if square_roots := matrix_rings.SQUARE_ROOTS.fullmatch(message):
        return matrix_rings.square_roots_hint(square_roots[1], _uncalled_names(exc))
    if (real := complex_values.hint(_messages(exc))) is not None:
        return real
    if _NOT_A_NUMBER.match(message):
        if frames.ran_in(exc.__traceback__, plot_variables.PLOTTING) and (
            short := plot_variables.short_range_hint(
                _code_of_failing_line(exc), _uncalled_names(exc)
            )
        ):
            return short
        return _not_a_number_hint(exc)
    if python := _PYTHON_FUNCTION.search(message):
        # `sum(k^2, k, 1, n)`: the function is Sage's, whose name was meant as a variable.
        if hint := _function_as_a_variable_hint(exc):
            return hint
        name = python[1]
        if name.isidentifier():
            return _CALL_IT.format(name=name)
        lambdas = {
            called
            for called, held in _uncalled_names(exc)
            if isinstance(held, types.FunctionType) and held.__name__ == "<lambda>"
        }
        if len(lambdas) == 1:
            return _CALL_THE_NAMED_LAMBDA.format(name=lambdas.pop())
        return _CALL_THE_LAMBDA
    if message == _NO_UNKNOWN:
        return _GIVE_THE_UNKNOWN
    if message.strip() == _EMPTY_ARGUMENT and re.search(
        r"desolve\(.*ics\s*=", _failing_line(exc)[1]
    ):
        return _SECOND_ORDER_ICS
    if _SUBSCRIPTED.fullmatch(message):
        line = _code_of_failing_line(exc)
        if root := _NTH_ROOT.search(line):
            return _NTH_ROOT_WAY.format(
                written=root[0], root=fractional_powers.root_name(int(root[1])), n=root[1],
                radicand=root[2],
            )  # fmt: skip
        for name, value in _uncalled_names(exc):
            if callable(value) and _indexed(name, line):
                return _BRACKETS.format(name=name)
        return _indexed_solutions_hint(exc, line)
    if message == _INDEXED_BY_AN_EXPRESSION:
        return _indexed_solutions_hint(exc, _code_of_failing_line(exc))
    if sympy_names.STRING_VARIABLE_ERROR.fullmatch(message):
        return _string_variable_hint(exc, None)
    if message == sympy_names.ENDPOINT_ERROR:
        in_turn = _integrated_in_turn(_code_of_failing_line(exc))
        return _ENDPOINTS.format(way=in_turn or sympy_names.INTEGRATE_TWICE)
    if message.startswith(sympy_names.SUBS_ERROR):
        return _SUBS.format(way=sympy_names.SUBS)
    if bounds := sympy_names.BOUNDS_ERROR.match(message):
        return _BOUNDS.format(way=sympy_names.BOUNDS[bounds[1]])
    if (without := method_calls.WITHOUT_THE_VARIABLE.fullmatch(message)) and (
        variable := method_calls.variable_hint(without[1], _receiver(exc, without[1]))
    ):
        return variable
    if keyword := keywords.UNEXPECTED.fullmatch(message):
        way = sympy_names.KEYWORDS.get((keyword[1], keyword[2]))
        if way is not None:
            return _ELSEWHERE.format(name=f"{keyword[2]}=", way=way)
        return keywords.hint(keyword[1], keyword[2], exc.__traceback__)
    return None


def _integrated_in_turn(line: str) -> str | None:
    """SymPy's integral over several variables on the failing `line`, `integrate(f, (x, 0, 1),
    (y, 0, 2))` or `integrate(f, x, y)`, as Sage's integrals in turn, in its own terms."""
    for _, tree in cell_calls.parsed_statements(line):
        for node in ast.walk(tree):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("integrate", "integral")
                and len(node.args) >= 3
                and not node.keywords
            ):
                continue
            ranges = [_range_written(line, given) for given in node.args[1:]]
            written = cell_calls.segment(line, node.args[0])
            if written is None or None in ranges:
                continue
            for variable in ranges:
                written = f"integrate({written}, {variable})"
            return f"`{written}`"
    return None


def _range_written(line: str, node: ast.expr) -> str | None:
    """A range of SymPy's integrate as Sage's arguments: `x, 0, 1` for `(x, 0, 1)`, `x`."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Tuple) and len(node.elts) == 3:
        parts = [cell_calls.segment(line, part) for part in node.elts]
        return None if None in parts else ", ".join(str(part) for part in parts)
    return None


def _name_hint(exc: NameError, name: str) -> str | None:
    """For a name that is not defined: what it is in Sage, a variable to declare, or the
    defined name nearest it."""
    if name == "interact":
        return _NO_WIDGETS
    if name in _MAGIC_WITHOUT_PERCENT:
        return _WITH_PERCENT.format(name=name)
    if _OUTPUT_HISTORY.fullmatch(name):
        return _NO_OUTPUT_HISTORY.format(name=name)
    if failed := unbound_names.hint(name):
        return failed
    frame, line = _failing_line(exc)
    if name == "d" and (derivative := _LEIBNIZ.search(line)):
        f = derivative[2] or "f"
        return _LEIBNIZ_WAY.format(
            written=derivative[0].strip(), variable=derivative[1], f=f,
            operand=f"({f})" if derivative[2] else f,
        )  # fmt: skip
    if base := _LOG_TO_A_BASE.fullmatch(name):
        argument = re.search(rf"(?<![\w.]){name}\s*\(([^()]*)\)", line)
        return _LOG_BASE.format(name=name, base=base[1], v=argument[1] if argument else "v")
    if name in _PREPARSERS_NAMES and frame is not None and name not in frame.f_globals:
        return _SAGES_NAMES_GONE.format(name=name, example=_PREPARSERS_NAMES[name])
    use = re.search(rf"(?<![\w.]){re.escape(name)}\s*([(.])", line)
    called = use is not None and use[1] == "("
    indexed = _indexed(name, line)
    # Mathematica's `Table[...]`: its functions are capitalized, and called with brackets.
    mathematica = indexed and len(name) > 1 and name[0].isupper()
    if name in _TRANSPOSES and frame is not None and (transposed := _transposed(name, line, frame)):
        return transposed
    if name in sympy_names.CONSTANTS:
        return _ELSEWHERE.format(name=name, way=sympy_names.CONSTANTS[name])
    if name in sympy_names.FUNCTIONS and (use is not None or mathematica or frame is None):
        return _ELSEWHERE.format(name=name, way=sympy_names.FUNCTIONS[name])
    if called and frame is not None and (method := method_calls.hint(name, line, frame.f_globals)):
        return method
    if use is not None and use[1] == "." and (statement := _import_for(name)):
        return _IMPORT.format(name=name, statement=statement)
    if frame is not None and (sages := _sages_in_other_case(name, frame)):
        meant = _DID_YOU_MEAN.format(name=sages)  # Mathematica's `Sqrt`, `Pi`, `Factor`
        if indexed:  # and its `Solve[...]`
            meant += " " + _BRACKETS.format(name=sages)
        return meant
    if _maybe_a_variable(name):
        if re.search(rf"(?<![\w.])function\(\s*{re.escape(name)}\s*\)", line):
            return _UNKNOWN_FUNCTION.format(name=name)  # `function(f)`, unquoted
        if not called and name == "x":
            return _X_GONE
        differentiated = re.search(
            _DIFFERENTIATED.format(name=re.escape(name)), _without_strings(line)
        )
        if differentiated and (variable := differentiated[1] or differentiated[2]) != name:
            return _FUNCTION_OF.format(name=name, variable=variable)
        attribute = re.search(rf"(?<![\w.]){re.escape(name)}\s*\.\s*(\w+)", line)
        # `t.subs(x=1)` is a variable's, `A.det()` an object's the cell forgot to make.
        if not called and (attribute is None or _expressions_have(attribute[1])):
            return _DECLARE_VARIABLES.format(name=name)
        on_variables = _CALLED_ON_VARIABLES.format(name=re.escape(name))
        if re.search(on_variables, _without_strings(line)):
            return _UNKNOWN_FUNCTION.format(name=name)
    if frame is None:
        return None
    if name in frame.f_locals or name in frame.f_globals:
        return None  # the session has it: the code that failed ran in a namespace of its own
    names = {*frame.f_locals, *frame.f_globals, *vars(builtins)}
    return _nearest(name, [n for n in names if isinstance(n, str) and not n.startswith("_")])


def _missing_module_hint(name: str) -> str | None:
    """For an import of a package not installed: that a cell cannot install it, and what there
    is instead. Not for a missing part of a package that is there (`scipy.optimise`)."""
    package = name.partition(".")[0]
    try:
        if importlib.util.find_spec(package) is not None:
            return None
    except (ImportError, ValueError):
        return None
    return f"{package} is not installed here. {magics.CANNOT_INSTALL}"


def _import_for(name: str) -> str | None:
    """The import that defines `name` as a module, if one is installed: `import numpy as np`."""
    module = _MODULE_ALIASES.get(name, name)
    try:
        if importlib.util.find_spec(module) is None:
            return None
    except (ImportError, ValueError):
        return None
    return f"import {module}" if module == name else f"import {module} as {name}"


def _attribute_hint(exc: AttributeError) -> str | None:
    """For a method a Sage object does not have: SymPy's name for what Sage names otherwise,
    or the object's attribute nearest it. Sage raises these itself, without the exception's
    `name` and `obj`: its message says them. Or for a polynomial given plot's range, or an
    expression's method asked of the session's Python function (`f.diff(x)`), or a condition
    given to assume() that was no longer symbolic."""
    if exc.name == "assume" and isinstance(exc.obj, bool):
        return _decided_hint(exc.obj, _uncalled_names(exc))
    if session_function(exc.obj) and isinstance(exc.name, str) and _expressions_have(exc.name):
        for name, value in _uncalled_names(exc):
            if value is exc.obj:
                return _METHOD_OF_A_FUNCTION.format(name=name, method=exc.name)
    text = str(exc)
    if _POLYNOMIAL_REFUSED.match(text):
        return _polynomial_hint(exc)
    match = _NO_ATTRIBUTE.fullmatch(text)
    if (
        match is not None
        and match[2] == "norm"
        and (absolute := number_norms.hint(match[1], _code_of_failing_line(exc)))
    ):
        return absolute
    if match is not None and (normal := normal_forms.hint(match[1], match[2])):
        return normal
    # solve's list of equations asked a number's method (`s.n()`): their values are the sides.
    if (
        isinstance(exc.obj, list | tuple)
        and isinstance(exc.name, str)
        and _numbers_have(exc.name)
        and (equations := _equations_hint(exc))
    ):
        return equations
    if (
        match is not None
        and match.group(1, 2) == ("list", "transpose")
        and (solved := python_types.list_to_solve_hint(_code_of_failing_line(exc)))
    ):
        return solved
    if (
        match is not None
        and match[1] in ("int", "float")
        and (
            number := python_types.python_number_hint(
                exc.obj, match[2], _name_of_receiver(exc, match[2])
            )
        )
    ):
        return number
    if match is not None and match[1] in ("list", "tuple", "numpy.ndarray"):
        kind, method = match[1], match[2]
        sequence = python_types.sequence_hint(
            kind, method, exc.obj, _name_of_receiver(exc, method)
        ) or _array_method_hint(exc, method)
        # A number's method asked of a tuple: more likely a pair roots() gave, used as a root.
        if kind == "tuple" and (sequence is None or _numbers_have(method)):
            return pairs.hint(_uncalled_names(exc)) or sequence
        return sequence
    # Sage's Cython classes name their module in the message; its Python ones (Graph) do not.
    if match is None or not (
        match[1].startswith("sage.") or type(exc.obj).__module__.startswith("sage.")
    ):
        return None
    # Sage's message is one object that every such error shares and the next one rewrites
    # (`dir` below raises some): its text is fixed first.
    message, exc.args = (exc.args[0] if exc.args else None), (text,)
    name = match[2]
    if _is_sages_graph(exc.obj) and frames.ran_in(exc.__traceback__, "/networkx/"):
        return _NETWORKX
    if arrays := _array_method_hint(exc, name):
        return arrays
    if name == "points" and (curve := _receiver(exc, name)) and _over_the_rationals(curve[1]):
        return _CURVE_POINTS.format(field=curve[1].base_field(), name=curve[0])
    if name in _CURVE_COUNTS and (curve := _receiver(exc, name)) and _over_the_rationals(curve[1]):
        return _curve_order_hint(*curve, name)
    if name in sympy_names.METHODS:
        return _ELSEWHERE.format(name=f".{name}", way=sympy_names.METHODS[name])
    if double := matrix_rings.double_precision_hint(name, _uncalled_names(exc)):
        return double
    if match[1] == _EXPRESSION and (piecewise := _piecewise_method_hint(exc, name)):
        return piecewise
    if several_variables.only_for_one_variable(getattr(message, "cls", None), name):
        called = _name_of_receiver(exc, name)
        if several := several_variables.method_hint(name, exc.obj, called):
            return several
    target = exc.obj if exc.obj is not None else getattr(message, "cls", None)
    if target is not None and hasattr(target, f"{name}_right") and hasattr(target, f"{name}_left"):
        return _SIDES.format(name=name)  # a matrix's eigenvectors: right ones, as a rule
    if function := matrix_functions.method_hint(name, exc.obj, _name_of_receiver(exc, name)):
        return function
    nearest = None if target is None else _nearest(name, dir(target))
    # A number's method missing, where a variable bound to a number made an expression one:
    # `x = 5`, then `integrate(x^2, x)`.
    if nearest is None and match[1].startswith("sage.rings."):
        return _bound_hint(exc, None, numbers_only=True)
    return nearest


def _indexed(name: str, line: str) -> bool:
    """Whether `line` writes `name[...]`, as Mathematica calls a function."""
    return re.search(rf"(?<![\w.]){re.escape(name)}\s*\[", line) is not None


def _lacks_latex(exc: BaseException) -> bool:
    """Whether `exc` is Sage's word that the LaTeX programs view() typesets with are missing."""
    from sage.features import FeatureNotPresentError

    if not isinstance(exc, FeatureNotPresentError):
        return False
    return getattr(exc.feature, "name", "") in _LATEX_PROGRAMS


def _edge_triples_hint(exc: BaseException) -> str | None:
    """For a Sage graph's edges unpacked as pairs on the cell's failing line."""
    frame, line = _failing_line(exc)
    edges = _EDGES_OF.search(_without_strings(line))
    if frame is None or edges is None or not _is_sages_graph(frames.look_up(edges[1], frame)):
        return None
    return _EDGE_TRIPLES.format(name=edges[1], method=edges[2])


def _is_sages_graph(value: object) -> bool:
    from sage.graphs.generic_graph import GenericGraph

    return isinstance(value, GenericGraph)


def _piecewise_method_hint(exc: BaseException, method: str) -> str | None:
    """For a method only piecewise functions have, asked of an expression: named as the
    failing line names it, in its variable."""
    from sage.symbolic.expression import Expression

    name, variable = "expr", "x"
    receiver = _receiver(exc, method)
    if receiver is not None and isinstance(receiver[1], Expression):
        name = receiver[0]
        variables = receiver[1].variables()
        variable = str(variables[0]) if len(variables) == 1 else variable
    return piecewise_functions.method_hint(method, name, variable)


def _receiver(exc: BaseException, method: str, *, called: bool = True) -> tuple[str, Any] | None:
    """The name `method` is called on in the cell's failing line (`M` in `M.variety()`), with
    its value; None if it is called on no name. Not `called`: an attribute asked of a name
    (`M.shape`) will do."""
    frame, line = _failing_line(exc)
    call = r"\s*\(" if called else r"\b"
    found = re.search(rf"([^\W\d]\w*)\s*\.\s*{method}{call}", _without_strings(line))
    if found is None or frame is None:
        return None
    return found[1], frames.look_up(found[1], frame)


def _array_method_hint(exc: BaseException, method: str) -> str | None:
    """For a NumPy array's `method` asked of a name on the failing line that holds a list, a
    tuple, a vector or a matrix."""
    receiver = _receiver(exc, method, called=False)
    return None if receiver is None else array_methods.hint(method, receiver[1], receiver[0])


def _over_the_rationals(curve: Any) -> bool:
    """Whether `curve` is an elliptic curve over the rationals, or a number field."""
    from sage.schemes.elliptic_curves.ell_number_field import EllipticCurve_number_field

    return isinstance(curve, EllipticCurve_number_field)


def _curve_order_hint(name: str, curve: Any, method: str) -> str:
    """For the number of points asked of the elliptic curve `curve`, over a number field."""
    from sage.rings.rational_field import QQ

    field = curve.base_field()
    modulo = _CURVE_MODULO.format(name=name, method=method) if field is QQ else ""
    return _CURVE_ORDER.format(method=method, field=field, name=name, modulo=modulo)


def _name_of_receiver(exc: AttributeError, method: str) -> str | None:
    """The name the failing line calls `method` on, if that name holds the object that lacks
    it; None where the line calls it on an expression."""
    receiver = _receiver(exc, method)
    return receiver[0] if receiver is not None and receiver[1] is exc.obj else None


def _no_zero_hint(exc: BaseException) -> str:
    """For find_root with no sign change: what f is at the ends and at its extreme between,
    as find_root's own frame has them."""
    found = frames.locals_of(exc, "find_root")
    try:
        a, b, left, right, value, at = (
            float(found[name]) for name in ("a", "b", "left", "right", "val", "s")
        )
    except (KeyError, TypeError, ValueError):
        return _NO_SIGN_CHANGE
    if not all(map(math.isfinite, (a, b, left, right, value, at))):
        return _NO_SIGN_CHANGE
    positive = left > 0
    if abs(at) <= 1e-6 * abs(b - a):  # the minimizer's tolerance, not a place of its own
        at = 0.0
    # A Python function is an expression of x once called on it: f(x).
    given = found.get("f")
    return _ONE_SIGN.format(
        f="f(x)" if isinstance(given, types.FunctionType) else "f",
        a=f"{a:g}",
        b=f"{b:g}",
        sign="positive" if positive else "negative",
        left=f"{left:.6g}",
        right=f"{right:.6g}",
        extreme="least" if positive else "greatest",
        value=f"{value:.6g}",
        at=f"{at:.6g}",
    )


def _no_explicit_roots_hint(exc: BaseException) -> str | None:
    """For roots() of a symbolic expression with no roots in closed form: for a polynomial in
    one variable, roots() in a ring of numbers; else find_root."""
    from sage.symbolic.expression import Expression

    frame, line = _failing_line(exc)
    written, run = cell_calls.parsed_line(line), cell_calls.preparsed_line(line)
    if frame is None or written is None or run is None:
        return None
    receivers = [
        [
            node.func.value
            for node in ast.walk(tree)
            if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "roots"
        ]
        for tree in (written, run)
    ]
    if not receivers[0] or len(receivers[0]) != len(receivers[1]):
        return None
    text = cell_calls.segment(line, receivers[0][0])
    value = cell_calls.evaluated(receivers[1][0], {**frame.f_globals, **frame.f_locals})
    if text is None or not isinstance(value, Expression):
        return None
    e = cell_calls.as_operand(text, receivers[0][0])
    variables = value.variables()
    if len(variables) == 1 and value.is_polynomial(variables[0]):
        return _NO_CLOSED_ROOTS.format(e=text) + _POLYNOMIAL_ROOTS.format(e=e, v=variables[0])
    if len(variables) == 1:
        return _NO_CLOSED_ROOTS.format(e=text) + _ROOT_IN_AN_INTERVAL.format(e=e)
    return None


def _not_real_hint(given: Any, *, value: str, at: str) -> str:
    """For find_root's f, `given`, with no real value at `at`, where it is `value`."""
    if "inf" in value or "nan" in value.lower():
        return _POLE.format(at=at, value=value)
    # A Python function's complex zeros: those of f(x), not of f == 0, which is False.
    f = "f(x)" if isinstance(given, types.FunctionType) else "f"
    return _COMPLEX_THERE.format(at=at, value=value, f=f)


def _jump_hint(exc: BaseException) -> str | None:
    """For find_root closing in on a sign change where f is far from 0: where, and f there,
    as find_root's own frame has them."""
    found = frames.locals_of(exc, "find_root")
    try:
        a, b, at = (float(found[name]) for name in ("a", "b", "root"))
    except (KeyError, TypeError, ValueError):
        return None
    if not all(map(math.isfinite, (a, b, at))):
        return None
    # Sage's compiled form of an expression has no effects; a function of the cell's may.
    f: Any = found.get("f")
    value = _FAR_FROM_ZERO
    if type(f).__module__.startswith("sage."):
        with contextlib.suppress(Exception):
            value = f"{float(f(at)):.6g}"
    return _JUMP.format(a=f"{a:g}", b=f"{b:g}", at=f"{at:.6g}", value=value)


def _infinitely_many_hint(exc: BaseException, dimension: int) -> str:
    """For variety() of an ideal of positive dimension: what its points make, and what to do,
    named as the failing line names the ideal."""
    receiver = _receiver(exc, "variety")
    what = {1: "a curve", 2: "a surface"}.get(dimension, "a variety")
    return _INFINITELY_MANY.format(
        dimension=dimension, what=what, name=receiver[0] if receiver else "I"
    )


def _independent_variable_hint(exc: BaseException) -> str | None:
    """For an ODE solver that could not tell the independent variable: the variables its
    equation names besides the unknown, if any."""
    for function in _DESOLVERS:
        found = frames.locals_of(exc, function, "sage/calculus/desolvers.py")
        if "ivars" in found:
            break
    else:
        return None
    names = sorted(str(variable) for variable in found["ivars"])
    system = "system" in function
    said = {
        "function": function,
        "equation": "equations name" if system else "equation names",
        "unknown": "unknowns" if system else "unknown",
    }
    if not names:
        return _NONE_INDEPENDENT.format(**said)
    likely = next((name for name in _INDEPENDENT_NAMES if name in names), names[0])
    numerically = ", which need values first for a numerical solver" if "rk4" in function else ""
    return _SEVERAL_INDEPENDENT.format(
        names=", ".join(names), first=likely, numerically=numerically, **said
    )


def _more_variables_hint(exc: BaseException) -> str | None:
    """For find_root given an expression of several variables: which, as its frame has it."""
    found = frames.locals_of(exc, "find_root")
    f = found.get("f")
    variables = [str(v) for v in getattr(f, "variables", tuple)()]
    if len(variables) < 2:
        return None
    expression = shown(f, _MAX_SHOWN_VALUE)
    values = ", ".join(f"{name}=1" for name in variables[:-1])
    bounds = ", ".join(shown(found.get(end), _MAX_SHOWN_VALUE) for end in ("a", "b"))
    return _MORE_VARIABLES.format(
        expression=expression,
        variables=listed(variables),
        example=f"find_root(({expression}).subs({values}), {bounds})",
    )


def _limit_at_the_point(exc: BaseException) -> str:
    """The limit call for the substitution on the failing line: `limit(f, x=1)` for `f(x=1)`
    or `f.subs(x=1)`, `limit(g(x), x=1)` for a symbolic function's `g(1)`."""
    from sage.symbolic.expression import Expression

    frame, line = _failing_line(exc)
    code = _without_strings(line)
    if substituted := _SUBSTITUTED.search(code):
        name, variable, point = substituted.groups()
        return f"limit({name}, {variable}={point})"
    if unnamed := _SUBSTITUTED_UNNAMED.search(code):
        variable, point = unnamed.groups()
        return f"limit(expression, {variable}={point})"
    for called in _CALLED_AT.finditer(code):
        name, point = called.groups()
        function = frames.look_up(name, frame) if frame is not None else None
        if isinstance(function, Expression) and function.is_callable():
            variables = function.arguments()
            if len(variables) == 1:
                return f"limit({name}({variables[0]}), {variables[0]}={point})"
    return "limit(f, x=a)"


def _assumed_hint(exc: BaseException) -> str | None:
    """For an assumption that contradicts the session's: what the session assumes, and the
    first assumption on a variable of the failing line, the likely one to forget."""
    from sage.symbolic.assumptions import assumptions

    assumed = assumptions()
    if not assumed:
        return None
    names = [name for name, _ in _uncalled_names(exc)]
    on_the_line = (
        fact
        for fact in assumed
        if any(re.search(rf"(?<!\w){re.escape(name)}(?!\w)", str(fact)) for name in names)
    )
    return _ASSUMED_BEFORE.format(
        assumed=shown(", ".join(map(str, assumed)), _MAX_SHOWN_VALUE),
        first=next(on_the_line, assumed[0]),
    )


def _double_precision_hint(exc: BaseException) -> str | None:
    """For a method that refused a matrix's inexact ring, called on a name on the failing line
    (`B.LU()`): the same method in double precision, if it is there."""
    line = _code_of_failing_line(exc)
    for name, value in _uncalled_names(exc):
        method = re.search(rf"(?<![\w.]){re.escape(name)}\s*\.\s*(\w+)\s*\(", line)
        if method and (hint := matrix_rings.double_precision_hint(method[1], [(name, value)])):
            return hint
    return None


def _decided_hint(truth: bool, names: list[tuple[str, Any]]) -> str:
    """For assume() given a bool: the name on the line that holds a number or a polynomial,
    which made the comparison Python's to decide."""
    for name, value in names:
        if a_number(value):
            held = shown(value, _MAX_SHOWN_VALUE)
        elif a_polynomial(value):
            held = f"a polynomial of {shown(value.parent(), _MAX_SHOWN_VALUE)}"
        else:
            continue
        return _DECIDED.format(truth=truth, name=name, value=held)
    return _DECIDED_WITHOUT_A_VARIABLE.format(truth=truth)


def _calls_sages_log2(exc: BaseException) -> bool:
    """Whether the failing line calls `log2` where it is still Sage's constant."""
    import sage.all_cmdline

    called = _names(exc, _CALLED_NAME)
    return any(name == "log2" and value is sage.all_cmdline.log2 for name, value in called)


def _called_expression_hint(exc: BaseException) -> str | None:
    """For an expression called as a function, `f(2)`: its variables, and the two ways."""
    from sage.symbolic.expression import Expression

    line = _code_of_failing_line(exc)
    if product := _product_without_its_star(line, None):
        return product
    for name, value in _names(exc, _CALLED_NAME):
        if isinstance(value, Expression) and not value.is_callable():
            shadowed = _shadowed_function_hint(name, value, line)
            if shadowed is not None:
                return shadowed
            symbol = value.is_symbol() and str(value) == name
            if symbol and (product := _product_without_its_star(line, name)):
                return product
            variables = [str(v) for v in value.variables()]
            if not variables:
                continue
            # The values as the line gives them, where they are as many as the variables.
            called = re.search(rf"(?<![\w.]){re.escape(name)}\s*\(([^()]*)\)", line)
            values = [v.strip() for v in called[1].split(",")] if called else []
            if len(values) != len(variables):
                values = ["..."] * len(variables)
            elif values == variables:  # `plot(f(x), 0, 1)`: f itself is meant
                return _EXPRESSION_AS_IS.format(
                    name=name, variables=", ".join(variables), called=called[0] if called else ""
                )
            return _EXPRESSION_NOT_FUNCTION.format(
                name=name,
                variables=", ".join(variables),
                keywords=_substitution(variables, values),
                arguments=", ".join(variables),
                values=", ".join(values),
            )
    return _called_result_hint(exc)


def _calls_sages_plotting(exc: BaseException) -> bool:
    """Whether the cell's failing call is one of Sage's plotting functions: not a function of
    the cell's own that is named line or text."""
    called = _failing_call(exc)
    return called is not None and getattr(called[1], "__module__", "").startswith("sage.plot.")


def _function_power(exc: BaseException) -> re.Match[str] | None:
    """`sin^2(x)` on the failing line, where sin is a function: not `n^2(x + 1)` of a number
    or a variable n, a product without its *."""
    from sage.symbolic.expression import Expression

    frame, line = _failing_line(exc)
    power = _FUNCTION_POWER.search(_without_strings(line))
    if power is None or frame is None:
        return None
    function = {**frame.f_globals, **frame.f_locals}.get(power[1])
    if isinstance(function, Expression):  # a variable, `n^2(x + 1)`, or f(x) = ...
        return power if function.is_callable() else None
    return power if callable(function) and not isinstance(function, numbers.Number) else None


def _product_without_its_star(line: str, variable: str | None) -> str | None:
    """For a product written as mathematics writes it, with no *: `(x + 1)(x - 1)`, where a
    parenthesized expression is called, or, given the `variable` called by its own name,
    `x(x + 1)`, where it is called on more than a number."""
    tree = cell_calls.parsed_line(line)
    for node in ast.walk(tree) if tree is not None else ():
        if not isinstance(node, ast.Call) or len(node.args) != 1 or node.keywords:
            continue
        callee, argument = node.func, node.args[0]
        if variable is None:
            if isinstance(callee, ast.Name | ast.Attribute | ast.Call | ast.Subscript | ast.Lambda):
                continue
        elif not (
            isinstance(callee, ast.Name)
            and callee.id == variable
            and not cell_calls.a_number(argument)
        ):
            continue
        first, second = cell_calls.segment(line, callee), cell_calls.segment(line, argument)
        if first is not None and second is not None:
            return _MULTIPLY_EXPRESSIONS.format(
                first=cell_calls.as_operand(first, callee), second=second
            )
    return None


def _substitution(variables: list[str], values: list[str]) -> str:
    """The keywords that substitute `values` for `variables`, in order: `x=1, y=2`."""
    return ", ".join(f"{v}={a}" for v, a in zip(variables, values, strict=True))


def _called_result_hint(exc: BaseException) -> str | None:
    """For what a method of an expression gave, called as a function, `g.diff(x)(1)`: in the
    variables of the expression it was asked of, where the call gives as many values."""
    from sage.symbolic.expression import Expression

    frame, line = _failing_line(exc)
    if frame is None:
        return None
    for source, tree in cell_calls.parsed_statements(line):
        for node in ast.walk(tree):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Call)
                and node.args
                and not node.keywords
            ):
                continue
            root: ast.expr = node.func
            while isinstance(root, ast.Call | ast.Attribute):
                root = root.func if isinstance(root, ast.Call) else root.value
            if not isinstance(root, ast.Name):
                continue
            asked = frames.look_up(root.id, frame)
            if not isinstance(asked, Expression) or asked.is_callable():
                continue
            variables = [str(v) for v in asked.variables()]
            if len(variables) != len(node.args):
                continue
            written = cell_calls.segment(source, node.func) or cell_calls.as_written(node.func)
            values = [cell_calls.segment(source, a) or cell_calls.as_written(a) for a in node.args]
            return _RESULT_CALLED.format(
                written=written,
                variables=", ".join(variables),
                keywords=_substitution(variables, values),
            )
    return None


def _shadowed_function_hint(name: str, value: Any, line: str) -> str | None:
    """For the symbolic variable `name` called where Sage's own `name` is a function: the
    function under another name of Sage's, if it has one, and how to have it back."""
    import sage.all_cmdline

    sages = getattr(sage.all_cmdline, name, None)
    if not (value.is_symbol() and str(value) == name and callable(sages)):
        return None
    if isinstance(sages, type(value)):
        return None  # an expression of Sage's, as e, and not a function
    return _SHADOWED_FUNCTION.format(
        name=name,
        what=f"the symbolic variable {name}",
        whose="Sage's",
        how=_DECLARED.format(name=name),
        alias=_alias_of(name, sages, line),
        kind="variable",
        back=f"from sage.all import {name}",
    )


def _shadowed_by_a_value_hint(exc: BaseException, called: list[tuple[str, Any]]) -> str | None:
    """For a name of one of Sage's or Python's functions called on the cell's failing line
    where it holds a value that is no function: which function it hid, and how to have it
    back."""
    import sage.all_cmdline

    line = _code_of_failing_line(exc)
    for name, value in called:
        if value is None or callable(value):
            continue
        sages = getattr(sage.all_cmdline, name, None)
        if callable(sages) and not isinstance(sages, type(value)):
            whose, back = "Sage's", f"from sage.all import {name}"
        elif callable(getattr(builtins, name, None)):
            whose, back = "Python's", f"del {name}"
        else:
            continue
        return _SHADOWED_FUNCTION.format(
            name=name,
            what=shown(value, _MAX_SHOWN_VALUE),
            whose=whose,
            how=_GIVEN,
            alias=_alias_of(name, sages, line) if sages is not None else "",
            kind="value",
            back=back,
        )
    return None


def _alias_of(name: str, sages: Any, line: str) -> str:
    """The sentence naming Sage's function `sages`, called as `name` on `line`, by its other
    name in Sage, if it has one."""
    import sage.all_cmdline

    alias = getattr(sages, "__name__", name)
    if alias == name or getattr(sage.all_cmdline, alias, None) is not sages:
        return ""
    written = _arguments_written(name, line)
    return _ALIAS.format(alias=alias, arguments="..." if written is None else ", ".join(written))


def _arguments_written(name: str, line: str) -> list[str] | None:
    """Each argument, as written ("..." where it cannot be read), of the first call of `name`
    (`f`, `G.plot`) on `line`; None if the line does not parse alone or has no such call."""
    tree = cell_calls.parsed_line(line)
    for node in ast.walk(tree) if tree is not None else ():
        if isinstance(node, ast.Call) and cell_calls.as_written(node.func) == name:
            parts = [cell_calls.segment(line, a) for a in [*node.args, *node.keywords]]
            return [part or "..." for part in parts]
    return None


def _string_variable_hint(exc: BaseException, refused: str | None) -> str | None:
    """For a variable given as its name in quotes on the failing line: `refused`, where Sage
    names what it refused, else the first quoted name."""
    for found in _QUOTED_NAME.finditer(_failing_line(exc)[1]):
        if refused is None or found[2] == refused:
            return _STRING_VARIABLE.format(name=found[2])
    return None


def _sages_in_other_case(name: str, frame: types.FrameType) -> str | None:
    """The name Sage defines in lower case that `name` capitalizes, if the session still has
    it as Sage defined it. Not the other way: `zz` is a variable meant, not `ZZ`."""
    import sage.all_cmdline
    from sage.symbolic.expression import Expression

    other = name.lower()
    sages = getattr(sage.all_cmdline, other, None)
    if other == name or sages is None or frames.look_up(other, frame) is not sages:
        return None
    # Not the variable x: X is a variable of its own, to declare.
    return None if isinstance(sages, Expression) and sages.is_symbol() else other


def _nearest(name: str, names: list[str]) -> str | None:
    """Python's "Did you mean" for a misspelt name, which Python 3.11 leaves to its own
    traceback printer, and gives up on past 750 names: Sage defines thousands."""
    nearest = difflib.get_close_matches(name, names, n=1, cutoff=0.8)
    if nearest:
        return _DID_YOU_MEAN.format(name=nearest[0])
    # Or the start of a longer name, which a spelling match counts as far off:
    # partial_fraction() of a fraction of polynomials is its partial_fraction_decomposition().
    longer = sorted(n for n in names if n.startswith(f"{name}_"))
    if len(name) >= _MIN_PREFIX and 0 < len(longer) <= _MAX_LONGER:
        return _DID_YOU_MEAN.format(name="' or '".join(longer))
    return None


def _function_of_a_matrix_hint(exc: BaseException) -> str | None:
    """For a function of a number that the cell's failing line gives a matrix or a vector."""
    called = _failing_call(exc)
    if called is None:
        return None
    return matrix_functions.hint(
        called[0], called[1], _code_of_failing_line(exc), _uncalled_names(exc)
    )


def _failing_call(exc: BaseException) -> tuple[str, Any] | None:
    """The function the innermost frame of the cell's own code was calling when it failed, as
    the code names it, and its value."""
    innermost = frames.innermost_of_cell(exc.__traceback__)
    return None if innermost is None else frames.called(innermost)


def _failing_line(exc: BaseException) -> tuple[types.FrameType | None, str]:
    """The innermost frame of the cell's own code in the traceback, and its line."""
    return frames.line_of_cell(exc.__traceback__)


def _derivative_of_unknown(name: str, order: int) -> str:
    """For `y'` (order 1) or `y''` (order 2) written in a differential equation."""
    derivative = f"diff({name}, x)" if order == 1 else f"diff({name}, x, {order})"
    return _DERIVATIVE_OF_UNKNOWN.format(name=name, primes="'" * order, derivative=derivative)


def add_to_syntax_error(exc: SyntaxError, line: str) -> None:
    """The hint for a syntax error on `line`, as the console takes it, if one applies."""
    if magics.INSTALL.match(line):
        _add_note(exc, magics.install_refusal(line))
    elif line.startswith("time "):
        _add_note(exc, _TIME_PREFIX)
    elif latex := foreign_syntax.latex_hint(exc.msg, _without_strings(line)):
        _add_note(exc, latex)
    elif exc.msg == _CONTINUATION and _BACKSLASH_OPERATOR.search(_without_strings(line)):
        _add_note(exc, _NO_BACKSLASH)
    elif (typeset := _INVALID_CHARACTER.fullmatch(exc.msg)) and typeset[1] in _ASCII:
        _add_note(exc, _TYPESET.format(ascii=_ASCII[typeset[1]], character=typeset[1]))
    elif exc.msg.startswith(_UNTERMINATED) and (prime := _PRIME.search(line)):
        _add_note(exc, _DERIVATIVE_NOTATION.format(name=prime[1]))
    elif exc.msg.startswith(_UNTERMINATED) and (prime := _BARE_PRIME.search(line)):
        _add_note(exc, _derivative_of_unknown(prime[1], order=1))
    elif exc.msg == "invalid syntax" and (prime := _DOUBLE_PRIME.search(_without_strings(line))):
        _add_note(exc, _derivative_of_unknown(prime[1], order=2))
    elif exc.msg == _WALRUS_CALL and ":=" in line:
        _add_note(exc, _DEFINE)
    elif exc.msg == "invalid syntax" and (bars := _BARS.search(_without_strings(line))):
        function, inner = bars[1], bars[2].strip()
        _add_note(
            exc,
            _LOG_OF_ABS.format(function=function, inner=inner)
            if function
            else _ABS.format(inner=inner),
        )
    elif exc.msg == _INVALID_NUMBER:
        for number, name in _NUMBER_THEN_NAME.findall(_without_strings(line)):
            if not (_NUMBER_SUFFIX.fullmatch(name) or (number == "0" and _BASE.fullmatch(name))):
                _add_note(exc, _MULTIPLY_NAME.format(number=number, name=name))
                break
    elif isinstance(exc.msg, str) and (
        foreign := foreign_syntax.hint(exc.msg, _without_strings(line))
    ):
        _add_note(exc, foreign)


def _maybe_a_variable(name: str) -> bool:
    """Whether the undefined name reads as a symbolic variable meant (`y`, `t0`, `x_12`,
    `alpha`, `theta1`)."""
    if not name.isidentifier():
        return False
    stem = name.rstrip("0123456789_") or name
    return len(name) <= 3 or len(stem) == 1 or stem.lower() in _GREEK


def _function_as_a_variable_hint(exc: BaseException) -> str | None:
    """For one of Sage's functions on the cell's failing line used as a variable: `n`
    (numerical_approx) as a bound, `E` meant as Euler's number."""
    function = _sage_function_used_as_a_variable(exc)
    if function == ("E", "E"):
        return _NOT_EULERS_NUMBER
    if function is not None:
        return _NOT_A_VARIABLE.format(name=function[0], function=function[1])
    return None


def _sage_function_used_as_a_variable(exc: BaseException) -> tuple[str, str] | None:
    """A name on the cell's failing line that reads as a variable's, is one of Sage's
    functions and is not called there: the name, and the function's own name."""
    for name, value in _uncalled_names(exc):
        if (len(name) == 1 or name.lower() in _GREEK) and _is_sages_function(value):
            return name, getattr(value, "__name__", None) or str(value)
    return None


def _ring_named(exc: BaseException, text: str) -> str | None:
    """The name on a failing `.roots(...)` line of the ring whose text is `text`: a ring given
    where a symbolic expression's roots() wants its variable."""
    from sage.structure.parent import Parent

    if ".roots(" not in _code_of_failing_line(exc):
        return None
    for name, value in _uncalled_names(exc):
        if isinstance(value, Parent) and str(value) == text:
            return name
    return None


def _bound_hint(
    exc: BaseException, refused: str | None, *, numbers_only: bool = False
) -> str | None:
    """The hint for a name on the cell's failing line that reads as a variable's, is not
    called there, and holds a value that is no variable: an expression (unless
    `numbers_only`) or a number. The one holding the value the message says was `refused`,
    if it says one; else the last, since variables come after the expression (`diff(f, y)`,
    `taylor(f, a, 0, 3)`)."""
    from sage.symbolic.expression import Expression

    bound = []
    for name, value in _uncalled_names(exc):
        if isinstance(value, Expression) and not numbers_only:
            holds_no_variable = not value.is_symbol()
        else:
            holds_no_variable = a_number(value)
        if holds_no_variable and _maybe_a_variable(name):
            bound.append((name, str(value)))
    if refused is not None:
        bound = [(name, text) for name, text in bound if text == refused]
    if not bound:
        return None
    name, text = bound[-1]
    return _BOUND_TO_A_VALUE.format(name=name, value=shown(text, _MAX_SHOWN_VALUE))


def _polynomial_hint(exc: BaseException) -> str | None:
    """For a polynomial on the cell's failing line, where Sage wanted a symbolic expression:
    the first one that is not its ring's generator, else the generator."""
    polynomials = [(name, value) for name, value in _uncalled_names(exc) if a_polynomial(value)]
    if not polynomials:
        return None
    name, value = next(((n, v) for n, v in polynomials if not v.is_gen()), polynomials[0])
    ring = value.parent()
    if (_failing_call(exc) or ("",))[0] == "solve":
        return _solve_polynomials_hint(name, value)
    if several_variables.a_polynomial_of_several(value):
        used = value.variables() or ring.gens()
        ways = _WAYS_OF_SEVERAL.format(name=name, var=used[0])
    elif str(exc).startswith(_PLOT_RANGE_REFUSED):
        ends = plot_variables.range_ends(_code_of_failing_line(exc)) or "a, b"
        ways = _PLOT_OF_ONE.format(name=name, ends=ends)
    else:
        ways = _WAYS_OF_ONE.format(name=name)
    return _POLYNOMIAL.format(
        name=name,
        ring=shown(ring, _MAX_SHOWN_VALUE),
        ways=ways,
        variables=", ".join(f"SR({gen})" for gen in ring.gens()),
    )


def _solve_polynomials_hint(name: str, value: Any) -> str:
    """For solve() given the polynomial `value`, named `name` on the line: the roots of it, or
    of polynomials (`p`) where it is its ring's generator."""
    ring = value.parent()
    several = several_variables.a_polynomial_of_several(value)
    if value.is_gen():
        p, whose, symbolic = "p", "A polynomial p's", f"solve(SR({name})^2 == 1, SR({name}))"
    else:
        unknown = (value.variables() or ring.gens())[0]
        p, whose, symbolic = name, "Its", f"solve(SR({name}) == 0, SR({unknown}))"
    return _SOLVE_POLYNOMIALS.format(
        name=name,
        ring=shown(ring, _MAX_SHOWN_VALUE),
        roots=(_ROOTS_OF_SEVERAL if several else _ROOTS_OF_ONE).format(p=p, whose=whose),
        symbolic=symbolic,
    )


def _odeint_function(exc: BaseException) -> Any:
    """The function, `y(t)`, that desolve_odeint was given as its unknown where it takes a
    plain variable; None if it was not."""
    from sage.symbolic.expression import Expression

    found = frames.locals_of(exc, "desolve_odeint", "sage/calculus/desolvers.py")
    unknown = found.get("dvars")
    if isinstance(unknown, Expression) and not unknown.is_symbol() and unknown.variables():
        return unknown
    return None


def _missing_vertex_hint(exc: BaseException) -> str | None:
    """For a graph's degree of a vertex it does not have, which it takes for a list of them."""
    from sage.graphs.generic_graph import GenericGraph

    for function in _DEGREE_ITERATORS:
        graph, vertex = (frames.locals_of(exc, function).get(k) for k in ("self", "vertices"))
        if isinstance(graph, GenericGraph) and vertex is not None and vertex not in graph:
            vertices = graph.vertices(sort=False)
            with contextlib.suppress(TypeError):  # vertices of kinds that do not compare
                vertices.sort()
            count, from_0 = len(vertices), vertices == list(range(len(vertices)))
            listed = ", ".join(map(str, vertices[:10]))
            if count > 10:
                listed = f"0 to {count - 1}" if from_0 else f"{listed} and {count - 10} more"
            said = _NOT_A_VERTEX.format(vertex=vertex, count=count, vertices=listed)
            return said + _FROM_0 if from_0 else said
    return None


def _recursion_hint(exc: BaseException) -> str | None:
    """For a function of the cell's own that recursed past Python's limit."""
    from sage.symbolic.expression import Expression

    depths: collections.Counter[types.CodeType] = collections.Counter()
    outermost: dict[types.CodeType, types.FrameType] = {}
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.startswith("<cell "):
            depths[tb.tb_frame.f_code] += 1
            outermost.setdefault(tb.tb_frame.f_code, tb.tb_frame)
        tb = tb.tb_next
    if not depths:
        return None
    code, depth = depths.most_common(1)[0]
    if depth < _MANY_LEVELS:
        return None
    limit = sys.getrecursionlimit()
    name = "The lambda" if code.co_name == "<lambda>" else code.co_name
    argument = code.co_varnames[0] if code.co_argcount else None
    given = outermost[code].f_locals.get(argument) if argument else None
    if isinstance(given, Expression) and given.variables() and code.co_name != "<lambda>":
        return _SYMBOLIC_RECURSION.format(name=name, value=given, argument=argument)
    return _TOO_DEEP.format(name=name, limit=limit, more=limit * 10)


def _integer_function_hint(exc: BaseException) -> str | None:
    """For one of Sage's functions of integers called on a symbolic expression, which it
    cannot evaluate: `fibonacci(n)`, `euler_phi(n)`, `divisors(n)`."""
    from sage.symbolic.expression import Expression

    innermost = frames.innermost_of_cell(exc.__traceback__)
    if innermost is None or innermost.tb_next is None:
        return None
    # The frame the cell called, of one of these functions, and the argument it was given:
    # read before the cell's bytecode, which most errors need not have read.
    frame = innermost.tb_next.tb_frame
    if frame.f_globals.get("__name__") not in _INTEGER_FUNCTIONS:
        return None
    code = frame.f_code
    arguments = [a for a in code.co_varnames[: code.co_argcount] if a != "self"]
    given = frame.f_locals.get(arguments[0]) if arguments else None
    if not (isinstance(given, Expression) and given.variables()):
        return None
    called = frames.called(innermost)
    if called is None:
        return None
    name, function = called
    short = name.rsplit(".", 1)[-1]
    if getattr(function, "__module__", None) not in _INTEGER_FUNCTIONS or short in _SYMBOLIC_TOO:
        return None
    at_k = _called_at_k(name, _failing_line(exc)[1])
    value = shown(given, _MAX_SHOWN_VALUE)
    return _INTEGERS_ONLY.format(name=name, value=value, at_k=at_k) + _FORMULAS.get(short, "")


def _called_at_k(name: str, line: str) -> str:
    """The call of `name` on `line`, its first argument replaced by k: `lucas_number1(k, 1,
    -1)` of `lucas_number1(n, 1, -1)`; `name(k)` if the line does not parse alone."""
    written = _arguments_written(name, line.strip()) or ["k"]
    return f"{name}({', '.join(['k', *written[1:]])})"


def _too_many_hint(exc: BaseException) -> str | None:
    """For len() or list() of a set with more than 2^63 - 1 elements."""
    name, function = _failing_call(exc) or ("", None)
    if function is len:
        return _TOO_MANY_TO_COUNT
    if function in (list, tuple, set, frozenset, sorted):
        return _TOO_MANY_TO_LIST.format(name=name)
    return None


def _not_a_number_hint(exc: BaseException) -> str | None:
    """For a symbolic value where a number was wanted: by a function of Python's `math`, an
    equation, or an expression with variables the line gives no value."""
    if (call := _failing_call(exc)) and (python := float_functions.hint(*call)):
        return python
    line = _code_of_failing_line(exc)
    if (index := _NOT_AN_INDEX.fullmatch(str(exc))) and re.search(
        rf"\[\s*{re.escape(index[1])}\s*\]", line
    ):
        return _indexed_solutions_hint(exc, line)
    return (
        _unevaluated_sum_hint(exc)
        or _equations_hint(exc)
        or _solution_of_a_call_hint(line)
        or _free_variables_hint(exc)
    )


def _unevaluated_sum_hint(exc: BaseException) -> str | None:
    """For a sum to infinity Maxima gave back unevaluated, where a number was wanted: held by
    a name on the failing line, or made there, as in `sum(1/k^k, k, 1, oo).n()`."""
    for _, value in _uncalled_names(exc):
        if (hint := to_infinity.unevaluated_sum_hint(value)) is not None:
            return hint
    frame, line = _failing_line(exc)
    if frame is None or not to_infinity.SUM_CANDIDATE.search(line):
        return None
    tree = cell_calls.preparsed_line(line)
    namespace = {**frame.f_globals, **frame.f_locals}
    for node in ast.walk(tree) if tree is not None else ():
        if isinstance(node, ast.Call) and cell_calls.called(node) == "sum":
            value = cell_calls.evaluated(node, namespace)
            if (hint := to_infinity.unevaluated_sum_hint(value)) is not None:
                return hint
    return None


def _equations_hint(exc: BaseException) -> str | None:
    """For a name on the cell's failing line that holds an equation, or solve's list of them
    (a list of lists for several variables), where a number was wanted."""
    for name, value in _uncalled_names(exc):
        if (first := _first_equation(name, value)) is None:
            continue
        access, equation = first
        example = shown(equation, _MAX_SHOWN_VALUE)
        if access == name:
            return _EQUATION.format(name=name, example=example)
        return _EQUATIONS.format(name=name, example=example, access=access)
    return None


def _solution_of_a_call_hint(line: str) -> str | None:
    """For a solution taken from a call of solve on the failing `line` where a number was
    wanted, `float(solve(x^2 == 2, x)[1])`: an equation, whose variable would otherwise be
    named as one with no value."""
    if not solutions.CANDIDATE.search(line):
        return None
    for piece, tree in cell_calls.parsed_statements(line):
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Subscript) and solutions.of_one_equation(node.value)):
                continue
            access = cell_calls.segment(piece, node)
            if access is not None and not re.search(rf"{re.escape(access)}\s*\.\s*[rl]hs\(", line):
                return _SOLUTION_OF_A_CALL.format(access=access)
    return None


def _indexed_solutions_hint(exc: BaseException, line: str) -> str | None:
    """For a name on the cell's failing `line` that holds an equation, or solve's list of
    them, indexed there as a dictionary of values is: `sol[0][x]`; or solve's list of
    dictionaries indexed as one is: `sol[x]`."""
    for name, value in _uncalled_names(exc):
        if not _indexed(name, line):
            continue
        key = re.search(rf"(?<![\w.]){re.escape(name)}\s*\[\s*([^\[\]]+?)\s*\]", line)
        if isinstance(value, list) and value and isinstance(value[0], dict) and key:
            example = shown(value[0], _MAX_SHOWN_VALUE)
            return _DICTIONARIES_INDEXED.format(name=name, example=example, key=key[1])
        if (first := _first_equation(name, value)) is None:
            continue
        access, equation = first
        # Of several variables, solve's solution is a list of equations: one dictionary.
        solution = value[0] if access.count("[") > 1 else [equation]
        dictionary = ", ".join(f"{e.lhs()}: {e.rhs()}" for e in solution)
        return _EQUATIONS_INDEXED.format(
            name=name,
            example=shown(equation, _MAX_SHOWN_VALUE),
            access=access,
            dictionary=shown(f"{{{dictionary}}}", _MAX_SHOWN_VALUE),
        )
    return None


def _first_equation(name: str, value: Any) -> tuple[str, Any] | None:
    """The first equation `value` holds, itself or first in a list (of lists), with how `name`
    reaches it: `sol[0]`."""
    from sage.symbolic.expression import Expression

    access, item = name, value
    while isinstance(item, list | tuple) and item:
        access, item = f"{access}[0]", item[0]
    if isinstance(item, Expression) and item.is_relational():
        return access, item
    return None


def _free_variables_hint(exc: BaseException) -> str | None:
    """For a name on the cell's failing line that holds an expression with variables the
    line gives no value, or else a bare symbolic variable, where a number was wanted. The
    index of a sum, a product or a definite integral is no such variable: it has no value to
    give."""
    from sage.symbolic.expression import Expression

    line = _code_of_failing_line(exc)
    given = set(_GIVEN_A_VALUE.findall(line)) | _indices_on(line)
    variables = []
    # Called too: calling an expression substitutes, as `g(x=1)`.
    for name, value in [*_uncalled_names(exc), *_names(exc, _CALLED_NAME)]:
        if name in given or not isinstance(value, Expression) or value.is_relational():
            continue
        if value.is_symbol():
            variables.append(name)
            continue
        free = [v for v in sorted(_free_variables(value)) if v not in given]
        if not free:
            continue
        many = len(free) > 1
        return _NO_VALUE.format(
            name=name,
            value=shown(value, _MAX_SHOWN_VALUE),
            variables=("variables " if many else "variable ") + ", ".join(free),
            them="them" if many else "it",
            example=free[0],
        )
    return _VARIABLE_NO_VALUE.format(name=variables[0]) if variables else None


def _indices_on(line: str) -> set[str]:
    """The names `line` gives as the index of a sum or product, or the variable of a definite
    integral: `k` in `sum(1/k^3, k, 1, n)`."""
    return {
        node.args[1].id
        for _, tree in cell_calls.parsed_statements(line)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and cell_calls.called(node) in _BINDERS
        and len(node.args) == 4
        and isinstance(node.args[1], ast.Name)
    }


def _free_variables(value: Any) -> set[str]:
    """The variables of the expression `value` that are not the index of a sum or product in
    it, nor the variable of a definite integral: `n` of `sum(1/k^3, k, 1, n)`."""
    from sage.functions.other import Function_prod, Function_sum
    from sage.symbolic.integration.integral import definite_integral

    if not _BINDING.search(str(value)):
        return {str(v) for v in value.variables()}
    kind = value.operator()
    if isinstance(kind, Function_sum | Function_prod) or kind is definite_integral:
        term, index, *ends = value.operands()
        return (_free_variables(term) - {str(index)}).union(*map(_free_variables, ends))
    if value.is_symbol():
        return {str(value)}
    return set().union(*map(_free_variables, value.operands()))


def _uncalled_names(exc: BaseException) -> list[tuple[str, Any]]:
    """The names on the cell's failing line that are not called there, with their values
    (None for a name not bound)."""
    return _names(exc, _UNCALLED_NAME)


def _names(exc: BaseException, pattern: re.Pattern[str]) -> list[tuple[str, Any]]:
    """The names `pattern` finds in the code of the cell's failing line, with their values."""
    frame, line = _failing_line(exc)
    if frame is None:
        return []
    return [(name, frames.look_up(name, frame)) for name in pattern.findall(_without_strings(line))]


def _code_of_failing_line(exc: BaseException) -> str:
    """The cell's failing line with its string literals emptied."""
    return _without_strings(_failing_line(exc)[1])


def _without_strings(line: str) -> str:
    """The line with its string literals emptied: `var('y a b')` names no variable."""
    return _STRING.sub("''", line)


def _numbers_have(attribute: str) -> bool:
    from sage.rings.rational_field import QQ

    return hasattr(QQ(1), attribute)


def _expressions_have(attribute: str) -> bool:
    from sage.symbolic.ring import SR

    return hasattr(SR.var("x"), attribute)


def _is_sages_function(value: Any) -> bool:
    from sage.misc.lazy_import import LazyImport
    from sage.symbolic.function import Function

    if isinstance(value, LazyImport):  # `E`, imported at its first use
        value = value._get_object()
    module = getattr(value, "__module__", None) or ""
    return module.startswith("sage.") and (
        isinstance(value, types.FunctionType | types.BuiltinFunctionType | Function)
    )


def _add_note(exc: BaseException, note: str) -> None:
    """Once: a cell may raise the same exception object again."""
    if note not in getattr(exc, "__notes__", ()):
        exc.add_note(note)


def _network_refused(exc: BaseException) -> bool:
    """Whether the exception, or one it was raised from or while handling, is the sandbox
    refusing the network: a name that does not resolve, or an Internet socket refused.
    Libraries wrap these (urllib's URLError, urllib3's NewConnectionError), so the chain is
    searched."""
    return any(
        isinstance(current, socket.gaierror)
        or (isinstance(current, PermissionError) and _raised_making_a_socket(current))
        for current in chain(exc)
    )


def _raised_making_a_socket(exc: BaseException) -> bool:
    if exc.__traceback__ is None:
        return False
    code = frames.innermost(exc.__traceback__).tb_frame.f_code
    return code.co_filename == socket.__file__ and code.co_name == "__init__"


_Chained = TypeVar("_Chained", BaseException, traceback.TracebackException)


def chain(first: _Chained) -> Iterator[_Chained]:
    """`first` and every exception it was raised from or while handling, each once."""
    seen: set[int] = set()
    pending: list[_Chained | None] = [first]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        pending += (current.__cause__, current.__context__)


def _messages(exc: BaseException) -> Iterator[str]:
    """The messages of `exc` and of the exceptions it was raised from or while handling."""
    return (str(current) for current in chain(exc))
