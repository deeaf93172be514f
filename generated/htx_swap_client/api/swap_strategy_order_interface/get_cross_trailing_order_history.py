from http import HTTPStatus
from typing import Any, cast

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_reply import ErrorReply
from ...models.get_cross_trailing_order_history_reply import GetCrossTrailingOrderHistoryReply
from ...models.get_cross_trailing_order_history_request import GetCrossTrailingOrderHistoryRequest
from ...types import Response


def _get_kwargs(
    *,
    body: GetCrossTrailingOrderHistoryRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/linear-swap-api/v1/swap_cross_track_hisorders",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | ErrorReply | GetCrossTrailingOrderHistoryReply | None:
    if response.status_code == 200:

        def _parse_response_200(data: object) -> ErrorReply | GetCrossTrailingOrderHistoryReply:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_get_cross_trailing_order_history_envelope_type_0 = (
                    GetCrossTrailingOrderHistoryReply.from_dict(data)
                )

                return componentsschemas_get_cross_trailing_order_history_envelope_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            componentsschemas_get_cross_trailing_order_history_envelope_type_1 = ErrorReply.from_dict(data)

            return componentsschemas_get_cross_trailing_order_history_envelope_type_1

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
) -> Response[Any | ErrorReply | GetCrossTrailingOrderHistoryReply]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: GetCrossTrailingOrderHistoryRequest,
) -> Response[Any | ErrorReply | GetCrossTrailingOrderHistoryReply]:
    """[Cross] History trailing orders

     Lists cross-margin trailing orders that reached an end state in the last `create_date`
    days (at most 90), a page at a time (at most 50 per page).

    Give `contract_code` or `pair`; when both are given, `contract_code` is the preferred.
    This interface only supports cross margin mode. It has no limit of its own; it counts
    against the user's read pool. Interface permission: Read.

    Args:
        body (GetCrossTrailingOrderHistoryRequest): Which page of finished cross-margin trailing
            orders to list. Give `contract_code` or `pair`; when both are given, `contract_code` is
            the preferred. Deliberately stricter than HTX for clients: `trade_type` is required here,
            as HTX's table marks it, although HTX's description of it says "if not filled in, means
            all" (and HTX accepts it left out); send `0` for all.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorReply | GetCrossTrailingOrderHistoryReply]
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
    body: GetCrossTrailingOrderHistoryRequest,
) -> Any | ErrorReply | GetCrossTrailingOrderHistoryReply | None:
    """[Cross] History trailing orders

     Lists cross-margin trailing orders that reached an end state in the last `create_date`
    days (at most 90), a page at a time (at most 50 per page).

    Give `contract_code` or `pair`; when both are given, `contract_code` is the preferred.
    This interface only supports cross margin mode. It has no limit of its own; it counts
    against the user's read pool. Interface permission: Read.

    Args:
        body (GetCrossTrailingOrderHistoryRequest): Which page of finished cross-margin trailing
            orders to list. Give `contract_code` or `pair`; when both are given, `contract_code` is
            the preferred. Deliberately stricter than HTX for clients: `trade_type` is required here,
            as HTX's table marks it, although HTX's description of it says "if not filled in, means
            all" (and HTX accepts it left out); send `0` for all.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorReply | GetCrossTrailingOrderHistoryReply
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: GetCrossTrailingOrderHistoryRequest,
) -> Response[Any | ErrorReply | GetCrossTrailingOrderHistoryReply]:
    """[Cross] History trailing orders

     Lists cross-margin trailing orders that reached an end state in the last `create_date`
    days (at most 90), a page at a time (at most 50 per page).

    Give `contract_code` or `pair`; when both are given, `contract_code` is the preferred.
    This interface only supports cross margin mode. It has no limit of its own; it counts
    against the user's read pool. Interface permission: Read.

    Args:
        body (GetCrossTrailingOrderHistoryRequest): Which page of finished cross-margin trailing
            orders to list. Give `contract_code` or `pair`; when both are given, `contract_code` is
            the preferred. Deliberately stricter than HTX for clients: `trade_type` is required here,
            as HTX's table marks it, although HTX's description of it says "if not filled in, means
            all" (and HTX accepts it left out); send `0` for all.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorReply | GetCrossTrailingOrderHistoryReply]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: GetCrossTrailingOrderHistoryRequest,
) -> Any | ErrorReply | GetCrossTrailingOrderHistoryReply | None:
    """[Cross] History trailing orders

     Lists cross-margin trailing orders that reached an end state in the last `create_date`
    days (at most 90), a page at a time (at most 50 per page).

    Give `contract_code` or `pair`; when both are given, `contract_code` is the preferred.
    This interface only supports cross margin mode. It has no limit of its own; it counts
    against the user's read pool. Interface permission: Read.

    Args:
        body (GetCrossTrailingOrderHistoryRequest): Which page of finished cross-margin trailing
            orders to list. Give `contract_code` or `pair`; when both are given, `contract_code` is
            the preferred. Deliberately stricter than HTX for clients: `trade_type` is required here,
            as HTX's table marks it, although HTX's description of it says "if not filled in, means
            all" (and HTX accepts it left out); send `0` for all.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorReply | GetCrossTrailingOrderHistoryReply
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
