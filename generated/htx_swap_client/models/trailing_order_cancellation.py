from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.order_cancel_error import OrderCancelError


T = TypeVar("T", bound="TrailingOrderCancellation")


@_attrs_define
class TrailingOrderCancellation:
    """The orders that could not be cancelled, and those that were (the `data` of cancel and cancel-all replies).

    Attributes:
        errors (list[OrderCancelError]): The orders that could not be cancelled, each with its own error.
        successes (str): the orders that are success (order IDs joined by ",", empty when none). The pattern writes the
            comma as `\\x2C`: Go clients check patterns with a struct-tag validator that splits its rules at a literal
            comma.
    """

    errors: list[OrderCancelError]
    successes: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        errors = []
        for errors_item_data in self.errors:
            errors_item = errors_item_data.to_dict()
            errors.append(errors_item)

        successes = self.successes

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "errors": errors,
                "successes": successes,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.order_cancel_error import OrderCancelError  # noqa: PLC0415

        d = dict(src_dict)
        errors = []
        _errors = d.pop("errors")
        for errors_item_data in _errors:
            errors_item = OrderCancelError.from_dict(errors_item_data)

            errors.append(errors_item)

        successes = d.pop("successes")

        trailing_order_cancellation = cls(
            errors=errors,
            successes=successes,
        )

        trailing_order_cancellation.additional_properties = d
        return trailing_order_cancellation

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
