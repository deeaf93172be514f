from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.trade_type import TradeType, check_trade_type
from ..types import UNSET, Unset

T = TypeVar("T", bound="GetCrossOpenTrailingOrdersRequest")


@_attrs_define
class GetCrossOpenTrailingOrdersRequest:
    """Which page of open cross-margin trailing orders to list: those of `contract_code`, of `pair`, or (with neither) all
    of them.

        Attributes:
            contract_code (str | Unset): contract code, of a swap (`BTC-USDT`) or a future (`BTC-USDT-210625`) Example: BTC-
                USDT.
            pair (str | Unset): the pair Example: BTC-USDT.
            trade_type (TradeType | Unset): Which orders to list: `0` all, `1` buy long, `2` sell short, `3` buy short, `4`
                sell long, `17` buy (one-way mode), `18` sell (one-way mode). Deliberately stricter than HTX for clients: HTX
                also accepts a decimal string (`"0"`, HTX's QA suite); the SDK sends a number. Example: 0.
            page_index (int | Unset): The page, from 1 (HTX sends the first when omitted). Example: 1.
            page_size (int | Unset): Orders per page, at most 50 (HTX sends 20 when omitted). Example: 50.
    """

    contract_code: str | Unset = UNSET
    pair: str | Unset = UNSET
    trade_type: TradeType | Unset = UNSET
    page_index: int | Unset = UNSET
    page_size: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        contract_code = self.contract_code

        pair = self.pair

        trade_type: int | Unset = UNSET
        if not isinstance(self.trade_type, Unset):
            trade_type = self.trade_type

        page_index = self.page_index

        page_size = self.page_size

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if contract_code is not UNSET:
            field_dict["contract_code"] = contract_code
        if pair is not UNSET:
            field_dict["pair"] = pair
        if trade_type is not UNSET:
            field_dict["trade_type"] = trade_type
        if page_index is not UNSET:
            field_dict["page_index"] = page_index
        if page_size is not UNSET:
            field_dict["page_size"] = page_size

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        contract_code = d.pop("contract_code", UNSET)

        pair = d.pop("pair", UNSET)

        _trade_type = d.pop("trade_type", UNSET)
        trade_type: TradeType | Unset
        if isinstance(_trade_type, Unset):
            trade_type = UNSET
        else:
            trade_type = check_trade_type(_trade_type)

        page_index = d.pop("page_index", UNSET)

        page_size = d.pop("page_size", UNSET)

        get_cross_open_trailing_orders_request = cls(
            contract_code=contract_code,
            pair=pair,
            trade_type=trade_type,
            page_index=page_index,
            page_size=page_size,
        )

        get_cross_open_trailing_orders_request.additional_properties = d
        return get_cross_open_trailing_orders_request

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
