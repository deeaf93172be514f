"""The strict sliding-window limits: per interface and key, per UID pool; and their headers."""

from __future__ import annotations

import json

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from htx_sandbox import DEFAULT_CREDENTIALS, Credentials, Exchange, running
from htx_sandbox._ratelimit import SlidingWindow, max_window_count

from .conftest import FakeClock, admit, refused_code
from .signer import cancel

OTHER = Credentials(access_key="other-key", secret_key="other-secret")


def test_sixth_request_within_a_second_is_1032(exchange: Exchange, clock: FakeClock) -> None:
    codes = []
    for _ in range(6):
        codes.append(refused_code(admit(exchange, clock)))
        clock.advance(0.1)
    assert codes == [None] * 5 + [1032]
    refusal = json.loads(admit(exchange, clock).refusal.body)  # type: ignore[union-attr]
    assert refusal == {
        "status": "error",
        "err_code": 1032,
        "err_msg": "The number of access exceeded the limit.",
        "ts": round(clock() * 1000),
    }


def test_slot_frees_exactly_one_interval_after_the_oldest(
    exchange: Exchange, clock: FakeClock
) -> None:
    start = clock.now
    for step in range(5):
        clock.now = start + step / 10
        assert refused_code(admit(exchange, clock)) is None
    clock.now = start + 0.999
    assert refused_code(admit(exchange, clock)) == 1032
    clock.now = start + 1.0
    assert refused_code(admit(exchange, clock)) is None


def test_refused_requests_take_no_slot(exchange: Exchange, clock: FakeClock) -> None:
    for _ in range(5):
        admit(exchange, clock)
    for _ in range(20):
        assert refused_code(admit(exchange, clock)) == 1032
    clock.advance(1.0)
    assert refused_code(admit(exchange, clock)) is None


def test_each_key_has_its_own_window(exchange: Exchange, clock: FakeClock) -> None:
    exchange.add_credentials(OTHER)
    for _ in range(5):
        admit(exchange, clock)
    assert refused_code(admit(exchange, clock)) == 1032
    assert refused_code(admit(exchange, clock, keys=OTHER)) is None


def test_unauthenticated_requests_are_not_counted(exchange: Exchange, clock: FakeClock) -> None:
    wrong = Credentials(access_key=DEFAULT_CREDENTIALS.access_key, secret_key="wrong")
    for _ in range(10):
        assert refused_code(admit(exchange, clock, keys=wrong)) == 403
    assert refused_code(admit(exchange, clock)) is None
    assert exchange.max_window_count() == 1


def test_headers_describe_the_trade_pool(exchange: Exchange, clock: FakeClock) -> None:
    """As HTX's do: the UID's pool (72 per 3 s), not the 5/s per-interface limit."""
    first = admit(exchange, clock).headers
    assert first == {
        "ratelimit-limit": "72",
        "ratelimit-interval": "3000",
        "ratelimit-remaining": "71",
        "ratelimit-reset": str(round((clock() + 3.0) * 1000)),
    }
    clock.advance(0.25)
    for _ in range(4):
        admit(exchange, clock)
    refused = admit(exchange, clock)  # the sixth cancel in a second: over the interface limit
    assert refused_code(refused) == 1032
    assert refused.headers["ratelimit-remaining"] == "67", "a refused request takes no slot"
    assert refused.headers["ratelimit-reset"] == first["ratelimit-reset"]


def test_without_pools_headers_describe_the_interface_window(clock: FakeClock) -> None:
    exchange = Exchange(clock=clock, pool_rate=None)
    first = admit(exchange, clock).headers
    assert first == {
        "ratelimit-limit": "5",
        "ratelimit-interval": "1000",
        "ratelimit-remaining": "4",
        "ratelimit-reset": str(round((clock() + 1.0) * 1000)),
    }
    clock.advance(0.25)
    for _ in range(4):
        admit(exchange, clock)
    refused = admit(exchange, clock)
    assert refused.headers["ratelimit-remaining"] == "0"
    assert refused.headers["ratelimit-reset"] == first["ratelimit-reset"]
    assert exchange.settings()["pool_rate"] is None


