"""Says so when a cell made a plot that it does not show.

`p.save('plot.png')` writes the image into the session's working directory, which only the
session's own code can read: no image comes back to the caller, and the file goes when the
session does. An agent that saved it tells its user the plot is in plot.png, which neither can
open (`saved_note`). A plot made in a loop, `for k in range(3): plot(sin(k*x))`, is a value no
one shows: as in the console, only the cell's last value is (`loop_note`). And `print(p)`
prints a plot's text, "Graphics object consisting of 1 graphics primitive", not its image
(`printed_note`). One line on stderr says so, and how to have the image come back. Counterpart:
`notes`, which runs these checks after a cell.
"""

from __future__ import annotations

import ast
import re
from typing import Any

from sage_sidecar import cell_calls

# Cheap enough to run on every cell: only a cell they find is parsed.
SAVED_CANDIDATE = re.compile(r"\bsave\(")
LOOP_CANDIDATE = re.compile(r"plot\(")
PRINTED_CANDIDATE = re.compile(r"\bprint\(")
# Files a picture is saved as, by Sage's graphics, animations and their arrays.
_PICTURE_FILE = re.compile(r"\.(?:png|jpe?g|svg|pdf|eps|ps|gif|webm|mp4|ogv|html)\Z", re.IGNORECASE)
# Of those, what an animation is saved as.
_MOVING = (".gif", ".webm", ".mp4", ".ogv")
# What makes a picture, besides the functions named *plot and *plot3d.
_MAKERS = frozenset({"animate", "graphics_array", "line", "point", "points", "polygon", "text"})
# A cell that calls one of these has shown something.
_SHOWING = frozenset({"show", "display", "pretty_print", "view"})
_SAVED = (
    "Note: the {what} went to the file {file}, which only the session's code can read: no "
    "image came back. To see it here, show it: {how}."
)
_PRINTED = (
    "Note: print() gives a plot's text, not its image: show({name}) in its place shows it, as "
    "does a plot as the cell's last line."
)
_IN_A_LOOP = (
    "Note: the plots made in the loop are not shown: only a cell's last value is. "
    "show(plot(...)) in the loop shows each; graphics_array([...]) puts them in one image."
)


def saved_note(tree: ast.Module, value: Any, namespace: dict[str, Any]) -> str | None:
    """The note, if the cell saved a plot or an animation to a picture file, and neither
    showed it nor anything else."""
    calls = list(cell_calls.own_calls(tree))
    if _shows_something(value, calls):
        return None
    for call in calls:
        saved = _saved(call, namespace)
        if saved is not None:
            file, name = saved
            how = (
                f"{name}.show(), or {name} as the cell's last line"
                if name
                else ".show() in place of .save(...)"
            )
            what = "animation" if file.lower().endswith(_MOVING) else "plot"
            return _SAVED.format(what=what, file=file, how=how)
    return None


def _shows_something(value: Any, calls: list[ast.Call]) -> bool:
    """Whether the cell shows a picture as its value, or calls what shows one."""
    return _picture(value) or any(cell_calls.called(call) in _SHOWING for call in calls)


def _saved(call: ast.Call, namespace: dict[str, Any]) -> tuple[str, str | None] | None:
    """The picture file `call` saves a plot to, and the name holding the plot (None for one
    made in the same expression): `p.save('p.png')`, `save(p, 'p.png')`,
    `plot(...).save('p.png')`."""
    if cell_calls.called(call) != "save":
        return None
    function, arguments = call.func, list(call.args)
    if isinstance(function, ast.Attribute):
        picture: ast.AST = function.value
    elif isinstance(function, ast.Name) and arguments:
        picture = arguments.pop(0)
    else:
        return None
    file = next(iter(arguments), None) or next(
        (keyword.value for keyword in call.keywords if keyword.arg == "filename"), None
    )
    if not (
        isinstance(file, ast.Constant)
        and isinstance(file.value, str)
        and _PICTURE_FILE.search(file.value)
    ):
        return None
    if isinstance(picture, ast.Name):
        return (file.value, picture.id) if _picture(namespace.get(picture.id)) else None
    if isinstance(picture, ast.Call) and _makes_a_picture(picture, namespace):
        return file.value, None
    return None


def _picture(value: Any) -> bool:
    """Whether `value` is a Sage plot, 3D plot, array of plots or animation."""
    from sage.plot.animate import Animation
    from sage.plot.graphics import Graphics
    from sage.plot.multigraphics import MultiGraphics
    from sage.plot.plot3d.base import Graphics3d

    return isinstance(value, Graphics | MultiGraphics | Graphics3d | Animation)


def loop_note(tree: ast.Module, value: Any, namespace: dict[str, Any]) -> str | None:
    """The note, if a loop of the cell makes a plot as a statement of its own, a value no one
    shows, and the cell shows nothing."""
    calls = list(cell_calls.own_calls(tree))
    if _shows_something(value, calls):
        return None
    for loop in cell_calls.nodes_of(tree):
        if not isinstance(loop, ast.For | ast.While):
            continue
        for statement in cell_calls.own_nodes(loop.body):
            if isinstance(statement, ast.Expr) and _makes_a_picture(statement.value, namespace):
                return _IN_A_LOOP
    return None


def printed_note(tree: ast.Module, value: Any, namespace: dict[str, Any]) -> str | None:
    """The note, if the cell printed a plot, and showed none."""
    calls = list(cell_calls.own_calls(tree))
    if _shows_something(value, calls):
        return None
    for call in calls:
        if cell_calls.called(call) != "print" or not isinstance(call.func, ast.Name):
            continue
        for argument in call.args:
            if _makes_a_picture(argument, namespace):
                return _PRINTED.format(name=cell_calls.as_written(argument))
    return None


def _makes_a_picture(node: ast.expr, namespace: dict[str, Any]) -> bool:
    """Whether `node` is a call that makes a plot, or a name that holds one."""
    if isinstance(node, ast.Name):
        return _picture(namespace.get(node.id))
    if not isinstance(node, ast.Call):
        return False
    maker = cell_calls.called(node)
    return maker.endswith("plot") or maker.endswith("plot3d") or maker in _MAKERS
