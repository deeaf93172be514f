"""`htx-swap` against what goes wrong: Ctrl-C, hostile replies, bad files, closed pipes.

Each runs the command as a subprocess against a scripted local server (issue 10, item 10; issue
11, items 1, 3, 6, 7 and 9), as a user in a terminal or a script would meet it.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from reliability.scripted import (
    Received,
    Reply,
    ScriptedServer,
    cancel_every_one,
    now_ms,
    ok,
    refused,
    scripted,
)

COMMAND = str(Path(sys.executable).with_name("htx-swap"))
CONTRACT = "BTC-USDT"
IDS = [str(826052268312821760 + i) for i in range(30)]
ENV = {"HTX_ACCESS_KEY": "cli-access-key", "HTX_SECRET_KEY": "cli-secret-key"}
# A bound on a run that hangs; every run here ends in well under a second when it works.
HANG = 20


def _env() -> dict[str, str]:
    return {**{k: v for k, v in os.environ.items() if not k.startswith("HTX_")}, **ENV}


def _cancel_command(base_url: str, *args: str) -> list[str]:
    return [
        COMMAND,
        "trailing",
        "cancel",
        "--contract-code",
        CONTRACT,
        "--base-url",
        base_url,
        *args,
    ]


def _interrupt_after_first_request(server: ScriptedServer, process: subprocess.Popen[str]) -> None:
    while not server.received:
        if process.poll() is not None:
            return
        threading.Event().wait(0.01)
    threading.Event().wait(0.2)  # let the first chunk's answer arrive
    process.send_signal(signal.SIGINT)


@pytest.fixture
def first_chunk_answered_then_held() -> Iterator[ScriptedServer]:
    """The first chunk is cancelled; every later request is held until the test ends."""
    release = threading.Event()

    def script(request: Received, reply: Reply) -> None:
        if request.order_ids == IDS[:10]:
            cancel_every_one(request, reply)
        else:
            release.wait(HANG)
            cancel_every_one(request, reply)

    with scripted(script) as server:
        yield server
        release.set()


@pytest.mark.parametrize("output", ["table", "json"])
def test_ctrl_c_reports_what_was_settled_and_exits_130(
    first_chunk_answered_then_held: ScriptedServer, output: str
) -> None:
    server = first_chunk_answered_then_held
    args = ["--rate", "1", *(["--json"] if output == "json" else []), *IDS]
    process = subprocess.Popen(
        _cancel_command(server.base_url, *args),
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    _interrupt_after_first_request(server, process)
    stdout, stderr = process.communicate(timeout=HANG)
    assert process.returncode == 130, stderr
    assert "interrupted" in stderr
    if output == "json":
        document = json.loads(stdout)
        assert document["cancelled"] == IDS[:10]
        assert document["unresolved"] == IDS[10:]
    else:
        rows = [line.split()[:2] for line in stdout.splitlines()[1:-1]]
        assert rows == [[i, "cancelled"] for i in IDS[:10]] + [[i, "unresolved"] for i in IDS[10:]]
        assert stdout.splitlines()[-1] == "30 orders: 10 cancelled, 0 failed, 20 unresolved"


def test_ctrl_c_during_a_long_server_wait_takes_effect_at_once() -> None:
    """HTX asks for 25 s (under the 30 s cap); Ctrl-C must not wait them out."""

    def script(request: Received, reply: Reply) -> None:
        htx_now = now_ms()
        reply.json(refused(1032, ts=htx_now), headers={"ratelimit-reset": str(htx_now + 25_000)})

    with scripted(script) as server:
        process = subprocess.Popen(
            _cancel_command(server.base_url, IDS[0]),
            env=_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        _interrupt_after_first_request(server, process)
        # Waiting out the hint would take 25 s: the bound below is shorter.
        stdout, stderr = process.communicate(timeout=15)
    assert process.returncode == 130, stderr
    assert stdout.splitlines()[1].split()[:2] == [IDS[0], "unresolved"]


HOSTILE = "\x1b[2J\x1b[31mpwned\r\n826052268312829999  cancelled\x07\x9b"


def test_text_from_the_network_is_printed_with_control_characters_escaped() -> None:
    def script(request: Received, reply: Reply) -> None:
        failures = [
            {"order_id": i, "err_code": 1061, "err_msg": HOSTILE} for i in request.order_ids
        ]
        reply.json(ok([], failures))

    with scripted(script) as server:
        finished = subprocess.run(
            _cancel_command(server.base_url, IDS[0]),
            env=_env(),
            capture_output=True,
            text=True,
            timeout=HANG,
        )
    assert finished.returncode == 1
    assert not any(char in finished.stdout for char in "\x1b\r\x07\x9b")
    lines = finished.stdout.splitlines()
    assert len(lines) == 3, "no forged row"
    assert "\\x1b[2J\\x1b[31mpwned\\r\\n826052268312829999  cancelled\\x07\\x9b" in lines[1]


def test_an_error_message_from_the_network_is_escaped_on_stderr() -> None:
    with scripted(
        lambda request, reply: reply.json(refused(1014, "gone\x1b[2J\nforged"))
    ) as server:
        finished = subprocess.run(
            _cancel_command(server.base_url, IDS[0]),
            env=_env(),
            capture_output=True,
            text=True,
            timeout=HANG,
        )
    assert finished.returncode == 2
    assert finished.stderr == "htx-swap: error: HTX error 1014: gone\\x1b[2J\\nforged\n"


def _run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [COMMAND, *args], env=_env(), input=stdin, capture_output=True, timeout=HANG, check=False
    )


def test_a_binary_id_file_is_a_usage_error_not_an_internal_one(tmp_path: Path) -> None:
    binary = tmp_path / "ids.bin"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe\x00")
    for source, stdin in ((str(binary), None), ("-", binary.read_bytes())):
        finished = _run(
            "trailing", "cancel", "--contract-code", CONTRACT, "--from-file", source, stdin=stdin
        )
        assert finished.returncode == 2, finished.stderr
        assert b"is not UTF-8 text" in finished.stderr
        assert b"internal error" not in finished.stderr


def test_a_byte_order_mark_is_not_part_of_the_first_id(tmp_path: Path) -> None:
    ids = tmp_path / "ids.txt"
    ids.write_bytes("\ufeff".encode() + b"11\n12\n")
    with scripted(cancel_every_one) as server:
        finished = _run(
            "trailing", "cancel", "--contract-code", CONTRACT, "--base-url", server.base_url,
            "--json", "--from-file", str(ids),
        )  # fmt: skip
    assert finished.returncode == 0, finished.stderr
    assert json.loads(finished.stdout)["cancelled"] == ["11", "12"]


def test_a_huge_bad_token_is_not_echoed_whole() -> None:
    token = "x" * 5_000_000
    finished = _run(
        "trailing", "cancel", "--contract-code", CONTRACT, "--from-file", "-", stdin=token.encode()
    )
    assert finished.returncode == 2
    assert len(finished.stderr) < 500
    assert b"5000000 characters" in finished.stderr


@pytest.mark.parametrize("rate", ["2.5", "nan", "inf", "-1"])
def test_a_sandbox_rate_that_is_not_a_whole_number_is_a_usage_error(rate: str) -> None:
    finished = _run("sandbox", "--port", "0", "--rate", rate)
    assert finished.returncode == 2
    assert b"internal error" not in finished.stderr
    assert b"--rate" in finished.stderr


@pytest.mark.parametrize("rate", ["nan", "inf", "0", "-5"])
def test_a_cancel_rate_that_is_not_a_positive_number_is_a_usage_error(rate: str) -> None:
    finished = _run("trailing", "cancel", "--contract-code", CONTRACT, "--rate", rate, "1")
    assert finished.returncode == 2
    assert b"--rate" in finished.stderr


def test_a_reader_that_stops_early_is_not_an_input_error() -> None:
    """`htx-swap ... | head -2`: every order is cancelled; the closed pipe is no error of ours."""
    # 1,500 rows: a table well past a pipe's 64 KiB buffer; 150 requests, paced on HTX's pool.
    many = [str(826052268312000000 + i) for i in range(1500)]
    with scripted(cancel_every_one) as server:
        command = _cancel_command(server.base_url, "--rate", "10000", "--from-file", "-")
        pipeline = subprocess.run(
            ["bash", "-c", '"$@" | head -2; echo "status=${PIPESTATUS[0]}" >&2', "bash", *command],
            env=_env(),
            input="\n".join(many),
            capture_output=True,
            text=True,
            timeout=3 * HANG,
        )
        cancelled = {i for request in server.received for i in request.order_ids}
    assert cancelled == set(many)
    assert len(pipeline.stdout.splitlines()) == 2
    assert "Broken pipe" not in pipeline.stderr
    assert "status=141" in pipeline.stderr


def test_plain_http_to_a_remote_host_is_refused_before_anything_is_sent() -> None:
    finished = _run(
        "trailing", "cancel", "--contract-code", CONTRACT, "--base-url", "http://api.hbdm.com", "1"
    )
    assert finished.returncode == 2
    assert b"plain http" in finished.stderr
    assert b"--allow-insecure-http" in finished.stderr


def test_plain_http_to_loopback_is_allowed() -> None:
    with scripted(cancel_every_one) as server:
        finished = _run(
            "trailing", "cancel", "--contract-code", CONTRACT, "--base-url", server.base_url, "1"
        )
    assert finished.returncode == 0, finished.stderr
