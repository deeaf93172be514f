"""Replies read in one pass from the JSON document read exactly as generated models + readers read.

The one-pass reader (``PageReader.document``) may refuse more than the slow way (the generated
``from_dict`` then ``_read_page``), never less: whatever it accepts, the slow way reads to an
equal page; whatever it refuses is read the slow way. Swept over every field of every page
operation (pages, cancel and cancel-all), set to every shape a hostile or a newer HTX may send.
"""

from __future__ import annotations

import copy
import json
import math
from typing import Any

import attrs
import pytest

from htx_swap import Credentials, SwapClient
from htx_swap._operations import FAMILIES, Operation
from htx_swap._orders import MarginMode
from htx_swap._replies import Page, PageReader, ReadReply, UnreadableReply
from htx_swap._send import generated_module, parse

OPEN = {
    "symbol": "BTC",
    "contract_code": "BTC-USDT",
    "volume": 1,
    "order_type": 1,
    "direction": "sell",
    "offset": "close",
    "lever_rate": 5,
    "order_id": 172757217426062276,
    "order_id_str": "172757217426062276",
    "order_source": "api",
    "created_at": 1796587378290,
    "order_price_type": "formula_price",
    "status": 2,
    "callback_rate": 0.01,
    "active_price": 50000.5,
    "is_active": 0,
    "margin_mode": "isolated",
    "margin_account": "BTC-USDT",
    "reduce_only": 0,
}
HISTORY = {
    **OPEN,
    "status": 6,
    "triggered_price": 50100.25,
    "update_time": 1796587379290,
    "canceled_at": 0,
    "fail_code": None,
    "fail_reason": None,
    "market_limit_price": 50000.5,
    "formula_price": None,
    "real_volume": 1,
    "relation_order_id": "-1",
}
CROSS = {"contract_type": "swap", "pair": "BTC-USDT", "business_type": "swap"}
SHAPES: list[Any] = [
    None, True, False, 0, 1, -1, 2, 1.0, 1.5, -0.0, math.inf, 10**20, "", "1", "1.5", "abc",
    "-1", "172757217426062277", [], {}, [1], {"a": 1}, 1796587378290,
]  # fmt: skip
OPERATIONS = [
    pytest.param(FAMILIES[mode].open_orders, id=f"{mode} open")
    for mode in (MarginMode.ISOLATED, MarginMode.CROSS)
] + [
    pytest.param(FAMILIES[mode].history, id=f"{mode} history")
    for mode in (MarginMode.ISOLATED, MarginMode.CROSS)
]


class _Reply:
    """What the generated parser reads of a reply."""

    status_code = 200

    def __init__(self, content: bytes) -> None:
        self.content = content

    def json(self) -> Any:
        return json.loads(self.content)


@pytest.fixture(scope="module")
def client() -> SwapClient:
    return SwapClient(Credentials("k", "s"), base_url="https://api.hbdm.com")


def _order(operation: Operation[Page]) -> dict[str, Any]:
    reader = operation.read
    assert isinstance(reader, PageReader)
    order = dict(HISTORY if reader.history else OPEN)
    if reader.mode is MarginMode.CROSS:
        order = {**CROSS, **order, "margin_mode": "cross"}
    return order


def _document(orders: list[dict[str, Any]]) -> dict[str, Any]:
    data = {"orders": orders, "total_page": 1, "current_page": 1, "total_size": len(orders)}
    return {"status": "ok", "data": data, "ts": 1796587378399}


def _slow(operation: Operation[Any], client: SwapClient, content: bytes) -> object:
    """The generated models then the reader: a Page, UnreadableReply, or what didn't parse."""
    module = generated_module(operation)
    try:
        parsed = module._parse_response(client=client.generated, response=_Reply(content))
    except (ValueError, TypeError, KeyError, AttributeError) as error:
        return type(error)
    return _judged(operation, parsed)


def _every_field(value: Any) -> dict[str, Any]:
    return {field.name: getattr(value, field.name) for field in attrs.fields(type(value))}


def _judged(operation: Operation[Any], parsed: object) -> object:
    if not isinstance(parsed, operation.reply_type):
        return type(parsed)
    try:
        return operation.read(parsed)
    except UnreadableReply:
        return UnreadableReply


def _check(operation: Operation[Any], client: SwapClient, document: Any) -> bool:
    """Both ways agree; True if the one-pass reader read it."""
    content = json.dumps(document).encode()
    module = generated_module(operation)
    try:
        fast = parse(operation, module, client.generated, 200, content, _Reply(content))
    except (ValueError, TypeError, KeyError, AttributeError) as error:
        fast = type(error)
    slow = _slow(operation, client, content)
    if isinstance(fast, ReadReply):
        assert fast.value == slow, document
        if isinstance(slow, Page):  # every field, those left out of equality (raw...) too
            for one, other in zip(fast.value.orders, slow.orders, strict=True):
                assert _every_field(one) == _every_field(other), document
        return True
    assert (fast if isinstance(fast, type) else _judged(operation, fast)) == slow, document
    return False


