"""The OpenAPI document: valid, self-consistent, the whole trailing-order family described as the
issue asks, and every example validates against its schema."""

from __future__ import annotations

import re
from typing import Any

import pytest
from openapi_schema_validator import OAS30Validator
from openapi_spec_validator import validate

from .family import (
    OPERATIONS,
    READ_OPERATIONS,
    TRADE_OPERATIONS,
    examples,
    load_spec,
    operation,
    pascal,
    pointer,
)

CANCEL = OPERATIONS["cancelTrailingOrders"]
SCHEMA_REF = "#/components/schemas/"


def _validator(spec: dict[str, Any], *parts: str) -> OAS30Validator:
    """A validator for the schema at `parts`, resolving refs and discriminators in the spec."""
    return OAS30Validator({**spec, "$ref": pointer(*parts)})


def _schema(spec: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = spec["components"]["schemas"][name]
    return found


def _ref_name(node: dict[str, Any]) -> str:
    ref = node["$ref"]
    assert ref.startswith(SCHEMA_REF), ref
    return str(ref.removeprefix(SCHEMA_REF))


def _reachable(spec: dict[str, Any], name: str) -> set[str]:
    """The component schema `name` and every component schema it refers to."""
    seen: set[str] = set()
    todo = [name]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        stack: list[Any] = [_schema(spec, current)]
        while stack:
            node = stack.pop()
            if isinstance(node, dict):
                if isinstance(node.get("$ref"), str):
                    todo.append(_ref_name(node))
                stack.extend(node.values())
            elif isinstance(node, list):
                stack.extend(node)
    return seen


def _reply_schemas(spec: dict[str, Any]) -> set[str]:
    return {
        schema
        for operation_id in OPERATIONS
        for schema in _reachable(spec, f"{pascal(operation_id)}Envelope")
    }


def _request_schemas(spec: dict[str, Any]) -> set[str]:
    return {
        schema
        for operation_id in OPERATIONS
        for schema in _reachable(spec, f"{pascal(operation_id)}Request")
    }


def _objects(spec: dict[str, Any], names: set[str]) -> set[str]:
    return {name for name in names if _schema(spec, name).get("type") == "object"}


# --- validity and shape -----------------------------------------------------------------------


def test_spec_is_valid_openapi_3_0_3(spec: dict[str, Any]) -> None:
    validate(spec)
    assert spec["openapi"] == "3.0.3"


def test_info_version_is_semver(spec: dict[str, Any]) -> None:
    parts = spec["info"]["version"].split(".")
    assert len(parts) == 3
    assert all(part.isdigit() for part in parts)


def test_the_family_is_the_ten_operations_under_one_tag(spec: dict[str, Any]) -> None:
    found = {
        post["operationId"]: path
        for path, item in spec["paths"].items()
        for method, post in item.items()
        if method == "post"
    }
    assert found == OPERATIONS
    assert all(set(item) == {"post"} for item in spec["paths"].values())
    tags = {tag for path in OPERATIONS.values() for tag in spec["paths"][path]["post"]["tags"]}
    assert tags == {"Swap Strategy Order Interface"}
    assert [tag["name"] for tag in spec["tags"]] == ["Swap Strategy Order Interface"]


@pytest.mark.parametrize("operation_id", sorted(OPERATIONS))
def test_request_reply_and_envelope_are_named_components(
    spec: dict[str, Any], operation_id: str
) -> None:
    post = operation(spec, operation_id)
    name = pascal(operation_id)
    body = post["requestBody"]
    assert body["required"] is True
    assert _ref_name(body["content"]["application/json"]["schema"]) == f"{name}Request"
    reply = post["responses"]["200"]["content"]["application/json"]["schema"]
    assert _ref_name(reply) == f"{name}Envelope"
    envelope = _schema(spec, f"{name}Envelope")
    assert [_ref_name(member) for member in envelope["oneOf"]] == [f"{name}Reply", "ErrorReply"]
    # No discriminator: generators that map it to a tagged union (Rust's serde, C#, Kotlin) read
    # `status` of the ok branch as ErrorStatus. The branches differ in their `status` value and
    # their required fields, which every generator checks.
    assert "discriminator" not in envelope
    ok = _schema(spec, f"{name}Reply")
    assert _ref_name(ok["properties"]["status"]) == "OkStatus"
    error = _schema(spec, "ErrorReply")
    assert _ref_name(error["properties"]["status"]) == "ErrorStatus"
    assert {"data"} <= set(ok["required"]) - set(error["required"])
    assert {"err_code", "err_msg"} <= set(error["required"]) - set(ok["required"])
    assert set(ok["required"]) == {"status", "data", "ts"}
    assert "$ref" in ok["properties"]["data"], "data is a named schema too"


def test_no_component_is_named_like_a_generated_operation_type(spec: dict[str, Any]) -> None:
    """@hey-api/openapi-ts names its own types <Operation>Data, ...Error(s), ...Response(s): a
    schema with one of those names makes it rename one of them (`CancelTrailingOrdersData2`)."""
    suffixes = ("Data", "Error", "Errors", "Response", "Responses")
    taken = {pascal(op) + suffix for op in OPERATIONS for suffix in suffixes}
    assert taken.isdisjoint(spec["components"]["schemas"])


def test_names_the_wrapper_relies_on_are_kept(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    assert schemas["OkStatus"]["enum"] == ["ok"]
    assert schemas["ErrorStatus"]["enum"] == ["error"]
    assert _ref_name(schemas["ErrorReply"]["properties"]["status"]) == "ErrorStatus"
    assert {"CancelTrailingOrdersRequest", "CancelTrailingOrdersReply", "ErrorReply"} <= set(
        schemas
    )
    data = _ref_name(schemas["CancelTrailingOrdersReply"]["properties"]["data"])
    assert _ref_name(schemas[data]["properties"]["errors"]["items"]) == "OrderCancelError"
    assert set(schemas[data]["required"]) == {"errors", "successes"}


@pytest.mark.parametrize(
    "operation_id",
    ["cancelCrossTrailingOrders", "cancelAllTrailingOrders", "cancelAllCrossTrailingOrders"],
)
def test_cancel_and_cancel_all_share_the_data_schema(
    spec: dict[str, Any], operation_id: str
) -> None:
    mine = _schema(spec, f"{pascal(operation_id)}Reply")["properties"]["data"]
    theirs = _schema(spec, "CancelTrailingOrdersReply")["properties"]["data"]
    assert mine == theirs


def test_every_reply_object_tolerates_unknown_fields(spec: dict[str, Any]) -> None:
    """Strict generators (openapi-generator's Go client) reject an unknown field unless told."""
    replies = _objects(spec, _reply_schemas(spec))
    assert len(replies) >= 20
    assert {
        name for name in replies if _schema(spec, name).get("additionalProperties") is not True
    } == set()


def test_no_request_refuses_unknown_fields(spec: dict[str, Any]) -> None:
    requests = _objects(spec, _request_schemas(spec))
    assert len(requests) == 10
    assert all(
        _schema(spec, name).get("additionalProperties", True) is not False for name in requests
    )


# --- value sets, numbers, nulls ---------------------------------------------------------------

# The closed reply value sets the compatibility rule names; every other coded reply field is open.
CLOSED_REPLY_ENUMS = {"status", "direction", "is_active", "reduce_only"}
OPEN_REPLY_CODES = {
    "offset",
    "order_price_type",
    "order_source",
    "order_type",
    "margin_mode",
    "contract_type",
    "business_type",
}


def _resolve(spec: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    return _schema(spec, _ref_name(node)) if "$ref" in node else node


def _reply_properties(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (name, prop, _resolve(spec, prop_schema))
        for name in sorted(_objects(spec, _reply_schemas(spec)))
        for prop, prop_schema in _schema(spec, name)["properties"].items()
    ]


def test_only_the_documented_reply_value_sets_are_closed(spec: dict[str, Any]) -> None:
    closed = {prop for _, prop, schema in _reply_properties(spec) if "enum" in schema}
    assert closed == CLOSED_REPLY_ENUMS
    for name, prop, schema in _reply_properties(spec):
        if prop in OPEN_REPLY_CODES or (prop == "status" and name.endswith("TrailingOrder")):
            assert "enum" not in schema, f"{name}.{prop} is an open set"
            assert schema["x-known-values"], f"{name}.{prop} lists its known values"
    description = spec["info"]["description"]
    assert "Closed value sets never grow" in description
    assert "Open value sets may grow" in description


def test_err_code_is_an_open_integer_pointing_to_the_list(spec: dict[str, Any]) -> None:
    for owner in ("ErrorReply", "OrderCancelError"):
        err_code = _schema(spec, owner)["properties"]["err_code"]
        assert err_code["type"] == "integer"
        assert "enum" not in err_code
        assert "x-htx-error-codes" in err_code["description"]


@pytest.mark.parametrize(
    "item",
    [
        "OpenTrailingOrder",
        "CrossOpenTrailingOrder",
        "HistoricTrailingOrder",
        "CrossHistoricTrailingOrder",
    ],
)
def test_order_ids_come_as_int64_and_as_the_string_to_use(spec: dict[str, Any], item: str) -> None:
    properties = _schema(spec, item)["properties"]
    assert properties["order_id"] == {
        **properties["order_id"],
        "type": "integer",
        "format": "int64",
    }
    assert properties["order_id_str"]["type"] == "string"
    assert "order_id_str" in properties["order_id"]["description"]
    assert {"order_id", "order_id_str"} <= set(_schema(spec, item)["required"])


def test_placed_order_id_comes_as_int64_and_as_string(spec: dict[str, Any]) -> None:
    for operation_id in ("placeTrailingOrder", "placeCrossTrailingOrder"):
        data = _schema(
            spec, _ref_name(_schema(spec, f"{pascal(operation_id)}Reply")["properties"]["data"])
        )
        assert data["properties"]["order_id"]["format"] == "int64"
        assert data["properties"]["order_id_str"]["type"] == "string"
        assert set(data["required"]) == {"order_id", "order_id_str"}
    assert "Use `order_id_str`" in spec["info"]["description"]


def test_nullable_exactly_where_htx_sends_null(spec: dict[str, Any]) -> None:
    nullable = {
        (name, prop) for name, prop, schema in _reply_properties(spec) if schema.get("nullable")
    }
    history = ["triggered_price", "fail_code", "fail_reason", "market_limit_price", "formula_price"]
    expected = {
        (item, prop)
        for item in ("HistoricTrailingOrder", "CrossHistoricTrailingOrder")
        for prop in history
    }
    assert nullable == expected


def test_reply_decimals_are_json_numbers(spec: dict[str, Any]) -> None:
    decimals = {"volume", "callback_rate", "active_price", "triggered_price", "real_volume"}
    for name, prop, schema in _reply_properties(spec):
        if prop in decimals | {"market_limit_price", "formula_price"}:
            assert schema["type"] == "number", f"{name}.{prop}"


def test_cross_only_fields_are_on_the_cross_schemas_only(spec: dict[str, Any]) -> None:
    """The cross-only fields are on the cross schemas and not the isolated ones; a field a minor
    version adds to either (HTX's replies gain fields) changes nothing here."""
    cross_only = {"contract_type", "pair", "business_type"}
    for iso, cross in (
        ("OpenTrailingOrder", "CrossOpenTrailingOrder"),
        ("HistoricTrailingOrder", "CrossHistoricTrailingOrder"),
    ):
        iso_fields = set(_schema(spec, iso)["properties"])
        cross_fields = set(_schema(spec, cross)["properties"])
        assert cross_only <= cross_fields
        assert not cross_only & iso_fields


# --- request limits ---------------------------------------------------------------------------


def test_documented_request_limits(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    for name in ("PlaceTrailingOrderRequest", "PlaceCrossTrailingOrderRequest"):
        assert schemas[name]["properties"]["callback_rate"]["minimum"] == 0.001
    for name in (
        "GetOpenTrailingOrdersRequest",
        "GetCrossOpenTrailingOrdersRequest",
        "GetTrailingOrderHistoryRequest",
        "GetCrossTrailingOrderHistoryRequest",
    ):
        assert schemas[name]["properties"]["page_size"]["maximum"] == 50
    for name in ("GetTrailingOrderHistoryRequest", "GetCrossTrailingOrderHistoryRequest"):
        assert schemas[name]["properties"]["create_date"]["maximum"] == 90


def test_every_request_field_has_an_example(spec: dict[str, Any]) -> None:
    """On the field, or on the named value set it refers to."""
    missing = [
        f"{name}.{prop}"
        for name in sorted(_objects(spec, _request_schemas(spec)))
        for prop, prop_schema in _schema(spec, name)["properties"].items()
        if "example" not in _resolve(spec, prop_schema)
    ]
    assert missing == []


REQUESTS = {op: ("components", "schemas", f"{pascal(op)}Request") for op in OPERATIONS}
PLACE = {
    "contract_code": "BTC-USDT",
    "direction": "buy",
    "volume": 1,
    "callback_rate": 0.01,
    "active_price": 1670,
    "order_price_type": "optimal_5",
}
HISTORY = {"contract_code": "BTC-USDT", "status": "0", "trade_type": 0, "create_date": 30}


@pytest.mark.parametrize(
    ("operation_id", "body", "valid"),
    [
        ("placeTrailingOrder", PLACE, True),
        ("placeTrailingOrder", {**PLACE, "callback_rate": 0.0009}, False),
        ("placeTrailingOrder", {**PLACE, "direction": "long"}, False),
        ("placeTrailingOrder", {**PLACE, "order_price_type": "limit"}, False),
        ("placeTrailingOrder", {**PLACE, "contract_code": "BTC-USDT-210625"}, False),
        (
            "placeTrailingOrder",
            {key: v for key, v in PLACE.items() if key != "active_price"},
            False,
        ),
        ("placeCrossTrailingOrder", {**PLACE, "contract_code": "BTC-USDT-210625"}, True),
        ("placeCrossTrailingOrder", {**PLACE, "contract_type": "month"}, False),
        ("cancelCrossTrailingOrders", {"order_id": "1,2,3,4,5,6,7,8,9,10"}, True),
        ("cancelCrossTrailingOrders", {"order_id": "1,2,3,4,5,6,7,8,9,10,11"}, False),
        ("cancelAllTrailingOrders", {"contract_code": "BTC-USDT", "offset": "both"}, False),
        ("cancelAllCrossTrailingOrders", {}, True),
        ("getOpenTrailingOrders", {"contract_code": "BTC-USDT", "page_size": 50}, True),
        ("getOpenTrailingOrders", {"contract_code": "BTC-USDT", "page_size": 51}, False),
        ("getOpenTrailingOrders", {"contract_code": "BTC-USDT", "trade_type": 5}, False),
        ("getTrailingOrderHistory", HISTORY, True),
        ("getTrailingOrderHistory", {**HISTORY, "status": "4,5,6"}, True),
        ("getTrailingOrderHistory", {**HISTORY, "status": "2"}, False),
        ("getTrailingOrderHistory", {**HISTORY, "create_date": 91}, False),
        ("getTrailingOrderHistory", {**HISTORY, "sort_by": "created_at"}, True),
        ("getCrossTrailingOrderHistory", {**HISTORY, "create_date": 0}, False),
    ],
)
def test_request_rules(
    spec: dict[str, Any], operation_id: str, body: dict[str, Any], valid: bool
) -> None:
    assert _validator(spec, *REQUESTS[operation_id]).is_valid(body) is valid


@pytest.mark.parametrize(
    "order_id",
    ["1", "1,2,3,4,5,6,7,8,9,10", "9223372036854775807", "826052268312821761,826052268312821760"],
)
def test_request_accepts_one_to_ten_decimal_ids(spec: dict[str, Any], order_id: str) -> None:
    request = REQUESTS["cancelTrailingOrders"]
    assert _validator(spec, *request).is_valid({"contract_code": "BTC-USDT", "order_id": order_id})


@pytest.mark.parametrize(
    "order_id",
    ["", "1,2,3,4,5,6,7,8,9,10,11", "1,,2", "1, 2", "-1", "0x1f", "1e5", "0123", "１２３", "1,"],
)
def test_request_rejects_malformed_order_ids(spec: dict[str, Any], order_id: str) -> None:
    request = REQUESTS["cancelTrailingOrders"]
    assert not _validator(spec, *request).is_valid(
        {"contract_code": "BTC-USDT", "order_id": order_id}
    )


@pytest.mark.parametrize("contract_code", ["", "btc-usdt", "BTC", "BTC_USDT", "BTC-USD"])
def test_request_rejects_malformed_contract_codes(spec: dict[str, Any], contract_code: str) -> None:
    request = REQUESTS["cancelTrailingOrders"]
    assert not _validator(spec, *request).is_valid(
        {"contract_code": contract_code, "order_id": "1"}
    )


# --- replies ----------------------------------------------------------------------------------

ENVELOPE = ("components", "schemas", "CancelTrailingOrdersEnvelope")


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
    assert not _validator(spec, *ENVELOPE).is_valid(reply)


def test_error_envelope_validates(spec: dict[str, Any]) -> None:
    reply = {
        "status": "error",
        "err_code": 1014,
        "err_msg": "This contract doesn't exist.",
        "ts": 5,
    }
    assert _validator(spec, *ENVELOPE).is_valid(reply)


def test_a_reply_with_an_unknown_field_anywhere_validates(spec: dict[str, Any]) -> None:
    reply = {
        "status": "ok",
        "data": {
            "errors": [{"order_id": "1", "err_code": 1061, "err_msg": "x", "new_field": 1}],
            "successes": "2",
            "new_field": [],
        },
        "ts": 1,
        "new_field": "x",
    }
    assert _validator(spec, *ENVELOPE).is_valid(reply)


def test_a_history_entry_with_a_null_outside_the_nullable_fields_does_not_validate(
    spec: dict[str, Any],
) -> None:
    example = operation(spec, "getTrailingOrderHistory")["responses"]["200"]["content"][
        "application/json"
    ]["examples"]["vendor"]["value"]
    history = ("components", "schemas", "GetTrailingOrderHistoryEnvelope")
    assert _validator(spec, *history).is_valid(example)
    [order] = example["data"]["orders"]
    broken = {**example, "data": {**example["data"], "orders": [{**order, "canceled_at": None}]}}
    assert not _validator(spec, *history).is_valid(broken)


# --- examples ---------------------------------------------------------------------------------


def test_the_walk_finds_every_operation_s_examples(spec: dict[str, Any]) -> None:
    """Guards the walk itself: if it found nothing, the example tests would pass vacuously."""
    names = {name for name, _, _ in examples(spec)}
    for operation_id in OPERATIONS:
        assert f"{operation_id} request vendor" in names
        assert f"{operation_id} 200 vendor" in names
    assert {"cancelTrailingOrders 200 rateLimited", "CancelTrailingOrdersRequest.order_id"} <= names


@pytest.mark.parametrize(
    ("location", "example"),
    [pytest.param(location, value, id=name) for name, location, value in examples(load_spec())],
)
def test_example_validates_against_its_schema(
    spec: dict[str, Any], location: tuple[str, ...], example: Any
) -> None:
    _validator(spec, *location).validate(example)


@pytest.mark.parametrize("operation_id", sorted(OPERATIONS))
def test_every_operation_shows_both_envelopes(spec: dict[str, Any], operation_id: str) -> None:
    shown = operation(spec, operation_id)["responses"]["200"]["content"]["application/json"][
        "examples"
    ]
    assert {example["value"]["status"] for example in shown.values()} == {"ok", "error"}


def _reply_examples(spec: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        value for name, _, value in examples(spec) if " 200 " in name and isinstance(value, dict)
    ]


def test_examples_show_the_codes_the_issue_names(spec: dict[str, Any]) -> None:
    replies = _reply_examples(spec)
    request_codes = {reply["err_code"] for reply in replies if reply["status"] == "error"}
    order_codes = {
        error["err_code"]
        for reply in replies
        if reply["status"] == "ok" and "errors" in reply["data"]
        for error in reply["data"]["errors"]
    }
    assert {1014, 12001, 1032, 1051} <= request_codes
    assert {1061, 1063, 1071} <= order_codes
    assert any(
        reply["status"] == "ok" and reply["data"].get("successes") == "" for reply in replies
    ), "an example with nothing cancelled"


# --- rate limits ------------------------------------------------------------------------------


@pytest.mark.parametrize("operation_id", sorted(TRADE_OPERATIONS))
def test_trade_operations_declare_5_per_second_in_the_trade_pool(
    spec: dict[str, Any], operation_id: str
) -> None:
    post = operation(spec, operation_id)
    assert post["x-rate-limit"] == {
        "requests": 5,
        "interval-ms": 1000,
        "scope": "per user, per interface",
        "pool": "trade",
    }
    assert "5 times per second" in " ".join(post["description"].split())


@pytest.mark.parametrize("operation_id", sorted(READ_OPERATIONS))
def test_read_operations_count_against_the_read_pool(
    spec: dict[str, Any], operation_id: str
) -> None:
    assert operation(spec, operation_id)["x-rate-limit"] == {"pool": "read"}


def test_the_pools_are_data_and_prose(spec: dict[str, Any]) -> None:
    assert spec["x-rate-limit-pools"] == {
        "trade": {"requests": 72, "interval-ms": 3000},
        "read": {"requests": 72, "interval-ms": 3000},
    }
    description = spec["info"]["description"]
    assert "**trade** pool (72 requests per 3 seconds" in description
    assert "**read**" in description
    assert "x-rate-limit-pools" in description


# --- error codes as data ----------------------------------------------------------------------

ERROR_CODE_ITEM = {
    "type": "object",
    "additionalProperties": False,
    "required": ["code", "name", "meaning", "scope", "retryable"],
    "properties": {
        "code": {"type": "integer"},
        "name": {"type": "string", "pattern": "^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$"},
        "meaning": {"type": "string", "minLength": 1},
        "scope": {"enum": ["order", "request"]},
        "retryable": {"type": "boolean"},
    },
}
# FACTS.md's table and TRAILING-FAMILY.md section 4.
DOCUMENTED_CODES = {
    403, 1014, 1017, 1030, 1032, 1051, 1056, 1061, 1062, 1063, 1066, 1067, 1071, 1253, 1413, 1425,
    1426, 1427, 1455, 1470, 1492, 12001, 12002, 12003, 12004, 12005, 12008,
}  # fmt: skip


def _codes(spec: dict[str, Any]) -> dict[int, dict[str, Any]]:
    return {item["code"]: item for item in spec["x-htx-error-codes"]}


def test_error_codes_are_well_formed_unique_and_sorted(spec: dict[str, Any]) -> None:
    items = spec["x-htx-error-codes"]
    validator = OAS30Validator({"type": "array", "items": ERROR_CODE_ITEM})
    validator.validate(items)
    codes = [item["code"] for item in items]
    assert codes == sorted(set(codes))
    assert len({item["name"] for item in items}) == len(items)


def test_error_codes_cover_the_documented_ones(spec: dict[str, Any]) -> None:
    assert DOCUMENTED_CODES | {1000, 1004} <= set(_codes(spec))


@pytest.mark.parametrize(
    ("code", "scope", "retryable"),
    [
        (1000, "request", True),
        (1004, "request", True),
        (1032, "request", True),
        (1051, "request", False),
        (1014, "request", False),
        (1253, "request", False),
        (12001, "request", False),
        (1061, "order", False),
        (1063, "order", False),
        (1071, "order", False),
    ],
)
def test_error_code_scope_and_retryability(
    spec: dict[str, Any], code: int, scope: str, retryable: bool
) -> None:
    item = _codes(spec)[code]
    assert (item["scope"], item["retryable"]) == (scope, retryable)


def test_1071_says_the_order_is_cancelled(spec: dict[str, Any]) -> None:
    assert "IS cancelled" in _codes(spec)[1071]["meaning"]
    assert _codes(spec)[1051]["meaning"] == "No orders to cancel."


def test_codes_no_trailing_page_documents_are_marked_as_assumptions(spec: dict[str, Any]) -> None:
    description = " ".join(spec["info"]["description"].split())
    assert "Some entries are our assumptions" in description
    assert "1017, 1062, 1063 and 1071 of the trailing cancel" in description
    assert "1051 for a trailing cancel-all with nothing to cancel" in description


def test_the_other_unsupported_facts_are_marked_as_assumptions(spec: dict[str, Any]) -> None:
    description = " ".join(spec["info"]["description"].split())
    assert "The port rule is our assumption" in description
    assert "How far is our assumption: about 5 minutes" in description
    assert "per user (UID) and per interface (`x-rate-limit.scope`) is our assumption" in (
        description
    )
    reset = spec["components"]["headers"]["RateLimitReset"]["description"]
    assert "is our assumption" in reset


# --- signing ----------------------------------------------------------------------------------


def test_signing_is_declared_as_security_schemes(spec: dict[str, Any]) -> None:
    expected = {"AccessKeyId", "SignatureMethod", "SignatureVersion", "Timestamp", "Signature"}
    schemes = spec["components"]["securitySchemes"]
    assert set(schemes) == expected
    assert all(scheme["in"] == "query" for scheme in schemes.values())
    assert set(spec["security"][0]) == expected
    assert "worked example" in schemes["Signature"]["description"]


def test_the_compatibility_rule_is_stated(spec: dict[str, Any]) -> None:
    description = " ".join(spec["info"]["description"].split())
    assert "Replies may gain fields" in description
    assert "Clients must ignore fields they don't know" in description
    assert "gains a value only in a new major version" in description
    assert re.search(r"`err_code` and `fail_code` are open\s+integers", description)


def test_the_cancel_operation_is_unchanged_on_the_wire(spec: dict[str, Any]) -> None:
    """What the wrapper sends and reads: path, body fields, the 10-ID pattern, the envelopes."""
    post = spec["paths"][CANCEL]["post"]
    assert post["operationId"] == "cancelTrailingOrders"
    request = _schema(spec, "CancelTrailingOrdersRequest")
    assert set(request["properties"]) == {"contract_code", "order_id"}
    assert set(request["required"]) == {"contract_code", "order_id"}
    assert (
        request["properties"]["order_id"]["pattern"] == "^[1-9][0-9]{0,18}(,[1-9][0-9]{0,18}){0,9}$"
    )
    assert set(post["responses"]) == {"200", "429"}


def test_every_enum_names_its_members_uniquely_across_the_document(spec: dict[str, Any]) -> None:
    """`x-enum-varnames` give generators member names (`BUY_LONG`, not `NUMBER_1` / `_1`), and
    `x-enum-descriptions` their comments. Unique across the document: openapi-generator's Go
    client, as the README runs it (no enum prefix), declares each name once in one package."""
    names: list[str] = []
    schemas = spec["components"]["schemas"]
    enums = {name: schema for name, schema in schemas.items() if "enum" in schema}
    assert len(enums) >= 11
    for name, schema in enums.items():
        varnames = schema.get("x-enum-varnames")
        assert isinstance(varnames, list), name
        assert len(varnames) == len(schema["enum"]), name
        assert len(schema.get("x-enum-descriptions", [])) == len(schema["enum"]), name
        assert all(re.fullmatch(r"[A-Z][A-Z0-9_]*", varname) for varname in varnames), name
        names.extend(varnames)
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)
