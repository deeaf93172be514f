from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.contract_type import ContractType, check_contract_type
from ..types import UNSET, Unset

T = TypeVar("T", bound="CancelCrossTrailingOrdersRequest")


@_attrs_define
class CancelCrossTrailingOrdersRequest:
    """The cross-margin trailing orders to cancel. Give `contract_code`, or `pair` and `contract_type`; when both are
    given, `contract_code` is the preferred.

        Attributes:
            order_id (str): User's trailing order id (multiple order IDs are separated by ",", a maximum of 10 orders are
                allowed to be withdrawn at a time). IDs are int64 values carried as decimal strings. Deliberately stricter than
                HTX for clients: HTX also accepts one ID as a JSON integer (HTX's QA suite cancels with the place reply's
                `order_id`), which a client parsing numbers as doubles would round; the SDK always sends the string. Example:
                826053970168446976,826052906719444993.
            contract_code (str | Unset): contract code, of a swap (`BTC-USDT`) or a future (`BTC-USDT-210625`) Example: BTC-
                USDT.
            pair (str | Unset): the pair, with `contract_type` Example: BTC-USDT.
            contract_type (ContractType | Unset): The contract's type, with `pair`: `swap`, `this_week`, `next_week`,
                `quarter`, `next_quarter`. Example: swap.
    """

    order_id: str
    contract_code: str | Unset = UNSET
    pair: str | Unset = UNSET
    contract_type: ContractType | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        order_id = self.order_id

        contract_code = self.contract_code

        pair = self.pair

        contract_type: str | Unset = UNSET
        if not isinstance(self.contract_type, Unset):
            contract_type = self.contract_type

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "order_id": order_id,
            }
        )
        if contract_code is not UNSET:
            field_dict["contract_code"] = contract_code
        if pair is not UNSET:
            field_dict["pair"] = pair
        if contract_type is not UNSET:
            field_dict["contract_type"] = contract_type

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        order_id = d.pop("order_id")

        contract_code = d.pop("contract_code", UNSET)

        pair = d.pop("pair", UNSET)

        _contract_type = d.pop("contract_type", UNSET)
        contract_type: ContractType | Unset
        if isinstance(_contract_type, Unset):
            contract_type = UNSET
        else:
            contract_type = check_contract_type(_contract_type)

        cancel_cross_trailing_orders_request = cls(
            order_id=order_id,
            contract_code=contract_code,
            pair=pair,
            contract_type=contract_type,
        )

        cancel_cross_trailing_orders_request.additional_properties = d
        return cancel_cross_trailing_orders_request

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