@pytest.mark.parametrize("operation", OPERATIONS)
def test_a_plain_page_is_read_in_one_pass_to_the_same_orders(
    operation: Operation[Page], client: SwapClient
) -> None:
    orders = []
    for number in range(5):
        order = _order(operation)
        order["order_id_str"] = str(172757217426062276 + number)
        order["status"] = [1, 2, 3, 99, 6][number]  # 99: a status this SDK doesn't know
        orders.append(order)
    assert _check(operation, client, _document(orders))
    assert _check(operation, client, _document([]))


@pytest.mark.parametrize("operation", OPERATIONS)
def test_every_field_in_every_shape_reads_as_the_generated_models_read_it(
    operation: Operation[Page], client: SwapClient
) -> None:
    read_in_one_pass = 0
    order = _order(operation)
    for name in [*order, "trade_partition"]:
        without = {key: value for key, value in order.items() if key != name}
        _check(operation, client, _document([without]))
        for shape in SHAPES:
            read_in_one_pass += _check(operation, client, _document([{**order, name: shape}]))
    assert read_in_one_pass > len(order)  # plain shapes of many fields were read the fast way


@pytest.mark.parametrize("operation", OPERATIONS)
def test_every_shape_of_the_envelope_and_page_reads_as_the_generated_models_read_it(
    operation: Operation[Page], client: SwapClient
) -> None:
    document = _document([_order(operation)])
    for shape in SHAPES:
        for name in ("status", "data", "ts"):
            _check(operation, client, {**document, name: shape})
        for name in ("orders", "total_page", "current_page", "total_size"):
            changed = copy.deepcopy(document)
            changed["data"][name] = shape
            _check(operation, client, changed)
            del changed["data"][name]
            _check(operation, client, changed)
        _check(operation, client, shape)
        _check(operation, client, _document([shape]))


def test_a_page_read_in_one_pass_builds_no_generated_model(
    client: SwapClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    operation = FAMILIES[MarginMode.ISOLATED].open_orders
    page_model = operation.reply_type.from_dict  # the envelope: a page and 50 orders below it

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a generated model was built")

    monkeypatch.setattr(operation.reply_type, "from_dict", refuse)
    content = json.dumps(_document([_order(operation)] * 3)).encode()
    module = generated_module(operation)
    read = parse(operation, module, client.generated, 200, content, _Reply(content))
    assert isinstance(read, ReadReply)
    assert len(read.value.orders) == 3
    monkeypatch.setattr(operation.reply_type, "from_dict", page_model)


# --- cancel and cancel-all replies ---------------------------------------------------------------

CANCELS = [
    pytest.param(getattr(FAMILIES[mode], kind), id=f"{mode} {kind}")
    for mode in (MarginMode.ISOLATED, MarginMode.CROSS)
    for kind in ("cancel", "cancel_all")
]
FAILURE = {"order_id": "172757217426062277", "err_code": 1061, "err_msg": "does not exist"}


def _cancellation(successes: Any, errors: Any) -> dict[str, Any]:
    return {"status": "ok", "data": {"errors": errors, "successes": successes}, "ts": 1796587378399}


@pytest.mark.parametrize("operation", CANCELS)
def test_a_plain_cancel_reply_is_read_in_one_pass_to_the_same_answer(
    operation: Operation[Any], client: SwapClient
) -> None:
    repeated = {**FAILURE, "order_id": "172757217426062278", "err_code": 1071}
    no_code = {"order_id": "172757217426062279"}
    assert _check(operation, client, _cancellation("172757217426062276", [FAILURE, repeated]))
    assert _check(operation, client, _cancellation("", [no_code]))
    assert _check(operation, client, _cancellation("1,2,3", []))


@pytest.mark.parametrize("operation", CANCELS)
def test_every_shape_of_a_cancel_reply_reads_as_the_generated_models_read_it(
    operation: Operation[Any], client: SwapClient
) -> None:
    for shape in SHAPES:
        _check(operation, client, _cancellation(shape, [FAILURE]))
        _check(operation, client, _cancellation("1,2", shape))
        _check(operation, client, _cancellation("1,2", [shape]))
        _check(operation, client, {**_cancellation("1", []), "status": shape})
        for name in FAILURE:
            _check(operation, client, _cancellation("1", [{**FAILURE, name: shape}]))
    for name in FAILURE:
        without = {key: value for key, value in FAILURE.items() if key != name}
        _check(operation, client, _cancellation("1", [without]))
    for successes in ("1,,2", ",", "1, 2", "a,1", "1" * 20):
        _check(operation, client, _cancellation(successes, []))
