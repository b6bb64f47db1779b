"""The MCP server's gRPC client against a sidecar that fails on purpose (fast, no Sage)."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator

import grpc
import pytest
from sage_mcp.breaker import BreakerState, CircuitBreaker
from sage_mcp.client import (
    EvaluationLost,
    EvaluationPastDeadline,
    SageClient,
    SidecarError,
    SidecarUnavailable,
)
from sage_mcp.evaluation import Outcome
from sage_mcp.explain import explain

from tests.helpers import free_port
from tests.mcp.fake_sidecar import FakeSidecar


@contextlib.asynccontextmanager
async def client_of(
    address: str, connect_timeout: float = 1.0, deadline_margin: float = 5.0
) -> AsyncIterator[SageClient]:
    breaker = CircuitBreaker(failure_threshold=2, cooldown=0.5)
    client = SageClient(
        address,
        connect_timeout=connect_timeout,
        deadline_margin=deadline_margin,
        breaker=breaker,
    )
    try:
        yield client
    finally:
        await client.close()


async def run(client: SageClient, session_id: str = "", timeout: float = 10.0) -> Outcome:
    outcome = Outcome()
    events = client.evaluate("1+1", session_id=session_id, timeout=timeout)
    async with contextlib.aclosing(events):
        async for event in events:
            outcome.add(event)
    return outcome


async def run_with_id(
    client: SageClient, session_id: str, *, request_id: str, timeout: float
) -> Outcome:
    outcome = Outcome()
    events = client.evaluate("1+1", session_id=session_id, timeout=timeout, request_id=request_id)
    async with contextlib.aclosing(events):
        async for event in events:
            outcome.add(event)
    return outcome


def state_of(client: SageClient) -> BreakerState:
    return client.breaker.state


async def test_unavailable_is_retried_by_the_channel_with_the_same_request_id(
    fake: FakeSidecar,
) -> None:
    fake.script.refuse_evaluations = 2
    async with client_of(fake.address) as client:
        outcome = await run(client, "s1")
    assert outcome.status == "ok"
    assert outcome.result_text == "2"
    ids = [r.request_id for r in fake.seen.evaluations]
    assert len(ids) == 3
    assert ids[0]
    assert len(set(ids)) == 1


async def test_each_evaluation_sends_a_fresh_request_id(fake: FakeSidecar) -> None:
    async with client_of(fake.address) as client:
        await run(client, "s1")
        await run(client, "s1")
    first, second = (r.request_id for r in fake.seen.evaluations)
    assert first
    assert second
    assert first != second


async def test_stream_broken_midway_is_resumed_with_the_same_request_id(
    fake: FakeSidecar,
) -> None:
    fake.script.break_after_started = 1
    async with client_of(fake.address) as client:
        outcome = await run(client, "s1")
    assert outcome.status == "ok"
    # The resumed stream replaced what the broken one had said.
    assert outcome.stdout == "hello\n"
    assert outcome.execution_count == 2
    first, second = fake.seen.evaluations
    assert first.request_id == second.request_id
    assert first.code == second.code


async def test_one_off_evaluation_broken_after_start_is_not_sent_again(
    fake: FakeSidecar,
) -> None:
    fake.script.break_after_started = 1
    async with client_of(fake.address) as client:
        with pytest.raises(EvaluationLost) as raised:
            await run(client, "")
    assert len(fake.seen.evaluations) == 1
    message = explain(raised.value)
    assert "not sent again" in message
    assert "cannot run twice" in message


async def interrupts_seen(fake: FakeSidecar) -> list[tuple[str, str]]:
    """The (session_id, request_id) of the interrupts the fake got, once one has arrived."""
    for _ in range(100):
        if fake.seen.interrupts:
            break
        await asyncio.sleep(0.02)
    return [(i.session_id, i.request_id) for i in fake.seen.interrupts]


async def test_cancelling_a_queued_evaluation_withdraws_it_by_request_id(
    fake: FakeSidecar,
) -> None:
    """Cancelled before `started` (waiting behind another cell), the evaluation must still be
    named to the sidecar, which would otherwise run it once its turn comes."""
    fake.script.queued_seconds = 30.0
    async with client_of(fake.address) as client:
        consumer = asyncio.create_task(
            run_with_id(client, "s1", request_id="queued-1", timeout=60.0)
        )
        for _ in range(250):
            if fake.seen.evaluations:
                break
            await asyncio.sleep(0.02)
        consumer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await consumer
        assert await interrupts_seen(fake) == [("s1", "queued-1")]


async def test_leaving_an_evaluation_early_interrupts_it_by_request_id(fake: FakeSidecar) -> None:
    fake.script.evaluate_seconds = 30.0
    async with client_of(fake.address) as client:
        started = asyncio.Event()

        async def consume() -> None:
            events = client.evaluate("1+1", session_id="s1", timeout=60.0, request_id="r-1")
            async with contextlib.aclosing(events):
                async for _ in events:
                    started.set()

        consumer = asyncio.create_task(consume())
        await asyncio.wait_for(started.wait(), 5.0)
        consumer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await consumer
        for _ in range(50):
            if fake.seen.interrupts:
                break
            await asyncio.sleep(0.02)
    assert [(i.session_id, i.request_id) for i in fake.seen.interrupts] == [("s1", "r-1")]


async def test_an_evaluation_is_answered_at_finished_without_waiting_for_the_streams_end(
    fake: FakeSidecar,
) -> None:
    """`finished` is an evaluation's last event: the answer is whole, and the status that
    ends the stream after it is read in the background."""
    fake.script.end_stream = asyncio.Event()
    async with client_of(fake.address) as client:
        outcome = await asyncio.wait_for(run(client, "s1"), 30.0)
        still_open = not fake.script.end_stream.is_set()
        fake.script.end_stream.set()
    assert still_open
    assert outcome.status == "ok"
    assert outcome.result_text == "2"
    assert client.breaker.state is BreakerState.CLOSED


async def test_evaluate_deadline_is_the_timeout_plus_the_margin(fake: FakeSidecar) -> None:
    async with client_of(fake.address, deadline_margin=5.0) as client:
        await run(client, "s1", timeout=20.0)
    request = fake.seen.evaluations[0]
    assert request.timeout.ToTimedelta().total_seconds() == 20.0
    assert 23.0 < fake.seen.time_remaining[0] < 25.5


async def test_evaluation_past_its_deadline_fails_with_advice_and_is_interrupted(
    fake: FakeSidecar,
) -> None:
    fake.script.evaluate_seconds = 3.0
    async with client_of(fake.address, deadline_margin=0.5) as client:
        started = time.monotonic()
        with pytest.raises(SidecarError) as raised:
            await run_with_id(client, "s1", request_id="late-1", timeout=0.5)
        elapsed = time.monotonic() - started
        # The sidecar lets a broken stream run on for a retry to attach: it must be told.
        assert await interrupts_seen(fake) == [("s1", "late-1")]
    assert raised.value.code == grpc.StatusCode.DEADLINE_EXCEEDED
    assert isinstance(raised.value, EvaluationPastDeadline)
    assert raised.value.started
    assert elapsed < 2.5
    assert "timeout_seconds" in explain(raised.value)


async def test_a_queued_evaluation_past_its_deadline_is_withdrawn_and_said_to_have_waited(
    fake: FakeSidecar,
) -> None:
    fake.script.queued_seconds = 3.0
    async with client_of(fake.address, deadline_margin=0.5) as client:
        with pytest.raises(EvaluationPastDeadline) as raised:
            await run_with_id(client, "s1", request_id="queued-2", timeout=0.5)
        assert await interrupts_seen(fake) == [("s1", "queued-2")]
    assert not raised.value.started
    assert "waiting behind another evaluation on session 's1'" in explain(raised.value)


async def test_a_clone_refused_as_unavailable_is_sent_again(fake: FakeSidecar) -> None:
    """Like create_session: a refused clone left nothing behind, so the request is repeated."""
    fake.script.refuse_clones = 2
    async with client_of(fake.address) as client:
        clone = await client.clone_session("s1")
    assert [r.session_id for r in fake.seen.clones] == ["s1", "s1", "s1"]
    assert clone.session_id == "s1-clone-3"
    assert fake.script.known_sessions == {"s1", "s1-clone-3"}


async def test_unknown_session_tells_the_agent_to_create_one(fake: FakeSidecar) -> None:
    async with client_of(fake.address) as client:
        with pytest.raises(SidecarError) as raised:
            await run(client, "gone")
        with pytest.raises(SidecarError) as raised_unary:
            await client.get_session("gone")
    for error in (raised.value, raised_unary.value):
        assert error.code == grpc.StatusCode.NOT_FOUND
        message = explain(error, session_id="gone")
        assert "'gone'" in message
        assert "create_session" in message


async def test_no_sidecar_fails_fast_with_a_clear_error() -> None:
    async with client_of(f"127.0.0.1:{free_port()}", connect_timeout=0.5) as client:
        started = time.monotonic()
        with pytest.raises(SidecarUnavailable) as raised:
            await run(client, "s1", timeout=60.0)
        elapsed = time.monotonic() - started
    assert elapsed < 2.0
    assert explain(raised.value).startswith("Sage runtime unavailable at 127.0.0.1:")


async def test_breaker_stops_calls_to_a_dead_sidecar_and_closes_when_it_serves(
    fake: FakeSidecar,
) -> None:
    await fake.set_serving(False)
    fake.script.refuse_evaluations = 1000
    async with client_of(fake.address, connect_timeout=0.3) as client:
        for _ in range(2):
            with pytest.raises(SidecarUnavailable):
                await run(client, "s1")
        assert state_of(client) is BreakerState.OPEN
        attempts = len(fake.seen.evaluations)

        started = time.monotonic()
        with pytest.raises(SidecarUnavailable) as raised:
            await run(client, "s1")
        assert time.monotonic() - started < 0.1
        assert len(fake.seen.evaluations) == attempts, "an open breaker sent a call"
        assert "in a row failed" in explain(raised.value)

        fake.script.refuse_evaluations = 0
        await fake.set_serving(True)
        await asyncio.sleep(0.6)  # the cooldown
        outcome = await run(client, "s1")
    assert outcome.status == "ok"
    assert state_of(client) is BreakerState.CLOSED


async def test_a_call_rides_out_a_restart_within_the_connect_timeout() -> None:
    port = free_port()
    async with client_of(f"127.0.0.1:{port}", connect_timeout=5.0) as client:
        late = FakeSidecar()

        async def start_late() -> None:
            await asyncio.sleep(1.0)
            await late.start(port)

        starter = asyncio.create_task(start_late())
        try:
            outcome = await run(client, "s1")
        finally:
            await starter
            await late.stop()
    assert outcome.status == "ok"
    assert len(late.seen.evaluations) == 1
