"""A matrix's condition(), in the Frobenius norm, gets a note once in a session that NumPy's
and MATLAB's are in the 2-norm, with that number; its norm(), the 2-norm, that NumPy's is the
Frobenius norm."""

from __future__ import annotations

from sage_services.api.sage.v1 import sage_pb2_grpc

from tests.helpers import create_session, evaluate, one, say_nothing, stderr_of, value


def test_a_condition_number_in_the_frobenius_norm_gets_a_note_once_with_the_2_norms(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """3.333 reads as the condition number NumPy's cond gives, which is 3."""
    session = create_session(stub)
    evaluate(stub, "A = matrix(RDF, [[1, 2], [2, 1]])", session)
    events = evaluate(stub, "A.condition()", session)
    assert one(events, "result").result.text_plain == "3.333333333333334"
    assert stderr_of(events) == (
        "Note: Sage's condition() is in the Frobenius norm by default: 3.33333 for A. NumPy's "
        "cond and MATLAB's use the 2-norm, the largest singular value over the smallest: "
        "A.condition(2) is 3.\n"
    )
    # As the note says; once in a session.
    assert value(stub, session, "import numpy; A.condition(2), numpy.linalg.cond(A.numpy())") == (
        "(3.0000000000000004, np.float64(3.0000000000000004))"
    )
    say_nothing(stub, session, "A.condition()", "A.condition(2)")


def test_a_condition_number_the_same_in_both_norms_gets_no_note(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """A 1 by 1 matrix's is 1 in every norm; a singular matrix's is infinite in every norm,
    though the 2-norm's, 4.8e16, is rounding error's."""
    session = create_session(stub)
    say_nothing(
        stub,
        session,
        "B = matrix(RDF, [[5]]); B.condition()",
        "S = matrix(RDF, [[1, 2], [2, 4]]); S.condition()",
    )


def test_a_matrix_norm_gets_a_note_once_that_numpy_gives_the_frobenius_norm(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """5.1167 reads as what np.linalg.norm(A) gives, which is 5.4772."""
    session = create_session(stub)
    # A vector's norm is the 2-norm in both; a rank-one matrix's two norms are one number.
    say_nothing(
        stub, session, "vector([3, 4]).norm()", "R = matrix(QQ, [[1, 2], [2, 4]]); R.norm()"
    )
    evaluate(stub, "A = matrix(QQ, [[4, 1], [2, 3]])", session)
    events = evaluate(stub, "A.norm()", session)
    assert one(events, "result").result.text_plain == "5.116672736016928"
    assert stderr_of(events) == (
        "Note: Sage's norm() of a matrix is its 2-norm, the largest singular value: 5.11667 for "
        "A. NumPy's norm of a matrix is the Frobenius norm, the square root of the sum of the "
        "squares of its entries: A.norm('frob') is 5.47723.\n"
    )
    # As the note says; once in a session.
    assert value(stub, session, "import numpy; A.norm('frob'), numpy.linalg.norm(A.numpy())") == (
        "(5.477225575051661, 5.477225575051661)"
    )
    say_nothing(stub, session, "A.norm()")
