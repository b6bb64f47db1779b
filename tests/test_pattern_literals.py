"""The strings read from a pattern are in every match of it: the notes' checks skip a cell
that has none of them, so a string too many costs a search, and one wrong costs a note."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from sage_sidecar import notes, pattern_literals


@pytest.mark.parametrize(
    ("pattern", "strings"),
    [
        (r"(?<![\w.])solve\(", {"solve("}),
        (r"(?<![\w.])(?:N|n|numerical_approx)\(|\.(?:N|n)\(",
         {"N(", "n(", "numerical_approx(", ".N(", ".n("}),
        (r"\b(?:sin|cos)\(Integer\(\d+\)\)", {"sin(Integer(", "cos(Integer("}),
        (r"[eI]\s*=", {"e", "I"}),
        (r"//|%|\bdivmod\(", {"//", "%", "divmod("}),
        # The longest of the runs a match must have.
        (r"ab\s+solve_right\(", {"solve_right("}),
        (r"x(?:yz)+", {"yz"}),
        (r"\w+\(", {"("}),
        # A group that sets a flag is not read, and what follows it is.
        (r"(?i:solve)\(", {"("}),
        (r"(a)\1", {"a"}),
    ],
)  # fmt: skip
def test_the_strings_of_a_pattern_are_those_every_match_has(
    pattern: str, strings: set[str]
) -> None:
    assert pattern_literals.required(re.compile(pattern)) == frozenset(strings)


@pytest.mark.parametrize("pattern", [r"(?i)solve\(", r"a?b?", r"\d+"])
def test_a_pattern_with_no_strings_it_needs_or_with_flags_has_none_and_is_always_searched(
    pattern: str,
) -> None:
    assert pattern_literals.required(re.compile(pattern)) is None


def _cells() -> list[str]:
    """Every string the tests give as code, and the preparsed forms of a few: a corpus of
    what cells look like."""
    texts = []
    for path in Path(__file__).parent.rglob("test_*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                texts.append(node.value)
    return [
        *texts,
        "Integer(1) + Integer(1)",
        "A + Integer(1)",
        "Integer(2) - A",
        "(h ** c) * Integer(16777619) & Integer(0xffffffff)",
        "sin(Integer(30))",
        "n // Integer(3)",
        "s **= p",
    ]


def test_every_match_in_a_corpus_of_cells_has_one_of_its_patterns_strings() -> None:
    cells = _cells()
    checked = 0
    for candidate in dict.fromkeys(candidate for candidate, _ in notes._CHECKS):
        strings = pattern_literals.required(candidate)
        if strings is None:
            continue
        for cell in cells:
            for match in candidate.finditer(cell):
                assert any(string in match[0] for string in strings), (candidate, match[0])
                checked += 1
    assert checked > 1000
