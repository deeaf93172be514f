"""10-14. Issue 25's figures, against a server that answers at once (in a child process, so this
process's CPU time is the client's alone): client CPU per request, unpaced bulk, call to wire,
listing CPU against the parse floor, memory per ID; each contender interleaved with ccxt (async
and sync) and raw aiohttp, and each of issue 25's targets judged from the run."""

from __future__ import annotations

import asyncio
import gc
import json
import statistics
import sys
import time
import tracemalloc
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from benchmarks.contenders import (
    AIOHTTP_SDK,
    ASYNC_SDK,
    CCXT,
    CCXT_ASYNC,
    CONTENDERS,
    RAW_AIOHTTP,
    SYNC_HTTPX,
    SYNC_SDK,
    AsyncCancel,
    Opened,
    cpu_round,
    opened,
)
from benchmarks.harness import CONTRACT, Row, Run, Target, figure_rows, progress, rotated, stopwatch
from benchmarks.instant_server import LISTED_ORDERS, PAGE_SIZE, instant_server, open_orders_page
from benchmarks.processes import Server

NAMES = [RAW_AIOHTTP, CCXT_ASYNC, AIOHTTP_SDK, ASYNC_SDK, CCXT, SYNC_SDK, SYNC_HTTPX]
LABELS = {name: CONTENDERS[name].label for name in NAMES}
# What each contender's ratios are taken of.
BASES = {
    RAW_AIOHTTP: [CCXT_ASYNC],
    AIOHTTP_SDK: [CCXT_ASYNC, RAW_AIOHTTP],
    ASYNC_SDK: [CCXT_ASYNC, RAW_AIOHTTP],
    SYNC_SDK: [CCXT, RAW_AIOHTTP],
    SYNC_HTTPX: [CCXT, RAW_AIOHTTP],
}
# Issue 25's targets.
CPU_TARGETS = [Target(AIOHTTP_SDK, 1.0, CCXT_ASYNC), Target(SYNC_SDK, 0.7, CCXT)]
BULK_TARGETS = [Target(AIOHTTP_SDK, 1.0, CCXT_ASYNC, at_most=False)]
WIRE_TARGETS = [Target(AIOHTTP_SDK, 1.0, CCXT_ASYNC)]
FLOOR, ONE_PASS, GENERATED, LISTING = (
    "the parse floor",
    "reply reading, one pass",
    "reply reading, generated models + readers",
    "SwapClient listing (HTTP included)",
)
LISTING_TARGETS = [Target(LISTING, 3.0, FLOOR)]
MEMORY_TARGET = Target(AIOHTTP_SDK, 200, unit="B/ID")
UNPACED: dict[str, Any] = {"max_requests_per_second": None, "allow_insecure_http": True}


def cpu_per_request(bench: Run, contenders: Opened) -> dict[str, list[float]]:
    """µs of this process's CPU per 10-ID cancel, one in flight, per round."""
    cpu: dict[str, list[float]] = {name: [] for name in NAMES}
    requests = bench.settings.cost_requests
    for name in NAMES:  # warm up: connections open, modules loaded
        contenders.runner.run(cpu_round(contenders.cancels[name], chunks(20)))
    for round_index in range(bench.settings.cost_rounds):
        progress(f"client cost: CPU per request, round {round_index + 1}")
        for name in rotated(NAMES, round_index):
            seconds, answered = contenders.runner.run(
                cpu_round(contenders.cancels[name], chunks(requests))
            )
            if answered != requests:
                bench.failures.append(f"client cost: {name} answered {answered} of {requests}")
            cpu[name].append(seconds / requests * 1e6)
    return cpu


