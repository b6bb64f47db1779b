"""Says so when a cell gives `N`, `n` or `numerical_approx` its precision as a bare number.

Sage reads `N(pi, 50)` and `pi.n(50)` as 50 bits, about 15 digits, where SymPy's `N` and
Mathematica read 50 digits. Nothing fails and the value looks plausible, so an agent that
meant digits goes on with a third of them. One line on stderr says how Sage read it.
Counterpart: `notes`, which runs this check after a cell.
"""

from __future__ import annotations

import ast
import math
import re
from typing import Any

from sage_sidecar import cell_calls

# Cheap enough to run on every cell: only a cell it finds is parsed.
CANDIDATE = re.compile(r"(?<![\w.])(?:N|n|numerical_approx)\(|\.(?:N|n|numerical_approx)\(")


def note(tree: ast.Module, value: Any, namespace: dict[str, Any]) -> str | None:
    """How Sage reads the first bare precision in the cell `tree`, if it has one."""
    bits = _bare_precision(tree, namespace)
    if bits is None:
        return None
    digits = max(1, math.floor(bits * math.log10(2)))
    return (
        f"Note: Sage reads a bare precision as bits: N(x, {bits}) and x.n({bits}) give "
        f"{bits} bits, about {digits} digit{'s' if digits > 1 else ''}. For {bits} digits: "
        f"N(x, digits={bits}) or x.n(digits={bits})."
    )


def _bare_precision(tree: ast.Module, namespace: dict[str, Any]) -> int | None:
    from sage.misc.functional import numerical_approx

    # The cell's own N, defined or bound in it, is its business.
    own = cell_calls.bound_names(tree)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        arguments = cell_calls.precision_arguments(node)
        if arguments is None or not arguments[0]:
            continue
        function = node.func
        # Sage's is one function under three names.
        if isinstance(function, ast.Name) and (
            function.id in own or namespace.get(function.id) is not numerical_approx
        ):
            continue
        bits = _literal(arguments[0][0])
        if bits is not None:
            return bits
    return None


def _literal(node: ast.expr) -> int | None:
    """An integer written as a number: `50`, or `Integer(50)` as the preparser made it."""
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "Integer"
        and len(node.args) == 1
    ):
        node = node.args[0]
    if isinstance(node, ast.Constant) and type(node.value) is int and node.value > 0:
        return node.value
    return None
