"""NumPy's fixed-size integers that wrapped around in the value a cell shows get a note with
the exact integer."""

from __future__ import annotations

from sage_services.api.sage.v1 import sage_pb2_grpc

from tests.helpers import create_session, evaluate, one, say_nothing, stderr_of, value


def test_numpys_integers_that_wrapped_around_get_a_note_with_the_exact_integer(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """array([0, 27]) reads as an answer; int64 dropped all but 64 bits of 2^120."""
    session = create_session(stub)
    evaluate(stub, "import numpy as np; b = np.array([2^40, 3]); c = np.int64(2^62)", session)
    for code, shown, written, wrapped, exact in (
        ("b * b * b", "array([ 0, 27])", "b * b * b, entry 0,", "0",
         "1329227995784915872903807060280344576"),
        ("c * 4", "np.int64(0)", "c * 4", "0", "18446744073709551616"),
    ):  # fmt: skip
        events = evaluate(stub, code, session)
        assert one(events, "result").result.text_plain == shown, code
        assert stderr_of(events) == (
            f"Note: NumPy's int64 wrapped around: {written} is {wrapped} where the exact integer "
            f"is {exact}, as int64 keeps 64 bits and drops the rest without a word. Exact "
            "integers: make the array with dtype=object, or use Sage's (vector(ZZ, ...), "
            "matrix(ZZ, ...)).\n"
        ), code
    # As the note says; arithmetic that fits, and floats, get none.
    assert value(stub, session, "B = np.array([2^40, 3], dtype=object); (B * B * B)[0]") == (
        "1329227995784915872903807060280344576"
    )
    say_nothing(stub, session, "b + 1", "f = np.array([1.5, 2.5]); f * f")
