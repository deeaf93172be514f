"""The ASGI app: HTX's cancel endpoint over an `Exchange`, plus the `/_sandbox` admin API.

Admin routes (JSON, no signature, never rate-limited or recorded; bad input is HTTP 400):

    POST /_sandbox/orders    {"contract_code", "open": [..], "executed": [..], "cancelled": [..],
                              "generate": N} -> {"open": [new open IDs]}
    GET  /_sandbox/orders    ?contract_code=X -> {"orders": {id: "open"|"cancelled"|"executed"}}
    GET  /_sandbox/requests  -> {"requests": [RequestRecord as JSON, in order of arrival]}
    GET  /_sandbox/stats     -> Stats as JSON
    GET  /_sandbox/settings  -> {"rate", "interval", "latency", "faults", "queued_faults"}
    POST /_sandbox/faults    {"plan": {FaultPlan fields} | null, "queue": [fault names],
                              "latency": seconds} -> settings
    POST /_sandbox/rate      {"rate": N | null, "interval": seconds} -> settings
    POST /_sandbox/reset     -> {"reset": true}

Imported only when a server starts, so `import htx_sandbox` never pays for Starlette.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

from attrs import asdict
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from htx_sandbox._exchange import CANCEL_PATH, DEFAULT_CONTRACT_CODE, Exchange, Reply
from htx_sandbox._faults import Fault, FaultPlan

ADMIN_PREFIX = "/_sandbox"


class _DroppedResponse(Response):
    """Sends the headers and half the body, then stops: uvicorn closes the connection mid-reply."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send(
            {"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers}
        )
        partial = self.body[: len(self.body) // 2]
        await send({"type": "http.response.body", "body": partial, "more_body": True})


def build_app(exchange: Exchange) -> Starlette:
    """A Starlette app serving `exchange` as HTX would, with its admin API beside it."""

    async def cancel(request: Request) -> Response:
        admission = exchange.admit(
            request.method,
            request.headers.get("host", ""),
            request.url.path,
            request.scope["query_string"],
        )
        if admission.latency:
            await asyncio.sleep(admission.latency)
        if admission.refusal is not None:
            return _response(admission.refusal)
        if admission.fault is Fault.BAD_GATEWAY:
            return _response(exchange.bad_gateway(admission))
        reply = exchange.cancel(admission, await request.body())
        if admission.fault is Fault.DROP_AFTER_APPLY:
            return _DroppedResponse(
                reply.body, reply.status_code, dict(reply.headers), reply.media_type
            )
        if admission.fault is Fault.DELAY_AFTER_APPLY:
            await asyncio.sleep(admission.delay)
        if admission.fault is Fault.JUNK_AFTER_APPLY:
            # Truncated JSON: what a client sees when a proxy cuts the reply short.
            return Response(
                reply.body[: len(reply.body) // 2], 200, dict(reply.headers), reply.media_type
            )
        return _response(reply)

    async def seed_orders(request: Request) -> Response:
        document = await _json_object(request)
        opened = exchange.seed_orders(
            _string(document, "contract_code", DEFAULT_CONTRACT_CODE),
            open=_ids(document, "open"),
            executed=_ids(document, "executed"),
            cancelled=_ids(document, "cancelled"),
            generate=_integer(document, "generate", 0),
        )
        return JSONResponse({"open": list(opened)})

    async def list_orders(request: Request) -> Response:
        orders = exchange.orders(request.query_params.get("contract_code"))
        return JSONResponse({"orders": orders})

    async def list_requests(request: Request) -> Response:
        return JSONResponse({"requests": [asdict(record) for record in exchange.requests()]})

    async def stats(request: Request) -> Response:
        return JSONResponse(asdict(exchange.stats()))

    async def settings(request: Request) -> Response:
        return JSONResponse(exchange.settings())

    async def set_faults(request: Request) -> Response:
        document = await _json_object(request)
        if "plan" in document:
            plan = document["plan"]
            if plan is not None and not isinstance(plan, dict):
                raise _BadRequest("plan must be an object or null")
            exchange.set_faults(None if plan is None else FaultPlan(**plan))
        if "latency" in document:
            exchange.set_latency(_number(document, "latency"))
        queue = document.get("queue", [])
        if not isinstance(queue, list):
            raise _BadRequest("queue must be a list of fault names")
        for fault in queue:
            exchange.queue_faults(Fault(fault))
        return JSONResponse(exchange.settings())

    async def set_rate(request: Request) -> Response:
        document = await _json_object(request)
        rate = document.get("rate")
        if rate is not None and not isinstance(rate, int | float):
            raise _BadRequest("rate must be a number or null")
        exchange.set_rate_limit(rate, _number(document, "interval", 1.0))
        return JSONResponse(exchange.settings())

    async def reset(request: Request) -> Response:
        exchange.reset()
        return JSONResponse({"reset": True})

    return Starlette(
        routes=[
            Route(CANCEL_PATH, cancel, methods=["POST"]),
            Route(f"{ADMIN_PREFIX}/orders", _admin(seed_orders), methods=["POST"]),
            Route(f"{ADMIN_PREFIX}/orders", list_orders, methods=["GET"]),
            Route(f"{ADMIN_PREFIX}/requests", list_requests, methods=["GET"]),
            Route(f"{ADMIN_PREFIX}/stats", stats, methods=["GET"]),
            Route(f"{ADMIN_PREFIX}/settings", settings, methods=["GET"]),
            Route(f"{ADMIN_PREFIX}/faults", _admin(set_faults), methods=["POST"]),
            Route(f"{ADMIN_PREFIX}/rate", _admin(set_rate), methods=["POST"]),
            Route(f"{ADMIN_PREFIX}/reset", reset, methods=["POST"]),
        ]
    )


def _response(reply: Reply) -> Response:
    return Response(reply.body, reply.status_code, dict(reply.headers), reply.media_type)


class _BadRequest(ValueError):
    """An admin request the sandbox cannot act on."""


_Endpoint = Callable[[Request], Awaitable[Response]]


def _admin(endpoint: _Endpoint) -> _Endpoint:
    """Turn bad admin input into HTTP 400 with a JSON reason, rather than a 500."""

    async def guarded(request: Request) -> Response:
        try:
            return await endpoint(request)
        except (ValueError, TypeError) as error:
            return JSONResponse({"error": str(error)}, status_code=400)

    return guarded


async def _json_object(request: Request) -> dict[str, Any]:
    try:
        document = json.loads(await request.body() or b"{}")
    except ValueError:
        raise _BadRequest("the body is not JSON") from None
    if not isinstance(document, dict):
        raise _BadRequest("the body is not a JSON object")
    return document


def _string(document: dict[str, Any], name: str, default: str) -> str:
    value = document.get(name, default)
    if not isinstance(value, str):
        raise _BadRequest(f"{name} must be a string")
    return value


def _integer(document: dict[str, Any], name: str, default: int) -> int:
    value = document.get(name, default)
    if not isinstance(value, int) or isinstance(value, bool):
        raise _BadRequest(f"{name} must be an integer")
    return value


def _number(document: dict[str, Any], name: str, default: float = 0.0) -> float:
    value = document.get(name, default)
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise _BadRequest(f"{name} must be a number")
    return float(value)


def _ids(document: dict[str, Any], name: str) -> list[str | int]:
    value = document.get(name, [])
    if not isinstance(value, list) or not all(isinstance(i, str | int) for i in value):
        raise _BadRequest(f"{name} must be a list of order IDs")
    return value
