"""How `make test` spreads the suite over pytest-xdist's workers (tests/conftest.py): each file is
one unit run by one worker (its module fixtures built once), but for the files split by client,
whose units are one per client; the longest files start first.

Checked on a scratch suite laid out like ours, with our conftest, in a pytest run of its own.
"""

from __future__ import annotations

import json
import shutil
from collections import defaultdict
from pathlib import Path

import pytest
from conftest import LONGEST_FIRST, SPLIT_BY_CLIENT

pytest_plugins = ["pytester"]

HERE = Path(__file__).resolve().parent
CLIENTS = ("sync", "async", "async on aiohttp")

# Each scratch test records the worker it ran on and the module fixture it got.
TEST_FILE = """
import json, os, pytest

@pytest.fixture(scope="module")
def module_setup():
    return os.urandom(8).hex()

@pytest.mark.parametrize("n", range(3))
@pytest.mark.parametrize("kind", {clients!r})  # first in the ID, as our `kind` fixtures are
def test_scenario(kind, n, module_setup):
    with open({log!r}, "a") as log:
        row = [os.environ["PYTEST_XDIST_WORKER"], __file__, kind, module_setup]
        log.write(json.dumps(row) + "\\n")

def test_plain(module_setup):
    with open({log!r}, "a") as log:
        row = [os.environ["PYTEST_XDIST_WORKER"], __file__, None, module_setup]
        log.write(json.dumps(row) + "\\n")
"""


def test_each_unit_runs_on_one_worker_with_its_module_fixture_built_once(
    pytester: pytest.Pytester,
) -> None:
    log = pytester.path / "ran.jsonl"
    (pytester.path / "tests").mkdir()
    shutil.copy(HERE.parent / "conftest.py", pytester.path / "tests" / "conftest.py")
    files = [*LONGEST_FIRST[:4], "tests/unlisted/test_a.py", "tests/unlisted/test_b.py"]
    for name in files:
        path = pytester.path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(TEST_FILE.format(clients=CLIENTS, log=str(log)), encoding="utf-8")
    result = pytester.runpytest_subprocess(
        "-n", "3", "--dist", "loadfile", "-p", "no:cacheprovider", "-p", "no:randomly", "tests"
    )
    result.assert_outcomes(passed=len(files) * 10)

    rows = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == len(files) * 10  # every test ran exactly once
    units: dict[tuple[str, str | None], set[tuple[str, str]]] = defaultdict(set)
    for worker, path, kind, setup in rows:
        name = str(Path(path).relative_to(pytester.path))
        unit = kind if name in SPLIT_BY_CLIENT else None
        units[name, unit].add((worker, setup))
    for unit, ran in units.items():
        assert len(ran) == 1, f"{unit} ran on several workers or rebuilt its fixture: {ran}"
    first = {}
    for worker, path, _, _ in rows:
        first.setdefault(worker, str(Path(path).relative_to(pytester.path)))
    assert set(first.values()) == {LONGEST_FIRST[0]}, f"each worker starts on the longest: {first}"
    split = [name for name in files if name in SPLIT_BY_CLIENT]
    assert split, "the scratch suite has a split file"
    for name in split:  # its units ran side by side
        workers = {worker for (file, _), ran in units.items() if file == name for worker, _ in ran}
        assert len(workers) > 1, name
