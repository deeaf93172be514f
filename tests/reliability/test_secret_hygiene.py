"""Secret hygiene: the suite's scenarios with DEBUG logging everywhere, and nowhere a secret.

Retries through every fault, rate limiting, a refused key, an unreachable exchange, a skewed
clock and the command line all run with the root logger (httpx and httpcore included) at DEBUG.
The secret keys must appear in no log line (message, arguments or traceback), no repr or str of
anything a caller can hold (credentials, auth, clients, results, errors and their causes), and
nothing the command prints.
"""

from __future__ import annotations

import asyncio
import io
import logging
import os
import subprocess
import sys
import time
import traceback
from collections.abc import Iterator
from pathlib import Path

import pytest

import htx_sandbox
from htx_sandbox import Fault, Sandbox
from htx_swap import (
    AsyncSwapClient,
    CancelResult,
    Credentials,
    HtxAuthError,
    HtxRateLimitError,
    HtxTransportError,
    SwapClient,
)
from htx_swap._cli import main as cli_main

from .support import CONTRACT

ACCESS = "hygiene-access-key"
SECRET = "S3cr3t-hygiene-9f1c"
WRONG_SECRET = "S3cr3t-hygiene-wrong-7a2e"
SECRETS = (SECRET, WRONG_SECRET)
COMMAND = str(Path(sys.executable).with_name("htx-swap"))


class Exposure:
    """Everything a secret could leak into during one test."""

    def __init__(self) -> None:
        self.formatter = logging.Formatter(
            "%(asctime)s %(levelname)s %(name)s %(threadName)s %(message)s"
        )
        self.records: list[logging.LogRecord] = []
        self.texts: list[str] = []

    def show(self, *objects: object) -> None:
        """Record what a caller would see of each object: its str and repr."""
        for thing in objects:
            self.texts += [str(thing), repr(thing)]

    def show_error(self, error: BaseException) -> None:
        """The error, its chain of causes, its formatted traceback and its partial result."""
        self.show(error, getattr(error, "result", None))
        self.texts.append("".join(traceback.format_exception(error)))
        cause: BaseException | None = error
        while cause is not None:
            self.show(cause, cause.args)
            cause = cause.__cause__ or cause.__context__

    def lines(self) -> list[str]:
        lines = list(self.texts)
        for record in self.records:
            lines.append(self.formatter.format(record))
            lines.append(repr(record.args))
            if record.exc_info and record.exc_info[1] is not None:
                lines.append("".join(traceback.format_exception(record.exc_info[1])))
        return lines

    def assert_clean(self) -> None:
        for line in self.lines():
            for secret in SECRETS:
                assert secret not in line, f"a secret leaked into: {line[:500]!r}"


class _Collect(logging.Handler):
    def __init__(self, records: list[logging.LogRecord]) -> None:
        super().__init__(logging.DEBUG)
        self.collected = records

    def emit(self, record: logging.LogRecord) -> None:
        self.collected.append(record)


@pytest.fixture
def exposure(caplog: pytest.LogCaptureFixture) -> Iterator[Exposure]:
    """DEBUG logging on the root logger, every record collected; asserts cleanliness after."""
    found = Exposure()
    handler = _Collect(found.records)
    root = logging.getLogger()
    swap_logger = logging.getLogger("htx_swap")
    saved = (list(swap_logger.handlers), swap_logger.level)
    caplog.set_level(logging.DEBUG)
    root.addHandler(handler)
    try:
        yield found
        found.texts.append(caplog.text)
        found.assert_clean()
    finally:
        root.removeHandler(handler)
        # The command's -v adds a handler to the htx_swap logger: take it off again.
        swap_logger.handlers[:] = saved[0]
        swap_logger.setLevel(saved[1])


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with htx_sandbox.running(
        # 50/s runs past the per-UID pools (72 per 3 s), which this suite doesn't exercise.
        rate=50.0,
        pool_rate=None,
        credentials=htx_sandbox.Credentials(ACCESS, SECRET),
    ) as running:
        yield running


