"""benchmarks/results.md's prose: what `make bench` writes (benchmarks/findings.md at its end),
with the 2026-11-26 findings marked as an earlier run that the newest one supersedes."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RESULTS = (ROOT / "benchmarks" / "results.md").read_text(encoding="utf-8")
FINDINGS = (ROOT / "benchmarks" / "findings.md").read_text(encoding="utf-8")


def test_results_end_with_the_findings_make_bench_writes() -> None:
    assert RESULTS.endswith(FINDINGS)


def test_the_2026_11_26_findings_are_marked_as_an_earlier_run() -> None:
    [heading] = [line for line in FINDINGS.splitlines() if "2026-11-26" in line]
    assert heading.startswith("## Earlier run (2026-11-26)")
    assert "superseded by the run above" in heading
