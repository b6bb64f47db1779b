"""A number's norm(), which is not its absolute value, gets a note once in a session; norm() of
a real number, which has none, gets a hint with the absolute value."""

from __future__ import annotations

import pytest
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


def test_the_norm_of_a_complex_number_gets_a_note_once_that_it_is_the_squared_modulus(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """13 reads as the distance from 1 + I to 3 + 4*I, which is sqrt(13)."""
    session = create_session(stub)
    say_nothing(
        stub,
        session,
        # Of absolute value 1, or positive and rational: either reading gives one answer.
        "norm(exp(I*pi/3))",
        "norm(3/2)",
        # A vector's norm is its length; a number field's element has its field's norm.
        "norm(vector([3, 4]))",
        "K.<a> = QuadraticField(-1); norm(3 + 4*a)",
    )
    events = evaluate(stub, "z = 3 + 4*I; w = 1 + I; norm(z - w)", session)
    assert one(events, "result").result.text_plain == "13"
    assert stderr_of(events) == (
        "Note: Sage's norm() of a complex number is the number times its conjugate, the square "
        "of its absolute value: norm(z - w) is 13. Its absolute value, the length NumPy's norm "
        "gives, is abs(z - w), sqrt(13).\n"
    )
    # As the note says; once in a session.
    assert value(stub, session, "abs(z - w)^2") == "13"
    say_nothing(stub, session, "CC(3, 4).norm()")


@pytest.mark.parametrize(
    ("cell", "shown", "note"),
    [
        (
            "CDF(3, 4).norm()",
            "25.0",
            "CDF(3, 4).norm() is 25.0. Its absolute value, the length NumPy's norm gives, is "
            "abs(CDF(3, 4)), 5.0.",
        ),
        (
            "norm(3 + 4j)",
            "25.0000000000000",
            "norm(3 + 4j) is 25.0000000000000. Its absolute value, the length NumPy's norm "
            "gives, is abs(3 + 4j), 5.00000000000000.",
        ),
    ],
)
def test_complex_numbers_of_sages_fields_and_imaginary_literals_get_the_note(
    stub: sage_pb2_grpc.SageServiceStub, cell: str, shown: str, note: str
) -> None:
    session = create_session(stub)
    events = evaluate(stub, cell, session)
    assert one(events, "result").result.text_plain == shown
    assert stderr_of(events).endswith(f"the square of its absolute value: {note}\n")


def test_the_norm_of_a_negative_rational_gets_a_note_that_it_is_the_number_itself(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    session = create_session(stub)
    events = evaluate(stub, "norm(1/2 - 2)", session)
    assert one(events, "result").result.text_plain == "-3/2"
    assert stderr_of(events) == (
        "Note: Sage's norm() of a rational number is its norm over the rationals, the number "
        "itself: norm(1 / 2 - 2) is -3/2. Its absolute value is abs(1 / 2 - 2), 3/2.\n"
    )


@pytest.mark.parametrize(
    ("cell", "number"),
    [("norm(-3)", "-3"), ("x0 = 2.5; x0.norm()", "x0"), ("norm(RDF(-2))", "RDF(-2)")],
)
def test_the_norm_of_a_real_number_gets_a_hint_with_its_absolute_value(
    stub: sage_pb2_grpc.SageServiceStub, cell: str, number: str
) -> None:
    session = create_session(stub)
    assert last_line_of_error(stub, session, cell, "AttributeError") == (
        "A real number has no norm() in Sage: its absolute value, which NumPy's norm gives for "
        f"a number, is abs({number}). (Sage's norm() of a complex number is the square of that.)"
    )


def test_the_norm_of_pythons_complex_number_gets_a_hint_with_its_absolute_value(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    session = create_session(stub)
    hint = last_line_of_error(stub, session, "z = complex(1, 2); z.norm()", "AttributeError")
    assert hint == (
        "Python's complex numbers have no norm(): the absolute value, which NumPy's norm gives "
        "for a number, is abs(z). (Sage's norm() of its own complex numbers, as CC(z).norm(), is "
        "the square of that.)"
    )
    assert value(stub, session, "abs(z)^2, CC(z).norm()") == "(5.000000000000001, 5.00000000000000)"
