"""Checks a sum or product to infinity against its partial sums or products.

Maxima gets some of these wrong, and nothing fails: `product(1 + 1/k^2, k, 1, oo)` gives 0,
where the partial products settle near 3.674 (sinh(pi)/pi), and `sum(log(1 + 1/k^2), k, 1,
oo)` raises "Sum is divergent.", where the partial sums settle near 1.302; and
`product(1 - 1/k^2, k, 2, oo)` fails on the way, "0 * infinity encountered", where they settle
near 1/2. Where the partial values up to 10^4 and 10^5 terms agree, and Sage's answer does not,
one line says so, with the partial values and a numerical way: a note after a product
(`product_note`, for `notes`), a hint under the divergence error (`divergent_hint`, for
`hints`) or under the product's (`failed_product_hint`). And where Maxima finds no closed form,
`sum(1/k^k, k, 1, oo)` gives the sum back unevaluated, and its n() fails, "cannot evaluate
symbolic expression numerically": its partial sums say what it is near, or that it may diverge
(`sum_note`, after the cell, and `unevaluated_sum_hint`, under n()'s error).
"""

from __future__ import annotations

import ast
import math
import re
import time
from typing import Any

from sage_sidecar import cell_calls, frames, unevaluated
from sage_sidecar.shown import shown

# Cheap enough to run on every cell: only a cell it finds is parsed.
CANDIDATE = re.compile(r"(?<![\w.])product\(")
SUM_CANDIDATE = re.compile(r"(?<![\w.])sum\(")
DIVERGENT = "Sum is divergent."
_INFINITE = frozenset({"oo", "Infinity", "infinity"})
# Partial values at these numbers of terms; they settle if within this of each other.
_TERMS = (10_000, 100_000)
_SETTLED = 1e-3
# Sage's answer is wrong if this far from where the partial values settle.
_WRONG = 1e-2
_BUDGET_SECONDS = 0.2  # a term Sage evaluates slowly is left unchecked
_PRODUCT = (
    "Note: product({f}, {k}, {a}, oo) gave {given}, but its partial products settle near "
    "{near:.4g}: {first:.8g} up to {k} = {n1}, {second:.8g} up to {n2}. Maxima's infinite "
    "product is wrong here. Numerically: F = fast_callable({f}, vars=[{k}], domain=RDF); "
    "prod(F(j) for j in range({a}, 10^6))."
)
_SUM = (
    "Maxima's test calls this sum divergent, but its partial sums settle near {near:.4g}: "
    "{first:.8g} up to {k} = {n1}, {second:.8g} up to {n2}, so the test is wrong here. "
    "Numerically: F = fast_callable({f}, vars=[{k}], domain=RDF); "
    "sum(F(j) for j in range({a}, 10^6))."
)

_GIVEN_BACK = (
    "Note: sum found no closed form and gave the sum back unevaluated: {sum}, whose n() fails. "
    "{partial}"
)
_NO_NUMERICAL_VALUE = (
    "{sum} is a sum Maxima found no closed form for, given back unevaluated, and Sage has no "
    "numerical value for it ({k} is its index, not a variable to give a value). {partial}"
)
_PARTIAL_SUMS = (
    "Its partial sums settle near {near:.4g}: {first:.8g} up to {k} = {n1}, {second:.8g} up to "
    "{n2}. Numerically: F = fast_callable({f}, vars=[{k}], domain=RDF); "
    "sum(F(j) for j in range({a}, 10^6))."
)
_UNSETTLED_SUMS = (
    "Its partial sums do not settle: {first:.8g} up to {k} = {n1}, {second:.8g} up to {n2}; "
    "it may diverge, or converge too slowly to sum term by term."
)
_UNSUMMED = (
    "If it converges, numerically: F = fast_callable({f}, vars=[{k}], domain=RDF); "
    "sum(F(j) for j in range({a}, 10^6))."
)
_MAX_SHOWN = 80

