"""The README's Python examples run as written (the library one against the sandbox)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import htx_sandbox

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```python\n(.*?)```", README, re.DOTALL)


def _block(starting: str) -> str:
    [block] = [block for block in BLOCKS if block.startswith(starting)]
    return block


def test_the_library_example_cancels_and_reports_every_order(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code = _block("from htx_swap import Credentials, HtxApiError")
    with htx_sandbox.running(orders=12) as sandbox:
        sandbox.control.seed_orders("BTC-USDT", executed=["77"])
        monkeypatch.setenv("HTX_ACCESS_KEY", sandbox.credentials.access_key)
        monkeypatch.setenv("HTX_SECRET_KEY", sandbox.credentials.secret_key)
        # The example talks to the real exchange; point it at the sandbox instead.
        local = code.replace(
            "SwapClient(credentials)", f"SwapClient(credentials, base_url={sandbox.base_url!r})"
        )
        assert local != code
        exec(local, {"order_ids": [*sandbox.order_ids, "77"]})  # noqa: S102
        assert sandbox.control.cancelled_ids() == set(sandbox.order_ids)
    printed = capsys.readouterr().out
    assert "OrderFailure(order_id='77', err_code=1063" in printed
    assert printed.rstrip().endswith("() False")


def test_the_sandbox_example_runs_as_written() -> None:
    exec(_block("import htx_sandbox"), {})  # noqa: S102 - its own assert checks the outcome
