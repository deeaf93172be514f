"""Show the reliability figures (faults, IDs, unresolved, rejections) at the end of the run."""

from __future__ import annotations

import pytest

from .support import FIGURES


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if FIGURES:
        terminalreporter.section("reliability figures")
        for line in FIGURES:
            terminalreporter.write_line(line)