_FAILED_PRODUCT = (
    "Maxima's infinite product failed on the way, but its partial products settle near "
    "{near:.4g}: {first:.8g} up to {k} = {n1}, {second:.8g} up to {n2}. The partial product "
    "to n, p = product({f}, {k}, {a}, n) with var('n'), may have a limit(p, n=oo) in closed "
    "form. Numerically: F = fast_callable({f}, vars=[{k}], domain=RDF); "
    "prod(F(j) for j in range({a}, 10^6))."
)


def product_note(tree: ast.Module, value: Any, namespace: dict[str, Any]) -> str | None:
    """For a product to infinity the cell shows or binds to a name, whose value its partial
    products contradict."""
    from sage.misc.functional import symbolic_prod

    if namespace.get("product") is not symbolic_prod:
        return None  # the cell's or another library's product: its business
    for call, result, _ in cell_calls.results(tree, value, namespace, ("product",)):
        if not isinstance(call.func, ast.Name):
            continue
        terms = _terms(call, namespace)
        if terms is None or (given := _number(result)) is None:
            continue
        f, k, a = terms
        partial = _partial(f, k, a, multiply=True)
        if partial is not None and _contradicts(given, partial[1]):
            return _PRODUCT.format(**_said(call, partial), given=result)
    return None


def sum_note(tree: ast.Module, value: Any, namespace: dict[str, Any]) -> str | None:
    """For a sum to infinity the cell shows or binds to a name that Maxima gave back
    unevaluated, in whole or in part: what its partial sums say."""
    from sage.misc.functional import symbolic_sum

    if namespace.get("sum") is not symbolic_sum:
        return None  # the cell's or another library's sum: its business
    for _, result, _ in cell_calls.results(tree, value, namespace, ("sum",)):
        if (found := given_back_sum(result)) is not None and (said := _partial_said(found)):
            return _GIVEN_BACK.format(sum=shown(found, _MAX_SHOWN), partial=said)
    return None


def unevaluated_sum_hint(value: Any) -> str | None:
    """For `value`, which n() could not evaluate, if it holds a sum to infinity Maxima gave
    back unevaluated: `sum(1/k^k, k, 1, oo).n()`."""
    if (found := given_back_sum(value)) is None or not (said := _partial_said(found)):
        return None
    return _NO_NUMERICAL_VALUE.format(
        sum=shown(found, _MAX_SHOWN), k=found.operands()[1], partial=said
    )


def given_back_sum(value: Any) -> Any:
    """The first sum in the expression `value`, outermost first, if it is a sum to infinity
    Maxima gave back unevaluated; None otherwise."""
    from sage.functions.other import symbolic_sum
    from sage.symbolic.expression import Expression

    if not isinstance(value, Expression):
        return None
    found = unevaluated.first_of(value, (symbolic_sum,))
    return found if found is not None and str(found.operands()[3]) == "+Infinity" else None


def _partial_said(found: Any) -> str | None:
    """What the partial sums of the unevaluated sum `found` say: where they settle, that they
    do not, or, too slow to compute, how to compute them; None for a sum whose terms have
    other variables, or that starts at no integer."""
    f, k, a, _ = found.operands()
    try:
        start = int(a)
    except (TypeError, ValueError):
        return None
    if set(f.variables()) != {k}:
        return None
    said = {"f": f, "k": k, "a": start, "n1": _TERMS[0], "n2": _TERMS[1]}
    values = _partial_values(f, k, start, multiply=False)
    if values is None:
        return _UNSUMMED.format(**said)
    first, second = values
    if not (math.isfinite(first) and math.isfinite(second)):
        return None  # a term with no value, as at a pole: not a sum to approximate
    template = _PARTIAL_SUMS if _settled(values) else _UNSETTLED_SUMS
    return template.format(**said, near=second, first=first, second=second)


def divergent_hint(exc: BaseException) -> str | None:
    """For a sum to infinity Maxima called divergent, whose partial sums settle."""
    return _failed_hint(exc, "symbolic_sum", _SUM, multiply=False)


