"""A strict sliding-window limit per access key, and how close a client came to it."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable

from attrs import frozen


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
        if interval <= 0:
            raise ValueError(f"interval must be positive, got {interval}")
        self.limit = limit
        self.interval = interval
        self._admitted: dict[str, deque[float]] = {}

    def admit(self, key: str, now: float) -> WindowReading:
        """Count a request at `now` if a slot is free; a refused request takes no slot."""
        window = self._current(key, now)
        admitted = len(window) < self.limit
        if admitted:
            window.append(now)
        return self._reading(window, admitted, now)

    def peek(self, key: str, now: float) -> WindowReading:
        """The key's window at `now`, counting nothing."""
        return self._reading(self._current(key, now), admitted=False, now=now)

    def _current(self, key: str, now: float) -> deque[float]:
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


def max_window_count(times: Iterable[float], interval: float) -> int:
    """The most requests that started in any window `[t, t + interval)`."""
    ordered = sorted(times)
    best = start = 0
    for end, moment in enumerate(ordered):
        while moment - ordered[start] >= interval:
            start += 1
        best = max(best, end - start + 1)
    return best
