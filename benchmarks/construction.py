"""7. Client construction: constructing a client to an https:// URL in a fresh interpreter, the
first in the process and the next one, now and before."""

from __future__ import annotations

import statistics

from benchmarks.harness import Row, Run, progress, ratios, rotated, spread, yes_no
from benchmarks.processes import Child

TARGET = 0.5  # of the code before
CASES = {
    ("sync", "first"): "SwapClient, the first in a process",
    ("sync", "next"): "SwapClient, the next one",
    ("async", "first"): "AsyncSwapClient, the first in a process",
    ("async", "next"): "AsyncSwapClient, the next one",
}


def run(bench: Run) -> list[Row]:
    section = "7. Client construction (fresh interpreter, https:// URL)"
    now = Child(None)
    seconds: dict[tuple[str, str, str], list[float]] = {}
    contenders = [("sync", "now"), ("sync", "before"), ("async", "now"), ("async", "before")]
    for run_index in range(bench.settings.construction_runs):
        progress(f"client construction: run {run_index + 1}")
        for client, when in rotated(contenders, run_index):
            child = now if when == "now" else bench.before()
            reply = child.run(
                {"kind": "construct", "client": client, "base_url": "https://api.hbdm.com"}
            )
            for which in ("first", "next"):
                seconds.setdefault((client, which, when), []).append(reply[which])
    rows = []
    for (client, which), label in CASES.items():
        now_s, before_s = seconds[(client, which, "now")], seconds[(client, which, "before")]
        measured = (
            spread([s * 1000 for s in now_s], "{:.2f} ms")
            + "; before "
            + spread([s * 1000 for s in before_s], "{:.1f} ms")
        )
        versus = ratios(now_s, before_s)
        met = statistics.median(versus) <= TARGET
        rows.append(
            Row(
                section,
                label,
                measured,
                spread(versus, "{:.3f}x") + " of before",
                f"≤ {TARGET}x before",
                yes_no(met),
            )
        )
    return rows
