"""Strict sliding-window limits, and how close a client came to them.

HTX states its limits per interval without saying how it counts; the sandbox counts the
strictest way: no more than `limit` admitted requests start in any window of `interval` seconds,
so a client that passes here also passes a fixed-window count.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Hashable, Iterable

from attrs import frozen

MAX_RATE = 1_000_000
"""More requests per interval than any test could send: beyond it a limit is a typo."""
MAX_INTERVAL = 3600.0


@frozen
class WindowReading:
    """One key's window after a request: admitted or not, slots left, when the next slot frees."""

    admitted: bool
    remaining: int
    reset_ms: int


class SlidingWindow:
    """No more than `limit` admitted requests per key start in any `interval` seconds."""

    def __init__(self, limit: int, interval: float) -> None:
        if limit < 1:
            raise ValueError(f"limit must be at least 1, got {limit}")
        check_interval(interval)
        self.limit = limit
        self.interval = interval
        self._admitted: dict[Hashable, deque[float]] = {}

    def admit(self, key: Hashable, now: float) -> WindowReading:
        """Count a request at `now` if a slot is free; a refused request takes no slot."""
        window = self._current(key, now)
        admitted = len(window) < self.limit
        if admitted:
            window.append(now)
        return self._reading(window, admitted, now)

    def peek(self, key: Hashable, now: float) -> WindowReading:
        """The key's window at `now`, counting nothing."""
        return self._reading(self._current(key, now), admitted=False, now=now)

    def has_room(self, key: Hashable, now: float) -> bool:
        """Whether a request at `now` would be admitted."""
        return len(self._current(key, now)) < self.limit

    def _current(self, key: Hashable, now: float) -> deque[float]:
        window = self._admitted.setdefault(key, deque())
        while window and window[0] <= now - self.interval:
            window.popleft()
        return window

    def _reading(self, window: deque[float], admitted: bool, now: float) -> WindowReading:
        # The next slot frees when the oldest request in the window leaves it.
        frees_at = window[0] + self.interval if window else now
        return WindowReading(
            admitted=admitted,
            remaining=self.limit - len(window),
            reset_ms=round(frees_at * 1000),
        )


def window(
    rate: float | None, interval: float, *, names: tuple[str, str] = ("rate", "interval")
) -> SlidingWindow | None:
    """The window for `rate` requests per `interval` seconds (None: no limit); ValueError if absurd.

    `names` are the two settings' names, for the error message.
    """
    name = names[0]
    check_interval(interval, names[1])
    if rate is None:
        return None
    if isinstance(rate, bool) or not isinstance(rate, int | float):
        raise ValueError(f"{name} must be a number of requests or None, got {rate!r}")
    if not math.isfinite(rate) or not float(rate).is_integer():
        raise ValueError(f"{name} counts requests per interval and must be whole, got {rate}")
    if not 1 <= rate <= MAX_RATE:
        raise ValueError(f"{name} must be from 1 to {MAX_RATE}, got {rate:g}")
    return SlidingWindow(int(rate), interval)


def check_interval(interval: float, name: str = "interval") -> None:
    """ValueError unless `interval` is a positive, finite number of seconds, at most an hour."""
    if isinstance(interval, bool) or not isinstance(interval, int | float):
        raise ValueError(f"{name} must be a number of seconds, got {interval!r}")
    if not 0 < interval <= MAX_INTERVAL:  # also false for NaN
        raise ValueError(f"{name} must be positive and at most {MAX_INTERVAL:g} s, got {interval}")


def max_window_count(times: Iterable[float], interval: float) -> int:
    """The most requests that started in any window `[t, t + interval)`."""
    ordered = sorted(times)
    best = start = 0
    for end, moment in enumerate(ordered):
        while moment - ordered[start] >= interval:
            start += 1
        best = max(best, end - start + 1)
    return best
