"""A product of two permutations gets a note, once a session, that Sage applies the left one
first, with the composition textbooks mean; what it says holds."""

from __future__ import annotations

from sage_services.api.sage.v1 import sage_pb2_grpc

from tests.helpers import create_session, evaluate, one, say_nothing, stderr_of, value


def test_a_product_of_permutations_gets_a_note_once_that_the_left_one_acts_first(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """S((1,2)) * S((2,3)) is (1,3,2) in Sage; the textbook's (1 2)∘(2 3) is (1,2,3)."""
    session = create_session(stub)
    evaluate(stub, "S = SymmetricGroup(3); s = S((1,2)); t = S((2,3)); u = S((1,2))", session)
    # Permutations that commute give one answer both ways, and a number times one is no product
    # of two.
    say_nothing(stub, session, "s * u", "2 * x")
    events = evaluate(stub, "S((1,2)) * S((2,3))", session)
    assert one(events, "result").result.text_plain == "(1,3,2)"
    assert stderr_of(events) == (
        "Note: Sage multiplies permutations left to right, as GAP does: in s * t, s acts first, "
        "so (s*t)(i) is t(s(i)). The composition s∘t of most textbooks, t first, is t * s: "
        "S((2, 3)) * S((1, 2)) is (1,2,3), where S((1, 2)) * S((2, 3)) is (1,3,2).\n"
    )
    # Once in a session is enough; as the note says.
    say_nothing(stub, session, "p = Permutation([2, 1, 3]); q = Permutation([1, 3, 2]); p * q")
    assert value(stub, session, "[(s*t)(i) == t(s(i)) for i in (1, 2, 3)], t * s") == (
        "([True, True, True], (1,2,3))"
    )


def test_a_product_of_permutations_made_by_permutation_gets_the_note_too(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """Permutation([2, 1, 3]) * Permutation([1, 3, 2]) is [3, 1, 2], the left one first."""
    session = create_session(stub)
    events = evaluate(
        stub, "p = Permutation([2, 1, 3]); q = Permutation([1, 3, 2]); p * q", session
    )
    assert one(events, "result").result.text_plain == "[3, 1, 2]"
    assert stderr_of(events) == (
        "Note: Sage multiplies permutations left to right, as GAP does: in s * t, s acts first, "
        "so (s*t)(i) is t(s(i)). The composition s∘t of most textbooks, t first, is t * s: "
        "q * p is [2, 3, 1], where p * q is [3, 1, 2].\n"
    )
    assert value(stub, session, "(p * q)(1) == q(p(1)), q * p == p.left_action_product(q)") == (
        "(True, True)"
    )
