"""The cancel rules, driven through an `Exchange` with no server around it."""

from __future__ import annotations

import json

import pytest

from htx_sandbox import DEFAULT_CREDENTIALS, Exchange, OrderState
from htx_sandbox._exchange import Admission, parse_cancel_body

from .conftest import FakeClock
from .signer import query_string

HOST = "sandbox.test"


def admit(exchange: Exchange, clock: FakeClock) -> Admission:
    keys = DEFAULT_CREDENTIALS
    query = query_string(keys.access_key, keys.secret_key, HOST, clock())
    return exchange.admit("POST", HOST, "/linear-swap-api/v1/swap_track_cancel", query)


def cancel(exchange: Exchange, clock: FakeClock, body: object) -> dict[str, object]:
    clock.advance(1.0)  # stay clear of the rate limit: these tests are about orders
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    reply = exchange.cancel(admit(exchange, clock), raw)
    assert reply.status_code == 200
    return json.loads(reply.body)  # type: ignore[no-any-return]


def ids(*order_ids: str) -> dict[str, str]:
    return {"contract_code": "BTC-USDT", "order_id": ",".join(order_ids)}


@pytest.fixture
def seeded(exchange: Exchange) -> Exchange:
    exchange.seed_orders("BTC-USDT", open=["1", "2", "3"], executed=["7"], cancelled=["9"])
    return exchange


def test_open_order_is_cancelled_and_listed_in_successes(
    seeded: Exchange, clock: FakeClock
) -> None:
    envelope = cancel(seeded, clock, ids("1", "2"))
    assert envelope == {
        "status": "ok",
        "data": {"errors": [], "successes": "1,2"},
        "ts": round(clock() * 1000),
    }
    assert seeded.order_state("1") is OrderState.CANCELLED
    assert seeded.cancelled_ids() == {"1", "2", "9"}


def test_each_order_failure_has_htx_code_and_message(seeded: Exchange, clock: FakeClock) -> None:
    envelope = cancel(seeded, clock, ids("9", "7", "404", "3"))
    assert envelope["data"] == {
        "errors": [
            {
                "order_id": "9",
                "err_code": 1071,
                "err_msg": "Repeated cancellation. Your order has been canceled.",
            },
            {"order_id": "7", "err_code": 1063, "err_msg": "The order has been executed."},
            {"order_id": "404", "err_code": 1061, "err_msg": "This order doesn't exist."},
        ],
        "successes": "3",
    }


def test_second_cancel_of_the_same_order_is_1071(seeded: Exchange, clock: FakeClock) -> None:
    cancel(seeded, clock, ids("1"))
    envelope = cancel(seeded, clock, ids("1"))
    assert envelope["data"]["errors"][0]["err_code"] == 1071  # type: ignore[index]
    assert envelope["data"]["successes"] == ""  # type: ignore[index]


def test_executed_order_stays_executed(seeded: Exchange, clock: FakeClock) -> None:
    cancel(seeded, clock, ids("7"))
    assert seeded.order_state("7") is OrderState.EXECUTED


def test_order_of_another_contract_does_not_exist_here(seeded: Exchange, clock: FakeClock) -> None:
    seeded.seed_orders("ETH-USDT", open=["50"])
    envelope = cancel(seeded, clock, ids("50"))
    assert envelope["data"]["errors"][0]["err_code"] == 1061  # type: ignore[index]
    assert seeded.order_state("50") is OrderState.OPEN


def test_duplicate_ids_count_once(seeded: Exchange, clock: FakeClock) -> None:
    envelope = cancel(seeded, clock, ids("1", "1", "01"))
    assert envelope["data"] == {"errors": [], "successes": "1"}


def test_ten_ids_are_accepted(seeded: Exchange, clock: FakeClock) -> None:
    envelope = cancel(seeded, clock, ids(*(str(n) for n in range(1, 11))))
    assert envelope["status"] == "ok"
    assert envelope["data"]["successes"] == "1,2,3"  # type: ignore[index]


def test_more_than_ten_ids_is_a_request_error(seeded: Exchange, clock: FakeClock) -> None:
    envelope = cancel(seeded, clock, ids(*(str(n) for n in range(1, 12))))
    assert envelope["status"] == "error"
    assert envelope["err_code"] == 1030
    assert "at most 10" in str(envelope["err_msg"])
    assert seeded.order_state("1") is OrderState.OPEN


def test_unknown_contract_is_1014(seeded: Exchange, clock: FakeClock) -> None:
    envelope = cancel(seeded, clock, {"contract_code": "DOGE-USDT", "order_id": "1"})
    assert (envelope["status"], envelope["err_code"]) == ("error", 1014)
    assert envelope["err_msg"] == "This contract doesn't exist."
    assert set(envelope) == {"status", "err_code", "err_msg", "ts"}


