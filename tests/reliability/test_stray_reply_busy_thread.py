"""Checking a connection for a stray reply must not touch a connection another thread is reading
on: it holds part of that reply in h11's buffer between reads (a head or body split across TCP
segments), and closing it under that thread turns a placement HTX answered (the order exists)
into an unknown outcome. Only a reply's own connection is judged, as it is released."""

from __future__ import annotations

import threading
import time
from typing import Any

from htx_swap import PlacedTrailingOrder, SwapClient

from .scripted import Received, Reply, scripted
from .support import CONTRACT
from .test_h11_rules import KEYS, PLACE, _reply


def test_a_reply_closing_in_one_thread_does_not_close_another_threads_reply_mid_read() -> None:
    rest = threading.Event()

    def script(request: Received, reply: Reply) -> None:
        whole = _reply(request.number)
        if request.number == 1:  # the other thread's: its head arrives in two parts
            reply.raw(whole[:20])
            rest.wait(10)
            reply.raw(whole[20:])
        else:
            reply.raw(whole)

    results: list[Any] = []
    with (
        scripted(script) as server,
        SwapClient(
            KEYS, base_url=server.base_url, transport="httpx", max_requests_per_second=None
        ) as client,
    ):

        def place() -> None:
            try:
                results.append(client.place_trailing_order(CONTRACT, **PLACE))
            except Exception as error:
                results.append(error)

        other = threading.Thread(target=place)
        other.start()
        deadline = time.monotonic() + 5
        while not server.received:
            assert time.monotonic() < deadline
            time.sleep(0.01)
        time.sleep(0.3)  # the first part of its reply is read into h11's buffer
        mine = client.place_trailing_order(CONTRACT, **PLACE)  # its reply closes
        rest.set()
        other.join(10)
    assert isinstance(mine, PlacedTrailingOrder)
    assert isinstance(results[0], PlacedTrailingOrder), repr(results[0])
    assert results[0].order_id == "1"
