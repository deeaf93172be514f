"""Contains all the data models used in inputs/outputs"""

from .cancel_trailing_orders_data import CancelTrailingOrdersData
from .cancel_trailing_orders_reply import CancelTrailingOrdersReply
from .cancel_trailing_orders_request import CancelTrailingOrdersRequest
from .error_reply import ErrorReply
from .error_status import ErrorStatus
from .ok_status import OkStatus
from .order_cancel_error import OrderCancelError

__all__ = (
    "CancelTrailingOrdersData",
    "CancelTrailingOrdersReply",
    "CancelTrailingOrdersRequest",
    "ErrorReply",
    "ErrorStatus",
    "OkStatus",
    "OrderCancelError",
)
