"""A connection holding a stray reply is judged before it goes back to httpx's pool, not after:
SwapClient is shared by threads, so another thread could take it the moment it is released, send
its placement, and read the stray as its answer. The test runs the other thread's placement
exactly then (just after the release): a scheduling a thread switch can produce on its own."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from htx_swap import PlacedTrailingOrder, SwapClient, _http

from .scripted import scripted
from .support import CONTRACT
from .test_h11_rules import KEYS, PLACE, stray_after_the_first


def test_a_stray_reply_is_not_taken_by_a_thread_that_takes_the_connection_as_it_is_released(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    other: list[Any] = []
    real_init = _http._NoReuseAfterUnasked.__init__

    def init(self: Any, inner: Any) -> None:
        real_close = inner.close

        def close() -> None:
            real_close()  # the connection, stray and all, is back in the pool
            if not other:  # another thread's call runs now, as the connection is released

                def place() -> None:
                    try:
                        other.append(client.place_trailing_order(CONTRACT, **PLACE))
                    except Exception as error:  # an unknown outcome is honest
                        other.append(error)

                other.append("started")
                thread = threading.Thread(target=place)
                thread.start()
                thread.join(10)

        inner.close = close
        real_init(self, inner)

    monkeypatch.setattr(_http._NoReuseAfterUnasked, "__init__", init)
    with (
        scripted(stray_after_the_first) as server,
        SwapClient(
            KEYS, base_url=server.base_url, transport="httpx", max_requests_per_second=None
        ) as client,
    ):
        first = client.place_trailing_order(CONTRACT, **PLACE)
    assert isinstance(first, PlacedTrailingOrder)
    second = other[-1]
    assert not (isinstance(second, PlacedTrailingOrder) and second.order_id == "666"), second
