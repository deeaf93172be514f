"""The OpenAPI document: valid, self-consistent, and every example validates against its schema."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from openapi_schema_validator import OAS30Validator
from openapi_spec_validator import validate

from .conftest import load_spec

PATH = "/linear-swap-api/v1/swap_track_cancel"


def _pointer(*parts: str) -> str:
    escaped = (part.replace("~", "~0").replace("/", "~1") for part in parts)
    return "#/" + "/".join(escaped)


def _validator(spec: dict[str, Any], *parts: str) -> OAS30Validator:
    """A validator for the schema at `parts`, resolving refs and discriminators in the spec."""
    return OAS30Validator({**spec, "$ref": _pointer(*parts)})


def _examples(spec: dict[str, Any]) -> Iterator[tuple[str, tuple[str, ...], Any]]:
    """Every example in the document: media-type `examples` and schema-property `example`."""
    operation = spec["paths"][PATH]["post"]
    media_types = [("requestBody", ("requestBody",), operation["requestBody"])]
    for status, response in operation["responses"].items():
        media_types.append((f"response {status}", ("responses", status), response))
    for label, prefix, owner in media_types:
        for media_name, media in owner.get("content", {}).items():
            schema = ("paths", PATH, "post", *prefix, "content", media_name, "schema")
            for name, example in media.get("examples", {}).items():
                yield f"{label} {name}", schema, example["value"]
    for name, schema in spec["components"]["schemas"].items():
        for prop, prop_schema in schema.get("properties", {}).items():
            if "example" in prop_schema:
                pointer = ("components", "schemas", name, "properties", prop)
                yield f"{name}.{prop}", pointer, prop_schema["example"]


def test_spec_is_valid_openapi_3_0_3(spec: dict[str, Any]) -> None:
    validate(spec)
    assert spec["openapi"] == "3.0.3"


def test_info_version_is_semver(spec: dict[str, Any]) -> None:
    parts = spec["info"]["version"].split(".")
    assert len(parts) == 3
    assert all(part.isdigit() for part in parts)


def test_the_walk_finds_the_vendor_examples(spec: dict[str, Any]) -> None:
    """Guards the walk itself: if it found nothing, the example tests would pass vacuously."""
    names = {name for name, _, _ in _examples(spec)}
    assert {"requestBody vendor", "response 200 vendor", "response 200 rateLimited"} <= names
    assert {
        "CancelTrailingOrdersRequest.contract_code",
        "CancelTrailingOrdersRequest.order_id",
    } <= names


@pytest.mark.parametrize(
    ("pointer", "example"),
    [pytest.param(pointer, value, id=name) for name, pointer, value in _examples(load_spec())],
)
def test_example_validates_against_its_schema(
    spec: dict[str, Any], pointer: tuple[str, ...], example: Any
) -> None:
    _validator(spec, *pointer).validate(example)


REPLY = ("paths", PATH, "post", "responses", "200", "content", "application/json", "schema")
REQUEST = ("components", "schemas", "CancelTrailingOrdersRequest")


@pytest.mark.parametrize(
    "reply",
    [
        pytest.param({"status": "ok", "ts": 1}, id="ok-without-data"),
        pytest.param(
            {"status": "ok", "data": {"errors": []}, "ts": 1}, id="data-without-successes"
        ),
        pytest.param({"status": "error", "err_msg": "x", "ts": 1}, id="error-without-code"),
        pytest.param({"status": "maybe", "ts": 1}, id="unknown-status"),
        pytest.param(
            {"status": "ok", "data": {"errors": [], "successes": ""}, "ts": "1"}, id="ts-as-string"
        ),
        pytest.param(
            {"status": "ok", "data": {"errors": [{"err_code": 1061}], "successes": ""}, "ts": 1},
            id="order-error-without-id",
        ),
    ],
)
def test_malformed_reply_does_not_validate(spec: dict[str, Any], reply: dict[str, Any]) -> None:
    assert not _validator(spec, *REPLY).is_valid(reply)


def test_error_envelope_validates(spec: dict[str, Any]) -> None:
    reply = {
        "status": "error",
        "err_code": 1014,
        "err_msg": "This contract doesn't exist.",
        "ts": 5,
    }
    assert _validator(spec, *REPLY).is_valid(reply)


@pytest.mark.parametrize(
    "order_id",
    ["1", "1,2,3,4,5,6,7,8,9,10", "9223372036854775807", "826052268312821761,826052268312821760"],
)
def test_request_accepts_one_to_ten_decimal_ids(spec: dict[str, Any], order_id: str) -> None:
    assert _validator(spec, *REQUEST).is_valid({"contract_code": "BTC-USDT", "order_id": order_id})


@pytest.mark.parametrize(
    "order_id",
    ["", "1,2,3,4,5,6,7,8,9,10,11", "1,,2", "1, 2", "-1", "0x1f", "1e5", "0123", "１２３", "1,"],
)
def test_request_rejects_malformed_order_ids(spec: dict[str, Any], order_id: str) -> None:
    assert not _validator(spec, *REQUEST).is_valid(
        {"contract_code": "BTC-USDT", "order_id": order_id}
    )


@pytest.mark.parametrize("contract_code", ["", "btc-usdt", "BTC", "BTC_USDT", "BTC-USD"])
def test_request_rejects_malformed_contract_codes(spec: dict[str, Any], contract_code: str) -> None:
    assert not _validator(spec, *REQUEST).is_valid(
        {"contract_code": contract_code, "order_id": "1"}
    )


def test_operation_declares_its_rate_limit(spec: dict[str, Any]) -> None:
    operation = spec["paths"][PATH]["post"]
    assert operation["x-rate-limit"]["requests"] == 5
    assert operation["x-rate-limit"]["interval-ms"] == 1000
    assert "5 times per second" in operation["description"]


def test_signing_is_declared_as_security_schemes(spec: dict[str, Any]) -> None:
    expected = {"AccessKeyId", "SignatureMethod", "SignatureVersion", "Timestamp", "Signature"}
    schemes = spec["components"]["securitySchemes"]
    assert set(schemes) == expected
    assert all(scheme["in"] == "query" for scheme in schemes.values())
    assert set(spec["security"][0]) == expected
