"""Fixtures for the sandbox's own tests."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from htx_sandbox import Exchange


class FakeClock:
    """A clock the test moves by hand (epoch seconds)."""

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def exchange(clock: FakeClock) -> Exchange:
    """An exchange with no server around it, on a hand-moved clock."""
    return Exchange(clock=clock)


# Loading CA certificates dominates a plain-HTTP client's start-up; load them once.
TLS = ssl.create_default_context()


def make_client(**options: Any) -> httpx.Client:
    """An httpx client for loopback tests."""
    return httpx.Client(verify=TLS, **{"timeout": 5.0, **options})


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with make_client() as client:
        yield client
