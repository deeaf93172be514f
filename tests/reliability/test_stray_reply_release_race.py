"""Review 2: _SweptOnClose sweeps the pool only after the inner stream's close() has put the
connection back in httpx's pool. SwapClient is shared by threads (README: limiters "shared by
all its threads"; batches keep calls in flight on threads), so another thread can take the
connection holding the stray in that window, send its placement, and read the stray as its
answer before the sweep runs. The test runs the other thread's placement exactly in that window
(after the release, before the sweep): a scheduling a thread switch can produce on its own."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from htx_swap import PlacedTrailingOrder, SwapClient, _http

from .scripted import Received, Reply, scripted
from .support import CONTRACT
from .test_h11_rules import KEYS, PLACE, _reply


def test_a_stray_reply_is_not_taken_by_a_thread_that_takes_the_connection_before_the_sweep(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def script(request: Received, reply: Reply) -> None:
        if request.number == 1:
            reply.raw(_reply(1) + _reply(666))
        else:
            reply.raw(_reply(request.number))

    other: list[Any] = []
    real_init = _http._SweptOnClose.__init__

    def init(self: Any, inner: Any, pool: Any) -> None:
        real_close = inner.close

        def close() -> None:
            real_close()  # the connection, stray and all, is back in the pool
            if not other:  # another thread's call runs now, before this one sweeps

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
        real_init(self, inner, pool)

    monkeypatch.setattr(_http._SweptOnClose, "__init__", init)
    with (
        scripted(script) as server,
        SwapClient(
            KEYS, base_url=server.base_url, transport="httpx", max_requests_per_second=None
        ) as client,
    ):
        first = client.place_trailing_order(CONTRACT, **PLACE)
    assert isinstance(first, PlacedTrailingOrder)
    second = other[-1]
    assert not (isinstance(second, PlacedTrailingOrder) and second.order_id == "666"), second
