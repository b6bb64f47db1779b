"""What an agent is told when it treats a one-off evaluation as a session.

An evaluation without a session_id runs in a fresh namespace that goes with it. An agent that
defines `a = 5` in one such call and uses `a` in the next meets a NameError whose hint (declare
`a` as a symbolic variable) answers another mistake. One line says what became of the names,
where a one-off defines some or fails on one.
"""

from __future__ import annotations

import re

from sage_mcp.evaluation import Outcome

# Names a cell defines at its top level, as Sage writes them: `a = 5`, `a, b = 1, 2`,
# `f(x) = x^2`, `R.<t> = QQ[]`, `def f(...)`, `class C`.
_DEFINED = re.compile(
    r"^(?:(?:def|class)\s+(?P<defined>[A-Za-z_]\w*)"
    r"|(?P<assigned>[A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*)\s*(?:\.<[^>\n]*>)?\s*(?:\([^()\n]*\))?"
    r"\s*=(?!=))",
    re.MULTILINE,
)
# Variables a cell declares at its top level: `var('y z')`, `y = var('y')` (its target above).
_DECLARED = re.compile(r"^(?:[A-Za-z_]\w*\s*=\s*)?var\(\s*['\"]([\w\s,]+)['\"]", re.MULTILINE)
_MAX_NAMES = 5
_GONE = (
    "Note: this one-off evaluation (no session_id) kept nothing: {names} {are} gone now. To "
    "keep variables between calls, call create_session and pass its session_id to evaluate."
)
_UNDEFINED = (
    "Note: this was a one-off evaluation (no session_id), in a fresh namespace: names that "
    "earlier one-off calls defined are not there. To keep variables between calls, call "
    "create_session and pass its session_id to evaluate."
)


def note(code: str, outcome: Outcome) -> str | None:
    """The line for a one-off evaluation of `code`: that a name it failed on may be one an
    earlier one-off defined, or that the names it defined are gone."""
    if outcome.error is not None and outcome.error.ename == "NameError":
        return _UNDEFINED
    names = list(dict.fromkeys(_defined(code)))
    if not names:
        return None
    shown = ", ".join(names[:_MAX_NAMES]) + (", ..." if len(names) > _MAX_NAMES else "")
    return _GONE.format(names=shown, are="is" if len(names) == 1 else "are")


def _defined(code: str) -> list[str]:
    """The names, in the order the cell defines or declares them."""
    found: list[tuple[int, list[str]]] = []
    for match in _DEFINED.finditer(code):
        names = [match["defined"]] if match["defined"] else match["assigned"].split(",")
        found.append((match.start(), [name.strip() for name in names]))
    for match in _DECLARED.finditer(code):
        found.append((match.start(), re.split(r"[\s,]+", match[1].strip())))
    return [name for _, names in sorted(found) for name in names]
