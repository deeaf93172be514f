"""The committed generated client over httpx.MockTransport: each envelope lands in its model."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from htx_swap_client import Client
from htx_swap_client.api.swap_strategy_order_interface import cancel_trailing_orders
from htx_swap_client.models import (
    CancelTrailingOrdersData,
    CancelTrailingOrdersReply,
    CancelTrailingOrdersRequest,
    ErrorReply,
    OrderCancelError,
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
    assert isinstance(reply.data, CancelTrailingOrdersData)
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
