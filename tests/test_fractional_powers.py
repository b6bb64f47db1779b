"""A power of 1 divided by a number, `8^1/3`, where a root was meant, gets a note with the
root's value; a series' terms are left alone."""

from __future__ import annotations

from sage_services.api.sage.v1 import sage_pb2_grpc

from tests.helpers import create_session, evaluate, one, say_nothing, stderr_of, value


def test_a_power_of_one_over_a_number_gets_a_note_with_the_root(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """8/3 reads as an answer where the cube root of 8, 2, was meant."""
    session = create_session(stub)
    events = evaluate(stub, "y = 8^1/3\ny", session)
    assert one(events, "result").result.text_plain == "8/3"
    assert stderr_of(events) == (
        "Note: 8^1/3 is (8^1)/3, 8/3: ^ binds tighter than /, so the power is 1. The cube root "
        "is 8^(1/3), 2.\n"
    )
    # As the note says.
    assert value(stub, session, "8^(1/3)") == "2"
    note = stderr_of(evaluate(stub, "integrate(x^-1/2, x, 1, 4)", session))
    assert note == (
        "Note: x^(-1)/2 is (x^(-1))/2, 1/2/x: ^ binds tighter than /, so the power is -1. The "
        "power -1/2 is x^(-1/2), 1/sqrt(x).\n"
    )


def test_powers_over_numbers_of_a_series_get_no_note(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """x^1/2 among x^2/3 and x^3/4 is a term of a series, as written."""
    session = create_session(stub)
    say_nothing(stub, session, "s = 1 + x^1/2 + x^2/3 + x^3/4", "x^1/1", "(8^1)/3", "x^(1/2)")
