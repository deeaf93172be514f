from typing import Literal

ReduceOnly = Literal[0, 1]

REDUCE_ONLY_VALUES: set[ReduceOnly] = {
    0,
    1,
}


def check_reduce_only(value: int) -> ReduceOnly:
    if value in REDUCE_ONLY_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {REDUCE_ONLY_VALUES!r}")
