"""Says so when integrate's closed form of a definite integral is not the integral's value.

Maxima's definite integrals are sometimes wrong, most often across a special function's branch
cut: `integrate(sin(x)/x, x, 0, 1)` is `1/2*pi - 1/2*I*Ei(I) + 1/2*I*Ei(-I)`, which is 4.0877
numerically, where the integral is Si(1) = 0.9461; nothing fails, and `N()` of it reads as the
answer. After a cell that shows or binds such a closed form, or a number made of one
(`N(integrate(...))`), the integral is computed numerically too, at the cost of a few
milliseconds, and where the two disagree beyond the numerical error estimate one line on stderr
says so and what gives the value. A closed form can be right and still be 0 in floating point:
`integrate(x^20*exp(-x), x, 0, 1)` is 2432902008176640000 - 6613313319248080001*e^(-1), whose
terms cancel in 53 bits. A closed form at hand is computed with more bits too, and the note
says which it is; of a number made of one, that number is all there is, and the note says both.
An integrand numerical_integral cannot evaluate at some point, as dirac_delta(x) at 0, is left
unchecked: it takes 0 there. Counterpart: `notes`, which runs this check after a cell.
"""

from __future__ import annotations

import ast
import contextlib
import io
import math
import time
from typing import Any

from sage_sidecar import cell_calls, unevaluated
from sage_sidecar.shown import shown

# Cheap enough to run on every cell: only a cell it finds is parsed. The pattern of the calls
# `unevaluated` looks at, integrate's among them, tried once for both.
CANDIDATE = unevaluated.CANDIDATE
_INTEGRATES = frozenset({"integrate", "integral"})
# What makes a number of a closed form, as the cell's last expression: N(integrate(...)).
_NUMERIC = frozenset({"N", "n", "numerical_approx", "float", "RR", "RDF", "CC", "CDF"})
# The numerical value is trusted within this part of it (or of 1, for a small one); the two
# disagree beyond it, and beyond a hundred times the numerical error estimate.
_RELATIVE = 1e-6
_ESTIMATES = 100
# numerical_integral takes up to some 1800 values of the integrand: one that Sage evaluates
# slowly (a hypergeometric function, 250 microseconds a value) is left unchecked.
_MAX_SECONDS_A_VALUE = 20e-6
_MAX_SHOWN = 80
_NOTE = (
    "Note: integrate's closed form here{closed} is {closed_value} numerically, but the "
    "integral computed numerically is {value} (error estimate {error:.2g}): the closed form is "
    "most likely wrong, a fault of Maxima's, often at a special function's branch cut. "
    "{ways}"
)
_WAYS = (
    "numerical_integral({integrand}, {a}, {b})[0] gives the value; integrate(..., "
    "algorithm='sympy') another closed form."
)
# The closed form is right, and its terms cancel in floating point: `integrate(x^20*exp(-x), x,
# 0, 1)` is 2432902008176640000 - 6613313319248080001*e^(-1), 0 with 53 bits.
_CANCELLED = (
    "Note: integrate's closed form here, {closed}, is right, but its terms cancel: computed "
    "with 53 bits, as n() and N() do, it is {closed_value}, where its value is {value}. More "
    "bits keep its digits, as n({bits}) of it."
)
# A number made of a closed form, which is not at hand: wrong, or its terms cancelled.
_NUMBER = (
    "Note: this number, {closed_value}, is not the integral's, which computed numerically is "
    "{value} (error estimate {error:.2g}): integrate's closed form is wrong (a fault of "
    "Maxima's, often at a special function's branch cut), or its terms cancel beyond the "
    "{bits} bits it was computed with. The closed form itself, and n() of it with more bits, "
    "tell which. {ways}"
)
# Bits enough for the terms of a closed form that cancel as those of an integral of a power
# times exp(-x) do.
_PRECISE_BITS = 256


def note(tree: ast.Module, value: Any, namespace: dict[str, Any]) -> str | None:
    """The note, for the first definite integral with numbers for bounds that the cell shows
    or bound to a name, or shows as a number, whose closed form's value is not the
    integral's."""
    found: list[tuple[ast.expr, Any]] = list(cell_calls.bound(tree, namespace, _INTEGRATES))
    last = cell_calls.shown_expression(tree)
    if last is not None and value is not None:
        found.append((_numbered(last), value))
    for call, result in found:
        if not isinstance(call, ast.Call) or cell_calls.called(call) not in _INTEGRATES:
            continue
        text = _disagreement(call, result, namespace)
        if text is not None:
            return text
    return None


def _numbered(node: ast.expr) -> ast.expr:
    """What `node` makes a number of, `integrate(...)` in `N(integrate(...))` or
    `integrate(...).n()`; `node` itself otherwise."""
    while isinstance(node, ast.Call):
        function = node.func
        if isinstance(function, ast.Name) and function.id in _NUMERIC and len(node.args) == 1:
            node = node.args[0]
        elif isinstance(function, ast.Attribute) and function.attr in _NUMERIC and not node.args:
            node = function.value
        else:
            break
    return node


