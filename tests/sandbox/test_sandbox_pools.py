"""Limits across the family: each trade path on its own per account, and the per-account pools
on top."""

from __future__ import annotations

import httpx
import pytest

from htx_sandbox import DEFAULT_CREDENTIALS, Credentials, Exchange, Operation, Pool, running

from .conftest import FakeClock, admit, refused_code
from .signer import post

TRADE = [op for op in Operation if op.pool is Pool.TRADE]
READ = [op for op in Operation if op.pool is Pool.READ]
SAME_ACCOUNT = Credentials(access_key="second-key", secret_key="second-secret")
OTHER_ACCOUNT = Credentials(access_key="other-key", secret_key="other-secret")


def codes(exchange: Exchange, clock: FakeClock, endpoint: str, count: int) -> list[int | None]:
    return [refused_code(admit(exchange, clock, endpoint)) for _ in range(count)]


def test_the_operations_are_six_trade_and_four_read() -> None:
    assert {op.value for op in TRADE} == {
        "swap_track_order",
        "swap_cross_track_order",
        "swap_track_cancel",
        "swap_cross_track_cancel",
        "swap_track_cancelall",
        "swap_cross_track_cancelall",
    }
    assert all(op.limited for op in TRADE)
    assert not any(op.limited for op in READ)


@pytest.mark.parametrize("operation", TRADE, ids=str)
def test_each_trade_path_allows_five_per_second_per_account(
    exchange: Exchange, clock: FakeClock, operation: Operation
) -> None:
    assert codes(exchange, clock, operation.value, 6) == [None] * 5 + [1032]
    clock.advance(0.999)
    assert codes(exchange, clock, operation.value, 1) == [1032]
    clock.advance(0.001)
    assert codes(exchange, clock, operation.value, 1) == [None]


def test_trade_paths_are_counted_each_on_its_own(exchange: Exchange, clock: FakeClock) -> None:
    """Five places, five cancels, five cancel-alls... in one second: 30 admitted, none refused."""
    for operation in TRADE:
        assert codes(exchange, clock, operation.value, 5) == [None] * 5
    assert exchange.max_window_count() == 5
    assert exchange.max_pool_count(Pool.TRADE) == 30


@pytest.mark.parametrize("operation", READ, ids=str)
def test_reads_have_no_per_interface_limit(
    exchange: Exchange, clock: FakeClock, operation: Operation
) -> None:
    assert codes(exchange, clock, operation.value, 40) == [None] * 40
    assert exchange.max_window_count() == 0, "reads are not interface-limited"


def test_trade_pool_holds_72_per_3_seconds_across_paths_and_modes(
    exchange: Exchange, clock: FakeClock
) -> None:
    """6 paths at 5/s each would be 90 in 3 s: the pool admits the first 72 and no more."""
    outcomes = []
    for _ in range(15):  # 0.2 s apart, from 0 to 2.8 s
        outcomes += [refused_code(admit(exchange, clock, op.value)) for op in TRADE]
        clock.advance(0.2)
    assert outcomes == [None] * 72 + [1032] * 18
    assert exchange.max_pool_count(Pool.TRADE, DEFAULT_CREDENTIALS.access_key) == 90
    assert exchange.max_window_count() == 5


def test_strict_pool_window_frees_a_slot_exactly_one_interval_after_the_oldest(
    clock: FakeClock,
) -> None:
    exchange = Exchange(clock=clock, rate=1000, pool_rate=3, pool_interval=3.0)
    start = clock.now
    for offset in (0.0, 1.0, 2.0):
        clock.now = start + offset
        assert refused_code(admit(exchange, clock, "swap_track_order")) is None
    clock.now = start + 2.999
    assert refused_code(admit(exchange, clock, "swap_cross_track_cancel")) == 1032
    clock.now = start + 3.0
    assert refused_code(admit(exchange, clock, "swap_cross_track_cancel")) is None


