from typing import Literal

IsActive = Literal[0, 1]

IS_ACTIVE_VALUES: set[IsActive] = {
    0,
    1,
}


def check_is_active(value: int) -> IsActive:
    if value in IS_ACTIVE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {IS_ACTIVE_VALUES!r}")
