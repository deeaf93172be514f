from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.direction import Direction, check_direction
from ..models.is_active import IsActive, check_is_active
from ..models.reduce_only import ReduceOnly, check_reduce_only

T = TypeVar("T", bound="HistoricTrailingOrder")


@_attrs_define
class HistoricTrailingOrder:
    """A finished isolated-margin trailing order.

    Attributes:
        symbol (str): the product's symbol, e.g. `BTC`
        contract_code (str): contract code
        triggered_price (float | None): The price that triggered the order; null until it is triggered.
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
        update_time (int): When the order last changed, in milliseconds since the Unix epoch.
        order_price_type (str): How the order placed on trigger is priced (open set): `optimal_5`, `optimal_10`,
            `optimal_20`, `formula_price`.
        status (int): The order's state (open set): `2` ready to submit, `4` submitted, `5` submission failed, `6`
            cancelled.
        canceled_at (int): When the order was cancelled, in milliseconds since the Unix epoch.
        fail_code (int | None): The error code of the order placed on trigger, when placing it failed (an open set, as
            `err_code`: see `x-htx-error-codes`); null otherwise.
        fail_reason (None | str): Why placing the order on trigger failed; null otherwise.
        callback_rate (float): The callback rate, e.g. `0.03` for 3%.
        active_price (float): The activation price.
        is_active (IsActive): Whether the trailing order is activated: `1` activated, `0` not yet. Example: 0.
        market_limit_price (float | None): The lowest (buy) or highest (sell) market price since activation; null until
            known.
        formula_price (float | None): `market_limit_price` * (1 ± `callback_rate`): the price of a `formula_price`
            order; null until known.
        real_volume (float): The volume actually placed on trigger, in contracts.
        relation_order_id (str): The ID of the limit order placed when the trailing order triggered; `-1` before.
        margin_mode (str): The margin mode (open set): `isolated` or `cross`.
        margin_account (str): The margin account, e.g. `BTC-USDT` (isolated) or `USDT` (cross).
        reduce_only (ReduceOnly): Reduce only: `0` no, `1` yes. Ignored in hedge mode; in one-way mode `0` when not
            given. Closed in replies too. Example: 0.
    """

    symbol: str
    contract_code: str
    triggered_price: float | None
    volume: float
    order_type: int
    direction: Direction
    offset: str
    lever_rate: int
    order_id: int
    order_id_str: str
    order_source: str
    created_at: int
    update_time: int
    order_price_type: str
    status: int
    canceled_at: int
    fail_code: int | None
    fail_reason: None | str
    callback_rate: float
    active_price: float
    is_active: IsActive
    market_limit_price: float | None
    formula_price: float | None
    real_volume: float
    relation_order_id: str
    margin_mode: str
    margin_account: str
    reduce_only: ReduceOnly
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        symbol = self.symbol

        contract_code = self.contract_code

        triggered_price: float | None
        triggered_price = self.triggered_price

        volume = self.volume

        order_type = self.order_type

        direction: str = self.direction

        offset = self.offset

        lever_rate = self.lever_rate

        order_id = self.order_id

        order_id_str = self.order_id_str

        order_source = self.order_source

        created_at = self.created_at

        update_time = self.update_time

        order_price_type = self.order_price_type

        status = self.status

        canceled_at = self.canceled_at

        fail_code: int | None
        fail_code = self.fail_code

        fail_reason: None | str
        fail_reason = self.fail_reason

        callback_rate = self.callback_rate

        active_price = self.active_price

        is_active: int = self.is_active

        market_limit_price: float | None
        market_limit_price = self.market_limit_price

        formula_price: float | None
        formula_price = self.formula_price

        real_volume = self.real_volume

        relation_order_id = self.relation_order_id

        margin_mode = self.margin_mode

        margin_account = self.margin_account

        reduce_only: int = self.reduce_only

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "symbol": symbol,
                "contract_code": contract_code,
                "triggered_price": triggered_price,
                "volume": volume,
                "order_type": order_type,
                "direction": direction,
                "offset": offset,
                "lever_rate": lever_rate,
                "order_id": order_id,
                "order_id_str": order_id_str,
                "order_source": order_source,
                "created_at": created_at,
                "update_time": update_time,
                "order_price_type": order_price_type,
                "status": status,
                "canceled_at": canceled_at,
                "fail_code": fail_code,
                "fail_reason": fail_reason,
                "callback_rate": callback_rate,
                "active_price": active_price,
                "is_active": is_active,
                "market_limit_price": market_limit_price,
                "formula_price": formula_price,
                "real_volume": real_volume,
                "relation_order_id": relation_order_id,
                "margin_mode": margin_mode,
                "margin_account": margin_account,
                "reduce_only": reduce_only,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        symbol = d.pop("symbol")

        contract_code = d.pop("contract_code")

        def _parse_triggered_price(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        triggered_price = _parse_triggered_price(d.pop("triggered_price"))

        volume = d.pop("volume")

        order_type = d.pop("order_type")

        direction = check_direction(d.pop("direction"))

        offset = d.pop("offset")

        lever_rate = d.pop("lever_rate")

        order_id = d.pop("order_id")

        order_id_str = d.pop("order_id_str")

        order_source = d.pop("order_source")

        created_at = d.pop("created_at")

        update_time = d.pop("update_time")

        order_price_type = d.pop("order_price_type")

        status = d.pop("status")

        canceled_at = d.pop("canceled_at")

        def _parse_fail_code(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        fail_code = _parse_fail_code(d.pop("fail_code"))

        def _parse_fail_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        fail_reason = _parse_fail_reason(d.pop("fail_reason"))

        callback_rate = d.pop("callback_rate")

        active_price = d.pop("active_price")

        is_active = check_is_active(d.pop("is_active"))

        def _parse_market_limit_price(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        market_limit_price = _parse_market_limit_price(d.pop("market_limit_price"))

        def _parse_formula_price(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        formula_price = _parse_formula_price(d.pop("formula_price"))

        real_volume = d.pop("real_volume")

        relation_order_id = d.pop("relation_order_id")

        margin_mode = d.pop("margin_mode")

        margin_account = d.pop("margin_account")

        reduce_only = check_reduce_only(d.pop("reduce_only"))

        historic_trailing_order = cls(
            symbol=symbol,
            contract_code=contract_code,
            triggered_price=triggered_price,
            volume=volume,
            order_type=order_type,
            direction=direction,
            offset=offset,
            lever_rate=lever_rate,
            order_id=order_id,
            order_id_str=order_id_str,
            order_source=order_source,
            created_at=created_at,
            update_time=update_time,
            order_price_type=order_price_type,
            status=status,
            canceled_at=canceled_at,
            fail_code=fail_code,
            fail_reason=fail_reason,
            callback_rate=callback_rate,
            active_price=active_price,
            is_active=is_active,
            market_limit_price=market_limit_price,
            formula_price=formula_price,
            real_volume=real_volume,
            relation_order_id=relation_order_id,
            margin_mode=margin_mode,
            margin_account=margin_account,
            reduce_only=reduce_only,
        )

        historic_trailing_order.additional_properties = d
        return historic_trailing_order

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
