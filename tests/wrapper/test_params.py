"""``params``: other request fields, checked against the spec's request model before any byte.

A field the spec declares and no method argument covers goes out as given; that path is proven
end to end by tests/spec_change (a field added to a copy of the spec, regenerated). Here: every
public method of both clients refuses, before sending anything, a name the spec doesn't declare,
a field the method sets itself, and a value that is not JSON.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
import respx

from htx_swap import AsyncSwapClient, Credentials, InvalidRequestError, SwapClient
from htx_swap._cli import _build_parser

BASE_URL = "https://api.hbdm.com"
CREDENTIALS = Credentials("access-key", "secret")

PLACE = {
    "direction": "buy",
    "volume": 1,
    "callback_rate": "0.01",
    "active_price": "100",
    "order_price_type": "optimal_5",
}
# Each public method, with the arguments it needs, isolated and cross.
CALLS: dict[str, tuple[str, tuple[Any, ...], dict[str, Any]]] = {
    "place": ("place_trailing_order", ("BTC-USDT",), PLACE),
    "cancel": ("cancel_trailing_orders", ("BTC-USDT", ["1", "2"]), {}),
    "cancel-all": ("cancel_all_trailing_orders", ("BTC-USDT",), {}),
    "open": ("open_trailing_orders", ("BTC-USDT",), {}),
    "history": ("trailing_order_history", ("BTC-USDT",), {}),
}
CASES = [(name, mode) for name in CALLS for mode in ("isolated", "cross")]
# A field each method sets from its own arguments (or its paging).
OWNED = {
    "place": "volume",
    "cancel": "order_id",
    "cancel-all": "direction",
    "open": "page_index",
    "history": "create_date",
}


@pytest.fixture
def sent() -> Iterator[list[httpx.Request]]:
    requests: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return httpx.Response(500)

    with respx.mock(assert_all_called=False) as router:
        router.post(url__startswith=BASE_URL).mock(side_effect=record)
        yield requests


def _call_sync(name: str, mode: str, params: object) -> None:
    method, args, kwargs = CALLS[name]
    with SwapClient(CREDENTIALS, base_url=BASE_URL) as client:
        result = getattr(client, method)(*args, margin_mode=mode, params=params, **kwargs)
        if name in ("open", "history"):
            next(iter(result))


def _call_async(name: str, mode: str, params: object) -> None:
    method, args, kwargs = CALLS[name]

    async def run() -> None:
        async with AsyncSwapClient(CREDENTIALS, base_url=BASE_URL) as client:
            result = getattr(client, method)(*args, margin_mode=mode, params=params, **kwargs)
            if name in ("open", "history"):
                await anext(aiter(result))
            else:
                await result

    asyncio.run(run())


CLIENTS: dict[str, Callable[[str, str, object], None]] = {"sync": _call_sync, "async": _call_async}


@pytest.mark.parametrize("call", CLIENTS.values(), ids=CLIENTS.keys())
@pytest.mark.parametrize(("name", "mode"), CASES)
def test_a_name_the_spec_does_not_declare_is_refused_before_any_byte(
    sent: list[httpx.Request], call: Callable[[str, str, object], None], name: str, mode: str
) -> None:
    with pytest.raises(InvalidRequestError, match="'no_such_field' is not a field of the"):
        call(name, mode, {"no_such_field": "x"})
    assert sent == []


@pytest.mark.parametrize("call", CLIENTS.values(), ids=CLIENTS.keys())
@pytest.mark.parametrize(("name", "mode"), CASES)
def test_params_may_not_override_a_field_the_method_sets(
    sent: list[httpx.Request], call: Callable[[str, str, object], None], name: str, mode: str
) -> None:
    for field in (OWNED[name], "contract_code"):
        with pytest.raises(InvalidRequestError, match=f"'{field}' is set by the method itself"):
            call(name, mode, {field: 1})
    assert sent == []


@pytest.mark.parametrize(
    "params",
    [["trade_type"], "trade_type=1", {1: 2}, {"sort_by": object()}, {"sort_by": float("nan")}],
    ids=["list", "str", "int-name", "object-value", "nan-value"],
)
def test_params_that_are_not_a_mapping_of_json_are_refused(
    sent: list[httpx.Request], params: object
) -> None:
    with pytest.raises(InvalidRequestError, match="params"):
        _call_sync("history", "isolated", params)
    assert sent == []


def test_no_params_or_empty_params_change_nothing(sent: list[httpx.Request]) -> None:
    with SwapClient(CREDENTIALS, base_url=BASE_URL, max_retries=0) as client:
        for params in (None, {}):
            assert not client.cancel_all_trailing_orders("BTC-USDT", params=params).complete
    assert [request.content for request in sent] == [b'{"contract_code":"BTC-USDT"}'] * 2


def test_the_command_takes_repeatable_params_as_json_or_text() -> None:
    args = _build_parser().parse_args(
        ["trailing", "list", "--contract-code", "BTC-USDT", "--param", "a=1", "--param",
         "b=text", "--param", 'c="1"', "--param", "d=x=y", "--param", "e=[1, true]"]
    )  # fmt: skip
    assert dict(args.param) == {"a": 1, "b": "text", "c": "1", "d": "x=y", "e": [1, True]}


def test_the_command_refuses_a_param_without_a_name(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        _build_parser().parse_args(["trailing", "list", "--param", "=1"])
    assert exited.value.code == 2
    assert "NAME=VALUE" in capsys.readouterr().err
