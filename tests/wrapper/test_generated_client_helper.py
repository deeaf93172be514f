"""`htx_swap.generated_client`: the generated client alone, signed, checked like SwapClient."""

from __future__ import annotations

import asyncio
import logging

import httpx
import pytest

import htx_sandbox
from htx_swap import Credentials, HtxAuth, InvalidRequestError, generated_client
from htx_swap_client import Client
from htx_swap_client.api.swap_strategy_order_interface import (
    cancel_trailing_orders,
    get_open_trailing_orders,
)
from htx_swap_client.models import (
    CancelTrailingOrdersReply,
    CancelTrailingOrdersRequest,
    ErrorReply,
    GetOpenTrailingOrdersReply,
    GetOpenTrailingOrdersRequest,
)

SECRET = "the-secret-value"


def _keys(sandbox: htx_sandbox.Sandbox, secret: str | None = None) -> Credentials:
    return Credentials(sandbox.credentials.access_key, secret or sandbox.credentials.secret_key)


def test_a_signed_call_returns_the_spec_s_reply_model(caplog: pytest.LogCaptureFixture) -> None:
    with htx_sandbox.running(orders=3, mix=False) as sandbox:
        client = generated_client(_keys(sandbox), base_url=sandbox.base_url)
        assert isinstance(client, Client)
        with caplog.at_level(logging.INFO, logger="httpx"), client:
            listed = get_open_trailing_orders.sync_detailed(
                client=client, body=GetOpenTrailingOrdersRequest(contract_code="BTC-USDT")
            )
            [first, *_] = sandbox.order_ids
            cancelled = cancel_trailing_orders.sync_detailed(
                client=client,
                body=CancelTrailingOrdersRequest(contract_code="BTC-USDT", order_id=first),
            )
        assert sandbox.control.cancelled_ids() == {first}
    assert isinstance(listed.parsed, GetOpenTrailingOrdersReply)
    assert {order.order_id_str for order in listed.parsed.data.orders} == set(sandbox.order_ids)
    assert isinstance(cancelled.parsed, CancelTrailingOrdersReply)
    assert "Signature=" in caplog.text, "httpx logged the signed URLs..."
    assert "Signature=[redacted]" in caplog.text, "...with the signature redacted"


def test_a_wrong_key_is_an_error_reply_value() -> None:
    with (
        htx_sandbox.running(orders=1, mix=False) as sandbox,
        generated_client(_keys(sandbox, "wrong"), base_url=sandbox.base_url) as client,
    ):
        response = get_open_trailing_orders.sync_detailed(
            client=client, body=GetOpenTrailingOrdersRequest(contract_code="BTC-USDT")
        )
    assert response.status_code == 200
    assert isinstance(response.parsed, ErrorReply)
    assert response.parsed.err_code == 403


def test_the_async_call_is_signed_too() -> None:
    async def listed(client: Client) -> object:
        async with client:
            response = await get_open_trailing_orders.asyncio_detailed(
                client=client, body=GetOpenTrailingOrdersRequest(contract_code="BTC-USDT")
            )
        return response.parsed

    with htx_sandbox.running(orders=2, mix=False) as sandbox:
        parsed = asyncio.run(listed(generated_client(_keys(sandbox), base_url=sandbox.base_url)))
    assert isinstance(parsed, GetOpenTrailingOrdersReply)
    assert len(parsed.data.orders) == 2


def test_an_undocumented_http_status_parses_as_none() -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(418, text="teapot"))
    client = generated_client(Credentials("access", SECRET), base_url="http://127.0.0.1:9")
    client.set_httpx_client(httpx.Client(base_url="http://127.0.0.1:9", transport=transport))
    response = get_open_trailing_orders.sync_detailed(
        client=client, body=GetOpenTrailingOrdersRequest(contract_code="BTC-USDT")
    )
    assert (response.status_code, response.parsed) == (418, None)


def test_settings_are_checked_and_htx_base_url_is_the_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    keys = Credentials("access", SECRET)
    monkeypatch.setenv("HTX_BASE_URL", "http://127.0.0.1:8080")
    client = generated_client(keys, timeout=3)
    http = client.get_httpx_client()
    assert str(http.base_url) == "http://127.0.0.1:8080"
    assert isinstance(http.auth, HtxAuth)
    assert (http.timeout.read, http.follow_redirects) == (3, False)
    assert SECRET not in repr(client)
    with pytest.raises(InvalidRequestError, match="plain http"):
        generated_client(keys, base_url="http://example.com")
    with pytest.raises(InvalidRequestError, match="timeout"):
        generated_client(keys, timeout=-1)
