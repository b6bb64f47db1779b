"""sqrt() of a number with no square root modulo n, which makes one in a larger ring rather
than fail, gets a note once in a session."""

from __future__ import annotations

from sage_services.api.sage.v1 import sage_pb2_grpc

from tests.helpers import create_session, evaluate, one, say_nothing, stderr_of, value


def test_a_square_root_modulo_n_that_does_not_exist_gets_a_note_once_that_sqrt_adjoined_one(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """`sqrt3` reads as the root left unevaluated, or as one modulo 7."""
    session = create_session(stub)
    # Roots that exist, and a number field's own sqrt3: nothing to say.
    say_nothing(stub, session, "Mod(2, 7).sqrt()", "K.<sqrt3> = QuadraticField(3); sqrt3 + 1")
    events = evaluate(stub, "Mod(3, 7).sqrt()", session)
    assert one(events, "result").result.text_plain == "sqrt3"
    assert stderr_of(events) == (
        "Note: 3 has no square root modulo 7: sqrt() made one, sqrt3, in a larger ring (Finite "
        "Field in sqrt3 of size 7^2). Mod(3, 7).is_square() says whether there is one, "
        "Mod(3, 7).sqrt(all=True) lists those there are, and sqrt(extend=False) raises where "
        "there are none.\n"
    )
    # As the note says; once in a session.
    assert value(stub, session, "Mod(3, 7).is_square(), Mod(3, 7).sqrt(all=True)") == "(False, [])"
    say_nothing(stub, session, "2 * sqrt(Mod(5, 7)) + 1")
    # A ring modulo a composite number gets it too, in a session of its own.
    events = evaluate(stub, "Mod(2, 15).sqrt()", create_session(stub))
    assert stderr_of(events).startswith(
        "Note: 2 has no square root modulo 15: sqrt() made one, sqrt2, in a larger ring "
        "(Univariate Quotient Polynomial Ring in sqrt2 over Ring of integers modulo 15 with "
        "modulus x^2 + 13)."
    )
