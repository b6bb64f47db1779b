"""`Turns`: one holder at a time per session, handed on in arrival order."""

from __future__ import annotations

import asyncio

from sage_sidecar.turns import Turns


async def test_a_free_turn_is_taken_without_waiting_and_only_once() -> None:
    turns = Turns()
    assert turns.take_now()
    assert turns.held
    assert not turns.take_now()
    turns.release()
    assert not turns.held


async def test_waiters_get_the_turn_in_arrival_order() -> None:
    turns = Turns()
    assert turns.take_now()
    order: list[int] = []

    async def waiter(number: int) -> None:
        await turns.take()
        order.append(number)
        await asyncio.sleep(0)
        turns.release()

    tasks = [asyncio.create_task(waiter(n)) for n in range(5)]
    await asyncio.sleep(0)
    # Someone arriving now queues behind the waiters instead of jumping the queue.
    turns.release()
    assert turns.held, "the turn was handed over, not freed"
    assert not turns.take_now()
    await asyncio.gather(*tasks)
    assert order == [0, 1, 2, 3, 4]
    assert not turns.held


async def test_a_waiter_that_gives_up_is_skipped() -> None:
    turns = Turns()
    assert turns.take_now()
    first = asyncio.create_task(turns.take())
    second = asyncio.create_task(turns.take())
    await asyncio.sleep(0)
    first.cancel()
    await asyncio.sleep(0)
    turns.release()
    await asyncio.wait_for(second, 1)
    assert turns.held
    turns.release()
    assert not turns.held


async def test_a_turn_handed_to_a_waiter_cancelled_before_it_ran_passes_on() -> None:
    turns = Turns()
    assert turns.take_now()
    first = asyncio.create_task(turns.take())
    second = asyncio.create_task(turns.take())
    await asyncio.sleep(0)
    turns.release()  # to `first`, which is cancelled before it gets to run
    first.cancel()
    await asyncio.wait_for(second, 1)
    assert first.cancelled()
    assert turns.held
    turns.release()
    assert not turns.held


async def test_the_turn_is_a_context_manager() -> None:
    turns = Turns()
    async with turns:
        assert turns.held
    assert not turns.held
