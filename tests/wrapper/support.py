"""Helpers shared by the wrapper's unit tests."""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime, timedelta

from htx_swap._engine import Waits

# The moment HTX's SDK vectors were signed at.
VECTOR_TIME = datetime(2019, 11, 21, 10, 0, 0, tzinfo=UTC)
# Distinctive enough to search for in any text that must not contain it.
SECRET = "secret-never-printed-6Jq"


class SteppingClock:
    """An injected UTC clock that returns ``start``, then moves ``step`` on every read."""

    def __init__(self, start: datetime = VECTOR_TIME, step: timedelta = timedelta(0)) -> None:
        self.now = start
        self.step = step

    def __call__(self) -> datetime:
        now = self.now
        self.now += self.step
        return now


class RecordingWaits(Waits):
    """The engine's waits on virtual time: each sleep is recorded and moves the clock on."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float, wake: threading.Event) -> None:
        self.slept.append(seconds)
        self.now += seconds

    async def sleep_async(self, seconds: float, wake: asyncio.Event) -> None:
        self.slept.append(seconds)
        self.now += seconds
