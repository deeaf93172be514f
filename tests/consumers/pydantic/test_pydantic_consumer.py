"""A second language's consumer: pydantic v2 models generated from the published bundle by
datamodel-code-generator (pinned in pyproject.toml), as a Python team would, offline.

Every example in the spec is validated through the generated models (requests through the
`<Operation>Request` model, replies through the `<Operation>Envelope` union, which must pick its
member by `status`), then again with unknown fields added at every level; IDs are read from
`order_id_str`.

datamodel-codegen needs `--strict-nullable` to honour `nullable: true` on a required field (without
it, history's `triggered_price: null` fails); the README says so.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from spec.family import OPERATIONS, load_spec, operation_examples, pascal

SPEC = load_spec()
VENV_BIN = Path(sys.executable).parent
LISTS = [op for op in OPERATIONS if op.startswith("get")]


@pytest.fixture(scope="module")
def models(published_spec: Path, tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    out = tmp_path_factory.mktemp("pydantic") / "htx_models.py"
    result = subprocess.run(
        [
            str(VENV_BIN / "datamodel-codegen"),
            "--input", str(published_spec / "htx-linear-swap.yaml"),
            "--input-file-type", "openapi",
            "--output-model-type", "pydantic_v2.BaseModel",
            "--target-python-version", "3.11",
            "--strict-nullable",
            "--formatters", "builtin",
            "--output", str(out),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    spec = importlib.util.spec_from_file_location("htx_models", out)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["htx_models"] = module  # pydantic resolves forward references through it
    spec.loader.exec_module(module)
    return module


def _model(models: ModuleType, name: str) -> Any:
    return getattr(models, name)


def _cases(owner: str) -> list[Any]:
    return [
        pytest.param(operation_id, name, value, id=f"{operation_id}-{name}")
        for operation_id in OPERATIONS
        for name, value in operation_examples(SPEC, operation_id, owner).items()
    ]


def test_every_schema_keeps_its_name_and_nothing_is_suffixed(models: ModuleType) -> None:
    source = Path(models.__file__ or "").read_text(encoding="utf-8")
    classes = set(re.findall(r"^class (\w+)\(", source, flags=re.MULTILINE))
    assert set(SPEC["components"]["schemas"]) <= classes
    assert [name for name in classes if re.search(r"[A-Za-z]\d+$", name)] == []


@pytest.mark.parametrize(("operation_id", "name", "example"), _cases("request"))
def test_request_examples_validate(
    models: ModuleType, operation_id: str, name: str, example: dict[str, Any]
) -> None:
    request = _model(models, f"{pascal(operation_id)}Request").model_validate(example)
    assert request.model_dump(mode="json", exclude_unset=True) == example


@pytest.mark.parametrize(("operation_id", "name", "example"), _cases("200"))
def test_reply_examples_pick_their_envelope_by_status(
    models: ModuleType, operation_id: str, name: str, example: dict[str, Any]
) -> None:
    envelope = _model(models, f"{pascal(operation_id)}Envelope")
    reply = envelope.model_validate_json(json.dumps(example)).root
    expected = "ErrorReply" if example["status"] == "error" else f"{pascal(operation_id)}Reply"
    assert type(reply).__name__ == expected
    # exclude_unset: an optional field a later spec adds is absent from the example, not null.
    assert reply.model_dump(mode="json", exclude_unset=True) == example


def _add_unknown_fields(example: dict[str, Any]) -> dict[str, Any]:
    changed = copy.deepcopy(example)
    changed["unknown_top"] = {"nested": [1]}
    data = changed.get("data")
    if isinstance(data, dict):
        data["unknown_data"] = "x"
        for item in data.get("orders", []) + data.get("errors", []):
            item["unknown_item"] = None
    return changed


@pytest.mark.parametrize(("operation_id", "name", "example"), _cases("200"))
def test_replies_with_unknown_fields_still_validate(
    models: ModuleType, operation_id: str, name: str, example: dict[str, Any]
) -> None:
    envelope = _model(models, f"{pascal(operation_id)}Envelope")
    plain = envelope.model_validate(example).root
    changed = _add_unknown_fields(example)
    extended = envelope.model_validate(changed).root
    assert type(extended) is type(plain)
    assert extended.model_extra == {"unknown_top": {"nested": [1]}}
    # The known fields read the same; the unknown ones are carried along, not refused.
    assert extended.model_dump(mode="json", exclude_unset=True) == changed
    assert plain.model_dump(mode="json", exclude_unset=True) == example


@pytest.mark.parametrize("operation_id", ["placeTrailingOrder", "placeCrossTrailingOrder", *LISTS])
def test_order_ids_are_read_from_order_id_str(models: ModuleType, operation_id: str) -> None:
    example = operation_examples(SPEC, operation_id, "200")["vendor"]
    text = json.dumps(example)
    expected = re.findall(r'"order_id_str": "(\d+)"', text)
    assert expected, "the example carries IDs"
    reply = _model(models, f"{pascal(operation_id)}Envelope").model_validate_json(text).root
    data = reply.data
    ids = (
        [order.order_id_str for order in data.orders]
        if hasattr(data, "orders")
        else [data.order_id_str]
    )
    assert ids == expected


OK = {"status": "ok", "data": {"errors": [], "successes": ""}, "ts": 1}
ERROR = {"status": "error", "err_code": 1051, "err_msg": "x", "ts": 1}


@pytest.mark.parametrize(
    ("reply", "valid"),
    [
        pytest.param(OK, True, id="ok"),
        pytest.param(ERROR, True, id="error"),
        pytest.param({**OK, "status": "error"}, False, id="ok-body-error-status"),
        pytest.param({**ERROR, "status": "maybe"}, False, id="unknown-status"),
    ],
)
def test_the_envelope_takes_the_branch_its_status_names(
    models: ModuleType, reply: dict[str, Any], valid: bool
) -> None:
    envelope = _model(models, "CancelAllTrailingOrdersEnvelope")
    try:
        envelope.model_validate(reply)
    except ValueError:  # pydantic.ValidationError
        parsed = False
    else:
        parsed = True
    assert parsed is valid


def test_open_sets_take_new_values_and_closed_ones_do_not(models: ModuleType) -> None:
    example = copy.deepcopy(operation_examples(SPEC, "getCrossOpenTrailingOrders", "200")["vendor"])
    order = example["data"]["orders"][0]
    envelope = _model(models, "GetCrossOpenTrailingOrdersEnvelope")
    order.update(
        order_price_type="lightning", status=7, order_source="web", business_type="options"
    )
    assert envelope.model_validate(example).root.data.orders[0].status == 7
    order["direction"] = "hold"
    with pytest.raises(ValueError, match="direction"):
        envelope.model_validate(example)
