"""A test of a value's type against Python's int or float, which Sage's numbers fail, gets a
note once in a session."""

from __future__ import annotations

from sage_services.api.sage.v1 import sage_pb2_grpc

from tests.helpers import create_session, evaluate, last_line_of_error, say_nothing, stderr_of

_SAGES_NUMBERS = (
    "is one of Sage's numbers, as every number written in a cell is: the preparser makes "
    "integers Sage Integers and decimals RealNumbers, not Python's int and float. "
    "numbers.Integral and numbers.Real hold both: "
)


def test_a_function_that_checks_for_int_gets_a_note_when_defined(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """Every number the session gives it fails the check: the function refuses them all."""
    session = create_session(stub)
    say_nothing(
        stub,
        session,
        # Python's ints, as range() gives, pass; a test that names Sage's type knows it.
        "[isinstance(i, int) for i in range(3)]",
        "for i in range(3): print(isinstance(i, int))",
        "isinstance(3, (int, Integer)), isinstance(3, Integer)",
        # A symbolic variable is no number, of Sage's or Python's.
        "isinstance(x, float)",
    )
    definition = (
        "def collatz(n):\n"
        "    if not isinstance(n, int):\n"
        "        raise TypeError('n must be an integer')\n"
        "    return n // 2 if n % 2 == 0 else 3*n + 1"
    )
    assert stderr_of(evaluate(stub, definition, session)) == (
        f"Note: isinstance(n, int) is False where n {_SAGES_NUMBERS}isinstance(n, "
        "numbers.Integral) after `import numbers`; or n in ZZ, for a value that is an integer.\n"
    )
    assert last_line_of_error(stub, session, "collatz(27)", "TypeError") == (
        "TypeError: n must be an integer"
    )
    # As the note says; once in a session.
    say_nothing(stub, session, "import numbers; isinstance(27, numbers.Integral), 27 in ZZ")
    say_nothing(stub, session, "type(2.5) == float")


def test_a_sage_number_tested_against_float_gets_the_note(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    session = create_session(stub)
    events = evaluate(stub, "x0 = 2.5\ntype(x0) == float", session)
    assert stderr_of(events).startswith(
        f"Note: type(x0) == float is False where x0 {_SAGES_NUMBERS}"
    )
