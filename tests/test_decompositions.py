"""A singular value decomposition, whose V NumPy gives transposed, gets a note once in a
session with the layout."""

from __future__ import annotations

from sage_services.api.sage.v1 import sage_pb2_grpc

from tests.helpers import create_session, evaluate, say_nothing, stderr_of, value


def test_an_svd_gets_a_note_once_that_a_is_u_s_v_transposed(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """U*S*V, as ported from NumPy's U @ diag(s) @ Vh, is not A, and nothing fails."""
    session = create_session(stub)
    # A symmetric V, as a diagonal matrix's: either layout gives A back.
    say_nothing(stub, session, "D = matrix(RDF, [[2, 0], [0, 3]]); D.SVD()")
    evaluate(stub, "A = matrix(RDF, [[1, 2, 3], [4, 5, 6], [7, 8, 10]])", session)
    events = evaluate(stub, "U, S, V = A.SVD()", session)
    assert stderr_of(events) == (
        "Note: A.SVD() gives (U, S, V) with A == U*S*V.transpose(), S the matrix of the singular "
        "values and V's columns the right singular vectors. NumPy's svd gives (U, s, Vh), the "
        "singular values alone and V already transposed: as written for it, U*S*V is not A.\n"
    )
    # As the note says; once in a session.
    assert value(
        stub, session, "(U*S*V.transpose() - A).norm() < 1e-12, (U*S*V - A).norm() > 1"
    ) == ("(True, True)")
    say_nothing(stub, session, "A.SVD()")
