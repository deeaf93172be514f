from typing import Literal

ContractType = Literal["next_quarter", "next_week", "quarter", "swap", "this_week"]

CONTRACT_TYPE_VALUES: set[ContractType] = {
    "next_quarter",
    "next_week",
    "quarter",
    "swap",
    "this_week",
}


def check_contract_type(value: str) -> ContractType:
    if value in CONTRACT_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {CONTRACT_TYPE_VALUES!r}")
