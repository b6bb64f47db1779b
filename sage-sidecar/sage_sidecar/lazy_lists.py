"""Says, the first time a session shows one cut short, that a lazy list shows only its first
items.

`continued_fraction(pi).convergents()[:5]` is shown as `lazy list [3, 22/7, 333/106, ...]`:
three of the five asked for, which reads as Sage having found only three. Many of Sage's
sequences are lazy lists (a continued fraction's quotients and convergents, `Primes()` sliced),
some of them infinite, where `list()` runs until the evaluation's timeout. One line on stderr
says how to see the items. Counterpart: `notes`, which runs this check after a cell.
"""

from __future__ import annotations

import re
from typing import Any

# A lazy list as Sage shows it when it has more items than it shows.
_CUT_SHORT = re.compile(r"lazy list \[[^\[\]]*, \.\.\.\]")
# What the shown text must have for this note: `notes` searches for all of these at once.
SHOWN = _CUT_SHORT
_NOTE = (
    "Note: Sage shows a lazy list's first few items only, then `...`. list(v) gives all of a "
    "finite one (a slice, as v[:10], is finite); an infinite one, as "
    "continued_fraction(pi).convergents(), never ends: list(v[:10]) gives its first 10."
)


def note(value: Any, text: str) -> str | None:
    """The note, if the cell's value, shown as `text`, has a lazy list cut short."""
    if isinstance(value, str | bytes) or not _CUT_SHORT.search(text):
        return None
    return _NOTE
