"""A vector's length(), which is its number of entries, gets a note once in a session with its
Euclidean length."""

from __future__ import annotations

from sage_services.api.sage.v1 import sage_pb2_grpc

from tests.helpers import create_session, evaluate, one, say_nothing, stderr_of, value


def test_the_length_of_a_vector_gets_a_note_once_that_it_counts_entries(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """3 reads as the length of (1, 2, 3), which is sqrt(14)."""
    session = create_session(stub)
    # A vector whose norm is its number of entries: either reading gives one answer.
    say_nothing(stub, session, "w = vector([2, 0]); w.length()")
    evaluate(stub, "v = vector([1, 2, 3])", session)
    events = evaluate(stub, "u = v / v.length(); u", session)
    assert one(events, "result").result.text_plain == "(1/3, 2/3, 1)"
    assert stderr_of(events) == (
        "Note: v.length() of a vector is its number of entries, 3, as len(v) is. Its Euclidean "
        "length is v.norm(), sqrt(14).\n"
    )
    # As the note says; once in a session.
    assert value(stub, session, "(v / v.norm()).norm()") == "1"
    say_nothing(stub, session, "v.length()")
