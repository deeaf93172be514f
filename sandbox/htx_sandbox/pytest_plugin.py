"""pytest fixtures that run a local HTX sandbox (entry point `htx_sandbox`).

`htx_sandbox` starts as `htx-swap sandbox` does, with open orders to work on: `DEFAULT_ORDERS`
open isolated orders on BTC-USDT and, beside them, the realistic mix (`Sandbox.seeded`: a
second isolated contract, and in cross margin the swap and its quarter futures). To start
empty, ask for no orders: `@pytest.mark.htx_sandbox(orders=0)` on a test, or override the
`htx_sandbox_orders` fixture (return 0) in a conftest.py, a module or a class, or parametrize
it (`@pytest.mark.parametrize("htx_sandbox_orders", [0])`).

Loaded by every pytest run wherever htx-swap is installed, so it imports no server code until a
fixture is used: Starlette and uvicorn live in the optional `htx-swap[sandbox]` extra.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from htx_sandbox._server import Sandbox

DEFAULT_ORDERS = 5
"""Open isolated orders `htx_sandbox` seeds unless told otherwise (as `--sandbox` does)."""


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker that passes options to the `htx_sandbox` fixture."""
    config.addinivalue_line(
        "markers",
        "htx_sandbox(**options): keyword arguments for htx_sandbox.running() "
        "in the htx_sandbox fixture, e.g. rate=None, orders=30, latency=0.3 "
        f"(orders: {DEFAULT_ORDERS} unless given, 0 starts empty; with orders, a realistic mix "
        "in both margin modes unless mix=False)",
    )


def _running() -> Any:
    """``htx_sandbox.running``, or a failure saying which extra to install (not a bare
    ModuleNotFoundError from inside the server)."""
    try:  # the server imports them only once started: ask now, to name the extra
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as error:
        pytest.fail(
            f"the htx_sandbox fixture needs the sandbox extra ({error.name} is missing): "
            "pip install 'htx-swap[sandbox]'",
            pytrace=False,
        )
    from htx_sandbox._server import running

    return running


@pytest.fixture
def htx_sandbox_orders() -> int:
    """How many open isolated orders `htx_sandbox` seeds when its marker doesn't say; override
    it (return 0) to start a group of tests empty."""
    return DEFAULT_ORDERS


@pytest.fixture
def htx_sandbox(request: pytest.FixtureRequest, htx_sandbox_orders: int) -> Iterator[Sandbox]:
    """A fresh sandbox for one test, configured by the test's `htx_sandbox` marker if any.

    It seeds `htx_sandbox_orders` open orders (the marker's `orders` wins) and, with any, the
    realistic mix (`Sandbox.seeded`) unless `mix=False`.
    """
    running = _running()
    marker = request.node.get_closest_marker("htx_sandbox")
    options: dict[str, Any] = dict(marker.kwargs) if marker is not None else {}
    options.setdefault("orders", htx_sandbox_orders)
    options.setdefault("mix", options["orders"] > 0)
    with running(**options) as sandbox:
        yield sandbox


@pytest.fixture(scope="session")
def htx_sandbox_session() -> Iterator[Sandbox]:
    """One sandbox (default settings) shared by the session; `control.reset()` between uses."""
    with _running()() as sandbox:
        yield sandbox
