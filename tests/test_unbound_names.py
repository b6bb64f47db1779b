"""A name that a failed cell would have bound says so in a later cell's NameError, where the
hints for a name never made would point the wrong way."""

from __future__ import annotations

from sage_services.api.sage.v1 import sage_pb2_grpc

from tests.helpers import create_session, evaluate, last_line_of_error, value


def test_a_name_a_failed_cell_would_have_bound_gets_that_cell_in_its_name_error(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """`df` after the cell that imports a missing module and assigns df: not a symbolic
    variable to declare, as a short name's hint would have it."""
    session = create_session(stub)
    code = "import no_such_module_here as pd\ndf = pd.DataFrame({'a': [1, 2]})\nn = 1"
    evaluate(stub, code, session)
    assert last_line_of_error(stub, session, "df['a'].mean()", "NameError") == (
        "df is not defined because <cell 1>, which assigns it, failed before it did "
        "(ModuleNotFoundError): mend that cell and run it again, or define df here."
    )
    assert last_line_of_error(stub, session, "pd", "NameError") == (
        "pd is not defined because <cell 1>, which imports it, failed before it did "
        "(ModuleNotFoundError): mend that cell and run it again, or define pd here."
    )
    # Defined since, by a cell that ran: the name is there, and no hint is asked for.
    assert value(stub, session, "df = 3; df") == "3"


def test_names_a_failed_cell_bound_before_failing_or_only_inside_functions_get_no_such_hint(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """Only what the failure kept from the session's namespace is told of."""
    session = create_session(stub)
    evaluate(stub, "def g():\n    inner = 1\n    return inner\nbefore = 1\nafter = 1/0", session)
    assert value(stub, session, "before, g()") == "(1, 1)"
    # inner is g's own: the hint for a short name never made still applies.
    assert last_line_of_error(stub, session, "inner", "NameError") == (
        "NameError: name 'inner' is not defined"
    )
    assert last_line_of_error(stub, session, "after", "NameError").startswith(
        "after is not defined because <cell 1>, which assigns it, failed before it did "
        "(ZeroDivisionError)"
    )


def test_a_name_a_cell_that_did_not_compile_would_have_bound_gets_that_cell_in_its_name_error(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """A cell with a syntax error ran nothing: `b = vector(...); A \\ b`, MATLAB's backslash,
    did not assign b either, which a later cell's `A.solve_right(b)` misses."""
    session = create_session(stub)
    evaluate(stub, "A = matrix(QQ, [[2, 1], [1, 2]])", session)
    evaluate(stub, "b = vector([1, 2]); A \\ b\nif True:\n    inner = 1\nc = [1,", session)
    assert last_line_of_error(stub, session, "A.solve_right(b)", "NameError") == (
        "b is not defined because <cell 2>, which assigns it, failed before it did "
        "(SyntaxError): mend that cell and run it again, or define b here."
    )
    # Indented, or not a statement alone: not read.
    for name in ("inner", "c"):
        assert "<cell 2>" not in last_line_of_error(stub, session, name, "NameError")
    assert value(stub, session, "b = vector([1, 2]); A.solve_right(b)") == "(0, 1)"
