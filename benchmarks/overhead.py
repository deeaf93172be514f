"""1. Per-request overhead: client CPU time per single-chunk cancel (10 IDs), sandbox unlimited."""

from __future__ import annotations

import statistics
from dataclasses import replace

from benchmarks.contenders import (
    AIOHTTP_SDK,
    ASYNC_BEFORE,
    ASYNC_CHILD,
    ASYNC_SDK,
    CCXT,
    CCXT_ASYNC,
    CONTENDERS,
    RAW,
    RAW_ASYNC,
    SYNC_BEFORE,
    SYNC_CHILD,
    SYNC_HTTPX,
    SYNC_SDK,
    cpu_round,
    opened,
)
from benchmarks.harness import (
    CHUNK,
    Row,
    Run,
    Target,
    chunked,
    figure_rows,
    progress,
    ratios,
    rotated,
    yes_no,
)
from benchmarks.processes import Child, refused_403, sandbox_process

# Each contender, and what its ratios are taken of.
BASES = {
    RAW: [],
    RAW_ASYNC: [RAW],
    SYNC_SDK: [CCXT, RAW],
    SYNC_HTTPX: [CCXT, RAW],
    ASYNC_SDK: [CCXT_ASYNC, RAW_ASYNC],
    AIOHTTP_SDK: [CCXT_ASYNC, ASYNC_SDK, RAW_ASYNC],
    SYNC_BEFORE: [CCXT],
    ASYNC_BEFORE: [CCXT_ASYNC],
    SYNC_CHILD: [SYNC_BEFORE],
    ASYNC_CHILD: [ASYNC_BEFORE],
    CCXT: [RAW],
    CCXT_ASYNC: [RAW_ASYNC],
}
# Issue 15's targets; and AsyncSwapClient's ratio to ccxt async before (2026-11-26 table), which
# it must not exceed, nor its child the child before.
TARGETS = [Target(SYNC_SDK, 0.9, CCXT), Target(AIOHTTP_SDK, 2.0, CCXT_ASYNC)]
ASYNC_BEFORE_VS_CCXT = 3.07
WARMUP = 3


def run(bench: Run) -> list[Row]:
    settings = bench.settings
    section = "1. Per-request overhead (client CPU per 10-ID cancel)"
    names = list(BASES)
    per_round, rounds = settings.overhead_requests, settings.overhead_rounds
    needed = (WARMUP + rounds * per_round + rounds * WARMUP) * len(names) * CHUNK
    cpu: dict[str, list[float]] = {name: [] for name in names}
    ok = dict.fromkeys(names, 0)
    sent = dict.fromkeys(names, 0)
    refused = dict.fromkeys(names, 0)
    with sandbox_process(rate=None) as sandbox, opened(sandbox, names) as contenders:
        chunks = iter(chunked(sandbox.seed(needed)))
        now = Child(None)

        def measure(name: str, count: int) -> tuple[float, int]:
            contender = CONTENDERS[name]
            stats = sandbox.stats()
            if contender.kind == "child":  # a fresh interpreter: its warm-up goes with each round
                child = bench.before() if contender.tree == "before" else now
                work = [next(chunks) for _ in range(count + WARMUP)]
                reply = child.cancel(contender.client, sandbox, work[:WARMUP], work[WARMUP:])
                seconds, answered = reply["cpu"], int(reply["ok"])
            else:
                work = [next(chunks) for _ in range(count)]
                cancel = contenders.cancels[name]
                seconds, answered = contenders.runner.run(cpu_round(cancel, work))
            rejected, requests = refused_403(stats, sandbox.stats())
            refused[name] += rejected
            sent[name] += requests
            return seconds, answered

        for name in names:  # connections open, lazy imports done, caches warm
            if CONTENDERS[name].kind != "child":
                measure(name, WARMUP)
        for round_index in range(rounds):
            progress(f"per-request overhead: round {round_index + 1}")
            for name in rotated(names, round_index):
                seconds, answered = measure(name, per_round)
                cpu[name].append(seconds / per_round)
                ok[name] += answered
        errors = contenders.errors

    total = rounds * per_round
    for name in names:
        failed = total - ok[name]
        if not failed and not refused[name]:
            continue
        report = (
            f"{section}: {name}: {failed} of {total} cancels failed "
            f"({refused[name]} requests refused with 403; first error: "
            f"{errors.get(name, 'none raised')})"
        )
        # A refusal means the contender is not doing the real work; a stray transport error
        # (say, a keep-alive connection the server closed) does not spoil its CPU figure.
        if refused[name] or failed > max(1, total // 100):
            bench.failures.append(report)
        else:
            bench.remarks.append(report)

    def versus(name: str, base: str) -> float:
        return statistics.median(ratios(cpu[name], cpu[base]))

    labels = {name: bench.label(CONTENDERS[name].label) for name in names}
    micros = {name: [s * 1e6 for s in cpu[name]] for name in names}
    rows = []
    figures = figure_rows(section, micros, "{:.0f} µs", labels, BASES, TARGETS)
    for name, row in zip(names, figures, strict=True):  # in the order of `micros`
        row = replace(
            row,
            measured=f"{row.measured}; {ok[name]}/{total} ok",
            ratio="1.00x (the floor)" if name == RAW else row.ratio,
            refused=f"{refused[name]} of {sent[name]}",
        )
        if name == ASYNC_SDK:
            met = (
                versus(name, CCXT_ASYNC) <= ASYNC_BEFORE_VS_CCXT
                and versus(ASYNC_CHILD, ASYNC_BEFORE) <= 1.0
            )
            target = (
                f"no worse than before: ≤ {ASYNC_BEFORE_VS_CCXT}x {CCXT_ASYNC}, and "
                f"{ASYNC_CHILD} ≤ 1x {ASYNC_BEFORE}"
            )
            row = replace(row, target=target, met=yes_no(met))
        rows.append(row)
    return rows