def test_read_pool_is_separate_from_the_trade_pool(clock: FakeClock) -> None:
    exchange = Exchange(clock=clock, rate=1000, pool_rate=4)
    assert codes(exchange, clock, "swap_track_openorders", 2) == [None, None]
    assert codes(exchange, clock, "swap_cross_track_hisorders", 3) == [None, None, 1032]
    assert codes(exchange, clock, "swap_track_order", 4) == [None] * 4
    assert codes(exchange, clock, "swap_cross_track_order", 1) == [1032]
    assert exchange.stats().max_pool_count == {
        DEFAULT_CREDENTIALS.access_key: {"read": 5, "trade": 5}
    }


def test_read_headers_describe_the_read_pool(exchange: Exchange, clock: FakeClock) -> None:
    admit(exchange, clock, "swap_track_order")
    headers = admit(exchange, clock, "swap_cross_track_openorders").headers
    assert (headers["ratelimit-limit"], headers["ratelimit-remaining"]) == ("72", "71")
    trade = admit(exchange, clock, "swap_track_cancel").headers
    assert trade["ratelimit-remaining"] == "70"


def test_keys_of_one_account_share_its_interface_windows_and_its_pools(
    clock: FakeClock,
) -> None:
    """The spec's `scope: per user, per interface`: a second key of the account gets only what
    the first left of each window; another account has its own."""
    exchange = Exchange(clock=clock, pool_rate=8)
    exchange.add_credentials(SAME_ACCOUNT, uid=DEFAULT_CREDENTIALS.access_key)
    exchange.add_credentials(OTHER_ACCOUNT)
    own = [refused_code(admit(exchange, clock, "swap_track_order")) for _ in range(3)]
    second = [
        refused_code(admit(exchange, clock, "swap_track_order", SAME_ACCOUNT)) for _ in range(3)
    ]
    assert own == [None] * 3
    assert second == [None, None, 1032], "the account's place window holds 5"
    other = [
        refused_code(admit(exchange, clock, "swap_track_order", OTHER_ACCOUNT)) for _ in range(5)
    ]
    assert other == [None] * 5
    cancels = [
        refused_code(admit(exchange, clock, "swap_track_cancel", SAME_ACCOUNT)) for _ in range(5)
    ]
    assert cancels == [None, None, None, 1032, 1032], "the account's trade pool holds 8"
    assert exchange.stats().max_window_count == {
        DEFAULT_CREDENTIALS.access_key: 6,  # the account's 6 places, the refused one included
        OTHER_ACCOUNT.access_key: 5,
    }
    assert exchange.max_window_count(SAME_ACCOUNT.access_key) == 6, "its account's count"
    assert exchange.max_pool_count(Pool.TRADE, DEFAULT_CREDENTIALS.access_key) == 11


def test_a_request_refused_by_the_pool_takes_no_interface_slot(clock: FakeClock) -> None:
    exchange = Exchange(clock=clock, pool_rate=2, pool_interval=3.0)
    assert codes(exchange, clock, "swap_track_order", 3) == [None, None, 1032]
    clock.advance(3.0)
    # Had the refused request taken an interface slot, only 4 would pass in this second.
    assert codes(exchange, clock, "swap_track_order", 2) == [None, None]


def test_a_request_refused_by_the_interface_takes_no_pool_slot(
    exchange: Exchange, clock: FakeClock
) -> None:
    assert codes(exchange, clock, "swap_track_order", 10) == [None] * 5 + [1032] * 5
    headers = admit(exchange, clock, "swap_track_openorders").headers
    assert headers["ratelimit-remaining"] == "71"  # the read pool: untouched
    trade = admit(exchange, clock, "swap_track_cancel").headers
    assert trade["ratelimit-remaining"] == "66", "5 places and this cancel"


def test_rate_none_turns_off_every_limit_pools_included(clock: FakeClock) -> None:
    exchange = Exchange(clock=clock, rate=None, pool_rate=72)
    assert exchange.settings()["pool_rate"] is None
    for operation in Operation:
        for _ in range(80):
            admission = admit(exchange, clock, operation.value)
            assert admission.refusal is None
            assert admission.headers == {}
    assert exchange.max_pool_count(Pool.READ) == 320


