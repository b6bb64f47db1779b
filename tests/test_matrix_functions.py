"""A function of a number given a matrix or a vector: where Sage wraps it in an expression, a
note, and where it fails, a hint, each with apply_map() for each entry and the matrix function;
what they write works."""

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

_SETUP = (
    "import scipy.linalg; A = matrix([[2, 1], [1, 2]]); v = vector([1, 4]); "
    "C = matrix(2, 3, range(6))"
)


def test_sqrt_of_a_matrix_which_sage_wraps_in_an_expression_gets_a_note_with_both_readings(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """sqrt(A) is the expression sqrt([2 1] [1 2]): neither NumPy's entry by entry nor R with
    R*R == A."""
    session = create_session(stub)
    evaluate(stub, _SETUP, session)
    say_nothing(stub, session, "sqrt(4)", "bool(A.exp()[0, 0] == exp(A)[0, 0])")
    events = evaluate(stub, "sqrt(A)", session)
    assert one(events, "result").result.text_plain == "sqrt([2 1]\n[1 2])"
    assert stderr_of(events) == (
        "Note: sqrt(A) is not a matrix but a symbolic expression that wraps A, with which nothing "
        "computes: Sage has no sqrt() of a matrix. Entry by entry, as NumPy's np.sqrt does: "
        "A.apply_map(sqrt). As a matrix function (R*R == A), numerically, after import "
        "scipy.linalg: matrix(RDF, scipy.linalg.sqrtm(A.numpy())); exactly, for a "
        "diagonalizable matrix: D, P = A.change_ring(QQbar).diagonalization(), then "
        "P * D.apply_map(sqrt) * P^-1.\n"
    )
    assert value(stub, session, "A.apply_map(sqrt)") == "[sqrt(2)       1]\n[      1 sqrt(2)]"
    code = "R = matrix(RDF, scipy.linalg.sqrtm(A.numpy())); (R*R - A).norm() < 1e-12"
    assert value(stub, session, code) == "True"
    code = (
        "D, P = A.change_ring(QQbar).diagonalization(); R = P * D.apply_map(sqrt) * P^-1; R*R == A"
    )
    assert value(stub, session, code) == "True"
    # floor() wraps it alike; it has no matrix function.
    events = evaluate(stub, "F = floor(A)", session)
    assert stderr_of(events) == (
        "Note: floor(A) is not a matrix but a symbolic expression that wraps A, with which "
        "nothing computes: Sage has no floor() of a matrix. Entry by entry, as NumPy's np.floor "
        "does: A.apply_map(floor).\n"
    )


def test_a_function_of_a_number_given_a_matrix_or_a_vector_gets_apply_map_and_scipys(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """sin(A) fails with "no canonical coercion from Full MatrixSpace ... to Symbolic Ring",
    sqrt(v) with "unable to convert (1, 4) to a symbolic expression"."""
    session = create_session(stub)
    evaluate(stub, _SETUP, session)
    assert last_line_of_error(stub, session, "sin(A)", "TypeError") == (
        "sin() takes a number or an expression, not a matrix, and Sage has no sin() of a matrix "
        "(but exp(), as A.exp()). Entry by entry, as NumPy's np.sin does: A.apply_map(sin). As "
        "a matrix function (not A.apply_map(sin)), numerically, after import scipy.linalg: "
        "matrix(RDF, scipy.linalg.sinm(A.numpy()))."
    )
    assert value(stub, session, "matrix(RDF, scipy.linalg.sinm(A.numpy())).dimensions()") == (
        "(2, 2)"
    )
    # Not square: entry by entry only.
    assert last_line_of_error(stub, session, "sin(C)", "TypeError") == (
        "sin() takes a number or an expression, not a matrix, and Sage has no sin() of a "
        "matrix. Entry by entry, as NumPy's np.sin does: C.apply_map(sin)."
    )
    assert last_line_of_error(stub, session, "sqrt(v)", "TypeError") == (
        "sqrt() takes a number or an expression, not a vector, and Sage has no sqrt() of a "
        "vector. Entry by entry, as NumPy's np.sqrt does: v.apply_map(sqrt)."
    )
    assert value(stub, session, "v.apply_map(sqrt)") == "(1, 2)"
    assert last_line_of_error(stub, session, "A.log()", "AttributeError") == (
        "A matrix has no log() in Sage (but exp(), as A.exp()). Entry by entry, as NumPy's "
        "np.log does: A.apply_map(log). As a matrix function (not A.apply_map(log)), "
        "numerically, after import scipy.linalg: matrix(RDF, scipy.linalg.logm(A.numpy()))."
    )


def test_a_matrix_to_a_fractional_power_gets_apply_map_and_scipys_fractional_power(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """A^(1/2) fails with "the given exponent is not supported", and over RDF, with
    "non-integral exponents not supported", as sqrt() of one does."""
    session = create_session(stub)
    evaluate(stub, _SETUP + "; B = matrix(RDF, [[2, 1], [1, 2]])", session)
    assert last_line_of_error(stub, session, "A^(1/2)", "NotImplementedError") == (
        "A matrix's powers are integer ones in Sage: A^(1/2) is none. Entry by entry: "
        "A.apply_map(lambda t: t^(1/2)). As a matrix power, numerically, after import "
        "scipy.linalg: matrix(RDF, scipy.linalg.fractional_matrix_power(A.numpy(), (1/2)))."
    )
    code = "R = matrix(RDF, scipy.linalg.fractional_matrix_power(A.numpy(), (1/2))); R[0, 0] > 1.36"
    assert value(stub, session, code) == "True"
    assert last_line_of_error(stub, session, "B^0.5", "NotImplementedError").startswith(
        "A matrix's powers are integer ones in Sage: B^0.5 is none. Entry by entry: "
        "B.apply_map(lambda t: t^0.5)."
    )
    assert last_line_of_error(stub, session, "sqrt(B)", "NotImplementedError").startswith(
        "sqrt() takes a number or an expression, not a matrix, and Sage has no sqrt() of a "
        "matrix (but exp(), as B.exp())."
    )
