"""Where Sage's //, % and divmod of a number are not Python's, a note says so with Python's
value and how to get it; where Sage has none, the hint says what computes Python's. What they
write works."""

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


def test_a_rationals_floor_division_which_divides_exactly_gets_a_note_with_pythons_floor(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """10/2 is the rational 5, whose // by 3 is 5/3 in Sage and 1 in Python."""
    session = create_session(stub)
    # Integers, a rational whose quotient is whole, and a whole rational's %: as in Python.
    say_nothing(stub, session, "-7 // 2, -7 % 2", "a = 2/3; b = 1/3; a // b", "(10/2) % 3")
    events = evaluate(stub, "n = 10/2; n // 3", session)
    assert one(events, "result").result.text_plain == "5/3"
    assert stderr_of(events) == (
        "Note: n // 3 is 5/3 here, where Python's // gives 1: Sage's // of a rational divides "
        "exactly, as / does, and n is the rational 5 (/ makes one of two integers, even where "
        "they divide). Python's: floor(n / 3).\n"
    )
    # Said each time: it is this value that is not Python's.
    events = evaluate(stub, "divmod(n, 3)", session)
    assert stderr_of(events) == (
        "Note: divmod(n, 3) is (5/3, 0) here, where Python's divmod gives (1, 2): Sage's divmod "
        "of a rational divides exactly, as /, and leaves a remainder of 0 (/ makes one of two "
        "integers, even where they divide). Python's: (floor(n / 3), n - 3*floor(n / 3)).\n"
    )
    assert value(stub, session, "floor(n / 3), (floor(n / 3), n - 3*floor(n / 3))") == (
        "(1, (1, 2))"
    )


def test_a_rationals_remainder_which_is_modular_arithmetic_gets_a_note_with_pythons(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """(7/3) % 2 is 7 times the inverse of 3 mod 2 in Sage, 1; Python's Fraction gives 1/3."""
    session = create_session(stub)
    events = evaluate(stub, "(7/3) % 2", session)
    assert one(events, "result").result.text_plain == "1"
    assert stderr_of(events) == (
        "Note: (7 / 3) % 2 is 1 here, where Python's % gives 1/3: Sage's % of a rational by an "
        "integer is arithmetic modulo it: 7/3 mod 2 is 7 times the inverse of 3 mod 2. Python's: "
        "(7 / 3) - 2*floor((7 / 3) / 2).\n"
    )
    assert value(stub, session, "(7 / 3) - 2*floor((7 / 3) / 2)") == "1/3"


def test_a_floating_point_remainder_from_the_nearest_quotient_gets_a_note_with_pythons(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """Sage's 7.5 % 2 is -0.5, 7.5 - 2*4; Python's is 1.5, 7.5 - 2*3."""
    session = create_session(stub)
    # Where the nearest quotient is the floor, the remainders agree; a string's % is not one.
    say_nothing(stub, session, "5.0 % 2", "0.7 % 0.5", "'%d items' % 3")
    events = evaluate(stub, "t = 7.5; t % 2", session)
    assert one(events, "result").result.text_plain == "-0.500000000000000"
    assert stderr_of(events) == (
        "Note: t % 2 is -0.500000000000000 here, where Python's % gives 1.50000000000000: "
        "Sage's % of a floating-point number is the remainder from the nearest whole quotient, "
        "which may be negative; Python's is the remainder from the quotient's floor, of the "
        "divisor's sign. Python's: t - 2*floor(t / 2).\n"
    )
    assert value(stub, session, "t - 2*floor(t / 2)") == "1.50000000000000"
    events = evaluate(stub, "divmod(7.5, 2)", session)
    assert stderr_of(events).startswith(
        "Note: divmod(7.5, 2) is (3.75000000000000, 0.000000000000000) here, where Python's "
        "divmod gives (3, 1.50000000000000): Sage's divmod of a floating-point number divides "
        "exactly, as /, and leaves a remainder of 0."
    )


def test_floor_division_and_remainder_sage_refuses_get_what_computes_pythons(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """Sage's floating-point numbers have no //, expressions no // nor %; the message names
    only the parents."""
    session = create_session(stub)
    assert last_line_of_error(stub, session, "7.5 // 2", "TypeError") == (
        "Sage's floating-point numbers have no //. As Python's // and % of numbers: "
        "floor(7.5 / 2) is the floor of the quotient, and 7.5 - 2*floor(7.5 / 2) the remainder "
        "from it."
    )
    assert value(stub, session, "floor(7.5 / 2)") == "3"
    evaluate(stub, "angle = 10.0", session)
    assert last_line_of_error(stub, session, "angle % (2*pi)", "TypeError") == (
        "Symbolic expressions (pi, sqrt(2) and x among them) have no %. As Python's // and % of "
        "numbers: floor(angle / (2*pi)) is the floor of the quotient, and "
        "angle - (2*pi)*floor(angle / (2*pi)) the remainder from it."
    )
    assert value(stub, session, "(angle - (2*pi)*floor(angle / (2*pi))).n(20)") == "3.7168"
    # Sage's ^ is a power, and binds before //, where Python's would take 2 // 3.
    assert last_line_of_error(stub, session, "x^2 // 3", "TypeError") == (
        "Symbolic expressions (pi, sqrt(2) and x among them) have no //. As Python's // and % of "
        "numbers: floor((x^2) / 3) is the floor of the quotient, and (x^2) - 3*floor((x^2) / 3) "
        "the remainder from it."
    )


def test_a_rationals_remainder_with_no_inverse_modulo_gets_pythons_remainder(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """(7/2) % 2 asks for the inverse of 2 mod 2: "inverse of Mod(0, 2) does not exist"."""
    session = create_session(stub)
    assert last_line_of_error(stub, session, "(7/2) % 2", "ZeroDivisionError") == (
        "% of a rational in Sage is arithmetic modulo the divisor: a/b mod m is a times the "
        "inverse of b mod m, which does not exist where b and m share a factor. The remainder "
        "from the quotient's floor, as Python's % gives it: (7/2) - 2*floor((7/2) / 2)."
    )
    assert value(stub, session, "(7/2) - 2*floor((7/2) / 2)") == "3/2"
    # Mod's own inverse that does not exist is not a rational's remainder.
    assert last_line_of_error(stub, session, "Mod(2, 6)^-1", "ZeroDivisionError") == (
        "ZeroDivisionError: inverse of Mod(2, 6) does not exist"
    )


def test_a_fraction_floor_division_made_as_an_index_gets_the_hint_that_sages_divides_exactly(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """L[n // 3] with n = 10/2: the index is 5/3, which the hint to use // would not mend."""
    session = create_session(stub)
    evaluate(stub, "n = 10/2; L = [1, 2, 3, 4]", session)
    assert last_line_of_error(stub, session, "L[n // 3]", "TypeError") == (
        "5/3 is a fraction, not an integer: Sage's // of a rational (as / makes one of two "
        "integers, even where they divide) divides exactly, as / does. floor(a / b) is the "
        "integer Python's // gives."
    )
    assert value(stub, session, "L[floor(n / 3)]") == "2"


def test_arithmetic_with_mod_gets_a_note_once_that_it_is_a_residue_not_the_remainder(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """mod(10, 3) + 5 is 0 in Sage, where MATLAB's and Mathematica's mod give 1, plus 5."""
    session = create_session(stub)
    # Where the integers give the same, Mod, as Sage writes residues, and a power whose
    # integer value is too large to compute for a note: nothing to tell.
    say_nothing(
        stub, session, "mod(10, 3) * 2", "Mod(10, 3) + 5", "[mod(k, 3) for k in (4, 5)]",
        "mod(3, 7)^(10^9)",
    )  # fmt: skip
    events = evaluate(stub, "mod(10, 3) + 5", session)
    assert one(events, "result").result.text_plain == "0"
    assert stderr_of(events) == (
        "Note: mod(10, 3) is 1 modulo 3, a residue, not the integer 1: arithmetic with it stays "
        "modulo 3, and mod(10, 3) + 5 is 0, where the integers give 6. The remainder as an "
        "integer, as MATLAB's and Mathematica's mod give it: 10 % 3, or mod(10, 3).lift().\n"
    )
    # Once in a session is enough; as the note says.
    say_nothing(stub, session, "mod(2, 7)^10")
    assert value(stub, session, "10 % 3 + 5, mod(10, 3).lift() + 5") == "(6, 6)"