def _keys(secret: str = SECRET) -> Credentials:
    return Credentials(ACCESS, secret)


def _every_fault(sandbox: Sandbox, *, delay: bool = True) -> None:
    """Queue one of each fault; the delay (2 s) only where the client's timeout is 1 s."""
    faults = [Fault.BAD_GATEWAY, Fault.DROP_AFTER_APPLY, Fault.JUNK_AFTER_APPLY]
    for fault in [*faults, Fault.DELAY_AFTER_APPLY] if delay else faults:
        sandbox.control.queue_faults(fault)


@pytest.mark.parametrize("transport", ["h11", "httpx"])
def test_retries_through_every_fault_leak_nothing(
    sandbox: Sandbox, exposure: Exposure, transport: str
) -> None:
    opened = sandbox.control.seed_orders(CONTRACT, generate=30)
    _every_fault(sandbox)
    keys = _keys()
    with SwapClient(
        keys,
        base_url=sandbox.base_url,
        timeout=1.0,
        max_requests_per_second=50,
        transport=transport,
    ) as client:
        result = client.cancel_trailing_orders(CONTRACT, opened)
        exposure.show(keys, client, client.auth, client.generated, result, *result.failed)
    assert result == CancelResult(cancelled=opened)
    assert sum(sandbox.control.stats().faults.values()) == 4
    logged = {record.name for record in exposure.records}
    expected = {"htx_swap", "httpx", "httpcore.http11"} if transport == "httpx" else {"htx_swap"}
    assert expected <= logged, "DEBUG logging wasn't captured"


def test_the_async_client_through_faults_leaks_nothing(
    sandbox: Sandbox, exposure: Exposure, async_transport: str
) -> None:
    opened = sandbox.control.seed_orders(CONTRACT, generate=30)
    _every_fault(sandbox)

    async def cancel() -> CancelResult:
        async with AsyncSwapClient(
            _keys(),
            base_url=sandbox.base_url,
            timeout=1.0,
            max_requests_per_second=50,
            transport=async_transport,
        ) as client:
            exposure.show(client, client.auth)
            return await client.cancel_trailing_orders(CONTRACT, opened)

    result = asyncio.run(cancel())
    exposure.show(result)
    assert result.all_cancelled


def test_a_rate_limit_that_outlives_the_retries_leaks_nothing(
    sandbox: Sandbox, exposure: Exposure
) -> None:
    opened = sandbox.control.seed_orders(CONTRACT, generate=40)
    sandbox.control.set_rate_limit(1)
    with (
        SwapClient(
            _keys(), base_url=sandbox.base_url, max_retries=0, max_requests_per_second=50
        ) as client,
        pytest.raises(HtxRateLimitError) as caught,
    ):
        client.cancel_trailing_orders(CONTRACT, opened)
    exposure.show_error(caught.value)
    assert sandbox.control.stats().rejections.get(1032)


def test_a_refused_secret_leaks_neither_secret(sandbox: Sandbox, exposure: Exposure) -> None:
    opened = sandbox.control.seed_orders(CONTRACT, generate=20)
    wrong = _keys(WRONG_SECRET)
    with (
        SwapClient(wrong, base_url=sandbox.base_url) as client,
        pytest.raises(HtxAuthError) as caught,
    ):
        client.cancel_trailing_orders(CONTRACT, opened)
    exposure.show(wrong, client, client.auth, sandbox, sandbox.credentials)
    exposure.show_error(caught.value)
    assert caught.value.err_code == 403


def test_a_skewed_clock_corrected_from_the_reply_leaks_nothing(exposure: Exposure) -> None:
    with htx_sandbox.running(
        orders=3,
        clock=lambda: time.time() + 600,
        credentials=htx_sandbox.Credentials(ACCESS, SECRET),
    ) as skewed:
        with SwapClient(_keys(), base_url=skewed.base_url) as client:
            result = client.cancel_trailing_orders(CONTRACT, skewed.order_ids)
            exposure.show(client.auth, result)
        codes = [record.err_code for record in skewed.control.requests()]
    assert codes == [12001, None]


