"""What the hints read of a failed cell's traceback: the locals of the innermost frame of a
function (find_root's interval, a piecewise function's pieces), whether a package's code ran
(plotting), the innermost frame of the cell's own code and its line, where an exception was
raised, what a name is in a frame, and the function a frame was calling when it failed.
Counterparts: `hints` and the modules of its hints."""

from __future__ import annotations

import builtins
import dis
import itertools
import linecache
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


def innermost_of_cell(tb: TracebackType | None) -> TracebackType | None:
    """The entry of `tb` for the innermost frame of the cell's own code, if any."""
    innermost = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.startswith("<cell "):
            innermost = tb
        tb = tb.tb_next
    return innermost


def line_of_cell(tb: TracebackType | None) -> tuple[FrameType | None, str]:
    """The innermost frame of the cell's own code in `tb`, and its line as the cell wrote it;
    (None, "") if there is none."""
    innermost = innermost_of_cell(tb)
    if innermost is None:
        return None, ""
    filename = innermost.tb_frame.f_code.co_filename
    return innermost.tb_frame, linecache.getline(filename, innermost.tb_lineno)


def innermost(tb: TracebackType) -> TracebackType:
    """The last entry of `tb`: where the exception was raised."""
    while tb.tb_next is not None:
        tb = tb.tb_next
    return tb


def look_up(name: str, frame: FrameType) -> Any:
    """What `name` is in `frame`, as Python looks it up: locals, globals, builtins; None if
    it is none of them."""
    for scope in (frame.f_locals, frame.f_globals, vars(builtins)):
        if name in scope:
            return scope[name]
    return None


# The instructions that load a name, an attribute of one, and those a call's own loads
# interleave with: `math.sqrt(v)` is LOAD_NAME math, LOAD_METHOD sqrt, (v), PRECALL, CALL.
_LOADS = frozenset({"LOAD_NAME", "LOAD_GLOBAL", "LOAD_FAST", "LOAD_DEREF", "LOAD_CLASSDEREF"})
_ATTRIBUTES = frozenset({"LOAD_ATTR", "LOAD_METHOD"})
_PART_OF_A_CALL = frozenset({"PUSH_NULL", "PRECALL", "KW_NAMES"})


def called(tb: TracebackType) -> tuple[str, Any] | None:
    """The function `tb`'s frame was calling when it failed, as the code names it
    (`math.sqrt`, `sin`), and its value there; None if the failing instruction was no call,
    or the callee no name or attribute of one (`fs[0](v)`, `f(v)(w)`).

    Read from the bytecode, where the call and the loads of its callee start at the same
    column: the source the traceback quotes is the cell as written, not as preparsed."""
    # Up to the last instruction at or before tb_lasti, which may be in the call's inline
    # cache; not past it, in a long cell.
    instructions = list(
        itertools.takewhile(
            lambda i: i.offset <= tb.tb_lasti, dis.get_instructions(tb.tb_frame.f_code)
        )
    )
    failing = instructions[-1] if instructions else None
    if failing is None or failing.opname != "CALL" or failing.positions is None:
        return None
    start = (failing.positions.lineno, failing.positions.col_offset)
    chain: list[str] = []
    for instruction in instructions[:-1]:
        position = instruction.positions
        if position is None or (position.lineno, position.col_offset) != start:
            continue
        if instruction.opname in _LOADS:
            chain = [instruction.argval]
        elif instruction.opname in _ATTRIBUTES and chain:
            chain.append(instruction.argval)
        elif instruction.opname not in _PART_OF_A_CALL:
            chain = []  # a call or a subscript of what came before: `f(v)(w)`, `fs[0](v)`
    if not chain:
        return None
    value = look_up(chain[0], tb.tb_frame)
    for attribute in chain[1:]:
        value = getattr(value, attribute, None)
    return ".".join(chain), value
