"""`htx-swap` as a user runs it: a subprocess, its exit status, stdout and stderr."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import htx_sandbox
from htx_sandbox import Sandbox

COMMAND = str(Path(sys.executable).with_name("htx-swap"))
CONTRACT = "BTC-USDT"
EXECUTED = "826052268312821001"
UNKNOWN = "826052268312829999"


def run(
    *args: str, env: dict[str, str] | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("HTX_")}
    return subprocess.run(
        [COMMAND, *args],
        env={**base, **(env or {})},
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with htx_sandbox.running(rate=20.0) as running:
        yield running


def _env(sandbox: Sandbox) -> dict[str, str]:
    return {
        "HTX_ACCESS_KEY": sandbox.credentials.access_key,
        "HTX_SECRET_KEY": sandbox.credentials.secret_key,
    }


def _cancel(
    sandbox: Sandbox, *args: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return run(
        "trailing",
        "cancel",
        "--contract-code",
        CONTRACT,
        "--base-url",
        sandbox.base_url,
        *args,
        env=_env(sandbox),
        stdin=stdin,
    )


def test_all_cancelled_prints_a_table_and_exits_0(sandbox: Sandbox) -> None:
    opened = sandbox.control.seed_orders(CONTRACT, generate=12)
    finished = _cancel(sandbox, *opened)
    assert finished.returncode == 0, finished.stderr
    lines = finished.stdout.splitlines()
    assert lines[0].split() == ["ORDER", "ID", "OUTCOME", "CODE", "MESSAGE"]
    assert [line.split()[0] for line in lines[1:-1]] == list(opened)
    assert all(line.split()[1] == "cancelled" for line in lines[1:-1])
    assert lines[-1] == "12 orders: 12 cancelled, 0 failed, 0 unresolved"
    assert finished.stderr == ""


def test_a_failed_order_exits_1_with_its_code_and_message(sandbox: Sandbox) -> None:
    sandbox.control.seed_orders(CONTRACT, executed=[EXECUTED])
    opened = sandbox.control.seed_orders(CONTRACT, generate=2)
    finished = _cancel(sandbox, *opened, EXECUTED, UNKNOWN)
    assert finished.returncode == 1
    assert f"{EXECUTED}  failed       1063  The order has been executed." in finished.stdout
    assert f"{UNKNOWN}  failed       1061  This order doesn't exist." in finished.stdout
    assert finished.stdout.splitlines()[-1] == "4 orders: 2 cancelled, 2 failed, 0 unresolved"


def test_json_prints_one_object_and_nothing_else(sandbox: Sandbox) -> None:
    opened = sandbox.control.seed_orders(CONTRACT, generate=11)
    finished = _cancel(sandbox, "--json", *opened, UNKNOWN, opened[0])
    assert finished.returncode == 1
    document = json.loads(finished.stdout)
    assert document == {
        "cancelled": list(opened),
        "failed": [{"order_id": UNKNOWN, "err_code": 1061, "err_msg": "This order doesn't exist."}],
        "unresolved": [],
        "not_sent": [],
    }
    assert finished.stdout.count("\n") == 1


def test_ids_from_stdin_and_from_a_file(sandbox: Sandbox, tmp_path: Path) -> None:
    first = sandbox.control.seed_orders(CONTRACT, generate=3)
    second = sandbox.control.seed_orders(CONTRACT, generate=3)
    id_file = tmp_path / "ids.txt"
    id_file.write_text(",".join(second[:2]) + "\n" + second[2] + "\n", encoding="utf-8")
    from_stdin = _cancel(sandbox, "--json", "--from-file", "-", stdin="\n".join(first) + "\n")
    from_file = _cancel(sandbox, "--json", "--from-file", str(id_file))
    assert json.loads(from_stdin.stdout)["cancelled"] == list(first)
    assert json.loads(from_file.stdout)["cancelled"] == list(second)
    assert (from_stdin.returncode, from_file.returncode) == (0, 0)


def test_embedded_sandbox_needs_no_credentials() -> None:
    finished = run(
        "trailing", "cancel", "--contract-code", CONTRACT, "--sandbox", "--json", "11", "12"
    )
    assert finished.returncode == 0, finished.stderr
    assert json.loads(finished.stdout) == {
        "cancelled": ["11", "12"],
        "failed": [],
        "unresolved": [],
        "not_sent": [],
    }


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        pytest.param(["--contract-code", CONTRACT, "1"], {}, "HTX_ACCESS_KEY", id="no-credentials"),
        pytest.param(
            ["--contract-code", CONTRACT, "1"],
            {"HTX_ACCESS_KEY": "k"},
            "HTX_SECRET_KEY",
            id="no-secret",
        ),
        pytest.param(["--contract-code", "btc-usdt", "1"], {}, "'btc-usdt'", id="bad-contract"),
        pytest.param(["--contract-code", CONTRACT, "12", "0x1f"], {}, "'0x1f'", id="bad-id"),
        pytest.param(["--contract-code", CONTRACT], {}, "no order IDs", id="no-ids"),
        pytest.param(["1"], {}, "--contract-code", id="usage"),
        pytest.param(
            ["--contract-code", CONTRACT, "--from-file", "/nonexistent/ids.txt"],
            {},
            "/nonexistent/ids.txt",
            id="missing-file",
        ),
    ],
)
def test_input_and_credential_errors_exit_2_with_one_line(
    args: list[str], env: dict[str, str], message: str
) -> None:
    finished = run("trailing", "cancel", *args, env=env)
    assert finished.returncode == 2
    assert finished.stdout == ""
    [line] = finished.stderr.splitlines()
    assert line.startswith("htx-swap")
    assert "error: " in line
    assert message in line
    assert "Traceback" not in finished.stderr


def test_a_rejected_secret_exits_2_and_never_shows_the_secret(sandbox: Sandbox) -> None:
    secret = "wrong-secret-5f2d8c"
    opened = sandbox.control.seed_orders(CONTRACT, generate=2)
    finished = run(
        "trailing",
        "cancel",
        "--contract-code",
        CONTRACT,
        "--base-url",
        sandbox.base_url,
        *opened,
        env={"HTX_ACCESS_KEY": sandbox.credentials.access_key, "HTX_SECRET_KEY": secret},
    )
    assert finished.returncode == 2
    assert "htx-swap: error: HTX error 403" in finished.stderr
    assert secret not in finished.stdout + finished.stderr
    assert "Traceback" not in finished.stderr


def test_an_unreachable_exchange_exits_1_with_every_order_not_sent() -> None:
    finished = run(
        "trailing",
        "cancel",
        "--contract-code",
        CONTRACT,
        "--base-url",
        "http://127.0.0.1:9",
        "--json",
        "5",
        env={"HTX_ACCESS_KEY": "k", "HTX_SECRET_KEY": "s"},
    )
    assert finished.returncode == 1
    # No connection was made: the order is known untouched (issue 22, item 8).
    assert json.loads(finished.stdout) == {
        "cancelled": [],
        "failed": [],
        "unresolved": [],
        "not_sent": ["5"],
    }
    assert "cannot reach http://127.0.0.1:9" in finished.stderr


def test_sandbox_command_announces_url_keys_and_orders_then_stops_on_ctrl_c() -> None:
    process = subprocess.Popen(
        [COMMAND, "sandbox", "--port", "0", "--orders", "3", "--rate", "5"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(6)]
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=20)
    assert lines[0].startswith("HTX sandbox listening on http://127.0.0.1:")
    assert lines[1].startswith("export HTX_ACCESS_KEY=")
    assert lines[3] == f"export HTX_BASE_URL={lines[0].split()[4]}\n"
    assert lines[4].startswith("3 open trailing orders on BTC-USDT: ")
    assert len(lines[4].split(": ")[1].split()) == 3
    assert process.returncode == 0


def test_import_htx_swap_does_not_load_the_command_or_the_sandbox() -> None:
    code = (
        "import sys, htx_swap; "
        "print(sorted(m for m in ('htx_swap._cli', 'argparse', 'htx_sandbox', 'starlette', "
        "'uvicorn', 'asyncio') if m in sys.modules))"
    )
    finished = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert finished.stdout.strip() == "[]"
