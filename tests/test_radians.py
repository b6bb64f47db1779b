"""sin(30) is the sine of 30 radians: the first sin, cos or tan of a common angle's degrees
in a session gets a note with both; what it says holds."""

from __future__ import annotations

from sage_services.api.sage.v1 import sage_pb2_grpc

from tests.helpers import create_session, evaluate, one, say_nothing, stderr_of, value


def test_the_sine_of_a_common_angles_degrees_gets_a_note_once_that_sin_takes_radians(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """Sage shows sin(30) as it is, which reads as an exact 1/2; it is -0.988."""
    session = create_session(stub)
    # Radians that no table of degrees has, and a variable's sine.
    say_nothing(stub, session, "sin(1)", "cos(2).n()", "sin(x)")
    events = evaluate(stub, "sin(30)", session)
    assert one(events, "result").result.text_plain == "sin(30)"
    assert stderr_of(events) == (
        "Note: Sage's sin takes radians, as mathematics does: sin(30) is the sine of 30 "
        "radians, -0.9880. The sine of 30 degrees: sin(30*pi/180), which is 1/2.\n"
    )
    # Once a session; as the note says.
    say_nothing(stub, session, "cos(45)")
    assert value(stub, session, "sin(30*pi/180), sin(30).n(digits=4)") == "(1/2, -0.9880)"
