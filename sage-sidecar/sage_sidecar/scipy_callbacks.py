"""A hint for a Sage symbolic expression given to SciPy as the function it calls.

`brentq(f, 0, 2)`, `newton(f, 1)` and `minimize(lambda v: g(*v), [0, 0])` of `f(x) = x^2 - 2`
fail with "ufunc 'isnan' not supported for the input types", and `fsolve(f, 1)` with "Numpy
arrays are not supported as arguments for symbolic expressions", and an expression that is not
a function, as `t^2 - 2`, with "Substitution using function-call syntax ... has been removed":
SciPy calls the function with floats or an array and wants floats back, and a symbolic
expression gives symbolic values. None of the messages names the expression. The hint gives the
numerical function to pass, and Sage's own solvers, which take the expression. Counterpart:
`hints`, which puts the hint under the error.
"""

from __future__ import annotations

import re
from typing import Any

REFUSED = re.compile(
    r"ufunc '\w+' not supported for the input types.*"
    r"|Numpy arrays are not supported as arguments for symbolic expressions"
    r"|Substitution using function-call syntax and unnamed arguments has been removed.*",
    re.DOTALL,
)
_HINT = (
    "SciPy calls the function with floats, or a NumPy array, and wants floats back; {what} "
    "gives symbolic values. Make it a numerical function, F = fast_callable({name}, "
    "vars=[{variables}], domain=RDF), and give SciPy F, or lambda v: F(*v) where it passes an "
    "array (minimize, fsolve, root). Sage's find_root, minimize and numerical_integral take "
    "{name} as it is."
)


def hint(names: list[tuple[str, Any]]) -> str:
    """For SciPy refusing a symbolic value, raised on a line whose names (with their values)
    are `names`: the first that holds a symbolic expression, named in the hint."""
    from sage.symbolic.expression import Expression

    for name, value in names:
        if isinstance(value, Expression) and not value.is_symbol():
            arguments = value.arguments() if value.is_callable() else value.variables()
            return _HINT.format(
                what=f"{name}, a Sage symbolic expression,",
                name=name,
                variables=", ".join(map(str, arguments)) or "x",
            )
    return _HINT.format(what="a Sage symbolic expression", name="expr", variables="x")
