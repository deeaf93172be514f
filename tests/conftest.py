"""Shared test settings."""

from __future__ import annotations

import inspect
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TESTS = Path(__file__).resolve().parent
# A parameter's repr that holds an address: `<memory at 0x7f...>`, `<... object at 0x...>`.
_ADDRESS = re.compile(r" at 0x[0-9a-f]+")


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under pytest-xdist (`make test`: --dist loadgroup), the tests that share a module- or
    session-scoped fixture of this suite run on one worker, so that fixture is built once (a
    published spec, a generated client, a benchmark run) rather than once per worker."""
    unstable = [item.nodeid for item in items if _ADDRESS.search(item.nodeid)]
    if unstable:  # each worker would collect other IDs, and pytest-xdist refuses to run
        raise pytest.UsageError(
            "test IDs with a memory address (give the parameters ids=...): " + ", ".join(unstable)
        )
    for item in items:
        group = _shared_fixture_group(item)
        if group is not None:
            item.add_marker(pytest.mark.xdist_group(group))


def _shared_fixture_group(item: pytest.Item) -> str | None:
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return None
    module_wide = None
    for name in info.names_closure:
        definitions = info.name2fixturedefs.get(name)
        if not definitions or definitions[-1].scope == "function":
            continue
        definition = definitions[-1]
        source = Path(inspect.getfile(definition.func)).resolve()
        if not source.is_relative_to(TESTS):
            continue  # a plugin's (say htx_sandbox_session): cheap, and not ours to group
        # A parametrized one is built once per parameter: each its own group.
        callspec = getattr(item, "callspec", None)
        variant = f"[{callspec.indices[name]}]" if callspec and name in callspec.indices else ""
        if definition.scope == "session":
            return f"session-fixture-{name}{variant}"
        module_wide = item.nodeid.split("::", 1)[0] + variant
    return module_wide


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
    out = tmp_path_factory.mktemp("published") / "spec"
    result = subprocess.run(
        [str(ROOT / "scripts" / "publish-spec"), "--out", str(out)],
        cwd=tmp_path_factory.getbasetemp(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout
    return out
