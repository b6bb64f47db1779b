"""An operation on a high-precision number and a double-precision one, whose answer Sage
rounds to the lower precision, gets a note that names both sides and how to keep the higher."""

from __future__ import annotations

import pytest
from sage_services.api.sage.v1 import sage_pb2_grpc

from tests.helpers import create_session, evaluate, one, say_nothing, stderr_of, value


def _note(low: str, high: str, bits: int, way: str) -> str:
    return (
        f"Note: the answer has 53 bits, about 15 digits: Sage rounds an operation on two "
        f"floating-point numbers to the lower precision, and {low} has 53 bits where {high} has "
        f"{bits}. To keep {bits} bits, {way}.\n"
    )


def _exactly(fraction: str, written: str) -> str:
    return f"write it exactly, as {fraction} rather than {written}"


def _as_many(bits: int, exact: str, written: str) -> str:
    return f"give it as many, as RealField({bits})({exact}) rather than {written}"


@pytest.mark.parametrize(
    ("code", "shown", "note"),
    [
        ("N(pi, digits=50) + 0.5", "3.64159265358979",
         _note("0.5", "N(pi, digits=50)", 170, _exactly("1/2", "0.5"))),
        ("N(sqrt(2), prec=100)^2 - 2.0", "0.000000000000000",
         _note("2.0", "N(sqrt(2), prec=100)^2", 100, _exactly("2", "2.0"))),
        ("a * N(e)", "8.53973422267357", _note("N(e)", "a", 200, _as_many(200, "e", "N(e)"))),
        ("R(pi) - 1e-20", "3.14159265358979",
         _note("1e-20", "R(pi)", 200, _exactly("1/100000000000000000000", "1e-20"))),
        ("sqrt(2).n(prec=100) + sqrt(3).n()", "3.14626436994197",
         _note("sqrt(3).n()", "sqrt(2).n(prec=100)", 100,
               _as_many(100, "sqrt(3)", "sqrt(3).n()"))),
        ("ComplexField(100)(I) + 0.5", "0.500000000000000 + 1.00000000000000*I",
         _note("0.5", "ComplexField(100)(I)", 100, _exactly("1/2", "0.5"))),
    ],
    ids=["digits and a literal", "bits and a literal", "a name and N()", "a field's call",
         "n() of each", "complex"],
)  # fmt: skip
def test_a_high_precision_number_rounded_by_a_double_precision_one_gets_a_note(
    stub: sage_pb2_grpc.SageServiceStub, code: str, shown: str, note: str
) -> None:
    """The digits asked for are gone, and nothing fails."""
    session = create_session(stub)
    evaluate(stub, "R = RealField(200); a = R(pi)", session)
    events = evaluate(stub, code, session)
    assert one(events, "result").result.text_plain == shown
    assert stderr_of(events) == note


def test_the_notes_way_keeps_the_precision_and_operations_of_one_precision_get_no_note(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    session = create_session(stub)
    evaluate(stub, "R = RealField(200); a = R(pi)", session)
    # As the note says.
    assert value(stub, session, "N(pi, digits=50) + 1/2") == (
        "3.6415926535897932384626433832795028841971693993751"
    )
    assert value(stub, session, "a * RealField(200)(e)") == (
        "8.5397342226735670654635508695465744950348885357651149618796"
    )
    say_nothing(
        stub,
        session,
        "a + 1/3",
        "N(pi, digits=30) * 2",
        "a.n() + 0.5",  # both of 53 bits
        "0.1 + 0.2",
        "b = N(pi, digits=50) + 0.5",  # not shown
        "RealField(100)(1/3) + RealField(100)(0.5)",
        # A comprehension's a is its own, whatever the session's holds.
        "sum(a * 0.5 for a in [1, 2])",
    )
