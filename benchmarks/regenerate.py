"""4. Regeneration: wall time of `scripts/regenerate`, run on a copy of the tree."""

from __future__ import annotations

import filecmp
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from benchmarks.harness import Row, Run, progress, spread
from benchmarks.processes import ROOT


def run(bench: Run) -> list[Row]:
    """Time scripts/regenerate on a copy of what it reads and writes: the work tree stays as is."""
    section = "4. Regeneration"
    seconds: list[float] = []
    identical = True
    for run_index in range(bench.settings.regen_runs):
        progress(f"regeneration: run {run_index + 1}")
        with tempfile.TemporaryDirectory(prefix="htx-bench-") as scratch:
            copy = Path(scratch)
            (copy / "scripts").mkdir()
            shutil.copy2(ROOT / "scripts" / "regenerate", copy / "scripts" / "regenerate")
            shutil.copy2(ROOT / "generator-config.yml", copy / "generator-config.yml")
            shutil.copytree(ROOT / "openapi", copy / "openapi")
            shutil.copytree(ROOT / "generated", copy / "generated")
            (copy / ".venv").symlink_to(ROOT / ".venv")
            started = time.perf_counter()
            subprocess.run(
                [str(copy / "scripts" / "regenerate")], check=True, stdout=subprocess.DEVNULL
            )
            seconds.append(time.perf_counter() - started)
            identical = identical and same_tree(ROOT / "generated", copy / "generated")
    note = "output identical to generated/" if identical else "output differs from generated/"
    return [Row(section, "scripts/regenerate", spread(seconds, "{:.2f} s") + f"; {note}")]


def same_tree(left: Path, right: Path) -> bool:
    return _same(filecmp.dircmp(left, right, ignore=["__pycache__"]))


def _same(comparison: filecmp.dircmp[str]) -> bool:
    if comparison.left_only or comparison.right_only or comparison.funny_files:
        return False
    _, mismatch, errors = filecmp.cmpfiles(
        comparison.left, comparison.right, comparison.common_files, shallow=False
    )
    if mismatch or errors:
        return False
    return all(_same(sub) for sub in comparison.subdirs.values())
