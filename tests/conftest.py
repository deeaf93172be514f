"""Shared test settings."""

from __future__ import annotations

import pytest


@pytest.fixture
def anyio_backend() -> str:
    """Async tests run on asyncio, the loop our users run."""
    return "asyncio"
