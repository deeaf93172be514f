"""Contains all the data models used in inputs/outputs"""

from .cancel_all_cross_trailing_orders_reply import CancelAllCrossTrailingOrdersReply
from .cancel_all_cross_trailing_orders_request import CancelAllCrossTrailingOrdersRequest
from .cancel_all_offset import CancelAllOffset
from .cancel_all_trailing_orders_reply import CancelAllTrailingOrdersReply
from .cancel_all_trailing_orders_request import CancelAllTrailingOrdersRequest
from .cancel_cross_trailing_orders_reply import CancelCrossTrailingOrdersReply
from .cancel_cross_trailing_orders_request import CancelCrossTrailingOrdersRequest
from .cancel_trailing_orders_reply import CancelTrailingOrdersReply
from .cancel_trailing_orders_request import CancelTrailingOrdersRequest
from .contract_type import ContractType
from .cross_historic_trailing_order import CrossHistoricTrailingOrder
from .cross_open_trailing_order import CrossOpenTrailingOrder
from .cross_open_trailing_orders_page import CrossOpenTrailingOrdersPage
from .cross_trailing_order_history_page import CrossTrailingOrderHistoryPage
from .direction import Direction
from .error_reply import ErrorReply
from .error_status import ErrorStatus
from .get_cross_open_trailing_orders_reply import GetCrossOpenTrailingOrdersReply
from .get_cross_open_trailing_orders_request import GetCrossOpenTrailingOrdersRequest
from .get_cross_trailing_order_history_reply import GetCrossTrailingOrderHistoryReply
from .get_cross_trailing_order_history_request import GetCrossTrailingOrderHistoryRequest
from .get_open_trailing_orders_reply import GetOpenTrailingOrdersReply
from .get_open_trailing_orders_request import GetOpenTrailingOrdersRequest
from .get_trailing_order_history_reply import GetTrailingOrderHistoryReply
from .get_trailing_order_history_request import GetTrailingOrderHistoryRequest
from .historic_trailing_order import HistoricTrailingOrder
from .history_sort_by import HistorySortBy
from .is_active import IsActive
from .ok_status import OkStatus
from .open_trailing_order import OpenTrailingOrder
from .open_trailing_orders_page import OpenTrailingOrdersPage
from .order_cancel_error import OrderCancelError
from .place_cross_trailing_order_reply import PlaceCrossTrailingOrderReply
from .place_cross_trailing_order_request import PlaceCrossTrailingOrderRequest
from .place_trailing_order_reply import PlaceTrailingOrderReply
from .place_trailing_order_request import PlaceTrailingOrderRequest
from .placed_trailing_order import PlacedTrailingOrder
from .reduce_only import ReduceOnly
from .trade_type import TradeType
from .trailing_order_cancellation import TrailingOrderCancellation
from .trailing_order_history_page import TrailingOrderHistoryPage
from .trailing_order_offset import TrailingOrderOffset
from .trailing_order_price_type import TrailingOrderPriceType

__all__ = (
    "CancelAllCrossTrailingOrdersReply",
    "CancelAllCrossTrailingOrdersRequest",
    "CancelAllOffset",
    "CancelAllTrailingOrdersReply",
    "CancelAllTrailingOrdersRequest",
    "CancelCrossTrailingOrdersReply",
    "CancelCrossTrailingOrdersRequest",
    "CancelTrailingOrdersReply",
    "CancelTrailingOrdersRequest",
    "ContractType",
    "CrossHistoricTrailingOrder",
    "CrossOpenTrailingOrder",
    "CrossOpenTrailingOrdersPage",
    "CrossTrailingOrderHistoryPage",
    "Direction",
    "ErrorReply",
    "ErrorStatus",
    "GetCrossOpenTrailingOrdersReply",
    "GetCrossOpenTrailingOrdersRequest",
    "GetCrossTrailingOrderHistoryReply",
    "GetCrossTrailingOrderHistoryRequest",
    "GetOpenTrailingOrdersReply",
    "GetOpenTrailingOrdersRequest",
    "GetTrailingOrderHistoryReply",
    "GetTrailingOrderHistoryRequest",
    "HistoricTrailingOrder",
    "HistorySortBy",
    "IsActive",
    "OkStatus",
    "OpenTrailingOrder",
    "OpenTrailingOrdersPage",
    "OrderCancelError",
    "PlaceCrossTrailingOrderReply",
    "PlaceCrossTrailingOrderRequest",
    "PlacedTrailingOrder",
    "PlaceTrailingOrderReply",
    "PlaceTrailingOrderRequest",
    "ReduceOnly",
    "TradeType",
    "TrailingOrderCancellation",
    "TrailingOrderHistoryPage",
    "TrailingOrderOffset",
    "TrailingOrderPriceType",
)