def test_pool_limits_can_change_while_running(exchange: Exchange, clock: FakeClock) -> None:
    exchange.set_rate_limit(100, pool_rate=2, pool_interval=10.0)
    assert codes(exchange, clock, "swap_track_order", 3) == [None, None, 1032]
    assert exchange.settings() | {"faults": None} == {
        "rate": 100,
        "interval": 1.0,
        "pool_rate": 2,
        "pool_interval": 10.0,
        "latency": 0.0,
        "faults": None,
        "queued_faults": [],
    }
    exchange.set_rate_limit(100, pool_rate=None)
    assert codes(exchange, clock, "swap_track_order", 5) == [None] * 5


@pytest.mark.parametrize(
    "limits",
    [
        {"pool_rate": 0},
        {"pool_rate": 2.5},
        {"pool_rate": float("nan")},
        {"pool_rate": float("inf")},
        {"pool_interval": 0.0},
        {"pool_interval": float("nan")},
        {"pool_interval": float("inf")},
        {"pool_interval": 86_400.0},
        {"rate": float("nan")},
        {"rate": 10**9},
        {"interval": float("inf")},
    ],
    ids=repr,
)
def test_absurd_limits_are_refused_and_change_nothing(
    exchange: Exchange, limits: dict[str, float]
) -> None:
    before = exchange.settings()
    with pytest.raises(ValueError, match=r"rate|interval"):
        exchange.set_rate_limit(**{"rate": 5, **limits})  # type: ignore[arg-type]
    assert exchange.settings() == before
    with pytest.raises(ValueError, match=r"rate|interval"):
        Exchange(**limits)  # type: ignore[arg-type]


def test_pools_over_a_real_socket(client: httpx.Client) -> None:
    """Every trade operation draws on one pool; its headers count down across them."""
    with running(rate=1000, pool_rate=3, pool_interval=60.0) as sandbox:
        replies = [
            post(
                client, sandbox, "swap_track_cancel", {"contract_code": "BTC-USDT", "order_id": "1"}
            ),
            post(client, sandbox, "swap_cross_track_cancelall", {"contract_code": "BTC-USDT"}),
            post(client, sandbox, "swap_track_order", {}),
            post(client, sandbox, "swap_cross_track_order", {}),
            post(client, sandbox, "swap_track_openorders", {"contract_code": "BTC-USDT"}),
        ]
    assert [r.json().get("err_code") for r in replies] == [None, 1051, 1066, 1032, None]
    assert [r.headers["ratelimit-remaining"] for r in replies] == ["2", "1", "0", "0", "2"]
    assert {r.headers["ratelimit-limit"] for r in replies} == {"3"}
    assert {r.headers["ratelimit-interval"] for r in replies} == {"60000"}
    assert sandbox.control.stats().max_pool_count == {
        sandbox.credentials.access_key: {"trade": 4, "read": 1}
    }


@pytest.mark.parametrize(
    "path",
    ["/linear-swap-api/v1/swap_track_teapot", "/linear-swap-api/v1/", "/v1/swap_track_order", ""],
)
def test_only_the_ten_paths_are_operations(path: str) -> None:
    with pytest.raises(ValueError, match="no trailing-order operation"):
        Operation.for_path(path)
    assert Operation.for_path(Operation.CROSS_HISTORY.path) is Operation.CROSS_HISTORY


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"rate": True}, "rate must be a number"),
        ({"rate": "5"}, "rate must be a number"),
        ({"interval": "1"}, "interval must be a number"),
        ({"pool_interval": None}, "pool_interval must be a number"),
        ({"latency": "slow"}, "latency must be a number"),
        ({"latency": float("inf")}, "latency must be from 0 to 600"),
        ({"public_host": ""}, "public_host"),
    ],
    ids=repr,
)
def test_settings_of_the_wrong_type_are_refused(settings: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Exchange(**settings)  # type: ignore[arg-type]
