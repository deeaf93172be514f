"""The committed generated client over httpx.MockTransport: each envelope lands in its model.

The cancel tests are the ones the wrapper relies on; the table at the end runs every example of
every operation in the spec through its generated function."""

from __future__ import annotations

import copy
import importlib
import json
from types import ModuleType
from typing import Any

import httpx
import pytest
from spec.family import OPERATIONS, load_spec, operation_examples, pascal, snake

import htx_swap_client.models
from htx_swap_client import Client
from htx_swap_client.api.swap_strategy_order_interface import cancel_trailing_orders
from htx_swap_client.models import (
    CancelTrailingOrdersReply,
    CancelTrailingOrdersRequest,
    ErrorReply,
    OrderCancelError,
    TrailingOrderCancellation,
)

VENDOR_SUCCESS = {
    "status": "ok",
    "data": {
        "errors": [
            {
                "order_id": "826052268312821761",
                "err_code": 1061,
                "err_msg": "This order doesnt exist.",
            }
        ],
        "successes": "826052268312821760",
    },
    "ts": 1616988039695,
}
RATE_LIMITED = {
    "status": "error",
    "err_code": 1032,
    "err_msg": "The number of access exceeded the limit.",
    "ts": 1616988039695,
}


def _client_answering(reply: Any, seen: list[httpx.Request], status: int = 200) -> Client:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(status, json=reply)

    return Client(
        base_url="https://api.hbdm.com", httpx_args={"transport": httpx.MockTransport(handler)}
    )


def _request() -> CancelTrailingOrdersRequest:
    return CancelTrailingOrdersRequest(contract_code="BTC-USDT", order_id="456457123")


def test_vendor_success_example_parses_into_the_success_model() -> None:
    seen: list[httpx.Request] = []
    response = cancel_trailing_orders.sync_detailed(
        client=_client_answering(VENDOR_SUCCESS, seen), body=_request()
    )
    reply = response.parsed
    assert isinstance(reply, CancelTrailingOrdersReply)
    assert reply.status == "ok"
    assert reply.ts == 1616988039695
    assert isinstance(reply.data, TrailingOrderCancellation)
    assert reply.data.successes == "826052268312821760"
    [error] = reply.data.errors
    assert isinstance(error, OrderCancelError)
    assert (error.order_id, error.err_code, error.err_msg) == (
        "826052268312821761",
        1061,
        "This order doesnt exist.",
    )


def test_error_envelope_parses_into_the_error_model() -> None:
    seen: list[httpx.Request] = []
    response = cancel_trailing_orders.sync_detailed(
        client=_client_answering(RATE_LIMITED, seen), body=_request()
    )
    reply = response.parsed
    assert isinstance(reply, ErrorReply)
    assert (reply.status, reply.err_code, reply.err_msg) == ("error", 1032, RATE_LIMITED["err_msg"])


def test_the_request_is_the_documented_post_with_a_json_body() -> None:
    seen: list[httpx.Request] = []
    cancel_trailing_orders.sync_detailed(
        client=_client_answering(VENDOR_SUCCESS, seen), body=_request()
    )
    [request] = seen
    assert request.method == "POST"
    assert request.url.path == "/linear-swap-api/v1/swap_track_cancel"
    assert request.headers["content-type"] == "application/json"
    assert json.loads(request.content) == {"contract_code": "BTC-USDT", "order_id": "456457123"}


@pytest.mark.parametrize(
    "reply",
    [
        pytest.param({"status": "ok", "ts": 1}, id="ok-without-data"),
        pytest.param(
            {"status": "maybe", "err_code": 1, "err_msg": "x", "ts": 1}, id="unknown-status"
        ),
        pytest.param(["not", "an", "object"], id="not-an-object"),
    ],
)
def test_a_reply_matching_neither_envelope_raises_rather_than_parsing(reply: Any) -> None:
    seen: list[httpx.Request] = []
    with pytest.raises((TypeError, KeyError, ValueError)):
        cancel_trailing_orders.sync_detailed(client=_client_answering(reply, seen), body=_request())


def test_an_ok_reply_is_never_mistaken_for_an_error_reply() -> None:
    """A success envelope with stray err_code/err_msg still parses as success: status decides."""
    seen: list[httpx.Request] = []
    reply = {**VENDOR_SUCCESS, "err_code": 1, "err_msg": "stray"}
    parsed = cancel_trailing_orders.sync_detailed(
        client=_client_answering(reply, seen), body=_request()
    ).parsed
    assert isinstance(parsed, CancelTrailingOrdersReply)


def test_a_gateway_429_parses_to_none_with_the_status_kept() -> None:
    seen: list[httpx.Request] = []
    response = cancel_trailing_orders.sync_detailed(
        client=_client_answering({}, seen, status=429), body=_request()
    )
    assert response.status_code == 429
    assert response.parsed is None


@pytest.mark.anyio
async def test_async_function_parses_the_same_envelopes() -> None:
    replies = iter([VENDOR_SUCCESS, RATE_LIMITED])

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=next(replies))

    client = Client(
        base_url="https://api.hbdm.com", httpx_args={"transport": httpx.MockTransport(handler)}
    )
    first = await cancel_trailing_orders.asyncio(client=client, body=_request())
    second = await cancel_trailing_orders.asyncio(client=client, body=_request())
    assert isinstance(first, CancelTrailingOrdersReply)
    assert isinstance(second, ErrorReply)


