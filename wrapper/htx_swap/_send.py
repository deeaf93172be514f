"""One attempt's request and reply through the generated client, with pages read in one pass.

The generated operation builds the request (``_get_kwargs``) and sends it on the client's httpx
client, as its ``sync_detailed`` / ``asyncio_detailed`` do. An operation whose reader can read
the reply's JSON itself (``PageReader.document``) gets its ``ok`` reply read in one pass, with no
generated model built, as ``ReadReply``; every other reply, and any that reader refuses, goes
through the generated ``_parse_response`` as before. The aiohttp path (``_aiohttp_send``) parses
with ``parse`` too.
"""

from __future__ import annotations

import json
import sys
from http import HTTPStatus
from types import ModuleType
from typing import TYPE_CHECKING, Any, NamedTuple, cast

import httpx

from htx_swap_client import Client
from htx_swap_client.types import Response

from ._replies import ReadReply, Refused
from .signing import signed_host

if TYPE_CHECKING:
    from ._auth import HtxAuth
    from ._operations import Operation

__all__ = [
    "JSON_ENCODER",
    "SENT_FIELDS",
    "DirectRequest",
    "DirectRequests",
    "Reply",
    "Target",
    "generated_module",
    "http_status",
    "parse",
    "send_async",
    "send_sync",
]

# What the direct senders (_h11_send, _aiohttp_send) share; neither imports the other's HTTP
# library (aiohttp is an extra: SwapClient must not need it).

# JSON as httpx encodes a request's ``json=``, byte for byte; one encoder for every request.
JSON_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)

# What the direct senders put on the wire of a generated operation's request (``_get_kwargs``):
# one that has more (query parameters, say, after a spec change) goes through httpx's path.
SENT_FIELDS = frozenset({"method", "url", "json", "headers"})


class Target:
    """Where a direct sender sends an operation's requests (its URL joined to the base URL as
    httpx joins it), and what HTX signs of it."""

    __slots__ = ("head", "module", "path", "prefix", "signed_host")

    def __init__(self, module: ModuleType, url: httpx.URL) -> None:
        self.module = module
        """The generated module of the operation: ``_get_kwargs``, ``_parse_response``."""
        self.signed_host = signed_host(url)
        self.path = url.raw_path.partition(b"?")[0].decode("ascii")
        self.prefix = str(url.copy_with(query=None))
        """The URL before its query."""
        self.head = url.netloc.decode("ascii")
        """The Host header: the URL's host, and its port when not the scheme's default."""


class DirectRequest(NamedTuple):
    """An attempt's request as a direct sender puts it on the wire: the generated operation's
    (``_get_kwargs``: method, path, JSON as httpx encodes ``json=``, headers) and the signed
    query, built once."""

    target: Target
    method: str
    headers: dict[str, str]
    content: bytes
    query: str


class DirectRequests:
    """Builds the direct senders' requests; each operation's ``Target`` is made once."""

    def __init__(self, auth: HtxAuth, http: httpx.Client | httpx.AsyncClient) -> None:
        self._auth = auth
        self._http = http  # joins paths to the base URL exactly as the httpx transports do
        self._targets: dict[str, Target] = {}

    def _target(self, operation: Operation[Any, Any, Any], path: str) -> Target:
        target = self._targets.get(path)
        if target is None:
            url: httpx.URL = self._http._merge_url(path)
            target = self._targets[path] = Target(generated_module(operation), url)
        return target

    def build(self, operation: Operation[Any, Any, Any], body: Any) -> DirectRequest | None:
        """``operation``'s request with ``body``; None when the generated request has more than
        a direct sender sends (a spec change, say): httpx's path sends it, judged as there."""
        target = self._targets.get(operation.path) or self._target(operation, operation.path)
        kwargs = target.module._get_kwargs(body=body)
        if kwargs.keys() - SENT_FIELDS:
            return None
        method: str = kwargs["method"].upper()
        if kwargs["url"] != operation.path:
            target = self._target(operation, kwargs["url"])
        content = JSON_ENCODER.encode(kwargs["json"]).encode("utf-8")
        query = self._auth.signed_query(method, target.signed_host, target.path)
        return DirectRequest(target, method, kwargs["headers"], content, query)


class Reply:
    """What the generated ``_parse_response`` reads of a reply: its status and its JSON."""

    __slots__ = ("content", "status_code")

    def __init__(self, status_code: int, content: bytes) -> None:
        self.status_code = status_code
        self.content = content

    def json(self) -> Any:
        return json.loads(self.content)


# A document the one-pass reader refuses, for whatever reason, is read again the slow way: that
# judges it exactly as before (unreadable, an error envelope, an answer).
_REFUSED = (Refused, ValueError, TypeError, KeyError, AttributeError, RecursionError)


def generated_module(operation: Operation[Any, Any, Any]) -> ModuleType:
    """The generated module of ``operation``: ``_get_kwargs``, ``_parse_response``."""
    return sys.modules[operation.send.__module__]


def parse(
    operation: Operation[Any, Any, Any],
    module: ModuleType,
    client: Client,
    status_code: int,
    content: bytes,
    response: Any,
) -> Any:
    """The reply's ``parsed`` value: ``ReadReply`` for an ``ok`` reply read in one pass, else
    what the generated ``_parse_response`` makes of ``response`` (status_code, json())."""
    reader = getattr(operation.read, "document", None)
    if reader is not None and status_code == 200:
        try:
            document = json.loads(content)
            if type(document) is dict and document.get("status") == "ok":
                return ReadReply(reader(document, operation.reply_type))
        except _REFUSED:
            pass
    return module._parse_response(client=client, response=response)


def http_status(status_code: int) -> HTTPStatus:
    """``Response.status_code`` for ``status_code``. ``HTTPStatus(520)`` raises, so a status
    outside the enum (520, 299, 499...) is kept as its plain int (an IntEnum equals its int):
    the engine judges it by its number (the 5xx rule, or the unexpected-status rule), not as
    an unreadable reply."""
    if status_code in HTTPStatus._value2member_map_:
        return HTTPStatus(status_code)
    return cast("HTTPStatus", status_code)


def send_sync(operation: Operation[Any, Any, Any], client: Client, body: Any) -> Response[Any]:
    """``operation``'s generated ``sync_detailed``, its ``ok`` page read in one pass."""
    module = generated_module(operation)
    response = client.get_httpx_client().request(**module._get_kwargs(body=body))
    return Response(
        status_code=http_status(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=parse(operation, module, client, response.status_code, response.content, response),
    )


async def send_async(
    operation: Operation[Any, Any, Any], client: Client, body: Any
) -> Response[Any]:
    """``operation``'s generated ``asyncio_detailed``, its ``ok`` page read in one pass."""
    module = generated_module(operation)
    response = await client.get_async_httpx_client().request(**module._get_kwargs(body=body))
    return Response(
        status_code=http_status(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=parse(operation, module, client, response.status_code, response.content, response),
    )
