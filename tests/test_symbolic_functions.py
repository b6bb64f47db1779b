"""A symbolic function that function('y') made, used where its value y(x) was meant, gets the
hint to write y(x); what it writes works."""

from __future__ import annotations

import pytest
from sage_services.api.sage.v1 import sage_pb2_grpc

from tests.helpers import create_session, evaluate, last_line_of_error, value


@pytest.mark.parametrize(
    ("code", "ename", "call"),
    [
        # function('y') inline rebinds y, a variable before, to the function.
        ("desolve(diff(function('y')(t), t) - y, function('y')(t))", "TypeError", "y(t)"),
        ("diff(y, t)", "TypeError", "y(t)"),
        ("desolve(diff(y(t), t) - y(t), y)", "AttributeError", "y(t)"),
        ("y + 1", "TypeError", "y(x)"),
    ],
    ids=["subtracted", "differentiated", "desolve's unknown", "added to a number"],
)
def test_a_symbolic_function_used_as_its_value_gets_the_hint_to_apply_it(
    stub: sage_pb2_grpc.SageServiceStub, code: str, ename: str, call: str
) -> None:
    """Sage's messages name NewSymbolicFunction, or an attribute, or a conversion, never y(x)."""
    session = create_session(stub)
    evaluate(stub, "t, y = var('t y')", session)
    evaluate(stub, "function('y')", session)
    assert last_line_of_error(stub, session, code, ename) == (
        f"y is the symbolic function y that function('y') made, not its value: write it "
        f"applied to its variable, as {call}, in expressions, in diff() and as desolve's "
        f"unknown."
    )
    assert value(stub, session, "desolve(diff(y(t), t) - y(t), y(t))") == "_C*e^t"


def test_a_symbolic_function_in_a_line_failing_for_another_reason_gets_no_such_hint(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """Only an error about the function itself: here it is the matrix that does not fit."""
    session = create_session(stub)
    evaluate(stub, "g = function('g')", session)
    assert "symbolic function" not in last_line_of_error(
        stub, session, "D[0](g)(x) + matrix([[1, 2]]) * vector([1, 2, 3])", "TypeError"
    )
