"""HTX's own examples as the referee: every request and reply example in `examples.json`.

Three checks, each against sources the project did not write (see each example's `source`):

- every reply example is read by the SDK (the generated model, then the operation's reader), with
  the exact order IDs HTX meant, even where HTX's page renders `order_id` rounded;
- every request example is accepted by the spec's request schema, except for the fields listed
  in its `spec_stricter`, where the spec is deliberately stricter than HTX and says so in the
  field's description;
- every request example is answered `ok` by the sandbox, as HTX answered it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from openapi_schema_validator import OAS30Validator
from sandbox.signer import query_string
from spec.family import load_spec, pointer

from htx_sandbox import DEFAULT_CREDENTIALS, Exchange
from htx_swap._operations import OPERATIONS
from htx_swap._replies import CancelAnswer, Page, PlacedAnswer

DATA = json.loads((Path(__file__).parent / "examples.json").read_text(encoding="utf-8"))
EXAMPLES: list[dict[str, Any]] = DATA["examples"]
REPLIES = [e for e in EXAMPLES if e["kind"] == "reply"]
REQUESTS = [e for e in EXAMPLES if e["kind"] == "request"]
HOST = "sandbox.test"
# The phrase a field's description carries where the spec refuses what HTX accepts.
STRICTER = "stricter than HTX"


def _name(example: dict[str, Any]) -> str:
    return f"{example['operation']}:{example['source'][:40]}"


def _operation(path_name: str) -> Any:
    (found,) = (op for op in OPERATIONS if op.path.endswith("/" + path_name))
    return found


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    return load_spec()


def test_every_operation_has_request_and_reply_examples_with_sources() -> None:
    names = {op.path.rsplit("/", 1)[1] for op in OPERATIONS}
    for kind in ("request", "reply"):
        covered = {e["operation"] for e in EXAMPLES if e["kind"] == kind}
        assert covered == names, kind
    assert all(e["source"] for e in EXAMPLES)


@pytest.mark.parametrize("example", REPLIES, ids=[_name(e) for e in REPLIES])
def test_the_sdk_reads_every_reply_example_with_exact_ids(example: dict[str, Any]) -> None:
    operation = _operation(example["operation"])
    result = operation.read(operation.reply_type.from_dict(example["body"]))
    expect = example["expect"]
    if isinstance(result, PlacedAnswer):
        assert result.order_id == expect["order_id"]
        assert result.raw == example["body"]["data"]  # the object exactly as HTX sent it
    elif isinstance(result, CancelAnswer):
        assert list(result.cancelled) == expect["cancelled"]
        assert [[f.order_id, f.err_code] for f in result.failures] == expect["failures"]
    else:
        assert isinstance(result, Page)
        assert [o.order_id for o in result.orders] == expect["order_ids"]
        assert [result.current_page, result.total_page, result.total_size] == expect["page"]
        # Not the page's rendering of order_id: a double would have rounded these.
        for order, raw in zip(result.orders, example["body"]["data"]["orders"], strict=True):
            assert order.order_id == raw["order_id_str"]


def _request_schema(spec: dict[str, Any], path_name: str) -> str:
    post = spec["paths"]["/linear-swap-api/v1/" + path_name]["post"]
    ref: str = post["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    return ref


@pytest.mark.parametrize("example", REQUESTS, ids=[_name(e) for e in REQUESTS])
def test_the_spec_accepts_every_request_example_or_says_why_not(
    spec: dict[str, Any], example: dict[str, Any]
) -> None:
    ref = _request_schema(spec, example["operation"])
    validator = OAS30Validator({**spec, "$ref": ref})
    refused = {
        str(error.absolute_path[0]) if error.absolute_path else "<object>"
        for error in validator.iter_errors(example["body"])
    }
    assert refused == set(example.get("spec_stricter", ())), list(
        validator.iter_errors(example["body"])
    )
    schemas = spec["components"]["schemas"]
    properties = schemas[ref.rsplit("/", 1)[1]]["properties"]
    for name in refused:
        field = properties[name]
        if "$ref" in field:  # a shared schema: its own description says it
            field = schemas[field["$ref"].rsplit("/", 1)[1]]
        assert STRICTER in " ".join(field["description"].split()), name


@pytest.mark.parametrize("example", REQUESTS, ids=[_name(e) for e in REQUESTS])
def test_the_sandbox_answers_every_request_example_ok(example: dict[str, Any]) -> None:
    clock = _Clock()
    exchange = Exchange(clock=clock, rate=None)
    # Open orders the cancel-all examples can cancel (buy/close), in both modes.
    for mode in ("isolated", "cross"):
        exchange.seed_orders(
            "BTC-USDT",
            generate=2,
            margin_mode=mode,
            fields={"direction": "buy", "offset": "close"},
        )
    path = "/linear-swap-api/v1/" + example["operation"]
    keys = DEFAULT_CREDENTIALS
    admission = exchange.admit(
        "POST", HOST, path, query_string(keys.access_key, keys.secret_key, HOST, clock(), path)
    )
    assert admission.refusal is None
    reply = exchange.apply(admission, json.dumps(example["body"]).encode())
    envelope = json.loads(reply.body)
    assert (reply.status_code, envelope["status"]) == (200, "ok"), envelope


class _Clock:
    def __call__(self) -> float:
        return 1_700_000_000.0


def test_examples_json_is_pointer_safe() -> None:
    # The data file's operations are the spec's paths, spelled as HTX spells them.
    for example in EXAMPLES:
        assert pointer("paths", "/linear-swap-api/v1/" + example["operation"]).startswith("#/")
