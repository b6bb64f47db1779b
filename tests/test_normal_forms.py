"""A symbolic expression's simplifying method asked of a polynomial ring's element, which is
kept in normal form, gets a hint that its value is already the answer."""

from __future__ import annotations

import pytest
from sage_services.api.sage.v1 import sage_pb2_grpc

from tests.helpers import create_session, evaluate, last_line_of_error, value


@pytest.mark.parametrize(
    ("cell", "method", "what", "form", "as_symbolic", "answer"),
    [
        (
            "f(x + 1).expand()",
            "expand",
            "A polynomial of a polynomial ring",
            "expanded, with its terms collected",
            "SR(f(x + 1)).expand()",
            "x^3 + 3*x^2 + 3*x - 1",
        ),
        (
            "((a + b)^2).simplify_full()",
            "simplify_full",
            "A polynomial of a polynomial ring",
            "expanded, with its terms collected",
            "SR((a + b)^2).simplify_full()",
            "a^2 + 2*a*b + b^2",
        ),
        (
            "((t^2 - 1)/(t - 1)).simplify()",
            "simplify",
            "A quotient of a polynomial ring's polynomials",
            "reduced to lowest terms",
            "SR((t^2 - 1)/(t - 1)).simplify_full()",
            "t + 1",
        ),
    ],
)
def test_simplifying_a_polynomial_gets_a_hint_that_it_is_in_normal_form(
    stub: sage_pb2_grpc.SageServiceStub,
    cell: str,
    method: str,
    what: str,
    form: str,
    as_symbolic: str,
    answer: str,
) -> None:
    session = create_session(stub)
    evaluate(stub, "R.<x> = QQ[]; f = x^3 - 2; S.<a, b> = QQ[]; T.<t> = QQ[]", session)
    assert last_line_of_error(stub, session, cell, "AttributeError") == (
        f"{what} is kept in normal form, {form}: it has no {method}() and needs none, its value "
        f"being what {method}() would give. Its factors: .factor(); as a symbolic expression, "
        f"which has {method}(): SR(...).{method}()."
    )
    # As the hint says: the value is the answer, and the symbolic expression's is the same.
    assert value(stub, session, cell.removesuffix(f".{method}()")) == answer
    assert value(stub, session, as_symbolic) == answer
