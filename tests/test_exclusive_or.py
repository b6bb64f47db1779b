"""Code that reads as Python's exclusive or, whose ^ the preparser made a power, gets a note
once a session with ^^; a power of mathematics gets none."""

from __future__ import annotations

import pytest
from sage_services.api.sage.v1 import sage_pb2_grpc

from tests.helpers import create_session, evaluate, one, say_nothing, stderr_of, value

_NOTE = (
    "Note: the preparser reads ^ as a power, as mathematics writes it, and {written} is one"
    "{context}. Python's exclusive or, which this code reads as, is ^^ in Sage: {exclusive}.\n"
)


@pytest.mark.parametrize(
    ("code", "shown", "written", "context", "exclusive", "meant", "python"),
    [
        # FNV-1a's step: the power is as large as it is wrong.
        (
            "h = 2166136261\nfor c in b'ab':\n    h = (h ^ c) * 16777619 & 0xffffffff\nh",
            "319176147",
            "h ^ c",
            ", on a line with bitwise operators",
            "h ^^ c",
            "h = 2166136261\nfor c in b'ab':\n    h = (h ^^ c) * 16777619 & 0xffffffff\nh",
            "1294271946",
        ),
        # A nim-sum, two ways.
        ("s = 0\nfor p in [3, 4, 5]:\n    s ^= p\ns", "0", "s ^= p", "", "s ^^= p",
         "s = 0\nfor p in [3, 4, 5]:\n    s ^^= p\ns", "2"),
        ("from functools import reduce\nreduce(lambda a, b: a ^ b, [3, 4, 5])", "3486784401",
         "lambda a, b: a ^ b", "", "lambda a, b: a ^^ b",
         "reduce(lambda a, b: a ^^ b, [3, 4, 5])", "2"),
    ],
    ids=["hash", "augmented", "reduced"],
)  # fmt: skip
def test_code_that_reads_as_exclusive_or_gets_a_note_once_with_the_exclusive_or(
    stub: sage_pb2_grpc.SageServiceStub,
    code: str,
    shown: str,
    written: str,
    context: str,
    exclusive: str,
    meant: str,
    python: str,
) -> None:
    """`python`: what Python gives for the code, with its ^ an exclusive or."""
    session = create_session(stub)
    # Powers of mathematics, a mask among them, and a power in a lambda of one argument.
    say_nothing(stub, session, "k = 5; 2^k & (2^32 - 1), (1 << k) | 1", "f = lambda t: t^2; f(3)")
    events = evaluate(stub, code, session)
    assert one(events, "result").result.text_plain == shown
    assert stderr_of(events) == _NOTE.format(written=written, context=context, exclusive=exclusive)
    # Once a session; and as the note says, ^^ is Python's exclusive or.
    say_nothing(stub, session, code)
    assert value(stub, session, meant) == python
