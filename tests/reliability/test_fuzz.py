"""Fuzzing with hypothesis: random field values in every request message, and random bytes
on the wire. 0 crashes: the sidecar stays up and SERVING, and every call ends OK (an
evaluation ends with `finished`) or with a status the contract documents, never UNKNOWN or
INTERNAL.

CI sends a few hundred requests; the slow run sends 10,000 of each kind.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import grpc
import pytest
from google.protobuf.message import Message
from hypothesis import given, settings
from hypothesis import strategies as st
from sage_services.api.sage.v1 import sage_pb2 as pb
from sage_services.api.sage.v1 import sage_pb2_grpc

from tests.helpers import SidecarProcess, create_session, stop_and_check
from tests.reliability.support import DOCUMENTED_CODES, start_with_state, still_serving
from tests.reliability.test_attacks import REQUESTS, parses

MAX_CODE = 16 * 1024
CI_EXAMPLES = 300
FULL_EXAMPLES = 10_000
# Between health checks during a run.
CHECK_EVERY = 250


@dataclass
class Target:
    sidecar: SidecarProcess
    stub: sage_pb2_grpc.SageServiceStub
    channel: grpc.Channel
    session: str
    statuses: Counter[str]
    calls: int = 0

    def check_health_now_and_then(self) -> None:
        self.calls += 1
        if self.calls % CHECK_EVERY == 0:
            assert still_serving(self.sidecar), f"the sidecar stopped serving after {self.calls}"


@pytest.fixture(scope="module")
def target() -> Iterator[Target]:
    sidecar, _ = start_with_state(
        "--max-code-bytes", str(MAX_CODE), "--max-sessions", "16",
        "--max-queued-evaluations", "4", "--max-timeout-seconds", "30", "--warm-workers", "1",
    )  # fmt: skip
    with sidecar.channel() as channel:
        stub = sage_pb2_grpc.SageServiceStub(channel)
        yield Target(sidecar, stub, channel, create_session(stub), Counter())
    stop_and_check(sidecar)


# Strings as odd as protobuf allows: any code point but surrogates, NULs, huge ones.
odd_text = st.one_of(
    st.text(max_size=80),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=60, max_size=300),
    st.sampled_from(["", " ", "\x00", "../../etc/passwd", "a" * 64, "a" * 65, "\u202e", "🦀"]),
    st.integers(0, 3 * MAX_CODE).map(lambda n: "y" * n),
)
session_ids = st.one_of(odd_text, st.from_regex(r"[A-Za-z0-9_-]{1,64}", fullmatch=True))
durations = st.one_of(
    st.none(),
    st.tuples(st.integers(-(2**63), 2**63 - 1), st.integers(-(2**31), 2**31 - 1)),
    st.tuples(st.integers(0, 40), st.integers(0, 999_999_999)),
)
codes = st.one_of(
    odd_text,
    st.sampled_from(["1+1", "x", "2^10", "factor(2^32+1)", "print('é' * 10)", "1/0", "import"]),
)


@st.composite
def calls(draw: st.DrawFn, session: str) -> tuple[str, Message]:
    """One request of a random kind; the fuzz session's id now and then, never to delete."""
    known = st.one_of(st.just(session), session_ids)
    kind = draw(st.sampled_from(sorted(REQUESTS)))
    if kind == "CreateSession":
        return kind, pb.CreateSessionRequest()
    if kind == "ListSessions":
        return kind, pb.ListSessionsRequest()
    if kind == "GetSession":
        return kind, pb.GetSessionRequest(session_id=draw(known))
    if kind == "DeleteSession":
        return kind, pb.DeleteSessionRequest(
            session_id=draw(session_ids.filter(lambda s: s != session))
        )
    if kind == "Interrupt":
        return kind, pb.InterruptRequest(session_id=draw(known), request_id=draw(odd_text))
    if kind == "CloneSession":
        return kind, pb.CloneSessionRequest(session_id=draw(known))
    request = pb.EvaluateRequest(
        session_id=draw(st.one_of(st.just(""), known)),
        code=draw(codes),
        request_id=draw(st.one_of(st.just(""), odd_text)),
    )
    timeout = draw(durations)
    if timeout is not None:
        request.timeout.seconds, request.timeout.nanos = timeout
    return "Evaluate", request


