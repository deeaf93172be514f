"""The README's Python examples run as written (the library one against the sandbox)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import htx_sandbox

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```python\n(.*?)```", README, re.DOTALL)


def _block(starting: str) -> str:
    [block] = [block for block in BLOCKS if block.startswith(starting)]
    return block


def test_the_library_example_cancels_and_reports_every_order(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code = _block("from htx_swap import Credentials, HtxApiError")
    with htx_sandbox.running(orders=12) as sandbox:
        sandbox.control.seed_orders("BTC-USDT", executed=["77"])
        monkeypatch.setenv("HTX_ACCESS_KEY", sandbox.credentials.access_key)
        monkeypatch.setenv("HTX_SECRET_KEY", sandbox.credentials.secret_key)
        # The example talks to the real exchange; point it at the sandbox instead.
        local = code.replace(
            "SwapClient(credentials)", f"SwapClient(credentials, base_url={sandbox.base_url!r})"
        )
        assert local != code
        exec(local, {"order_ids": [*sandbox.order_ids, "77"]})  # noqa: S102
        assert sandbox.control.cancelled_ids() == set(sandbox.order_ids)
    printed = capsys.readouterr().out
    assert "OrderFailure(order_id='77', err_code=1063" in printed
    assert printed.rstrip().endswith("() False")


def test_the_sandbox_example_runs_as_written() -> None:
    exec(_block("import htx_sandbox"), {})  # noqa: S102 - its own assert checks the outcome


def _against(sandbox: htx_sandbox.Sandbox, code: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The example with its client pointed at the sandbox instead of the real exchange."""
    monkeypatch.setenv("HTX_ACCESS_KEY", sandbox.credentials.access_key)
    monkeypatch.setenv("HTX_SECRET_KEY", sandbox.credentials.secret_key)
    local = code.replace(
        "SwapClient(Credentials.from_env())",
        f"SwapClient(Credentials.from_env(), base_url={sandbox.base_url!r})",
    )
    assert local != code
    return local


def test_the_place_example_places_one_order(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code = _block("from htx_swap import Credentials, HtxUnknownOutcomeError")
    with htx_sandbox.running() as sandbox:
        exec(_against(sandbox, code, monkeypatch), {})  # noqa: S102
        [order_id] = sandbox.control.open_ids()
    assert capsys.readouterr().out == f"placed {order_id}\n"


def test_the_place_example_reports_an_unknown_outcome_with_its_candidate(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code = _block("from htx_swap import Credentials, HtxUnknownOutcomeError")
    with htx_sandbox.running() as sandbox:
        sandbox.control.queue_faults(htx_sandbox.Fault.DROP_AFTER_APPLY)
        exec(_against(sandbox, code, monkeypatch), {})  # noqa: S102
        [order_id] = sandbox.control.open_ids()
    printed = capsys.readouterr().out
    assert printed.startswith("may have been placed; open orders that match: (TrailingOrder(")
    assert f"order_id='{order_id}'" in printed


def test_the_listing_example_prints_open_orders_and_triggered_history(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code = _block("from htx_swap import Credentials, SwapClient, TrailingOrderStatus")
    with htx_sandbox.running() as sandbox:
        opened, triggered = sandbox.control.seed_orders("BTC-USDT", generate=2)
        sandbox.control.trigger(triggered, price="101000")
        exec(_against(sandbox, code, monkeypatch), {})  # noqa: S102
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"{opened} ")
    assert lines[0].endswith(" READY_TO_SUBMIT")
    assert lines[1].startswith(f"{triggered} triggered at 101000 -> ")


def test_the_cancel_all_example_cancels_the_buys(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code = _block("from htx_swap import Credentials, SwapClient\n")
    with htx_sandbox.running() as sandbox:
        buys = sandbox.control.seed_orders("BTC-USDT", generate=2, fields={"direction": "buy"})
        sells = sandbox.control.seed_orders("BTC-USDT", generate=1, fields={"direction": "sell"})
        exec(_against(sandbox, code, monkeypatch), {})  # noqa: S102
        assert sandbox.control.open_ids() == set(sells)
    assert capsys.readouterr().out == f"{tuple(buys)} ()\n"


def test_the_async_example_lists_then_cancels_all(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code = _block("import asyncio")
    with htx_sandbox.running() as sandbox:
        opened = sandbox.control.seed_orders("BTC-USDT", generate=2)
        exec(_against(sandbox, code, monkeypatch), {})  # noqa: S102
        assert sandbox.control.open_ids() == frozenset()
    *listed, cancelled = capsys.readouterr().out.splitlines()
    assert sorted(listed) == sorted(opened)
    assert cancelled == str(tuple(opened))
