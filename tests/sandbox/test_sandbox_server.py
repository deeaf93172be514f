"""`running()`, `serve()`, the pytest fixtures, and the package surface."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime

import httpx
import pytest

import htx_sandbox
from htx_sandbox import Credentials, Sandbox, running, serve
from htx_sandbox._server import _listen, _url_host, _wait_started, print_announcement

from .conftest import make_client
from .signer import cancel, post, timestamp


def test_running_serves_on_a_free_loopback_port(client: httpx.Client) -> None:
    with running(orders=2) as sandbox:
        assert sandbox.base_url == f"http://{sandbox.host}"
        assert sandbox.host.startswith("127.0.0.1:")
        reply = cancel(client, sandbox, ",".join(sandbox.order_ids))
        assert reply.json()["data"]["successes"] == ",".join(sandbox.order_ids)
    with pytest.raises(httpx.ConnectError):
        client.get(f"{sandbox.base_url}/_sandbox/stats")


def test_running_shuts_down_when_the_block_raises() -> None:
    with pytest.raises(RuntimeError, match="boom"), running() as sandbox:
        raise RuntimeError("boom")
    with make_client() as client, pytest.raises(httpx.ConnectError):
        client.get(f"{sandbox.base_url}/_sandbox/stats")


def test_running_exits_while_a_delayed_reply_is_pending() -> None:
    """Leaving the block doesn't wait for a reply a fault is still holding back."""
    with running(faults=htx_sandbox.FaultPlan(delay=30.0), orders=1) as sandbox:
        sandbox.control.queue_faults(htx_sandbox.Fault.DELAY_AFTER_APPLY)
        with make_client(timeout=0.2) as client, pytest.raises(httpx.ReadTimeout):
            cancel(client, sandbox, sandbox.order_ids[0])


def test_running_on_a_taken_port_fails_at_once() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        with pytest.raises(OSError, match="in use"), running(port=taken.getsockname()[1]):
            pass  # pragma: no cover


def test_listener_is_tcp_so_asyncio_sets_nodelay() -> None:
    with _listen("127.0.0.1", 0) as listener:
        assert listener.proto == socket.IPPROTO_TCP


def test_ipv6_hosts_are_bracketed_in_urls() -> None:
    assert _url_host("::1") == "[::1]"
    assert _url_host("127.0.0.1") == "127.0.0.1"


class _NeverStarts:
    started = False


def test_wait_started_reports_a_dead_server_thread() -> None:
    dead = threading.Thread(target=lambda: None)
    dead.start()
    dead.join()
    with pytest.raises(RuntimeError, match="stopped"):
        _wait_started(_NeverStarts(), dead)  # type: ignore[arg-type]


def test_wait_started_gives_up_after_the_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("htx_sandbox._server.STARTUP_TIMEOUT", 0.0)
    with pytest.raises(RuntimeError, match="did not start"):
        _wait_started(_NeverStarts(), threading.current_thread())  # type: ignore[arg-type]


def test_repr_never_shows_the_secret() -> None:
    keys = Credentials(access_key="ak", secret_key="very-secret")
    with running(credentials=keys) as sandbox:
        shown = repr(sandbox)
    assert "very-secret" not in shown
    assert "ak" in shown
    assert sandbox.base_url in shown
    assert "very-secret" not in repr(keys)


def test_custom_and_added_credentials_are_accepted(client: httpx.Client) -> None:
    keys = Credentials(access_key="ak", secret_key="sk")
    other = Credentials(access_key="ak2", secret_key="sk2")
    with running(credentials=keys) as sandbox:
        assert cancel(client, sandbox, "1").json()["status"] == "ok"
        sandbox.control.add_credentials(other)
        second = Sandbox(
            base_url=sandbox.base_url,
            host=sandbox.host,
            credentials=other,
            contract_code=sandbox.contract_code,
            order_ids=(),
            control=sandbox.control,
        )
        assert cancel(client, second, "1").json()["status"] == "ok"


def test_skewed_sandbox_clock_gives_12001_and_its_ts_corrects_the_client(
    client: httpx.Client,
) -> None:
    with running(clock=lambda: time.time() - 600, orders=1) as sandbox:
        first = cancel(client, sandbox, sandbox.order_ids[0]).json()
        assert (first["status"], first["err_code"]) == ("error", 12001)
        offset = first["ts"] / 1000 - time.time()
        assert -610 < offset < -590
        corrected = datetime.fromtimestamp(time.time() + offset, UTC)
        second = cancel(client, sandbox, sandbox.order_ids[0], when=timestamp(corrected))
    assert second.json()["data"]["successes"] == sandbox.order_ids[0]


def test_reset_brings_back_the_startup_orders(client: httpx.Client) -> None:
    with running(orders=3) as sandbox:
        cancel(client, sandbox, ",".join(sandbox.order_ids))
        assert sandbox.control.cancelled_ids() == set(sandbox.order_ids)
        sandbox.control.reset()
        assert sandbox.control.cancelled_ids() == frozenset()
        assert set(sandbox.control.orders()) == set(sandbox.order_ids)


