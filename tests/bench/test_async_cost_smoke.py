"""`benchmarks/async_cost.py`: every row still runs and every contender is answered as expected.

The figures are never asserted (timing is not a pass/fail test); the script itself exits
non-zero if any contender's cancel or listing is not answered in full.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "benchmarks" / "async_cost.py"


def test_every_row_of_the_async_cost_benchmark_runs() -> None:
    finished = subprocess.run(
        [
            sys.executable,
            str(SCRIPT),
            "--rounds",
            "1",
            "--requests",
            "5",
            "--bulk",
            "200",
            "--memory",
            "1000",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert finished.returncode == 0, finished.stderr[-3000:]
    rows = [
        line for line in finished.stdout.splitlines() if line.startswith("| ") and "---" not in line
    ]
    labels = {(row.split(" | ")[0][2:], row.split(" | ")[1]) for row in rows[1:]}
    for contender in ("raw aiohttp", "ccxt async", 'AsyncSwapClient(transport="aiohttp")',
                      "AsyncSwapClient (httpx)", "ccxt sync", "SwapClient"):  # fmt: skip
        assert ("CPU µs per 10-ID cancel", contender) in labels, contender
        assert ("Call to wire p50 µs", contender) in labels, contender
    figures = {figure for figure, _ in labels}
    assert any(figure.startswith("Bulk 200 IDs") for figure in figures)
    assert ("CPU ms to list 1,000 orders", "reply reading, one pass") in labels
    assert any(figure.startswith("Memory, 1,000 IDs") for figure in figures)
