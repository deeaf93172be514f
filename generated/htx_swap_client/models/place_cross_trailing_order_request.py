from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.contract_type import ContractType, check_contract_type
from ..models.direction import Direction, check_direction
from ..models.reduce_only import ReduceOnly, check_reduce_only
from ..models.trailing_order_offset import TrailingOrderOffset, check_trailing_order_offset
from ..models.trailing_order_price_type import TrailingOrderPriceType, check_trailing_order_price_type
from ..types import UNSET, Unset

T = TypeVar("T", bound="PlaceCrossTrailingOrderRequest")


@_attrs_define
class PlaceCrossTrailingOrderRequest:
    """One cross-margin trailing order to place. Give `contract_code`, or `pair` and `contract_type`; when both are given,
    `contract_code` is the preferred.

        Attributes:
            direction (Direction): The order's direction: `buy` or `sell`. Closed in replies too. Example: buy.
            volume (float): Order volume, in contracts (HTX expects a whole number). Deliberately stricter than HTX for
                clients: HTX also accepts a decimal string (`"1"`, sent by HTX's QA suite); the SDK sends a JSON number.
                Example: 100.
            callback_rate (float): The callback rate, e.g. `0.01` for 1%; at least `0.001` (0.1%). Deliberately stricter
                than HTX for clients: HTX also accepts a decimal string (`"0.01"`, sent by HTX's QA suite); the SDK sends a JSON
                number. Example: 0.01.
            active_price (float): The activation price (HTX's table spells it "active price"). Example: 1670.
            order_price_type (TrailingOrderPriceType): How the order placed on trigger is priced: `optimal_5`, `optimal_10`,
                `optimal_20` (the best 5, 10 or 20 prices of the book), or `formula_price` (the lowest (highest) market price
                since activation times (1 ± `callback_rate`), truncated to the tick size, as a limit price). Neither guarantees
                a full fill. Example: optimal_5.
            contract_code (str | Unset): contract code, of a swap (`BTC-USDT`) or a future (`BTC-USDT-210625`) Example: BTC-
                USDT.
            pair (str | Unset): the pair, with `contract_type` Example: BTC-USDT.
            contract_type (ContractType | Unset): The contract's type, with `pair`: `swap`, `this_week`, `next_week`,
                `quarter`, `next_quarter`. Example: swap.
            reduce_only (ReduceOnly | Unset): Reduce only: `0` no, `1` yes. Ignored in hedge mode; in one-way mode `0` when
                not given. Closed in replies too. Example: 0.
            offset (TrailingOrderOffset | Unset): Open or close a position: `open`, `close`, or `both` (one-way mode).
                Required in hedge mode; in one-way mode it is optional and must be `both` when given. Example: open.
            lever_rate (int | Unset): Leverage; required when opening a position, optional when closing one. Example: 20.
    """

    direction: Direction
    volume: float
    callback_rate: float
    active_price: float
    order_price_type: TrailingOrderPriceType
    contract_code: str | Unset = UNSET
    pair: str | Unset = UNSET
    contract_type: ContractType | Unset = UNSET
    reduce_only: ReduceOnly | Unset = UNSET
    offset: TrailingOrderOffset | Unset = UNSET
    lever_rate: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        direction: str = self.direction

        volume = self.volume

        callback_rate = self.callback_rate

        active_price = self.active_price

        order_price_type: str = self.order_price_type

        contract_code = self.contract_code

        pair = self.pair

        contract_type: str | Unset = UNSET
        if not isinstance(self.contract_type, Unset):
            contract_type = self.contract_type

        reduce_only: int | Unset = UNSET
        if not isinstance(self.reduce_only, Unset):
            reduce_only = self.reduce_only

        offset: str | Unset = UNSET
        if not isinstance(self.offset, Unset):
            offset = self.offset

        lever_rate = self.lever_rate

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "direction": direction,
                "volume": volume,
                "callback_rate": callback_rate,
                "active_price": active_price,
                "order_price_type": order_price_type,
            }
        )
        if contract_code is not UNSET:
            field_dict["contract_code"] = contract_code
        if pair is not UNSET:
            field_dict["pair"] = pair
        if contract_type is not UNSET:
            field_dict["contract_type"] = contract_type
        if reduce_only is not UNSET:
            field_dict["reduce_only"] = reduce_only
        if offset is not UNSET:
            field_dict["offset"] = offset
        if lever_rate is not UNSET:
            field_dict["lever_rate"] = lever_rate

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        direction = check_direction(d.pop("direction"))

        volume = d.pop("volume")

        callback_rate = d.pop("callback_rate")

        active_price = d.pop("active_price")

        order_price_type = check_trailing_order_price_type(d.pop("order_price_type"))

        contract_code = d.pop("contract_code", UNSET)

        pair = d.pop("pair", UNSET)

        _contract_type = d.pop("contract_type", UNSET)
        contract_type: ContractType | Unset
        if isinstance(_contract_type, Unset):
            contract_type = UNSET
        else:
            contract_type = check_contract_type(_contract_type)

        _reduce_only = d.pop("reduce_only", UNSET)
        reduce_only: ReduceOnly | Unset
        if isinstance(_reduce_only, Unset):
            reduce_only = UNSET
        else:
            reduce_only = check_reduce_only(_reduce_only)

        _offset = d.pop("offset", UNSET)
        offset: TrailingOrderOffset | Unset
        if isinstance(_offset, Unset):
            offset = UNSET
        else:
            offset = check_trailing_order_offset(_offset)

        lever_rate = d.pop("lever_rate", UNSET)

        place_cross_trailing_order_request = cls(
            direction=direction,
            volume=volume,
            callback_rate=callback_rate,
            active_price=active_price,
            order_price_type=order_price_type,
            contract_code=contract_code,
            pair=pair,
            contract_type=contract_type,
            reduce_only=reduce_only,
            offset=offset,
            lever_rate=lever_rate,
        )

        place_cross_trailing_order_request.additional_properties = d
        return place_cross_trailing_order_request

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
