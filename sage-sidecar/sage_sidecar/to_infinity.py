"""Checks a sum or product to infinity against its partial sums or products.

Maxima gets some of these wrong, and nothing fails: `product(1 + 1/k^2, k, 1, oo)` gives 0,
where the partial products settle near 3.674 (sinh(pi)/pi), and `sum(log(1 + 1/k^2), k, 1,
oo)` raises "Sum is divergent.", where the partial sums settle near 1.302; and
`product(1 - 1/k^2, k, 2, oo)` fails on the way, "0 * infinity encountered", where they settle
near 1/2. Where the partial values up to 10^4 and 10^5 terms agree, and Sage's answer does not,
one line says so, with the partial values and a numerical way: a note after a product
(`product_note`, for `notes`), a hint under the divergence error (`divergent_hint`, for
`hints`) or under the product's (`failed_product_hint`).
"""

from __future__ import annotations

import ast
import math
import re
import time
from typing import Any

from sage_sidecar import cell_calls, frames

# Cheap enough to run on every cell: only a cell it finds is parsed.
CANDIDATE = re.compile(r"(?<![\w.])product\(")
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
    if not (math.isfinite(second) and second) or abs(second - first) > _SETTLED * abs(second):
        return None
    return first, second


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
