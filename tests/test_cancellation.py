"""n() of an exact expression whose terms nearly cancel shows rounding error for digits: a
note says how many are right, and the values with more bits; what it says holds."""

from __future__ import annotations

from sage_services.api.sage.v1 import sage_pb2_grpc

from tests.helpers import create_session, evaluate, one, say_nothing, stderr_of, value


def test_n_of_an_expression_whose_terms_cancel_gets_a_note_with_the_digits_more_bits_keep(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """sqrt(10^16 + 1) - 10^8 is 5.0e-9; with 53 bits both terms round to 10^8."""
    session = create_session(stub)
    # Well-conditioned values, at any precision, and a number.
    say_nothing(stub, session, "pi.n()", "N(sqrt(2), digits=30)", "N(2)", "(e^10 - 1).n(digits=30)")
    events = evaluate(stub, "(sqrt(10^16 + 1) - 10^8).n()", session)
    assert one(events, "result").result.text_plain == "0.000000000000000"
    assert stderr_of(events) == (
        "Note: none of the 15 digits (sqrt(10^16 + 1) - 10^8).n() shows are right: its terms "
        "nearly cancel, and n() rounds each to 53 bits. With 181 bits it is "
        "5.00000000000000e-9, and with 437 bits 5.00000000000000e-9; more bits keep the "
        "digits, as (sqrt(10^16 + 1) - 10^8).n(437).\n"
    )
    # Some digits right; said each time, as it is this value's.
    events = evaluate(stub, "a = 10^20*(pi - 355/113); a.n()", session)
    assert one(events, "result").result.text_plain == "-2.66764189040640e13"
    assert stderr_of(events).startswith(
        "Note: only 10 of the 15 digits a.n() shows are right: its terms nearly cancel, and "
        "n() rounds each to 53 bits. With 181 bits it is -2.66764189062422e13"
    )
    # As the note says.
    assert value(stub, session, "a.n(437).n(53)") == "-2.66764189062422e13"
