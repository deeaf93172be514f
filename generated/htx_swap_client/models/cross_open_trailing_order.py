from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.direction import Direction, check_direction
from ..models.is_active import IsActive, check_is_active
from ..models.reduce_only import ReduceOnly, check_reduce_only

T = TypeVar("T", bound="CrossOpenTrailingOrder")


@_attrs_define
class CrossOpenTrailingOrder:
    """An open cross-margin trailing order.

    Attributes:
        contract_type (str): The contract's type (open set: known values in `x-known-values`).
        business_type (str): The business type (open set): `futures` or `swap`.
        pair (str): the pair, e.g. `BTC-USDT`
        symbol (str): the product's symbol, e.g. `BTC`
        contract_code (str): contract code
        volume (float): Order volume, in contracts.
        order_type (int): The order's type (open set): `1` placed (quotation), `2` cancel order.
        direction (Direction): The order's direction: `buy` or `sell`. Closed in replies too. Example: buy.
        offset (str): `open`, `close` or `both` (one-way mode). An open set: `both` came with one-way mode.
        lever_rate (int): Leverage.
        order_id (int): The trailing order's ID as a JSON number, beyond 2^53: parsers that read numbers as doubles
            round it. Use `order_id_str`.
        order_id_str (str): The trailing order's ID as a string. Use this one.
        order_source (str): Where the order came from, e.g. `api` (an open set HTX does not enumerate).
        created_at (int): When the order was created, in milliseconds since the Unix epoch.
        order_price_type (str): How the order placed on trigger is priced (open set): `optimal_5`, `optimal_10`,
            `optimal_20`, `formula_price`.
        status (int): The order's state (open set): `2` ready to submit, `4` submitted, `5` submission failed, `6`
            cancelled.
        callback_rate (float): The callback rate, e.g. `0.03` for 3%.
        active_price (float): The activation price.
        is_active (IsActive): Whether the trailing order is activated: `1` activated, `0` not yet. Example: 0.
        margin_mode (str): The margin mode (open set): `isolated` or `cross`.
        margin_account (str): The margin account, e.g. `BTC-USDT` (isolated) or `USDT` (cross).
        reduce_only (ReduceOnly): Reduce only: `0` no, `1` yes. Ignored in hedge mode; in one-way mode `0` when not
            given. Closed in replies too. Example: 0.
    """

    contract_type: str
    business_type: str
    pair: str
    symbol: str
    contract_code: str
    volume: float
    order_type: int
    direction: Direction
    offset: str
    lever_rate: int
    order_id: int
    order_id_str: str
    order_source: str
    created_at: int
    order_price_type: str
    status: int
    callback_rate: float
    active_price: float
    is_active: IsActive
    margin_mode: str
    margin_account: str
    reduce_only: ReduceOnly
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        contract_type = self.contract_type

        business_type = self.business_type

        pair = self.pair

        symbol = self.symbol

        contract_code = self.contract_code

        volume = self.volume

        order_type = self.order_type

        direction: str = self.direction

        offset = self.offset

        lever_rate = self.lever_rate

        order_id = self.order_id

        order_id_str = self.order_id_str

        order_source = self.order_source

        created_at = self.created_at

        order_price_type = self.order_price_type

        status = self.status

        callback_rate = self.callback_rate

        active_price = self.active_price

        is_active: int = self.is_active

        margin_mode = self.margin_mode

        margin_account = self.margin_account

        reduce_only: int = self.reduce_only

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "contract_type": contract_type,
                "business_type": business_type,
                "pair": pair,
                "symbol": symbol,
                "contract_code": contract_code,
                "volume": volume,
                "order_type": order_type,
                "direction": direction,
                "offset": offset,
                "lever_rate": lever_rate,
                "order_id": order_id,
                "order_id_str": order_id_str,
                "order_source": order_source,
                "created_at": created_at,
                "order_price_type": order_price_type,
                "status": status,
                "callback_rate": callback_rate,
                "active_price": active_price,
                "is_active": is_active,
                "margin_mode": margin_mode,
                "margin_account": margin_account,
                "reduce_only": reduce_only,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        contract_type = d.pop("contract_type")

        business_type = d.pop("business_type")

        pair = d.pop("pair")

        symbol = d.pop("symbol")

        contract_code = d.pop("contract_code")

        volume = d.pop("volume")

        order_type = d.pop("order_type")

        direction = check_direction(d.pop("direction"))

        offset = d.pop("offset")

        lever_rate = d.pop("lever_rate")

        order_id = d.pop("order_id")

        order_id_str = d.pop("order_id_str")

        order_source = d.pop("order_source")

        created_at = d.pop("created_at")

        order_price_type = d.pop("order_price_type")

        status = d.pop("status")

        callback_rate = d.pop("callback_rate")

        active_price = d.pop("active_price")

        is_active = check_is_active(d.pop("is_active"))

        margin_mode = d.pop("margin_mode")

        margin_account = d.pop("margin_account")

        reduce_only = check_reduce_only(d.pop("reduce_only"))

        cross_open_trailing_order = cls(
            contract_type=contract_type,
            business_type=business_type,
            pair=pair,
            symbol=symbol,
            contract_code=contract_code,
            volume=volume,
            order_type=order_type,
            direction=direction,
            offset=offset,
            lever_rate=lever_rate,
            order_id=order_id,
            order_id_str=order_id_str,
            order_source=order_source,
            created_at=created_at,
            order_price_type=order_price_type,
            status=status,
            callback_rate=callback_rate,
            active_price=active_price,
            is_active=is_active,
            margin_mode=margin_mode,
            margin_account=margin_account,
            reduce_only=reduce_only,
        )

        cross_open_trailing_order.additional_properties = d
        return cross_open_trailing_order

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
