"""5. Scale: time, CPU and peak traced memory per ID for growing numbers of IDs, sandbox
unlimited. Target: flat per-ID cost (linear growth)."""

from __future__ import annotations

import math
import statistics
import tracemalloc

from benchmarks.contenders import Sdk
from benchmarks.harness import CHUNK, Row, Run, progress, rotated, spread, stopwatch, yes_no
from benchmarks.processes import sandbox_process

FLAT_TOLERANCE = 1.25  # "flat": the larger run's per-ID cost within this factor of the smaller's


def run(bench: Run) -> list[Row]:
    section = "5. Scale (SwapClient, sandbox unlimited)"
    settings = bench.settings
    sizes = list(settings.scale_sizes)
    wall: dict[int, list[float]] = {size: [] for size in sizes}
    cpu: dict[int, list[float]] = {size: [] for size in sizes}
    peak: dict[int, int] = {}
    refused: dict[int, list[int]] = {size: [0, 0] for size in sizes}
    with sandbox_process(rate=None) as sandbox:

        def once(size: int, *, trace: bool) -> None:
            sandbox.reset()
            ids = sandbox.seed(size)
            # HTX's 72 per 3 s would be the bottleneck, not the client: pool_limit=None.
            client = Sdk(sandbox, max_requests_per_second=settings.scale_rate, pool_limit=None)
            try:
                with stopwatch() as took:
                    if trace:  # that run's time is not taken: tracing slows the client
                        tracemalloc.start()
                    cancelled = client.cancel(ids)
                if trace:
                    peak[size] = tracemalloc.get_traced_memory()[1]
                    tracemalloc.stop()
            finally:
                client.close()
            stats = sandbox.stats()
            refused[size][0] += stats["rejections"].get("403", 0)
            refused[size][1] += stats["requests"]
            if cancelled != size:
                bench.failures.append(
                    f"{section}: {cancelled} of {size} cancelled ({stats['rejections']})"
                )
            if not trace:
                wall[size].append(took.wall / size)
                cpu[size].append(took.cpu / size)

        for round_index in range(settings.scale_rounds):
            for size in rotated(sizes, round_index):
                progress(f"scale: round {round_index + 1}, {size:,} IDs")
                once(size, trace=False)
        for size in sizes:
            progress(f"scale: peak memory, {size:,} IDs")
            once(size, trace=True)

    rows = []
    smallest = sizes[0]
    for size in sizes:
        measured = (
            spread([s * 1e6 for s in wall[size]], "{:.1f} µs")
            + " wall/ID; "
            + spread([s * 1e6 for s in cpu[size]], "{:.1f} µs")
            + f" CPU/ID; peak {peak[size] / size:.0f} B/ID ({peak[size] / 2**20:.1f} MiB)"
        )
        label = f"{size:,} IDs ({math.ceil(size / CHUNK):,} requests)"
        refusals = f"{refused[size][0]} of {refused[size][1]}"
        if size == smallest:
            rows.append(Row(section, label, measured, "1.00x (per-ID baseline)", refused=refusals))
            continue
        time_growth = statistics.median(wall[size]) / statistics.median(wall[smallest])
        memory_growth = (peak[size] / size) / (peak[smallest] / smallest)
        ratio = f"{time_growth:.2f}x time/ID, {memory_growth:.2f}x memory/ID of {smallest:,}"
        met = time_growth <= FLAT_TOLERANCE and memory_growth <= FLAT_TOLERANCE
        target = f"flat per ID (≤ {FLAT_TOLERANCE}x)"
        rows.append(Row(section, label, measured, ratio, target, yes_no(met), refusals))
    return rows
