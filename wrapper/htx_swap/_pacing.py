"""Client-side pacing: no more than R requests start within any sliding window.

HTX does not document how it counts its windows, so the limiter assumes the strictest
reading (a sliding window), which also satisfies a fixed one.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable

from ._errors import InvalidRequestError

__all__ = ["DEFAULT_MARGIN", "SlidingWindowLimiter", "Slot"]

# Added to the window to absorb clock skew and network jitter between here and HTX.
DEFAULT_MARGIN = 0.03


class Slot:
    """One booked start: the time it may go, then the time its request actually went.

    ``previous`` is the slot ``N`` places earlier, whose start (booked, later actual) this
    one must be a window behind; it is dropped once this slot has waited, so slots never
    chain back through the whole history.
    """

    __slots__ = ("previous", "start")

    def __init__(self, start: float, previous: Slot | None) -> None:
        self.start = start
        self.previous = previous


class SlidingWindowLimiter:
    """A thread-safe limiter shared by every call, thread and task of a client.

    With ``R = max_per_second``: capacity ``N = floor(R)`` starts per window of
    ``W = 1 + margin`` seconds when ``R >= 1``, else ``N = 1`` per ``W = 1/R + margin``.
    ``book()`` gives each caller a slot no earlier than ``W`` after the slot ``N`` places
    before it, first come, first served. A request rarely leaves exactly when its slot
    opens (a thread wakes late, a connection opens first), and HTX counts arrivals, so the
    client reports when each request actually went (``mark_started``), and a waiting slot
    keeps its distance from that time rather than from the booking. A caller that books and
    then gives up (say, a cancelled task) leaves its slot unused, which errs on the safe side.

    ``clock`` returns monotonic seconds (default ``time.monotonic``); it is injected so
    tests can run on virtual time.
    """

    def __init__(
        self,
        max_per_second: float,
        *,
        margin: float = DEFAULT_MARGIN,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        _check_positive_finite("max_per_second", max_per_second, allow_zero=False)
        _check_positive_finite("margin", margin, allow_zero=True)
        self._max_per_second = float(max_per_second)
        self._margin = float(margin)
        if max_per_second >= 1:
            self._capacity = math.floor(max_per_second)
            self._window = 1.0 + margin
        else:
            self._capacity = 1
            self._window = 1.0 / max_per_second + margin
        self._clock = clock
        self._slots: deque[Slot] = deque(maxlen=self._capacity)
        self._lock = threading.Lock()

    @classmethod
    def per_window(
        cls,
        requests: int,
        seconds: float,
        *,
        margin: float = DEFAULT_MARGIN,
        clock: Callable[[], float] = time.monotonic,
    ) -> SlidingWindowLimiter:
        """At most ``requests`` starts in any window of ``seconds`` (plus the margin).

        For HTX's pools, such as 72 trade requests per 3 s: not the same as 24 per second,
        which would spread them evenly instead of allowing a burst of 72.
        """
        if isinstance(requests, bool) or not isinstance(requests, int) or requests < 1:
            raise InvalidRequestError(f"requests must be an int >= 1; got {requests!r}")
        _check_positive_finite("seconds", seconds, allow_zero=False)
        limiter = cls(requests / seconds, margin=margin, clock=clock)
        limiter._capacity = requests
        limiter._window = float(seconds) + limiter._margin
        limiter._slots = deque(maxlen=requests)
        return limiter

    @property
    def capacity(self) -> int:
        """N: the most requests that may start within one window."""
        return self._capacity

    @property
    def window(self) -> float:
        """W: the window's length in seconds, margin included."""
        return self._window

    def book(self) -> Slot:
        """Book the earliest slot the window allows now; its ``start`` is when it may go."""
        with self._lock:
            start = self._clock()
            slots = self._slots
            previous = None
            if slots:
                # Never before the last booking, even if the clock steps back: keeps the
                # deque in order, so its oldest entry is the N-th most recent slot.
                start = max(start, slots[-1].start)
                if len(slots) == self._capacity:
                    previous = slots[0]
                    start = max(start, previous.start + self._window)
            slot = Slot(start, previous)
            slots.append(slot)  # maxlen drops the oldest
            return slot

    def delay(self, slot: Slot) -> float:
        """Seconds until ``slot`` may go: after its booking, a window after its predecessor."""
        with self._lock:
            due = slot.start
            if slot.previous is not None:
                due = max(due, slot.previous.start + self._window)
            return due - self._clock()

    def mark_started(self, slot: Slot) -> None:
        """The slot's request went out now: later slots keep their distance from this time."""
        with self._lock:
            slot.start = max(slot.start, self._clock())
            slot.previous = None

    def wait_sync(self, sleep: Callable[[float], object] = time.sleep) -> Slot:
        """Book a slot and block the calling thread until it may go."""
        slot = self.book()
        while (delay := self.delay(slot)) > 0:
            sleep(delay)
        self.mark_started(slot)
        return slot

    async def wait_async(self, sleep: Callable[[float], Awaitable[object]] | None = None) -> Slot:
        """Book a slot and suspend the calling task until it may go (asyncio's sleep)."""
        slot = self.book()
        while (delay := self.delay(slot)) > 0:
            if sleep is None:
                import asyncio  # imported here: `import htx_swap` stays cheap for sync users

                sleep = asyncio.sleep
            await sleep(delay)
        self.mark_started(slot)
        return slot

    def __repr__(self) -> str:
        return (
            f"SlidingWindowLimiter(capacity={self._capacity!r}, window={self._window!r}, "
            f"margin={self._margin!r})"
        )


def _check_positive_finite(name: str, value: object, *, allow_zero: bool) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidRequestError(f"{name} must be a number; got {value!r}")
    if not math.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        bound = "zero or more" if allow_zero else "more than zero"
        raise InvalidRequestError(f"{name} must be finite and {bound}; got {value!r}")
