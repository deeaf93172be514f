"""The `/_sandbox` admin API: seed and drive orders, read the truth, set faults and limits.

No HTX signature, never rate-limited or recorded. Every route is guarded first:

- `Host` must be the sandbox's own (its bound address and port, `localhost`, `127.0.0.1`,
  `[::1]`, its `public_host`; bound to a wildcard address, any IP literal on its port or the
  machine's host name): a DNS-rebinding page, whose `Host` is its own domain, gets 403;
- an `Origin`, when sent, must name the same host: a cross-site page gets 403;
- with an admin token (always when bound beyond loopback), `Authorization: Bearer <token>` on
  every route, GET too, else 401;
- a POST must be `Content-Type: application/json` (what a cross-site form or `text/plain`
  fetch cannot send without a preflight), else 415.

Then the body is checked whole before anything is applied: NaN, Infinity, negative or absurd
values are a 400 with a reason and change nothing. An unknown order is a 404; a life-cycle step
its state doesn't allow (triggering a cancelled order) is a 409.

    POST /_sandbox/orders    {"contract_code", "margin_mode": "isolated"|"cross", "access_key",
                              "open": [..], "executed": [..], "cancelled": [..], "failed": [..],
                              "generate": N, "fields": {order fields}} -> {"open": [new open IDs]}
    GET  /_sandbox/orders    ?contract_code=&margin_mode=&access_key=
                             -> {"orders": {id: "open"|"cancelled"|"executed"|"failed"}}
    GET  /_sandbox/orders/{id}          -> the order: {"state", "uid", history fields...}
    POST /_sandbox/orders/{id}/activate {} -> the order
    POST /_sandbox/orders/{id}/trigger  {"price"?} -> the order
    POST /_sandbox/orders/{id}/fail     {"fail_code"?, "fail_reason"?, "price"?} -> the order
    GET  /_sandbox/requests  -> {"requests": [RequestRecord as JSON, in order of arrival]}
    GET  /_sandbox/stats     -> Stats as JSON
    GET  /_sandbox/settings  -> {"rate", "interval", "pool_rate", "pool_interval", "latency",
                                 "faults", "queued_faults"}
    POST /_sandbox/faults    {"plan": {FaultPlan fields} | null, "queue": [fault names],
                              "latency": seconds} -> settings
    POST /_sandbox/rate      {"rate": N | null, "interval", "pool_rate": N | null,
                              "pool_interval"} -> settings (omitted: 1 s, 72 per 3 s)
    POST /_sandbox/reset     {} -> {"reset": true}
"""

from __future__ import annotations

import hmac
import json
import math
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

from attrs import asdict, field, frozen
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from htx_sandbox._exchange import DEFAULT_CONTRACT_CODE, Exchange, check_latency
from htx_sandbox._faults import Fault, FaultPlan
from htx_sandbox._hosts import is_ip, is_wildcard, split_authority
from htx_sandbox._orders import OrderStateError, TrailingOrder

ADMIN_PREFIX = "/_sandbox"
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
MAX_QUEUED_FAULTS = 10_000
STEPS = ("activate", "trigger", "fail")


