"""What the hints read of a failed cell's traceback: the locals of the innermost frame of a
function (find_root's interval, a piecewise function's pieces), whether a package's code ran
(plotting), and what a name is in a frame. Counterparts: `hints` and the modules of its
hints."""

from __future__ import annotations

import builtins
from types import FrameType, TracebackType
from typing import Any


def locals_of(exc: BaseException, function: str, filename_end: str = "") -> dict[str, Any]:
    """The locals of the innermost frame of `function` (in a file whose name ends with
    `filename_end`) in `exc`'s traceback; empty if there is none."""
    found: dict[str, Any] = {}
    tb = exc.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_name == function and code.co_filename.endswith(filename_end):
            found = tb.tb_frame.f_locals
        tb = tb.tb_next
    return found


def ran_in(traceback: TracebackType | None, path_part: str) -> bool:
    """Whether code from a file whose path has `path_part` (`sage/plot/`) is in `traceback`."""
    while traceback is not None:
        if path_part in traceback.tb_frame.f_code.co_filename:
            return True
        traceback = traceback.tb_next
    return False


def look_up(name: str, frame: FrameType) -> Any:
    """What `name` is in `frame`, as Python looks it up: locals, globals, builtins; None if
    it is none of them."""
    for scope in (frame.f_locals, frame.f_globals, vars(builtins)):
        if name in scope:
            return scope[name]
    return None
