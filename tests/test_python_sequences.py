"""A Python list of rows, or of numbers, asked what a Sage matrix or vector does gets a hint to
make it one, where Python says only that a list has no such attribute; what it says works."""

from __future__ import annotations

from sage_services.api.sage.v1 import sage_pb2_grpc

from tests.helpers import create_session, evaluate, last_line_of_error, value


def test_a_list_of_rows_is_made_a_matrix(stub: sage_pb2_grpc.SageServiceStub) -> None:
    session = create_session(stub)
    evaluate(stub, "M = [[1, 2], [3, 4]]", session)
    assert last_line_of_error(stub, session, "M.det()", "AttributeError") == (
        "M is a Python list of rows, not a matrix, which has det(): matrix(M).det() makes it "
        "one first."
    )
    assert value(stub, session, "matrix(M).det()") == "-2"
    # Written out rather than named, the hint writes it out too.
    assert last_line_of_error(stub, session, "[[1, 2], [3, 4]].rank()", "AttributeError") == (
        "[[1, 2], [3, 4]] is a Python list of rows, not a matrix, which has rank(): "
        "matrix([[1, 2], [3, 4]]).rank() makes it one first."
    )
    assert value(stub, session, "matrix([[1, 2], [3, 4]]).rank()") == "2"


def test_a_list_of_numbers_is_made_a_vector_and_what_it_is_given_too(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    session = create_session(stub)
    evaluate(stub, "v = [3, 4]; w = (1, 2)", session)
    assert last_line_of_error(stub, session, "v.norm()", "AttributeError") == (
        "v is a Python list, not a vector, which has norm(): vector(v).norm() makes it one first."
    )
    assert value(stub, session, "vector(v).norm()") == "5"
    assert last_line_of_error(stub, session, "w.dot_product(v)", "AttributeError") == (
        "w is a Python tuple, not a vector, which has dot_product(): vector(w).dot_product(...) "
        "makes it one first, as must be a matrix or vector given to it."
    )
    assert value(stub, session, "vector(w).dot_product(vector(v))") == "11"
    # A method neither has, or a list no vector can be made of: Python's message alone.
    assert last_line_of_error(stub, session, "v.no_such_method()", "AttributeError") == (
        "AttributeError: 'list' object has no attribute 'no_such_method'"
    )
    assert last_line_of_error(stub, session, "['a', 'b'].norm()", "AttributeError") == (
        "AttributeError: 'list' object has no attribute 'norm'"
    )


def test_a_numpy_array_is_made_a_matrix_or_a_vector(stub: sage_pb2_grpc.SageServiceStub) -> None:
    session = create_session(stub)
    evaluate(
        stub, "import numpy as np; A = np.array([[1, 2], [3, 4]]); u = np.array([3, 4])", session
    )
    assert last_line_of_error(stub, session, "A.det()", "AttributeError") == (
        "A is a NumPy array, not a matrix, which has det(): matrix(A).det() makes it one first."
    )
    assert last_line_of_error(stub, session, "u.norm()", "AttributeError") == (
        "u is a NumPy array, not a vector, which has norm(): vector(u).norm() makes it one first."
    )
    assert value(stub, session, "matrix(A).det(), vector(u).norm()") == "(-2, 5)"


def test_a_list_given_to_solve_right_or_solve_left_is_made_a_vector(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    session = create_session(stub)
    evaluate(stub, "A = matrix([[1, 2], [3, 4]])", session)
    assert last_line_of_error(stub, session, "A.solve_right([1, 1])", "TypeError") == (
        "solve_right and solve_left take a vector or a matrix, not a Python list: "
        "vector([1, 1]) makes a vector of the list."
    )
    assert value(stub, session, "A.solve_right(vector([1, 1]))") == "(-1, 1)"
    # solve_left fails on it further in, saying only that a list has no transpose().
    assert last_line_of_error(stub, session, "A.solve_left([1, 2])", "AttributeError") == (
        "solve_right and solve_left take a vector or a matrix, not a Python list: "
        "vector([1, 2]) makes a vector of the list."
    )
    assert value(stub, session, "A.solve_left(vector([1, 2]))") == "(1, 0)"
