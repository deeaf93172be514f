"""`make bench` puts its newest table into the README (the README says it refreshes both)."""

from __future__ import annotations

import shutil
from pathlib import Path

from benchmarks.report import refresh_readme

ROOT = Path(__file__).resolve().parents[2]


def _first_table(lines: list[str]) -> list[str]:
    start = next(i for i, line in enumerate(lines) if line.startswith("| Benchmark |"))
    end = next(i for i in range(start, len(lines)) if not lines[i].startswith("|"))
    return lines[start:end]


def test_the_readme_carries_the_newest_results_table() -> None:
    """As committed: the README's Benchmarks table and its first line are results.md's."""
    results = (ROOT / "benchmarks" / "results.md").read_text(encoding="utf-8").splitlines()
    readme = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert _first_table(readme) == _first_table(results)
    measured = next(line for line in results if line.startswith("Measured by `make bench`"))
    assert measured in readme


def test_a_new_run_replaces_the_table_and_its_date_and_nothing_else(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    shutil.copy(ROOT / "README.md", readme)
    before = readme.read_text(encoding="utf-8").splitlines()
    results = (ROOT / "benchmarks" / "results.md").read_text(encoding="utf-8")
    newer = results.replace("Measured by `make bench` on ", "Measured by `make bench` on 2099 ", 1)
    newer = newer.replace("| 9. List", "| 9. Listed", 1)
    refresh_readme(readme, newer)
    after = readme.read_text(encoding="utf-8").splitlines()
    changed = [(old, new) for old, new in zip(before, after, strict=True) if old != new]
    assert len(changed) == 2
    assert changed[0][1].startswith("Measured by `make bench` on 2099 ")
    assert changed[1][1].startswith("| 9. Listed")
