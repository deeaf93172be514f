"""scripts/regenerate in a scratch copy of the repo: spec changes flow in, hand edits are caught."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
MODEL = Path("generated/htx_swap_client/models/cancel_trailing_orders_request.py")


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The spec, the config, the script and the committed generated/ in a throwaway tree."""
    root = tmp_path_factory.mktemp("repo")
    for name in ("openapi", "generated", "scripts"):
        shutil.copytree(ROOT / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(ROOT / "generator-config.yml", root / "generator-config.yml")
    return root


def regenerate(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "REGENERATE_VENV": str(Path(sys.executable).parents[1])}
    return subprocess.run(
        [str(root / "scripts" / "regenerate"), *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_committed_generated_client_is_what_the_spec_produces(scratch: Path) -> None:
    finished = regenerate(scratch, "--check")
    assert finished.returncode == 0, finished.stdout + finished.stderr


def test_a_hand_edit_under_generated_fails_the_check_with_a_diff(scratch: Path) -> None:
    edited = scratch / MODEL
    original = edited.read_text(encoding="utf-8")
    edited.write_text(original.replace("contract_code (str)", "contract_code (str) edited"))
    try:
        finished = regenerate(scratch, "--check")
    finally:
        edited.write_text(original, encoding="utf-8")
    assert finished.returncode == 1
    assert "contract_code (str) edited" in finished.stdout
    assert "never edit generated/ by hand" in finished.stderr


def test_an_optional_request_property_added_to_the_spec_reaches_the_model(scratch: Path) -> None:
    spec_path = scratch / "openapi" / "htx-linear-swap.yaml"
    original = spec_path.read_text(encoding="utf-8")
    spec = yaml.safe_load(original)
    request = spec["components"]["schemas"]["CancelTrailingOrdersRequest"]
    request["properties"]["client_note"] = {"type": "string", "description": "A note."}
    spec_path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    try:
        assert regenerate(scratch).returncode == 0
        model = (scratch / MODEL).read_text(encoding="utf-8")
        stale = regenerate(scratch, "--check")
    finally:  # the scratch tree as it was, for the module's other tests
        spec_path.write_text(original, encoding="utf-8")
        shutil.rmtree(scratch / "generated")
        shutil.copytree(
            ROOT / "generated", scratch / "generated", ignore=shutil.ignore_patterns("__pycache__")
        )
    assert "client_note: str | Unset = UNSET" in model
    assert '"client_note"' in model
    assert stale.returncode == 0, "regenerating leaves generated/ matching the spec"
