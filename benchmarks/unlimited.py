"""6. Unlimited bulk: one cancel of many IDs with nothing paced, IDs/s, now and before."""

from __future__ import annotations

import asyncio
import statistics
from dataclasses import replace

from benchmarks.contenders import (
    AIOHTTP_SDK,
    ASYNC_BEFORE,
    ASYNC_CHILD,
    ASYNC_SDK,
    CONTENDERS,
    SYNC_BEFORE,
    SYNC_CHILD,
    SYNC_SDK,
    Contender,
)
from benchmarks.harness import Row, Run, progress, ratios, rotated, spread, stopwatch, yes_no
from benchmarks.processes import Child, SandboxProcess, sandbox_process

TARGET = 2.0  # AsyncSwapClient's IDs/s, of the code before (issue 15), child against child
# Before runs in a child interpreter; so does "now, in a child", and the targets compare those
# two (a child is somewhat slower than this process: like with like).
NAMES = [SYNC_SDK, ASYNC_SDK, AIOHTTP_SDK, SYNC_BEFORE, ASYNC_BEFORE, SYNC_CHILD, ASYNC_CHILD]
VERSUS = {
    SYNC_SDK: SYNC_BEFORE,
    ASYNC_SDK: ASYNC_BEFORE,
    AIOHTTP_SDK: ASYNC_BEFORE,
    SYNC_CHILD: SYNC_BEFORE,
    ASYNC_CHILD: ASYNC_BEFORE,
}
# (at least, target's words) for the IDs/s of its VERSUS.
TARGETS = {
    ASYNC_CHILD: (TARGET, f"≥ {TARGET}x before"),
    SYNC_CHILD: (1.0, "no worse than before (≥ 1x)"),
}


def in_process(
    contender: Contender, sandbox: SandboxProcess, ids: list[str]
) -> tuple[float, float, bool]:
    """A fresh client (its construction not timed): wall and CPU time of one call, all cancelled."""
    assert contender.open is not None
    open_client = contender.open
    if contender.kind == "sync":
        client = open_client(sandbox)
        try:
            with stopwatch() as took:
                cancelled = client.cancel(ids)
        finally:
            client.close()
        return took.wall, took.cpu, cancelled == len(ids)

    async def on_loop() -> tuple[float, float, bool]:
        client = open_client(sandbox)
        try:
            with stopwatch() as took:
                cancelled = await client.cancel(ids)
        finally:
            await client.close()
        return took.wall, took.cpu, cancelled == len(ids)

    return asyncio.run(on_loop())


def run(bench: Run) -> list[Row]:
    size = bench.settings.unlimited_ids
    section = f"6. Unlimited bulk, {size:,} IDs (sandbox unlimited, no pacing)"
    per_second: dict[str, list[float]] = {name: [] for name in NAMES}
    cpu: dict[str, list[float]] = {name: [] for name in NAMES}
    refused = {name: [0, 0] for name in NAMES}
    now = Child(None)
    with sandbox_process(rate=None) as sandbox:
        for round_index in range(bench.settings.unlimited_rounds):
            for name in rotated(NAMES, round_index):
                progress(f"unlimited bulk: round {round_index + 1}, {name}")
                sandbox.reset()
                ids = sandbox.seed(size)
                contender = CONTENDERS[name]
                if contender.kind == "child":
                    child = bench.before() if contender.tree == "before" else now
                    reply = child.cancel(contender.client, sandbox, [], [ids])
                    wall, cpu_time, all_cancelled = reply["wall"], reply["cpu"], reply["ok"] == 1
                else:
                    wall, cpu_time, all_cancelled = in_process(contender, sandbox, ids)
                stats = sandbox.stats()
                refused[name][0] += stats["rejections"].get("403", 0)
                refused[name][1] += stats["requests"]
                if not all_cancelled:
                    bench.failures.append(f"{section}: {name} did not cancel all {size} IDs")
                per_second[name].append(size / wall)
                cpu[name].append(cpu_time / size)

    rows = []
    for name in NAMES:
        measured = (
            spread(per_second[name], "{:,.0f} IDs/s")
            + "; "
            + spread([c * 1e6 for c in cpu[name]], "{:.0f} µs")
            + " CPU/ID"
        )
        row = Row(
            section,
            bench.label(CONTENDERS[name].label),
            measured,
            refused=f"{refused[name][0]} of {refused[name][1]}",
        )
        base = VERSUS.get(name)
        if base is not None:
            gains = ratios(per_second[name], per_second[base])
            row = replace(row, ratio=spread(gains, "{:.2f}x") + f" the IDs/s of {base}")
            if name in TARGETS:
                least, words = TARGETS[name]
                row = replace(row, target=words, met=yes_no(statistics.median(gains) >= least))
        rows.append(row)
    return rows
