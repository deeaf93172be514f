"""HTX Signature Version 2 verification, HmacSHA256 and Ed25519.

Written from FACTS.md (and, for Ed25519, HTX's USDT-margined authentication section) alone and
never shared with the wrapper's signer, so that one misreading of the algorithm cannot hide on
both sides of a test. Ed25519 signs the same four lines as HmacSHA256; the signature is
Base64 of the 64-byte Ed25519 signature, verified here with the sandbox's own RFC 8032 code.
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

from htx_sandbox import _ed25519

AUTH_PARAMS = ("AccessKeyId", "SignatureMethod", "SignatureVersion", "Timestamp")
# Our assumption: HTX's spot documentation says 5 minutes; its USDT-margined pages say nothing.
TIMESTAMP_WINDOW = 300.0

VERIFICATION_FAILURE = (403, "Verification failure [校验失败]")
INCORRECT_ACCESS_KEY = (403, "Incorrect Access key [Access key错误]")
INVALID_SUBMISSION_TIME = (12001, "Invalid submission time.")
INCORRECT_SIGNATURE_VERSION = (12002, "Incorrect signature version.")
INCORRECT_SIGNATURE_METHOD = (12003, "Incorrect signature method.")
HMAC_SHA256 = "HmacSHA256"
# HTX's pages spell it `Ed25519`; HTX's own Java and C++ SDKs send `ED25519`.
ED25519_METHODS = frozenset({"Ed25519", "ED25519"})

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
    public_keys: Mapping[str, bytes] | None = None,
) -> AuthResult:
    """Check a request's Signature V2 against the known keys and the clock `now` (epoch seconds).

    Every query parameter but `Signature` is signed, which for a POST is exactly the four
    auth parameters. `+` in the query decodes to a space, as form decoding on HTX's side
    would: a client that leaves the base64 signature unencoded fails here as it would there.
    A key listed in `public_keys` (raw 32-byte Ed25519 public keys) signs with Ed25519 only;
    any other key with HmacSHA256 only, under its secret in `secrets`.
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
    signature_method = values["SignatureMethod"]
    if signature_method != HMAC_SHA256 and signature_method not in ED25519_METHODS:
        return _refuse(access_key, INCORRECT_SIGNATURE_METHOD)
    public_key = (public_keys or {}).get(access_key)
    secret_key = secrets.get(access_key)
    if public_key is None and secret_key is None:
        return _refuse(access_key, INCORRECT_ACCESS_KEY)
    if (public_key is not None) != (signature_method in ED25519_METHODS):
        return _refuse(access_key, VERIFICATION_FAILURE)  # the key's method is not this one
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
    text = text_to_sign(method, host, path, signed)
    if public_key is not None:
        if not _ed25519.verify(public_key, text.encode("utf-8"), given):
            return _refuse(access_key, VERIFICATION_FAILURE)
        return AuthResult(access_key=access_key)
    assert secret_key is not None
    expected = base64.b64decode(signature(secret_key, text))
    if not hmac.compare_digest(given, expected):
        return _refuse(access_key, VERIFICATION_FAILURE)
    return AuthResult(access_key=access_key)


def _refuse(access_key: str | None, error: tuple[int, str]) -> AuthResult:
    return AuthResult(access_key=access_key, err_code=error[0], err_msg=error[1])
