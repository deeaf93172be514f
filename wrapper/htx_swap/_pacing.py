"""Client-side pacing: no more than R requests start within any sliding window.

HTX does not document how it counts its windows, so the limiter assumes the strictest
reading (a sliding window), which also satisfies a fixed one.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Protocol

from ._errors import InvalidRequestError
from ._retry import header_number

__all__ = [
    "DEFAULT_MARGIN",
    "LOW_REMAINING",
    "MIN_FRACTION",
    "RECOVERY_WINDOWS",
    "Limiter",
    "SlidingWindowLimiter",
    "Slot",
    "hold_if_nearly_spent",
]

# Added to the window to absorb clock skew and network jitter between here and HTX.
DEFAULT_MARGIN = 0.03
# The smallest part of its capacity a limiter slows to after refusals (1032): low enough that
# a dozen processes of one account, each at this share, stay within HTX's limit.
MIN_FRACTION = 1 / 16
# After a refusal, a limiter takes back one slot of its capacity per this many quiet windows.
RECOVERY_WINDOWS = 2
# HTX's ``ratelimit-remaining`` at or below this part of ``ratelimit-limit``: the account's
# window is nearly spent (by this client or another), so the client holds until it frees.
LOW_REMAINING = 0.1


class Limiter(Protocol):
    """What the engine paces an attempt on: a local window, or windows shared through a store."""

    @property
    def capacity(self) -> int: ...

    @property
    def window(self) -> float: ...

    def book(self) -> Any: ...

    async def book_async(self) -> Any: ...

    def delay(self, slot: Any) -> float: ...

    def mark_started(self, slot: Any) -> None: ...

    def slow_down(self, seconds: float) -> None: ...

    def hold_window(self, interval: float, seconds: float) -> None: ...


class Slot:
    """One booked start: the time it may go, then the time its request actually went.

    ``previous`` is the slot ``N`` places earlier, whose start (booked, later actual) this
    one must be a window behind; it is dropped once this slot has waited, so slots never
    chain back through the whole history.
    """

    __slots__ = ("previous", "start", "window")

    def __init__(self, start: float, previous: Slot | None) -> None:
        self.start = start
        self.previous = previous
        self.window = 0.0
        """The window it keeps from ``previous`` (longer while the limiter is slowed)."""


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
        # What this client may use of the window: ``_share`` is set from outside (a shared
        # store's fallback, one process's part of the account's limit); ``_fraction`` falls on
        # each 1032 and climbs back while HTX stays quiet. No slot booked is due before
        # ``_held_until``; slots booked earlier keep their times (moving them all there would
        # send them at once), and each slot still keeps a window from its predecessor.
        self._share = 1.0
        self._fraction = 1.0
        self._quiet_since = 0.0
        self._slowed_at = -math.inf
        self._held_until = -math.inf

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
            start, previous, window = self._next(self._clock())
            slot = Slot(start, previous)
            slot.window = window
            self._slots.append(slot)  # maxlen drops the oldest
            return slot

    def next_start(self) -> float:
        """When a slot booked now would start, booking nothing."""
        with self._lock:
            return self._next(self._clock())[0]

    def _next(self, now: float) -> tuple[float, Slot | None, float]:
        start = max(now, self._held_until)
        slots = self._slots
        previous = None
        allowed, window = self._allowance(now)
        if slots:
            # Never before the last booking, even if the clock steps back: keeps the deque in
            # order, so its ``allowed``-th last entry is the one to keep a window from.
            start = max(start, slots[-1].start)
            if len(slots) >= allowed:
                previous = slots[-allowed]
                start = max(start, previous.start + window)
        return start, previous, window

    async def book_async(self) -> Slot:
        """``book`` for the async engine (a shared store's limiter awaits its store here)."""
        return self.book()

    def delay(self, slot: Slot) -> float:
        """Seconds until ``slot`` may go: after its booking, a window after its predecessor."""
        with self._lock:
            due = slot.start
            if slot.previous is not None:
                due = max(due, slot.previous.start + slot.window)
            return due - self._clock()

    def record(self) -> None:
        """A request this limiter did not pace (a shared store did) went out now: count it, so
        that pacing here after a switch keeps its distance from it."""
        with self._lock:
            now = self._clock()
            if self._slots:
                now = max(now, self._slots[-1].start)
            self._slots.append(Slot(now, None))

    def set_share(self, share: float) -> None:
        """Use at most ``share`` (0 to 1] of the window: this process's part of the account's."""
        with self._lock:
            self._share = min(1.0, max(share, MIN_FRACTION))

    def slow_down(self, seconds: float) -> None:
        """HTX refused a request for its rate (1032): something else draws on the account's
        windows. No slot booked from now on starts within ``seconds``, and the client uses half
        the part of the window it did; it climbs back one slot per ``RECOVERY_WINDOWS`` quiet
        windows."""
        with self._lock:
            now = self._clock()
            # Refusals of one burst say the same thing once: halve at most once per window.
            if now - self._slowed_at >= self._window:
                self._fraction = max(MIN_FRACTION, self._fraction / 2)
                self._slowed_at = now
            self._quiet_since = now
            self._held_until = max(self._held_until, now + seconds)

    def hold(self, seconds: float) -> None:
        """No slot booked from now on starts within ``seconds`` (the window is nearly spent)."""
        with self._lock:
            self._held_until = max(self._held_until, self._clock() + seconds)

    def hold_window(self, interval: float, seconds: float) -> None:
        """``hold`` if this limiter paces HTX's window of ``interval`` seconds."""
        if abs(self._window - self._margin - interval) < 1e-3:
            self.hold(seconds)

    @property
    def held_until(self) -> float:
        """No slot booked from now on is due before this time (a 1032, a nearly spent window)."""
        with self._lock:
            return self._held_until

    @property
    def fraction(self) -> float:
        """The part of the window this client uses now (1.0: all of it)."""
        with self._lock:
            return self._share * self._fraction

    def _allowance(self, now: float) -> tuple[int, float]:
        """Starts allowed per window, and that window: fewer (or a longer window) when slowed."""
        if self._fraction < 1.0:
            step = 1.0 / self._capacity
            windows = (now - self._quiet_since) / (self._window * RECOVERY_WINDOWS)
            if windows >= 1:
                self._fraction = min(1.0, self._fraction + step * math.floor(windows))
                self._quiet_since = now
        slots = self._capacity * self._share * self._fraction
        if slots >= 1:
            return math.floor(slots), self._window
        return 1, self._window / slots

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


def hold_if_nearly_spent(
    limiters: tuple[Limiter, ...], headers: Mapping[str, str], server_now: float
) -> None:
    """Read HTX's ``ratelimit-*`` headers: when the account's window is nearly spent (by this
    client or another process), hold the limiter of that window until its next slot frees
    (``ratelimit-reset``, on HTX's clock), so the client slows before HTX refuses."""
    remaining = header_number(headers, "ratelimit-remaining")
    limit = header_number(headers, "ratelimit-limit")
    interval_ms = header_number(headers, "ratelimit-interval")
    reset_ms = header_number(headers, "ratelimit-reset")
    if remaining is None or limit is None or interval_ms is None or reset_ms is None:
        return  # advice that can't be read is ignored
    interval = interval_ms / 1000
    reset = reset_ms / 1000
    if limit < 1 or remaining > limit * LOW_REMAINING or not 0 < interval <= 3600:
        return
    # Never longer than the window: a reset far off is a wrong clock, not a reason to stop.
    seconds = min(max(reset - server_now, 0.0), interval)
    if seconds > 0:
        for limiter in limiters:
            limiter.hold_window(interval, seconds)


def _check_positive_finite(name: str, value: object, *, allow_zero: bool) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidRequestError(f"{name} must be a number; got {value!r}")
    if not math.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        bound = "zero or more" if allow_zero else "more than zero"
        raise InvalidRequestError(f"{name} must be finite and {bound}; got {value!r}")
