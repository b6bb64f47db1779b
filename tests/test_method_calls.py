"""One of Sage's methods called as a function, as Maple, Mathematica and SymPy have them, gets
the hint to call it as a method of its first argument; what the hint writes works."""

from __future__ import annotations

import pytest
from sage_services.api.sage.v1 import sage_pb2_grpc

from tests.helpers import create_session, evaluate, last_line_of_error, value


@pytest.mark.parametrize(
    ("code", "way", "answer"),
    [
        ("eigenvalues(A)", "A.eigenvalues()", "[3, -2]"),
        ("rref(A)", "A.rref()", "[1 0]\n[0 1]"),
        ("simplify_full(sin(x)^2 + cos(x)^2)", "(sin(x)^2 + cos(x)^2).simplify_full()", "1"),
        ("subs(x^2, x=3)", "(x^2).subs(x=3)", "9"),
        # A line that does not parse as Python: its statement that calls the method does.
        ("R.<t> = QQ[]; coefficients(t^2 + 3)", "(t^2 + 3).coefficients()", "[3, 1]"),
    ],
    ids=["matrix", "matrix rref", "expression", "keyword argument", "sage syntax"],
)
def test_a_method_called_as_a_function_gets_the_call_as_a_method(
    stub: sage_pb2_grpc.SageServiceStub, code: str, way: str, answer: str
) -> None:
    """The NameError says only that the name is not defined."""
    session = create_session(stub)
    evaluate(stub, "A = matrix(QQ, [[1, 2], [3, 0]])", session)
    name = code.split("; ")[-1].split("(")[0]
    assert last_line_of_error(stub, session, code, "NameError") == (
        f"{name} is a method in Sage, not a function: {way}."
    )
    assert value(stub, session, way) == answer


@pytest.mark.parametrize(
    "code",
    ["frobnicate(A)", "rref(5)", "T(A.transpose())", "eigenvalues()", "hessian(x^2, [x])"],
    ids=[
        "no such method",
        "not a method of its argument",
        "a matrix's property",
        "no argument",
        "a method that takes none of the arguments",
    ],
)
def test_a_name_no_value_at_hand_has_as_a_method_gets_no_such_hint(
    stub: sage_pb2_grpc.SageServiceStub, code: str
) -> None:
    session = create_session(stub)
    evaluate(stub, "A = matrix(QQ, [[1, 2], [3, 0]])", session)
    assert "is a method in Sage" not in last_line_of_error(stub, session, code, "NameError")


@pytest.mark.parametrize(
    ("code", "call", "said", "answer"),
    [
        ("p.degree()", "p.degree(x)", "", "3"),
        ("p.coefficient()", "p.coefficient(x, 2)", ", the coefficient of x^2", "-4"),
        ("q.leading_coefficient()", "q.leading_coefficient(x)", "", "y"),
    ],
    ids=["degree", "coefficient", "several variables"],
)
def test_an_expressions_method_called_without_its_variable_gets_the_call_with_it(
    stub: sage_pb2_grpc.SageServiceStub, code: str, call: str, said: str, answer: str
) -> None:
    """A polynomial's degree() takes no argument; a symbolic expression's takes its variable,
    and the message does not say so."""
    session = create_session(stub)
    evaluate(stub, "y = var('y'); p = x^3 - 4*x^2 + 1; q = y*x^2 + x", session)
    method = code.split(".")[1].split("(")[0]
    assert last_line_of_error(stub, session, code, "TypeError") == (
        f"{method}() of a symbolic expression takes the variable it is of: {call}{said}."
    )
    assert value(stub, session, call) == answer


@pytest.mark.parametrize(
    ("code", "said", "answer"),
    [
        ("z.real + 1", "z.real", "1"),
        ("float(w.imag)", "w.imag", "2.00000000000000"),
        ("round(w.real, 2)", "w.real", "1.00000000000000"),
        ("A.trace * 2", "A.trace", "5"),
    ],
    ids=["in arithmetic", "made a float", "rounded", "a matrix's"],
)
def test_a_method_used_as_a_value_gets_the_hint_to_call_it(
    stub: sage_pb2_grpc.SageServiceStub, code: str, said: str, answer: str
) -> None:
    """NumPy's and SymPy's z.real is an attribute; Sage's a method, which the arithmetic or
    float() then refuses as a 'method'."""
    session = create_session(stub)
    evaluate(stub, "z = 1 + 2*I; w = CC(1, 2); A = matrix(QQ, [[1, 2], [3, 4]])", session)
    assert last_line_of_error(stub, session, code, "TypeError") == (
        f"{said} is a method in Sage, where NumPy and SymPy have such an attribute: its value "
        f"is {said}()."
    )
    assert value(stub, session, f"{said}()") == answer
