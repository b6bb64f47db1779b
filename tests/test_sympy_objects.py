"""A Sage variable given to SymPy as its variable, which SymPy does not take for its own
symbol, gets a note after series(), and a hint under the errors it makes elsewhere."""

from __future__ import annotations

import pytest
from sage_services.api.sage.v1 import sage_pb2_grpc

from tests.helpers import create_session, evaluate, last_line_of_error, one, stderr_of, value


def test_sympys_series_of_a_sage_variable_gets_a_note_with_sympys_symbol_and_sages_series(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """sympy.series(sin(x), x, 0, 4) gives sin(x) back: a constant in another x."""
    session = create_session(stub)
    events = evaluate(stub, "import sympy\nsympy.series(sin(x), x, 0, 4)", session)
    assert one(events, "result").result.text_plain == "sin(x)"
    assert stderr_of(events) == (
        "Note: SymPy's series was given Sage's variable x, which it does not take for its own "
        "symbol, so the expression is a constant to it and comes back unexpanded. Give it "
        "SymPy's: x._sympy_(); or Sage's series, sin(x).series(x == 0, 4).\n"
    )
    # As the note says.
    assert value(stub, session, "sympy.series(sin(x), x._sympy_(), 0, 4)") == (
        "x - x**3/6 + O(x**4)"
    )
    assert value(stub, session, "sin(x).series(x == 0, 4)") == "1*x + (-1/6)*x^3 + Order(x^4)"
    # SymPy's own symbol, and Sage's series, get none.
    events = evaluate(stub, "s = sympy.Symbol('s'); sympy.series(sympy.sin(s), s, 0, 4)", session)
    assert stderr_of(events) == ""


@pytest.mark.parametrize(
    ("code", "ename"),
    [
        ("sympy.integrate(sin(x), x)", "ValueError"),
        ("sympy.lambdify(x, x^2)", "TypeError"),
        ("sympy.nsolve(x^2 - 2, x, 1)", "AttributeError"),
    ],
    ids=["integrate", "lambdify", "nsolve"],
)
def test_sympys_functions_given_a_sage_variable_get_the_hint_to_give_sympys_symbol(
    stub: sage_pb2_grpc.SageServiceStub, code: str, ename: str
) -> None:
    """SymPy's messages, "Invalid limits given: (x,)" and the like, name no Sage variable."""
    session = create_session(stub)
    evaluate(stub, "import sympy", session)
    assert last_line_of_error(stub, session, code, ename) == (
        "x is Sage's variable, which SymPy's functions do not all take for their own symbol. "
        "Give SymPy its own, x._sympy_() (or sympy.Symbol('x')), or use Sage's function of the "
        "same name, which takes x as it is."
    )
    assert value(stub, session, "X = x._sympy_(); sympy.integrate(sympy.sin(X), X)") == "-cos(x)"
