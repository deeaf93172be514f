from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.history_sort_by import HistorySortBy, check_history_sort_by
from ..models.trade_type import TradeType, check_trade_type
from ..types import UNSET, Unset

T = TypeVar("T", bound="GetCrossTrailingOrderHistoryRequest")


@_attrs_define
class GetCrossTrailingOrderHistoryRequest:
    """Which page of finished cross-margin trailing orders to list. Give `contract_code` or `pair`; when both are given,
    `contract_code` is the preferred. Deliberately stricter than HTX for clients: `trade_type` is required here, as
    HTX's table marks it, although HTX's description of it says "if not filled in, means all" (and HTX accepts it left
    out); send `0` for all.

        Attributes:
            status (str): The order states to list, comma-separated: `0` every end state, `4` submitted, `5` submission
                failed, `6` cancelled. Deliberately stricter than HTX for clients: HTX's own example sends the number `0` and
                HTX accepts it; its table and its SDKs send a string, as the SDK does. Example: 0.
            trade_type (TradeType): Which orders to list: `0` all, `1` buy long, `2` sell short, `3` buy short, `4` sell
                long, `17` buy (one-way mode), `18` sell (one-way mode). Deliberately stricter than HTX for clients: HTX also
                accepts a decimal string (`"0"`, HTX's QA suite); the SDK sends a number. Example: 0.
            create_date (int): How many days back to look, at most 90. Deliberately stricter than HTX for clients: HTX also
                accepts a decimal string (`"7"`, HTX's QA suite) and a value above 90, which it reads as 90 ("system will return
                ... data within the last 90 days by default"); the SDK sends a number of at most 90, so that what is asked is
                what is answered. Example: 30.
            contract_code (str | Unset): contract code, of a swap (`BTC-USDT`) or a future (`BTC-USDT-210625`) Example: BTC-
                USDT.
            pair (str | Unset): the pair Example: BTC-USDT.
            page_index (int | Unset): The page, from 1 (HTX sends the first when omitted). Example: 1.
            page_size (int | Unset): Orders per page, at most 50 (HTX sends 20 when omitted). Example: 50.
            sort_by (HistorySortBy | Unset): The field to sort by, descending: `created_at` (the default) or `update_time`.
                (HTX's English table says `create_date`; its examples, its Chinese documentation and its SDKs send
                `created_at`.) Deliberately stricter than HTX for clients: HTX accepts both spellings (the sandbox too); the SDK
                sends `created_at`. Example: created_at.
    """

    status: str
    trade_type: TradeType
    create_date: int
    contract_code: str | Unset = UNSET
    pair: str | Unset = UNSET
    page_index: int | Unset = UNSET
    page_size: int | Unset = UNSET
    sort_by: HistorySortBy | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        status = self.status

        trade_type: int = self.trade_type

        create_date = self.create_date

        contract_code = self.contract_code

        pair = self.pair

        page_index = self.page_index

        page_size = self.page_size

        sort_by: str | Unset = UNSET
        if not isinstance(self.sort_by, Unset):
            sort_by = self.sort_by

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "status": status,
                "trade_type": trade_type,
                "create_date": create_date,
            }
        )
        if contract_code is not UNSET:
            field_dict["contract_code"] = contract_code
        if pair is not UNSET:
            field_dict["pair"] = pair
        if page_index is not UNSET:
            field_dict["page_index"] = page_index
        if page_size is not UNSET:
            field_dict["page_size"] = page_size
        if sort_by is not UNSET:
            field_dict["sort_by"] = sort_by

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        status = d.pop("status")

        trade_type = check_trade_type(d.pop("trade_type"))

        create_date = d.pop("create_date")

        contract_code = d.pop("contract_code", UNSET)

        pair = d.pop("pair", UNSET)

        page_index = d.pop("page_index", UNSET)

        page_size = d.pop("page_size", UNSET)

        _sort_by = d.pop("sort_by", UNSET)
        sort_by: HistorySortBy | Unset
        if isinstance(_sort_by, Unset):
            sort_by = UNSET
        else:
            sort_by = check_history_sort_by(_sort_by)

        get_cross_trailing_order_history_request = cls(
            status=status,
            trade_type=trade_type,
            create_date=create_date,
            contract_code=contract_code,
            pair=pair,
            page_index=page_index,
            page_size=page_size,
            sort_by=sort_by,
        )

        get_cross_trailing_order_history_request.additional_properties = d
        return get_cross_trailing_order_history_request

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
