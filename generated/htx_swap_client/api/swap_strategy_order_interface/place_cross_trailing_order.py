from http import HTTPStatus
from typing import Any, cast

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_reply import ErrorReply
from ...models.place_cross_trailing_order_reply import PlaceCrossTrailingOrderReply
from ...models.place_cross_trailing_order_request import PlaceCrossTrailingOrderRequest
from ...types import Response


def _get_kwargs(
    *,
    body: PlaceCrossTrailingOrderRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/linear-swap-api/v1/swap_cross_track_order",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | ErrorReply | PlaceCrossTrailingOrderReply | None:
    if response.status_code == 200:

        def _parse_response_200(data: object) -> ErrorReply | PlaceCrossTrailingOrderReply:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_place_cross_trailing_order_envelope_type_0 = PlaceCrossTrailingOrderReply.from_dict(
                    data
                )

                return componentsschemas_place_cross_trailing_order_envelope_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            componentsschemas_place_cross_trailing_order_envelope_type_1 = ErrorReply.from_dict(data)

            return componentsschemas_place_cross_trailing_order_envelope_type_1

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
) -> Response[Any | ErrorReply | PlaceCrossTrailingOrderReply]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: PlaceCrossTrailingOrderRequest,
) -> Response[Any | ErrorReply | PlaceCrossTrailingOrderReply]:
    """[Cross] Place a Trailing Order

     Places one trailing order on a cross-margin swap or future, as `placeTrailingOrder` does
    for isolated margin.

    Give either `contract_code`, or `pair` and `contract_type`; when both are given,
    `contract_code` is the preferred. This interface only supports cross margin mode. The
    frequency limit of this interface is 5 times per second. Interface permission: Trade.

    Args:
        body (PlaceCrossTrailingOrderRequest): One cross-margin trailing order to place. Give
            `contract_code`, or `pair` and `contract_type`; when both are given, `contract_code` is
            the preferred.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorReply | PlaceCrossTrailingOrderReply]
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
    body: PlaceCrossTrailingOrderRequest,
) -> Any | ErrorReply | PlaceCrossTrailingOrderReply | None:
    """[Cross] Place a Trailing Order

     Places one trailing order on a cross-margin swap or future, as `placeTrailingOrder` does
    for isolated margin.

    Give either `contract_code`, or `pair` and `contract_type`; when both are given,
    `contract_code` is the preferred. This interface only supports cross margin mode. The
    frequency limit of this interface is 5 times per second. Interface permission: Trade.

    Args:
        body (PlaceCrossTrailingOrderRequest): One cross-margin trailing order to place. Give
            `contract_code`, or `pair` and `contract_type`; when both are given, `contract_code` is
            the preferred.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorReply | PlaceCrossTrailingOrderReply
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: PlaceCrossTrailingOrderRequest,
) -> Response[Any | ErrorReply | PlaceCrossTrailingOrderReply]:
    """[Cross] Place a Trailing Order

     Places one trailing order on a cross-margin swap or future, as `placeTrailingOrder` does
    for isolated margin.

    Give either `contract_code`, or `pair` and `contract_type`; when both are given,
    `contract_code` is the preferred. This interface only supports cross margin mode. The
    frequency limit of this interface is 5 times per second. Interface permission: Trade.

    Args:
        body (PlaceCrossTrailingOrderRequest): One cross-margin trailing order to place. Give
            `contract_code`, or `pair` and `contract_type`; when both are given, `contract_code` is
            the preferred.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorReply | PlaceCrossTrailingOrderReply]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: PlaceCrossTrailingOrderRequest,
) -> Any | ErrorReply | PlaceCrossTrailingOrderReply | None:
    """[Cross] Place a Trailing Order

     Places one trailing order on a cross-margin swap or future, as `placeTrailingOrder` does
    for isolated margin.

    Give either `contract_code`, or `pair` and `contract_type`; when both are given,
    `contract_code` is the preferred. This interface only supports cross margin mode. The
    frequency limit of this interface is 5 times per second. Interface permission: Trade.

    Args:
        body (PlaceCrossTrailingOrderRequest): One cross-margin trailing order to place. Give
            `contract_code`, or `pair` and `contract_type`; when both are given, `contract_code` is
            the preferred.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorReply | PlaceCrossTrailingOrderReply
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
