from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.cancel_all_offset import CancelAllOffset, check_cancel_all_offset
from ..models.contract_type import ContractType, check_contract_type
from ..models.direction import Direction, check_direction
from ..types import UNSET, Unset

T = TypeVar("T", bound="CancelAllCrossTrailingOrdersRequest")


@_attrs_define
class CancelAllCrossTrailingOrdersRequest:
    """The cross-margin contract whose open trailing orders to cancel, optionally only those of one `direction` or one
    `offset`. Give `contract_code`, or `pair` and `contract_type` (with neither, HTX answers `err_code` 1014); when both
    are given, `contract_code` is the preferred.

        Attributes:
            contract_code (str | Unset): contract code, of a swap (`BTC-USDT`) or a future (`BTC-USDT-210625`) Example: BTC-
                USDT.
            pair (str | Unset): the pair, with `contract_type` Example: BTC-USDT.
            contract_type (ContractType | Unset): The contract's type, with `pair`: `swap`, `this_week`, `next_week`,
                `quarter`, `next_quarter`. Example: swap.
            direction (Direction | Unset): The order's direction: `buy` or `sell`. Closed in replies too. Example: buy.
            offset (CancelAllOffset | Unset): Cancel only the orders that `open` or that `close` a position (omitted, both).
                Example: close.
    """

    contract_code: str | Unset = UNSET
    pair: str | Unset = UNSET
    contract_type: ContractType | Unset = UNSET
    direction: Direction | Unset = UNSET
    offset: CancelAllOffset | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        contract_code = self.contract_code

        pair = self.pair

        contract_type: str | Unset = UNSET
        if not isinstance(self.contract_type, Unset):
            contract_type = self.contract_type

        direction: str | Unset = UNSET
        if not isinstance(self.direction, Unset):
            direction = self.direction

        offset: str | Unset = UNSET
        if not isinstance(self.offset, Unset):
            offset = self.offset

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if contract_code is not UNSET:
            field_dict["contract_code"] = contract_code
        if pair is not UNSET:
            field_dict["pair"] = pair
        if contract_type is not UNSET:
            field_dict["contract_type"] = contract_type
        if direction is not UNSET:
            field_dict["direction"] = direction
        if offset is not UNSET:
            field_dict["offset"] = offset

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        contract_code = d.pop("contract_code", UNSET)

        pair = d.pop("pair", UNSET)

        _contract_type = d.pop("contract_type", UNSET)
        contract_type: ContractType | Unset
        if isinstance(_contract_type, Unset):
            contract_type = UNSET
        else:
            contract_type = check_contract_type(_contract_type)

        _direction = d.pop("direction", UNSET)
        direction: Direction | Unset
        if isinstance(_direction, Unset):
            direction = UNSET
        else:
            direction = check_direction(_direction)

        _offset = d.pop("offset", UNSET)
        offset: CancelAllOffset | Unset
        if isinstance(_offset, Unset):
            offset = UNSET
        else:
            offset = check_cancel_all_offset(_offset)

        cancel_all_cross_trailing_orders_request = cls(
            contract_code=contract_code,
            pair=pair,
            contract_type=contract_type,
            direction=direction,
            offset=offset,
        )

        cancel_all_cross_trailing_orders_request.additional_properties = d
        return cancel_all_cross_trailing_orders_request

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
