"""A value's text as a hint or a note quotes it: cut short, so that a long value cannot crowd
out what the hint says."""

from __future__ import annotations


def shown(value: object, limit: int) -> str:
    """`value`'s text, cut to `limit` characters, an ellipsis included, if it is longer."""
    text = value if isinstance(value, str) else str(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
