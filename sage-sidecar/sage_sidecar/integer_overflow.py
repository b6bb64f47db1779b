"""Says so when NumPy's fixed-size integers wrapped around in the value a cell shows.

`b = np.array([2^40, 2^40]); b * b * b` is `array([0, 0])`: NumPy's int64 keeps 64 bits and
drops the rest without a word, where Python's and Sage's integers are exact. Where the cell's
last line is arithmetic on names and numbers that shows a NumPy integer array or number, the
line is computed again with the arrays' entries as exact integers; where the two differ, one
line on stderr says so, with an entry of each. Counterpart: `notes`, which runs this check
after a cell.
"""

from __future__ import annotations

import ast
import re
from typing import Any

import numpy

from sage_sidecar import cell_calls
from sage_sidecar.shown import shown

# Arithmetic on a name, `b * b`, `c * 4`: only a cell it finds is parsed. The operator comes
# first, and what stands before it is looked behind at, for a search as fast as a literal's.
CANDIDATE = re.compile(
    r"(?:\*\*|[*+-])(?:(?<=\w\*\*)|(?<=\w \*\*)|(?<=\w[*+-])|(?<=\w [*+-]))\s*[A-Za-z_(]"
)
_NOTE = (
    "Note: NumPy's {dtype} wrapped around: {written} is {wrapped} where the exact integer is "
    "{exact}, as {dtype} keeps {bits} bits and drops the rest without a word. Exact integers: "
    "make the array with dtype=object, or use Sage's (vector(ZZ, ...), matrix(ZZ, ...))."
)
# Arrays this large are not computed again.
_MAX_ENTRIES = 100_000
_MAX_SHOWN = 60


def note(tree: ast.Module, value: Any, namespace: dict[str, Any]) -> str | None:
    """The note, if the cell shows a NumPy integer array or number that its last line's
    arithmetic, computed exactly, does not give."""
    last = cell_calls.shown_expression(tree)
    if not (last is not None and _fixed_integers(value)):
        return None
    exactly = dict(namespace)
    for node in ast.walk(last):
        if isinstance(node, ast.Name) and _fixed_integers(bound := namespace.get(node.id)):
            exactly[node.id] = numpy.asarray(bound).astype(object)
    exact = cell_calls.evaluated(last, exactly)
    if exact is None:
        return None
    wrapped, exact = numpy.ravel(numpy.asarray(value)), numpy.ravel(numpy.asarray(exact, object))
    if wrapped.shape != exact.shape:
        return None
    differ = [i for i in range(len(wrapped)) if int(wrapped[i]) != exact[i]]
    if not differ:
        return None
    first = differ[0]
    kind = numpy.asarray(value).dtype
    return _NOTE.format(
        dtype=kind,
        written=cell_calls.as_written(last) + (f", entry {first}," if wrapped.size > 1 else ""),
        wrapped=wrapped[first],
        exact=shown(exact[first], _MAX_SHOWN),
        bits=kind.itemsize * 8,
    )


def _fixed_integers(value: Any) -> bool:
    """Whether `value` is a NumPy integer number, or an array of them of a size to compute
    again."""
    if isinstance(value, numpy.integer):
        return True
    return (
        isinstance(value, numpy.ndarray)
        and value.dtype.kind in "iu"
        and 0 < value.size <= _MAX_ENTRIES
    )
