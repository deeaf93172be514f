"""Faults on demand, each observed from a raw httpx client over a real socket."""

from __future__ import annotations

import asyncio
import json
import random
from collections import Counter
from collections.abc import Iterator

import httpx
import pytest

from htx_sandbox import Fault, FaultPlan, Operation, OrderState, Sandbox, running

from .conftest import TLS, make_client
from .signer import cancel, post, signed_url


@pytest.fixture(scope="module")
def shared() -> Iterator[Sandbox]:
    with running(rate=None, orders=3) as sandbox:
        yield sandbox


@pytest.fixture
def sandbox(shared: Sandbox) -> Sandbox:
    shared.control.reset()
    return shared


def test_bad_gateway_is_an_html_502_and_not_applied(sandbox: Sandbox, client: httpx.Client) -> None:
    sandbox.control.queue_faults(Fault.BAD_GATEWAY)
    order_id = sandbox.order_ids[0]
    response = cancel(client, sandbox, order_id)
    assert response.status_code == 502
    assert response.headers["content-type"].startswith("text/html")
    assert "<html>" in response.text
    assert "ratelimit-limit" not in response.headers
    assert sandbox.control.order_state(order_id) is OrderState.OPEN
    record = sandbox.control.requests()[-1]
    assert (record.http_status, record.status, record.fault) == (502, None, Fault.BAD_GATEWAY)


def test_drop_after_apply_is_a_transport_error_after_the_cancel(
    sandbox: Sandbox, client: httpx.Client
) -> None:
    sandbox.control.queue_faults(Fault.DROP_AFTER_APPLY)
    order_id = sandbox.order_ids[0]
    with pytest.raises(httpx.RemoteProtocolError):
        cancel(client, sandbox, order_id)
    assert sandbox.control.order_state(order_id) is OrderState.CANCELLED
    retry = cancel(client, sandbox, order_id)
    assert retry.json()["data"]["errors"][0]["err_code"] == 1071


def test_delay_after_apply_outlasts_the_client_timeout(sandbox: Sandbox) -> None:
    sandbox.control.set_faults(FaultPlan(delay=2.0))
    sandbox.control.queue_faults(Fault.DELAY_AFTER_APPLY)
    order_id = sandbox.order_ids[0]
    with make_client(timeout=0.3) as client, pytest.raises(httpx.ReadTimeout):
        cancel(client, sandbox, order_id)
    assert sandbox.control.order_state(order_id) is OrderState.CANCELLED
    with make_client() as client:
        assert cancel(client, sandbox, sandbox.order_ids[1]).json()["status"] == "ok"


def test_delay_after_apply_then_replies(client: httpx.Client) -> None:
    with running(faults=FaultPlan(delay=0.2), orders=1) as sandbox:
        sandbox.control.queue_faults(Fault.DELAY_AFTER_APPLY)
        response = cancel(client, sandbox, sandbox.order_ids[0])
    assert response.json()["data"]["successes"] == sandbox.order_ids[0]


def test_junk_after_apply_is_a_200_that_is_not_json(sandbox: Sandbox, client: httpx.Client) -> None:
    sandbox.control.queue_faults(Fault.JUNK_AFTER_APPLY)
    order_id = sandbox.order_ids[0]
    response = cancel(client, sandbox, order_id)
    assert response.status_code == 200
    assert response.text.startswith('{"status":"ok"')
    with pytest.raises(json.JSONDecodeError):
        response.json()
    assert sandbox.control.order_state(order_id) is OrderState.CANCELLED


def test_queued_faults_come_in_order_then_the_plan(sandbox: Sandbox, client: httpx.Client) -> None:
    sandbox.control.queue_faults(Fault.NONE)
    sandbox.control.queue_faults("bad_gateway", count=2)
    codes = [cancel(client, sandbox, "1").status_code for _ in range(4)]
    assert codes == [200, 502, 502, 200]
    assert sandbox.control.stats().faults == {"bad_gateway": 2}


def test_refused_requests_draw_no_fault(sandbox: Sandbox, client: httpx.Client) -> None:
    sandbox.control.queue_faults(Fault.BAD_GATEWAY)
    stale = cancel(client, sandbox, "1", when="2019-11-21T10:00:00")
    assert stale.json()["err_code"] == 12001
    assert cancel(client, sandbox, "1").status_code == 502


