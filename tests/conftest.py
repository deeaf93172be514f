"""Shared test settings."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


# The async client's transports: every async test of the client runs on each (issue 15).
ASYNC_TRANSPORTS = ("httpx", "aiohttp")


@pytest.fixture(params=ASYNC_TRANSPORTS)
def async_transport(request: pytest.FixtureRequest) -> str:
    """The transport an AsyncSwapClient under test sends through."""
    return str(request.param)


@pytest.fixture
def anyio_backend() -> str:
    """Async tests run on asyncio, the loop our users run."""
    return "asyncio"


@pytest.fixture(scope="session")
def published_spec(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`scripts/publish-spec --out DIR`, once per session, run from elsewhere (any cwd works):
    the directory other teams get (bundle, docs, error codes, changelog)."""
    out = tmp_path_factory.mktemp("published") / "spec"
    result = subprocess.run(
        [str(ROOT / "scripts" / "publish-spec"), "--out", str(out)],
        cwd=tmp_path_factory.getbasetemp(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout
    return out
