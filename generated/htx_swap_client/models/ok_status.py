from typing import Literal

OkStatus = Literal["ok"]

OK_STATUS_VALUES: set[OkStatus] = {
    "ok",
}


def check_ok_status(value: str) -> OkStatus:
    if value in OK_STATUS_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {OK_STATUS_VALUES!r}")
