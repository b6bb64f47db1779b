"""A cell's text is taken as the Sage console takes it: pasted prompts and a common indent
go, and nothing else changes; a trailing `;` silences its value. (End to end, through a
sidecar: `test_evaluate`.)"""

from __future__ import annotations

import ast

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sage_sidecar.console_input import SAGE_PROMPT, as_the_console_takes_it, silenced


@pytest.mark.parametrize(
    ("pasted", "taken"),
    [
        pytest.param("sage: 2 + 2", "2 + 2", id="sage-prompt"),
        pytest.param(
            "sage: R.<x> = QQ[]\nsage: for f in [x, x^2]:\n....:     print(f)",
            "R.<x> = QQ[]\nfor f in [x, x^2]:\n    print(f)",
            id="sage-prompts-with-continuation",
        ),
        pytest.param("    sage: 1 + 1", "1 + 1", id="indented-sage-prompt"),
        pytest.param(
            ">>> def f():\n...     return 1\n>>> f()",
            "def f():\n    return 1\nf()",
            id="python-prompts",
        ),
        pytest.param(
            "In [3]: for i in range(2):\n   ...:     i",
            "for i in range(2):\n    i",
            id="ipython-prompts",
        ),
        pytest.param("    x = 1\n    x + 1", "x = 1\nx + 1", id="indented-block"),
        pytest.param("```python\nfactor(12)\n```", "\nfactor(12)\n", id="markdown-code-block"),
        pytest.param(
            "\n```sage\nsage: 2 + 2\n```\n\n", "\n\n2 + 2\n\n\n", id="markdown-block-of-prompts"
        ),
        pytest.param(
            "```\r\n    x = 1\r\n    x\r\n```", "\r\nx = 1\r\nx\r\n", id="markdown-indented"
        ),
    ],
)
def test_pasted_prompts_and_a_common_indent_are_stripped(pasted: str, taken: str) -> None:
    assert as_the_console_takes_it(pasted) == taken


@pytest.mark.parametrize(
    "code",
    [
        pytest.param("1 + 1", id="plain"),
        pytest.param("x: int = 5", id="an-annotation"),
        pytest.param("print('sage: hi')", id="a-prompt-inside-a-string"),
        pytest.param("d = {\n    'sage: ': 1}", id="a-prompt-in-a-continued-line"),
        pytest.param("x = ...\n...", id="ellipsis-without-prompts"),
        pytest.param(
            'def f(x):\n    """\n    >>> f(2)\n    4\n    """\n    return x^2', id="a-doctest"
        ),
        pytest.param("  x = 1\ny = 2", id="an-indent-that-is-not-common"),
        pytest.param("\n  \nx = 1\n    # indented\nx", id="blank-lines-then-code"),
        pytest.param('s = """\n```\n"""', id="a-fence-inside-a-string"),
        pytest.param("print('```')\n1", id="a-fence-in-a-line-of-code"),
    ],
)
def test_cells_without_prompts_are_left_alone(code: str) -> None:
    assert as_the_console_takes_it(code) == code


def test_leading_blank_lines_are_kept_so_line_numbers_match_the_cell() -> None:
    taken = as_the_console_takes_it("\n  \n\f\nsage: a = 1\nsage: 1/0")
    assert taken == "\n  \n\f\na = 1\n1/0"
    assert ast.parse(taken).body[-1].lineno == 5


def test_markdown_fences_become_blank_lines_so_line_numbers_match_the_cell() -> None:
    taken = as_the_console_takes_it("```python\na = 1\n1/0\n```")
    assert ast.parse(taken).body[-1].lineno == 3


def test_the_sage_prompt_is_stripped_as_sages_own_console_strips_it() -> None:
    from sage.repl.interpreter import SagePromptTransformer

    assert SAGE_PROMPT.prompt_re.pattern == SagePromptTransformer.prompt_re.pattern
    assert SAGE_PROMPT.initial_re.pattern == SagePromptTransformer.initial_re.pattern


@pytest.mark.parametrize(
    ("source", "quiet"),
    [
        pytest.param("2 + 2;", True, id="semicolon"),
        pytest.param("2 + 2 ;  # a comment", True, id="semicolon-then-comment"),
        pytest.param("x = 3; x;", True, id="after-another-statement"),
        pytest.param("x = 'é'; x;", True, id="after-non-ascii-text"),
        pytest.param("(2 +\n 2);", True, id="over-two-lines"),
        pytest.param("2 + 2", False, id="no-semicolon"),
        pytest.param("'a;'", False, id="in-a-string"),
        pytest.param("2 + 2  # ;", False, id="in-a-comment"),
        pytest.param("x = 1;\nx", False, id="on-an-earlier-line"),
        pytest.param('s = """a\nb"""; 5;', True, id="after-a-string-over-two-lines"),
        pytest.param('s = """a\nb;"""; 5', False, id="in-a-string-over-two-lines"),
        pytest.param("2 + 2;\\\r\n", False, id="ending-in-a-backslash-shows-the-value"),
        pytest.param("s = 'a\u2028b'; 5;", True, id="after-a-line-separator-in-a-string"),
    ],
)
def test_a_trailing_semicolon_silences_the_value(source: str, quiet: bool) -> None:
    last = ast.parse(source).body[-1]
    assert silenced(source, last.lineno, last.col_offset) is quiet


# What trips line splitting and tokenizing: prompts, quotes, every kind of line break, a
# continuation backslash, a `;`.
_PIECES = ["sage: ", ">>> ", "   ...: ", "  ", "\n", "\r\n", "\\\r\n", "'''", "'", ";", "#", "2",
           "é", "\f", "\u2028", "```", "```py\n"]  # fmt: skip


@settings(database=None, deadline=None, max_examples=2000)
@given(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=14).map("".join))
def test_neither_step_fails_on_any_mix_of_prompts_quotes_and_line_breaks(code: str) -> None:
    taken = as_the_console_takes_it(code)
    try:
        tree = ast.parse(taken)
    except (SyntaxError, ValueError):
        return  # the cell then fails as code, with Python's own SyntaxError
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        last = tree.body[-1]
        assert isinstance(silenced(taken, last.lineno, last.col_offset), bool)
