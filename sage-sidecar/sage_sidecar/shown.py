"""A value's text as a hint or a note quotes it: cut short, so that a long value cannot crowd
out what the hint says; and whether a value shown is symbolic, which a note on its text needs
to know."""

from __future__ import annotations

from typing import Any

# A container's items looked at, at most: solve's equations, a vector's entries.
_MAX_ITEMS = 64


def shown(value: object, limit: int) -> str:
    """`value`'s text, cut to `limit` characters, an ellipsis included, if it is longer."""
    text = value if isinstance(value, str) else str(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def symbolic(value: Any) -> bool:
    """Whether `value` is a symbolic expression, or a list or tuple with one in it or in its
    lists (solve's answers for several variables), among the first items."""
    from sage.symbolic.expression import Expression

    if isinstance(value, Expression):
        return True
    if not isinstance(value, list | tuple):
        return False
    for item in value[:_MAX_ITEMS]:
        items = item[:_MAX_ITEMS] if isinstance(item, list | tuple) else [item]
        if any(isinstance(inner, Expression) for inner in items):
            return True
    return False
