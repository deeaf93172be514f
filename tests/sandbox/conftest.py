"""Fixtures for the sandbox's own tests."""

from __future__ import annotations

import json
import ssl
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from htx_sandbox import DEFAULT_CREDENTIALS, Credentials, Exchange
from htx_sandbox._exchange import Admission

from .signer import PREFIX, query_string

HOST = "sandbox.test"


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


def admit(
    exchange: Exchange,
    clock: FakeClock,
    endpoint: str = "swap_track_cancel",
    keys: Credentials = DEFAULT_CREDENTIALS,
) -> Admission:
    """A correctly signed request to `endpoint` (`swap_track_order`, ...) through the door."""
    path = PREFIX + endpoint
    query = query_string(keys.access_key, keys.secret_key, HOST, clock(), path)
    return exchange.admit("POST", HOST, path, query)


def refused_code(admission: Admission) -> int | None:
    """The request-level code a refused request got; None when it was admitted."""
    if admission.refusal is None:
        return None
    return json.loads(admission.refusal.body)["err_code"]  # type: ignore[no-any-return]


def call(
    exchange: Exchange,
    clock: FakeClock,
    endpoint: str,
    body: object,
    keys: Credentials = DEFAULT_CREDENTIALS,
) -> dict[str, Any]:
    """Admit and apply one request to `endpoint`; its envelope. Limits must not refuse it."""
    admission = admit(exchange, clock, endpoint, keys)
    assert admission.refusal is None, admission.refusal
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    reply = exchange.apply(admission, raw)
    assert reply.status_code == 200
    return json.loads(reply.body)  # type: ignore[no-any-return]


@pytest.fixture
def unlimited(clock: FakeClock) -> Exchange:
    """An exchange with no limits, on a hand-moved clock: for tests about orders, not limits."""
    return Exchange(clock=clock, rate=None)
