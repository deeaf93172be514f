"""The errors this SDK raises.

Every error derives from one base, so ``except HtxError`` catches them all::

    HtxError
    ├── InvalidRequestError (also a ValueError)
    ├── HtxApiError
    │   ├── HtxAuthError
    │   └── HtxRateLimitError
    └── HtxTransportError

Errors raised part-way through a batched cancellation carry ``result``: the
``CancelResult`` known so far, so a caller can see which orders were cancelled
before it failed. No message ever contains a secret key.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx

    from ._results import CancelResult

__all__ = [
    "AUTH_ERROR_CODES",
    "RATE_LIMIT_ERROR_CODE",
    "HtxApiError",
    "HtxAuthError",
    "HtxError",
    "HtxRateLimitError",
    "HtxTransportError",
    "InvalidRequestError",
]

# 403 and 1253 reject the key or signature; 12001-12008 reject the signing
# parameters (12001 is a clock outside HTX's window of about five minutes).
AUTH_ERROR_CODES = frozenset({403, 1253, *range(12001, 12009)})
RATE_LIMIT_ERROR_CODE = 1032


class HtxError(Exception):
    """Base class for every error raised by htx_swap."""


class InvalidRequestError(HtxError, ValueError):
    """The input was rejected before any byte was sent."""


class HtxApiError(HtxError):
    """HTX answered a request with ``"status":"error"``."""

    def __init__(
        self,
        err_code: int,
        err_msg: str,
        *,
        result: CancelResult | None = None,
        request: httpx.Request | None = None,
    ) -> None:
        super().__init__(err_code, err_msg)
        self.err_code = err_code
        self.err_msg = err_msg
        self.result = result
        self.request = request

    @classmethod
    def for_code(
        cls,
        err_code: int,
        err_msg: str,
        *,
        result: CancelResult | None = None,
        request: httpx.Request | None = None,
    ) -> HtxApiError:
        """Build the most specific error class for ``err_code``."""
        error_class: type[HtxApiError] = HtxApiError
        if err_code in AUTH_ERROR_CODES:
            error_class = HtxAuthError
        elif err_code == RATE_LIMIT_ERROR_CODE:
            error_class = HtxRateLimitError
        return error_class(err_code, err_msg, result=result, request=request)

    def __str__(self) -> str:
        return f"HTX error {self.err_code}: {self.err_msg}"

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword-only arguments are not in self.args, so rebuild from the state.
        return (type(self), (self.err_code, self.err_msg), self.__dict__)


class HtxAuthError(HtxApiError):
    """HTX rejected the credentials, the signature or its timestamp."""


class HtxRateLimitError(HtxApiError):
    """HTX kept answering 1032 (rate limit) after every retry."""


class HtxTransportError(HtxError):
    """The request failed in transit (connection, timeout, bad gateway reply)."""

    def __init__(
        self,
        message: str,
        *,
        result: CancelResult | None = None,
        request: httpx.Request | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.result = result
        self.request = request

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.message,), self.__dict__)
