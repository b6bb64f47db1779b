"""solve(..., algorithm='sympy') of an inequality whose solutions are a bounded interval,
which Sage's conversion of SymPy's set gets wrong, gets a note with SymPy's solutions."""

from __future__ import annotations

import pytest
from sage_services.api.sage.v1 import sage_pb2_grpc

from tests.helpers import create_session, evaluate, one, say_nothing, stderr_of, value

_NOTE = (
    "Note: this is not SymPy's answer, which is {solutions}: Sage's conversion of SymPy's set "
    "lost a bound, or made an 'and' an 'or' (a list of lists reads as the 'or' of its lists). "
    "As solve's relations: {relations}."
)


@pytest.mark.parametrize(
    ("cell", "shown", "solutions", "relations", "maxima"),
    [
        # A closed interval loses its lower bound.
        (
            "solve(x^2 <= 1, x, algorithm='sympy')",
            "[x <= 1]",
            "-1 <= x <= 1",
            "[[x >= -1, x <= 1]]",
            "solve(x^2 <= 1, x)",
        ),
        # An open one reads as x > -1 or x < 1: every number.
        (
            "s = solve(x^2 < 1, x, algorithm='sympy'); s",
            "[[x > -1], [x < 1]]",
            "-1 < x < 1",
            "[[x > -1, x < 1]]",
            "solve(x^2 < 1, x)",
        ),
        (
            "ineq = (x - 1)*(x - 3) <= 0; solve(ineq, x, algorithm='sympy')",
            "[x <= 3]",
            "1 <= x <= 3",
            "[[x >= 1, x <= 3]]",
            "solve(ineq, x)",
        ),
    ],
)
def test_a_bounded_interval_from_sympy_gets_a_note_with_its_solutions(
    stub: sage_pb2_grpc.SageServiceStub,
    cell: str,
    shown: str,
    solutions: str,
    relations: str,
    maxima: str,
) -> None:
    session = create_session(stub)
    events = evaluate(stub, cell, session)
    assert one(events, "result").result.text_plain == shown
    note = _NOTE.format(solutions=solutions, relations=relations)
    assert stderr_of(events) == note + "\n"
    # As the note says: Maxima's solve gives the same relations.
    assert value(stub, session, maxima) == relations


def test_a_periodic_inequality_says_sympy_answers_for_one_period(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    session = create_session(stub)
    events = evaluate(stub, "solve(sin(x) > 0, x, algorithm='sympy')", session)
    assert stderr_of(events) == (
        _NOTE.format(solutions="0 < x < pi", relations="[[x > 0, x < pi]]")
        + " SymPy gives the solutions in one period, [0, 2*pi), only.\n"
    )


def test_sympys_answers_sage_converts_right_get_no_note(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """Intervals unbounded at one end, and equations, come through as SymPy gave them."""
    session = create_session(stub)
    say_nothing(
        stub,
        session,
        "solve(x^2 > 1, x, algorithm='sympy')",
        "solve(x > 2, x, algorithm='sympy')",
        "solve(x^2 - 1 == 0, x, algorithm='sympy')",
        "solve(x^2 <= 1, x)",
    )
