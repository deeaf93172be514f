from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="PlacedTrailingOrder")


@_attrs_define
class PlacedTrailingOrder:
    """The placed order's ID, as a number and as a string (use `order_id_str`).

    Attributes:
        order_id (int): The new order's ID as a JSON number, beyond 2^53: parsers that read numbers as doubles round it.
            Use `order_id_str`.
        order_id_str (str): The new order's ID as a string. Use this one.
    """

    order_id: int
    order_id_str: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        order_id = self.order_id

        order_id_str = self.order_id_str

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "order_id": order_id,
                "order_id_str": order_id_str,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        order_id = d.pop("order_id")

        order_id_str = d.pop("order_id_str")

        placed_trailing_order = cls(
            order_id=order_id,
            order_id_str=order_id_str,
        )

        placed_trailing_order.additional_properties = d
        return placed_trailing_order

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
