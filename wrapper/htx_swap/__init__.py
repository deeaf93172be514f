"""htx-swap: a spec-first Python SDK for HTX's USDT-margined swap API.

``htx_swap.signing`` holds the signing steps, one public function each.
"""

from ._auth import HtxAuth
from ._client import AsyncSwapClient, SwapClient
from ._credentials import Credentials
from ._errors import (
    CancellationInterrupted,
    HtxApiError,
    HtxAuthError,
    HtxError,
    HtxRateLimitError,
    HtxTransportError,
    HtxUnknownOutcomeError,
    InvalidRequestError,
)
from ._generated import generated_client
from ._orders import PlacedTrailingOrder, TrailingOrder, TrailingOrderStatus
from ._results import CancelAllResult, CancelResult, OrderFailure

__version__ = "0.1.0"

__all__ = [
    "AsyncSwapClient",
    "CancelAllResult",
    "CancelResult",
    "CancellationInterrupted",
    "Credentials",
    "HtxApiError",
    "HtxAuth",
    "HtxAuthError",
    "HtxError",
    "HtxRateLimitError",
    "HtxTransportError",
    "HtxUnknownOutcomeError",
    "InvalidRequestError",
    "OrderFailure",
    "PlacedTrailingOrder",
    "SwapClient",
    "TrailingOrder",
    "TrailingOrderStatus",
    "generated_client",
]
