from typing import Literal

CancelAllOffset = Literal["close", "open"]

CANCEL_ALL_OFFSET_VALUES: set[CancelAllOffset] = {
    "close",
    "open",
}


def check_cancel_all_offset(value: str) -> CancelAllOffset:
    if value in CANCEL_ALL_OFFSET_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {CANCEL_ALL_OFFSET_VALUES!r}")
