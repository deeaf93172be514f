"""Fixtures for the wrapper's unit tests."""

from __future__ import annotations

import pytest
from on_httpx import sync_client_on_httpx

from htx_swap import Credentials

from .support import SECRET


@pytest.fixture(autouse=True)
def _respx_mocks_httpx(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """respx mocks httpx: the tests of a module written on it run SwapClient on httpx."""
    if "respx" in vars(request.module):
        sync_client_on_httpx(monkeypatch)


@pytest.fixture
def anyio_backend() -> str:
    """Async tests run on asyncio, the loop the async client targets."""
    return "asyncio"


@pytest.fixture
def vector_credentials() -> Credentials:
    """The keys HTX's SDK vectors were signed with."""
    return Credentials(access_key="access", secret_key="secret")


@pytest.fixture
def credentials() -> Credentials:
    """Keys whose secret is distinctive enough to search for in any text."""
    return Credentials(access_key="ak-public-123", secret_key=SECRET)
