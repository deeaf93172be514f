"""SlidingWindowLimiter on virtual time: never more than N starts in any window of W."""

from __future__ import annotations

import asyncio
import contextvars
import math
import random
import threading
from collections.abc import Sequence

import pytest
from hypothesis import given
from hypothesis import strategies as st

from htx_swap import InvalidRequestError
from htx_swap._pacing import SlidingWindowLimiter


class VirtualClock:
    """Monotonic seconds that move only when a test (or a fake sleep) moves them."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def _assert_no_window_over_capacity(starts: Sequence[float], capacity: int, window: float) -> None:
    """No half-open window [s, s + W) holds more than N starts."""
    ordered = sorted(starts)
    for first, last in zip(ordered, ordered[capacity:], strict=False):
        assert last >= first + window, f"{capacity + 1} starts within {window}s: {first}..{last}"


@pytest.mark.parametrize(
    ("rate", "capacity", "window"),
    [(5, 5, 1.03), (5.9, 5, 1.03), (1, 1, 1.03), (0.5, 1, 2.03), (0.25, 1, 4.03), (72, 72, 1.03)],
)
def test_capacity_and_window_follow_the_rate(rate: float, capacity: int, window: float) -> None:
    limiter = SlidingWindowLimiter(rate)
    assert limiter.capacity == capacity
    assert limiter.window == pytest.approx(window)


def test_margin_lengthens_the_window() -> None:
    assert SlidingWindowLimiter(5, margin=0.25).window == 1.25


def test_zero_margin_is_allowed() -> None:
    assert SlidingWindowLimiter(5, margin=0).window == 1.0


@pytest.mark.parametrize("rate", [0, -1, math.nan, math.inf, -math.inf, True, "5", None], ids=repr)
def test_bad_rate_is_rejected(rate: object) -> None:
    with pytest.raises(InvalidRequestError, match="max_per_second"):
        SlidingWindowLimiter(rate)  # type: ignore[arg-type]


@pytest.mark.parametrize("margin", [-0.01, math.nan, math.inf, "0.03"], ids=repr)
def test_bad_margin_is_rejected(margin: object) -> None:
    with pytest.raises(InvalidRequestError, match="margin"):
        SlidingWindowLimiter(5, margin=margin)  # type: ignore[arg-type]


def test_first_n_reservations_start_at_once() -> None:
    clock = VirtualClock()
    limiter = SlidingWindowLimiter(5, margin=0.25, clock=clock)
    assert [limiter.book().start for _ in range(5)] == [0.0] * 5


def test_reservations_run_at_n_per_window_when_saturated() -> None:
    clock = VirtualClock()
    limiter = SlidingWindowLimiter(5, margin=0.25, clock=clock)
    starts = [limiter.book().start for _ in range(15)]
    assert starts == [0.0] * 5 + [1.25] * 5 + [2.5] * 5


def test_slow_rate_spaces_single_requests() -> None:
    clock = VirtualClock()
    limiter = SlidingWindowLimiter(0.5, margin=0.25, clock=clock)
    assert [limiter.book().start for _ in range(3)] == [0.0, 2.25, 4.5]


def test_a_quiet_period_frees_the_window() -> None:
    clock = VirtualClock()
    limiter = SlidingWindowLimiter(2, margin=0.0, clock=clock)
    limiter.book()
    limiter.book()
    clock.now = 10.0
    assert limiter.book().start == 10.0


def test_a_clock_stepping_back_never_books_before_the_last_start() -> None:
    clock = VirtualClock()
    limiter = SlidingWindowLimiter(5, clock=clock)
    clock.now = 3.0
    limiter.book()
    clock.now = 1.0
    assert limiter.book().start == 3.0


def test_wait_sync_sleeps_until_the_reserved_start() -> None:
    clock = VirtualClock()
    limiter = SlidingWindowLimiter(1, margin=0.25, clock=clock)
    limiter.wait_sync(sleep=clock.sleep)
    limiter.wait_sync(sleep=clock.sleep)
    assert clock.sleeps == [1.25]


def test_wait_sync_does_not_sleep_when_a_slot_is_free() -> None:
    clock = VirtualClock()
    SlidingWindowLimiter(5, clock=clock).wait_sync(sleep=clock.sleep)
    assert clock.sleeps == []


def test_sustained_waits_reach_n_per_window() -> None:
    clock = VirtualClock()
    limiter = SlidingWindowLimiter(5, margin=0.25, clock=clock)
    for _ in range(50):
        limiter.wait_sync(sleep=clock.sleep)
    assert clock.now == 9 * 1.25  # 10 windows of 5 starts; the last opens at 9W


@pytest.mark.anyio
async def test_wait_async_awaits_the_injected_sleep() -> None:
    clock = VirtualClock()
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock.now += seconds

    limiter = SlidingWindowLimiter(1, margin=0.25, clock=clock)
    await limiter.wait_async(sleep)
    await limiter.wait_async(sleep)
    assert slept == [1.25]


@pytest.mark.anyio
async def test_wait_async_defaults_to_asyncio_sleep() -> None:
    """The default sleep is asyncio's; the virtual clock makes the delay a millisecond."""
    # book, check, mark the first slot at 0; book the second (due at 1.0), check it at 0.999.
    readings = iter([0.0, 0.0, 0.0, 0.0, 0.999])
    limiter = SlidingWindowLimiter(1, margin=0.0, clock=lambda: next(readings, 1.0))
    await limiter.wait_async()
    await limiter.wait_async()  # booked at 1.0, read at 0.999: a real 1 ms sleep


