"""Polynomials of a ring of several variables, asked what only a polynomial in one does.

`R.<x,y,z> = QQ[]` rebinds x to a polynomial of a ring of three variables, and so does
`PolynomialRing(QQ, 'w', 1)` for one: a polynomial there has no `roots()`, `diff()` or
`plot()`, takes a value for each of the ring's variables when called (`g(2)`,
`find_root(g, 0, 1)`), and is no function a plot can draw, even of the variables it uses.
Sage's words say none of this: "has no attribute 'roots'", "number of arguments does not
match number of variables in parent", "unable to convert (1, x^3) to a symbolic expression",
"Variable 'z' not found in ['x', 'y']". The hints (`method_hint`, `call_hint`, `plot_hint`)
name the ring and what to write instead. Counterpart: `hints`, which adds them to the error.
"""

from __future__ import annotations

import re
from typing import Any

from sage_sidecar.shown import shown

# Sage's words for a polynomial called with fewer or more values than its ring has variables.
ARGUMENTS = "number of arguments does not match number of variables in parent"
# Sage's words when plot() takes a polynomial of several variables for a symbolic expression.
UNCONVERTED = re.compile(r"unable to convert \(.*\) to a symbolic expression", re.DOTALL)

_MAX_RING = 120
_MAX_UNNAMED = 60
_ROOTS = frozenset({
    "roots", "real_roots", "complex_roots", "nroots", "any_root", "all_roots_in_interval",
    "number_of_real_roots", "number_of_roots_in_interval", "real_root_intervals",
})  # fmt: skip
_DERIVATIVES = frozenset({"diff", "differentiate"})

_SEVERAL = "{name} is a polynomial of the {ring}, a ring of several variables"
_ONE_COUNTED = (
    ", as PolynomialRing(K, '{var}', 1) makes (PolynomialRing(K, '{var}') makes a ring of one)"
)
_NO_METHOD = ": its polynomials have no {method}(), which polynomials in one variable have."
_UNIVARIATE = " {name} uses {var} alone: {name}.univariate_polynomial().{method}() works."
_SOLVE = (
    " {name} uses {variables}: solve(SR({bare}), SR({var})) gives {var} in terms of the "
    "others, and ideal({bare}, ...).variety() the points where polynomials vanish together, "
    "if there are finitely many."
)
_AS_POLYNOMIAL_IN = (
    " {name} uses {variables}: {name}.polynomial({var}) is {name} as a polynomial in {var}, "
    "with the others in its coefficients."
)
_DERIVATIVE = ": its polynomials differentiate with derivative(), as {name}.derivative({var})."
_PLOT = (
    ", which a plot cannot draw as a function of its ranges' variables. Plot it as a "
    "symbolic expression, which has only the variables it uses: {call}."
)
_CALLED = (
    ": called, it takes a value for each of the ring's {count} variables, in the order {gens}, "
    "as {name}({example}); {name}.subs({var}=2) gives a value to some of them."
)
_CALLED_UNIVARIATE = (
    " It uses {var} alone: {name}.univariate_polynomial() is a polynomial in {var} that "
    "takes one value, for find_root() too."
)
_PLOTTER = re.compile(r"(?<![\w.])\w*plot\w*\s*\(")
_NAME = re.compile(r"(?<![\w.])[^\W\d]\w*")


def a_polynomial_of_several(value: Any) -> bool:
    """Whether `value` is a polynomial of a ring of several variables (one, maybe)."""
    from sage.rings.polynomial.multi_polynomial import MPolynomial

    return isinstance(value, MPolynomial)


def only_for_one_variable(cls: Any, method: str) -> bool:
    """Whether `method`, which `cls` lacks, is a method of polynomials in one variable that a
    polynomial of a ring of several variables (of class `cls`) does not have."""
    from sage.rings.polynomial.multi_polynomial import MPolynomial
    from sage.rings.polynomial.polynomial_element import Polynomial

    return isinstance(cls, type) and issubclass(cls, MPolynomial) and hasattr(Polynomial, method)


def method_hint(method: str, value: Any, name: str | None) -> str | None:
    """For `method`, which only polynomials in one variable have, asked of `value`, a
    polynomial of a ring of several variables; `name`: what the failing line calls it on."""
    if not a_polynomial_of_several(value):
        return None
    bare = name or shown(value, _MAX_UNNAMED)
    name = name or f"({bare})"
    used = [str(v) for v in value.variables()] or [str(value.parent().gen(0))]
    said = _several(name, value)
    if method in _DERIVATIVES:
        return said + _DERIVATIVE.format(name=name, var=used[0])
    said += _NO_METHOD.format(method=method)
    if len(used) == 1:
        return said + _UNIVARIATE.format(name=name, var=used[0], method=method)
    variables = ", ".join(used)
    way = _SOLVE if method in _ROOTS else _AS_POLYNOMIAL_IN
    return said + way.format(name=name, bare=bare, variables=variables, var=used[0])


def call_hint(names: list[tuple[str, Any]]) -> str | None:
    """For a polynomial of a ring of several variables called with another number of values
    than its ring has variables: the first such polynomial among the failing line's
    `names`."""
    for name, value in names:
        if a_polynomial_of_several(value):
            ring = value.parent()
            gens = [str(g) for g in ring.gens()]
            used = [str(v) for v in value.variables()]
            said = _several(name, value) + _CALLED.format(
                count=len(gens),
                gens=", ".join(gens),
                name=name,
                example=", ".join(["2", *["0"] * (len(gens) - 1)]),
                var=(used or gens)[0],
            )
            if len(used) == 1:
                said += _CALLED_UNIVARIATE.format(name=name, var=used[0])
            return said
    return None


def plot_hint(line: str, names: list[tuple[str, Any]]) -> str | None:
    """For a plot of a polynomial of a ring of several variables, on the failing `line`
    (whose names are `names`): the same plot of it as a symbolic expression."""
    polynomials = {name: value for name, value in names if a_polynomial_of_several(value)}
    for plotter in _PLOTTER.finditer(line):
        call = _call_at(line, plotter.end())
        if call is None:
            continue
        first, end = call
        argument = line[plotter.end() : first].strip()
        named = [n for n in _NAME.findall(argument) if n in polynomials]
        if named:
            drawn = line[plotter.start() : plotter.end()] + f"SR({argument})" + line[first:end]
            return _several(argument, polynomials[named[0]]) + _PLOT.format(call=drawn)
    return None


def _call_at(line: str, start: int) -> tuple[int, int] | None:
    """Where the first argument of the call whose arguments begin at `start` ends, and where
    the call does (past its closing parenthesis); None if the line ends first."""
    depth, first = 0, -1
    for index in range(start, len(line)):
        char = line[index]
        if char in "([{":
            depth += 1
        elif char in ")]}":
            if depth == 0:
                return (index if first < 0 else first), index + 1
            depth -= 1
        elif char == "," and depth == 0 and first < 0:
            first = index
    return None


def _several(name: str, value: Any) -> str:
    ring = value.parent()
    said = _SEVERAL.format(name=name, ring=shown(ring, _MAX_RING))
    if ring.ngens() == 1:
        said += _ONE_COUNTED.format(var=ring.gen(0))
    return said
