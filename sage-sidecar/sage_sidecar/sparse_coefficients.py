"""Says, the first time a session shows them, that a polynomial's coefficients() leaves out its
zero coefficients.

`(x^4 - 1).coefficients()` of a polynomial in one variable is `[-1, 1]`: the nonzero
coefficients, from the lowest degree, with nothing to say which degree each is of. An agent
that takes the list for all the coefficients, as NumPy's and SymPy's are, reads x^4 - 1 as
x - 1, and nothing fails. Counterpart: `notes`, which runs this check after a cell.
"""

from __future__ import annotations

import ast
import re
from typing import Any

from sage_sidecar import cell_calls
from sage_sidecar.shown import shown

# Cheap enough to run on every cell: only a cell it finds is parsed.
CANDIDATE = re.compile(r"\.coefficients\(\s*\)")
_MAX_SHOWN = 60
_NOTE = (
    "Note: coefficients() of a polynomial lists its nonzero coefficients only, from the lowest "
    "degree: {shown} for {polynomial}. All of them, from degree 0: {name}.list(), or "
    "{name}.coefficients(sparse=False); with their degrees: {name}.dict()."
)


def note(tree: ast.Module, value: Any, namespace: dict[str, Any]) -> str | None:
    """The note, for the coefficients of a polynomial in one variable, bound or shown, that
    left out a zero one."""
    from sage.rings.polynomial.polynomial_element import Polynomial

    for call, coefficients, _ in cell_calls.results(tree, value, namespace, ("coefficients",)):
        receiver = cell_calls.receiver(call)
        if receiver is None or call.args or call.keywords:
            continue
        polynomial = cell_calls.evaluated(receiver, namespace)
        if not isinstance(polynomial, Polynomial) or not isinstance(coefficients, list):
            continue
        if len(coefficients) == polynomial.degree() + 1:
            continue  # none left out
        name = cell_calls.as_written(receiver)
        return _NOTE.format(
            shown=shown(coefficients, _MAX_SHOWN),
            polynomial=shown(polynomial, _MAX_SHOWN),
            name=name if isinstance(receiver, ast.Name) else f"({name})",
        )
    return None