def test_faulted_requests_count_against_the_rate_limit(client: httpx.Client) -> None:
    with running(rate=2, interval=60.0) as sandbox:
        sandbox.control.queue_faults(Fault.BAD_GATEWAY, count=2)
        replies = [cancel(client, sandbox, "1") for _ in range(3)]
    assert [r.status_code for r in replies] == [502, 502, 200]
    assert replies[2].json()["err_code"] == 1032


def test_plan_faults_are_drawn_from_the_seed(client: httpx.Client) -> None:
    plan = FaultPlan(p_bad_gateway=0.5)
    runs = []
    for _ in range(2):
        with running(rate=None, faults=plan, seed=3) as sandbox:
            runs.append([cancel(client, sandbox, "1").status_code for _ in range(12)])
    assert runs[0] == runs[1]
    assert set(runs[0]) == {200, 502}


def test_latency_delays_every_reply_without_blocking_others() -> None:
    async def burst(sandbox: Sandbox) -> list[httpx.Response]:
        keys = sandbox.credentials
        target = signed_url(sandbox.base_url, sandbox.host, keys.access_key, keys.secret_key)
        body = {"contract_code": "BTC-USDT", "order_id": "1"}
        async with httpx.AsyncClient(timeout=10.0, verify=TLS) as client:
            return await asyncio.gather(*(client.post(target, json=body) for _ in range(4)))

    with running(rate=None, latency=0.6) as sandbox:
        replies = asyncio.run(burst(sandbox))
    arrivals = [record.time for record in sandbox.control.requests()]
    assert len(arrivals) == 4
    # Had one reply's latency held up the next request, arrivals would be 0.6 s apart.
    assert max(arrivals) - min(arrivals) < 0.6
    assert all(r.json()["ts"] - min(arrivals) * 1000 >= 550 for r in replies)


def test_latency_applies_to_refusals_too(client: httpx.Client) -> None:
    with running(latency=0.2) as sandbox:
        reply = cancel(client, sandbox, "1", when="2019-11-21T10:00:00")
    assert reply.json()["err_code"] == 12001
    assert sandbox.control.settings()["latency"] == 0.2


def test_plan_draw_follows_the_probabilities() -> None:
    plan = FaultPlan(
        p_bad_gateway=0.1, p_drop_after_apply=0.2, p_delay_after_apply=0.3, p_junk_after_apply=0.15
    )
    rng = random.Random(0)
    counts = Counter(plan.draw(rng) for _ in range(10_000))
    expected = {
        Fault.BAD_GATEWAY: 0.1,
        Fault.DROP_AFTER_APPLY: 0.2,
        Fault.DELAY_AFTER_APPLY: 0.3,
        Fault.JUNK_AFTER_APPLY: 0.15,
        Fault.NONE: 0.25,
    }
    for fault, share in expected.items():
        assert abs(counts[fault] / 10_000 - share) < 0.02


def test_empty_plan_draws_no_fault() -> None:
    rng = random.Random(0)
    assert {FaultPlan().draw(rng) for _ in range(100)} == {Fault.NONE}


@pytest.mark.parametrize(
    "options",
    [{"p_bad_gateway": -0.1}, {"p_junk_after_apply": 1.5}, {"delay": -1.0}],
)
def test_plan_refuses_impossible_values(options: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="must be"):
        FaultPlan(**options)


def test_plan_refuses_probabilities_over_one() -> None:
    with pytest.raises(ValueError, match="more than 1"):
        FaultPlan(p_bad_gateway=0.6, p_drop_after_apply=0.6)


def test_negative_latency_is_refused(sandbox: Sandbox) -> None:
    with pytest.raises(ValueError, match="latency"):
        sandbox.control.set_latency(-1)


# --- every operation, and placing above all -------------------------------------------------------

PLACE = {
    "contract_code": "BTC-USDT",
    "direction": "sell",
    "offset": "close",
    "volume": 1,
    "callback_rate": 0.01,
    "active_price": 70000,
    "order_price_type": "formula_price",
}


def _placed(sandbox: Sandbox) -> str:
    """The order the last request created, from the sandbox's record of it."""
    (created,) = sandbox.control.requests()[-1].created_ids
    return created


