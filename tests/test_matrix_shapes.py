"""A product or sum of matrices and vectors whose shapes do not fit gets a hint with the shapes
and the products that do fit, where Sage names only the two parents; what it says works."""

from __future__ import annotations

from sage_services.api.sage.v1 import sage_pb2_grpc

from tests.helpers import create_session, evaluate, last_line_of_error, value


def test_a_product_of_matrices_that_do_not_fit_gets_their_shapes_and_the_products_that_do(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    session = create_session(stub)
    evaluate(stub, "C = matrix(QQ, 2, 3, range(6)); D = matrix(3, 4, range(12))", session)
    assert last_line_of_error(stub, session, "C * C", "TypeError") == (
        "A matrix product needs as many columns on the left as rows on the right: this is a "
        "2 by 3 matrix times a 2 by 3. Transposed (M.transpose(), or M.T), the left factor "
        "fits: 3 by 2 times 2 by 3 is 3 by 3; so does the right: 2 by 3 times 3 by 2 is 2 by 2. "
        "Entry by entry, two matrices of one shape multiply as M.elementwise_product(N)."
    )
    assert value(stub, session, "(C.T * C).dimensions(), (C * C.T).dimensions()") == (
        "((3, 3), (2, 2))"
    )
    assert value(stub, session, "C.elementwise_product(C).dimensions()") == "(2, 3)"
    assert last_line_of_error(stub, session, "D * C", "TypeError") == (
        "A matrix product needs as many columns on the left as rows on the right: this is a 3 by 4 "
        "matrix times a 2 by 3."
    )
    assert last_line_of_error(stub, session, "D * C.T", "TypeError") == (
        "A matrix product needs as many columns on the left as rows on the right: this is a 3 by 4 "
        "matrix times a 3 by 2. Transposed (M.transpose(), or M.T), the left factor fits: 4 by 3 "
        "times 3 by 2 is 4 by 2."
    )
    assert value(stub, session, "(D.T * C.T).dimensions()") == "(4, 2)"


def test_a_vector_of_the_wrong_length_for_a_matrix_gets_the_lengths_and_the_side_that_fits(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    session = create_session(stub)
    evaluate(
        stub, "M = matrix(2, 3, range(6)); v = vector([1, 2]); w = vector([1, 2, 3, 4])", session
    )
    assert last_line_of_error(stub, session, "M * v", "TypeError") == (
        "A matrix times a vector, M * v, needs v to have as many entries as M has columns: M is "
        "2 by 3, v has 2. As a row, v * M, it fits: that needs as many entries as M has rows."
    )
    assert value(stub, session, "v * M") == "(6, 9, 12)"
    assert last_line_of_error(stub, session, "w * M", "TypeError") == (
        "A vector times a matrix, v * M, takes v as a row: it needs as many entries as M has "
        "rows. Here v has 4 and M is 2 by 3."
    )


def test_a_sum_or_a_dot_product_of_two_shapes_gets_the_shapes(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    session = create_session(stub)
    evaluate(stub, "S = identity_matrix(2); T = identity_matrix(3)", session)
    assert last_line_of_error(stub, session, "S + T", "TypeError") == (
        "Matrices are added and subtracted only when of one shape: here 2 by 2 and 3 by 3."
    )
    assert last_line_of_error(stub, session, "vector([1, 2]) - vector([1, 2, 3])", "TypeError") == (
        "Vectors are added and subtracted only when of one length: here 2 and 3."
    )
    assert last_line_of_error(stub, session, "vector([1, 2]) * vector([1, 2, 3])", "TypeError") == (
        "A product of two vectors, v * w, is their dot product: it needs vectors of one length; "
        "here 2 and 3."
    )
    # Of one shape, over rings with no common one: the shapes are not what is wrong, and the
    # traceback ends with Sage's own message.
    code = "matrix(GF(5), S) * matrix(GF(7), S)"
    assert last_line_of_error(stub, session, code, "TypeError").startswith(
        "TypeError: unsupported operand parent(s) for *"
    )


def test_a_number_added_to_a_matrix_that_is_not_square_gets_a_hint_on_the_diagonal(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """Sage adds a number on the diagonal, which a 2 by 3 matrix lacks: it names the parents."""
    session = create_session(stub)
    evaluate(stub, "C = matrix(2, 3, range(6))", session)
    for code, entry in (("C + 1", "t + c"), ("1/2 - C", "c - t")):
        assert last_line_of_error(stub, session, code, "TypeError") == (
            "Sage adds a number to a matrix as that number times the identity, on the diagonal, "
            "which only a square matrix has: this one is 2 by 3. To every entry: "
            f"M.apply_map(lambda t: {entry})."
        ), code
    # As the hint says.
    assert value(stub, session, "C.apply_map(lambda t: t + 1).list()") == "[1, 2, 3, 4, 5, 6]"


def test_a_number_added_to_a_vector_gets_a_hint_to_add_it_to_each_entry(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """NumPy adds a number to every entry of an array; Sage names the two parents."""
    session = create_session(stub)
    evaluate(stub, "v = vector([1, 2])", session)
    for code, entry in (("v + 1", "t + c"), ("2.5 - v", "c - t")):
        assert last_line_of_error(stub, session, code, "TypeError") == (
            "Sage adds no number to a vector; NumPy adds it to every entry, as "
            f"v.apply_map(lambda t: {entry}) does."
        ), code
    # As the hint says.
    assert value(stub, session, "v.apply_map(lambda t: t + 1)") == "(2, 3)"
