"""`htx-swap trailing place | list | history | cancel | cancel-all`, run as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import htx_sandbox
from htx_sandbox import Fault, Sandbox

COMMAND = str(Path(sys.executable).with_name("htx-swap"))
CONTRACT = "BTC-USDT"
PLACE = [
    "--direction", "sell", "--volume", "2", "--callback-rate", "0.015",
    "--active-price", "39000.5", "--order-price-type", "formula_price",
]  # fmt: skip


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with htx_sandbox.running(rate=None) as running:
        yield running


def run(sandbox: Sandbox, action: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HTX_")}
    env |= {
        "HTX_ACCESS_KEY": sandbox.credentials.access_key,
        "HTX_SECRET_KEY": sandbox.credentials.secret_key,
    }
    return subprocess.run(
        [COMMAND, "trailing", action, "--base-url", sandbox.base_url, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("mode", ["isolated", "cross"])
def test_place_prints_the_new_order_and_exits_0(sandbox: Sandbox, mode: str) -> None:
    finished = run(sandbox, "place", "--contract-code", CONTRACT, "--margin-mode", mode, *PLACE)
    assert finished.returncode == 0, finished.stderr
    [order_id] = sandbox.control.open_ids(margin_mode=mode)
    assert finished.stdout == f"placed trailing order {order_id} on {CONTRACT} ({mode})\n"


def test_place_json_has_the_id_as_a_string(sandbox: Sandbox) -> None:
    finished = run(sandbox, "place", "--contract-code", CONTRACT, "--json", *PLACE)
    document = json.loads(finished.stdout)
    assert document == {
        "order_id": next(iter(sandbox.control.open_ids())),
        "contract_code": CONTRACT,
        "margin_mode": "isolated",
    }


@pytest.mark.parametrize("output", ["table", "json"])
def test_a_placement_whose_reply_was_lost_exits_1_with_its_candidates(
    sandbox: Sandbox, output: str
) -> None:
    sandbox.control.queue_faults(Fault.DROP_AFTER_APPLY)
    json_flag = ["--json"] if output == "json" else []
    finished = run(sandbox, "place", "--contract-code", CONTRACT, *json_flag, *PLACE)
    assert finished.returncode == 1
    [created] = sandbox.control.open_ids()
    if output == "json":
        document = json.loads(finished.stdout)
        assert document["outcome"] == "unknown"
        assert [c["order_id"] for c in document["candidates"]] == [created]
        assert document["params"]["active_price"] == "39000.5"
    else:
        assert finished.stdout.startswith("unknown outcome: the trailing order may or may not")
        assert "1 order(s) match it, open or ended" in finished.stdout
        assert created in finished.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--volume", "1.5"], "--volume"),
        (["--callback-rate", "0.0001"], "--callback-rate"),  # the flag, not the library's name
        (["--active-price", "nan"], "--active-price"),
        (["--margin-mode", "isolated", "--pair", "BTC-USDT"], "cross margin only"),
    ],
)
def test_bad_place_input_exits_2_before_anything_is_sent(
    sandbox: Sandbox, args: list[str], message: str
) -> None:
    finished = run(sandbox, "place", "--contract-code", CONTRACT, *PLACE, *args)
    assert finished.returncode == 2
    assert message in finished.stderr
    assert sandbox.control.requests() == ()


def test_htx_refusing_the_contract_exits_2(sandbox: Sandbox) -> None:
    finished = run(sandbox, "place", "--contract-code", "DOGE-USDT", *PLACE)
    assert finished.returncode == 2
    assert finished.stderr == "htx-swap: error: HTX error 1014: This contract doesn't exist.\n"


def test_list_prints_a_table_of_every_open_order(sandbox: Sandbox) -> None:
    opened = sandbox.control.seed_orders(CONTRACT, generate=60)
    finished = run(sandbox, "list", "--contract-code", CONTRACT)
    assert finished.returncode == 0, finished.stderr
    lines = finished.stdout.splitlines()
    assert lines[0].split()[:3] == ["ORDER", "ID", "CONTRACT"]
    assert sorted(line.split()[0] for line in lines[1:-1]) == sorted(opened)
    assert lines[-1] == "60 orders"


def test_list_json_keeps_exact_numbers_as_strings(sandbox: Sandbox) -> None:
    run(sandbox, "place", "--contract-code", CONTRACT, "--margin-mode", "cross", *PLACE)
    finished = run(sandbox, "list", "--margin-mode", "cross", "--json")
    [order] = json.loads(finished.stdout)["orders"]
    assert (order["active_price"], order["callback_rate"], order["volume"]) == (
        "39000.5",
        "0.015",
        "2",
    )
    assert order["margin_mode"] == "cross"
    assert order["status"] == 2
    assert order["created_at"].endswith("+00:00")
    assert order["pair"] == CONTRACT


def test_history_shows_what_became_of_each_order(sandbox: Sandbox) -> None:
    triggered, failed, cancelled = sandbox.control.seed_orders(CONTRACT, generate=3)
    sandbox.control.trigger(triggered, price="41000")
    sandbox.control.fail(failed, fail_code=1047, fail_reason="Insufficient\x1b[2J margin")
    sandbox.control.seed_orders(CONTRACT, cancelled=[cancelled])
    finished = run(sandbox, "history", "--contract-code", CONTRACT)
    assert finished.returncode == 0, finished.stderr
    rows = {line.split()[0]: line for line in finished.stdout.splitlines()[1:-1]}
    assert "submitted" in rows[triggered]
    assert "at 41000" in rows[triggered]
    assert "1047 Insufficient\\x1b[2J margin" in rows[failed], "escaped, not executed"
    assert "\x1b" not in finished.stdout
    only = run(sandbox, "history", "--contract-code", CONTRACT, "--status", "failed", "--json")
    assert [o["order_id"] for o in json.loads(only.stdout)["orders"]] == [failed]


def test_history_refuses_a_status_it_does_not_know(sandbox: Sandbox) -> None:
    finished = run(sandbox, "history", "--contract-code", CONTRACT, "--status", "open")
    assert finished.returncode == 2
    assert "--status" in finished.stderr


def test_cancel_in_cross_margin(sandbox: Sandbox) -> None:
    [cross] = sandbox.control.seed_orders(CONTRACT, generate=1, margin_mode="cross")
    finished = run(sandbox, "cancel", "--contract-code", CONTRACT, "--margin-mode", "cross", cross)
    assert finished.returncode == 0, finished.stderr
    assert sandbox.control.cancelled_ids() == {cross}


def test_cancel_all_prints_what_it_cancelled(sandbox: Sandbox) -> None:
    opened = sandbox.control.seed_orders(CONTRACT, generate=3)
    finished = run(sandbox, "cancel-all", "--contract-code", CONTRACT, "--json")
    assert finished.returncode == 0, finished.stderr
    document = json.loads(finished.stdout)
    assert sorted(document["cancelled"]) == sorted(opened)
    assert document["complete"] is True


def test_an_incomplete_cancel_all_says_so_and_exits_1(sandbox: Sandbox) -> None:
    sandbox.control.seed_orders(CONTRACT, generate=3)
    sandbox.control.queue_faults(Fault.DROP_AFTER_APPLY)
    finished = run(sandbox, "cancel-all", "--contract-code", CONTRACT)
    assert finished.returncode == 1
    assert "incomplete: a reply was lost" in finished.stdout
    assert sandbox.control.open_ids() == frozenset()


def test_every_command_runs_against_an_embedded_sandbox() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HTX_")}
    for action, args in (
        ("list", ["--contract-code", CONTRACT]),
        ("history", ["--contract-code", CONTRACT]),
        ("place", ["--contract-code", CONTRACT, *PLACE]),
        ("cancel-all", ["--contract-code", CONTRACT]),
    ):
        finished = subprocess.run(
            [COMMAND, "trailing", action, "--sandbox", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert finished.returncode == 0, (action, finished.stderr)
