"""A polynomial of a ring of several variables (`R.<x,y,z> = QQ[]`, `PolynomialRing(QQ, 'w',
1)`) asked what only a polynomial in one variable does gets a hint naming its ring and what to
write instead, where Sage only says the method is missing or the arguments do not match; what
the hint says to do works."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sage_services.api.sage.v1 import sage_pb2 as pb
from sage_services.api.sage.v1 import sage_pb2_grpc

from tests.helpers import create_session, evaluate, finished_of, last_line_of_error, value

_RING = (
    "the Multivariate Polynomial Ring in x, y, z over Rational Field, a ring of several variables"
)


@pytest.fixture(scope="module")
def session(stub: sage_pb2_grpc.SageServiceStub) -> Iterator[str]:
    session = create_session(stub)
    _works(stub, session, "R.<x,y,z> = QQ[]; f = x*y - 1; g = x^3 - 2*x + 1")
    yield session
    stub.DeleteSession(pb.DeleteSessionRequest(session_id=session), timeout=30)


def _works(stub: sage_pb2_grpc.SageServiceStub, session: str, code: str) -> None:
    assert finished_of(evaluate(stub, code, session)).status == pb.EVALUATION_STATUS_OK, code


def test_roots_of_a_polynomial_that_uses_one_variable_point_to_univariate_polynomial(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    assert last_line_of_error(stub, session, "g.roots()", "AttributeError") == (
        f"g is a polynomial of {_RING}: its polynomials have no roots(), which polynomials in "
        "one variable have. g uses x alone: g.univariate_polynomial().roots() works."
    )
    assert value(stub, session, "g.univariate_polynomial().roots()") == "[(1, 1)]"


def test_roots_of_a_polynomial_in_several_variables_point_to_solve(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    assert last_line_of_error(stub, session, "f.roots()", "AttributeError") == (
        f"f is a polynomial of {_RING}: its polynomials have no roots(), which polynomials in "
        "one variable have. f uses x, y: solve(SR(f), SR(x)) gives x in terms of the others, "
        "and ideal(f, ...).variety() the points where polynomials vanish together, if there "
        "are finitely many."
    )
    assert value(stub, session, "solve(SR(f), SR(x))") == "[x == (1/y)]"
    # Asked of an expression rather than a name, the hint writes the polynomial out.
    line = last_line_of_error(stub, session, "(x*y - 1).roots()", "AttributeError")
    assert "(x*y - 1) uses x, y: solve(SR(x*y - 1), SR(x))" in line


def test_a_ring_made_with_one_variable_counted_is_told_apart(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    code = "P = PolynomialRing(QQ, 'w', 1); w = P.gen(); h = w^2 - 2; h.roots(QQbar)"
    assert last_line_of_error(stub, session, code, "AttributeError") == (
        "h is a polynomial of the Multivariate Polynomial Ring in w over Rational Field, a ring "
        "of several variables, as PolynomialRing(K, 'w', 1) makes (PolynomialRing(K, 'w') makes "
        "a ring of one): its polynomials have no roots(), which polynomials in one variable "
        "have. h uses w alone: h.univariate_polynomial().roots() works."
    )
    assert value(stub, session, "h.univariate_polynomial().roots(QQbar)") == (
        "[(-1.414213562373095?, 1), (1.414213562373095?, 1)]"
    )
    assert value(stub, session, "PolynomialRing(QQ, 'w')") == (
        "Univariate Polynomial Ring in w over Rational Field"
    )


def test_diff_points_to_derivative_and_other_methods_to_a_polynomial_in_one_variable(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    assert last_line_of_error(stub, session, "g.diff(x)", "AttributeError") == (
        f"g is a polynomial of {_RING}: its polynomials differentiate with derivative(), as "
        "g.derivative(x)."
    )
    assert value(stub, session, "g.derivative(x)") == "3*x^2 - 2"
    assert last_line_of_error(stub, session, "f.monic()", "AttributeError") == (
        f"f is a polynomial of {_RING}: its polynomials have no monic(), which polynomials in "
        "one variable have. f uses x, y: f.polynomial(x) is f as a polynomial in x, with the "
        "others in its coefficients."
    )
    _works(stub, session, "f.polynomial(x).monic()")
    # A method neither kind of polynomial has keeps Sage's own message alone.
    line = last_line_of_error(stub, session, "g.no_such_method()", "AttributeError")
    assert "several variables" not in line


def test_a_call_with_one_value_names_the_ring_s_variables(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    said = (
        f"g is a polynomial of {_RING}: called, it takes a value for each of the ring's 3 "
        "variables, in the order x, y, z, as g(2, 0, 0); g.subs(x=2) gives a value to some of "
        "them. It uses x alone: g.univariate_polynomial() is a polynomial in x that takes one "
        "value, for find_root() too."
    )
    assert last_line_of_error(stub, session, "g(2)", "TypeError") == said
    assert last_line_of_error(stub, session, "find_root(g, 0, 0.8)", "TypeError") == said
    assert value(stub, session, "g(2, 0, 0), g.subs(x=2)") == "(5, 5)"
    assert value(stub, session, "round(find_root(g.univariate_polynomial(), 0, 0.8), 6)") == (
        "0.618034"
    )


def test_a_plot_of_a_polynomial_of_several_variables_is_drawn_as_an_expression(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    # Sage says "unable to convert (1, x^3) to a symbolic expression".
    assert last_line_of_error(stub, session, "plot(g, (x, -2, 2))", "TypeError") == (
        f"g is a polynomial of {_RING}, which a plot cannot draw as a function of its ranges' "
        "variables. Plot it as a symbolic expression, which has only the variables it uses: "
        "plot(SR(g), (x, -2, 2))."
    )
    # Sage says "Variable 'z' not found in ['x', 'y']", of a variable the polynomial lacks.
    assert last_line_of_error(
        stub, session, "plot3d(x*y, (x, -1, 1), (y, -1, 1))", "ValueError"
    ) == (
        f"x*y is a polynomial of {_RING}, which a plot cannot draw as a function of its ranges' "
        "variables. Plot it as a symbolic expression, which has only the variables it uses: "
        "plot3d(SR(x*y), (x, -1, 1), (y, -1, 1))."
    )
    for code in ("plot(SR(g), (x, -2, 2))", "plot3d(SR(x*y), (x, -1, 1), (y, -1, 1))"):
        _works(stub, session, code)


def test_a_polynomial_of_several_variables_where_an_expression_is_wanted_gets_its_own_ways(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    assert last_line_of_error(stub, session, "integrate(g, x, 0, 1)", "TypeError") == (
        "g is a polynomial, of Multivariate Polynomial Ring in x, y, z over Rational Field, not "
        "a symbolic expression, which this wants. A polynomial has its own ways: g.integral(x) "
        "for an antiderivative in x, and, for one that uses x alone, "
        "g.univariate_polynomial().roots(QQbar) for its roots. Or take it as a symbolic "
        "expression: SR(g), in SR(x), SR(y), SR(z)."
    )
    assert last_line_of_error(stub, session, "solve(g == 0, x)", "TypeError").endswith(
        "equation to solve. Its roots: g.univariate_polynomial().roots(QQbar), where g uses one "
        "variable; a system's solutions: ideal([p, q]).variety(QQbar), each of p, q the "
        "difference of an equation's sides. Or make them symbolic: solve(SR(g) == 0, SR(x))."
    )
    for code in ("g.integral(x)", "g.univariate_polynomial().roots(QQbar)", "solve(SR(g), SR(x))"):
        _works(stub, session, code)
