"""A NumPy array's method asked of a Python list or tuple, or of a Sage vector or matrix,
gets the hint of what does it in Sage; what it writes works."""

from __future__ import annotations

import pytest
from sage_services.api.sage.v1 import sage_pb2_grpc

from tests.helpers import create_session, evaluate, last_line_of_error, value


@pytest.mark.parametrize(
    ("code", "hint", "way", "answer"),
    [
        ("L.sum()", "A Python list has no sum(), as a NumPy array has: sum(L).", "sum(L)", "6"),
        ("L.shape", "A Python list has no shape, as a NumPy array has: len(L).", "len(L)", "3"),
        ("T.argmax()", "A Python tuple has no argmax(), as a NumPy array has: "
         "list(T).index(max(T)).", "list(T).index(max(T))", "1"),
        ("v.max()", "A Sage vector has no max(), as a NumPy array has: max(v).", "max(v)", "3"),
        ("v.shape", "A Sage vector has no shape, as a NumPy array has: len(v).", "len(v)", "3"),
        ("M.sum()", "A Sage matrix has no sum(), as a NumPy array has: sum(M.list()), and "
         "sum(M) adds its rows.", "sum(M.list()), sum(M)", "(10, (4, 6))"),
        ("M.flatten()", "A Sage matrix has no flatten(), as a NumPy array has: M.list().",
         "M.list()", "[1, 2, 3, 4]"),
    ],
    ids=["list sum", "list shape", "tuple argmax", "vector max", "vector shape", "matrix sum",
         "matrix flatten"],
)  # fmt: skip
def test_a_numpy_arrays_method_asked_of_a_sequence_or_matrix_gets_what_does_it_in_sage(
    stub: sage_pb2_grpc.SageServiceStub, code: str, hint: str, way: str, answer: str
) -> None:
    """Python's message says only that the attribute is missing."""
    session = create_session(stub)
    code_before = "L = [1, 2, 3]; T = (1, 2); v = vector([1, 2, 3]); M = matrix([[1, 2], [3, 4]])"
    evaluate(stub, code_before, session)
    assert last_line_of_error(stub, session, code, "AttributeError") == hint
    assert value(stub, session, way) == answer
