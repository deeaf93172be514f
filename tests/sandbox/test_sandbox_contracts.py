"""Contract codes: swap or futures, and the contract type a futures code has on a given day."""

from __future__ import annotations

from datetime import date

import pytest

from htx_sandbox._contracts import contract, quarter_code

TODAY = date(2023, 11, 14)  # a Tuesday; the quarter's last Friday is 2023-12-29


def test_a_swap_code() -> None:
    swap = contract("BTC-USDT", TODAY)
    assert (swap.symbol, swap.pair, swap.contract_type) == ("BTC", "BTC-USDT", "swap")
    assert (swap.is_swap, swap.business_type) == (True, "swap")


@pytest.mark.parametrize(
    ("code", "contract_type"),
    [
        ("BTC-USDT-231117", "this_week"),
        ("BTC-USDT-231121", "this_week"),
        ("BTC-USDT-231124", "next_week"),
        ("BTC-USDT-231128", "next_week"),
        ("BTC-USDT-231229", "quarter"),
        ("BTC-USDT-231201", "quarter"),
        ("BTC-USDT-240329", "next_quarter"),
        ("BTC-USDT-231110", "this_week"),  # expired: still the nearest
    ],
)
def test_a_futures_code_is_classified_by_its_expiry(code: str, contract_type: str) -> None:
    futures = contract(code, TODAY)
    assert (futures.symbol, futures.pair, futures.contract_type) == (
        "BTC",
        "BTC-USDT",
        contract_type,
    )
    assert (futures.is_swap, futures.business_type) == (False, "futures")


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2023, 11, 14), "BTC-USDT-231229"),
        (date(2023, 12, 15), "BTC-USDT-240329"),  # 14 days before: next_week, so the next one
        (date(2023, 12, 14), "BTC-USDT-231229"),
        (date(2023, 12, 16), "BTC-USDT-240329"),
        (date(2024, 12, 31), "BTC-USDT-250328"),
    ],
)
def test_the_quarter_code_is_the_first_quarter_end_past_two_weeks(
    today: date, expected: str
) -> None:
    code = quarter_code("BTC-USDT", today)
    assert code == expected
    assert contract(code, today).contract_type == "quarter"


def test_no_quarter_for_something_that_is_not_a_pair() -> None:
    assert quarter_code("X", TODAY) is None


def test_codes_that_are_not_codes_are_refused() -> None:
    with pytest.raises(ValueError, match="expiry"):
        contract("BTC-USDT-231399", TODAY)
    for bad in ("", " BTC-USDT", "BTC-USDT\n"):
        with pytest.raises(ValueError, match="contract codes look like"):
            contract(bad, TODAY)


def test_anything_else_is_a_swap_of_its_own() -> None:
    assert contract("X", TODAY).pair == "X"
