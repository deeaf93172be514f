from typing import Literal

HistorySortBy = Literal["created_at", "update_time"]

HISTORY_SORT_BY_VALUES: set[HistorySortBy] = {
    "created_at",
    "update_time",
}


def check_history_sort_by(value: str) -> HistorySortBy:
    if value in HISTORY_SORT_BY_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {HISTORY_SORT_BY_VALUES!r}")
