"""Every Python example in the README type-checks under `mypy --strict`, as a user's code would:
in a directory of its own, against the installed package (its py.typed), with no project config."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```python\n(.*?)```", README, re.DOTALL)
# What an example takes as given rather than defines, declared as the user's code would have it.
GIVEN = {"order_ids": "order_ids: list[str]\n"}


def test_every_python_example_type_checks_under_mypy_strict(tmp_path: Path) -> None:
    assert len(BLOCKS) >= 6
    for index, block in enumerate(BLOCKS):
        given = "".join(line for name, line in GIVEN.items() if re.search(rf"\b{name}\b", block))
        (tmp_path / f"readme_example_{index}.py").write_text(given + block, encoding="utf-8")
    # The project's own cache when it is there (`make typecheck` ran first): checking the
    # examples then reads the package's types instead of analysing them again.
    cache = ROOT / ".mypy_cache" if (ROOT / ".mypy_cache").is_dir() else tmp_path / "cache"
    finished = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(cache), "--no-color-output",
         *sorted(path.name for path in tmp_path.glob("readme_example_*.py"))],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )  # fmt: skip
    assert finished.returncode == 0, finished.stdout + finished.stderr
    assert finished.stdout.startswith("Success: no issues found in ")
