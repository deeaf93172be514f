"""A child interpreter's measurement (`python benchmarks/child.py`, the command as JSON on stdin;
prints one JSON line). Only htx-swap's public API, which every revision measured shares: the same
program measures this tree's code (editable install) or, with PYTHONPATH in front, another's.

Imports nothing else of this package: the timing starts with htx-swap alone imported."""

from __future__ import annotations

import asyncio
import gc
import json
import sys
import time
from typing import TYPE_CHECKING, Any

from htx_swap import AsyncSwapClient, Credentials, SwapClient

if TYPE_CHECKING:  # not at run time: the code before may not export it
    from htx_swap import CancelResult


def construct(command: dict[str, Any]) -> dict[str, float]:
    """Wall time of constructing the first client in this process, and the next one."""
    keys = Credentials("bench-access-key", "bench-secret-key")
    make = SwapClient if command["client"] == "sync" else AsyncSwapClient
    started = time.perf_counter()
    make(keys, base_url=command["base_url"])
    first = time.perf_counter()
    make(keys, base_url=command["base_url"])
    return {"first": first - started, "next": time.perf_counter() - first}


def ok(result: CancelResult, ids: list[str]) -> bool:
    return result.all_cancelled and len(result.cancelled) == len(ids)


def cancel(command: dict[str, Any]) -> dict[str, float]:
    """Wall and CPU time of cancelling the chunks one call each (after the warm-up), calls ok."""
    keys = Credentials(command["access_key"], command["secret_key"])
    options: dict[str, Any] = {"base_url": command["base_url"], "max_requests_per_second": None}

    async def run_async() -> tuple[float, float, int]:
        async with AsyncSwapClient(keys, **options) as client:
            for chunk in command["warmup"]:
                await client.cancel_trailing_orders("BTC-USDT", chunk)
            gc.collect()
            wall, cpu, answered = time.perf_counter(), time.process_time(), 0
            for chunk in command["chunks"]:
                answered += ok(await client.cancel_trailing_orders("BTC-USDT", chunk), chunk)
            return time.perf_counter() - wall, time.process_time() - cpu, answered

    if command["client"] == "sync":
        with SwapClient(keys, **options) as client:
            for chunk in command["warmup"]:
                client.cancel_trailing_orders("BTC-USDT", chunk)
            gc.collect()
            wall, cpu, answered = time.perf_counter(), time.process_time(), 0
            for chunk in command["chunks"]:
                answered += ok(client.cancel_trailing_orders("BTC-USDT", chunk), chunk)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    else:
        wall, cpu, answered = asyncio.run(run_async())
    return {"wall": wall, "cpu": cpu, "ok": answered}


if __name__ == "__main__":
    order = json.loads(sys.stdin.read())
    print(json.dumps(construct(order) if order["kind"] == "construct" else cancel(order)))
