"""A keyword argument the function called does not take: what it does take.

Agents write keywords they remember from elsewhere, or half remember: `N(pi, digit=5)`,
`find_root(f, 0, 2, tol=1e-12)`, `random_prime(100, lower_bound=50)`,
`continued_fraction(pi, nterms=10)`. Python 3.11 says only "got an unexpected keyword
argument"; the hint gives the function's signature, the keyword nearest the one written, and
a function of the same family that takes it (`continued_fraction_list`). Counterpart: `hints`,
which adds the hint to the error.
"""

from __future__ import annotations

import difflib
import inspect
import linecache
import re
from collections.abc import Iterator
from types import FrameType, TracebackType
from typing import Any

from sage_sidecar import frames

UNEXPECTED = re.compile(r"([\w.]+)\(\) got an unexpected keyword argument '(\w+)'")
# A call on a line: `f(`, `M.eigenvectors_right(`, `sage.all.f(`.
_CALLED = re.compile(r"(?<![\w.])([^\W\d]\w*(?:\s*\.\s*[^\W\d]\w*)*)\s*\(")
_MAX_SIGNATURE = 200
_MAX_RELATIVES = 200
_NEAREST = "Did you mean: '{nearest}'? Its signature: {signature}."
_NONE_NEAR = "{name}() has no keyword '{keyword}'. Its signature: {signature}."
_RELATIVE = " {relative}() takes '{keyword}': {relative}{signature}."


def hint(function: str, keyword: str, traceback: TracebackType | None) -> str | None:
    """For "`function`() got an unexpected keyword argument '`keyword`'", raised with
    `traceback`: the signature of the function called, found by its name on the line of the
    innermost frame that called it, or on the cell's own line."""
    for frame, line in _calling_lines(traceback):
        called = _called(function, frame, line)
        if called is None:
            continue
        signature = _signature(called)
        if signature is None:
            return None
        # A class's `__init__` is called by the class's name.
        name = function.removesuffix(".__init__").rsplit(".", 1)[-1]
        shown = f"{name}{_cut(str(signature))}"
        keywords = [
            p.name
            for p in signature.parameters.values()
            if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
        ]
        nearest = difflib.get_close_matches(keyword, keywords, n=1, cutoff=0.6)
        if nearest:
            return _NEAREST.format(nearest=nearest[0], signature=shown)
        said = _NONE_NEAR.format(name=name, keyword=keyword, signature=shown)
        if "." not in function and (relative := _relative(name, keyword, frame)):
            said += _RELATIVE.format(relative=relative[0], keyword=keyword, signature=relative[1])
        return said
    return None


def _calling_lines(traceback: TracebackType | None) -> Iterator[tuple[FrameType, str]]:
    """Each frame of `traceback` with its line, innermost first."""
    found: list[tuple[FrameType, str]] = []
    while traceback is not None:
        frame = traceback.tb_frame
        line = linecache.getline(frame.f_code.co_filename, traceback.tb_lineno)
        found.append((frame, line))
        traceback = traceback.tb_next
    return reversed(found)


def _called(function: str, frame: FrameType, line: str) -> Any:
    """The callable named `function` (as Python's message names it) that `line` calls, looked
    up in `frame`; None if the line calls none."""
    for path in _CALLED.findall(line):
        value = _resolved(re.sub(r"\s", "", path).split("."), frame)
        if value is None:
            continue
        if isinstance(value, type):
            init = getattr(value, "__init__", None)
            if getattr(init, "__qualname__", None) == function:
                return init
            continue
        if function in (getattr(value, "__qualname__", None), getattr(value, "__name__", None)):
            return value
    return None


def _resolved(path: list[str], frame: FrameType) -> Any:
    value = frames.look_up(path[0], frame)
    for attribute in path[1:]:
        value = getattr(value, attribute, None)
        if value is None:
            return None
    return value


def _signature(called: Any) -> inspect.Signature | None:
    """`called`'s signature without `self`; None if unknown, or if it takes any keyword."""
    try:
        signature = inspect.signature(called)
    except (TypeError, ValueError):
        return None
    parameters = list(signature.parameters.values())
    if any(p.kind is p.VAR_KEYWORD for p in parameters):
        return None  # it passes keywords on: the one that refused is further in
    if parameters and parameters[0].name == "self":
        parameters = parameters[1:]
    return signature.replace(parameters=parameters, return_annotation=inspect.Signature.empty)


def _relative(name: str, keyword: str, frame: FrameType) -> tuple[str, str] | None:
    """A function of the session whose name begins with `name` and an underscore, and that
    takes `keyword`, with its signature: `continued_fraction_list` for `continued_fraction`."""
    prefix = f"{name}_"
    candidates = sorted(n for n in frame.f_globals if n.startswith(prefix))[:_MAX_RELATIVES]
    for candidate in candidates:
        value = frame.f_globals[candidate]
        signature = _signature(value) if callable(value) else None
        if signature is not None and keyword in signature.parameters:
            return candidate, _cut(str(signature))
    return None


def _cut(text: str) -> str:
    return text if len(text) <= _MAX_SIGNATURE else text[: _MAX_SIGNATURE - 4] + "...)"