def failed_product_hint(exc: BaseException) -> str | None:
    """For a product to infinity that Maxima failed to compute, whose partial products settle."""
    return _failed_hint(exc, "symbolic_product", _FAILED_PRODUCT, multiply=True)


def _failed_hint(exc: BaseException, function: str, template: str, *, multiply: bool) -> str | None:
    """`template`, filled in, for a sum or product to infinity that Sage's `function` failed
    on with `exc`, whose partial values settle."""
    found = frames.locals_of(exc, function, "sage/calculus/calculus.py")
    f, k, a, b = (found.get(name) for name in ("expression", "v", "a", "b"))
    if f is None or k is None or a is None or str(b) not in ("+Infinity", "Infinity"):
        return None
    try:
        start = int(a)
    except (TypeError, ValueError):
        return None
    partial = _partial(f, k, start, multiply=multiply)
    if partial is None:
        return None
    first, second = partial
    return template.format(
        f=f, k=k, a=start, near=second, first=first, second=second, n1=_TERMS[0], n2=_TERMS[1]
    )


def _terms(call: ast.Call, namespace: dict[str, Any]) -> tuple[Any, Any, int] | None:
    """The term, the variable and the first index of `product(f, k, a, oo)`, evaluated."""
    if len(call.args) != 4 or call.keywords:
        return None
    bound = call.args[3]
    if not (isinstance(bound, ast.Name) and bound.id in _INFINITE):
        return None
    f, k, a = (cell_calls.evaluated(argument, namespace) for argument in call.args[:3])
    try:
        return f, k, int(a)
    except (TypeError, ValueError):
        return None


def _number(result: Any) -> complex | None:
    """Sage's answer as a number, 0 and the infinities included; None if it is not one."""
    from sage.symbolic.expression import Expression

    if isinstance(result, Expression) and result.variables():
        return None
    if str(result) in ("+Infinity", "-Infinity", "Infinity"):
        return complex(math.inf)
    try:
        return complex(result)
    except (TypeError, ValueError):
        return None


def _partial(f: Any, k: Any, a: int, *, multiply: bool) -> tuple[float, float] | None:
    """The partial sums or products of f over k from a, up to each of `_TERMS` terms, if they
    settle; None if they do not, or cannot be computed in time."""
    values = _partial_values(f, k, a, multiply=multiply)
    return values if values is not None and _settled(values) else None


def _partial_values(f: Any, k: Any, a: int, *, multiply: bool) -> tuple[float, float] | None:
    """The partial sums or products of f over k from a, up to each of `_TERMS` terms; None if
    they cannot be computed in time, or f has other variables."""
    from sage.ext.fast_callable import fast_callable
    from sage.rings.real_double import RDF
    from sage.symbolic.expression import Expression

    if not isinstance(f, Expression) or set(f.variables()) != {k}:
        return None
    term = fast_callable(f, vars=[k], domain=RDF)
    deadline = time.monotonic() + _BUDGET_SECONDS
    total, values = (1.0 if multiply else 0.0), []
    j = a
    for end in _TERMS:
        while j < a + end:
            if j % 1000 == 0 and time.monotonic() > deadline:
                return None
            step = float(term(j))
            total = total * step if multiply else total + step
            j += 1
        values.append(total)
    first, second = values
    return first, second


def _settled(values: tuple[float, float]) -> bool:
    first, second = values
    return bool(math.isfinite(second) and second) and abs(second - first) <= _SETTLED * abs(second)


def _contradicts(given: complex, settled: float) -> bool:
    return not (math.isfinite(abs(given)) and abs(given - settled) <= _WRONG * abs(settled))


def _said(call: ast.Call, partial: tuple[float, float]) -> dict[str, Any]:
    first, second = partial
    return {
        "f": cell_calls.as_written(call.args[0]),
        "k": cell_calls.as_written(call.args[1]),
        "a": cell_calls.as_written(call.args[2]),
        "near": second,
        "first": first,
        "second": second,
        "n1": _TERMS[0],
        "n2": _TERMS[1],
    }
