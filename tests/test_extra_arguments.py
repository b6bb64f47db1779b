"""A symbolic function called with more values than it has arguments, whose extra ones Sage
drops without a word, gets a note that says which went unused."""

from __future__ import annotations

from sage_services.api.sage.v1 import sage_pb2_grpc

from tests.helpers import create_session, evaluate, one, say_nothing, stderr_of, value


def test_a_function_of_one_variable_given_two_values_gets_a_note(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """f(3, 2) is 9: the 2 went nowhere."""
    session = create_session(stub)
    events = evaluate(stub, "f(x) = x^2\nf(3, 2)", session)
    assert one(events, "result").result.text_plain == "9"
    assert stderr_of(events) == (
        "Note: f(3, 2) gave f more values than it has arguments: f is x |--> x^2, a function of "
        "x alone, and Sage ignored the rest (2) without a word. A function of more variables is "
        "defined with them all, as f(x, y) = ...\n"
    )
    # As the note says.
    assert value(stub, session, "var('y'); f(x, y) = x^2 + y; f(3, 2)") == "11"
    # Two variables given three values, in a call of the cell's own loop.
    code = "g(x, y) = x*y\ntotal = 0\nfor k in [1..3]:\n    total += g(k, 2, 5)\ntotal"
    events = evaluate(stub, code, session)
    assert one(events, "result").result.text_plain == "12"
    assert stderr_of(events).startswith(
        "Note: g(k, 2, 5) gave g more values than it has arguments: g is (x, y) |--> x*y, a "
        "function of x and y, and Sage ignored the rest (5) without a word. A function of more "
        "variables is defined with them all, as g(x, y, z) = ..."
    )


def test_calls_with_as_many_values_as_arguments_or_of_other_functions_get_no_note(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    session = create_session(stub)
    evaluate(stub, "var('y'); f(x) = x^2; g(x, y) = x + y; h = x^2; k = lambda a: a", session)
    say_nothing(
        stub,
        session,
        "f(3), g(1, 2), g(1)",  # fewer values substitute only the first arguments
        "f(x=3), g(1, y=2)",
        "h(x=2)",  # an expression, not a function
        "max(f(1), 2, 3), binomial(5, 2)",  # Sage's own, and Python's
        "args = (1, 2); f(*args)",
        "def u(a, b):\n    return f(a, b)",  # defined, not run
    )
