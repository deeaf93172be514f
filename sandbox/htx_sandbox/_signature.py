"""HTX Signature Version 2 (HmacSHA256) verification.

Written from FACTS.md alone and never shared with the wrapper's signer, so that one
misreading of the algorithm cannot hide on both sides of a test.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from urllib.parse import parse_qsl

from attrs import frozen

AUTH_PARAMS = ("AccessKeyId", "SignatureMethod", "SignatureVersion", "Timestamp")
TIMESTAMP_WINDOW = 300.0

VERIFICATION_FAILURE = (403, "Verification failure [校验失败]")
INCORRECT_ACCESS_KEY = (403, "Incorrect Access key [Access key错误]")
INVALID_SUBMISSION_TIME = (12001, "Invalid submission time.")
INCORRECT_SIGNATURE_VERSION = (12002, "Incorrect signature version.")
INCORRECT_SIGNATURE_METHOD = (12003, "Incorrect signature method.")

_UNRESERVED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~")
_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}", re.ASCII)


@frozen
class AuthResult:
    """The verdict on one request: the key it claims and, when refused, HTX's code and message."""

    access_key: str | None
    err_code: int | None = None
    err_msg: str = ""

    @property
    def ok(self) -> bool:
        """Whether the request is authenticated."""
        return self.err_code is None


def percent_encode(text: str) -> str:
    """Percent-encode UTF-8 with uppercase hex, leaving only RFC 3986 unreserved characters."""
    return "".join(chr(b) if b in _UNRESERVED else f"%{b:02X}" for b in text.encode("utf-8"))


def canonical_query(params: Iterable[tuple[str, str]]) -> str:
    """Sort parameters by name (ASCII), encode names and values, and join them as `k=v&...`."""
    pairs = sorted((percent_encode(k), percent_encode(v)) for k, v in params)
    return "&".join(f"{k}={v}" for k, v in pairs)


def text_to_sign(method: str, host: str, path: str, params: Iterable[tuple[str, str]]) -> str:
    """The four lines HTX signs: method, host, path and the canonical query."""
    return "\n".join((method.upper(), host.lower(), path, canonical_query(params)))


def signature(secret_key: str, text: str) -> str:
    """Base64 of HMAC-SHA256 of the text under the secret key."""
    digest = hmac.new(secret_key.encode("utf-8"), text.encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def parse_timestamp(text: str) -> float | None:
    """Seconds since the epoch for `YYYY-MM-DDThh:mm:ss` (UTC), or None when ill-formed."""
    if not _TIMESTAMP.fullmatch(text):
        return None
    try:
        moment = datetime.strptime(text, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC)
    except ValueError:
        return None
    return moment.timestamp()


def verify(
    method: str,
    host: str,
    path: str,
    query_string: bytes,
    secrets: Mapping[str, str],
    now: float,
) -> AuthResult:
    """Check a request's Signature V2 against the known keys and the clock `now` (epoch seconds).

    Every query parameter but `Signature` is signed, which for a POST is exactly the four
    auth parameters. `+` in the query decodes to a space, as form decoding on HTX's side
    would: a client that leaves the base64 signature unencoded fails here as it would there.
    """
    try:
        params = parse_qsl(query_string.decode("ascii"), keep_blank_values=True, errors="strict")
    except (UnicodeDecodeError, ValueError):
        return _refuse(None, VERIFICATION_FAILURE)
    names = [name for name, _ in params]
    values = dict(params)
    access_key = values.get("AccessKeyId")
    if len(set(names)) != len(names):
        return _refuse(access_key, VERIFICATION_FAILURE)
    if any(name not in values for name in (*AUTH_PARAMS, "Signature")) or access_key is None:
        return _refuse(access_key, VERIFICATION_FAILURE)
    if values["SignatureVersion"] != "2":
        return _refuse(access_key, INCORRECT_SIGNATURE_VERSION)
    if values["SignatureMethod"] != "HmacSHA256":
        return _refuse(access_key, INCORRECT_SIGNATURE_METHOD)
    secret_key = secrets.get(access_key)
    if secret_key is None:
        return _refuse(access_key, INCORRECT_ACCESS_KEY)
    stamped = parse_timestamp(values["Timestamp"])
    if stamped is None:
        return _refuse(access_key, VERIFICATION_FAILURE)
    if abs(now - stamped) > TIMESTAMP_WINDOW:
        return _refuse(access_key, INVALID_SUBMISSION_TIME)
    try:
        given = base64.b64decode(values["Signature"], validate=True)
    except binascii.Error:
        return _refuse(access_key, VERIFICATION_FAILURE)
    signed = [(name, value) for name, value in params if name != "Signature"]
    expected = base64.b64decode(signature(secret_key, text_to_sign(method, host, path, signed)))
    if not hmac.compare_digest(given, expected):
        return _refuse(access_key, VERIFICATION_FAILURE)
    return AuthResult(access_key=access_key)


def _refuse(access_key: str | None, error: tuple[int, str]) -> AuthResult:
    return AuthResult(access_key=access_key, err_code=error[0], err_msg=error[1])