def test_models_round_trip_through_to_dict() -> None:
    reply = CancelTrailingOrdersReply.from_dict(VENDOR_SUCCESS)
    assert reply.to_dict() == VENDOR_SUCCESS


# --- every operation, every example -------------------------------------------------------------

SPEC = load_spec()


def _module(operation_id: str) -> ModuleType:
    return importlib.import_module(
        f"htx_swap_client.api.swap_strategy_order_interface.{snake(operation_id)}"
    )


def _model(name: str) -> Any:
    return getattr(htx_swap_client.models, name)


def _cases(owner: str) -> list[Any]:
    return [
        pytest.param(operation_id, value, id=f"{operation_id}-{name}")
        for operation_id in OPERATIONS
        for name, value in operation_examples(SPEC, operation_id, owner).items()
    ]


def test_every_operation_has_its_generated_module_and_models() -> None:
    for operation_id in OPERATIONS:
        module = _module(operation_id)
        assert callable(module.sync_detailed)
        assert callable(module.asyncio_detailed)
        for suffix in ("Request", "Reply"):
            assert isinstance(_model(f"{pascal(operation_id)}{suffix}"), type)


@pytest.mark.parametrize(("operation_id", "example"), _cases("request"))
def test_request_example_is_sent_as_the_documented_post(
    operation_id: str, example: dict[str, Any]
) -> None:
    seen: list[httpx.Request] = []
    body = _model(f"{pascal(operation_id)}Request").from_dict(example)
    _module(operation_id).sync_detailed(client=_client_answering(RATE_LIMITED, seen), body=body)
    [request] = seen
    assert request.method == "POST"
    assert request.url.path == OPERATIONS[operation_id]
    assert json.loads(request.content) == example


@pytest.mark.parametrize(("operation_id", "example"), _cases("200"))
def test_reply_example_parses_into_its_envelope_model_and_round_trips(
    operation_id: str, example: dict[str, Any]
) -> None:
    seen: list[httpx.Request] = []
    body = _model(f"{pascal(operation_id)}Request").from_dict(
        next(iter(operation_examples(SPEC, operation_id, "request").values()))
    )
    reply = _module(operation_id).sync(client=_client_answering(example, seen), body=body)
    expected = (
        ErrorReply if example["status"] == "error" else _model(f"{pascal(operation_id)}Reply")
    )
    assert type(reply) is expected
    assert reply.to_dict() == example


def _first_ok_example(operation_id: str) -> dict[str, Any]:
    found = operation_examples(SPEC, operation_id, "200")["vendor"]
    assert found["status"] == "ok"
    return copy.deepcopy(found)


def _orders(reply: dict[str, Any]) -> list[dict[str, Any]]:
    orders: list[dict[str, Any]] = reply["data"]["orders"]
    return orders


LISTS = ["getOpenTrailingOrders", "getCrossOpenTrailingOrders"]
LISTS += ["getTrailingOrderHistory", "getCrossTrailingOrderHistory"]


@pytest.mark.parametrize("operation_id", LISTS)
def test_listed_orders_carry_the_exact_id_as_order_id_str(operation_id: str) -> None:
    example = _first_ok_example(operation_id)
    reply = _model(f"{pascal(operation_id)}Reply").from_dict(example)
    [order] = reply.data.orders
    assert order.order_id_str == _orders(example)[0]["order_id_str"]
    assert int(order.order_id_str) == order.order_id  # Python's int keeps all 64 bits


@pytest.mark.parametrize("operation_id", sorted(OPERATIONS))
def test_unknown_fields_at_every_level_are_kept_not_refused(operation_id: str) -> None:
    example = _first_ok_example(operation_id)
    example["new_envelope_field"] = 1
    example["data"]["new_data_field"] = {"nested": True}
    for order in example["data"].get("orders", []) + example["data"].get("errors", []):
        order["new_order_field"] = "x"
    reply = _model(f"{pascal(operation_id)}Reply").from_dict(example)
    assert reply["new_envelope_field"] == 1
    assert reply.data["new_data_field"] == {"nested": True}
    assert reply.to_dict() == example


def test_a_new_value_of_an_open_reply_set_parses() -> None:
    example = _first_ok_example("getCrossTrailingOrderHistory")
    _orders(example)[0].update(
        order_price_type="lightning", status=7, offset="reverse", business_type="options"
    )
    [order] = _model("GetCrossTrailingOrderHistoryReply").from_dict(example).data.orders
    assert (order.order_price_type, order.status) == ("lightning", 7)


@pytest.mark.parametrize(("field", "value"), [("direction", "hold"), ("is_active", 2)])
def test_a_new_value_of_a_closed_reply_set_is_refused(field: str, value: Any) -> None:
    """Closed means closed: such a reply needs a new major version of the spec."""
    example = _first_ok_example("getOpenTrailingOrders")
    _orders(example)[0][field] = value
    with pytest.raises((TypeError, ValueError)):
        _model("GetOpenTrailingOrdersReply").from_dict(example)


def test_history_nulls_parse_as_none() -> None:
    example = _first_ok_example("getTrailingOrderHistory")
    [order] = _model("GetTrailingOrderHistoryReply").from_dict(example).data.orders
    nullable = (
        "triggered_price",
        "fail_code",
        "fail_reason",
        "market_limit_price",
        "formula_price",
    )
    assert [getattr(order, name) for name in nullable] == [None] * 5
