from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.ok_status import OkStatus, check_ok_status

if TYPE_CHECKING:
    from ..models.trailing_order_cancellation import TrailingOrderCancellation


T = TypeVar("T", bound="CancelAllTrailingOrdersReply")


@_attrs_define
class CancelAllTrailingOrdersReply:
    """The request was processed; each order's outcome is in `data`.

    Attributes:
        status (OkStatus): The result of server handling to request: `ok`, the request was processed. Example: ok.
        data (TrailingOrderCancellation): The orders that could not be cancelled, and those that were (the `data` of
            cancel and cancel-all replies).
        ts (int): Time of Respond Generation, Unit: Millisecond
    """

    status: OkStatus
    data: TrailingOrderCancellation
    ts: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        status: str = self.status

        data = self.data.to_dict()

        ts = self.ts

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "status": status,
                "data": data,
                "ts": ts,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.trailing_order_cancellation import TrailingOrderCancellation  # noqa: PLC0415

        d = dict(src_dict)
        status = check_ok_status(d.pop("status"))

        data = TrailingOrderCancellation.from_dict(d.pop("data"))

        ts = d.pop("ts")

        cancel_all_trailing_orders_reply = cls(
            status=status,
            data=data,
            ts=ts,
        )

        cancel_all_trailing_orders_reply.additional_properties = d
        return cancel_all_trailing_orders_reply

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
