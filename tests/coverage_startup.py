"""Coverage for the Python subprocesses the tests start, run by a .pth file (see the Makefile)
when COVERAGE_ON_IMPORT names coverage's configuration file.

Only a process that imports ``htx_swap`` or ``htx_sandbox`` starts coverage, at that import: the
pytest-xdist workers, the command and a sandbox in its own process are measured, while the tools
the tests run (openapi-python-client, pip, Node's helpers) don't pay coverage's start-up (about
0.2 s a process) and tracing. Not COVERAGE_PROCESS_START: coverage's own .pth would start it in
every process.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from importlib.machinery import ModuleSpec
from types import ModuleType

MEASURED = ("htx_swap", "htx_sandbox")


class _StartCoverageOnImport:
    """A meta path finder that finds nothing: it only notices our packages being imported."""

    started = False

    def find_spec(
        self, name: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if not self.started and name.partition(".")[0] in MEASURED:
            self.started = True
            # Already measuring: coverage is in charge here (`coverage run`, the test run itself,
            # whose start looks our packages up through this very finder). Merely imported (a
            # pytest-xdist worker's plugins may import it) is not measuring.
            running = sys.modules.get("coverage")
            if running is None or running.Coverage.current() is None:
                import coverage

                os.environ["COVERAGE_PROCESS_START"] = os.environ["COVERAGE_ON_IMPORT"]
                try:
                    coverage.process_startup()
                finally:  # this process's children decide for themselves, by their imports
                    del os.environ["COVERAGE_PROCESS_START"]
        return None


# A venv's lib64 -> lib symlink has site read this .pth file twice: one finder is enough.
if not any(type(finder).__name__ == _StartCoverageOnImport.__name__ for finder in sys.meta_path):
    sys.meta_path.insert(0, _StartCoverageOnImport())
