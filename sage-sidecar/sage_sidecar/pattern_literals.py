"""The strings one of which every match of a regular expression contains, read from the
expression itself: `solve(` for `(?<![\\w.])solve\\(`, `N(` or `n(` for `(?:N|n)\\(`.

A cell that has none of a pattern's strings cannot match it, and `str.__contains__` tells so
many times faster than the pattern's own search: the notes' checks test their strings first.
Where the expression has no such strings, or uses what this reading does not follow (flags,
back references), there are none, and the pattern is searched as it is. Counterpart: `notes`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser  # type: ignore[attr-defined]
from typing import Any

# Alternatives multiply: `(?:a|b)(?:c|d)` is four strings. Past this many, fewer are kept.
_MAX_STRINGS = 32
_Items = Sequence[tuple[Any, Any]]


def required(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Strings one of which every match of `pattern` contains; None where none are known."""
    if pattern.flags & (re.IGNORECASE | re.VERBOSE):
        return None
    try:
        parsed = _parser.parse(pattern.pattern)
    except Exception:  # a private parser: whatever it cannot read, the search still does
        return None
    found = _of(list(parsed))
    return None if found is None or "" in found else frozenset(found)


def _of(items: _Items) -> set[str] | None:
    """Strings one of which a match of the sequence `items` contains: of its runs of literal
    text, the one whose shortest string is longest."""
    if len(items) == 1 and items[0][0] is sre.BRANCH:
        return _of_any(items[0][1][1])
    candidates: list[set[str]] = []
    run = {""}
    for op, argument in items:
        choices = _exactly([(op, argument)])
        if choices is not None and len(run) * len(choices) <= _MAX_STRINGS:
            run = {start + choice for start in run for choice in choices}
            continue
        if run != {""}:
            candidates.append(run)
        run = {""}
        inner: set[str] | None = None
        if op is sre.SUBPATTERN and not argument[1]:  # a group that sets no flags
            inner = _of(list(argument[3]))
        elif op is sre.BRANCH:
            inner = _of_any(argument[1])
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT) and argument[0] >= 1:
            inner = _of(list(argument[2]))
        if inner:
            candidates.append(inner)
    if run != {""}:
        candidates.append(run)
    if not candidates:
        return None
    return max(candidates, key=lambda strings: min(map(len, strings)))


def _of_any(alternatives: Iterable[Any]) -> set[str] | None:
    """Strings one of which a match of any of `alternatives` contains."""
    found: set[str] = set()
    for alternative in alternatives:
        strings = _of(list(alternative))
        if strings is None:
            return None
        found |= strings
    return found


def _exactly(items: _Items) -> set[str] | None:
    """The strings `items` match, if they are literals, alternatives of them and character
    sets of literals only, and few."""
    strings = {""}
    for op, argument in items:
        if op is sre.LITERAL:
            options = {chr(argument)}
        elif op is sre.IN and all(kind is sre.LITERAL for kind, _ in argument):
            options = {chr(code) for _, code in argument}
        elif op is sre.SUBPATTERN and not argument[1]:
            inner = _exactly(list(argument[3]))
            if inner is None:
                return None
            options = inner
        elif op is sre.BRANCH:
            options = set()
            for alternative in argument[1]:
                inner = _exactly(list(alternative))
                if inner is None:
                    return None
                options |= inner
        else:
            return None
        strings = {start + option for start in strings for option in options}
        if len(strings) > _MAX_STRINGS:
            return None
    return strings
