"""`make help` describes the demo as what scripts/demo.py does."""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_make_help_describes_the_demo_as_a_whole_life_cycle() -> None:
    """The demo places, lists, cancels, cancels all and reads the history: not only cancels."""
    shown = subprocess.run(
        ["make", "--no-print-directory", "-s", "help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    ).stdout
    # The demo's entry: its line and the indented ones that continue it.
    lines = shown.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("make demo "))
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("make ")), None)
    demo = " ".join(lines[start:end])
    assert "life cycle" in demo
    for step in ("place", "list", "cancel", "cancel-all", "history"):
        assert step in demo
