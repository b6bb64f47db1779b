"""int(), floor() and ceil() of a floating-point number an integer but for a rounding error,
which give the integer next to it, get a note with round()'s."""

from __future__ import annotations

from sage_services.api.sage.v1 import sage_pb2_grpc

from tests.helpers import create_session, evaluate, one, say_nothing, stderr_of, value


def test_int_of_a_percentage_a_rounding_error_short_gets_a_note(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """28 reads as exact: 0.29 * 100 is 28.999999999999996."""
    session = create_session(stub)
    events = evaluate(stub, "int(0.29 * 100)", session)
    assert one(events, "result").result.text_plain == "28"
    assert stderr_of(events) == (
        "Note: int(0.29 * 100) is 28: 0.29 * 100 is 28.999999999999996 in floating point, 29 "
        "less a rounding error, and int() truncates it. round() gives 29; exact numbers have no "
        "such error (1/10 in place of 0.1, Sage's log in place of math.log).\n"
    )
    # As the note says.
    assert value(stub, session, "round(0.29 * 100), int(29/100 * 100)") == "(29, 29)"
    # A fraction that is no rounding error, one a high precision keeps, an exact number: silent.
    say_nothing(
        stub, session, "int(2.5), floor(-0.5)", "int(RealField(100)(0.29) * 100)", "int(29/100*100)"
    )


def test_floor_of_maths_logarithm_of_a_power_gets_a_note(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """The digits of 10^6 counted with math.log: 6 where there are 7."""
    session = create_session(stub)
    events = evaluate(stub, "import math\ndigits = floor(math.log(10^6, 10)) + 1\ndigits", session)
    assert one(events, "result").result.text_plain == "6"
    assert stderr_of(events).startswith(
        "Note: floor(math.log(10^6, 10)) is 5: math.log(10^6, 10) is 5.999999999999999 in "
        "floating point, 6 less a rounding error, and floor() rounds it down. round() gives 6;"
    )
    assert value(stub, session, "floor(log(10^6, 10)) + 1") == "7"
    # ceil() of a value a rounding error above an integer.
    note = stderr_of(evaluate(stub, "import math\nmath.ceil(0.1 * 3 * 10)", session))
    assert note.startswith(
        "Note: math.ceil(0.1 * 3 * 10) is 4: 0.1 * 3 * 10 is 3.0000000000000004 in floating "
        "point, 3 plus a rounding error, and ceil() rounds it up."
    )
