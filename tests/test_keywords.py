"""A keyword argument the function called does not take gets a hint with the function's
signature, the keyword nearest the one written, and a function of the same family that takes
it, where Python says only "got an unexpected keyword argument"; what the hint says works."""

from __future__ import annotations

from sage_services.api.sage.v1 import sage_pb2_grpc

from tests.helpers import create_session, evaluate, last_line_of_error, value


def test_a_misspelt_keyword_gets_the_nearest_one_and_the_signature(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    session = create_session(stub)
    assert last_line_of_error(stub, session, "N(pi, digit=5)", "TypeError") == (
        "Did you mean: 'digits'? Its signature: "
        "numerical_approx(x, prec=None, digits=None, algorithm=None)."
    )
    assert value(stub, session, "N(pi, digits=5)") == "3.1416"
    assert (
        last_line_of_error(stub, session, "random_prime(100, lower_bound=50)", "TypeError")
        == "Did you mean: 'lbound'? Its signature: random_prime(n, proof=None, lbound=2)."
    )
    assert value(stub, session, "50 <= random_prime(100, lbound=50) <= 100") == "True"


def test_a_keyword_a_relative_takes_names_the_relative(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    session = create_session(stub)
    assert last_line_of_error(stub, session, "continued_fraction(pi, nterms=5)", "TypeError") == (
        "continued_fraction() has no keyword 'nterms'. Its signature: "
        "continued_fraction(x, value=None). continued_fraction_list() takes 'nterms': "
        "continued_fraction_list(x, type='std', partial_convergents=False, bits=None, "
        "nterms=None)."
    )
    assert value(stub, session, "continued_fraction_list(pi, nterms=5)") == "[3, 7, 15, 1, 292]"


def test_the_signature_is_that_of_the_function_that_refused(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    session = create_session(stub)
    evaluate(stub, "def f(a, b=1):\n    return a + b", session)
    evaluate(stub, "def passes_on(**keywords):\n    return f(1, **keywords)", session)
    assert last_line_of_error(stub, session, "f(1, c=2)", "TypeError") == (
        "f() has no keyword 'c'. Its signature: f(a, b=1)."
    )
    # Refused further in, by the function its caller passed the keyword on to.
    assert last_line_of_error(stub, session, "passes_on(c=2)", "TypeError") == (
        "f() has no keyword 'c'. Its signature: f(a, b=1)."
    )
    # A function that takes any keyword and refuses one itself: its signature says nothing.
    evaluate(
        stub,
        "def takes_any(**keywords):\n"
        "    raise TypeError(\"takes_any() got an unexpected keyword argument 'z'\")",
        session,
    )
    assert last_line_of_error(stub, session, "takes_any(z=1)", "TypeError") == (
        "TypeError: takes_any() got an unexpected keyword argument 'z'"
    )
