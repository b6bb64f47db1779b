"""A cell's text as the Sage console takes it, before the preparser sees it, its `;`, and
whether the preparser is on.

Code pasted from Sage's documentation, a Python session or an IPython one comes with its
prompts (`sage: `, `....: `, `>>> `, `In [1]: `), and a paste from an indented block with
its indent. The console strips both, with IPython's own clean-up steps and Sage's prompt
stripper; so does this. Without it `sage: 2 + 2` is a valid Python annotation that does
nothing, and an indented paste is an IndentationError. Models often send code as a Markdown
code block, its fences with it: those lines, never valid code, are blanked. And as in the
console, a cell that ends with `;` shows no value, and `preparser(False)` turns the
preparser off.

IPython comes with Sage, whose console it is. Counterpart: `executor`, which preparses and
runs what comes out.
"""

from __future__ import annotations

import io
import re
import sys
import tokenize
from collections.abc import Callable

from IPython.core.displayhook import DisplayHook
from IPython.core.inputtransformer2 import (
    PromptStripper,
    classic_prompt,
    ipython_prompt,
    leading_indent,
)

# As `sage.repl.interpreter.SagePromptTransformer`, whose module would bring in IPython's
# terminal too (8 MB more). A test holds the two to the same pattern.
_SAGE_PROMPT_RE = re.compile(r"^(\s*(:?sage: |\.\.\.\.: ))+")
SAGE_PROMPT = PromptStripper(prompt_re=_SAGE_PROMPT_RE)  # type: ignore[no-untyped-call]
# The console's clean-up steps, in its order, after it drops leading blank lines.
_CLEAN_UP: tuple[Callable[[list[str]], list[str]], ...] = (
    SAGE_PROMPT,
    leading_indent,
    classic_prompt,
    ipython_prompt,
)
# A cell that has none of these, and whose first line that is not blank is not indented, is
# one no step changes: nearly every cell, which then costs a few substring searches.
_PROMPT_MARKS = ("sage: ", "...:", ">>>", "In [", "```")
_BLANK_LINES = re.compile(r"(?:[ \t\f]*\r?\n)*")
# A Markdown code block's first and last lines (```python, ```sage, ```).
_OPENING_FENCE = re.compile(r"[ \t]*```[\w+.-]*[ \t]*\r?\n?\Z")
_CLOSING_FENCE = re.compile(r"[ \t]*```[ \t]*\r?\n?\Z")


def as_the_console_takes_it(code: str) -> str:
    """`code` without pasted prompts or a common indent, as the Sage console would run it,
    nor the fences of a Markdown code block.

    Leading blank lines stay as they are, and fences become blank lines, so that tracebacks'
    line numbers still match the cell as written."""
    if not any(mark in code for mark in _PROMPT_MARKS):
        if not code[:1].isspace():
            return code
        leading = _BLANK_LINES.match(code)
        first = leading.end() if leading else 0
        if not code[first : first + 1].isspace():
            return code
    lines = code.splitlines(keepends=True)
    _blank_markdown_fences(lines)
    blank = 0
    while blank < len(lines) and lines[blank].isspace():
        blank += 1
    if blank == len(lines):
        return "".join(lines)  # white space only
    rest = lines[blank:]
    for step in _CLEAN_UP:
        rest = step(rest)
    return "".join(lines[:blank] + rest)


def _blank_markdown_fences(lines: list[str]) -> None:
    """The first line that is not blank, if it opens a Markdown code block, and the last, if
    it closes one, become blank lines (their line breaks kept)."""
    filled = [index for index, line in enumerate(lines) if line.strip()]
    if not filled:
        return
    first, last = filled[0], filled[-1]
    if _OPENING_FENCE.match(lines[first]):
        lines[first] = lines[first][len(lines[first].rstrip("\r\n")) :]
    if last != first and _CLOSING_FENCE.match(lines[last]):
        lines[last] = lines[last][len(lines[last].rstrip("\r\n")) :]


def silenced(source: str, line: int, column: int) -> bool:
    """Whether the cell ends with `;`, which keeps its value from being shown.

    IPython's own test, on the text from the start of the last statement (`line`, and
    `column` in UTF-8 bytes, as `ast` gives them): the cell's last token is there, and a large
    cell is not tokenized whole. Should that text not tokenize alone, the whole cell is; should
    neither (a cell ending in a backslash), the value is shown."""
    # Lines as `ast` counts them: `str.splitlines` also breaks at \f, \v and U+2028.
    lines = io.StringIO(source, newline="").readlines()[line - 1 :]
    if not lines:
        return False
    start = len(lines[0].encode("utf-8")[:column].decode("utf-8", "ignore"))
    tail = lines[0][start:] + "".join(lines[1:])
    if ";" not in tail:
        return False
    for text in (tail, source):
        try:
            return _ends_with_semicolon(text)
        except (tokenize.TokenError, SyntaxError):
            continue
    return False


def _ends_with_semicolon(code: str) -> bool:
    return bool(DisplayHook.semicolon_at_end_of_expression(code))  # type: ignore[no-untyped-call]


def preparsing() -> bool:
    """Whether the preparser is on. `preparser(False)` keeps its flag in the console's
    interpreter module, which is imported only once `preparser` is used."""
    interpreter = sys.modules.get("sage.repl.interpreter")
    return interpreter is None or bool(getattr(interpreter, "_do_preparse", True))
