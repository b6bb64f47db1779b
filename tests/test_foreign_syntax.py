"""Another language's syntax, which Python does not parse, gets the cell's line as Sage
writes it; what the hint writes works."""

from __future__ import annotations

import pytest
from sage_services.api.sage.v1 import sage_pb2_grpc

from tests.helpers import create_session, last_line_of_error, value


@pytest.mark.parametrize(
    ("code", "hint", "way", "answer"),
    [
        ("A = [1 2; 3 -4]", "Sage's matrices are lists of rows, with commas: "
         "matrix([[1, 2], [3, -4]]). MATLAB's [1 2; 3 -4] is not Python.",
         "matrix([[1, 2], [3, -4]]).det()", "-10"),
        ("v = [1 2 3]", "Sage writes [1 2 3] with commas: vector([1, 2, 3]), or [1, 2, 3] for a "
         "list.", "vector([1, 2, 3]).norm()", "sqrt(14)"),
        ("g = (x, y) -> x*y", "-> is Maple's and Mathematica's notation. In Sage: g(x, y) = x*y "
         "makes g a symbolic function, or g = lambda x, y: x*y a Python one.",
         "g(x, y) = x*y; g(2, 3)", "6"),
        ("def f(t) = t^2", "f(t) = t^2, without def, makes f a symbolic function; a Python one is "
         "def f(t): return t^2.", "def f(t): return t^2\nf(3)", "9"),
        ("y = sin x + 1", "A function's argument goes in parentheses: sin(x).", "sin(x) + 1",
         "sin(x) + 1"),
        ("plot sin(x), (x, 0, pi)", "Sage's functions are called with parentheses: "
         "plot(sin(x), (x, 0, pi)).", "plot(sin(x), (x, 0, pi)).xmax()", "3.141592653589793"),
        ("factor x^2 - 1", "Sage's functions are called with parentheses: factor(x^2 - 1).",
         "factor(x^2 - 1)", "(x + 1)*(x - 1)"),
        ("integrate x^2 dx", "Sage's integral is a call: integrate(x^2, x), or "
         "integrate(x^2, x, a, b) from a to b.", "integrate(x^2, x, 0, 3)", "9"),
        ("f = piecewise([((-oo, 0), -x), ([0, oo), x)])", "[0, oo) is a half-open interval as "
         "mathematics writes it, which Python does not read: RealSet.closed_open(0, oo) is it. "
         "piecewise() also takes (0, oo) for the open interval and [0, oo] for the closed one.",
         "f = piecewise([((-oo, 0), -x), (RealSet.closed_open(0, oo), x)]); f(-2), f(0)",
         "(2, 0)"),
        ("I = (0, 1]", "(0, 1] is a half-open interval as mathematics writes it, which Python "
         "does not read: RealSet.open_closed(0, 1) is it. piecewise() also takes (0, 1) for the "
         "open interval and [0, 1] for the closed one.", "RealSet.open_closed(0, 1)", "(0, 1]"),
        ("5!", "Python has no ! for the factorial: factorial(5).", "factorial(5)", "120"),
        ("n = (2 + 3)! + 1", "Python has no ! for the factorial: factorial(2 + 3).",
         "factorial(2 + 3) + 1", "121"),
        ("eq = x^2 - 4 = 0", "An equation is written with ==; = gives a name a value: "
         "eq = x^2 - 4 == 0.", "eq = x^2 - 4 == 0; solve(eq, x)", "[x == -2, x == 2]"),
    ],
    ids=["matlab matrix", "matlab row", "arrow function", "def as an equation", "no parentheses",
         "command", "command of an expression", "integral on paper", "half-open interval",
         "interval open on the left", "factorial",
         "factorial of a sum", "equation with ="],
)  # fmt: skip
def test_another_languages_syntax_gets_the_line_as_sage_writes_it(
    stub: sage_pb2_grpc.SageServiceStub, code: str, hint: str, way: str, answer: str
) -> None:
    """Python's message says only where the line stops parsing."""
    session = create_session(stub)
    assert last_line_of_error(stub, session, code, "SyntaxError") == hint
    assert value(stub, session, way) == answer


@pytest.mark.parametrize(
    "code",
    [
        "M = [a+1 2; 3 4]",
        "f = x -> ",
        "print(1 2)",
        "sqrt = 2; sqrt x = 3",
        "plot = 2\nplot x = 3",
        "e = x == 1 = 2",
        "print([1, 2)",
    ],
    ids=[
        "an entry more than a name",
        "no body",
        "python's own slip",
        "an assignment",
        "a command's name assigned",
        "a comparison assigned to",
        "a bracket mistyped in a call",
    ],
)
def test_syntax_errors_another_languages_syntax_does_not_explain_get_no_such_hint(
    stub: sage_pb2_grpc.SageServiceStub, code: str
) -> None:
    session = create_session(stub)
    last = last_line_of_error(stub, session, code, "SyntaxError")
    assert last.startswith("SyntaxError: "), last