def test_an_unreachable_exchange_leaks_nothing(exposure: Exposure) -> None:
    with htx_sandbox.running() as gone:
        base_url = gone.base_url  # a port nothing listens on once the block ends
    with (
        SwapClient(_keys(), base_url=base_url, max_retries=1) as client,
        pytest.raises(HtxTransportError) as caught,
    ):
        client.cancel_trailing_orders(CONTRACT, ["826052268312821760"])
    exposure.show_error(caught.value)


def test_the_command_in_process_at_debug_leaks_nothing(
    sandbox: Sandbox, exposure: Exposure, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened = sandbox.control.seed_orders(CONTRACT, generate=12)
    _every_fault(sandbox, delay=False)
    out, err = io.StringIO(), io.StringIO()
    monkeypatch.setenv("HTX_ACCESS_KEY", ACCESS)
    monkeypatch.setenv("HTX_SECRET_KEY", SECRET)
    status = cli_main(
        ["trailing", "cancel", "--contract-code", CONTRACT, "--base-url", sandbox.base_url,
         "--rate", "50", "-v", "--json", *opened],
        stdout=out,
        stderr=err,
    )  # fmt: skip
    exposure.texts += [out.getvalue(), err.getvalue()]
    assert status == 0, err.getvalue()
    assert "attempt" in err.getvalue()
    monkeypatch.setenv("HTX_SECRET_KEY", WRONG_SECRET)
    out, err = io.StringIO(), io.StringIO()
    status = cli_main(
        ["trailing", "cancel", "--contract-code", CONTRACT, "--base-url", sandbox.base_url,
         "-v", *opened],
        stdout=out,
        stderr=err,
    )  # fmt: skip
    exposure.texts += [out.getvalue(), err.getvalue()]
    assert status == 2
    assert "403" in err.getvalue()


_DEBUG_COMMAND = """
import logging, sys
from htx_swap._cli import main
logging.basicConfig(level=logging.DEBUG, format="%(name)s %(levelname)s %(message)s")
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.parametrize("secret", SECRETS, ids=["accepted", "refused"])
@pytest.mark.parametrize("how", ["htx-swap -v", "python with DEBUG logging"])
def test_the_command_as_a_subprocess_leaks_nothing(
    sandbox: Sandbox, exposure: Exposure, secret: str, how: str
) -> None:
    opened = sandbox.control.seed_orders(CONTRACT, generate=12)
    _every_fault(sandbox, delay=False)
    program = [COMMAND] if how == "htx-swap -v" else [sys.executable, "-c", _DEBUG_COMMAND]
    env = {k: v for k, v in os.environ.items() if not k.startswith("HTX_")}
    finished = subprocess.run(
        [*program, "trailing", "cancel", "--contract-code", CONTRACT,
         "--base-url", sandbox.base_url, "--rate", "50", "-v", *opened],
        env={**env, "HTX_ACCESS_KEY": ACCESS, "HTX_SECRET_KEY": secret, "PYTHONDEVMODE": "1"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )  # fmt: skip
    exposure.texts += [finished.stdout, finished.stderr]
    assert finished.returncode == (0 if secret == SECRET else 2), finished.stderr
    assert "attempt" in finished.stderr
    if how != "htx-swap -v":
        assert "htx_swap DEBUG" in finished.stderr, "DEBUG logging wasn't on in the command"


def test_the_check_itself_finds_a_leak() -> None:
    found = Exposure()
    found.texts.append(f"oops {SECRET}")
    with pytest.raises(AssertionError, match="a secret leaked"):
        found.assert_clean()
    record = logging.LogRecord("x", logging.DEBUG, __file__, 1, "key %s", (WRONG_SECRET,), None)
    leaky = Exposure()
    leaky.records.append(record)
    with pytest.raises(AssertionError, match="a secret leaked"):
        leaky.assert_clean()
