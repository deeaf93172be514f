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

__all__ = ["DEFAULT_MARGIN", "SlidingWindowLimiter"]

# Added to the window to absorb clock skew and network jitter between here and HTX.
DEFAULT_MARGIN = 0.03


class SlidingWindowLimiter:
    """A thread-safe reservation limiter shared by every call, thread and task of a client.

    With ``R = max_per_second``: capacity ``N = floor(R)`` starts per window of
    ``W = 1 + margin`` seconds when ``R >= 1``, else ``N = 1`` per ``W = 1/R + margin``.
    ``reserve()`` books the earliest start time ``t`` such that the last ``N`` bookings
    including ``t`` span at least ``W``: no half-open window of length ``W`` ever holds
    more than ``N`` starts. Bookings are made in order under a lock, so callers are served
    first come, first served; a caller that books and then gives up (say, a cancelled
    task) leaves its slot unused, which errs on the safe side.

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
        self._starts: deque[float] = deque(maxlen=self._capacity)
        self._lock = threading.Lock()

    @property
    def capacity(self) -> int:
        """N: the most requests that may start within one window."""
        return self._capacity

    @property
    def window(self) -> float:
        """W: the window's length in seconds, margin included."""
        return self._window

    def reserve(self) -> float:
        """Book the earliest allowed start time (on ``clock``) and return it."""
        with self._lock:
            start = self._clock()
            starts = self._starts
            if starts:
                # Never before the last booking, even if the clock steps back: keeps the
                # deque sorted, so its oldest entry is the N-th most recent start.
                start = max(start, starts[-1])
                if len(starts) == self._capacity:
                    start = max(start, starts[0] + self._window)
            starts.append(start)  # maxlen drops the oldest
            return start

    def wait_sync(self, sleep: Callable[[float], object] = time.sleep) -> None:
        """Book a start time and block the calling thread until it comes."""
        delay = self.reserve() - self._clock()
        if delay > 0:
            sleep(delay)

    async def wait_async(self, sleep: Callable[[float], Awaitable[object]] | None = None) -> None:
        """Book a start time and suspend the calling task until it comes (asyncio's sleep)."""
        delay = self.reserve() - self._clock()
        if delay <= 0:
            return
        if sleep is None:
            import asyncio  # imported here: `import htx_swap` stays cheap for sync users

            sleep = asyncio.sleep
        await sleep(delay)

    def __repr__(self) -> str:
        return (
            f"SlidingWindowLimiter(max_per_second={self._max_per_second!r}, "
            f"margin={self._margin!r})"
        )


def _check_positive_finite(name: str, value: object, *, allow_zero: bool) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidRequestError(f"{name} must be a number; got {value!r}")
    if not math.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        bound = "zero or more" if allow_zero else "more than zero"
        raise InvalidRequestError(f"{name} must be finite and {bound}; got {value!r}")
