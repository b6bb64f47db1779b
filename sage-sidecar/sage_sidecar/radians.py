"""Says, the first time a session takes the sine of 30 or the cosine of 45, that Sage's
trigonometric functions take radians.

`sin(30)` is the sine of 30 radians, -0.988, and Sage shows it as `sin(30)`, which reads as the
exact value of the sine of 30 degrees, 1/2. A whole number of degrees that the common angles
are, given to sin, cos or tan as a number, reads as degrees meant; the note gives both.
Counterpart: `notes`, which runs this check after a cell.
"""

from __future__ import annotations

import ast
import re
from typing import Any

from sage_sidecar import cell_calls

# Cheap enough to run on every cell: only a cell it finds is parsed.
CANDIDATE = re.compile(r"\b(?:sin|cos|tan|sec|csc|cot)\(Integer\(\d+\)\)")
_TRIGONOMETRIC = {
    "sin": "sine", "cos": "cosine", "tan": "tangent",
    "sec": "secant", "csc": "cosecant", "cot": "cotangent",
}  # fmt: skip
# Angles in degrees that a text or a problem gives: multiples of 15, and of 18 (pentagons).
_DEGREES = frozenset({*range(15, 361, 15), *range(18, 361, 18)})
_NOTE = (
    "Note: Sage's {function} takes radians, as mathematics does: {call} is the {word} of "
    "{degrees} radians, {radians}. The {word} of {degrees} degrees: "
    "{function}({degrees}*pi/180), which is {exact}."
)


def note(tree: ast.Module, value: Any, namespace: dict[str, Any]) -> str | None:
    """The note, for the first sin, cos or tan in the cell of a number of degrees of a common
    angle."""
    from sage.symbolic.constants import pi

    for call, function in cell_calls.symbolic_calls(tree, namespace, _TRIGONOMETRIC):
        if not cell_calls.a_number(call.args[0]):
            continue
        degrees = cell_calls.evaluated(call.args[0], namespace)
        if degrees not in _DEGREES:
            continue
        trigonometric = namespace[function]
        return _NOTE.format(
            function=function,
            word=_TRIGONOMETRIC[function],
            call=cell_calls.as_written(call),
            degrees=degrees,
            radians=trigonometric(degrees).n(digits=4),
            exact=trigonometric(degrees * pi / 180),
        )
    return None