def test_place_dropped_after_apply_leaves_an_order_the_client_never_heard_of(
    sandbox: Sandbox, client: httpx.Client
) -> None:
    sandbox.control.queue_faults(Fault.DROP_AFTER_APPLY)
    with pytest.raises(httpx.RemoteProtocolError):
        post(client, sandbox, "swap_track_order", PLACE)
    created = _placed(sandbox)
    assert sandbox.control.order_state(created) is OrderState.OPEN
    listed = post(client, sandbox, "swap_track_openorders", {"contract_code": "BTC-USDT"}).json()
    assert created in [order["order_id_str"] for order in listed["data"]["orders"]]
    assert sandbox.control.stats().placed == 1


def test_place_delayed_past_the_timeout_still_creates_the_order(sandbox: Sandbox) -> None:
    sandbox.control.set_faults(FaultPlan(delay=2.0))
    sandbox.control.queue_faults(Fault.DELAY_AFTER_APPLY)
    with make_client(timeout=0.3) as client, pytest.raises(httpx.ReadTimeout):
        post(client, sandbox, "swap_cross_track_order", PLACE)
    assert sandbox.control.order_state(_placed(sandbox)) is OrderState.OPEN
    assert sandbox.control.open_ids(margin_mode="cross") == {_placed(sandbox)}


def test_place_with_a_junk_reply_still_creates_the_order(
    sandbox: Sandbox, client: httpx.Client
) -> None:
    sandbox.control.queue_faults(Fault.JUNK_AFTER_APPLY)
    reply = post(client, sandbox, "swap_track_order", PLACE)
    assert reply.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        reply.json()
    assert reply.text.startswith('{"status":"ok","data":{"order_id":')
    assert sandbox.control.order_state(_placed(sandbox)) is OrderState.OPEN


def test_place_behind_a_bad_gateway_creates_nothing(sandbox: Sandbox, client: httpx.Client) -> None:
    before = sandbox.control.orders()
    sandbox.control.queue_faults(Fault.BAD_GATEWAY)
    assert post(client, sandbox, "swap_cross_track_order", PLACE).status_code == 502
    assert sandbox.control.orders() == before
    assert sandbox.control.requests()[-1].created_ids == ()


BODIES = {
    "swap_track_order": PLACE,
    "swap_cross_track_order": PLACE,
    "swap_track_cancel": {"contract_code": "BTC-USDT", "order_id": "1"},
    "swap_cross_track_cancel": {"contract_code": "BTC-USDT", "order_id": "1"},
    "swap_track_cancelall": {"contract_code": "BTC-USDT"},
    "swap_cross_track_cancelall": {"contract_code": "BTC-USDT"},
    "swap_track_openorders": {"contract_code": "BTC-USDT"},
    "swap_cross_track_openorders": {},
    "swap_track_hisorders": {
        "contract_code": "BTC-USDT",
        "status": "0",
        "trade_type": 0,
        "create_date": 1,
    },
    "swap_cross_track_hisorders": {"pair": "BTC-USDT", "status": "0", "create_date": 1},
}


@pytest.mark.parametrize("endpoint", BODIES)
def test_every_fault_applies_to_every_operation(
    sandbox: Sandbox, client: httpx.Client, endpoint: str
) -> None:
    assert set(BODIES) == {str(operation) for operation in Operation}
    body = BODIES[endpoint]
    sandbox.control.queue_faults(Fault.BAD_GATEWAY)
    sandbox.control.queue_faults(Fault.JUNK_AFTER_APPLY)
    sandbox.control.queue_faults(Fault.DROP_AFTER_APPLY)
    assert post(client, sandbox, endpoint, body).status_code == 502
    junk = post(client, sandbox, endpoint, body)
    assert junk.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        junk.json()
    with pytest.raises(httpx.RemoteProtocolError):
        post(client, sandbox, endpoint, body)
    records = sandbox.control.requests()
    assert [(r.operation, r.fault) for r in records] == [
        (Operation(endpoint), Fault.BAD_GATEWAY),
        (Operation(endpoint), Fault.JUNK_AFTER_APPLY),
        (Operation(endpoint), Fault.DROP_AFTER_APPLY),
    ]
    assert [r.http_status for r in records] == [502, 200, 200]
