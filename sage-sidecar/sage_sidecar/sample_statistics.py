"""Says, the first time a session calls them, that Sage's std() and variance() are the
sample's.

`std([1, 2, 3, 4])` is `sqrt(5/3)`: Sage divides by n - 1. Its deprecation warning says to use
`numpy.std` instead, which divides by n and gives 1.118, not 1.291: an agent that follows the
warning, or checks one against the other, gets two answers and no word of why. Counterpart:
`notes`, which runs this check after a cell.
"""

from __future__ import annotations

import ast
import re
from typing import Any

from sage_sidecar import cell_calls

# Cheap enough to run on every cell: only a cell it finds is parsed.
CANDIDATE = re.compile(r"(?<![\w.])(?:std|variance)\(")
_NOTE = (
    "Note: Sage's std() and variance() are the sample's, dividing by n - 1. numpy.std and "
    "numpy.var, which the deprecation warning names, divide by n unless given ddof=1: "
    "np.std(v, ddof=1) and np.var(v, ddof=1) are these values."
)


def note(tree: ast.Module, value: Any, namespace: dict[str, Any]) -> str | None:
    """The note, if the cell called Sage's own std or variance, as the sample's: not given
    bias=True, which divides by n."""
    from sage.stats.basic_stats import std, variance

    sages = {"std": std, "variance": variance}
    for call in cell_calls.own_calls(tree):
        name = cell_calls.called(call)
        if (
            isinstance(call.func, ast.Name)
            and name in sages
            and namespace.get(name) is sages[name]
            and not any(keyword.arg == "bias" for keyword in call.keywords)
        ):
            return _NOTE
    return None
