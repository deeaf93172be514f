"""The engine's waits on virtual time, for tests that must not sleep for real."""

from __future__ import annotations

import asyncio
import threading

from htx_swap._engine import Waits


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
