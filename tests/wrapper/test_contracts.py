"""Which contract an operation acts on: isolated takes a perpetual code; cross also a future, or
a pair (with its contract type where the operation needs one)."""

from __future__ import annotations

from typing import Any

import pytest

from htx_swap import InvalidRequestError
from htx_swap._validation import Contract, validate_contract

TRADE = {"pair_needs_type": True}  # place, cancel, cancel-all
OPEN_ORDERS = {"required": False}
HISTORY: dict[str, Any] = {}


@pytest.mark.parametrize(
    ("mode", "code", "extra", "rules", "expected"),
    [
        ("isolated", "BTC-USDT", {}, TRADE, Contract("isolated", "BTC-USDT")),  # type: ignore[arg-type]
        ("cross", "BTC-USDT-261225", {}, TRADE, Contract("cross", "BTC-USDT-261225")),  # type: ignore[arg-type]
        ("cross", None, {"pair": "BTC-USDT", "contract_type": "quarter"}, TRADE,
         Contract("cross", None, "BTC-USDT", "quarter")),  # type: ignore[arg-type]
        ("cross", None, {}, OPEN_ORDERS, Contract("cross", None)),  # type: ignore[arg-type]
        ("cross", None, {"pair": "ETH-USDT"}, HISTORY, Contract("cross", None, "ETH-USDT")),  # type: ignore[arg-type]
    ],
)  # fmt: skip
def test_a_contract_htx_takes(
    mode: str, code: Any, extra: dict[str, Any], rules: dict[str, Any], expected: Contract
) -> None:
    assert validate_contract(mode, code, **extra, **rules) == expected


@pytest.mark.parametrize(
    ("mode", "code", "extra", "rules", "problem"),
    [
        ("isolated", "BTC-USDT-261225", {}, TRADE, "contract_code"),
        ("isolated", None, {}, OPEN_ORDERS, "contract_code"),
        ("isolated", "BTC-USDT", {"pair": "BTC-USDT"}, TRADE, "cross margin only"),
        ("cross", None, {"pair": "BTC-USDT"}, TRADE, "needs contract_type too"),
        ("cross", None, {}, TRADE, "contract_code, or pair and contract_type"),
        ("cross", None, {}, HISTORY, "contract_code, or pair; got neither"),
        ("cross", "btc-usdt", {}, TRADE, "a swap ('BTC-USDT') or a future"),
        ("cross", None, {"pair": "BTC"}, OPEN_ORDERS, "pair must be"),
        ("cross", "BTC-USDT", {"contract_type": "perpetual"}, TRADE, "contract_type"),
        ("crossed", "BTC-USDT", {}, TRADE, "margin_mode"),
    ],
)
def test_a_contract_htx_would_refuse(
    mode: str, code: Any, extra: dict[str, Any], rules: dict[str, Any], problem: str
) -> None:
    with pytest.raises(InvalidRequestError, match=problem.replace("(", r"\(").replace(")", r"\)")):
        validate_contract(mode, code, **extra, **rules)


def test_a_request_carries_only_the_contract_fields_given() -> None:
    assert Contract("cross", None, "BTC-USDT", "swap").given() == {  # type: ignore[arg-type]
        "pair": "BTC-USDT",
        "contract_type": "swap",
    }
