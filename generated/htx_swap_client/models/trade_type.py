from typing import Literal

TradeType = Literal[0, 1, 2, 3, 4, 17, 18]

TRADE_TYPE_VALUES: set[TradeType] = {
    0,
    1,
    2,
    3,
    4,
    17,
    18,
}


def check_trade_type(value: int) -> TradeType:
    if value in TRADE_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {TRADE_TYPE_VALUES!r}")
