"""The error tree: one base, codes mapped to classes, clear and picklable."""

from __future__ import annotations

import pickle

import httpx
import pytest

from htx_swap import (
    CancelResult,
    HtxApiError,
    HtxAuthError,
    HtxError,
    HtxRateLimitError,
    HtxTransportError,
    InvalidRequestError,
    OrderFailure,
    _errors,
)

PARTIAL = CancelResult(
    cancelled=("1",),
    failed=(OrderFailure("2", 1061, "This order doesn't exist."),),
    unresolved=("3",),
)
ERROR_CLASSES = [
    HtxError,
    InvalidRequestError,
    HtxApiError,
    HtxAuthError,
    HtxRateLimitError,
    HtxTransportError,
]


@pytest.mark.parametrize("error_class", ERROR_CLASSES)
def test_every_error_derives_from_htx_error(error_class: type[Exception]) -> None:
    assert issubclass(error_class, HtxError)


@pytest.mark.parametrize("error_class", ERROR_CLASSES)
def test_module_docstring_draws_every_class(error_class: type[Exception]) -> None:
    assert f" {error_class.__name__}" in (_errors.__doc__ or "")


@pytest.mark.parametrize("error_class", ERROR_CLASSES)
def test_every_class_has_a_one_line_docstring(error_class: type[Exception]) -> None:
    assert error_class.__doc__
    assert "\n" not in error_class.__doc__.strip()


def test_invalid_request_error_is_a_value_error() -> None:
    assert issubclass(InvalidRequestError, ValueError)


@pytest.mark.parametrize("error_class", [HtxAuthError, HtxRateLimitError])
def test_specific_api_errors_are_api_errors(error_class: type[Exception]) -> None:
    assert issubclass(error_class, HtxApiError)


def test_api_error_str_names_code_and_message() -> None:
    error = HtxApiError(1014, "This contract doesn't exist.")
    assert str(error) == "HTX error 1014: This contract doesn't exist."


def test_api_error_carries_code_message_and_partial_result() -> None:
    error = HtxApiError(1014, "This contract doesn't exist.", result=PARTIAL)
    assert (error.err_code, error.err_msg, error.result) == (
        1014,
        "This contract doesn't exist.",
        PARTIAL,
    )


def test_api_error_result_defaults_to_none() -> None:
    assert HtxApiError(1014, "x").result is None


def test_api_error_carries_the_request() -> None:
    request = httpx.Request("POST", "https://api.hbdm.com/x")
    assert HtxApiError(1014, "x", request=request).request is request


@pytest.mark.parametrize("code", [403, 1253, 12001, 12002, 12003, 12004, 12005, 12008])
def test_for_code_maps_auth_codes_to_auth_error(code: int) -> None:
    assert type(HtxApiError.for_code(code, "denied")) is HtxAuthError


def test_for_code_maps_rate_limit_code_to_rate_limit_error() -> None:
    assert type(HtxApiError.for_code(1032, "limit")) is HtxRateLimitError


@pytest.mark.parametrize("code", [1014, 1051, 500])
def test_for_code_keeps_other_codes_generic(code: int) -> None:
    assert type(HtxApiError.for_code(code, "other")) is HtxApiError


def test_for_code_passes_the_partial_result_on() -> None:
    assert HtxApiError.for_code(1253, "bad signature", result=PARTIAL).result == PARTIAL


@pytest.mark.parametrize("error_class", [HtxApiError, HtxAuthError, HtxRateLimitError])
def test_api_errors_survive_pickling(error_class: type[HtxApiError]) -> None:
    error = error_class(1032, "limit", result=PARTIAL)
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own object
    assert type(copy) is error_class
    assert (copy.err_code, copy.err_msg, copy.result, str(copy)) == (
        1032,
        "limit",
        PARTIAL,
        str(error),
    )


def test_transport_error_str_is_its_message() -> None:
    assert str(HtxTransportError("cannot reach https://api.hbdm.com")) == (
        "cannot reach https://api.hbdm.com"
    )


def test_transport_error_carries_partial_result() -> None:
    assert HtxTransportError("timed out", result=PARTIAL).result == PARTIAL


def test_transport_error_survives_pickling() -> None:
    error = HtxTransportError("timed out", result=PARTIAL)
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own object
    assert (str(copy), copy.result) == ("timed out", PARTIAL)


def test_error_result_can_be_attached_after_construction() -> None:
    """The client fills in the partial result when the batch stops."""
    error = HtxApiError(1014, "x")
    error.result = PARTIAL
    assert error.result == PARTIAL
