"""Two vectors multiplied with *, which is their dot product in Sage and entry by entry in
NumPy, get a note once in a session with both."""

from __future__ import annotations

from sage_services.api.sage.v1 import sage_pb2_grpc

from tests.helpers import create_session, evaluate, one, say_nothing, stderr_of, value


def test_a_product_of_two_vectors_gets_a_note_once_that_it_is_their_dot_product(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """11 and [3, 8] both read as an answer."""
    session = create_session(stub)
    evaluate(stub, "v = vector([1, 2]); w = vector([3, 4]); A = matrix([[1, 2], [3, 4]])", session)
    # A matrix times a vector, a number times a vector: no question of which product.
    say_nothing(stub, session, "A * v", "k = 2; k * v")
    events = evaluate(stub, "v * w", session)
    assert one(events, "result").result.text_plain == "11"
    assert stderr_of(events) == (
        "Note: v * w of two vectors is their dot product in Sage, 11; NumPy, whose habits agents "
        "bring, multiplies them entry by entry: v.pairwise_product(w) does, (3, 8).\n"
    )
    # As the note says; once in a session.
    assert value(stub, session, "v.pairwise_product(w)") == "(3, 8)"
    say_nothing(stub, session, "w * v")