def test_error_replies_carry_headers_too(exchange: Exchange, clock: FakeClock) -> None:
    wrong = Credentials(access_key=DEFAULT_CREDENTIALS.access_key, secret_key="wrong")
    admit(exchange, clock)
    assert admit(exchange, clock, keys=wrong).headers["ratelimit-remaining"] == "71"
    stranger = Credentials(access_key="stranger", secret_key="x")
    headers = admit(exchange, clock, keys=stranger).headers
    assert headers["ratelimit-remaining"] == "72"
    assert headers["ratelimit-reset"] == str(round(clock() * 1000))


def test_unlimited_admits_everything_without_headers(clock: FakeClock) -> None:
    exchange = Exchange(clock=clock, rate=None)
    for _ in range(100):
        admission = admit(exchange, clock)
        assert admission.refusal is None
        assert admission.headers == {}
    assert exchange.max_window_count() == 100


def test_rate_limit_can_change_while_running(exchange: Exchange, clock: FakeClock) -> None:
    exchange.set_rate_limit(2, interval=3.0)
    assert [refused_code(admit(exchange, clock)) for _ in range(3)] == [None, None, 1032]
    assert exchange.settings()["rate"] == 2
    exchange.set_rate_limit(None)
    assert refused_code(admit(exchange, clock)) is None
    assert exchange.settings()["rate"] is None


@pytest.mark.parametrize(("rate", "interval"), [(0, 1.0), (2.5, 1.0), (5, 0.0), (None, -1.0)])
def test_nonsense_limits_are_refused(rate: float | None, interval: float) -> None:
    with pytest.raises(ValueError, match=r"rate|interval|limit"):
        Exchange(rate=rate, interval=interval)


def test_window_validates_itself() -> None:
    with pytest.raises(ValueError, match="limit"):
        SlidingWindow(0, 1.0)
    with pytest.raises(ValueError, match="interval"):
        SlidingWindow(1, 0.0)


def test_max_window_count_includes_refused_requests(exchange: Exchange, clock: FakeClock) -> None:
    for _ in range(7):
        admit(exchange, clock)
    clock.advance(5)
    admit(exchange, clock)
    assert exchange.max_window_count() == 7
    assert exchange.max_window_count(DEFAULT_CREDENTIALS.access_key) == 7
    assert exchange.max_window_count("nobody") == 0
    assert exchange.stats().max_window_count == {DEFAULT_CREDENTIALS.access_key: 7}


def test_max_window_count_window_is_half_open() -> None:
    assert max_window_count([0.0, 0.5, 1.0, 1.5], 1.0) == 2
    assert max_window_count([], 1.0) == 0
    assert max_window_count([3.0, 1.0, 2.0, 2.9], 1.0) == 2


@given(
    limit=st.integers(min_value=1, max_value=6),
    gaps=st.lists(st.floats(min_value=0.0, max_value=0.7), max_size=60),
)
def test_admitted_requests_never_exceed_the_limit_in_any_window(
    limit: int, gaps: list[float]
) -> None:
    window = SlidingWindow(limit, 1.0)
    now, admitted = 0.0, []
    for gap in gaps:
        now += gap
        if window.admit("k", now).admitted:
            admitted.append(now)
    assert max_window_count(admitted, 1.0) <= limit


@given(times=st.lists(st.floats(min_value=0.0, max_value=10.0), max_size=40))
def test_max_window_count_matches_brute_force(times: list[float]) -> None:
    brute = max((sum(t <= u < t + 1.0 for u in times) for t in times), default=0)
    assert max_window_count(times, 1.0) == brute


def test_rate_limit_over_a_real_socket(client: httpx.Client) -> None:
    # A long interval makes the count independent of how fast this machine is.
    with running(rate=3, interval=60.0, pool_rate=None, orders=1) as sandbox:
        replies = [cancel(client, sandbox, sandbox.order_ids[0]) for _ in range(4)]
    assert [r.json()["status"] for r in replies] == ["ok", "ok", "ok", "error"]
    assert replies[3].json()["err_code"] == 1032
    assert [r.headers["ratelimit-remaining"] for r in replies] == ["2", "1", "0", "0"]
    assert {r.headers["ratelimit-interval"] for r in replies} == {"60000"}
    assert {r.headers["ratelimit-limit"] for r in replies} == {"3"}
    assert sandbox.control.max_window_count() == 4
    assert sandbox.control.rejections() == {1032: 1}
