"""A float that / made of two of Python's ints, len() of one collection over len() of another,
gets a note with the exact fraction."""

from __future__ import annotations

from sage_services.api.sage.v1 import sage_pb2_grpc

from tests.helpers import create_session, evaluate, one, say_nothing, stderr_of, value


def test_a_ratio_of_lengths_shown_as_a_float_gets_a_note_with_the_exact_fraction(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """A probability counted with len(): the rest of the session is exact, this one float."""
    session = create_session(stub)
    code = (
        "outcomes = list(Permutations(5))\n"
        "good = [p for p in outcomes if not p.fixed_points()]\n"
        "len(good) / len(outcomes)"
    )
    events = evaluate(stub, code, session)
    assert one(events, "result").result.text_plain == "0.36666666666666664"
    assert stderr_of(events) == (
        "Note: len(good) / len(outcomes) divided two of Python's ints, as len(), range() and "
        "int() make them, and Python's / of ints gives a floating-point number. Sage's integers "
        "divide exactly: ZZ(len(good)) / len(outcomes) is 11/30.\n"
    )
    # As the note says.
    assert value(stub, session, "ZZ(len(good)) / len(outcomes)") == "11/30"
    # A length over a name holding one of Python's ints; one of a list made in the cell, which
    # is not made again, gets no fraction.
    events = evaluate(
        stub, "n = len(outcomes)\nlen([p for p in outcomes if p[0] == 1]) / n", session
    )
    assert one(events, "result").result.text_plain == "0.2"
    assert stderr_of(events).endswith("ZZ(len([p for p in outcomes if p[0] == 1])) / n.\n")


def test_divisions_that_are_exact_or_meant_as_floats_get_no_note(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    session = create_session(stub)
    evaluate(stub, "a = [1, 2, 3]; b = [1, 2]; i = int(7); j = int(2)", session)
    say_nothing(
        stub,
        session,
        "len(a) / 2",  # the preparser's 2 is Sage's: 3/2
        "len(a) / len(a)",  # a whole number
        "i / j",  # ints of the cell's own making, divided as it chose
        "float(len(a)) / len(b)",
        "r = len(a) / len(b)",  # nothing shown
    )
