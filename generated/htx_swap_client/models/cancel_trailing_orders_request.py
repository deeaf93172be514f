from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="CancelTrailingOrdersRequest")


@_attrs_define
class CancelTrailingOrdersRequest:
    """The trailing orders of one contract to cancel.

    Attributes:
        contract_code (str): contract code Example: BTC-USDT.
        order_id (str): User's trailing order id (multiple order IDs are separated by ",", a maximum of 10 orders are
            allowed to be withdrawn at a time). IDs are int64 values carried as decimal strings. Deliberately stricter than
            HTX for clients: HTX also accepts one ID as a JSON integer (HTX's QA suite cancels with the place reply's
            `order_id`), which a client parsing numbers as doubles would round; the SDK always sends the string. Example:
            456457123.
    """

    contract_code: str
    order_id: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        contract_code = self.contract_code

        order_id = self.order_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "contract_code": contract_code,
                "order_id": order_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        contract_code = d.pop("contract_code")

        order_id = d.pop("order_id")

        cancel_trailing_orders_request = cls(
            contract_code=contract_code,
            order_id=order_id,
        )

        cancel_trailing_orders_request.additional_properties = d
        return cancel_trailing_orders_request

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
