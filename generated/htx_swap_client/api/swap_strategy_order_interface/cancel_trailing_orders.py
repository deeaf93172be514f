from http import HTTPStatus
from typing import Any, cast

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.cancel_trailing_orders_reply import CancelTrailingOrdersReply
from ...models.cancel_trailing_orders_request import CancelTrailingOrdersRequest
from ...models.error_reply import ErrorReply
from ...types import Response


def _get_kwargs(
    *,
    body: CancelTrailingOrdersRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/linear-swap-api/v1/swap_track_cancel",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | CancelTrailingOrdersReply | ErrorReply | None:
    if response.status_code == 200:

        def _parse_response_200(data: object) -> CancelTrailingOrdersReply | ErrorReply:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_cancel_trailing_orders_envelope_type_0 = CancelTrailingOrdersReply.from_dict(data)

                return componentsschemas_cancel_trailing_orders_envelope_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            componentsschemas_cancel_trailing_orders_envelope_type_1 = ErrorReply.from_dict(data)

            return componentsschemas_cancel_trailing_orders_envelope_type_1

        response_200 = _parse_response_200(response.json())

        return response_200

    if response.status_code == 429:
        response_429 = cast(Any, None)
        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Any | CancelTrailingOrdersReply | ErrorReply]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: CancelTrailingOrdersRequest,
) -> Response[Any | CancelTrailingOrdersReply | ErrorReply]:
    """[Isolated] Cancel a Trailing Order

     Cancels up to 10 trailing orders of one contract in one request.

    This interface only supports isolated margin mode. The frequency limit of this interface
    is 5 times per second. Interface permission: Trade.

    Each order's outcome is reported on its own: cancelled orders are listed in
    `data.successes`, the others in `data.errors` with their own `err_code` (1061: the order
    doesn't exist; 1063: the order has been executed; 1071: repeated cancellation, the order
    **is** cancelled). See `x-htx-error-codes` for the list.

    Args:
        body (CancelTrailingOrdersRequest): The trailing orders of one contract to cancel.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | CancelTrailingOrdersReply | ErrorReply]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: CancelTrailingOrdersRequest,
) -> Any | CancelTrailingOrdersReply | ErrorReply | None:
    """[Isolated] Cancel a Trailing Order

     Cancels up to 10 trailing orders of one contract in one request.

    This interface only supports isolated margin mode. The frequency limit of this interface
    is 5 times per second. Interface permission: Trade.

    Each order's outcome is reported on its own: cancelled orders are listed in
    `data.successes`, the others in `data.errors` with their own `err_code` (1061: the order
    doesn't exist; 1063: the order has been executed; 1071: repeated cancellation, the order
    **is** cancelled). See `x-htx-error-codes` for the list.

    Args:
        body (CancelTrailingOrdersRequest): The trailing orders of one contract to cancel.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | CancelTrailingOrdersReply | ErrorReply
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: CancelTrailingOrdersRequest,
) -> Response[Any | CancelTrailingOrdersReply | ErrorReply]:
    """[Isolated] Cancel a Trailing Order

     Cancels up to 10 trailing orders of one contract in one request.

    This interface only supports isolated margin mode. The frequency limit of this interface
    is 5 times per second. Interface permission: Trade.

    Each order's outcome is reported on its own: cancelled orders are listed in
    `data.successes`, the others in `data.errors` with their own `err_code` (1061: the order
    doesn't exist; 1063: the order has been executed; 1071: repeated cancellation, the order
    **is** cancelled). See `x-htx-error-codes` for the list.

    Args:
        body (CancelTrailingOrdersRequest): The trailing orders of one contract to cancel.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | CancelTrailingOrdersReply | ErrorReply]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: CancelTrailingOrdersRequest,
) -> Any | CancelTrailingOrdersReply | ErrorReply | None:
    """[Isolated] Cancel a Trailing Order

     Cancels up to 10 trailing orders of one contract in one request.

    This interface only supports isolated margin mode. The frequency limit of this interface
    is 5 times per second. Interface permission: Trade.

    Each order's outcome is reported on its own: cancelled orders are listed in
    `data.successes`, the others in `data.errors` with their own `err_code` (1061: the order
    doesn't exist; 1063: the order has been executed; 1071: repeated cancellation, the order
    **is** cancelled). See `x-htx-error-codes` for the list.

    Args:
        body (CancelTrailingOrdersRequest): The trailing orders of one contract to cancel.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | CancelTrailingOrdersReply | ErrorReply
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