def test_serve_announces_then_runs_until_stopped() -> None:
    announced: list[Sandbox] = []
    ready, stop = threading.Event(), threading.Event()

    def announce(sandbox: Sandbox) -> None:
        announced.append(sandbox)
        ready.set()

    runner = threading.Thread(
        target=serve, kwargs={"port": 0, "orders": 4, "announce": announce, "stop": stop}
    )
    runner.start()
    try:
        assert ready.wait(10)
        (sandbox,) = announced
        assert len(sandbox.order_ids) == 4
        with make_client() as client:
            assert cancel(client, sandbox, sandbox.order_ids[0]).json()["status"] == "ok"
    finally:
        stop.set()
        runner.join(10)
    assert not runner.is_alive()


def test_describe_names_url_keys_and_orders() -> None:
    with running(orders=2) as sandbox:
        text = htx_sandbox.describe(sandbox)
    assert sandbox.base_url in text
    assert sandbox.credentials.access_key in text
    assert sandbox.credentials.secret_key in text
    assert ",".join(sandbox.order_ids) in text


def test_default_announcement_prints_the_description(capsys: pytest.CaptureFixture[str]) -> None:
    with running(orders=1) as sandbox:
        print_announcement(sandbox)
    assert capsys.readouterr().out == htx_sandbox.describe(sandbox) + "\n"


SERVE_SCRIPT = """
import htx_sandbox
htx_sandbox.serve(port=0, orders=2)
print("stopped", flush=True)
"""


def test_ctrl_c_while_the_sandbox_is_announced_stops_it_cleanly() -> None:
    """The reader of the first line may press Ctrl-C before the rest is printed."""

    def interrupted(sandbox: Sandbox) -> None:
        raise KeyboardInterrupt

    serve(port=0, announce=interrupted)  # returns: no traceback, the server stopped


def test_serve_stops_cleanly_on_ctrl_c() -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with subprocess.Popen(
        [sys.executable, "-c", SERVE_SCRIPT], stdout=subprocess.PIPE, text=True, env=env
    ) as process:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert first.startswith("HTX sandbox listening on http://127.0.0.1:")
        base_url = first.split()[-1]
        with make_client() as client:
            assert client.get(f"{base_url}/_sandbox/stats").status_code == 200
        process.send_signal(signal.SIGINT)
        rest, _ = process.communicate(timeout=10)
    assert process.returncode == 0
    assert rest.rstrip().endswith("stopped")


# --- pytest fixtures ----------------------------------------------------------------------------


def test_fixture_seeds_open_orders_on_two_contracts_in_each_margin_mode(
    htx_sandbox: Sandbox, client: httpx.Client
) -> None:
    """By default, as `htx-swap sandbox` does (issue 13): the realistic mix, all of it open."""
    assert cancel(client, htx_sandbox, "1").json()["status"] == "ok"
    assert len(htx_sandbox.order_ids) == 5
    contracts = {mode: len(by_contract) for mode, by_contract in htx_sandbox.seeded.items()}
    assert contracts == {"isolated": 2, "cross": 2}
    for mode, by_contract in htx_sandbox.seeded.items():
        for code, ids in by_contract.items():
            assert ids
            assert htx_sandbox.control.open_ids(code, margin_mode=mode) == set(ids)


@pytest.mark.parametrize("htx_sandbox_orders", [0])
def test_fixture_starts_empty_when_htx_sandbox_orders_is_0(htx_sandbox: Sandbox) -> None:
    assert htx_sandbox.order_ids == ()
    assert htx_sandbox.control.open_ids() == frozenset()


@pytest.mark.htx_sandbox(orders=0)
def test_fixture_starts_empty_when_the_marker_asks_for_no_orders(htx_sandbox: Sandbox) -> None:
    assert htx_sandbox.order_ids == ()
    assert htx_sandbox.control.open_ids() == frozenset()


@pytest.mark.htx_sandbox(rate=None, orders=12)
def test_fixture_takes_options_from_the_marker(htx_sandbox: Sandbox, client: httpx.Client) -> None:
    assert len(htx_sandbox.order_ids) == 12
    replies = [cancel(client, htx_sandbox, "1") for _ in range(7)]
    assert {r.json()["status"] for r in replies} == {"ok"}
    assert "ratelimit-limit" not in replies[0].headers


def test_session_fixture_is_shared(htx_sandbox_session: Sandbox, client: httpx.Client) -> None:
    htx_sandbox_session.control.reset()
    assert cancel(client, htx_sandbox_session, "1").json()["status"] == "ok"


@pytest.mark.parametrize("missing", ["uvicorn", "starlette"])
def test_the_fixture_without_the_sandbox_extra_says_which_extra_to_install(
    monkeypatch: pytest.MonkeyPatch, missing: str
) -> None:
    from htx_sandbox import pytest_plugin

    monkeypatch.setitem(sys.modules, missing, None)  # makes `import <missing>` fail
    with pytest.raises(pytest.fail.Exception) as failed:
        pytest_plugin._running()
    assert str(failed.value) == (
        f"the htx_sandbox fixture needs the sandbox extra ({missing} is missing): "
        "pip install 'htx-swap[sandbox]'"
    )


