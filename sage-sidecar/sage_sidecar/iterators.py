"""Says, where a cell's value is an iterator, that its text shows none of its items.

`primes(10)`, `map(f, L)`, `zip(a, b)`, `G.edge_iterator()` and a generator expression are
shown as `<generator object primes at 0x7f...>`: Python's iterators make their items only as
they are read, and read once. That reads as an answer with no content, or as an error. One
line on stderr says how to see the items. Counterpart: `notes`, which runs this check on the
value a cell shows.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

# An object shown by Python's default text for it: `<map object at 0x7f...>`, a generator's
# `<generator object <genexpr> at 0x7f...>`, Cython's `<_cython_3_3_0.generator object at ...>`.
SHOWN = re.compile(r"\A<[\w.]+ object(?: [\w<>.]+)? at 0x[0-9a-f]+>\Z")
_NOTE = (
    "Note: the value is an iterator, which makes its items only as it is read, so its text "
    "shows none of them: list(v) gives them all, and uses it up (read again, it gives "
    "nothing); for the first 10 of one that may not end, from itertools import islice, then "
    "list(islice(v, 10))."
)


def note(value: Any, text: str) -> str | None:
    """The note, if the cell's value, shown as `text`, is an iterator with Python's default
    text."""
    if not isinstance(value, Iterator) or not SHOWN.match(text):
        return None
    return _NOTE
