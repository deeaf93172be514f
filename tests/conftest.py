"""Shared test settings."""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import signal
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]

# pytest-xdist's workers ignore SIGINT (execnet does, so that Ctrl-C reaches the controller), and
# an ignored signal stays ignored in every process they start: a test that presses Ctrl-C on the
# command or a sandbox would wait for ever. The processes the tests start get Python's default.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)
# A parameter's repr that holds an address: `<memory at 0x7f...>`, `<... object at 0x...>`.
_ADDRESS = re.compile(r" at 0x[0-9a-f]+")


# Tests that hold clients to HTX's rate limits in real time against a strict sandbox (not a
# single 1032): starved of CPU by tests running beside them, the sandbox reads arrivals late and
# refuses. Marked `alone`: `make test` runs them one at a time, at a higher priority than the
# parallel part beside them (the Makefile's pytest target).
ALONE = (
    "tests/reliability/test_concurrency.py::",
    "tests/reliability/test_fault_soak.py::",
    "::test_the_client_stays_under_a_strict_limit_without_a_single_1032",
    "::test_the_async_client_stays_under_a_strict_limit_without_a_single_1032",
    "::test_three_clients_of_one_account_through_the_store_are_not_refused",
    "::test_an_async_client_shares_the_store_with_a_sync_one",
    # The bench's smoke run: starved, its rounds outlast the sandbox's 5 s keep-alive, and ccxt
    # reuses a connection the server has closed (2 of 6 ccxt cancels failed beside 3 workers).
    "tests/bench/test_bench_smoke.py::",
)


# How `make test` spreads the parallel part over pytest-xdist's workers (--dist loadfile: a file
# is one unit, so its module fixtures are built once). The files that take longest go first, so
# that none is left running by itself at the end (pytest-xdist would order units by their number
# of tests); the longest of all, which run the same scenarios on each client, are split by client
# into units that run side by side (their module fixtures are then built once per unit).
LONGEST_FIRST = (
    "tests/contract/test_prism_contract.py",
    "tests/consumers/rust/test_rust_consumer.py",
    "tests/integration/test_family.py",
    "tests/generated/test_regenerate.py",
    "tests/publishing/test_publishing.py",
    "tests/consumers/go/test_go_consumer.py",
    "tests/reliability/test_hostile_replies.py",
    "tests/spec_change/test_spec_change.py",
    "tests/shared_limits/test_clients.py",
    "tests/cli/test_cli_hostile.py",
    "tests/reliability/test_secret_hygiene.py",
    "tests/cli/test_cli_family.py",
    "tests/readme/test_readme_types.py",
)
SPLIT_BY_CLIENT = (
    "tests/contract/test_prism_contract.py",
    "tests/integration/test_family.py",
    "tests/reliability/test_hostile_replies.py",
)
_CLIENT = re.compile(r"\[(sync|async on aiohttp|async)\b")


@pytest.hookimpl(optionalhook=True)  # pytest-xdist's hook: unknown when run without it
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    if config.getoption("dist", None) != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class LongestFirst(LoadFileScheduling):  # type: ignore[misc]
        def __init__(self, config: pytest.Config, log: Any) -> None:
            super().__init__(config, log)
            # Units in the order the workers collected them: longest first (see below).
            config.option.loadscopereorder = False

        def _split_scope(self, nodeid: str) -> str:
            scope: str = super()._split_scope(nodeid)
            client = _CLIENT.search(nodeid) if scope in SPLIT_BY_CLIENT else None
            return f"{scope}[{client.group(1)}]" if client else scope

    return LongestFirst(config, log)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "alone: run by make test one at a time, ahead of the parallel tests in priority"
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every pytest-xdist worker (`make test`) must collect the same test IDs, there in the
    order LONGEST_FIRST (the units are made in it: the scheduler sends each worker positions in
    its own collection); the tests in ALONE are marked `alone`."""
    unstable = [item.nodeid for item in items if _ADDRESS.search(item.nodeid)]
    if unstable:  # each worker would collect other IDs, and pytest-xdist refuses to run
        raise pytest.UsageError(
            "test IDs with a memory address (give the parameters ids=...): " + ", ".join(unstable)
        )
    if os.environ.get("PYTEST_XDIST_WORKER"):  # (a worker's own --dist reads "no")
        rank = {path: index for index, path in enumerate(LONGEST_FIRST)}
        items.sort(key=lambda item: rank.get(item.nodeid.split("::")[0], len(rank)))
    for item in items:
        if any(part in item.nodeid for part in ALONE):
            item.add_marker(pytest.mark.alone)


# The async client's transports: every async test of the client runs on each (issue 15).
ASYNC_TRANSPORTS = ("httpx", "aiohttp")


@pytest.fixture(params=ASYNC_TRANSPORTS)
def async_transport(request: pytest.FixtureRequest) -> str:
    """The transport an AsyncSwapClient under test sends through."""
    return str(request.param)


@pytest.fixture
def anyio_backend() -> str:
    """Async tests run on asyncio, the loop our users run."""
    return "asyncio"


@pytest.fixture(scope="session")
def published_spec(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`scripts/publish-spec --out DIR`, once per session, run from elsewhere (any cwd works):
    the directory other teams get (bundle, docs, error codes, changelog)."""
    return _once_per_run(tmp_path_factory, "published", _publish)


def _publish(out: Path) -> None:
    result = subprocess.run(
        [str(ROOT / "scripts" / "publish-spec"), "--out", str(out)],
        cwd=out.parent,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout


def _once_per_run(
    tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], None]
) -> Path:
    """``build(directory / "spec")`` once per test run, even across pytest-xdist's workers
    (`make test`): the first worker to get here builds it under a lock in the run's shared
    temporary directory, the others wait and read it. Only for what the tests only read."""
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # popen-gw0/.. : the run's directory, the same for every worker
    directory = shared / f"once-{name}"
    with open(shared / f"once-{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not (directory / "built").exists():
            shutil.rmtree(directory, ignore_errors=True)  # a failed attempt's leftovers
            directory.mkdir()
            build(directory / "spec")
            (directory / "built").touch()
    return directory / "spec"