@given(
    rate=st.one_of(st.integers(1, 20), st.floats(0.1, 20.0)),
    margin=st.sampled_from([0.0, 0.03, 0.25]),
    gaps=st.lists(st.floats(0.0, 3.0), min_size=1, max_size=80),
)
def test_no_window_ever_holds_more_than_capacity(
    rate: float, margin: float, gaps: list[float]
) -> None:
    clock = VirtualClock()
    limiter = SlidingWindowLimiter(rate, margin=margin, clock=clock)
    starts = []
    for gap in gaps:
        clock.now += gap
        starts.append(limiter.book().start)
    _assert_no_window_over_capacity(starts, limiter.capacity, limiter.window)


@given(gaps=st.lists(st.floats(0.0, 3.0), min_size=1, max_size=80))
def test_reservations_never_start_before_they_are_asked(gaps: list[float]) -> None:
    clock = VirtualClock()
    limiter = SlidingWindowLimiter(3, clock=clock)
    for gap in gaps:
        clock.now += gap
        assert limiter.book().start >= clock.now


@given(gaps=st.lists(st.floats(0.0, 3.0), min_size=1, max_size=80))
def test_reservations_are_in_order(gaps: list[float]) -> None:
    clock = VirtualClock()
    limiter = SlidingWindowLimiter(3, clock=clock)
    starts = []
    for gap in gaps:
        clock.now += gap
        starts.append(limiter.book().start)
    assert starts == sorted(starts)


class ThreadClocks:
    """One virtual timeline per thread: each thread's sleeps move only its own clock."""

    def __init__(self) -> None:
        self._local = threading.local()

    def __call__(self) -> float:
        now: float = getattr(self._local, "now", 0.0)
        return now

    def sleep(self, seconds: float) -> None:
        self._local.now = self() + seconds


def test_eight_threads_sharing_a_limiter_never_exceed_the_window() -> None:
    clocks = ThreadClocks()
    limiter = SlidingWindowLimiter(5, margin=0.25, clock=clocks)
    starts: list[float] = []
    lock = threading.Lock()
    barrier = threading.Barrier(8)

    def trade(seed: int) -> None:
        work = random.Random(seed)
        barrier.wait()
        for _ in range(25):
            clocks.sleep(work.choice([0.0, 0.125, 0.5]))  # time spent between requests
            limiter.wait_sync(sleep=clocks.sleep)
            with lock:
                starts.append(clocks())

    threads = [threading.Thread(target=trade, args=(seed,)) for seed in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(starts) == 200
    _assert_no_window_over_capacity(starts, limiter.capacity, limiter.window)


_task_now: contextvars.ContextVar[float] = contextvars.ContextVar("task_now", default=0.0)


@pytest.mark.anyio
async def test_hundred_tasks_sharing_a_limiter_never_exceed_the_window() -> None:
    """Each task runs on its own virtual timeline (a context variable) and yields in sleeps."""

    async def sleep(seconds: float) -> None:
        _task_now.set(_task_now.get() + seconds)
        await asyncio.sleep(0)

    limiter = SlidingWindowLimiter(5, margin=0.25, clock=_task_now.get)
    starts: list[float] = []

    async def trade(seed: int) -> None:
        work = random.Random(seed)
        for _ in range(3):
            await sleep(work.choice([0.0, 0.125, 0.5]))
            await limiter.wait_async(sleep)
            starts.append(_task_now.get())

    await asyncio.gather(*(trade(seed) for seed in range(100)))
    assert len(starts) == 300
    _assert_no_window_over_capacity(starts, limiter.capacity, limiter.window)


@pytest.mark.anyio
async def test_hundred_tasks_saturate_the_limit() -> None:
    """Throughput: 100 starts at 5 per 1.25 s take 19 windows after the first."""

    async def sleep(seconds: float) -> None:
        _task_now.set(_task_now.get() + seconds)
        await asyncio.sleep(0)

    limiter = SlidingWindowLimiter(5, margin=0.25, clock=_task_now.get)
    starts: list[float] = []

    async def trade() -> None:
        await limiter.wait_async(sleep)
        starts.append(_task_now.get())

    await asyncio.gather(*(trade() for _ in range(100)))
    assert max(starts) == 19 * 1.25


def test_repr_names_the_rate() -> None:
    assert repr(SlidingWindowLimiter(5)) == (
        "SlidingWindowLimiter(capacity=5, window=1.03, margin=0.03)"
    )


def test_a_slot_keeps_a_window_from_when_its_predecessor_actually_went() -> None:
    """HTX counts arrivals: a request that left late pushes the one N places after it."""
    clock = VirtualClock()
    limiter = SlidingWindowLimiter(2, margin=0.0, clock=clock)
    first, second = limiter.book(), limiter.book()
    limiter.mark_started(first)
    third, fourth = limiter.book(), limiter.book()  # booked for 1.0 while second is pending
    clock.now = 0.3
    limiter.mark_started(second)  # second's connection took 300 ms to open
    clock.now = 1.0
    assert limiter.delay(third) == 0.0
    assert limiter.delay(fourth) == pytest.approx(0.3)


def test_later_bookings_follow_actual_starts() -> None:
    clock = VirtualClock()
    limiter = SlidingWindowLimiter(1, margin=0.0, clock=clock)
    first = limiter.book()
    clock.now = 0.5
    limiter.mark_started(first)
    assert limiter.book().start == 1.5


def test_a_waited_slot_forgets_its_predecessor() -> None:
    """Slots must not chain back through every request a long batch ever sent."""
    clock = VirtualClock()
    limiter = SlidingWindowLimiter(1, margin=0.0, clock=clock)
    limiter.wait_sync(sleep=clock.sleep)
    slot = limiter.wait_sync(sleep=clock.sleep)
    assert slot.previous is None
    assert slot.start == 1.0
