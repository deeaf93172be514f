"""8b. Time to cancel: a warm client cancelling one 10-ID chunk, p50 and p99 wall time per call."""

from __future__ import annotations

import time

from benchmarks.contenders import (
    AIOHTTP_SDK,
    ASYNC_SDK,
    CCXT,
    CCXT_ASYNC,
    CONTENDERS,
    SYNC_SDK,
    AsyncCancel,
    opened,
)
from benchmarks.harness import CHUNK, Row, Run, chunked, progress, quantile, rotated
from benchmarks.processes import refused_403, sandbox_process

NAMES = [SYNC_SDK, ASYNC_SDK, AIOHTTP_SDK, CCXT, CCXT_ASYNC]
SDKS = (SYNC_SDK, ASYNC_SDK, AIOHTTP_SDK)


async def timed(cancel: AsyncCancel, chunks: list[list[str]]) -> tuple[list[float], int]:
    """Each call's wall time, and the calls that did not cancel their every ID."""
    took, failed = [], 0
    for chunk in chunks:
        started = time.perf_counter()
        cancelled = await cancel(chunk)
        took.append(time.perf_counter() - started)
        failed += cancelled != len(chunk)
    return took, failed


def run(bench: Run) -> list[Row]:
    calls = bench.settings.warm_calls
    section = f"8b. Time to cancel: a warm client, one 10-ID chunk ({calls:,} calls each)"
    block = max(1, min(100, calls // 5))  # calls per turn: contenders interleave in blocks
    walls: dict[str, list[float]] = {name: [] for name in NAMES}
    with sandbox_process(rate=None) as sandbox, opened(sandbox, NAMES) as contenders:

        def turn(name: str, count: int) -> list[float]:
            work = chunked(sandbox.seed(count * CHUNK))
            took, failed = contenders.runner.run(timed(contenders.cancels[name], work))
            if failed:  # any contender's failure spoils its figure
                error = contenders.errors.get(name, "a cancel was not settled")
                bench.failures.append(f"{section}: {name}: {failed} failed: {error}")
            return took

        for name in NAMES:  # connections open, lazy imports done
            turn(name, 3)
        stats = sandbox.stats()
        done, turns = 0, 0
        while done < calls:
            size = min(block, calls - done)
            progress(f"time to cancel (b): calls {done + 1} to {done + size}")
            for name in rotated(NAMES, turns):
                walls[name].extend(turn(name, size))
            done += size
            turns += 1
        refused, requests = refused_403(stats, sandbox.stats())

    p50 = {name: quantile(walls[name], 0.5) for name in NAMES}
    p99 = {name: quantile(walls[name], 0.99) for name in NAMES}
    rows = []
    for name in NAMES:
        measured = f"p50 {p50[name] * 1000:.2f} ms, p99 {p99[name] * 1000:.2f} ms"
        ratio = "—"
        if name in SDKS:
            ratio = "; ".join(
                f"p50 {p50[name] / p50[base]:.2f}x, p99 {p99[name] / p99[base]:.2f}x of {base}"
                for base in (CCXT, CCXT_ASYNC)
            )
        label = CONTENDERS[name].label
        rows.append(Row(section, label, measured, ratio, refused=f"{refused} of {requests}"))
    return rows
