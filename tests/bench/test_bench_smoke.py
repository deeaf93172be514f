"""`scripts/bench --smoke --shared-limits`: every section still runs, every contender
authenticates, and the revision given to `--before` is the one measured as "before" (HEAD here,
not the default).

The figures themselves are never asserted: timing is not a pass/fail test; the verdicts are only
checked to be verdicts.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "scripts" / "bench"
COLUMNS = 7

RAW_AIOHTTP, AIOHTTP = "raw aiohttp", 'AsyncSwapClient(transport="aiohttp")'
SYNC, SYNC_HTTPX = "SwapClient (h11 transport", 'SwapClient(transport="httpx")'
HTTPX, CCXT_SYNC, CCXT_ASYNC = (
    "AsyncSwapClient (httpx",
    "ccxt 4.5.90 htx, request()",
    "ccxt 4.5.90 htx async",
)
# Contenders each section must report, by the start of their label.
EXPECTED = {
    "1. Per-request overhead": [
        "raw httpx.Client",
        "raw httpx.AsyncClient",
        SYNC,
        SYNC_HTTPX,
        "AsyncSwapClient (httpx transport",
        'AsyncSwapClient(transport="aiohttp")',
        "SwapClient before (at {before}, ",
        "AsyncSwapClient before (at {before}, ",
        "SwapClient now, in a child",
        "AsyncSwapClient now (httpx), in a child",
        "ccxt 4.5.90 htx, request()",
        "ccxt 4.5.90 htx async_support",
    ],
    "2. Bulk cancel": ["SwapClient", "AsyncSwapClient", "AsyncSwapClient on aiohttp", "naive loop"],
    "3. Cold start": [
        "python -c pass",
        "import httpx, attrs",
        "import htx_swap",
        "import ccxt",
        "import httpx, attrs, no httpx[cli]",
        "import htx_swap, no httpx[cli]",
    ],
    "4. Regeneration": ["scripts/regenerate"],
    "5. Scale": ["100 IDs", "1,000 IDs"],
    "6. Unlimited bulk": [
        "SwapClient",
        "AsyncSwapClient (httpx transport",
        'AsyncSwapClient(transport="aiohttp")',
        "SwapClient before (at {before}, ",
        "AsyncSwapClient before (at {before}, ",
        "SwapClient now, in a child",
        "AsyncSwapClient now (httpx), in a child",
    ],
    "7. Client construction": [
        "SwapClient, the first in a process",
        "SwapClient, the next one",
        "AsyncSwapClient, the first in a process",
        "AsyncSwapClient, the next one",
    ],
    "8a. Time to cancel": ["htx-swap trailing cancel", "ccxt 4.5.90 htx, request()"],
    "8b. Time to cancel": [
        "SwapClient",
        "AsyncSwapClient (httpx transport",
        'AsyncSwapClient(transport="aiohttp")',
        "ccxt 4.5.90 htx, request()",
        "ccxt 4.5.90 htx async_support",
    ],
    "9. List": ["SwapClient.open_trailing_orders", "naive loop"],
    "10. Client CPU": [RAW_AIOHTTP, CCXT_ASYNC, AIOHTTP, HTTPX, CCXT_SYNC, SYNC, SYNC_HTTPX],
    "11. Unpaced bulk, 200 IDs (the others": [RAW_AIOHTTP, CCXT_ASYNC, AIOHTTP, HTTPX],
    "11. Unpaced bulk, 200 IDs, CPU": [RAW_AIOHTTP, CCXT_ASYNC, AIOHTTP, HTTPX],
    "12. Call to the whole request": [
        RAW_AIOHTTP,
        CCXT_ASYNC,
        AIOHTTP,
        HTTPX,
        CCXT_SYNC,
        SYNC,
        SYNC_HTTPX,
    ],
    "13. CPU to list": [
        "the parse floor",
        "reply reading, one pass",
        "reply reading, generated models",
        "SwapClient listing",
    ],
    "14. Memory, 1,000 IDs": [AIOHTTP],
    "15. Many processes, one account": ["2 processes, no store"],
}
# Issue 25's targets, each with its verdict: (section, contender).
JUDGED = [
    ("10. Client CPU", AIOHTTP),
    ("10. Client CPU", SYNC),
    ("11. Unpaced bulk, 200 IDs (the others", AIOHTTP),
    ("12. Call to the whole request", AIOHTTP),
    ("13. CPU to list", "SwapClient listing"),
    ("14. Memory", AIOHTTP),
    ("15. Many processes", "2 processes"),  # issue 23's
]
# Sections whose contenders send requests to the sandbox.
SIGNED = (
    "1. Per-request overhead",
    "2. Bulk cancel",
    "5. Scale",
    "6. Unlimited bulk",
    "8a. Time to cancel",
    "8b. Time to cancel",
    "9. List",
    "15. Many processes",
)


def _head() -> str:
    command = ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout.strip()


HEAD = _head()


@pytest.fixture(scope="module")
def smoke(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], str]:
    out = tmp_path_factory.mktemp("bench") / "results.md"
    # A timing tool, not a test of the code: coverage (make test) does not follow it.
    env = {name: value for name, value in os.environ.items() if name != "COVERAGE_ON_IMPORT"}
    completed = subprocess.run(
        [str(BENCH), "--smoke", "--shared-limits", "--before", "HEAD", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        env=env,
    )
    written = out.read_text(encoding="utf-8") if out.exists() else ""
    return completed, written


def rows(text: str) -> list[list[str]]:
    """The table's body rows, split into cells."""
    lines = [line for line in text.splitlines() if line.startswith("| ")]
    return [[cell.strip() for cell in line.strip("|").split(" | ")] for line in lines[1:]]


