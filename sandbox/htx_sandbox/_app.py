"""The ASGI app: HTX's ten trailing-order endpoints over an `Exchange`, and the admin API beside.

Every endpoint goes through one handler: admit (signature, limits, fault), apply, then let the
fault shape the reply. Faults act the same on every operation; the `*_after_apply` ones leave
the request applied (a placed order exists) whatever the client hears.

Imported only when a server starts, so `import htx_sandbox` never pays for Starlette.
"""

from __future__ import annotations

import asyncio

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from htx_sandbox._admin import ADMIN_PREFIX, LOOPBACK_NAMES, AdminGuard, admin_routes
from htx_sandbox._exchange import Exchange, Reply
from htx_sandbox._faults import Fault
from htx_sandbox._operations import Operation

__all__ = ["ADMIN_PREFIX", "build_app"]


class _DroppedResponse(Response):
    """Sends the headers and half the body, then stops: uvicorn closes the connection mid-reply."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send(
            {"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers}
        )
        partial = self.body[: len(self.body) // 2]
        await send({"type": "http.response.body", "body": partial, "more_body": True})


def build_app(exchange: Exchange, guard: AdminGuard | None = None) -> Starlette:
    """A Starlette app serving `exchange` as HTX would, with its admin API behind `guard`.

    Without a guard, the admin API answers loopback hosts on any port, with no token.
    """

    async def trailing(request: Request) -> Response:
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
        reply = exchange.apply(admission, await request.body())
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

    routes = [Route(operation.path, trailing, methods=["POST"]) for operation in Operation]
    admin = guard or AdminGuard(names=LOOPBACK_NAMES, port=None)
    return Starlette(routes=[*routes, *admin_routes(exchange, admin)])


def _response(reply: Reply) -> Response:
    return Response(reply.body, reply.status_code, dict(reply.headers), reply.media_type)
