"""Hints for discrete_log given integers, as SymPy's discrete_log takes them.

`discrete_log(5, 3, 101)` fails with "no discrete log of 5 found to base 3", and
`discrete_log(8, 2)` with "cannot unpack non-iterable NoneType object": Sage's discrete_log
takes elements of a group, as Mod(5, 101), and its third argument is the base's order, not a
modulus; SymPy's discrete_log(n, a, b) takes the modulus first. Neither message says so.
Counterpart: `hints`, which puts the hint under the error.
"""

from __future__ import annotations

import ast
import numbers
from types import FrameType
from typing import Any

from sage_sidecar import cell_calls, frames

_MODULO = (
    "Sage's discrete_log takes elements of a group, as Mod(a, n) of the integers modulo n, and "
    "its third argument is the base's order, not a modulus (SymPy's discrete_log(n, a, b) takes "
    "the modulus first). Modulo {n}: discrete_log(Mod({a}, {n}), Mod({b}, {n})) is the k with "
    "{b}^k = {a}, as is Mod({a}, {n}).log({b})."
)
_NO_MODULUS = (
    "Sage's discrete_log takes elements of a group, as Mod(a, n) of the integers modulo n: "
    "discrete_log(Mod({a}, n), Mod({b}, n)) is the k with {b}^k = {a} modulo n."
)
_AMONG_INTEGERS = " Among the integers, {a}.exact_log({b}) is the largest k with {b}^k <= {a}."


def hint(exc: BaseException, frame: FrameType | None, line: str) -> str | None:
    """For discrete_log given integers, failed with `exc` on `line`, the cell's failing line,
    run in `frame`."""
    found = frames.locals_of(exc, "discrete_log", "sage/groups/generic.py")
    a: Any = found.get("original_a")
    base: Any = found.get("base")
    if not (_integer(a) and _integer(base)):
        return None
    third = _third_argument(frame, line)
    if third is None:
        among = _AMONG_INTEGERS.format(a=a, b=base) if a > 0 and base > 1 else ""
        return _NO_MODULUS.format(a=a, b=base) + among
    # The modulus is the largest, in Sage's order of arguments or in SymPy's.
    given = [a, base, third]
    n = given.pop(given.index(max(given)))
    return _MODULO.format(n=n, a=given[0], b=given[1])


def _integer(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _third_argument(frame: FrameType | None, line: str) -> Any:
    """The integer the cell's discrete_log call on `line` gave as its third argument; None if
    it gave none, or it is not an integer literal or a name holding one."""
    tree = cell_calls.parsed_line(line.strip())
    for node in ast.walk(tree) if tree is not None else ():
        if not (
            isinstance(node, ast.Call)
            and cell_calls.called(node) == "discrete_log"
            and len(node.args) >= 3
        ):
            continue
        third = node.args[2]
        if isinstance(third, ast.Constant):
            value = third.value
        elif isinstance(third, ast.Name) and frame is not None:
            value = frames.look_up(third.id, frame)
        else:
            return None
        return value if _integer(value) else None
    return None
