"""Says so when a cell's star import replaces Sage's own names.

`from sympy import *` or `from math import *` rebinds hundreds of the names the session
had from Sage: `factor`, `solve`, `sqrt`, `pi`. Nothing fails after that, but the results
follow the other library's rules (SymPy's `factor(2^64 + 1)` gives the number back; math's
`sqrt(2)` is a float), silently, in every later cell. One line on stderr says what happened
and how to undo it. Counterpart: `executor`, which runs the cell.
"""

from __future__ import annotations

import ast
import sys
import types
from typing import Any

# Named first when among the names replaced: those a later cell is likeliest to use.
_BEST_KNOWN = (
    "factor", "solve", "integrate", "diff", "limit", "expand", "simplify", "sqrt", "pi", "I",
    "E", "e", "exp", "log", "sin", "cos", "matrix", "plot", "var", "N",
)  # fmt: skip
_NAMED = 8


def star_imports(tree: ast.Module) -> list[str]:
    """The modules a cell star-imports from, as written: `sympy`, `.local`."""
    return [
        "." * node.level + (node.module or "")
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and any(alias.name == "*" for alias in node.names)
    ]


def sages_names(namespace: dict[str, Any]) -> dict[str, Any]:
    """The names in `namespace` bound to Sage's functions, constants and objects."""
    return {name: value for name, value in namespace.items() if is_sages(value)}


def warn(modules: list[str], before: dict[str, Any], namespace: dict[str, Any]) -> None:
    """Print to stderr which of Sage's names, bound as in `before`, the cell replaced with
    something not Sage's."""
    replaced = {
        name
        for name, value in before.items()
        if name in namespace and namespace[name] is not value and not is_sages(namespace[name])
    }
    if not replaced:
        return
    named = [name for name in _BEST_KNOWN if name in replaced]
    named += sorted(replaced.difference(named))
    shown = ", ".join(named[:_NAMED]) + (", ..." if len(named) > _NAMED else "")
    imports = " and ".join(f"from {module} import *" for module in modules)
    many = len(replaced) > 1
    count, they = (f"{len(replaced)} of Sage's names", "they follow") if many else (
        "a name of Sage's", "it follows"
    )  # fmt: skip
    print(
        f"Note: {imports} replaced {count} ({shown}): from now on {they} that library's "
        "rules, not Sage's, in this session. To have Sage's back: from sage.all import *",
        file=sys.stderr,
    )


def is_sages(value: Any) -> bool:
    """By the module that defined it, read without touching the value itself: reading
    `__module__` of one of Sage's lazy imports would import it, and warn if deprecated."""
    try:  # a class's metaclass may make `__module__` anything, or raise
        if isinstance(value, types.ModuleType):
            module = value.__name__
        elif isinstance(value, type | types.FunctionType | types.BuiltinFunctionType) or (
            type(value).__name__ == "cython_function_or_method"  # Sage's compiled functions
        ):
            module = value.__module__
        else:
            module = type(value).__module__
        return isinstance(module, str) and module.startswith("sage.")
    except Exception:
        return False
