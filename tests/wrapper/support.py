"""Helpers shared by the wrapper's unit tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

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
