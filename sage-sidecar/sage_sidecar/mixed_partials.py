"""Says so when diff is given its variables as a list, which makes one mixed partial derivative.

`diff(f, [x, y])` differentiates f by x, then by y: with `f = x^2*y + x*y^3` it is
`3*y^2 + 2*x`, one expression, where code written for a gradient (MATLAB's `gradient(f, [x,
y])`, SymPy's `derive_by_array`) meant `(2*x*y + y^3, x^2 + 3*x*y^2)`. Nothing fails, and the
value reads as a derivative. One line on stderr says what was computed and gives the gradient.
Counterpart: `notes`, which runs this check after a cell.
"""

from __future__ import annotations

import ast
import re
from typing import Any

from sage_sidecar import cell_calls
from sage_sidecar.shown import listed

# Cheap enough to run on every cell: only a cell it finds is parsed.
CANDIDATE = re.compile(r"(?:(?<![\w.])|\.)(?:diff|derivative|differentiate)\([^\n]*\[")
_DERIVATIVES = frozenset({"diff", "derivative", "differentiate"})
_NOTE = (
    "Note: {call} differentiated {f} by {variables} in turn: it is one mixed partial "
    "derivative, not one derivative for each variable. The gradient is {gradient}, and "
    "[diff({f}, v) for v in {written}] the same as a list."
)


def note(tree: ast.Module, value: Any, namespace: dict[str, Any]) -> str | None:
    """The note, for the first diff of the cell given a list of two or more distinct
    variables, as a function or as a method."""
    from sage.symbolic.expression import Expression

    for call in cell_calls.own_calls(tree):
        function = cell_calls.called(call)
        if function not in _DERIVATIVES:
            continue
        if cell_calls.receiver(call) is None and not cell_calls.sages_own(function, namespace):
            continue
        if (operands := cell_calls.worked_on(call)) is None:
            continue
        differentiated, arguments = operands
        if len(arguments) != 1 or not isinstance(arguments[0], ast.List):
            continue
        names = [element.id for element in arguments[0].elts if isinstance(element, ast.Name)]
        if len(names) != len(arguments[0].elts) or len(set(names)) < 2:
            continue
        if not all(isinstance(namespace.get(name), Expression) for name in names):
            continue
        f = cell_calls.as_written(differentiated)
        return _NOTE.format(
            call=cell_calls.as_written(call),
            f=f,
            variables=listed(names),
            gradient=f"{cell_calls.as_operand(f, differentiated)}.gradient([{', '.join(names)}])",
            written=cell_calls.as_written(arguments[0]),
        )
    return None
