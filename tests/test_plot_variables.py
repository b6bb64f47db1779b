"""A plotted function with a variable no range gives a value to gets a hint naming it, where
Sage's message may name the variable the range did give, and a range of a variable and one end,
or ranges given apart, get the form of a range; what the hint says to do draws."""

from __future__ import annotations

from sage_services.api.sage.v1 import sage_pb2 as pb
from sage_services.api.sage.v1 import sage_pb2_grpc

from tests.helpers import create_session, evaluate, finished_of, kinds, last_line_of_error


def test_a_variable_with_no_value_in_a_plotted_function_is_named(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    session = create_session(stub)
    evaluate(stub, "var('a y z')", session)
    # Sage says "Variable 'x' not found in ['a']": a is the one with no value.
    assert last_line_of_error(stub, session, "plot(a*x^2, (x, -1, 1))", "ValueError") == (
        "a in the function plotted has no value: a plot gives values to the variables of its "
        "ranges alone, here x. Substitute a value first, as expr.subs(a=1), or draw the "
        "function over both, as plot3d(expr, (x, -1, 1), (a, -1, 1))."
    )
    assert last_line_of_error(
        stub, session, "plot3d(x*y*z, (x, 0, 1), (y, 0, 1))", "ValueError"
    ) == (
        "z in the function plotted has no value: a plot gives values to the variables of its "
        "ranges alone, here x, y. Substitute a value first, as expr.subs(z=1)."
    )
    # No range on the line: the variables, and what a plot wants.
    assert last_line_of_error(stub, session, "plot(a*x^2, -1, 1)", "ValueError") == (
        "The function plotted has the variables a, x, more than the plot's ranges give values "
        "to: give each a range, or substitute values for the others first, as expr.subs(a=1)."
    )
    # The message from elsewhere than a plot is left as it is.
    line = last_line_of_error(
        stub, session, "raise ValueError(\"Variable 'y' not found in ['x']\")", "ValueError"
    )
    assert line == "ValueError: Variable 'y' not found in ['x']"
    # As the hint says.
    for code in (
        "plot((a*x^2).subs(a=1), (x, -1, 1))",
        "plot3d(a*x^2, (x, -1, 1), (a, -1, 1))",
    ):
        assert finished_of(evaluate(stub, code, session)).status == pb.EVALUATION_STATUS_OK, code


def test_a_range_of_a_variable_and_one_end_gets_the_form_of_a_range(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """plot(sin(x), (x, 1)) reads (x, 1) as (xmin, xmax), from x to 1: Sage then says only
    that x has no numeric value."""
    session = create_session(stub)
    assert last_line_of_error(stub, session, "plot(sin(x), (x, 1))", "TypeError") == (
        "A plot's range is (x, xmin, xmax), or (xmin, xmax) without the variable: (x, 1) was "
        "read as the second, from x to 1, and x has no numeric value. Give the variable both "
        "ends, as (x, a, b)."
    )
    # As the hint says.
    code = "plot(sin(x), (x, 0, 1))"
    assert finished_of(evaluate(stub, code, session)).status == pb.EVALUATION_STATUS_OK


def test_a_curve_or_surface_given_its_ranges_or_coordinates_apart_gets_the_form_it_takes(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """`parametric_plot(cos(t), sin(t), (t, 0, 1))` fails with "object of type Expression has
    no len()", `plot3d(x*y, x, -1, 1, y, -1, 1)` with too many arguments: plot() takes both
    forms, the plots of curves and surfaces neither."""
    session = create_session(stub)
    evaluate(stub, "var('y t')", session)
    curve = (
        "parametric_plot takes each range as one tuple, (variable, start, end), after the "
        "coordinate functions, as one tuple too: parametric_plot((cos(t), sin(t)), (t, 0, 2*pi))."
    )
    for code, ename, hint in (
        ("parametric_plot(cos(t), sin(t), (t, 0, 1))", "TypeError", curve),
        ("parametric_plot((cos(t), sin(t)), t, 0, 1)", "ValueError", curve),
        ("parametric_plot3d(cos(t), sin(t), t, (t, 0, 1))", "ValueError",
         "parametric_plot3d takes each range as one tuple, (variable, start, end), after the "
         "coordinate functions, as one tuple too: parametric_plot3d((cos(t), sin(t), t), "
         "(t, 0, 2*pi))."),
        ("plot3d(x*y, x, -1, 1, y, -1, 1)", "TypeError",
         "plot3d takes each range as one tuple, (variable, start, end): plot3d(x*y, (x, -1, 1), "
         "(y, -1, 1))."),
        ("plot3d(x*y, (x, -1, 1))", "TypeError", "plot3d takes each range as one tuple"),
        ("contour_plot(x*y, x, -1, 1, y, -1, 1)", "TypeError",
         "contour_plot takes each range as one tuple"),
        ("implicit_plot(x^2 + y^2 == 1, x, -2, 2, y, -2, 2)", "TypeError",
         "implicit_plot takes each range as one tuple"),
    ):  # fmt: skip
        assert last_line_of_error(stub, session, code, ename).startswith(hint), code
    # Another function given too many arguments: Python's message says it.
    assert last_line_of_error(stub, session, "factor(6, 1, 2, 3, 4, 5)", "TypeError") == (
        "TypeError: factor() takes from 1 to 5 positional arguments but 6 were given"
    )
    # As the hints say.
    for code in (
        "parametric_plot((cos(t), sin(t)), (t, 0, 2*pi))",
        "parametric_plot3d((cos(t), sin(t), t), (t, 0, 2*pi))",
        "plot3d(x*y, (x, -1, 1), (y, -1, 1))",
        "implicit_plot(x^2 + y^2 == 1, (x, -2, 2), (y, -2, 2))",
    ):
        assert finished_of(evaluate(stub, code, session)).status == pb.EVALUATION_STATUS_OK, code


def test_points_given_to_plot_get_list_plot_and_line(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """plot() reads [(0, 1), (1, 2)] as functions, and "unable to convert (0, 1)" says no
    more."""
    session = create_session(stub)
    assert last_line_of_error(stub, session, "plot([(0, 1), (1, 2)])", "TypeError") == (
        "plot() draws functions and expressions, not points: list_plot(points) marks them "
        "(plotjoined=True joins them), line(points) joins them, as list_plot([(0, 1), (1, 2)])."
    )
    evaluate(stub, "P = [(0, 1), (1, 2)]", session)
    assert last_line_of_error(stub, session, "plot(P)", "TypeError").startswith(
        "plot() draws functions and expressions, not points"
    )
    events = evaluate(stub, "list_plot([(0, 1), (1, 2)], plotjoined=True)", session)
    assert kinds(events) == ["started", "display", "result", "finished"]
