"""`htx_swap._cli.main` in process: the paths the subprocess tests in tests/cli can't reach or
measure (coverage doesn't follow subprocesses): reading IDs, the embedded sandbox, the progress
bar, every exit path, and the `sandbox` command's announcement."""

from __future__ import annotations

import io
import json
import logging
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from on_httpx import sync_client_on_httpx
from virtual_time import RecordingWaits

import htx_sandbox
from htx_sandbox import Sandbox
from htx_swap import HtxTransportError, SwapClient, __version__
from htx_swap import _cli as cli

CONTRACT = "BTC-USDT"
EXECUTED = "826052268312821001"
UNKNOWN = "826052268312829999"


class _Terminal(io.StringIO):
    """stderr as a terminal: the progress bar draws only on one."""

    def isatty(self) -> bool:
        return True


@pytest.fixture(autouse=True)
def _quiet_logger() -> Iterator[None]:
    """-v adds a handler to the htx_swap logger; take it off after each test."""
    logger = logging.getLogger("htx_swap")
    handlers, level = list(logger.handlers), logger.level
    yield
    logger.handlers[:] = handlers
    logger.setLevel(level)


@pytest.fixture
def sandbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[Sandbox]:
    # 100/s runs past the per-UID pools (72 per 3 s); the wrapper paces only the 5/s limit.
    with htx_sandbox.running(rate=100.0, pool_rate=None) as running:
        monkeypatch.setenv("HTX_ACCESS_KEY", running.credentials.access_key)
        monkeypatch.setenv("HTX_SECRET_KEY", running.credentials.secret_key)
        yield running


def run(*argv: str, stdin: str = "", stderr: io.StringIO | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), stderr if stderr is not None else io.StringIO()
    # Retry backoff and pacing on virtual time: no test here waits for real.
    status = cli.main(
        list(argv), stdin=io.StringIO(stdin), stdout=out, stderr=err, waits=RecordingWaits()
    )
    return status, out.getvalue(), err.getvalue()


def cancel(sandbox: Sandbox, *argv: str, **options: Any) -> tuple[int, str, str]:
    return run(
        "trailing", "cancel", "--contract-code", CONTRACT, "--base-url", sandbox.base_url,
        "--rate", "100", *argv, **options,
    )  # fmt: skip


