"""The recipe "change the spec, run scripts/regenerate" reaches users with no other edit.

A scratch change (``scratch_change``: an optional reply field, an optional request field, a new
value in a closed request-side set) is applied to a copy of the spec and regenerated into a
temp dir; the unchanged wrapper and sandbox then run over that generated client, in a child
interpreter, and the test checks what a user gets: the reply field in ``raw``, the request field
sent through ``params`` (and accepted by the sandbox), the new value accepted by the library and
the command.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from htx_swap import Credentials, InvalidRequestError, SwapClient
from htx_swap._validation import ORDER_PRICE_TYPES

from . import scratch_change

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def changed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A scratch tree with the changed spec, regenerated: its ``generated/`` directory."""
    root = tmp_path_factory.mktemp("changed")
    for name in ("openapi", "scripts"):
        shutil.copytree(ROOT / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(ROOT / "generator-config.yml", root / "generator-config.yml")
    spec_path = root / "openapi" / "htx-linear-swap.yaml"
    spec = scratch_change.apply(yaml.safe_load(spec_path.read_text(encoding="utf-8")))
    spec_path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    finished = subprocess.run(
        [str(root / "scripts" / "regenerate")],
        cwd=root,
        env={**os.environ, "REGENERATE_VENV": str(Path(sys.executable).parents[1])},
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert finished.returncode == 0, finished.stdout + finished.stderr
    return root / "generated"


@pytest.fixture(scope="module")
def found(changed: Path) -> dict[str, Any]:
    """What the unchanged wrapper does over the regenerated client."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(changed), str(ROOT / "tests")])}
    env.pop("COVERAGE_ON_IMPORT", None)
    finished = subprocess.run(
        [sys.executable, "-m", "spec_change.child"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert finished.returncode == 0, finished.stdout + finished.stderr
    result: dict[str, Any] = json.loads(finished.stdout)
    return result


def test_the_child_runs_the_regenerated_client_under_the_unchanged_wrapper(
    changed: Path, found: dict[str, Any]
) -> None:
    assert found["generated_from"].startswith(str(changed))
    assert found["model_has_reply_field"] is True
    assert found["wrapper"].startswith(str(ROOT / "wrapper"))


def test_the_new_reply_field_is_in_raw(found: dict[str, Any]) -> None:
    assert found["raw_reply_field"] == "ge"


def test_the_new_request_field_goes_out_through_params(found: dict[str, Any]) -> None:
    assert found["place_body"]["channel_code"] == "sdk"
    assert found["placed"] == "918819679173152768"
    # A name the changed spec still doesn't declare is refused before anything is sent.
    assert "'channel_kode' is not a field of the place request" in found["misspelt_param"]
    assert found["requests_sent"] == 2
    assert found["cli"][1] == {"channel_code": "cli"}


def test_the_new_enum_value_is_accepted(found: dict[str, Any]) -> None:
    assert found["place_body"]["order_price_type"] == scratch_change.NEW_VALUE
    assert found["order_price_type_read"] == scratch_change.NEW_VALUE
    assert found["cli"][0] == scratch_change.NEW_VALUE


def test_the_sandbox_accepts_the_request_with_the_new_field(found: dict[str, Any]) -> None:
    assert found["sandbox_open"] == [found["sandbox_placed"]]


def test_the_committed_client_refuses_what_only_the_changed_spec_declares() -> None:
    """The same calls on the committed spec are refused: the change, not the test, is what
    lets them through."""
    assert scratch_change.NEW_VALUE not in ORDER_PRICE_TYPES
    with (
        SwapClient(Credentials("access-key", "secret-key")) as client,
        pytest.raises(InvalidRequestError, match="'channel_code' is not a field"),
    ):
        client.place_trailing_order(
            "BTC-USDT",
            direction="buy",
            volume=1,
            callback_rate="0.01",
            active_price="1",
            order_price_type="optimal_5",
            params={"channel_code": "sdk"},
        )
