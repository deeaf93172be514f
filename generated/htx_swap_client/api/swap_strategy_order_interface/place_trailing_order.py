from http import HTTPStatus
from typing import Any, cast

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_reply import ErrorReply
from ...models.place_trailing_order_reply import PlaceTrailingOrderReply
from ...models.place_trailing_order_request import PlaceTrailingOrderRequest
from ...types import Response


def _get_kwargs(
    *,
    body: PlaceTrailingOrderRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/linear-swap-api/v1/swap_track_order",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | ErrorReply | PlaceTrailingOrderReply | None:
    if response.status_code == 200:

        def _parse_response_200(data: object) -> ErrorReply | PlaceTrailingOrderReply:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_place_trailing_order_envelope_type_0 = PlaceTrailingOrderReply.from_dict(data)

                return componentsschemas_place_trailing_order_envelope_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            componentsschemas_place_trailing_order_envelope_type_1 = ErrorReply.from_dict(data)

            return componentsschemas_place_trailing_order_envelope_type_1

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
) -> Response[Any | ErrorReply | PlaceTrailingOrderReply]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: PlaceTrailingOrderRequest,
) -> Response[Any | ErrorReply | PlaceTrailingOrderReply]:
    """[Isolated] Place a Trailing Order

     Places one trailing order on an isolated-margin perpetual swap. Once the latest price
    reaches `active_price` the order is activated; it then tracks the market and, when the
    price retraces by `callback_rate` from its best since activation, places an order at
    `order_price_type`.

    This interface only supports isolated margin mode. The frequency limit of this interface
    is 5 times per second. Interface permission: Trade.

    The reply's `data.order_id_str` is the new order's ID: use it, not `data.order_id` (a JSON
    number beyond 2^53).

    Args:
        body (PlaceTrailingOrderRequest): One isolated-margin trailing order to place.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorReply | PlaceTrailingOrderReply]
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
    body: PlaceTrailingOrderRequest,
) -> Any | ErrorReply | PlaceTrailingOrderReply | None:
    """[Isolated] Place a Trailing Order

     Places one trailing order on an isolated-margin perpetual swap. Once the latest price
    reaches `active_price` the order is activated; it then tracks the market and, when the
    price retraces by `callback_rate` from its best since activation, places an order at
    `order_price_type`.

    This interface only supports isolated margin mode. The frequency limit of this interface
    is 5 times per second. Interface permission: Trade.

    The reply's `data.order_id_str` is the new order's ID: use it, not `data.order_id` (a JSON
    number beyond 2^53).

    Args:
        body (PlaceTrailingOrderRequest): One isolated-margin trailing order to place.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorReply | PlaceTrailingOrderReply
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: PlaceTrailingOrderRequest,
) -> Response[Any | ErrorReply | PlaceTrailingOrderReply]:
    """[Isolated] Place a Trailing Order

     Places one trailing order on an isolated-margin perpetual swap. Once the latest price
    reaches `active_price` the order is activated; it then tracks the market and, when the
    price retraces by `callback_rate` from its best since activation, places an order at
    `order_price_type`.

    This interface only supports isolated margin mode. The frequency limit of this interface
    is 5 times per second. Interface permission: Trade.

    The reply's `data.order_id_str` is the new order's ID: use it, not `data.order_id` (a JSON
    number beyond 2^53).

    Args:
        body (PlaceTrailingOrderRequest): One isolated-margin trailing order to place.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorReply | PlaceTrailingOrderReply]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: PlaceTrailingOrderRequest,
) -> Any | ErrorReply | PlaceTrailingOrderReply | None:
    """[Isolated] Place a Trailing Order

     Places one trailing order on an isolated-margin perpetual swap. Once the latest price
    reaches `active_price` the order is activated; it then tracks the market and, when the
    price retraces by `callback_rate` from its best since activation, places an order at
    `order_price_type`.

    This interface only supports isolated margin mode. The frequency limit of this interface
    is 5 times per second. Interface permission: Trade.

    The reply's `data.order_id_str` is the new order's ID: use it, not `data.order_id` (a JSON
    number beyond 2^53).

    Args:
        body (PlaceTrailingOrderRequest): One isolated-margin trailing order to place.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorReply | PlaceTrailingOrderReply
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
