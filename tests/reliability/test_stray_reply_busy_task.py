"""As test_stray_reply_busy_thread, on AsyncSwapClient's httpx transport: one task's reply
closing never closes another task's connection mid-reply."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

from htx_swap import AsyncSwapClient, PlacedTrailingOrder

from .scripted import Received, Reply, scripted
from .support import CONTRACT
from .test_h11_rules import KEYS, PLACE, _reply


def test_a_reply_closing_in_one_task_does_not_close_another_tasks_reply_mid_read() -> None:
    rest = threading.Event()

    def script(request: Received, reply: Reply) -> None:
        whole = _reply(request.number)
        if request.number == 1:
            reply.raw(whole[:20])
            rest.wait(10)
            reply.raw(whole[20:])
        else:
            reply.raw(whole)

    async def run(server: Any) -> tuple[Any, Any]:
        async with AsyncSwapClient(
            KEYS, base_url=server.base_url, transport="httpx", max_requests_per_second=None
        ) as client:

            async def place() -> Any:
                try:
                    return await client.place_trailing_order(CONTRACT, **PLACE)
                except Exception as error:
                    return error

            other = asyncio.create_task(place())
            for _ in range(500):
                if server.received:
                    break
                await asyncio.sleep(0.01)
            await asyncio.sleep(0.3)
            mine = await place()
            rest.set()
            return mine, await other

    with scripted(script) as server:
        mine, other = asyncio.run(run(server))
    assert isinstance(mine, PlacedTrailingOrder), repr(mine)
    assert isinstance(other, PlacedTrailingOrder), repr(other)
    assert other.order_id == "1"
