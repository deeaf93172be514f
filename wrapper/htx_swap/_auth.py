"""Signs every request httpx sends to HTX (Signature Version 2, HmacSHA256 or Ed25519)."""

from __future__ import annotations

from collections.abc import Callable, Generator
from datetime import UTC, datetime, timedelta

import httpx

from . import _ed25519
from ._credentials import Credentials
from ._errors import InvalidRequestError
from .signing import (
    SIGNATURE_PARAM,
    SIGNING_PARAMS,
    TIMESTAMP_PARAM,
    auth_params,
    compute_signature,
    encode_query,
    encode_value,
    format_timestamp,
    signed_host,
    text_to_sign,
)

__all__ = ["Clock", "HtxAuth", "with_query"]

Clock = Callable[[], datetime]
"""A callable returning the current time as an aware (UTC) datetime."""


def _utc_now() -> datetime:
    return datetime.now(UTC)


# httpx keeps a URL's parsed parts as a named tuple: a signed URL can take its query from there
# instead of being parsed again as a whole (about 40 µs a request with the signature on it).
_PARTS_REPLACEABLE = hasattr(getattr(httpx.URL("http://h"), "_uri_reference", None), "_replace")


def with_query(url: httpx.URL, query: str) -> httpx.URL:
    """``url`` with its query replaced by ``query``, already percent-encoded (``encode_query``).

    Equal to ``url.copy_with(query=query.encode("ascii"))``, without the parse: every character
    ``encode_query`` and ``encode_value`` produce is one httpx would keep as it is.
    """
    if not _PARTS_REPLACEABLE:
        return url.copy_with(query=query.encode("ascii"))
    signed = httpx.URL.__new__(httpx.URL)
    signed._uri_reference = url._uri_reference._replace(query=query)
    return signed


def _own_params(request: httpx.Request) -> list[tuple[str, str]]:
    """Return a GET's own query parameters; reject any on other methods."""
    own = [
        (name, value)
        for name, value in request.url.params.multi_items()
        if name not in SIGNING_PARAMS  # left by an earlier signing of this same request
    ]
    if own and request.method != "GET":
        # HTX signs only the four signing parameters of a POST, so an extra one would go
        # unsigned: a bug upstream, since a POST carries its arguments in the JSON body.
        names = [name for name, _ in own]
        raise InvalidRequestError(
            f"a {request.method} request to HTX takes no query parameters; got {names!r}"
        )
    return own


class HtxAuth(httpx.Auth):
    """An ``httpx.Auth`` that adds HTX's signing parameters and ``Signature`` to the query.

    ``auth_flow`` does no I/O, so one instance serves ``httpx.Client`` and
    ``httpx.AsyncClient``, and httpx runs it on every send: each attempt gets a fresh
    timestamp and signature. A GET signs its own query parameters with the four signing
    parameters; any other method signs only the four (HTX does not sign the JSON body).

    ``clock`` is injected (default: ``datetime.now(UTC)``). ``clock_offset`` is
    added to it; ``correct_clock`` sets it from HTX's ``ts`` after a 12001 reply.
    """

    def __init__(self, credentials: Credentials, *, clock: Clock | None = None) -> None:
        if not isinstance(credentials, Credentials):
            raise InvalidRequestError(
                f"credentials must be a Credentials; got {type(credentials).__name__}"
            )
        self._credentials = credentials
        self._access_key = credentials.access_key
        self._method = credentials.signature_method
        self._sign: Callable[[str], str]
        if credentials.private_key is not None:
            # Loaded once: cryptography is imported only for an Ed25519 key.
            private_key = _ed25519.load_private_key(credentials.private_key)
            self._sign = lambda text: _ed25519.sign(private_key, text)
        else:
            secret_key = credentials.secret_key
            assert secret_key is not None  # Credentials holds exactly one of the two
            self._sign = lambda text: compute_signature(secret_key, text)
        self._clock: Clock = _utc_now if clock is None else clock
        # Replaced whole, never mutated: one attribute store is atomic across threads.
        self.clock_offset: timedelta = timedelta(0)
        # The encoded query of a request with no parameters of its own, up to its timestamp:
        # Timestamp sorts last of the four, so only its value changes from one request to
        # the next. Built by the same steps as any other query.
        fixed = encode_query(auth_params(self._access_key, "", self._method))
        self._query_before_timestamp = fixed if fixed.endswith(f"&{TIMESTAMP_PARAM}=") else None
        # The last second signed and its encoded timestamp: requests in one second share it.
        self._last_second: tuple[datetime, str] | None = None

    @property
    def access_key(self) -> str:
        """The access key this auth signs with."""
        return self._access_key

    def signing_time(self) -> datetime:
        """Return the corrected time the next signature will carry: clock plus offset."""
        return self._clock() + self.clock_offset

    def correct_clock(self, server_time_ms: int, received_at: datetime | None = None) -> timedelta:
        """Set ``clock_offset`` so that signing time matches HTX's clock; return the offset.

        ``server_time_ms`` is the ``ts`` (epoch milliseconds) of an HTX reply, typically
        a 12001 "timestamp outside the window" error. ``received_at`` is the injected
        clock's time when that reply arrived (default: now), uncorrected.
        """
        if isinstance(server_time_ms, bool) or not isinstance(server_time_ms, int):
            raise InvalidRequestError(
                f"server_time_ms must be an int (epoch milliseconds); got {server_time_ms!r}"
            )
        local = self._clock() if received_at is None else received_at
        if local.utcoffset() is None:
            raise InvalidRequestError(f"received_at must be timezone-aware; got {local!r}")
        server = datetime.fromtimestamp(server_time_ms / 1000, UTC)
        offset = server - local
        self.clock_offset = offset
        return offset

    def signed_query(
        self, method: str, host: str, path: str, own: list[tuple[str, str]] | None = None
    ) -> str:
        """The query a request carries: the signing parameters, ``own``, and ``Signature``.

        ``host`` is the signed host (``signed_host``), ``path`` the URL's path; ``own`` a GET's
        own query parameters (a POST has none). Every transport signs through this one method,
        so the signed query is built once per attempt, from strings: no request or URL object.
        """
        moment = self.signing_time()
        second = moment.replace(microsecond=0)
        last = self._last_second
        if last is not None and last[0] == second and second.utcoffset() is not None:
            timestamp = last[1]
        else:
            timestamp = format_timestamp(moment)
            self._last_second = (second, timestamp)
        if not own and self._query_before_timestamp is not None:
            query = self._query_before_timestamp + encode_value(timestamp)
        else:
            params = auth_params(self._access_key, timestamp, self._method)
            for name, value in own or ():
                if name in params:
                    raise InvalidRequestError(
                        f"query parameter {name!r} appears more than once; HTX signs each once"
                    )
                params[name] = value
            query = encode_query(params)
        text = text_to_sign(method, host, path, query)
        signature = self._sign(text)
        return f"{query}&{SIGNATURE_PARAM}={encode_value(signature)}"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Sign ``request`` in place (its URL query) and yield it once."""
        url = request.url
        query = self.signed_query(
            request.method,
            signed_host(url),
            url.raw_path.partition(b"?")[0].decode("ascii"),
            _own_params(request) if url.query else None,
        )
        request.url = with_query(url, query)
        yield request

    def __repr__(self) -> str:
        return f"HtxAuth(access_key={self._access_key!r}, clock_offset={self.clock_offset!r})"
