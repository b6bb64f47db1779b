"""One of Sage's methods tested uncalled in a condition, as SymPy's properties are, which is
always true, gets a note with its call."""

from __future__ import annotations

import pytest
from sage_services.api.sage.v1 import sage_pb2_grpc

from tests.helpers import create_session, evaluate, one, say_nothing, stderr_of, value


def _note(written: str, where: str, receiver: str) -> str:
    return (
        f"Note: {written} is a method in Sage, where SymPy has a property, and a method is true "
        f"as a condition: {where} whatever {receiver} is. Its value is {written}().\n"
    )


@pytest.mark.parametrize(
    ("code", "shown", "note"),
    [
        ("'zero' if e.is_zero else 'not zero'", "'zero'",
         _note("e.is_zero", "the test holds", "e")),
        ("[n for n in srange(10) if n.is_square]", "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]",
         _note("n.is_square", "the comprehension keeps every item", "n")),
        ("[p for p in L if p.is_prime and p > 2]", "[4, 6, 9]",
         _note("p.is_prime", "the comprehension keeps every item", "p")),
        ("found = []\nif not m.is_integer:\n    found.append(m)\nfound", "[]",
         _note("m.is_integer", "the test holds", "m")),
    ],
    ids=["conditional expression", "comprehension over srange", "comprehension over a list",
         "not in an if"],
)  # fmt: skip
def test_a_sage_method_tested_uncalled_in_a_condition_gets_a_note_with_its_call(
    stub: sage_pb2_grpc.SageServiceStub, code: str, shown: str, note: str
) -> None:
    """SymPy's e.is_zero is True or False; Sage's is a method, true as a condition."""
    session = create_session(stub)
    evaluate(stub, "e = x + 1; L = [4, 6, 9]; m = 1/2", session)
    events = evaluate(stub, code, session)
    assert one(events, "result").result.text_plain == shown
    assert stderr_of(events) == note


def test_a_method_called_or_a_property_of_other_objects_gets_no_such_note(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    session = create_session(stub)
    evaluate(stub, "e = x + 1; L = [4, 6, 9]", session)
    # As the note says.
    assert value(stub, session, "[n for n in srange(10) if n.is_square()]") == "[0, 1, 4, 9]"
    say_nothing(
        stub,
        session,
        "'zero' if e.is_zero() else 'not zero'",
        "class C:\n    is_ready = True\nc = C()\n'ready' if c.is_ready else 'not'",
        # A function's own variable, whatever the session's n holds, is not read.
        "n = 4\ndef f(n):\n    return 1 if n.is_square else 0\nf(0)",
    )
