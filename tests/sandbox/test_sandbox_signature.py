"""The sandbox's Signature V2 verifier, against HTX's vectors and every way to sign wrongly."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from htx_sandbox import DEFAULT_CREDENTIALS, Sandbox, running
from htx_sandbox._signature import (
    canonical_query,
    parse_timestamp,
    percent_encode,
    signature,
    text_to_sign,
    verify,
)

from .signer import CANCEL_PATH, auth_params, canonical, encode, sign, timestamp, url

VECTORS = json.loads((Path(__file__).parents[1] / "vectors" / "signing.json").read_text("utf-8"))
ACCESS = DEFAULT_CREDENTIALS.access_key
SECRET = DEFAULT_CREDENTIALS.secret_key
BODY = {"contract_code": "BTC-USDT", "order_id": "1"}


def _params_list(params: str | dict[str, str]) -> list[tuple[str, str]]:
    if isinstance(params, str):
        return [tuple(pair.split("=", 1)) for pair in params.split("&")]  # type: ignore[misc]
    return list(params.items())


@pytest.mark.parametrize("vector", VECTORS, ids=[v["name"] for v in VECTORS])
def test_text_to_sign_matches_vector(vector: dict[str, object]) -> None:
    params = _params_list(vector["params"])  # type: ignore[arg-type]
    text = text_to_sign(vector["method"], vector["host"], vector["path"], params)  # type: ignore[arg-type]
    assert text == vector["text_to_sign"], f"\n{text!r}\n{vector['text_to_sign']!r}"


@pytest.mark.parametrize("vector", VECTORS, ids=[v["name"] for v in VECTORS])
def test_signature_matches_vector(vector: dict[str, object]) -> None:
    assert signature(vector["secret"], vector["text_to_sign"]) == vector["signature"]  # type: ignore[arg-type]


SIGNED_VECTORS = [v for v in VECTORS if "Timestamp" in dict(_params_list(v["params"]))]


@pytest.mark.parametrize("vector", SIGNED_VECTORS, ids=[v["name"] for v in SIGNED_VECTORS])
def test_verify_accepts_vector_request(vector: dict[str, object]) -> None:
    """A request carrying the vector's parameters and signature verifies at the vector's time."""
    params = dict(_params_list(vector["params"]))  # type: ignore[arg-type]
    query = (
        f"{canonical_query(params.items())}&Signature={quote(str(vector['signature']), safe='')}"
    )
    result = verify(
        str(vector["method"]),
        str(vector["host"]),
        str(vector["path"]),
        query.encode(),
        {params["AccessKeyId"]: str(vector["secret"])},
        parse_timestamp(params["Timestamp"]) or 0.0,
    )
    assert result.ok, result


def test_percent_encode_leaves_only_unreserved_characters() -> None:
    assert percent_encode("AZaz09-_.~") == "AZaz09-_.~"
    assert percent_encode(" :/+=&é") == "%20%3A%2F%2B%3D%26%C3%A9"


def test_text_keeps_the_port_and_lower_cases_the_host() -> None:
    params = [("AccessKeyId", "a"), ("Timestamp", "2019-11-21T10:00:00")]
    text = text_to_sign("post", "API.HBDM.COM:8080", "/p", params)
    assert text == "POST\napi.hbdm.com:8080\n/p\nAccessKeyId=a&Timestamp=2019-11-21T10%3A00%3A00"


def test_signature_of_reserved_and_utf8_values() -> None:
    """Derived with urllib's quote and hmac directly, apart from the sandbox's encoder."""
    params = {
        "AccessKeyId": "access",
        "SignatureMethod": "HmacSHA256",
        "SignatureVersion": "2",
        "Timestamp": "2019-11-21T10:00:00",
        "contract_code": "BTC-USDT",
        "note": "a b/c~d:é+*",
    }
    text = text_to_sign(
        "GET", "API.HBDM.COM", "/linear-swap-api/v1/swap_track_openorders", params.items()
    )
    assert text.endswith("&note=a%20b%2Fc~d%3A%C3%A9%2B%2A")
    assert signature("secret", text) == "6KDBVTc7EM2Q5LTbdY/uc9GVPDudCZ5CkLqDrnqdbFk="


def test_canonical_query_sorts_by_name_not_by_pair() -> None:
    assert canonical_query([("a-b", "1"), ("a", "2")]) == "a=2&a-b=1"


@pytest.mark.parametrize(
    "text",
    ["2019-11-21 10:00:00", "2019-11-21T10:00:00Z", "2019-11-21T10:00", "2019-13-01T00:00:00", ""],
)
def test_ill_formed_timestamps_do_not_parse(text: str) -> None:
    assert parse_timestamp(text) is None


# --- over a real socket --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shared() -> Iterator[Sandbox]:
    with running(rate=None) as sandbox:
        yield sandbox


@pytest.fixture
def sandbox(shared: Sandbox) -> Sandbox:
    shared.control.reset()
    return shared


def _post(client: httpx.Client, target: str) -> dict[str, object]:
    response = client.post(target, json=BODY)
    assert response.status_code == 200
    return response.json()  # type: ignore[no-any-return]


Tamper = Callable[[Sandbox], str]


def _good(sandbox: Sandbox, **change: object) -> str:
    """A cancel URL signed correctly except for what `change` alters."""
    params = auth_params(
        str(change.get("access_key", ACCESS)), str(change.get("when", timestamp()))
    )
    params.update(change.get("params", {}))  # type: ignore[call-overload]
    signed = {k: v for k, v in params.items() if k not in change.get("unsigned", ())}  # type: ignore[operator]
    sig = sign(
        str(change.get("secret", SECRET)),
        str(change.get("method", "POST")),
        str(change.get("host", sandbox.host)),
        str(change.get("path", CANCEL_PATH)),
        signed,
    )
    sent = {k: v for k, v in params.items() if k not in change.get("omit", ())}  # type: ignore[operator]
    return url(sandbox.base_url, CANCEL_PATH, sent, None if change.get("no_signature") else sig)


WRONG: dict[str, tuple[Tamper, int]] = {
    "wrong-secret": (lambda s: _good(s, secret="not-the-secret"), 403),
    "wrong-host": (lambda s: _good(s, host="api.hbdm.com"), 403),
    "host-without-port": (lambda s: _good(s, host=s.host.split(":")[0]), 403),
    "wrong-port-in-host": (lambda s: _good(s, host=s.host.split(":")[0] + ":1"), 403),
    "wrong-path": (lambda s: _good(s, path="/linear-swap-api/v1/swap_track_cancelall"), 403),
    "wrong-method": (lambda s: _good(s, method="GET"), 403),
    "missing-AccessKeyId": (lambda s: _good(s, omit=("AccessKeyId",)), 403),
    "missing-SignatureMethod": (lambda s: _good(s, omit=("SignatureMethod",)), 403),
    "missing-SignatureVersion": (lambda s: _good(s, omit=("SignatureVersion",)), 403),
    "missing-Timestamp": (lambda s: _good(s, omit=("Timestamp",)), 403),
    "missing-Signature": (lambda s: _good(s, no_signature=True), 403),
    "unknown-key": (lambda s: _good(s, access_key="who-knows"), 403),
    "stale-timestamp": (lambda s: _good(s, when=timestamp(skew=timedelta(minutes=-6))), 12001),
    "future-timestamp": (lambda s: _good(s, when=timestamp(skew=timedelta(minutes=6))), 12001),
    "ill-formed-timestamp": (lambda s: _good(s, when="2019-11-21 10:00:00"), 403),
    "wrong-version": (lambda s: _good(s, params={"SignatureVersion": "1"}), 12002),
    "wrong-method-name": (lambda s: _good(s, params={"SignatureMethod": "HmacSHA1"}), 12003),
    "extra-param-not-signed": (lambda s: _good(s, params={"x": "1"}, unsigned=("x",)), 403),
    "tampered-signature": (lambda s: _good(s).replace("&Signature=", "&Signature=A", 1), 403),
    "signature-not-base64": (lambda s: _good(s, no_signature=True) + "&Signature=%21%21%21", 403),
    "duplicate-param": (lambda s: _good(s) + f"&AccessKeyId={ACCESS}", 403),
    "non-utf8-escape": (lambda s: _good(s) + "&x=%FF", 403),
}


@pytest.mark.parametrize(("tamper", "err_code"), WRONG.values(), ids=WRONG.keys())
def test_wrongly_signed_request_is_refused(
    sandbox: Sandbox, client: httpx.Client, tamper: Tamper, err_code: int
) -> None:
    envelope = _post(client, tamper(sandbox))
    assert envelope["status"] == "error"
    assert envelope["err_code"] == err_code
    assert "data" not in envelope
    assert isinstance(envelope["ts"], int)
    assert sandbox.control.requests()[-1].authenticated is False


def test_unknown_key_names_the_access_key(sandbox: Sandbox, client: httpx.Client) -> None:
    envelope = _post(client, _good(sandbox, access_key="who-knows"))
    assert envelope["err_msg"] == "Incorrect Access key [Access key错误]"


def test_wrong_signature_says_verification_failure(sandbox: Sandbox, client: httpx.Client) -> None:
    envelope = _post(client, _good(sandbox, secret="nope"))
    assert envelope["err_msg"] == "Verification failure [校验失败]"


def test_correctly_signed_request_is_accepted(sandbox: Sandbox, client: httpx.Client) -> None:
    envelope = _post(client, _good(sandbox))
    assert envelope["status"] == "ok"
    assert sandbox.control.requests()[-1].authenticated is True


def test_timestamp_four_minutes_off_is_accepted(sandbox: Sandbox, client: httpx.Client) -> None:
    for minutes in (-4, 4):
        envelope = _post(client, _good(sandbox, when=timestamp(skew=timedelta(minutes=minutes))))
        assert envelope["status"] == "ok"


def test_signed_extra_query_parameter_is_accepted(sandbox: Sandbox, client: httpx.Client) -> None:
    """Every parameter but Signature is signed, so a client that signs its extras verifies."""
    assert _post(client, _good(sandbox, params={"x": "1"}))["status"] == "ok"


def test_lower_case_escapes_in_the_url_still_verify(sandbox: Sandbox, client: httpx.Client) -> None:
    """The server canonicalizes what it received; only the signed text must be uppercase."""
    target = _good(sandbox).replace("%3A", "%3a")
    assert "%3a" in target
    assert _post(client, target)["status"] == "ok"


def test_unencoded_plus_in_signature_is_refused(sandbox: Sandbox, client: httpx.Client) -> None:
    """A raw `+` in the query decodes to a space, as it would at HTX, so the signature breaks."""
    for seconds in range(600):
        when = timestamp(skew=timedelta(seconds=-seconds))
        params = auth_params(ACCESS, when)
        sig = sign(SECRET, "POST", sandbox.host, CANCEL_PATH, params)
        if "+" in sig:
            break
    target = f"{sandbox.base_url}{CANCEL_PATH}?{canonical(params)}&Signature={sig}"
    assert _post(client, target)["err_code"] == 403
    fixed = f"{sandbox.base_url}{CANCEL_PATH}?{canonical(params)}&Signature={encode(sig)}"
    assert _post(client, fixed)["status"] == "ok"


def test_body_is_not_signed(sandbox: Sandbox, client: httpx.Client) -> None:
    """One signature serves any body: the second request's unknown contract is a body error."""
    target = _good(sandbox)
    assert client.post(target, json=BODY).json()["status"] == "ok"
    other = client.post(target, json={"contract_code": "NOPE-USDT", "order_id": "2"})
    assert other.json()["err_code"] == 1014


def test_auth_is_checked_before_the_body(sandbox: Sandbox, client: httpx.Client) -> None:
    response = client.post(_good(sandbox, secret="nope"), content=b"not json")
    assert response.json()["err_code"] == 403


def test_non_ascii_query_is_refused() -> None:
    result = verify("POST", "h", CANCEL_PATH, "x=é".encode(), {ACCESS: SECRET}, 0.0)
    assert (result.err_code, result.access_key) == (403, None)
