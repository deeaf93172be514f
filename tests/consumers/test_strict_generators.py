"""openapi-generator's Go client (pinned jar from PyPI, run on Java) tolerates unknown reply fields.

The issue: with 1.0.0, a Go client generated with default settings failed to parse an ok reply
carrying one unknown field. The generated models for schemas without `additionalProperties`
unmarshal with `DisallowUnknownFields`; with `additionalProperties: true` they collect unknown
fields in an `AdditionalProperties` map instead. No Go toolchain or Go modules are reachable here,
so this reads the generated code: every reply model must take the collecting path (1.0.0's
cancel reply is the control that the check can tell them apart).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GENERATOR = Path(sys.executable).parent / "openapi-generator-cli"
REPLY_MODELS = re.compile(r"model_(.*_(reply|page|order|cancellation|error))\.go$")


def generate_go_models(spec: Path, out: Path) -> dict[str, str]:
    """The Go models openapi-generator writes for `spec`, by file name."""
    result = subprocess.run(
        [
            str(GENERATOR), "generate", "-i", str(spec), "-g", "go", "-o", str(out),
            "--global-property", "models,supportingFiles=utils.go",
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return {path.name: path.read_text(encoding="utf-8") for path in out.glob("model_*.go")}


def reply_models(models: dict[str, str]) -> dict[str, str]:
    return {name: code for name, code in models.items() if REPLY_MODELS.search(name)}


def tolerates_unknown_fields(code: str) -> bool:
    return (
        "DisallowUnknownFields" not in code
        and "AdditionalProperties map[string]interface{}" in code
    )


def test_every_reply_model_of_the_go_client_collects_unknown_fields(
    published_spec: Path, tmp_path: Path
) -> None:
    models = reply_models(generate_go_models(published_spec / "htx-linear-swap.yaml", tmp_path))
    assert "model_place_trailing_order_reply.go" in models
    assert "model_cross_historic_trailing_order.go" in models
    assert len(models) >= 20
    assert [name for name, code in models.items() if not tolerates_unknown_fields(code)] == []


@pytest.fixture(scope="module")
def models_of_1_0_0(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    spec = ROOT / "openapi" / "published" / "1.0.0.yaml"
    return generate_go_models(spec, tmp_path_factory.mktemp("go-1.0.0"))


@pytest.mark.parametrize("model", ["model_cancel_trailing_orders_reply.go", "model_error_reply.go"])
def test_the_check_tells_1_0_0_s_strict_models_apart(
    models_of_1_0_0: dict[str, str], model: str
) -> None:
    """The control: 1.0.0 said nothing about additions, and its Go models refuse them."""
    assert "DisallowUnknownFields" in models_of_1_0_0[model]
    assert not tolerates_unknown_fields(models_of_1_0_0[model])
