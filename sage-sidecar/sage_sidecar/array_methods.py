"""Hints for a NumPy array's method asked of a Python list or tuple, or of a Sage vector or
matrix, none of which has it: `L.sum()`, `v.mean()`, `M.max()`, `M.shape`.

Agents bring NumPy's habits, and the message says only that the attribute is missing. Sage
has most of these as functions of a sequence, and a matrix's entries as `M.list()`.
Counterpart: `hints`, which puts the hint under the error.
"""

from __future__ import annotations

from typing import Any

_HINT = "{what} has no {method}, as a NumPy array has: {way}."
# What does it, by method and by what was asked: a sequence (a list, a tuple, a vector) or a
# matrix. `{name}` is what the failing line calls it.
_WAYS: dict[str, tuple[str | None, str | None]] = {
    "sum": ("sum({name})", "sum({name}.list()), and sum({name}) adds its rows"),
    "mean": ("mean({name})", "mean({name}.list())"),
    "max": ("max({name})", "max({name}.list())"),
    "min": ("min({name})", "min({name}.list())"),
    "prod": ("prod({name})", "prod({name}.list())"),
    "std": (
        "std({name}), which divides by n - 1",
        "std({name}.list()), which divides by n - 1",
    ),
    "argmax": ("list({name}).index(max({name}))", None),
    "argmin": ("list({name}).index(min({name}))", None),
    "shape": ("len({name})", "{name}.dimensions()"),
    "size": ("len({name})", "{name}.nrows() * {name}.ncols()"),
    "flatten": (None, "{name}.list()"),
    "tolist": ("list({name})", "[list(row) for row in {name}.rows()]"),
    "reshape": (None, "matrix(rows, columns, {name}.list())"),
}


def hint(method: str, value: Any, name: str | None) -> str | None:
    """For `method`, asked of `value`, which the failing line calls `name`: what does it, if
    `value` is a list, a tuple, a vector or a matrix, and the method a NumPy array's."""
    from sage.modules.free_module_element import FreeModuleElement
    from sage.structure.element import Matrix

    ways = _WAYS.get(method)
    if ways is None or name is None:
        return None
    if isinstance(value, Matrix):
        what, way = "A Sage matrix", ways[1]
    elif isinstance(value, FreeModuleElement):
        what, way = "A Sage vector", ways[0]
    elif isinstance(value, list | tuple):
        what, way = f"A Python {type(value).__name__}", ways[0]
    else:
        return None
    if way is None:
        return None
    called = "" if method in ("shape", "size") else "()"
    return _HINT.format(what=what, method=f"{method}{called}", way=way.format(name=name))