async def call_to_wire(
    server: Server, contenders: Opened, calls: int, rounds: int
) -> dict[str, list[float]]:
    """µs from the call to the server's receipt of the whole request (p50 per round)."""
    session = contenders.clients[RAW_AIOHTTP].session

    async def times() -> list[float]:
        async with session.get(server.base_url + "/_times") as reply:
            received: list[float] = json.loads(await reply.read())
            return received

    p50: dict[str, list[float]] = {name: [] for name in NAMES}
    for round_index in range(rounds):
        for name in rotated(NAMES, round_index):
            await times()
            starts = []
            for chunk in chunks(calls):
                starts.append(time.monotonic())  # the server's clock
                await contenders.cancels[name](chunk)
            received = await times()
            assert len(received) == len(starts), (name, len(received), len(starts))
            gaps = [r - s for r, s in zip(received, starts, strict=True)]
            p50[name].append(statistics.median(gaps) * 1e6)
    return p50


async def bulk(
    contenders: Opened, ids: int, rounds: int
) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """IDs per second cancelling ``ids`` IDs unpaced, as many requests in flight for every
    contender as the SDK starts with (MIN_IN_FLIGHT), and this process's CPU µs per ID meanwhile
    (steadier than wall time on a loaded machine)."""
    from htx_swap._engine import MIN_IN_FLIGHT

    every = [order_id for chunk in chunks(ids // 10) for order_id in chunk]

    async def sdk(name: str) -> int:
        return int(await contenders.cancels[name](every))

    async def pooled(cancel: AsyncCancel) -> int:
        work = iter(chunks(ids // 10))
        answered = [0]

        async def worker() -> None:
            for chunk in work:
                cancelled = await cancel(chunk)  # awaited before the sum is read
                answered[0] += cancelled

        await asyncio.gather(*(worker() for _ in range(MIN_IN_FLIGHT)))
        return answered[0]

    runs: dict[str, Callable[[], Awaitable[int]]] = {
        RAW_AIOHTTP: lambda: pooled(contenders.cancels[RAW_AIOHTTP]),
        CCXT_ASYNC: lambda: pooled(contenders.cancels[CCXT_ASYNC]),
        AIOHTTP_SDK: lambda: sdk(AIOHTTP_SDK),
        ASYNC_SDK: lambda: sdk(ASYNC_SDK),
    }
    rates: dict[str, list[float]] = {name: [] for name in runs}
    cpu: dict[str, list[float]] = {name: [] for name in runs}
    for round_index in range(rounds):
        for name in rotated(list(runs), round_index):
            with stopwatch() as took:
                cancelled = await runs[name]()
            assert cancelled == ids, (name, cancelled)
            rates[name].append(ids / took.wall)
            cpu[name].append(took.cpu / ids * 1e6)
    return rates, cpu


def listing_cpu(server: Server, rounds: int) -> dict[str, list[float]]:
    """ms of CPU to list LISTED_ORDERS open orders: SwapClient, its reading alone, the floor."""
    from htx_swap import SwapClient
    from htx_swap._operations import FAMILIES
    from htx_swap._orders import MarginMode

    pages = [open_orders_page(n) for n in range(1, LISTED_ORDERS // PAGE_SIZE + 1)]
    operation: Any = FAMILIES[MarginMode.ISOLATED].open_orders

    def floor() -> int:
        count = 0
        for page in pages:
            document = json.loads(page)
            for order in document["data"]["orders"]:
                Decimal(str(order["volume"]))
                Decimal(str(order["callback_rate"]))
                Decimal(str(order["active_price"]))
                datetime.fromtimestamp(order["created_at"] / 1000, UTC)
                order["order_id_str"]
                count += 1
        return count

    options: dict[str, Any] = UNPACED | {"pool_limit": None}
    client = SwapClient(server.credentials, base_url=server.base_url, **options)
    module = sys.modules[operation.send.__module__]

    class _Reply:  # what the generated parser reads of a reply
        status_code = 200

        def __init__(self, content: bytes) -> None:
            self.content = content

        def json(self) -> Any:
            return json.loads(self.content)

    def sdk_reading() -> int:
        from htx_swap._send import parse

        return sum(
            len(parse(operation, module, client.generated, 200, page, _Reply(page)).value.orders)
            for page in pages
        )

    def generated_reading() -> int:
        return sum(
            len(
                operation.read(
                    module._parse_response(client=client.generated, response=_Reply(page))
                ).orders
            )
            for page in pages
        )

    runs: dict[str, Callable[[], int]] = {
        FLOOR: floor,
        ONE_PASS: sdk_reading,
        GENERATED: generated_reading,
        LISTING: lambda: len(list(client.open_trailing_orders(CONTRACT))),
    }
    if getattr(operation.read, "document", None) is None:  # code before one-pass reading
        del runs[ONE_PASS]
    cpu: dict[str, list[float]] = {name: [] for name in runs}
    for name, listing in runs.items():
        assert listing() == LISTED_ORDERS, name
    for round_index in range(rounds):
        for name in rotated(list(runs), round_index):
            with stopwatch() as took:
                for _ in range(5):
                    runs[name]()
            cpu[name].append(took.cpu / 5 * 1e3)
    client.close()
    return cpu


def memory_per_id(server: Server, ids: int) -> float:
    """Peak traced memory growth per ID cancelling ``ids`` IDs with AsyncSwapClient(aiohttp)."""
    from htx_swap import AsyncSwapClient

    every = [order_id for chunk in chunks(ids // 10) for order_id in chunk]

    async def run() -> float:
        async with AsyncSwapClient(
            server.credentials, base_url=server.base_url, transport="aiohttp", **UNPACED
        ) as client:
            await client.cancel_trailing_orders(CONTRACT, every[:100])  # warm
            gc.collect()
            tracemalloc.start()
            base = tracemalloc.get_traced_memory()[0]
            result = await client.cancel_trailing_orders(CONTRACT, every)
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            assert len(result.cancelled) == ids
            return (peak - base) / ids

    return asyncio.run(run())


def chunks(count: int, start: int = 0) -> list[list[str]]:
    return [[str(10**17 + start + i * 10 + j) for j in range(10)] for i in range(count)]


def run(bench: Run) -> list[Row]:
    settings = bench.settings
    rows: list[Row] = []
    with instant_server() as server:
        with opened(server, NAMES, **UNPACED) as contenders:
            cpu = cpu_per_request(bench, contenders)
            section = "10. Client CPU per 10-ID cancel, µs (a server that answers at once)"
            rows += figure_rows(section, cpu, "{:.0f} µs", LABELS, BASES, CPU_TARGETS)
            progress("client cost: unpaced bulk")
            size = settings.cost_bulk_ids
            rates, bulk_cpu = contenders.runner.run(bulk(contenders, size, settings.cost_rounds))
            section = f"11. Unpaced bulk, {size:,} IDs (the others 4 in flight), IDs/s"
            rows += figure_rows(section, rates, "{:,.0f} IDs/s", LABELS, BASES, BULK_TARGETS)
            section = f"11. Unpaced bulk, {size:,} IDs, CPU µs per ID"
            rows += figure_rows(section, bulk_cpu, "{:.1f} µs", LABELS, BASES)
            progress("client cost: call to wire")
            wire = contenders.runner.run(
                call_to_wire(server, contenders, settings.wire_calls, settings.cost_rounds)
            )
            section = "12. Call to the whole request on the wire, p50 µs"
            rows += figure_rows(section, wire, "{:.0f} µs", LABELS, BASES, WIRE_TARGETS)
        progress("client cost: listing")
        listing = listing_cpu(server, settings.cost_rounds)
        section = f"13. CPU to list {LISTED_ORDERS:,} open orders ({PAGE_SIZE} a page), ms"
        bases = {name: [FLOOR] for name in listing if name != FLOOR}
        rows += figure_rows(section, listing, "{:.1f} ms", {}, bases, LISTING_TARGETS)
        progress("client cost: memory")
        per_id = {AIOHTTP_SDK: [memory_per_id(server, settings.memory_ids)]}
        section = f"14. Memory, {settings.memory_ids:,} IDs in one call, peak traced growth"
        rows += figure_rows(section, per_id, "{:.0f} B/ID", LABELS, {}, [MEMORY_TARGET])
    return rows
