"""Each public operation on each client (sync on h11 and on httpx, async on httpx and on aiohttp),
for hostile-reply tests.

The same script is served to every client; ``run`` calls one operation on a fresh client of
the kind asked for and hands back what the caller would get: the value, or the error raised.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from htx_swap import AsyncSwapClient, Credentials, SwapClient

KEYS = Credentials("hostile-access-key", "hostile-secret-key")
CONTRACT = "BTC-USDT"
IDS = [str(826052268312821760 + i) for i in range(30)]
KINDS = ["sync", "sync on httpx", "async", "async on aiohttp"]
OPERATIONS = ["place", "cancel", "cancel all", "list"]

PLACE = {
    "direction": "buy",
    "volume": 1,
    "callback_rate": "0.01",
    "active_price": "60000",
    "order_price_type": "formula_price",
    "offset": "open",
    "lever_rate": 5,
}


def _sync(operation: str, client: SwapClient, ids: list[str]) -> Any:
    if operation == "place":
        return client.place_trailing_order(CONTRACT, **PLACE)
    if operation == "cancel":
        return client.cancel_trailing_orders(CONTRACT, ids)
    if operation == "cancel all":
        return client.cancel_all_trailing_orders(CONTRACT)
    if operation == "history":
        return list(client.trailing_order_history(CONTRACT))
    return list(client.open_trailing_orders(CONTRACT))


async def _async(operation: str, client: AsyncSwapClient, ids: list[str]) -> Any:
    if operation == "place":
        return await client.place_trailing_order(CONTRACT, **PLACE)
    if operation == "cancel":
        return await client.cancel_trailing_orders(CONTRACT, ids)
    if operation == "cancel all":
        return await client.cancel_all_trailing_orders(CONTRACT)
    if operation == "history":
        return [order async for order in client.trailing_order_history(CONTRACT)]
    return [order async for order in client.open_trailing_orders(CONTRACT)]


def run(
    kind: str,
    operation: str,
    base_url: str,
    *,
    ids: list[str] | None = None,
    **options: Any,
) -> Any:
    """``operation`` on a fresh client of ``kind``: its value, or the exception it raised."""
    ids = IDS[:10] if ids is None else ids
    try:
        if kind.startswith("sync"):
            sync_transport = "httpx" if kind.endswith("httpx") else "h11"
            with SwapClient(KEYS, base_url=base_url, transport=sync_transport, **options) as client:
                return _sync(operation, client, ids)
        transport = "aiohttp" if kind.endswith("aiohttp") else "httpx"

        async def go() -> Any:
            async with AsyncSwapClient(
                KEYS, base_url=base_url, transport=transport, **options
            ) as client:
                return await _async(operation, client, ids)

        return asyncio.run(go())
    except Exception as error:  # the test judges what was raised
        return error


Runner = Callable[..., Any]
