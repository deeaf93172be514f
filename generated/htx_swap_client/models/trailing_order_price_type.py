from typing import Literal

TrailingOrderPriceType = Literal["formula_price", "optimal_10", "optimal_20", "optimal_5"]

TRAILING_ORDER_PRICE_TYPE_VALUES: set[TrailingOrderPriceType] = {
    "formula_price",
    "optimal_10",
    "optimal_20",
    "optimal_5",
}


def check_trailing_order_price_type(value: str) -> TrailingOrderPriceType:
    if value in TRAILING_ORDER_PRICE_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {TRAILING_ORDER_PRICE_TYPE_VALUES!r}")
