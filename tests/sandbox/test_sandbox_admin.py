"""The `/_sandbox` admin API: seed, read the truth, set faults and limits, reset; no signature."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from htx_sandbox import Fault, OrderState, Sandbox, running

from .conftest import make_client
from .signer import cancel, post


@pytest.fixture(scope="module")
def shared() -> Iterator[Sandbox]:
    with running() as sandbox:
        yield sandbox


@pytest.fixture
def sandbox(shared: Sandbox) -> Sandbox:
    shared.control.reset()
    return shared


@pytest.fixture
def admin(sandbox: Sandbox) -> Iterator[httpx.Client]:
    # JSON by default: the admin API takes no other kind of POST.
    json_type = {"Content-Type": "application/json"}
    with make_client(base_url=f"{sandbox.base_url}/_sandbox", headers=json_type) as client:
        yield client


def test_seed_and_list_orders(sandbox: Sandbox, admin: httpx.Client) -> None:
    seeded = admin.post(
        "/orders",
        json={"contract_code": "ETH-USDT", "open": ["11", 12], "executed": ["13"], "generate": 2},
    )
    assert seeded.status_code == 200
    opened = seeded.json()["open"]
    assert opened[:2] == ["11", "12"]
    assert len(opened) == 4
    listed = admin.get("/orders", params={"contract_code": "ETH-USDT"}).json()["orders"]
    assert listed == {**dict.fromkeys(opened, "open"), "13": "executed"}
    assert sandbox.control.order_state("13") is OrderState.EXECUTED


def test_seed_defaults_to_btc_usdt(sandbox: Sandbox, admin: httpx.Client) -> None:
    admin.post("/orders", json={"cancelled": ["5"]})
    assert admin.get("/orders").json()["orders"] == {"5": "cancelled"}
    assert sandbox.control.orders("BTC-USDT") == {"5": OrderState.CANCELLED}


def test_requests_and_stats_tell_the_truth(
    sandbox: Sandbox, admin: httpx.Client, client: httpx.Client
) -> None:
    admin.post("/orders", json={"open": ["1"]})
    cancel(client, sandbox, "1,2")
    cancel(client, sandbox, "1", when="2019-11-21T10:00:00")
    (first, second) = admin.get("/requests").json()["requests"]
    assert first["access_key"] == sandbox.credentials.access_key
    assert (first["status"], first["err_code"], first["order_ids"]) == ("ok", None, ["1", "2"])
    assert (second["status"], second["err_code"], second["authenticated"]) == (
        "error",
        12001,
        False,
    )
    stats = admin.get("/stats").json()
    assert stats["requests"] == 2
    assert stats["authenticated"] == 1
    assert stats["cancelled"] == 1
    assert stats["rejections"] == {"12001": 1}
    assert stats["order_errors"] == {"1061": 1}
    assert stats["max_window_count"] == {sandbox.credentials.access_key: 1}


def test_admin_requests_are_not_recorded_or_rate_limited(
    sandbox: Sandbox, admin: httpx.Client
) -> None:
    for _ in range(10):
        assert admin.get("/stats").status_code == 200
    assert sandbox.control.requests() == ()


def test_set_faults_plan_queue_and_latency(
    sandbox: Sandbox, admin: httpx.Client, client: httpx.Client
) -> None:
    reply = admin.post(
        "/faults",
        json={
            "plan": {"p_junk_after_apply": 0.25, "delay": 1.5},
            "queue": ["bad_gateway"],
            "latency": 0.0,
        },
    )
    assert reply.status_code == 200
    settings = reply.json()
    assert settings["faults"]["p_junk_after_apply"] == 0.25
    assert settings["faults"]["delay"] == 1.5
    assert settings["queued_faults"] == ["bad_gateway"]
    assert cancel(client, sandbox, "1").status_code == 502
    assert sandbox.control.requests()[0].fault is Fault.BAD_GATEWAY
    cleared = admin.post("/faults", json={"plan": None}).json()
    assert (cleared["faults"], cleared["queued_faults"]) == (None, [])
    assert admin.get("/settings").json() == cleared


def test_set_rate_limit(sandbox: Sandbox, admin: httpx.Client, client: httpx.Client) -> None:
    assert admin.post("/rate", json={"rate": 1, "interval": 60}).json()["rate"] == 1
    codes = [cancel(client, sandbox, "1").json().get("err_code") for _ in range(2)]
    assert codes == [None, 1032]
    unlimited = admin.post("/rate", json={"rate": None}).json()
    assert (unlimited["rate"], unlimited["interval"]) == (None, 1.0)


def test_reset_restores_the_initial_state(
    sandbox: Sandbox, admin: httpx.Client, client: httpx.Client
) -> None:
    admin.post("/orders", json={"open": ["1"]})
    admin.post("/faults", json={"queue": ["drop_after_apply"], "latency": 0.05})
    cancel(client, sandbox, "1", when="2019-11-21T10:00:00")
    assert admin.post("/reset", json={}).json() == {"reset": True}
    assert admin.get("/orders").json() == {"orders": {}}
    assert admin.get("/requests").json() == {"requests": []}
    assert admin.get("/settings").json()["queued_faults"] == []
    assert admin.get("/settings").json()["latency"] == 0.0


BAD = {
    "orders-not-json": ("/orders", b"{"),
    "orders-not-object": ("/orders", b"[]"),
    "orders-bad-contract": ("/orders", b'{"contract_code": 1}'),
    "orders-bad-ids": ("/orders", b'{"open": "1"}'),
    "orders-bad-id": ("/orders", b'{"open": ["x"]}'),
    "orders-bool-id": ("/orders", b'{"open": [true]}'),
    "orders-bad-generate": ("/orders", b'{"generate": "3"}'),
    "orders-bool-generate": ("/orders", b'{"generate": true}'),
    "orders-absurd-generate": ("/orders", b'{"generate": 100000000}'),
    "orders-bad-mode": ("/orders", b'{"open": ["1"], "margin_mode": "portfolio"}'),
    "orders-bad-key": ("/orders", b'{"open": ["1"], "access_key": 7}'),
    "orders-unknown-key": ("/orders", b'{"open": ["1"], "access_key": "nobody"}'),
    "orders-bad-fields": ("/orders", b'{"open": ["1"], "fields": []}'),
    "orders-nan-field": ("/orders", b'{"open": ["1"], "fields": {"active_price": NaN}}'),
    "orders-late-bad-id": ("/orders", b'{"open": ["1"], "cancelled": ["2"], "failed": ["x"]}'),
    "faults-bad-plan": ("/faults", b'{"plan": 1}'),
    "faults-unknown-field": ("/faults", b'{"plan": {"p_teapot": 1}}'),
    "faults-bad-probability": ("/faults", b'{"plan": {"p_bad_gateway": 2}}'),
    "faults-nan-probability": ("/faults", b'{"plan": {"p_bad_gateway": NaN}}'),
    "faults-infinite-delay": ("/faults", b'{"plan": {"delay": Infinity}}'),
    "faults-overflowing-delay": ("/faults", b'{"plan": {"delay": 1e999}}'),
    "faults-absurd-delay": ("/faults", b'{"plan": {"delay": 86400}}'),
    "faults-bad-queue": ("/faults", b'{"queue": "bad_gateway"}'),
    "faults-unknown-fault": ("/faults", b'{"queue": ["teapot"]}'),
    "faults-bad-latency": ("/faults", b'{"latency": "slow"}'),
    "faults-negative-latency": ("/faults", b'{"latency": -1}'),
    "faults-nan-latency": ("/faults", b'{"latency": NaN}'),
    "faults-infinite-latency": ("/faults", b'{"latency": Infinity}'),
    "faults-minus-infinite-latency": ("/faults", b'{"latency": -Infinity}'),
    "faults-huge-latency": ("/faults", b'{"latency": 1e308}'),
    "faults-huge-integer-latency": ("/faults", b'{"latency": ' + b"9" * 400 + b"}"),
    "faults-good-plan-bad-latency": (
        "/faults",
        b'{"plan": {"p_bad_gateway": 0.5}, "queue": ["junk_after_apply"], "latency": -1}',
    ),
    "faults-good-plan-bad-queue": (
        "/faults",
        b'{"plan": {"p_bad_gateway": 0.5}, "latency": 0.5, "queue": ["none", "teapot"]}',
    ),
    "rate-bad-rate": ("/rate", b'{"rate": "5"}'),
    "rate-fractional": ("/rate", b'{"rate": 2.5}'),
    "rate-bad-interval": ("/rate", b'{"rate": 5, "interval": 0}'),
    "rate-nan": ("/rate", b'{"rate": NaN}'),
    "rate-infinite": ("/rate", b'{"rate": Infinity}'),
    "rate-absurd": ("/rate", b'{"rate": 1000000000}'),
    "rate-nan-interval": ("/rate", b'{"rate": 5, "interval": NaN}'),
    "rate-bad-pool": ("/rate", b'{"rate": 5, "pool_rate": -72}'),
    "rate-infinite-pool-interval": ("/rate", b'{"rate": 5, "pool_interval": Infinity}'),
    "rate-bool-pool": ("/rate", b'{"rate": 5, "pool_rate": true}'),
    "reset-not-object": ("/reset", b"[]"),
    # Issue 22, item 12: JSON's true is no probability, and a body too deep to read is bad input.
    "faults-true-probability": ("/faults", b'{"plan": {"p_bad_gateway": true}}'),
    "faults-true-delay": ("/faults", b'{"plan": {"delay": true}}'),
    "faults-deeply-nested": ("/faults", b'{"plan": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"),
    "orders-deeply-nested": ("/orders", b"[" * 100_000 + b"]" * 100_000),
}


@pytest.mark.parametrize(("path", "body"), BAD.values(), ids=BAD.keys())
def test_bad_admin_input_is_a_400_with_a_reason_and_changes_nothing(
    sandbox: Sandbox, admin: httpx.Client, path: str, body: bytes
) -> None:
    admin.post("/orders", json={"open": ["7"]})
    admin.post("/faults", json={"plan": {"p_drop_after_apply": 0.1}, "latency": 0.01})
    admin.post("/rate", json={"rate": 9, "interval": 2, "pool_rate": 50, "pool_interval": 4})
    settings = admin.get("/settings").json()
    orders = admin.get("/orders").json()
    reply = admin.post(path, content=body)
    assert reply.status_code == 400
    assert reply.json()["error"]
    assert admin.get("/settings").json() == settings
    assert admin.get("/orders").json() == orders
    assert sandbox.control.settings()["latency"] == 0.01


def test_infinite_latency_is_refused_and_replies_keep_flowing(
    sandbox: Sandbox, admin: httpx.Client, client: httpx.Client
) -> None:
    reply = admin.post("/faults", content=b'{"latency": Infinity}')
    assert reply.status_code == 400
    assert "not a number" in reply.json()["error"]
    settings = admin.get("/settings")
    assert settings.status_code == 200
    assert settings.json()["latency"] == 0.0
    assert cancel(client, sandbox, "1").json()["status"] == "ok"


def test_set_pool_limits(sandbox: Sandbox, admin: httpx.Client, client: httpx.Client) -> None:
    settings = admin.post("/rate", json={"rate": 100, "pool_rate": 1, "pool_interval": 60}).json()
    assert settings | {"faults": None} == {
        "rate": 100,
        "interval": 1.0,
        "pool_rate": 1,
        "pool_interval": 60.0,
        "latency": 0.0,
        "faults": None,
        "queued_faults": [],
    }
    codes = [cancel(client, sandbox, "1").json().get("err_code") for _ in range(2)]
    assert codes == [None, 1032]
    defaults = admin.post("/rate", json={"rate": 5}).json()
    assert (defaults["pool_rate"], defaults["pool_interval"]) == (72, 3.0)
    no_pools = admin.post("/rate", json={"rate": 5, "pool_rate": None}).json()
    assert no_pools["pool_rate"] is None


def test_stats_report_pools_and_operations(
    sandbox: Sandbox, admin: httpx.Client, client: httpx.Client
) -> None:
    cancel(client, sandbox, "1")
    post(client, sandbox, "swap_cross_track_openorders", {})
    stats = admin.get("/stats").json()
    key = sandbox.credentials.access_key
    assert stats["max_pool_count"] == {key: {"trade": 1, "read": 1}}
    assert stats["operations"] == {"swap_track_cancel": 1, "swap_cross_track_openorders": 1}
    assert stats["max_window_count"] == {key: 1}
    assert stats["placed"] == 0
    records = admin.get("/requests").json()["requests"]
    assert [r["operation"] for r in records] == ["swap_track_cancel", "swap_cross_track_openorders"]
    assert records[0]["created_ids"] == records[0]["cancelled_ids"] == []
