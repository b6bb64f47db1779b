"""A Sage symbolic expression given to SciPy as the function it calls gets the numerical
function to give instead; what the hint writes works."""

from __future__ import annotations

import pytest
from sage_services.api.sage.v1 import sage_pb2_grpc

from tests.helpers import create_session, evaluate, last_line_of_error, value


def _hint(name: str, variables: str) -> str:
    return (
        f"SciPy calls the function with floats, or a NumPy array, and wants floats back; "
        f"{name}, a Sage symbolic expression, gives symbolic values. Make it a numerical "
        f"function, F = fast_callable({name}, vars=[{variables}], domain=RDF), and give SciPy F, "
        f"or lambda v: F(*v) where it passes an array (minimize, fsolve, root). Sage's "
        f"find_root, minimize and numerical_integral take {name} as it is."
    )


@pytest.mark.parametrize(
    ("code", "ename", "name", "variables"),
    [
        ("brentq(f, 0, 2)", "TypeError", "f", "x"),
        ("fsolve(f, 1)", "NotImplementedError", "f", "x"),
        ("minimize(lambda v: g(*v), [0, 0])", "TypeError", "g", "x, y"),
        ("newton(h, 1)", "TypeError", "h", "t"),
    ],
    ids=["brentq", "fsolve", "minimize of a lambda", "an expression, not callable"],
)
def test_a_symbolic_expression_given_to_scipy_gets_the_numerical_function_to_give(
    stub: sage_pb2_grpc.SageServiceStub, code: str, ename: str, name: str, variables: str
) -> None:
    """SciPy's message is about a ufunc or arrays, and names no expression."""
    session = create_session(stub)
    evaluate(
        stub,
        "from scipy.optimize import brentq, fsolve, minimize, newton\n"
        "f(x) = x^2 - 2\ng(x, y) = (x - 1)^2 + (y - 2)^2\nt = var('t'); h = t^2 - 2",
        session,
    )
    assert last_line_of_error(stub, session, code, ename) == _hint(name, variables)
    # As the hint says.
    code = (
        "F = fast_callable(f, vars=[x], domain=RDF); G = fast_callable(g, vars=[x, y], "
        "domain=RDF)\nround(brentq(F, 0, 2), 6), [round(c, 3) for c in minimize(lambda v: "
        "G(*v), [0, 0]).x], round(find_root(f, 0, 2), 6)"
    )
    assert value(stub, session, code) == "(1.414214, [1.0, 2.0], 1.414214)"