@frozen
class AdminGuard:
    """Who may use the admin API: the sandbox's own Host and Origin, and its token if any."""

    names: frozenset[str]
    """Host names and IP addresses (lower case, IPv6 without brackets) that are the sandbox's."""
    port: int | None
    """The port a Host must name; None: any."""
    any_ip: bool = False
    """Bound to a wildcard address: any IP literal on `port` is the sandbox's too."""
    authorities: frozenset[str] = frozenset()
    """Whole `host:port` values accepted as well (a `public_host`)."""
    token: str | None = field(default=None, repr=False)

    @classmethod
    def for_bind(
        cls,
        host: str,
        port: int,
        *,
        token: str | None,
        public_host: str | None = None,
        machine_name: str | None = None,
    ) -> AdminGuard:
        """The guard for a sandbox bound to `host:port` (`machine_name`: this host's name)."""
        wildcard = is_wildcard(host)
        names = set(LOOPBACK_NAMES)
        if not wildcard:
            names.add(host.lower())
        elif machine_name:
            names.add(machine_name.lower())
        extra = frozenset() if public_host is None else frozenset({public_host.lower()})
        return cls(frozenset(names), port, wildcard, extra, token)

    def refusal(self, request: Request) -> Response | None:
        """Why `request` may not use the admin API, as a reply; None when it may."""
        host = request.headers.get("host", "")
        if not self.is_own(host):
            return _refuse(403, f"Host {host!r} is not this sandbox")
        origin = request.headers.get("origin")
        if origin is not None and not self._own_origin(origin):
            return _refuse(403, f"Origin {origin!r} is not this sandbox")
        if self.token is not None and not self._has_token(request):
            return JSONResponse(
                {"error": "the admin API needs the header 'Authorization: Bearer <token>'"},
                status_code=401,
                headers={"WWW-Authenticate": 'Bearer realm="htx-sandbox"'},
            )
        if request.method == "POST":
            media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
            if media_type != "application/json":
                return _refuse(415, "admin requests carry Content-Type: application/json")
        return None

    def is_own(self, authority: str) -> bool:
        """Whether a `Host` value (`host[:port]`) names this sandbox."""
        if authority.lower() in self.authorities:
            return True
        parsed = split_authority(authority)
        if parsed is None:
            return False
        name, port = parsed
        if self.port is not None and port != self.port and not (port is None and self.port == 80):
            return False
        return name in self.names or (self.any_ip and is_ip(name))

    def _own_origin(self, origin: str) -> bool:
        parts = urlsplit(origin)
        return parts.scheme in ("http", "https") and not parts.path and self.is_own(parts.netloc)

    def _has_token(self, request: Request) -> bool:
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        assert self.token is not None
        return scheme.lower() == "bearer" and hmac.compare_digest(
            given.strip().encode(), self.token.encode()
        )


def _refuse(status_code: int, reason: str) -> Response:
    return JSONResponse({"error": reason}, status_code=status_code)


# --- the routes -----------------------------------------------------------------------------------


class _BadRequest(ValueError):
    """An admin request the sandbox cannot act on."""


_Endpoint = Callable[[Request], Awaitable[Response]]


def admin_routes(exchange: Exchange, guard: AdminGuard) -> list[Route]:
    """The admin API over `exchange`, every route behind `guard`."""

    async def seed_orders(request: Request) -> Response:
        document = await _json_object(request)
        opened = exchange.seed_orders(
            _string(document, "contract_code", DEFAULT_CONTRACT_CODE),
            open=_ids(document, "open"),
            executed=_ids(document, "executed"),
            cancelled=_ids(document, "cancelled"),
            failed=_ids(document, "failed"),
            generate=_integer(document, "generate", 0),
            margin_mode=_string(document, "margin_mode", "isolated"),
            access_key=_optional_string(document, "access_key"),
            fields=_object(document, "fields"),
        )
        return JSONResponse({"open": list(opened)})

    async def list_orders(request: Request) -> Response:
        query = request.query_params
        orders = exchange.orders(
            query.get("contract_code"),
            margin_mode=query.get("margin_mode"),
            access_key=query.get("access_key"),
        )
        return JSONResponse({"orders": orders})

    async def one_order(request: Request) -> Response:
        order = exchange.order(request.path_params["order_id"])
        if order is None:
            return _refuse(404, f"no such order: {request.path_params['order_id']}")
        return JSONResponse(order_json(order))

    async def step(request: Request) -> Response:
        order_id, action = request.path_params["order_id"], request.path_params["step"]
        if action not in STEPS:
            return _refuse(404, f"no such step: {action} (one of {', '.join(STEPS)})")
        document = await _json_object(request)
        price = _optional_number(document, "price")
        if action == "activate":
            order = exchange.activate(order_id)
        elif action == "trigger":
            order = exchange.trigger(order_id, price=price)
        else:
            options: dict[str, Any] = {}
            if "fail_code" in document:
                options["fail_code"] = _integer(document, "fail_code", 0)
            if "fail_reason" in document:
                options["fail_reason"] = _string(document, "fail_reason", "")
            order = exchange.fail(order_id, price=price, **options)
        return JSONResponse(order_json(order))

    async def list_requests(request: Request) -> Response:
        return JSONResponse({"requests": [asdict(record) for record in exchange.requests()]})

    async def stats(request: Request) -> Response:
        return JSONResponse(asdict(exchange.stats()))

    async def settings(request: Request) -> Response:
        return JSONResponse(exchange.settings())

    async def set_faults(request: Request) -> Response:
        # Everything is read and checked first: a refused request changes nothing.
        document = await _json_object(request)
        plan: FaultPlan | None = None
        if "plan" in document:
            given = document["plan"]
            if given is not None and not isinstance(given, dict):
                raise _BadRequest("plan must be an object or null")
            plan = None if given is None else FaultPlan(**given)
        latency = None
        if "latency" in document:
            latency = _number(document, "latency")
            check_latency(latency)
        queue = document.get("queue", [])
        if not isinstance(queue, list) or len(queue) > MAX_QUEUED_FAULTS:
            raise _BadRequest(f"queue must be a list of at most {MAX_QUEUED_FAULTS} fault names")
        faults = [Fault(name) for name in queue]
        if "plan" in document:
            exchange.set_faults(plan)
        if latency is not None:
            exchange.set_latency(latency)
        for fault in faults:
            exchange.queue_faults(fault)
        return JSONResponse(exchange.settings())

    async def set_rate(request: Request) -> Response:
        document = await _json_object(request)
        exchange.set_rate_limit(
            _optional_number(document, "rate"),
            _number(document, "interval", 1.0),
            pool_rate=_optional_number(document, "pool_rate", 72),
            pool_interval=_number(document, "pool_interval", 3.0),
        )
        return JSONResponse(exchange.settings())

    async def reset(request: Request) -> Response:
        await _json_object(request)
        exchange.reset()
        return JSONResponse({"reset": True})

    def route(path: str, endpoint: _Endpoint, method: str) -> Route:
        return Route(f"{ADMIN_PREFIX}{path}", _guarded(guard, endpoint), methods=[method])

    return [
        route("/orders", seed_orders, "POST"),
        route("/orders", list_orders, "GET"),
        route("/orders/{order_id}", one_order, "GET"),
        route("/orders/{order_id}/{step}", step, "POST"),
        route("/requests", list_requests, "GET"),
        route("/stats", stats, "GET"),
        route("/settings", settings, "GET"),
        route("/faults", set_faults, "POST"),
        route("/rate", set_rate, "POST"),
        route("/reset", reset, "POST"),
    ]


