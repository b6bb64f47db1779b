"""None from a function of the session's with no return statement, used as a value, gets the
hint that the function returns nothing; what the hint writes works."""

from __future__ import annotations

import pytest
from sage_services.api.sage.v1 import sage_pb2_grpc

from tests.helpers import create_session, evaluate, last_line_of_error, value

_GAVE_NONE = (
    "{name}() gave None: it has no return statement, and a Python function gives back only "
    "what return gives, not its last line's value."
)


@pytest.mark.parametrize(
    ("code", "name", "way"),
    [
        ("f(2) + 1", "f", " End it with return x^2."),
        ("float(f(3))", "f", " End it with return x^2."),
        ("g(5) * 2", "g", ""),
    ],
    ids=["in arithmetic", "made a float", "ending in a loop"],
)
def test_none_from_a_function_without_return_gets_the_hint_to_return(
    stub: sage_pb2_grpc.SageServiceStub, code: str, name: str, way: str
) -> None:
    """Python's message names NoneType, not the function; Mathematica's and Maple's functions
    give their last value."""
    session = create_session(stub)
    evaluate(
        stub,
        "def f(x):\n    x^2\ndef g(n):\n    s = 0\n    for k in range(n):\n        s += k",
        session,
    )
    assert last_line_of_error(stub, session, code, "TypeError") == (
        _GAVE_NONE.format(name=name) + way
    )
    # As the hint says.
    assert value(stub, session, "def f(x):\n    return x^2\nf(2) + 1") == "5"


def test_none_from_a_function_that_returns_a_value_elsewhere_gets_no_such_hint(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """It returns on some paths: which one gave None is its own logic."""
    session = create_session(stub)
    evaluate(stub, "def h(n):\n    if n > 0:\n        return n", session)
    assert last_line_of_error(stub, session, "h(-1) + 1", "TypeError").startswith("TypeError:")