MALFORMED = {
    "not-json": b"{",
    "not-utf8": b"\xff",
    "array": b"[]",
    "missing-contract": {"order_id": "1"},
    "empty-contract": {"contract_code": "", "order_id": "1"},
    "numeric-contract": {"contract_code": 5, "order_id": "1"},
    "missing-ids": {"contract_code": "BTC-USDT"},
    # One ID as a JSON integer is accepted, as HTX does (test_sandbox_htx_shapes); not a float.
    "float-id": {"contract_code": "BTC-USDT", "order_id": 1.0},
    "over-int64-number": {"contract_code": "BTC-USDT", "order_id": 2**63},
    "list-ids": {"contract_code": "BTC-USDT", "order_id": ["1"]},
    "empty-ids": {"contract_code": "BTC-USDT", "order_id": ""},
    "trailing-comma": {"contract_code": "BTC-USDT", "order_id": "1,"},
    "space": {"contract_code": "BTC-USDT", "order_id": "1, 2"},
    "negative": {"contract_code": "BTC-USDT", "order_id": "-1"},
    "float": {"contract_code": "BTC-USDT", "order_id": "1.0"},
    "over-int64": {"contract_code": "BTC-USDT", "order_id": str(2**63)},
}


@pytest.mark.parametrize("body", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_body_is_input_error(seeded: Exchange, clock: FakeClock, body: object) -> None:
    envelope = cancel(seeded, clock, body)
    assert (envelope["status"], envelope["err_code"]) == ("error", 1030)
    assert str(envelope["err_msg"]).startswith("Incorrect param.")
    assert seeded.stats().rejections == {1030: 1}


def test_parse_keeps_order_and_canonical_ids() -> None:
    assert parse_cancel_body(b'{"contract_code":"X","order_id":"3,001,2,1"}') == (
        "X",
        ("3", "1", "2"),
    )


def test_largest_int64_id_is_accepted() -> None:
    body = json.dumps({"contract_code": "X", "order_id": str(2**63 - 1)}).encode()
    assert parse_cancel_body(body) == ("X", (str(2**63 - 1),))


def test_generated_ids_are_distinct_open_and_beyond_float_precision(exchange: Exchange) -> None:
    opened = exchange.seed_orders("BTC-USDT", generate=50)
    assert len(set(opened)) == 50
    assert all(exchange.order_state(i) is OrderState.OPEN for i in opened)
    assert all(int(i) > 2**53 and len(i) == 18 for i in opened)


def test_generated_ids_repeat_for_the_same_seed(clock: FakeClock) -> None:
    first = Exchange(clock=clock, seed=7).seed_orders(generate=5)
    assert Exchange(clock=clock, seed=7).seed_orders(generate=5) == first
    assert Exchange(clock=clock, seed=8).seed_orders(generate=5) != first


def test_seed_returns_explicit_then_generated_open_ids(exchange: Exchange) -> None:
    opened = exchange.seed_orders("ETH-USDT", open=[12, "0013"], generate=1)
    assert opened[:2] == ("12", "13")
    assert len(opened) == 3
    assert exchange.orders("ETH-USDT") == dict.fromkeys(opened, OrderState.OPEN)


def test_seeding_a_malformed_id_is_refused(exchange: Exchange) -> None:
    with pytest.raises(ValueError, match="decimal"):
        exchange.seed_orders(open=["12a"])
    with pytest.raises(ValueError, match="negative"):
        exchange.seed_orders(generate=-1)


def test_unknown_order_has_no_state(exchange: Exchange) -> None:
    assert exchange.order_state("123") is None
    assert exchange.order_state(123) is None


def test_request_record_tells_what_happened(seeded: Exchange, clock: FakeClock) -> None:
    cancel(seeded, clock, ids("1", "404"))
    (record,) = seeded.requests()
    assert record.time == clock()
    assert record.access_key == DEFAULT_CREDENTIALS.access_key
    assert (record.method, record.path) == ("POST", "/linear-swap-api/v1/swap_track_cancel")
    assert (record.authenticated, record.http_status, record.status) == (True, 200, "ok")
    assert (record.err_code, record.contract_code, record.order_ids) == (
        None,
        "BTC-USDT",
        ("1", "404"),
    )


def test_stats_count_cancels_and_order_errors(seeded: Exchange, clock: FakeClock) -> None:
    cancel(seeded, clock, ids("1", "404", "7"))
    cancel(seeded, clock, ids("1"))
    cancel(seeded, clock, b"junk")
    stats = seeded.stats()
    assert (stats.requests, stats.authenticated, stats.cancelled) == (3, 3, 1)
    assert stats.order_errors == {1061: 1, 1063: 1, 1071: 1}
    assert stats.rejections == {1030: 1}
    assert seeded.rejections() == {1030: 1}


def test_reset_forgets_orders_and_requests(seeded: Exchange, clock: FakeClock) -> None:
    cancel(seeded, clock, ids("1"))
    seeded.seed_orders("ETH-USDT", open=["5"])
    seeded.reset()
    assert seeded.orders() == {}
    assert seeded.requests() == ()
    assert seeded.stats().cancelled == 0
    envelope = cancel(seeded, clock, {"contract_code": "ETH-USDT", "order_id": "5"})
    assert envelope["err_code"] == 1014


def test_exchange_refuses_a_negative_order_count() -> None:
    with pytest.raises(ValueError, match="negative"):
        Exchange(orders=-1)


def test_exchange_reads_its_injected_clock(exchange: Exchange, clock: FakeClock) -> None:
    clock.advance(12.5)
    assert exchange.now() == clock()
