"""The errors this SDK raises.

Every error derives from one base, so ``except HtxError`` catches them all::

    HtxError
    ├── InvalidRequestError (also a ValueError)
    ├── HtxApiError
    │   ├── HtxAuthError
    │   └── HtxRateLimitError
    ├── HtxTransportError
    └── HtxUnknownOutcomeError

``CancellationInterrupted`` is a ``KeyboardInterrupt`` (Ctrl-C reaches whoever catches that),
carrying the partial result of the batch it interrupted.

Errors raised part-way through a batched cancellation carry ``result``: the ``CancelResult``
known so far, so a caller can see which orders were cancelled before it failed. No message ever
contains a secret key or a signature.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._codes import AUTH_CODES, HtxCode

if TYPE_CHECKING:
    from collections.abc import Mapping

    import httpx

    from ._orders import TrailingOrder
    from ._results import CancelResult

__all__ = [
    "CancellationInterrupted",
    "HtxApiError",
    "HtxAuthError",
    "HtxError",
    "HtxRateLimitError",
    "HtxTransportError",
    "HtxUnknownOutcomeError",
    "InvalidRequestError",
]

# Gateways in front of HTX refuse a key or an address with these HTTP statuses and an HTML page,
# not with an envelope: the caller must fix the same things as for HTX's own 403.
AUTH_HTTP_STATUSES = frozenset({401, 403})


def _redacted(
    request: httpx.Request | None, response: httpx.Response | None
) -> tuple[httpx.Request | None, httpx.Response | None]:
    """The request and response an error carries, with no usable signature in either."""
    from ._wire import redacted_request  # httpx is loaded by then: a request exists

    redacted = None if request is None else redacted_request(request)
    if response is not None:
        try:
            signed = response.request
        except RuntimeError:  # a response made without its request
            signed = None
        if signed is not None:
            response.request = (
                redacted if redacted is not None and signed is request else redacted_request(signed)
            )
    return redacted, response


class HtxError(Exception):
    """Base class for every error raised by htx_swap."""

    result: CancelResult | None = None
    """For an error that stopped a batched cancel: what was settled before it."""


class InvalidRequestError(HtxError, ValueError):
    """The input or a setting was rejected before any byte was sent."""


class HtxApiError(HtxError):
    """HTX (or a gateway in front of it) refused a request as a whole."""

    # err_code and err_msg are HTX's, from a "status":"error" envelope (err_code is None for an
    # HTTP status without an envelope); status_code is the HTTP status the reply came with;
    # request and response are httpx's, when there was one. As openai-python's APIStatusError:
    # HTTP's status and the vendor's code are never mixed up.

    def __init__(
        self,
        err_code: int | None,
        err_msg: str,
        *,
        status_code: int | None = None,
        result: CancelResult | None = None,
        request: httpx.Request | None = None,
        response: httpx.Response | None = None,
    ) -> None:
        super().__init__(err_code, err_msg)
        self.err_code = err_code
        self.err_msg = err_msg
        self.status_code = status_code
        self.result = result
        self.request, self.response = _redacted(request, response)

    @classmethod
    def for_code(
        cls,
        err_code: int,
        err_msg: str,
        *,
        result: CancelResult | None = None,
        request: httpx.Request | None = None,
        response: httpx.Response | None = None,
    ) -> HtxApiError:
        """The most specific error for HTX's request-level ``err_code`` (HTTP 200 envelope)."""
        error_class: type[HtxApiError] = HtxApiError
        if err_code in AUTH_CODES:
            error_class = HtxAuthError
        elif err_code == HtxCode.RATE_LIMITED:
            error_class = HtxRateLimitError
        return error_class(
            err_code, err_msg, status_code=200, result=result, request=request, response=response
        )

    @classmethod
    def for_status(
        cls,
        status_code: int,
        err_msg: str,
        *,
        request: httpx.Request | None = None,
        response: httpx.Response | None = None,
    ) -> HtxApiError:
        """An HTTP status with no envelope: HtxAuthError for 401 and 403, else HtxApiError."""
        error_class = HtxAuthError if status_code in AUTH_HTTP_STATUSES else HtxApiError
        return error_class(
            None, err_msg, status_code=status_code, request=request, response=response
        )

    def __str__(self) -> str:
        if self.err_code is None:
            return f"HTTP {self.status_code}: {self.err_msg}"
        return f"HTX error {self.err_code}: {self.err_msg}"

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword-only arguments are not in self.args, so rebuild from the state.
        return (type(self), (self.err_code, self.err_msg), self.__dict__)


class HtxAuthError(HtxApiError):
    """HTX (or its gateway) rejected the credentials, the signature or its timestamp."""


class HtxRateLimitError(HtxApiError):
    """HTX kept answering 1032 (rate limit) after every retry."""


class HtxTransportError(HtxError):
    """No readable answer: HTX unreachable, or every attempt's reply lost or unreadable."""

    def __init__(
        self,
        message: str,
        *,
        result: CancelResult | None = None,
        request: httpx.Request | None = None,
        response: httpx.Response | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.result = result
        self.request, self.response = _redacted(request, response)
        """The reply that could not be read as an answer, when one arrived."""

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.message,), self.__dict__)


class HtxUnknownOutcomeError(HtxError):
    """An order placement may or may not have reached HTX; it was not sent again."""

    # params: what was asked for, as sent (contract, direction, volume...). candidates: the
    # orders of that contract and margin mode created since the attempt began that match every
    # parameter, open or already ended (triggered, failed, cancelled: from the history), looked
    # up once; None if that lookup failed too. An empty tuple proves nothing: HTX may list the
    # order later.

    def __init__(
        self,
        message: str,
        *,
        params: Mapping[str, object],
        candidates: tuple[TrailingOrder, ...] | None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.params = dict(params)
        self.candidates = candidates

    def __str__(self) -> str:
        if self.candidates is None:
            found = "the orders could not be read to find it"
        else:
            found = f"{len(self.candidates)} matching order(s) found, open or ended"
        return f"{self.message}; {found}"

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.message,), self.__dict__)


class CancellationInterrupted(KeyboardInterrupt):
    """Ctrl-C (or another KeyboardInterrupt) stopped a batch; ``result`` is what was settled."""

    def __init__(self, result: CancelResult) -> None:
        super().__init__()
        self.result = result

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.result,))
