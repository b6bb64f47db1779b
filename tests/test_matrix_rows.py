"""Python's sum(), max() and min() of a matrix, which go through its rows, get a note once
in a session with the entries' answer."""

from __future__ import annotations

from sage_services.api.sage.v1 import sage_pb2_grpc

from tests.helpers import create_session, evaluate, one, say_nothing, stderr_of, value


def test_the_sum_of_a_matrix_gets_a_note_once_that_it_adds_the_rows(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """(4, 6) reads as an answer where NumPy's np.sum(A) is 10."""
    session = create_session(stub)
    # A vector's sum, and a list's, are of their entries: nothing to say.
    say_nothing(stub, session, "v = vector([1, 2]); sum(v)", "L = [3, 1]; max(L)")
    evaluate(stub, "A = matrix([[1, 2], [3, 4]])", session)
    events = evaluate(stub, "sum(A)", session)
    assert one(events, "result").result.text_plain == "(4, 6)"
    assert stderr_of(events) == (
        "Note: sum(A) of a matrix adds its rows as vectors, which gives the column sums, "
        "(4, 6). The sum of its entries: sum(A.list()), 10.\n"
    )
    # As the note says; once in a session.
    assert value(stub, session, "sum(A.list())") == "10"
    say_nothing(stub, session, "sum(A)")


def test_the_maximum_of_a_matrix_gets_a_note_that_it_is_a_row(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """max(A) compares rows as vectors: (3, 4), not 4."""
    session = create_session(stub)
    events = evaluate(stub, "A = matrix([[1, 5], [3, 4]]); m = max(A); m", session)
    assert one(events, "result").result.text_plain == "(3, 4)"
    assert stderr_of(events) == (
        "Note: max(A) of a matrix compares its rows as vectors and gives one of them, (3, 4). "
        "Its largest entry: max(A.list()), 5.\n"
    )
    assert value(stub, session, "max(A.list())") == "5"
