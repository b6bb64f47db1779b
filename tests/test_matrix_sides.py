"""A matrix's kernel(), nullity() and image() are of its rows in Sage: each gets a note, once
a session, where the row and column answers differ; what it says holds."""

from __future__ import annotations

from sage_services.api.sage.v1 import sage_pb2_grpc

from tests.helpers import (
    create_session,
    evaluate,
    last_line_of_error,
    one,
    say_nothing,
    stderr_of,
    value,
)


def test_kernel_nullity_and_image_get_a_note_once_each_where_rows_and_columns_differ(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """A = [[1, 2, 3], [4, 5, 6]]: kernel() is {0}, of x*A == 0; A*x == 0 has (1, -2, 1)."""
    session = create_session(stub)
    evaluate(
        stub, "A = matrix(QQ, [[1, 2, 3], [4, 5, 6]]); S = matrix(QQ, [[1, 2], [2, 4]])", session
    )
    # A symmetric matrix's sides agree; a square one's nullities do.
    say_nothing(stub, session, "S.kernel()", "S.nullity()", "S.image()")
    events = evaluate(stub, "A.kernel()", session)
    assert "dimension 0" in one(events, "result").result.text_plain
    assert stderr_of(events) == (
        "Note: Sage's kernel() is the left kernel, of the x with x*A == 0, as its matrices act "
        "on row vectors: here of dimension 0. The null space of A*x == 0, as SciPy's null_space "
        "and most texts mean it: A.right_kernel(), of dimension 1, with basis [(1, -2, 1)].\n"
    )
    assert value(stub, session, "A * A.right_kernel().basis()[0]") == "(0, 0)"
    events = evaluate(stub, "n = A.nullity()", session)
    assert stderr_of(events) == (
        "Note: Sage's nullity() is the left kernel's dimension, rows minus rank: 0 here. That of "
        "the null space of A*x == 0, columns minus rank: A.right_nullity(), 1.\n"
    )
    events = evaluate(stub, "A.image()", session)
    assert stderr_of(events) == (
        "Note: Sage's image() is the row space of A, as its matrices act on row vectors from "
        "the right. The column space, the image of x -> A*x: A.column_space().\n"
    )
    assert value(stub, session, "A.column_space().dimension(), A.column_space().degree()") == (
        "(2, 2)"
    )
    # Once each in a session.
    say_nothing(stub, session, "A.kernel()", "A.nullity()", "A.image()")


def test_scipys_null_space_asked_of_a_matrix_gets_right_kernel(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """SciPy's null_space is a function, scipy.linalg.null_space(A); as a method it is none."""
    session = create_session(stub)
    evaluate(stub, "A = matrix(QQ, [[1, 2, 3], [4, 5, 6]])", session)
    assert last_line_of_error(stub, session, "A.null_space()", "AttributeError") == (
        ".null_space is SymPy's name (or another library's), not Sage's. In Sage: "
        "`matrix([[1, 2], [2, 4]]).right_kernel()`."
    )
