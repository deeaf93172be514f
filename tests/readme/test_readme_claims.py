"""The README's prose about the library says what the code and the benchmarks show."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import htx_sandbox
from htx_swap import Credentials, HtxAuthError, SwapClient

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
RESULTS = (ROOT / "benchmarks" / "results.md").read_text(encoding="utf-8")
AIOHTTP = 'AsyncSwapClient(transport="aiohttp")'
DEFAULT = "AsyncSwapClient (httpx transport, the default)"


def _paragraph(starting: str) -> str:
    start = README.index(starting)
    return " ".join(README[start : README.index("\n\n", start)].split())


def _row(benchmark: str, contender: str) -> str:
    """The newest run's row (the first table in results.md) for that benchmark and contender."""
    return next(
        line
        for line in RESULTS.splitlines()
        if line.startswith(f"| {benchmark}") and f"| {contender} |" in line
    )


def _ids_per_second(row: str) -> float:
    found = re.search(r"\| ([\d,]+) IDs/s \[", row)
    assert found, row
    return float(found.group(1).replace(",", ""))


def test_the_aiohttp_transport_figures_are_the_benchmarks() -> None:
    """Within run-to-run noise (15%), so that a fresh `make bench` doesn't fail it; a claim
    such as "a fifth less CPU" or "several times the throughput" cites no figure and fails."""
    prose = _paragraph('`AsyncSwapClient(..., transport="aiohttp")` sends through')
    cpu = re.search(r"(\d\.\d\d)x the default transport's", prose)
    throughput = re.search(r"(\d\.\d\d)x its throughput", prose)
    quoted = re.search(r"([\d,]+) against ([\d,]+) IDs/s", prose)
    assert cpu, prose
    assert throughput, prose
    assert quoted, prose
    measured_cpu = re.search(
        r"(\d\.\d\d)x \[[^\]]*\] of AsyncSwapClient;", _row("1. Per-request", AIOHTTP)
    )
    assert measured_cpu
    measured_ids = (
        _ids_per_second(_row("6. Unlimited bulk", AIOHTTP)),
        _ids_per_second(_row("6. Unlimited bulk", DEFAULT)),
    )
    assert float(cpu.group(1)) == pytest.approx(float(measured_cpu.group(1)), rel=0.15)
    quoted_ids = tuple(float(group.replace(",", "")) for group in quoted.groups())
    assert quoted_ids == pytest.approx(measured_ids, rel=0.15)
    assert float(throughput.group(1)) == pytest.approx(quoted_ids[0] / quoted_ids[1], abs=0.01)
    assert float(throughput.group(1)) == pytest.approx(measured_ids[0] / measured_ids[1], rel=0.15)


def test_only_cancel_by_id_errors_carry_a_partial_result() -> None:
    """The README's errors bullet says `.result` comes with cancel_trailing_orders' errors and
    is None for the other calls; so it is, here with keys HTX refuses."""
    bullet = _paragraph("- **Errors**")
    sentence = next(part for part in bullet.split(". ") if "partial result as `.result`" in part)
    assert "`cancel_trailing_orders`" in sentence
    assert "any other call, `.result` is None" in bullet
    with htx_sandbox.running(rate=None) as sandbox:
        keys = Credentials(sandbox.credentials.access_key, "not-the-secret-key")
        with SwapClient(keys, base_url=sandbox.base_url, max_requests_per_second=None) as client:
            with pytest.raises(HtxAuthError) as listing:
                list(client.open_trailing_orders("BTC-USDT"))
            with pytest.raises(HtxAuthError) as cancelling:
                client.cancel_trailing_orders("BTC-USDT", ["11", "12"])
    assert listing.value.result is None
    # The refused request's orders are known not cancelled by it (issue 22, item 8).
    result = cancelling.value.result
    assert result is not None
    assert (result.cancelled, result.unresolved, result.not_sent) == ((), (), ())
    assert [(failure.order_id, failure.err_code) for failure in result.failed] == [
        ("11", 403),
        ("12", 403),
    ]
