"""A test-side Signature V2 signer, apart from both the sandbox's verifier and the wrapper."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

import httpx

from htx_sandbox import Credentials, Sandbox

PREFIX = "/linear-swap-api/v1/"
CANCEL_PATH = PREFIX + "swap_track_cancel"


def encode(text: str) -> str:
    return quote(text, safe="~")


def canonical(params: Mapping[str, str]) -> str:
    return "&".join(f"{encode(k)}={encode(v)}" for k, v in sorted(params.items()))


def sign(secret: str, method: str, host: str, path: str, params: Mapping[str, str]) -> str:
    text = f"{method}\n{host.lower()}\n{path}\n{canonical(params)}"
    return base64.b64encode(
        hmac.new(secret.encode(), text.encode(), hashlib.sha256).digest()
    ).decode()


def timestamp(moment: datetime | None = None, *, skew: timedelta = timedelta()) -> str:
    return ((moment or datetime.now(UTC)) + skew).strftime("%Y-%m-%dT%H:%M:%S")


def auth_params(access_key: str, when: str | None = None) -> dict[str, str]:
    return {
        "AccessKeyId": access_key,
        "SignatureMethod": "HmacSHA256",
        "SignatureVersion": "2",
        "Timestamp": when or timestamp(),
    }


def url(base_url: str, path: str, params: Mapping[str, str], signature: str | None) -> str:
    query = canonical(params)
    if signature is not None:
        query += f"&Signature={encode(signature)}"
    return f"{base_url}{path}?{query}"


def signed_url(
    base_url: str,
    host: str,
    access_key: str,
    secret_key: str,
    *,
    when: str | None = None,
    path: str = CANCEL_PATH,
) -> str:
    params = auth_params(access_key, when)
    return url(base_url, path, params, sign(secret_key, "POST", host, path, params))


def post(
    client: httpx.Client,
    sandbox: Sandbox,
    endpoint: str,
    body: Any,
    *,
    keys: Credentials | None = None,
    when: str | None = None,
) -> httpx.Response:
    """POST `body` as JSON, correctly signed, to `endpoint` (`swap_track_order`, ...)."""
    keys = keys or sandbox.credentials
    target = signed_url(
        sandbox.base_url,
        sandbox.host,
        keys.access_key,
        keys.secret_key,
        when=when,
        path=PREFIX + endpoint,
    )
    return client.post(target, json=body)


def cancel(
    client: httpx.Client,
    sandbox: Sandbox,
    order_ids: str,
    *,
    contract_code: str = "BTC-USDT",
    when: str | None = None,
) -> httpx.Response:
    """POST a correctly signed cancel for `order_ids` (joined) to a running sandbox."""
    keys = sandbox.credentials
    target = signed_url(sandbox.base_url, sandbox.host, keys.access_key, keys.secret_key, when=when)
    return client.post(target, json={"contract_code": contract_code, "order_id": order_ids})


def query_string(
    access_key: str, secret_key: str, host: str, when: float, path: str = CANCEL_PATH
) -> bytes:
    """The raw query of a correctly signed POST to `path` at `when` (epoch seconds)."""
    params = auth_params(access_key, timestamp(datetime.fromtimestamp(when, UTC)))
    signature = sign(secret_key, "POST", host, path, params)
    return f"{canonical(params)}&Signature={encode(signature)}".encode()
