"""benchmarks/results.md's prose: what `make bench` writes (scripts/bench.py's FINDINGS), with
the 2026-11-26 findings marked as an earlier run that the newest one supersedes."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RESULTS = (ROOT / "benchmarks" / "results.md").read_text(encoding="utf-8")


def _findings() -> str:
    """scripts/bench.py's FINDINGS, read without importing the script (it imports ccxt...)."""
    tree = ast.parse((ROOT / "scripts" / "bench.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] == [
            "FINDINGS"
        ]:
            value = ast.literal_eval(node.value)
            assert isinstance(value, str)
            return value
    raise AssertionError("scripts/bench.py has no FINDINGS")


def test_results_end_with_the_findings_make_bench_writes() -> None:
    assert RESULTS.endswith(_findings())


def test_the_2026_11_26_findings_are_marked_as_an_earlier_run() -> None:
    [heading] = [line for line in _findings().splitlines() if "2026-11-26" in line]
    assert heading.startswith("## Earlier run (2026-11-26)")
    assert "superseded by the run above" in heading