CHEAP_IMPORT = """
import sys
import htx_sandbox, htx_sandbox.pytest_plugin
server = {"starlette", "uvicorn", "httpx", "h11"}
heavy = sorted(m for m in sys.modules if m.split(".")[0] in server)
print(heavy)
"""


def test_importing_the_package_and_plugin_loads_no_server() -> None:
    result = subprocess.run(
        [sys.executable, "-c", CHEAP_IMPORT], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def _isort_style(name: str) -> tuple[int, str]:
    """Constants, then classes, then functions: the order ruff's RUF022 keeps `__all__` in."""
    return (0 if name.isupper() else 1 if name[0].isupper() else 2, name)


def test_public_names_are_exactly_these() -> None:
    assert htx_sandbox.__all__ == sorted(htx_sandbox.__all__, key=_isort_style)
    assert set(htx_sandbox.__all__) == {
        "CANCEL_PATH",
        "DEFAULT_CREDENTIALS",
        "Credentials",
        "Exchange",
        "Fault",
        "FaultPlan",
        "MarginMode",
        "Operation",
        "OrderState",
        "OrderStateError",
        "Pool",
        "RequestRecord",
        "Sandbox",
        "Stats",
        "TrailingOrder",
        "describe",
        "running",
        "serve",
    }
    assert all(hasattr(htx_sandbox, name) for name in htx_sandbox.__all__)


# --- the realistic mix ----------------------------------------------------------------------------


def test_mix_seeds_open_orders_on_two_contracts_in_each_margin_mode(client: httpx.Client) -> None:
    with running(orders=3, mix=True) as sandbox:
        seeded = sandbox.seeded
        assert seeded["isolated"]["BTC-USDT"] == sandbox.order_ids
        assert set(seeded) == {"isolated", "cross"}
        assert len(seeded["isolated"]) == len(seeded["cross"]) == 2
        (futures,) = (code for code in seeded["cross"] if code != "BTC-USDT")
        assert futures.startswith("BTC-USDT-")
        every = {i for by_code in seeded.values() for ids in by_code.values() for i in ids}
        assert sandbox.control.open_ids() == every
        assert sandbox.control.cancelled_ids() == frozenset()
        listed = post(client, sandbox, "swap_cross_track_openorders", {}).json()["data"]
        assert listed["total_size"] == sum(len(ids) for ids in seeded["cross"].values())
        types = {(o["contract_code"], o["contract_type"]) for o in listed["orders"]}
        assert types == {("BTC-USDT", "swap"), (futures, "quarter")}
        assert any(o["is_active"] for o in listed["orders"]), "some are already trailing"
        sides = {(o["direction"], o["offset"]) for o in listed["orders"]}
        assert len(sides) > 1
        text = htx_sandbox.describe(sandbox)
        for mode, by_code in seeded.items():
            for code, ids in by_code.items():
                assert ",".join(ids) in text, (mode, code)
        cancel(client, sandbox, ",".join(sandbox.order_ids))
        sandbox.control.reset()
        assert sandbox.control.open_ids() == every, "a reset brings the same mix back"


def test_without_mix_only_the_primary_orders_are_seeded() -> None:
    with running(orders=2) as sandbox:
        assert sandbox.seeded == {"isolated": {"BTC-USDT": sandbox.order_ids}}
        assert set(sandbox.control.orders()) == set(sandbox.order_ids)


def test_the_mix_around_another_primary_contract() -> None:
    with running(orders=1, mix=True, contract_code="ETH-USDT") as sandbox:
        assert set(sandbox.seeded["isolated"]) == {"ETH-USDT", "BTC-USDT"}
        assert "ETH-USDT" in sandbox.seeded["cross"]
    with running(orders=1, mix=True, contract_code="X") as odd:
        assert set(odd.seeded["cross"]) == {"X"}, "no futures for something that is no pair"


@pytest.mark.htx_sandbox(orders=4)
def test_fixture_asked_for_orders_seeds_the_mix(htx_sandbox: Sandbox) -> None:
    assert len(htx_sandbox.order_ids) == 4
    assert set(htx_sandbox.seeded) == {"isolated", "cross"}


@pytest.mark.htx_sandbox(orders=4, mix=False)
def test_fixture_mix_can_be_turned_off(htx_sandbox: Sandbox) -> None:
    assert set(htx_sandbox.seeded) == {"isolated"}


def test_serve_seeds_the_mix_when_asked_for_orders() -> None:
    seen: dict[int, Sandbox] = {}
    for orders in (0, 2):
        stop = threading.Event()

        def announce(sandbox: Sandbox, orders: int = orders, stop: threading.Event = stop) -> None:
            seen[orders] = sandbox
            stop.set()

        serve(port=0, orders=orders, announce=announce, stop=stop)
    assert set(seen[0].seeded) == {"isolated"}
    assert set(seen[2].seeded) == {"isolated", "cross"}
