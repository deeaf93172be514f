from typing import Literal

TrailingOrderOffset = Literal["both", "close", "open"]

TRAILING_ORDER_OFFSET_VALUES: set[TrailingOrderOffset] = {
    "both",
    "close",
    "open",
}


def check_trailing_order_offset(value: str) -> TrailingOrderOffset:
    if value in TRAILING_ORDER_OFFSET_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {TRAILING_ORDER_OFFSET_VALUES!r}")
