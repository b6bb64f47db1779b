"""max(), min(), sorted() and sum() of solve's equations, which compare and add as equations,
get a note with the solutions' own answer."""

from __future__ import annotations

from sage_services.api.sage.v1 import sage_pb2_grpc

from tests.helpers import create_session, evaluate, one, say_nothing, stderr_of, value


def test_the_largest_of_solves_equations_gets_a_note_that_max_kept_the_first(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """x == -sqrt(2) reads as the largest solution; it is the smallest."""
    session = create_session(stub)
    evaluate(stub, "sols = solve(x^3 - 2*x == 0, x)", session)
    events = evaluate(stub, "max(sols)", session)
    assert one(events, "result").result.text_plain == "x == -sqrt(2)"
    assert stderr_of(events) == (
        "Note: max(sols) compared solve's equations, not their values: a comparison of two "
        "equations is never true, so it kept the first: x == -sqrt(2). The largest solution: "
        "max(s.rhs() for s in sols), sqrt(2).\n"
    )
    # As the note says.
    assert value(stub, session, "max(s.rhs() for s in sols)") == "sqrt(2)"
    events = evaluate(stub, "sum(sols)", session)
    assert stderr_of(events) == (
        "Note: sum(sols) added solve's equations side by side: 3*x == 0. The sum of the "
        "solutions: sum(s.rhs() for s in sols), 0.\n"
    )
    # Of the values, or of anything but equations: nothing to say.
    say_nothing(stub, session, "max(s.rhs() for s in sols)", "L = [3, 1]; max(L), sum(L)")


def test_real_roots_written_through_complex_numbers_are_ordered_by_their_values(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """A cubic's three real roots come as radicals through complex numbers, which compare as
    undecided even as values: the way the note gives orders them numerically."""
    session = create_session(stub)
    evaluate(stub, "s = solve(x^3 - 3*x + 1 == 0, x)", session)
    note = stderr_of(evaluate(stub, "sorted(s)", session))
    assert note.endswith(
        "Note: sorted(s) compared solve's equations, not their values: a comparison of two "
        "equations is never true, so it kept solve's order. The solutions in order: "
        "sorted((t.rhs() for t in s), key=lambda v: v.n().real()), "
        "[≈ -1.87938524157182, ≈ 0.347296355333861, ≈ 1.53208888623796].\n"
    )
    ordered = "[r.n(20).real() for r in sorted((t.rhs() for t in s), key=lambda v: v.n().real())]"
    assert value(stub, session, ordered) == "[-1.8794, 0.34730, 1.5321]"
    # Complex solutions have no order.
    note = stderr_of(evaluate(stub, "c = solve(x^2 + 1 == 0, x); min(c)", session))
    assert note == (
        "Note: min(c) compared solve's equations, not their values: a comparison of two "
        "equations is never true, so it kept the first: x == -I. Some of the solutions are "
        "complex numbers, which have no order: their values are [s.rhs() for s in c].\n"
    )


def test_the_smallest_of_a_solve_call_gets_a_note_with_the_way_to_its_values(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    session = create_session(stub)
    events = evaluate(stub, "min(solve(x^2 - 5*x + 6 == 0, x))", session)
    assert one(events, "result").result.text_plain == "x == 3"
    assert stderr_of(events) == (
        "Note: min(solve(x^2 - 5 * x + 6 == 0, x)) compared solve's equations, not their "
        "values: a comparison of two equations is never true, so it kept the first. The "
        "smallest solution: min((s.rhs() for s in solve(x^2 - 5 * x + 6 == 0, x)), "
        "key=lambda v: v.n().real()).\n"
    )
    way = "min((s.rhs() for s in solve(x^2 - 5 * x + 6 == 0, x)), key=lambda v: v.n().real())"
    assert value(stub, session, way) == "2"
    # Dictionaries (solution_dict=True) and a system's lists of equations are left alone.
    say_nothing(
        stub,
        session,
        "d = solve(x^2 == 4, x, solution_dict=True); len(d)",
        "y = var('y'); max(solve([x + y == 3, x - y == 1], x, y))",
    )
