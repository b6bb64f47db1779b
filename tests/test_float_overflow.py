"""A double-precision number made of an exact one out of its range, inf or 0.0 where Python
would raise, gets a note with the number Sage's real numbers keep."""

from __future__ import annotations

import pytest
from sage_services.api.sage.v1 import sage_pb2_grpc

from tests.helpers import create_session, evaluate, one, say_nothing, stderr_of


@pytest.mark.parametrize(
    ("code", "shown", "note"),
    [
        ("float(10^400)", "inf", "float(10^400) is inf: 10^400 is past the largest "
         "double-precision number, about 1.8e308. Sage's real numbers reach far further: "
         "RR(10^400) is 1.00000000000000e400."),
        ("log(float(factorial(200)))", "inf", "float(factorial(200)) is inf: factorial(200) is "
         "past the largest double-precision number, about 1.8e308. Sage's real numbers reach "
         "far further: RR(factorial(200)) is 7.88657867364791e374."),
        ("RDF(exp(1000))", "+infinity", "RDF(exp(1000)) is +infinity: exp(1000) is past the "
         "largest double-precision number, about 1.8e308. Sage's real numbers reach far "
         "further: RR(exp(1000)) is 1.97007111401705e434."),
        ("float(1/10^400)", "0.0", "float(1 / 10^400) is 0.0: 1 / 10^400 is below the smallest "
         "nonzero double-precision number, about 4.9e-324. Sage's real numbers reach far "
         "further: RR(1 / 10^400) is 1.00000000000000e-400."),
    ],
    ids=["too large", "inside another call", "RDF", "too small"],
)  # fmt: skip
def test_an_exact_number_out_of_a_doubles_range_made_a_double_gets_a_note(
    stub: sage_pb2_grpc.SageServiceStub, code: str, shown: str, note: str
) -> None:
    """Python's float(10**400) raises OverflowError; Sage's gives inf, and the cell goes on."""
    session = create_session(stub)
    events = evaluate(stub, code, session)
    assert one(events, "result").result.text_plain == shown
    assert stderr_of(events) == f"Note: {note}\n"


def test_numbers_a_double_holds_and_infinities_asked_for_get_no_such_note(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    session = create_session(stub)
    say_nothing(
        stub,
        session,
        "float(10^300), float(1/3), float(2^-1000)",
        "float('inf'), float(oo), RDF(infinity)",
        "float(0), RDF(1e400)",
        "a = float('nan'); b = float(NaN); float('1e400')",
    )
