"""pytest fixtures that run a local HTX sandbox (entry point `htx_sandbox`).

Loaded by every pytest run wherever htx-swap is installed, so it imports no server code until a
fixture is used: Starlette and uvicorn live in the optional `htx-swap[sandbox]` extra.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from htx_sandbox._server import Sandbox


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker that passes options to the `htx_sandbox` fixture."""
    config.addinivalue_line(
        "markers",
        "htx_sandbox(**options): keyword arguments for htx_sandbox.running() "
        "in the htx_sandbox fixture, e.g. rate=None, orders=30, latency=0.3 "
        "(with orders, a realistic mix in both margin modes unless mix=False)",
    )


@pytest.fixture
def htx_sandbox(request: pytest.FixtureRequest) -> Iterator[Sandbox]:
    """A fresh sandbox for one test, configured by the test's `htx_sandbox` marker if any.

    Asked for orders, it also seeds the realistic mix (`Sandbox.seeded`) unless `mix=False`.
    """
    from htx_sandbox._server import running

    marker = request.node.get_closest_marker("htx_sandbox")
    options: dict[str, Any] = dict(marker.kwargs) if marker is not None else {}
    options.setdefault("mix", options.get("orders", 0) > 0)
    with running(**options) as sandbox:
        yield sandbox


@pytest.fixture(scope="session")
def htx_sandbox_session() -> Iterator[Sandbox]:
    """One sandbox (default settings) shared by the session; `control.reset()` between uses."""
    from htx_sandbox._server import running

    with running() as sandbox:
        yield sandbox