def order_json(order: TrailingOrder) -> dict[str, object]:
    """An order's whole record: its state and account, then its fields as history shows them."""
    return {"state": str(order.state), "uid": order.uid, **order.history_json()}


def _guarded(guard: AdminGuard, endpoint: _Endpoint) -> _Endpoint:
    """The guard first; then bad input is HTTP 400 (404, 409) with a JSON reason, not a 500."""

    async def guarded(request: Request) -> Response:
        refusal = guard.refusal(request)
        if refusal is not None:
            return refusal
        try:
            return await endpoint(request)
        except KeyError as error:
            return _refuse(404, str(error.args[0]) if error.args else "not found")
        except OrderStateError as error:
            return _refuse(409, str(error))
        except (ValueError, TypeError) as error:
            return _refuse(400, str(error))

    return guarded


async def _json_object(request: Request) -> dict[str, Any]:
    try:
        document = json.loads(
            await request.body() or b"{}",
            parse_constant=_not_a_number,
            parse_float=_finite_float,
        )
    except ValueError as error:
        raise _BadRequest(f"the body is not JSON: {error}") from None
    except RecursionError:
        raise _BadRequest("the body is JSON nested too deeply to read") from None
    if not isinstance(document, dict):
        raise _BadRequest("the body is not a JSON object")
    return document


def _not_a_number(name: str) -> float:
    raise ValueError(f"{name} is not a number")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text} is out of range")
    return value


def _string(document: dict[str, Any], name: str, default: str) -> str:
    value = document.get(name, default)
    if not isinstance(value, str):
        raise _BadRequest(f"{name} must be a string")
    return value


def _optional_string(document: dict[str, Any], name: str) -> str | None:
    value = document.get(name)
    if value is not None and not isinstance(value, str):
        raise _BadRequest(f"{name} must be a string")
    return value


def _object(document: dict[str, Any], name: str) -> dict[str, Any] | None:
    value = document.get(name)
    if value is not None and not isinstance(value, dict):
        raise _BadRequest(f"{name} must be an object")
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
    try:
        return float(value)
    except OverflowError:  # an integer too large for a float
        raise _BadRequest(f"{name} is out of range") from None


def _optional_number(
    document: dict[str, Any], name: str, default: float | None = None
) -> float | None:
    if document.get(name, default) is None:
        return None
    return _number(document, name, default or 0.0)


def _ids(document: dict[str, Any], name: str) -> list[str | int]:
    value = document.get(name, [])
    if not isinstance(value, list) or not all(
        isinstance(i, str | int) and not isinstance(i, bool) for i in value
    ):
        raise _BadRequest(f"{name} must be a list of order IDs")
    return value
