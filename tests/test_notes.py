"""A note is never worth a cell: a check that fails says nothing, the other checks still
speak, a cell no check's pattern finds is not parsed at all, and a note on a notation is said
once. (The notes themselves, end to end through a sidecar: `test_evaluate`.)"""

from __future__ import annotations

import ast
import re
import types
from typing import Any

import pytest
from sage_sidecar import notes


def _broken(tree: ast.Module, value: Any, namespace: dict[str, Any]) -> str | None:
    raise RuntimeError("a value of the cell's raised")


def _speaks(tree: ast.Module, value: Any, namespace: dict[str, Any]) -> str | None:
    return f"Note: the cell's value is {value}."


def test_a_check_that_fails_says_nothing_and_the_others_still_speak(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    solve = re.compile(r"solve\(")
    monkeypatch.setattr(notes, "_CHECKS", ((solve, _broken), (solve, _speaks)))
    monkeypatch.setattr(notes, "_STRINGS", {solve: None})
    notes.after_run("solve(x == 1, x)", 1, {})
    assert capsys.readouterr().err == "Note: the cell's value is 1.\n"


def test_a_cell_no_pattern_finds_is_not_looked_at(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def parse(source: str) -> ast.Module:
        raise AssertionError("parsed")

    solve = re.compile(r"solve\(")
    monkeypatch.setattr(notes, "_CHECKS", ((solve, _speaks),))
    monkeypatch.setattr(notes, "_STRINGS", {solve: None})
    monkeypatch.setattr(notes, "ast", types.SimpleNamespace(parse=parse))
    notes.after_run("Integer(1) + Integer(1)", 2, {})
    assert capsys.readouterr().err == ""


def test_a_note_on_a_shown_value_is_said_once_and_a_failing_one_never(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(value: Any, text: str) -> str | None:
        raise RuntimeError("a value of the cell's raised")

    def question_mark(value: Any, text: str) -> str | None:
        return "Note: ? means exact." if "?" in text else None

    monkeypatch.setattr(
        notes, "_ONCE_ON_DISPLAY", ((re.compile("."), broken), (re.compile(r"\?"), question_mark))
    )
    monkeypatch.setattr(notes, "_ANY_SHOWN", re.compile("."))
    monkeypatch.setattr(notes, "_said", set())
    for text in ("2", "1.4142135623730951?", "1.4142135623730951?"):
        notes.after_display(None, text)
    assert capsys.readouterr().err == "Note: ? means exact.\n"


@pytest.mark.parametrize(
    "code",
    [
        "Integer(1) + Integer(1)",
        "N(pi, Integer(50))",
        "solve(x**Integer(2) == Integer(4), x)",
        "plot(sin(x), (x, Integer(0), Integer(1)))",
        "p.save('a.png')",
        "M.echelon_form()",
        "f.roots()",
        "I.variety()",
        "find_root(sin(x), Integer(1), Integer(10))",
        "desolve(diff(y, x) == y, y)",
        "product(Integer(1) + Integer(1)/k**Integer(2), k, Integer(1), oo)",
        "numerical_integral(x, Integer(0), Integer(1))",
        "max(x, Integer(0))",
        "Rational(Integer(1), Integer(3))",
        "plot(x, label='a')",
        "simplify(x)",
        "x == Integer(1)",
        "x.rank()",
        "def f(t):\n    return t",
        "e = Integer(2)",
        "for u, e in r: pass",
        "I = identity_matrix(Integer(2))",
        "x == e",
        "divisors(RealNumber('1e6'))",
        "n.factor()",
        "f.subs(t=Integer(2))",
        "f(t=Integer(2))",
        "plot(f, color='red')",
    ],
)
def test_a_cell_goes_to_exactly_the_checks_whose_pattern_it_matches(
    code: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A pattern is searched only where one of the strings its matches have is in the cell:
    that finds what searching every pattern would."""
    monkeypatch.setattr(notes, "_said", set())
    searched = [note for candidate, note in notes._CHECKS if candidate.search(code)]
    assert notes._matching(code) == searched, code


@pytest.mark.parametrize(
    "text",
    [
        "2",
        "1.4142135623730951?",
        "0.5 - 1.2e-16*I",
        "conjugate(x)",
        "(-1)^(1/3)",
        "NaN",
        "x",
        "lazy list [1, 2, 3, ...]",
    ],
)
def test_the_pattern_of_all_shown_value_notes_finds_a_text_exactly_when_one_of_theirs_does(
    text: str,
) -> None:
    groups = (notes._ON_DISPLAY, notes._ONCE_ON_DISPLAY)
    one = any(pattern.search(text) for group in groups for pattern, _ in group)
    assert bool(notes._ANY_SHOWN.search(text)) == one, text