def _send(target: Target, kind: str, request: Message) -> str:
    """Send one request; the status it ended with. Fails on an undocumented status."""
    stub = target.stub
    rpc: Callable[..., object] = getattr(stub, kind)
    try:
        response = rpc(request, timeout=15)
        if kind == "Evaluate":
            events = list(response)  # type: ignore[call-overload]
            assert events, "an evaluation ended without events"
            assert events[-1].HasField("finished"), "an evaluation ended without `finished`"
        elif kind in ("CreateSession", "CloneSession"):
            made = response.session.session_id  # type: ignore[attr-defined]
            stub.DeleteSession(pb.DeleteSessionRequest(session_id=made), timeout=15)
        code, details = grpc.StatusCode.OK, ""
    except grpc.RpcError as error:
        code, details = error.code(), str(error.details())
    status = str(code.name)
    assert code in DOCUMENTED_CODES | {grpc.StatusCode.OK}, f"{kind} got {status}: {details}"
    target.statuses[f"{kind} {status}"] += 1
    target.check_health_now_and_then()
    return status


def _fuzz_fields(target: Target, examples: int, figures: dict[str, object]) -> None:
    target.statuses.clear()

    @settings(max_examples=examples)
    @given(st.data())
    def one_request(data: st.DataObject) -> None:
        kind, request = data.draw(calls(target.session))
        _send(target, kind, request)

    try:
        one_request()
    finally:
        figures["requests"] = sum(target.statuses.values())
        figures["by outcome"] = dict(sorted(target.statuses.items()))
    assert still_serving(target.sidecar)
    figures["crashes"] = 0


@pytest.mark.timeout(300)
def test_fuzzed_requests_reduced(target: Target, figures: dict[str, object]) -> None:
    """A few hundred requests with random field values: 0 crashes."""
    _fuzz_fields(target, CI_EXAMPLES, figures)


@pytest.mark.slow
@pytest.mark.timeout(2400)
def test_fuzzed_requests_10000(target: Target, figures: dict[str, object]) -> None:
    """10,000 requests with random field values: 0 crashes."""
    _fuzz_fields(target, FULL_EXAMPLES, figures)


def _fuzz_bytes(target: Target, examples: int, figures: dict[str, object]) -> None:
    """Send every example, then judge: one wrong status must not hide how the rest went."""
    statuses: Counter[str] = Counter()
    wrong: list[str] = []
    methods = {
        kind: (target.channel.unary_stream if kind == "Evaluate" else target.channel.unary_unary)(
            f"/sage.v1.SageService/{kind}", request_serializer=None, response_deserializer=None
        )
        for kind in REQUESTS
    }

    @settings(max_examples=examples)
    @given(st.sampled_from(sorted(REQUESTS)), st.binary(max_size=300))
    def one_message(kind: str, data: bytes) -> None:
        well_formed = parses(REQUESTS[kind], data)
        if well_formed and kind in ("CreateSession", "CloneSession"):
            return  # would make sessions; the field fuzzing covers these
        try:
            result = methods[kind](data, timeout=15)
            if kind == "Evaluate":
                list(result)
            code = grpc.StatusCode.OK
        except grpc.RpcError as error:
            code = error.code()
        statuses[f"{'parses' if well_formed else 'malformed'} {code.name}"] += 1
        allowed = DOCUMENTED_CODES if well_formed else {
            grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.INTERNAL
        }  # fmt: skip
        if code not in allowed | {grpc.StatusCode.OK}:
            wrong.append(f"{kind} {data[:40]!r}: {code.name}")
        target.check_health_now_and_then()

    try:
        one_message()
    finally:
        figures["messages"] = sum(statuses.values())
        figures["by outcome"] = dict(sorted(statuses.items()))
        figures["undocumented statuses"] = len(wrong)
    serving = still_serving(target.sidecar)
    figures["crashes"] = 0 if serving else 1
    assert serving
    assert not wrong, f"{len(wrong)} messages got an undocumented status, e.g. {wrong[:3]}"


@pytest.mark.timeout(300)
def test_random_bytes_reduced(target: Target, figures: dict[str, object]) -> None:
    """A few hundred random byte strings as request messages: malformed ones get
    INVALID_ARGUMENT or INTERNAL, the rest documented statuses; the sidecar keeps serving."""
    _fuzz_bytes(target, CI_EXAMPLES, figures)


@pytest.mark.slow
@pytest.mark.timeout(2400)
def test_random_bytes_10000(target: Target, figures: dict[str, object]) -> None:
    """10,000 random byte strings as request messages: as in the reduced run."""
    _fuzz_bytes(target, FULL_EXAMPLES, figures)
