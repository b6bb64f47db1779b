"""A Python list of rows, or of numbers, asked what a Sage matrix or vector does, or put in its
arithmetic, gets a hint to make it one, where Python says only that a list has no such
attribute or which types met; what it says works."""

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


def test_a_list_in_a_matrix_or_vector_product_or_sum_is_made_a_vector(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """Python says only that it can't multiply a sequence by a non-int, or which types met."""
    session = create_session(stub)
    evaluate(stub, "M = matrix([[1, 2], [3, 4]]); v = vector([1, 1]); L = [1, 2]", session)
    for code, written in (
        ("M * [1, 1]", "[1, 1]"),
        ("(1, 1) * M", "(1, 1)"),
        ("v + [1, 2]", "[1, 2]"),
        ("[1, 2] - v", "[1, 2]"),
        ("L * v", "L"),
        ("v * L", "L"),
    ):
        kind = "tuple" if written.startswith("(") else "list"
        assert last_line_of_error(stub, session, code, "TypeError") == (
            f"A Python {kind} is not a vector, and a matrix's or vector's arithmetic refuses "
            f"it: make it one, as vector({written})."
        ), code
    assert last_line_of_error(stub, session, "v.dot_product([1, 2])", "TypeError") == (
        "v.dot_product() takes a vector, not a Python list: make it one, as vector([1, 2])."
    )
    code = "M * vector([1, 1]), v + vector(L), v.dot_product(vector([1, 2]))"
    assert value(stub, session, code) == "((3, 7), (2, 3), 3)"


def test_arithmetic_or_a_function_of_a_list_of_numbers_is_done_entry_by_entry(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """`[1, 2, 3] * 0.5` got the advice to write 0.5 raw, which fails the same way; `L / 2` and
    `[1, 2] - [3, 4]` only which types met."""
    session = create_session(stub)
    evaluate(stub, "L = [1, 2]", session)
    for code, way in (
        ("[1, 2, 3] * 0.5", "vector([1, 2, 3]) * 0.5 scales it as a vector; or "
         "[a * 0.5 for a in [1, 2, 3]]"),
        ("L / 2", "vector(L) / 2 scales it as a vector; or [a / 2 for a in L]"),
        ("[1, 2] - [3, 4]", "vector([1, 2]) - vector([3, 4]) subtracts them as vectors"),
        ("L * [3, 4]", "vector(L).pairwise_product(vector([3, 4])); vector * vector is their "
         "dot product"),
        ("L / [1, 2]", "[a / b for a, b in zip(L, [1, 2])]"),
        ("L^2", "[a ^ 2 for a in L]"),
        ("x + L", "[x + a for a in L]"),
        # Python asks x for an integer to repeat the list by: "unable to convert x".
        ("L * x", "vector(L) * x scales it as a vector; or [a * x for a in L]"),
    ):  # fmt: skip
        assert last_line_of_error(stub, session, code, "TypeError") == (
            "A Python list is not a vector: + joins two, * repeats one by an integer, and other "
            f"arithmetic refuses it. Entry by entry: {way}."
        ), code
    for code, function, written in (
        ("exp(L)", "exp", "L"),
        ("sqrt([1, 4])", "sqrt", "[1, 4]"),
        ("sin((0, 1))", "sin", "(0, 1)"),
    ):
        kind = "tuple" if written.startswith("(") else "list"
        assert last_line_of_error(stub, session, code, "TypeError") == (
            f"{function}() takes a number or an expression, not a Python {kind}: for each entry, "
            f"[{function}(a) for a in {written}], or vector({written}).apply_map({function})."
        ), code
    # Repetition by a whole number written as a float keeps its own hint; a list joined with
    # a string or None, Python's message alone.
    assert last_line_of_error(stub, session, "[0] * 3.0", "TypeError") == (
        "3.0 is a floating-point number, not the integer this wants: write 3, or int(3.0)."
    )
    assert last_line_of_error(stub, session, "L + 'a'", "TypeError") == (
        'TypeError: can only concatenate list (not "str") to list'
    )
    code = (
        "vector([1, 2, 3]) * 0.5, vector(L) / 2, vector([1, 2]) - vector([3, 4]), "
        "vector(L).pairwise_product(vector([3, 4])), [a / b for a, b in zip(L, [1, 2])], "
        "[a ^ 2 for a in L], [sqrt(a) for a in [1, 4]]"
    )
    assert " ".join(value(stub, session, code).split()) == (
        "((0.500000000000000, 1.00000000000000, 1.50000000000000), (1/2, 1), (-2, -2), (3, 8), "
        "[1, 1], [1, 4], [1, 2])"
    )


def test_arithmetic_of_a_list_of_rows_is_done_as_a_matrixs(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """Entry by entry, `[a ^ 2 for a in A]` of rows squares each row, which fails again."""
    session = create_session(stub)
    evaluate(stub, "A = [[1, 2], [3, 4]]; B = [[0, 1], [1, 0]]", session)
    for code, way in (
        ("A^2", "matrix(A) ^ 2"),
        ("A * B", "matrix(A) * matrix(B)"),
        ("2 / A", "2 / matrix(A)"),
        ("A - [[1, 1], [1, 1]]", "matrix(A) - matrix([[1, 1], [1, 1]])"),
    ):
        assert last_line_of_error(stub, session, code, "TypeError") == (
            "A Python list of rows is not a matrix: + joins two, * repeats one by an integer, "
            f"and other arithmetic refuses it. As a matrix: {way}."
        ), code
    assert value(stub, session, "matrix(A) ^ 2, matrix(A) * matrix(B)") == (
        "(\n[ 7 10]  [2 1]\n[15 22], [4 3]\n)"
    )
    # Rows of different lengths are no matrix's.
    assert "As a matrix" not in last_line_of_error(stub, session, "[[1], [2, 3]]^2", "TypeError")


def test_a_sage_numbers_method_asked_of_a_python_int_or_float_gets_the_conversion(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """range() gives Python ints, whose message names no Sage Integer."""
    session = create_session(stub)
    assert last_line_of_error(
        stub, session, "[n for n in range(10) if n.is_prime()]", "AttributeError"
    ) == (
        "n is a Python int, which has no is_prime(): ZZ(n).is_prime(), or is_prime(n). Python's "
        "range(), len() and int() make Python ints; Sage's srange() makes Integers."
    )
    assert value(stub, session, "[n for n in range(10) if ZZ(n).is_prime()]") == "[2, 3, 5, 7]"
    assert value(stub, session, "[n for n in srange(10) if n.is_prime()]") == "[2, 3, 5, 7]"
    evaluate(stub, "import math; r = math.sqrt(2)", session)
    assert last_line_of_error(
        stub, session, "r.nearby_rational(max_error=0.01)", "AttributeError"
    ) == (
        "r is a Python float, which has no nearby_rational(): RR(r).nearby_rational(). Python's "
        "float() and math functions make Python floats; Sage's RR() real numbers."
    )
    # Not written on a name: the conversion of what the line has there.
    assert last_line_of_error(stub, session, "len([1, 2]).is_prime()", "AttributeError") == (
        "The value is a Python int, which has no is_prime(): ZZ(...).is_prime(), or "
        "is_prime(...). "
        "Python's range(), len() and int() make Python ints; Sage's srange() makes Integers."
    )
    # A method no Sage number has either: Python's message alone, or the nearest name.
    assert "Python int" not in last_line_of_error(
        stub, session, "(5r).frobnicate()", "AttributeError"
    )
