"""2. Bulk cancel at the ceiling: many IDs, sandbox limit N requests per 1 s sliding window and a
latency; SwapClient, AsyncSwapClient (each transport) and a naive loop."""

from __future__ import annotations

import asyncio
import math
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from benchmarks.contenders import AIOHTTP_SDK, Sdk, SdkAsync
from benchmarks.harness import CHUNK, Row, Run, chunked, progress, rotated, spread, yes_no
from benchmarks.processes import Server, sandbox_process

TARGET = 0.95  # of the fastest schedule the limit allows
NAIVE = "naive loop"


@dataclass(frozen=True)
class BulkRun:
    requests: int
    wall: float
    rate_limited: int
    refused: int
    peak_window: int
    cancelled: int


# Each contender cancels the IDs with a fresh client: (when its last reply came, IDs cancelled).
Bulk = Callable[[Server, list[str], dict[str, Any]], tuple[float, int]]


def sync_bulk(server: Server, ids: list[str], options: dict[str, Any]) -> tuple[float, int]:
    client = Sdk(server, **options)
    try:
        cancelled = client.cancel(ids)
        return time.time(), cancelled
    finally:
        client.close()


def async_bulk(
    server: Server, ids: list[str], options: dict[str, Any], transport: str
) -> tuple[float, int]:
    async def bulk() -> tuple[float, int]:
        client = SdkAsync(server, transport, **options)
        try:
            cancelled = await client.cancel(ids)
            return time.time(), cancelled
        finally:
            await client.close()

    return asyncio.run(bulk())


def naive_bulk(server: Server, ids: list[str], options: dict[str, Any]) -> tuple[float, int]:
    """One chunk per call, each call waiting for its reply: paced by the SDK's limiter, but
    never more than one request in flight."""
    client = Sdk(server, **options)
    try:
        cancelled = sum(client.cancel(chunk) for chunk in chunked(ids))
        return time.time(), cancelled
    finally:
        client.close()


RUNNERS: dict[str, Bulk] = {
    "SwapClient": sync_bulk,
    "AsyncSwapClient": lambda server, ids, options: async_bulk(server, ids, options, "httpx"),
    AIOHTTP_SDK: lambda server, ids, options: async_bulk(server, ids, options, "aiohttp"),
    NAIVE: naive_bulk,
}


def run(bench: Run) -> list[Row]:
    settings = bench.settings
    section = f"2. Bulk cancel, {settings.bulk_ids:,} IDs at {settings.bulk_rate}/s"
    rate, latency = settings.bulk_rate, settings.bulk_latency
    names = list(RUNNERS)
    runs: dict[str, list[BulkRun]] = {name: [] for name in names}
    # Measured against the per-interface limit alone: a bulk rate above 24/s would otherwise run
    # into the per-UID pool (72 per 3 s); the clients leave it unpaced too.
    options: dict[str, Any] = {"max_requests_per_second": rate, "pool_limit": None}
    with sandbox_process(rate=rate, interval=1.0, pool_rate=None, latency=latency) as sandbox:
        for round_index in range(settings.bulk_rounds):
            for name in rotated(names, round_index):
                progress(f"bulk cancel: round {round_index + 1}, {name}")
                sandbox.reset()
                ids = sandbox.seed(settings.bulk_ids)
                try:
                    ended, cancelled = RUNNERS[name](sandbox, ids, options)
                except Exception as error:
                    ended, cancelled = time.time(), 0
                    bench.failures.append(f"{section}: {name} raised {error!r}")
                stats = sandbox.stats()
                runs[name].append(
                    BulkRun(
                        requests=stats["requests"],
                        wall=ended - min(sandbox.request_times()),
                        rate_limited=stats["rejections"].get("1032", 0),
                        refused=stats["rejections"].get("403", 0),
                        peak_window=max(stats["max_window_count"].values(), default=0),
                        cancelled=cancelled,
                    )
                )

    chunks = math.ceil(settings.bulk_ids / CHUNK)
    # The fastest the limit allows: a full window at once, the next a second later, ... and the
    # last reply one latency after the last start.
    fastest = (math.ceil(chunks / rate) - 1) * 1.0 + latency
    rows = []
    for name in names:
        name_runs = runs[name]
        for one in name_runs:
            if one.cancelled != settings.bulk_ids or one.refused:
                bench.failures.append(
                    f"{section}: {name} cancelled {one.cancelled} of {settings.bulk_ids} "
                    f"({one.refused} refused with 403)"
                )
        achieved = [one.requests / one.wall for one in name_runs]
        of_fastest = [fastest / one.wall for one in name_runs]
        limited = sum(one.rate_limited for one in name_runs)
        peak = max(one.peak_window for one in name_runs)
        measured = (
            spread(achieved, "{:.1f} req/s")
            + f"; 1032 rejections: {limited}; peak {peak} per 1 s window"
        )
        ratio = (
            spread([a / rate for a in achieved], "{:.2f}")
            + " of limit; "
            + spread(of_fastest, "{:.2f}")
            + " of fastest schedule"
        )
        refused = f"{sum(r.refused for r in name_runs)} of {sum(r.requests for r in name_runs)}"
        if name == NAIVE:
            label = "naive loop (SwapClient, one 10-ID call at a time)"
            rows.append(Row(section, label, measured, ratio, refused=refused))
            continue
        met = statistics.median(of_fastest) >= TARGET and limited == 0
        target = f"≥ {TARGET} of fastest schedule, no 1032"
        rows.append(Row(section, name, measured, ratio, target, yes_no(met), refused))
    return rows