def _disagreement(call: ast.Call, result: Any, namespace: dict[str, Any]) -> str | None:
    """The note for `call` of integrate, whose value is `result`, if its integrand and bounds
    are at hand and its value and the integral's computed numerically disagree."""
    from sage.calculus.integration import numerical_integral
    from sage.rings.complex_double import CDF
    from sage.rings.complex_mpfr import ComplexField
    from sage.symbolic.expression import Expression

    integral = _integral(call, namespace)
    if integral is None:
        return None
    values, nodes = integral
    integrand, variable, a, b = values
    if not _quick(integrand, variable, a, b):
        return None
    # numerical_integral prints why it could not evaluate the integrand at a point, and takes
    # 0 there: a value such as dirac_delta(x)'s, 0.0, is not the integral's, and the cell's
    # output is not the place for what this check met.
    failures = io.StringIO()
    try:
        closed_value = complex(CDF(result))
        with contextlib.redirect_stdout(failures):
            numeric, error = numerical_integral(integrand, a, b)
    except (TypeError, ValueError, ArithmeticError):  # variables left, or no real integrand
        return None
    if failures.getvalue() or not (math.isfinite(numeric) and math.isfinite(error)):
        return None  # a NaN at a point, as x/sqrt(x^2) at 0: neither value to go by
    scale = max(1.0, abs(numeric))
    if error > _RELATIVE * scale:
        return None  # the numerical value is not to be trusted either: integral_error's
    if abs(closed_value - numeric) <= max(_ESTIMATES * error, _RELATIVE * scale):
        return None
    ways = _WAYS.format(
        integrand=_code(nodes[0], integrand), a=_code(nodes[2], a), b=_code(nodes[3], b)
    )
    if not isinstance(result, Expression):  # a number made of it: N(integrate(...))
        return _NUMBER.format(
            closed_value=_number(closed_value),
            value=_number(numeric),
            error=error,
            bits=getattr(result, "prec", lambda: 53)(),
            ways=ways,
        )
    precise = complex(ComplexField(_PRECISE_BITS)(result))
    if abs(precise - numeric) <= max(_ESTIMATES * error, _RELATIVE * scale):
        return _CANCELLED.format(
            closed=shown(result, _MAX_SHOWN),
            closed_value=_number(closed_value),
            value=_number(precise),
            bits=_PRECISE_BITS,
        )
    symbolic = not result.is_numeric()
    return _NOTE.format(
        closed=f", {shown(result, _MAX_SHOWN)}," if symbolic else "",
        closed_value=_number(closed_value),
        value=_number(numeric),
        error=error,
        ways=ways,
    )


def _integral(call: ast.Call, namespace: dict[str, Any]) -> tuple[list[Any], list[ast.expr]] | None:
    """The integrand, variable and numbers for bounds of the definite integral `call` writes,
    integrate(f, x, a, b), integrate(f, (x, a, b)) or f.integrate(x, a, b), and the code of
    each."""
    from sage.symbolic.expression import Expression

    arguments = list(call.args)
    if (integrated := cell_calls.receiver(call)) is not None:  # f.integrate(x, a, b)
        arguments.insert(0, integrated)
    if len(arguments) == 2 and isinstance(arguments[1], ast.Tuple):
        arguments[1:] = arguments[1].elts
    if len(arguments) != 4:
        return None
    values = [cell_calls.evaluated(node, namespace) for node in arguments]
    integrand, variable, a, b = values
    if integrand is None or not (isinstance(variable, Expression) and variable.is_symbol()):
        return None
    for bound in (a, b):
        if bound is None or (isinstance(bound, Expression) and bound.variables()):
            return None
    if isinstance(integrand, Expression) and set(integrand.variables()) - {variable}:
        return None
    return values, arguments


def _quick(integrand: Any, variable: Any, a: Any, b: Any) -> bool:
    """Whether `integrand` has values at two points of the range, each computed in less than
    `_MAX_SECONDS_A_VALUE`."""
    from sage.ext.fast_callable import fast_callable

    try:
        low, high = float(a), float(b)
        if math.isinf(low) and math.isinf(high):
            points = [0.5, 1.5]
        elif math.isinf(high) or math.isinf(low):
            end = high if math.isinf(low) else low
            points = [end + 0.5, end + 1.5] if math.isinf(high) else [end - 0.5, end - 1.5]
        else:
            points = [low + 0.3 * (high - low), low + 0.7 * (high - low)]
        function = fast_callable(integrand, vars=[variable], domain=float)
        function(points[0])  # the first value sets up what the others reuse
        return all(_seconds(function, point) < _MAX_SECONDS_A_VALUE for point in points)
    except (TypeError, ValueError, ArithmeticError, AttributeError, NotImplementedError):
        return False  # no value there, or none fast_callable can compute


def _seconds(function: Any, point: float) -> float:
    """How long `function` takes for its value at `point`: the least of three, which a
    machine busy with other work lengthens least."""
    times = []
    for _ in range(3):
        started = time.perf_counter()
        function(point)
        times.append(time.perf_counter() - started)
    return min(times)


def _code(node: ast.expr, value: Any) -> str:
    """`node` as the cell wrote it, if a name (`f`, `oo`); else `value` as Sage prints it."""
    return node.id if isinstance(node, ast.Name) else shown(value, _MAX_SHOWN)


def _number(value: complex) -> str:
    """`value` to 12 significant digits, with its imaginary part only where it has one."""
    if abs(value.imag) <= 1e-12 * max(1.0, abs(value.real)):
        return f"{value.real:.12g}"
    return f"{value.real:.12g} {'+' if value.imag >= 0 else '-'} {abs(value.imag):.12g}*I"
