"""A piecewise function that refuses a point, or pieces that overlap, get a hint that names the
domain or the overlap, read from Sage's own piecewise code, and how intervals are made open or
closed; the example the hint gives runs. A method only piecewise functions have, asked of an
expression, gets how to make one."""

from __future__ import annotations

from sage_services.api.sage.v1 import sage_pb2_grpc
from sage_sidecar import piecewise_functions

from tests.helpers import create_session, evaluate, last_line_of_error, value

_ENDS = (
    "A piece on (a, b) is open at both ends, on [a, b] closed, and on RealSet.closed_open(a, b) "
    "or RealSet.open_closed(a, b) half-open, as in "
    "piecewise([([-1, 0], -x), (RealSet.open_closed(0, 1), x)])."
)


def test_a_point_a_piecewise_function_leaves_out_gets_its_domain(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    session = create_session(stub)
    evaluate(stub, "p = piecewise([((-1, 0), -x), ((0, 1), x)])", session)
    # The union as Sage writes it, U+222A.
    domain = "the piecewise function's domain, (-1, 0) \u222a (0, 1)."
    # At an end the open pieces leave out: how to close it.
    assert (
        last_line_of_error(stub, session, "p(0)", "ValueError") == f"0 is outside {domain} {_ENDS}"
    )
    # Integrated between ends the pieces leave out, as Sage's integral evaluates there.
    whole = " Over the whole domain, p.integral(definite=True) integrates it."
    for code in ("integral(p, x, -1, 1)", "p.integral(x, -1, 1)"):
        assert (
            last_line_of_error(stub, session, code, "ValueError")
            == f"1 is outside {domain} {_ENDS}{whole}"
        ), code
    assert value(stub, session, "p.integral(definite=True)") == "1"
    # Far outside: the domain only.
    assert last_line_of_error(stub, session, "p(5)", "ValueError") == f"5 is outside {domain}"


def test_pieces_that_overlap_get_where_they_do(stub: sage_pb2_grpc.SageServiceStub) -> None:
    session = create_session(stub)
    assert last_line_of_error(
        stub, session, "piecewise([([-1, 0], -x), ([0, 1], x)])", "ValueError"
    ) == (
        f"The pieces on [-1, 0] and [0, 1] overlap, on {{0}}: each point belongs to one piece. "
        f"{_ENDS}"
    )
    # Over an interval, not at a shared end: their bounds are what to change.
    assert last_line_of_error(
        stub, session, "piecewise([([0, 2], 1), ([1, 3], 2)])", "ValueError"
    ) == ("The pieces on [0, 2] and [1, 3] overlap, on [1, 2]: each point belongs to one piece.")


def test_the_pieces_the_hint_gives_as_an_example_cover_both_ends(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    session = create_session(stub)
    code = f"q = {piecewise_functions.EXAMPLE}; q(-1), q(0), q(1), q.integral(x, -1, 1)"
    assert value(stub, session, code) == "(1, 0, 1, 1)"


def test_the_same_message_from_the_cells_own_code_gets_no_hint(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    session = create_session(stub)
    for message in ("point 3 is not in the domain", "domains must be pairwise disjoint"):
        line = last_line_of_error(stub, session, f"raise ValueError({message!r})", "ValueError")
        assert line == f"ValueError: {message}"


def test_a_method_only_piecewise_functions_have_asked_of_an_expression_gets_how_to_make_one(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    session = create_session(stub)
    evaluate(stub, "f = sin(x); var('t'); g = t^3 - 3*t", session)

    def hint(code: str) -> str:
        return last_line_of_error(stub, session, code, "AttributeError")

    assert hint("f.fourier_series_partial_sum(3, pi)") == (
        "fourier_series_partial_sum() is a method of Sage's piecewise functions, not of "
        "symbolic expressions: make f one on its interval first, as "
        "piecewise([((-pi, pi), f)]).fourier_series_partial_sum(...)."
    )
    # Critical points, in the expression's own variable; unnamed, as expr.
    assert hint("g.critical_points()") == (
        "Symbolic expressions have no critical_points(): solve(diff(g, t) == 0, t) gives them "
        "exactly, and piecewise([((a, b), g)]).critical_points() those in (a, b), numerically."
    )
    assert hint("(x^3 - x).critical_points()").startswith(
        "Symbolic expressions have no critical_points(): solve(diff(expr, x) == 0, x)"
    )
    # A method no one has gets none of this.
    assert "piecewise" not in hint("f.frobnicate()")
    # As the hints say.
    code = "piecewise([((-pi, pi), f)]).fourier_series_partial_sum(3, pi)"
    assert value(stub, session, code) == "sin(x)"
    assert value(stub, session, "solve(diff(g, t) == 0, t)") == "[t == -1, t == 1]"
    code = "sorted(round(c, 6) for c in piecewise([((-2, 2), g)]).critical_points())"
    assert value(stub, session, code) == "[-1.0, 1.0]"