def test_exits_zero(smoke: tuple[subprocess.CompletedProcess[str], str]) -> None:
    completed, _ = smoke
    assert completed.returncode == 0, completed.stderr[-3000:]


def test_writes_the_table_with_the_machine(
    smoke: tuple[subprocess.CompletedProcess[str], str],
) -> None:
    completed, written = smoke
    assert written.startswith("# htx-swap benchmarks")
    assert re.search(r"on \d{4}-\d{2}-\d{2} .*Python 3\.\d+", written)
    assert "Invalid run" not in written
    assert rows(written) == rows(completed.stdout)


def test_every_section_reports_every_contender(
    smoke: tuple[subprocess.CompletedProcess[str], str],
) -> None:
    _, written = smoke
    table = rows(written)
    assert all(len(row) == COLUMNS for row in table), table
    for section, contenders in EXPECTED.items():
        labels = [row[1] for row in table if row[0].startswith(section)]
        assert len(labels) == len(contenders), (section, labels)
        for label, expected in zip(labels, contenders, strict=True):
            assert label.startswith(expected.format(before=HEAD)), (section, labels)


def test_the_document_names_the_revision_given_for_before(
    smoke: tuple[subprocess.CompletedProcess[str], str],
) -> None:
    _, written = smoke
    assert f"the code at {HEAD} (" in " ".join(written.split())


def test_every_target_has_a_verdict_from_the_run(
    smoke: tuple[subprocess.CompletedProcess[str], str],
) -> None:
    _, written = smoke
    table = rows(written)
    for section, contender in JUDGED:
        [row] = [r for r in table if r[0].startswith(section) and r[1].startswith(contender)]
        assert row[4] != "—", row
        assert row[5] in ("yes", "**no**"), row


def test_every_contender_authenticated(
    smoke: tuple[subprocess.CompletedProcess[str], str],
) -> None:
    _, written = smoke
    for row in rows(written):
        if not row[0].startswith(SIGNED):
            continue
        refused = re.fullmatch(r"(\d+) of (\d+)", row[6])
        assert refused is not None, row
        assert int(refused[1]) == 0, row  # no 403 from the sandbox
        assert int(refused[2]) > 0, row  # and requests were really sent
        answered = re.search(r"(\d+)/(\d+) ok", row[2])
        if answered is not None:  # per-request overhead: replies were `status: ok`
            # (the bench itself exits 1 when more than a stray transport error got in the way)
            assert int(answered[1]) >= int(answered[2]) - 1, row