def test_ids_from_stdin_and_a_file_with_commas_and_newlines(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    opened = sandbox.control.seed_orders(CONTRACT, generate=6)
    listed = tmp_path / "ids.txt"
    listed.write_text(f"{opened[2]},{opened[3]}\n{opened[4]}\n", encoding="utf-8")
    status, out, _ = cancel(sandbox, opened[0], "--from-file", "-", stdin=f"{opened[1]}\n")
    assert status == 0
    assert [line.split()[0] for line in out.splitlines()[1:-1]] == list(opened[:2])
    status, out, _ = cancel(sandbox, "--from-file", str(listed), opened[5], "--json")
    assert status == 0
    assert json.loads(out)["cancelled"] == [opened[5], *opened[2:5]]


def test_no_ids_at_all_is_a_usage_error(sandbox: Sandbox) -> None:
    assert cancel(sandbox) == (
        2,
        "",
        "htx-swap: error: no order IDs given: pass IDs as arguments or with --from-file\n",
    )


def test_an_empty_file_or_pipe_is_nothing_to_cancel(sandbox: Sandbox, tmp_path: Path) -> None:
    # `trailing list --json | jq -r '.orders[].order_id' | trailing cancel --from-file -` when
    # nothing is open: done, not a usage error.
    assert cancel(sandbox, "--from-file", "-", stdin=" \n") == (
        0,
        "",
        "htx-swap: nothing to cancel: no order IDs in stdin\n",
    )
    empty = tmp_path / "ids.txt"
    empty.write_text("", encoding="utf-8")
    status, out, err = cancel(sandbox, "--from-file", str(empty), "--json")
    assert (status, json.loads(out)) == (
        0,
        {"cancelled": [], "failed": [], "unresolved": [], "not_sent": []},
    )
    assert err == f"htx-swap: nothing to cancel: no order IDs in {empty}\n"
    assert sandbox.control.requests() == (), "nothing was sent"


@pytest.mark.parametrize(
    "piped",
    [
        '"{0}"\n"{1}"\n',  # jq without -r
        "'{0}', '{1}'",
        '{{"order_id": "{0}"}}\n{{"order_id": {1}}}\n',  # JSON lines
        '["{0}", {1}]',
        '{{"orders": [{{"order_id": "{0}", "status": 2}}, {{"order_id": "{1}"}}]}}',  # list --json
    ],
    ids=["quoted", "single-quoted", "json lines", "json array", "the list document"],
)
def test_ids_quoted_as_json_lines_or_as_the_list_document(sandbox: Sandbox, piped: str) -> None:
    opened = sandbox.control.seed_orders(CONTRACT, generate=2)
    status, out, err = cancel(sandbox, "--from-file", "-", "--json", stdin=piped.format(*opened))
    assert (status, err) == (0, "")
    assert json.loads(out)["cancelled"] == list(opened)


def test_the_list_document_pipes_straight_into_cancel(sandbox: Sandbox) -> None:
    opened = sandbox.control.seed_orders(CONTRACT, generate=3)
    status, listed, _ = run(
        "trailing", "list", "--contract-code", CONTRACT, "--base-url", sandbox.base_url, "--json"
    )
    assert status == 0
    status, _, err = cancel(sandbox, "--from-file", "-", stdin=listed)
    assert (status, err) == (0, "")
    assert sandbox.control.cancelled_ids() >= set(opened)
    assert sandbox.control.open_ids() == set()


@pytest.mark.parametrize(
    ("piped", "says"),
    [
        ('{"orders": [{"id": "1"}]}', 'expected order IDs, or objects with an "order_id"'),
        ("[1, true]", "expected order IDs"),
        ('{"order_id": "1"}\n{oops', "neither one JSON document nor JSON lines"),
    ],
)
def test_json_that_holds_no_ids_is_a_usage_error(sandbox: Sandbox, piped: str, says: str) -> None:
    status, out, err = cancel(sandbox, "--from-file", "-", stdin=piped)
    assert (status, out) == (2, "")
    assert says in err


def test_a_missing_file_is_a_usage_error_naming_it(sandbox: Sandbox, tmp_path: Path) -> None:
    missing = tmp_path / "nope.txt"
    status, out, err = cancel(sandbox, "--from-file", str(missing))
    assert (status, out) == (2, "")
    assert err == f"htx-swap: error: No such file or directory: {missing}\n"


def test_version_prints_the_package_s(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        run("--version")
    assert (caught.value.code, capsys.readouterr().out) == (0, f"htx-swap {__version__}\n")


def test_an_unknown_option_exits_2_with_one_line() -> None:
    with pytest.raises(SystemExit) as caught:
        run("trailing", "cancel", "--contract-code", CONTRACT, "--bogus")
    assert caught.value.code == 2


def test_failed_and_unresolved_orders_are_tabled_and_exit_1(sandbox: Sandbox) -> None:
    opened = sandbox.control.seed_orders(CONTRACT, generate=1)
    sandbox.control.seed_orders(CONTRACT, executed=[EXECUTED])
    sandbox.control.queue_faults(htx_sandbox.Fault.BAD_GATEWAY, 4)  # one chunk, every attempt
    status, out, _ = cancel(sandbox, *opened, EXECUTED, UNKNOWN)
    assert status == 1
    rows = [line.split(None, 2) for line in out.splitlines()[1:-1]]
    assert [row[:2] for row in rows] == [[opened[0], "unresolved"], [EXECUTED, "unresolved"],
                                         [UNKNOWN, "unresolved"]]  # fmt: skip
    status, out, _ = cancel(sandbox, EXECUTED, UNKNOWN)
    assert status == 1
    assert out.splitlines()[1].split()[:3] == [EXECUTED, "failed", "1063"]
    assert out.splitlines()[2].split()[:3] == [UNKNOWN, "failed", "1061"]
    assert out.splitlines()[-1] == "2 orders: 0 cancelled, 2 failed, 0 unresolved"


def test_a_progress_bar_on_a_terminal_for_more_than_one_chunk(sandbox: Sandbox) -> None:
    opened = sandbox.control.seed_orders(CONTRACT, generate=25)
    terminal = _Terminal()
    status, _, err = cancel(sandbox, *opened, stderr=terminal)
    assert status == 0
    assert err.endswith("] 25/25 orders\x1b[K\n")
    assert "\r[" in err
    # Part-way, the time left at the pace so far; the line is cleared after it.
    assert re.search(r"\] (5|10|15|20)/25 orders, ETA \d+ s\x1b\[K", err), err


def test_progress_lines_without_a_terminal_for_a_long_batch(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened = sandbox.control.seed_orders(CONTRACT, generate=25)
    status, _, err = cancel(sandbox, *opened)
    assert (status, err) == (0, ""), "a batch shorter than PROGRESS_LINE_EVERY prints nothing"
    monkeypatch.setattr(cli, "PROGRESS_LINE_EVERY", 0.0)  # every chunk is "long enough"
    opened = sandbox.control.seed_orders(CONTRACT, generate=25)
    status, _, err = cancel(sandbox, *opened)
    assert status == 0
    lines = err.splitlines()
    assert lines, "progress lines on a stderr that is not a terminal"
    assert all(re.fullmatch(r"htx-swap: (5|10|15|20)/25 orders settled, ETA \d+ s", line)
               for line in lines), lines  # fmt: skip
    assert "\r" not in err
    assert "\x1b" not in err
    status, _, err = cancel(sandbox, *sandbox.control.seed_orders(CONTRACT, generate=25), "--json")
    assert (status, err) == (0, ""), "--json: stderr stays quiet"


@pytest.mark.parametrize(
    ("seconds", "shown"), [(0.2, "1 s"), (59.4, "59 s"), (60, "1 min 0 s"), (605, "10 min 5 s")]
)
def test_the_eta_reads_in_seconds_then_minutes(seconds: float, shown: str) -> None:
    assert cli._eta(seconds) == shown


def test_an_unknown_contract_exits_2_and_still_tables_every_order(sandbox: Sandbox) -> None:
    status, out, err = run(
        "trailing", "cancel", "--contract-code", "DOGE-USDT", "--base-url", sandbox.base_url, "1",
    )  # fmt: skip
    assert status == 2
    # HTX refused the request: the order is known not cancelled by it (issue 22, item 8).
    assert out.splitlines()[1].split()[:3] == ["1", "failed", "1014"]
    assert err == "htx-swap: error: HTX error 1014: This contract doesn't exist.\n"


def test_a_rate_limit_that_outlives_the_retries_says_so_and_exits_1(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened = sandbox.control.seed_orders(CONTRACT, generate=40)
    # One request a minute: the server's wait hint is past the 30 s cap, so the client doesn't
    # retry into it; the batch stops with the rate-limit error.
    sandbox.control.set_rate_limit(1, interval=60.0)
    status, _, err = cancel(sandbox, *opened)
    assert status == 1
    assert err.endswith("(rate limit outlived the retries; wait before trying again)\n"), err


def test_a_refused_key_says_what_to_check(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTX_SECRET_KEY", "not-the-secret")
    status, _, err = cancel(sandbox, "1")
    assert status == 2
    assert err.endswith("(check HTX_ACCESS_KEY, HTX_SECRET_KEY and the clock)\n")


def test_the_embedded_sandbox_needs_no_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HTX_ACCESS_KEY", raising=False)
    monkeypatch.delenv("HTX_SECRET_KEY", raising=False)
    status, out, _ = run(
        "trailing", "cancel", "--contract-code", CONTRACT, "--sandbox", "--json", "11", "12"
    )
    assert status == 0
    assert json.loads(out) == {
        "cancelled": ["11", "12"],
        "failed": [],
        "unresolved": [],
        "not_sent": [],
    }


def test_an_error_outside_the_batch_exits_1(monkeypatch: pytest.MonkeyPatch) -> None:
    def unreachable(*_args: object, **_kwargs: object) -> None:
        raise HtxTransportError("cannot reach https://api.hbdm.com: ConnectError")

    monkeypatch.setattr(SwapClient, "__enter__", unreachable)
    monkeypatch.setenv("HTX_ACCESS_KEY", "ak")
    monkeypatch.setenv("HTX_SECRET_KEY", "sk")
    status, _, err = run("trailing", "cancel", "--contract-code", CONTRACT, "1")
    assert status == 1
    assert err == "htx-swap: error: cannot reach https://api.hbdm.com: ConnectError\n"


PLACE = [
    "--direction", "buy", "--volume", "1", "--callback-rate", "0.01", "--active-price", "40000",
    "--order-price-type", "optimal_5",
]  # fmt: skip


@pytest.mark.parametrize(
    ("flag", "sent", "kept"),
    [([], None, 0), (["--reduce-only"], 1, 1), (["--no-reduce-only"], 0, 0)],
    ids=["neither", "reduce-only", "no-reduce-only"],
)
def test_place_sends_reduce_only_as_1_0_or_not_at_all(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch, flag: list[str], sent: int | None, kept: int
) -> None:
    sync_client_on_httpx(monkeypatch)  # the bodies are read where httpx sends them
    bodies: list[dict[str, Any]] = []
    handle_request = httpx.HTTPTransport.handle_request

    def recording(transport: httpx.HTTPTransport, request: httpx.Request) -> httpx.Response:
        bodies.append(json.loads(request.read() or b"{}"))
        return handle_request(transport, request)

    monkeypatch.setattr(httpx.HTTPTransport, "handle_request", recording)
    status, out, err = run(
        "trailing", "place", "--contract-code", CONTRACT, "--base-url", sandbox.base_url,
        "--json", *PLACE, *flag,
    )  # fmt: skip
    assert status == 0, err
    [body] = bodies
    assert body.get("reduce_only", "absent") == ("absent" if sent is None else sent)
    order = sandbox.control.order(json.loads(out)["order_id"])
    assert order is not None
    assert order.reduce_only == kept


def test_ctrl_c_exits_130(monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*_args: object, **_kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(SwapClient, "cancel_trailing_orders", interrupted)
    status, _, err = run("trailing", "cancel", "--contract-code", CONTRACT, "--sandbox", "1")
    assert (status, err) == (130, "htx-swap: interrupted\n")


def test_ctrl_c_during_a_placement_says_the_order_may_exist_and_exits_130(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def interrupted(*_args: object, **_kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(SwapClient, "place_trailing_order", interrupted)
    status, out, err = run(
        "trailing", "place", "--contract-code", CONTRACT, "--sandbox", *PLACE
    )  # fmt: skip
    assert (status, out) == (130, "")
    assert err == (
        "htx-swap: interrupted: the order may have been placed; check `htx-swap trailing list` "
        "and `htx-swap trailing history` before placing it again\n"
    )


def test_the_sandbox_command_announces_its_url_keys_and_orders(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    served: dict[str, Any] = {}

    def serve(**options: Any) -> None:
        served.update(options)
        with htx_sandbox.running(orders=options["orders"], rate=options["rate"]) as sandbox:
            options["announce"](sandbox)
            served["sandbox"] = sandbox
        raise KeyboardInterrupt  # how a foreground server stops

    monkeypatch.setattr(htx_sandbox, "serve", serve)
    status, out, _ = run("sandbox", "--port", "0", "--orders", "3", "--rate", "0")
    sandbox = served["sandbox"]
    assert status == 0
    assert served["rate"] is None, "--rate 0 means unlimited"
    assert out.splitlines() == [
        f"HTX sandbox listening on {sandbox.base_url} (test keys, no real exchange)",
        f"export HTX_ACCESS_KEY={sandbox.credentials.access_key}",
        f"export HTX_SECRET_KEY={sandbox.credentials.secret_key}",
        f"export HTX_BASE_URL={sandbox.base_url}",
        f"3 open trailing orders on {CONTRACT}: {' '.join(sandbox.order_ids)}",
        "Ctrl-C to stop.",
    ]


def test_the_sandbox_command_announces_the_mix_in_both_margin_modes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    served: dict[str, Any] = {}

    def serve(**options: Any) -> None:
        with htx_sandbox.running(orders=options["orders"], mix=True) as sandbox:
            options["announce"](sandbox)
            served["sandbox"] = sandbox
        raise KeyboardInterrupt

    monkeypatch.setattr(htx_sandbox, "serve", serve)
    status, out, _ = run("sandbox", "--port", "0", "--orders", "2")
    sandbox = served["sandbox"]
    lines = out.splitlines()
    assert status == 0
    assert lines[4] == f"2 open trailing orders on {CONTRACT}: {' '.join(sandbox.order_ids)}"
    mix = [
        f"{len(ids)} open {mode} trailing orders on {code}: {' '.join(ids)}"
        for mode, code, ids in sandbox.mix_orders()
    ]
    assert len(mix) == 3, "a second isolated contract, and cross on the swap and its futures"
    assert lines[5:] == [*mix, "Ctrl-C to stop."]


@pytest.mark.parametrize("missing", ["uvicorn", "starlette"])
def test_the_sandbox_without_its_extra_is_one_line_naming_the_extra(
    monkeypatch: pytest.MonkeyPatch, missing: str
) -> None:
    monkeypatch.setitem(sys.modules, missing, None)  # makes `import <missing>` fail
    status, out, err = run("trailing", "cancel", "--contract-code", CONTRACT, "--sandbox", "1")
    assert (status, out) == (2, "")
    assert err == (
        f"htx-swap: error: the sandbox needs its extra ({missing} is missing): "
        "pip install 'htx-swap[sandbox]'\n"
    )


def test_an_unexpected_error_is_one_line_not_a_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("something we did not foresee")

    monkeypatch.setattr(SwapClient, "cancel_trailing_orders", broken)
    status, _, err = run("trailing", "cancel", "--contract-code", CONTRACT, "--sandbox", "1")
    assert (status, err) == (
        1,
        "htx-swap: internal error: RuntimeError: something we did not foresee\n",
    )


@pytest.mark.parametrize(
    ("option", "value"), [("--orders", "-3"), ("--orders", "many"), ("--port", "70000")]
)
def test_sandbox_options_out_of_range_are_usage_errors(option: str, value: str) -> None:
    with pytest.raises(SystemExit) as exited:
        run("sandbox", option, value)
    assert exited.value.code == 2


@pytest.mark.parametrize(
    "argv",
    [
        ["list", "--trade-type", "7"],  # between HTX's codes 4 and 17: none of them
        ["history", "--trade-type", "5"],
        ["history", "--days", "91"],
        ["place", "--lever-rate", "1001"],
    ],
)
def test_filters_htx_would_refuse_are_usage_errors_naming_the_option(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        run("trailing", *argv, "--contract-code", CONTRACT, "--sandbox")
    assert exited.value.code == 2
    assert argv[1] in capsys.readouterr().err
