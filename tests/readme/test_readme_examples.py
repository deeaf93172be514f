"""The README's Python examples run as written against a sandbox, with only the environment that
`htx-swap sandbox` prints set (HTX_ACCESS_KEY, HTX_SECRET_KEY, HTX_BASE_URL)."""

from __future__ import annotations

import io
import re
import shlex
from pathlib import Path

import pytest

import htx_sandbox
from htx_swap._cli import main

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
        _environment(sandbox, monkeypatch)
        exec(code, {"order_ids": [*sandbox.order_ids, "77"]})  # noqa: S102
        assert sandbox.control.cancelled_ids() == set(sandbox.order_ids)
    printed = capsys.readouterr().out
    assert "OrderFailure(order_id='77', err_code=1063" in printed
    assert printed.rstrip().endswith("() False")


def test_the_sandbox_example_runs_as_written() -> None:
    exec(_block("import htx_sandbox"), {})  # noqa: S102 - its own assert checks the outcome


def _environment(sandbox: htx_sandbox.Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    """What `htx-swap sandbox` prints to export, and nothing else: the examples run unchanged."""
    monkeypatch.setenv("HTX_ACCESS_KEY", sandbox.credentials.access_key)
    monkeypatch.setenv("HTX_SECRET_KEY", sandbox.credentials.secret_key)
    monkeypatch.setenv("HTX_BASE_URL", sandbox.base_url)


def _against(sandbox: htx_sandbox.Sandbox, code: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The example as written, with the environment pointing at the sandbox."""
    _environment(sandbox, monkeypatch)
    return code


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
    assert printed.startswith("may have been placed; orders that match: (TrailingOrder(")
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


def test_the_generated_client_example_lists_then_reports_a_refusal(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code = _block("from htx_swap import Credentials, generated_client")
    with htx_sandbox.running(orders=2, mix=False) as sandbox:
        exec(_against(sandbox, code, monkeypatch), {})  # noqa: S102
        listed = capsys.readouterr().out.splitlines()
        assert sorted(listed) == sorted(f"{order_id} 2" for order_id in sandbox.order_ids)
        monkeypatch.setenv("HTX_SECRET_KEY", "not-the-secret")
        exec(code, {})  # noqa: S102
    assert capsys.readouterr().out.startswith("refused: 403 ")


COMMANDS = re.search(r"```sh\n(export HTX_ACCESS_KEY=.*?)```", README, re.DOTALL)
assert COMMANDS is not None, "the README's command examples"
# Stands for any program that prints order IDs, in the README's piping example.
SOME_COMMAND = "some-command"


def test_every_python_example_is_run_by_a_test() -> None:
    tested = (
        "from htx_swap import Credentials, HtxApiError",
        "import htx_sandbox",
        "from htx_swap import Credentials, HtxUnknownOutcomeError",
        "from htx_swap import Credentials, SwapClient, TrailingOrderStatus",
        "from htx_swap import Credentials, SwapClient\n",
        "import asyncio",
        "from htx_swap import Credentials, generated_client",
    )
    assert [block for block in BLOCKS if not block.startswith(tested)] == []


def test_every_command_example_runs_unchanged_against_a_sandbox(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    export, *lines = COMMANDS.group(1).replace("\\\n", " ").strip().splitlines()
    assert export.startswith("export HTX_ACCESS_KEY=")
    named = sorted(set(re.findall(r"\b\d{18}\b", COMMANDS.group(1))))
    piped = str(int(named[-1]) + 1)
    with htx_sandbox.running(orders=0) as sandbox:
        sandbox.control.seed_orders("BTC-USDT", open=[*named, piped], fields={"direction": "sell"})
        buys = sandbox.control.seed_orders("BTC-USDT", generate=2, fields={"direction": "buy"})
        sandbox.control.seed_orders("BTC-USDT", generate=1, margin_mode="cross")
        _environment(sandbox, monkeypatch)
        for line in lines:
            piping = ""  # what the stage before wrote, as a shell pipe would pass it on
            for stage in line.split(" | "):
                if stage == SOME_COMMAND:
                    piping = f"{piped}\n"
                    continue
                program, *argv = shlex.split(stage)
                assert program == "htx-swap"
                out, err = io.StringIO(), io.StringIO()
                status = main(argv, stdin=io.StringIO(piping), stdout=out, stderr=err)
                assert (status, err.getvalue()) == (0, ""), stage
                assert out.getvalue(), stage
                piping = out.getvalue()
        assert sandbox.control.cancelled_ids() >= {*named, piped}
        assert not sandbox.control.open_ids() & set(buys), "cancel-all --direction buy"
