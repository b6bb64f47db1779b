"""diff given its variables as a list, which makes one mixed partial derivative where code
written for a gradient meant one derivative for each, gets a note with the gradient."""

from __future__ import annotations

from sage_services.api.sage.v1 import sage_pb2_grpc

from tests.helpers import create_session, evaluate, one, say_nothing, stderr_of, value


def test_diff_by_a_list_of_variables_gets_a_note_with_the_gradient(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """3*y^2 + 2*x reads as a derivative; the gradient was meant."""
    session = create_session(stub)
    events = evaluate(stub, "var('y'); f = x^2*y + x*y^3\ndiff(f, [x, y])", session)
    assert one(events, "result").result.text_plain == "3*y^2 + 2*x"
    assert stderr_of(events) == (
        "Note: diff(f, [x, y]) differentiated f by x and y in turn: it is one mixed partial "
        "derivative, not one derivative for each variable. The gradient is f.gradient([x, y]), "
        "and [diff(f, v) for v in [x, y]] the same as a list.\n"
    )
    # As the note says.
    assert value(stub, session, "f.gradient([x, y]), [diff(f, v) for v in [x, y]]") == (
        "((y^3 + 2*x*y, 3*x*y^2 + x^2), [y^3 + 2*x*y, 3*x*y^2 + x^2])"
    )
    # As a method, of an expression written in the call.
    note = stderr_of(evaluate(stub, "(x^2*y).derivative([x, y])", session))
    assert note.startswith("Note: (x^2 * y).derivative([x, y]) differentiated x^2 * y by x and y")
    assert "The gradient is (x^2 * y).gradient([x, y])" in note


def test_diff_by_one_variable_twice_or_by_separate_variables_gets_no_note(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    session = create_session(stub)
    evaluate(stub, "var('y'); f = x^2*y", session)
    say_nothing(
        stub,
        session,
        "diff(f, [x, x])",  # the second derivative, by one variable
        "diff(f, x, y)",  # the mixed partial, written as such
        "diff(f, x, 2)",
        "[diff(f, v) for v in [x, y]]",
    )
