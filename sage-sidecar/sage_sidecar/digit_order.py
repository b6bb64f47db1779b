"""Says, the first time a session shows them, in which order digits() and bits() list digits.

`(17).digits()` is `[7, 1]` and `(6).bits()` is `[0, 1, 1]`: the least significant digit
first, the reverse of how the number is written, and of Python's `str(17)` and `bin(6)`. An
agent that reads them as written gets every number with two or more digits backwards, and
nothing fails. Counterpart: `notes`, which runs this check after a cell.
"""

from __future__ import annotations

import ast
import re
from typing import Any

from sage_sidecar import cell_calls

# Cheap enough to run on every cell: only a cell it finds is parsed.
CANDIDATE = re.compile(r"\.(?:digits|bits)\(")
_LISTING = frozenset({"digits", "bits"})
_NOTE = (
    "Note: {method}() lists the digits from the least significant, the reverse of how the "
    "number is written: {shown} for {number}. In written order: {call}[::-1]."
)
_MAX_DIGITS = 20


def note(tree: ast.Module, value: Any, namespace: dict[str, Any]) -> str | None:
    """The note, for a cell that bound or shows the digits of an integer whose order tells:
    one that does not read the same both ways."""
    from sage.rings.integer import Integer

    for call, digits, _ in cell_calls.results(tree, value, namespace, _LISTING):
        receiver = cell_calls.receiver(call)
        if receiver is None or not isinstance(digits, list) or digits == digits[::-1]:
            continue
        number = cell_calls.evaluated(receiver, namespace)
        if not isinstance(number, Integer | int) or len(digits) > _MAX_DIGITS:
            continue
        return _NOTE.format(
            method=cell_calls.called(call),
            shown=digits,
            number=number,
            call=cell_calls.as_written(call),
        )
    return None
