from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.cross_open_trailing_order import CrossOpenTrailingOrder


T = TypeVar("T", bound="CrossOpenTrailingOrdersPage")


@_attrs_define
class CrossOpenTrailingOrdersPage:
    """One page of open trailing orders.

    Attributes:
        orders (list[CrossOpenTrailingOrder]): The orders on this page.
        total_page (int): How many pages there are.
        current_page (int): This page's number, from 1.
        total_size (int): How many orders there are in all.
    """

    orders: list[CrossOpenTrailingOrder]
    total_page: int
    current_page: int
    total_size: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        orders = []
        for orders_item_data in self.orders:
            orders_item = orders_item_data.to_dict()
            orders.append(orders_item)

        total_page = self.total_page

        current_page = self.current_page

        total_size = self.total_size

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "orders": orders,
                "total_page": total_page,
                "current_page": current_page,
                "total_size": total_size,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.cross_open_trailing_order import CrossOpenTrailingOrder  # noqa: PLC0415

        d = dict(src_dict)
        orders = []
        _orders = d.pop("orders")
        for orders_item_data in _orders:
            orders_item = CrossOpenTrailingOrder.from_dict(orders_item_data)

            orders.append(orders_item)

        total_page = d.pop("total_page")

        current_page = d.pop("current_page")

        total_size = d.pop("total_size")

        cross_open_trailing_orders_page = cls(
            orders=orders,
            total_page=total_page,
            current_page=current_page,
            total_size=total_size,
        )

        cross_open_trailing_orders_page.additional_properties = d
        return cross_open_trailing_orders_page

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
