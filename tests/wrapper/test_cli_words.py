"""The command's words: help that says what it takes, messages that name the flags typed, errors
as JSON with --json, and `trailing place --dry-run`."""

from __future__ import annotations

import io
import json

import pytest

from htx_swap import _cli as cli

CONTRACT = "BTC-USDT"
PLACE = ("trailing", "place", "--contract-code", CONTRACT, "--direction", "buy", "--volume", "2",
         "--callback-rate", "0.01", "--active-price", "40000.5",
         "--order-price-type", "optimal_5")  # fmt: skip


@pytest.fixture(autouse=True)
def _keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTX_ACCESS_KEY", "access")
    monkeypatch.setenv("HTX_SECRET_KEY", "secret")
    monkeypatch.delenv("HTX_BASE_URL", raising=False)


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    # Port 9 on loopback answers nothing: a test that reached the network would say so.
    status = cli.main([*argv, "--base-url", "http://127.0.0.1:9"], stdout=out, stderr=err)
    return status, out.getvalue(), err.getvalue()


def help_of(*argv: str, capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit):
        cli.main([*argv, "--help"])
    return " ".join(capsys.readouterr().out.split())  # argparse wraps to the terminal's width


@pytest.mark.parametrize(
    "command",
    [(), ("trailing",), *[("trailing", a) for a in ("place", "list", "history", "cancel",
                                                     "cancel-all")]],
)  # fmt: skip
def test_every_help_names_the_environment(
    command: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    text = help_of(*command, capsys=capsys)
    assert "HTX_ACCESS_KEY and HTX_SECRET_KEY" in text
    assert "HTX_BASE_URL" in text


def test_trade_types_are_explained(capsys: pytest.CaptureFixture[str]) -> None:
    for action in ("list", "history"):
        text = help_of("trailing", action, capsys=capsys)
        assert "--trade-type TRADE_TYPE which orders: 0 all (default), 1 buy long" in text
        assert "in one-way mode 17 buy, 18 sell: one of 0, 1, 2, 3, 4, 17, 18" in text


def test_history_help_says_what_cross_margin_needs(capsys: pytest.CaptureFixture[str]) -> None:
    text = help_of("trailing", "history", capsys=capsys)
    assert "(required; on cross margin, or --pair)" in text
    status, out, err = run("trailing", "history", "--margin-mode", "cross")
    assert (status, out) == (2, "")
    assert err == "htx-swap: error: cross margin needs --contract-code, or --pair; got neither\n"


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (("--volume", "-1"), "--volume must be a whole number of contracts from 1 to 2**63 - 1; "
                             "got '-1'"),
        (("--callback-rate", "0.0001"), "--callback-rate must be at least 0.001"),
        (("--active-price", "-5"), "--active-price must be above 0; got '-5'"),
        (("--offset", "open"), "--lever-rate is required with offset='open'"),
    ],
)  # fmt: skip
def test_place_messages_name_the_flags_and_nothing_is_sent(
    argv: tuple[str, ...], said: str
) -> None:
    status, out, err = run(*PLACE, *argv)
    assert (status, out) == (2, "")
    assert err.startswith(f"htx-swap: error: {said}"), err


def test_an_id_is_named_by_its_position_not_a_parameter() -> None:
    status, _, err = run("trailing", "cancel", "--contract-code", CONTRACT, "1", "x")
    assert status == 2
    assert err == "htx-swap: error: ID 2 is not a string of ASCII digits 0-9: 'x'\n"
    status, _, err = run("trailing", "cancel", "--margin-mode", "cross", "--pair", CONTRACT, "1")
    assert err == "htx-swap: error: cross margin by pair needs --contract-type too\n"


def test_with_json_an_error_is_one_json_object_on_stderr() -> None:
    status, out, err = run("trailing", "cancel", "--contract-code", CONTRACT, "--json", "1", "x")
    assert (status, out) == (2, "")
    assert json.loads(err) == {
        "error": "ID 2 is not a string of ASCII digits 0-9: 'x'",
        "kind": "InvalidRequestError",
        "err_code": None,
        "exit_status": 2,
    }
    assert err.endswith("}\n")
    assert err.count("\n") == 1
    status, out, err = run("trailing", "list", "--contract-code", CONTRACT, "--json")
    assert (status, out) == (1, "")
    assert json.loads(err)["kind"] == "HtxTransportError"
    assert json.loads(err)["exit_status"] == 1


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["trailing", "list", "--contract-code", CONTRACT, "--bogus"], "--bogus"),
        (["trailing", "list", "--contract-code", CONTRACT, "--margin-mode", "nope"],
         "--margin-mode"),
        (["trailing", "list"], "--contract-code"),  # required on isolated margin
        (["trailing", "history", "--contract-code", CONTRACT, "--days", "91"], "--days"),
        (["trailing", "list", "--contract-code", CONTRACT, "--param", "=1"], "NAME=VALUE"),
    ],
)  # fmt: skip
def test_with_json_a_usage_error_is_one_json_object_on_stderr(
    argv: list[str], named: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        run(*argv, "--json")
    captured = capsys.readouterr()
    assert (exited.value.code, captured.out) == (2, "")
    assert captured.err.count("\n") == 1
    error = json.loads(captured.err)
    assert error["exit_status"] == 2
    assert named in error["error"]
    with pytest.raises(SystemExit) as exited:
        run(*argv)  # without --json: argparse's one line
    captured = capsys.readouterr()
    assert exited.value.code == 2
    assert captured.err.startswith("htx-swap")
    assert ": error: " in captured.err
    assert named in captured.err


def test_a_missing_file_with_json_is_a_json_error() -> None:
    status, _, err = run("trailing", "cancel", "--contract-code", CONTRACT, "--json",
                         "--from-file", "/nonexistent/ids.txt")  # fmt: skip
    assert status == 2
    assert json.loads(err)["error"] == "No such file or directory: /nonexistent/ids.txt"


def test_place_dry_run_prints_the_body_and_sends_nothing() -> None:
    status, out, err = run(*PLACE, "--offset", "open", "--lever-rate", "5", "--dry-run")
    assert status == 0
    assert json.loads(out) == {
        "contract_code": CONTRACT, "direction": "buy", "volume": 2, "callback_rate": 0.01,
        "active_price": 40000.5, "order_price_type": "optimal_5", "offset": "open",
        "lever_rate": 5,
    }  # fmt: skip
    assert err == (
        "htx-swap: dry run, nothing sent: POST /linear-swap-api/v1/swap_track_order to "
        "http://127.0.0.1:9 with this body\n"
    )


def test_place_dry_run_checks_like_placing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HTX_SECRET_KEY")  # no keys needed to see the body
    status, out, err = run(*PLACE, "--volume", "1.5", "--dry-run")
    assert (status, out) == (2, "")
    assert err.startswith("htx-swap: error: --volume must be a whole number")
    status, out, _ = run(*PLACE, "--margin-mode", "cross", "--no-reduce-only", "--dry-run")
    assert status == 0
    assert json.loads(out)["reduce_only"] == 0
