"""Schemathesis against the sandbox: for generated requests, valid and invalid, every reply the
sandbox gives conforms to the spec (`openapi/htx-linear-swap.yaml`).

Every call is signed afresh (HTX Signature V2 via `htx_swap.signing`, for the host the call goes
to) by a `requests` auth hook on the session Schemathesis sends with, so generated requests reach
the sandbox's real rules instead of all bouncing off the signature check. Schemathesis is told not
to generate the five apiKey query parameters itself (`with-security-parameters = false`); the hook
owns them.

The checks, chosen deliberately:

- run: `not_a_server_error`, `status_code_conformance`, `content_type_conformance`,
  `response_headers_conformance`, `response_schema_conformance` (the contract itself), plus
  `signed_calls_are_authenticated`, which proves the hook works: a run where every reply was a 403
  envelope would pass the schema checks and prove nothing.
- only for the operations the sandbox serves (`scope.SANDBOX_OPERATIONS`, by operationId:
  `cancelTrailingOrders` today; the other nine join when the sandbox serves them).
- not run: `negative_data_rejection` and `positive_data_acceptance` judge by HTTP status, but HTX
  answers every request that reaches it with HTTP 200 and reports bad input inside the
  `status: error` envelope (its documented behaviour, and what the spec says); `ignored_auth`
  expects a 401/403 *status* for an unsigned call where HTX answers 200 with `err_code` 403 (tested
  by hand below instead); the stateful checks need more than the one operation the sandbox serves.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
import schemathesis
import yaml
from schemathesis import Case
from schemathesis.checks import CheckContext, not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.openapi.checks import JsonSchemaError
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

import htx_sandbox
from htx_sandbox import Sandbox
from htx_swap.signing import (
    SIGNATURE_PARAM,
    auth_params,
    compute_signature,
    encode_query,
    encode_value,
    format_timestamp,
    text_to_sign,
)

from .nonconforming import non_conforming_upstream
from .scope import SANDBOX_OPERATIONS, spec_for_the_sandbox

SPEC = Path(__file__).parents[2] / "openapi" / "htx-linear-swap.yaml"
AUTH_ERROR_CODES = frozenset({403, 1253, *range(12001, 12009)})
OPEN, EXECUTED, CANCELLED = ["1", "2", "3"], ["4"], ["5"]
# Per generation mode and operation; with the explicit examples and the coverage phase, about
# 80 calls per operation, 800 in all.
MAX_EXAMPLES = 25

schema = schemathesis.openapi.from_path(
    SPEC,
    config=schemathesis.Config.from_dict(
        {
            "generation": {
                "mode": "all",
                "max-examples": MAX_EXAMPLES,
                "with-security-parameters": False,
                # Same cases on every run: a failure replays.
                "deterministic": True,
            },
            "phases": {"stateful": {"enabled": False}},
        }
    ),
).include(operation_id=SANDBOX_OPERATIONS)


class SignatureV2(requests.auth.AuthBase):
    """Signs each request Schemathesis sends, as HTX expects: a fresh timestamp every call."""

    def __init__(self, access_key: str, secret_key: str) -> None:
        self.access_key = access_key
        self.secret_key = secret_key
        self.signed = 0

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        url = urlsplit(request.url)
        params = auth_params(self.access_key, format_timestamp(datetime.now(UTC)))
        query = encode_query(params)
        text = text_to_sign(str(request.method), url.netloc, url.path, query)
        signature = compute_signature(self.secret_key, text)
        # Every operation is a POST, whose own query parameters HTX would not sign:
        # whatever Schemathesis put in the query is replaced by the signed one.
        request.url = url._replace(
            query=f"{query}&{SIGNATURE_PARAM}={encode_value(signature)}"
        ).geturl()
        self.signed += 1
        return request


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    # No rate limit: the subject is the shape of every reply (1032 is covered by its own test).
    with htx_sandbox.running(rate=None) as running:
        running.control.seed_orders("BTC-USDT", open=OPEN, executed=EXECUTED, cancelled=CANCELLED)
        yield running


@pytest.fixture(scope="module")
def signer(sandbox: Sandbox) -> SignatureV2:
    return SignatureV2(sandbox.credentials.access_key, sandbox.credentials.secret_key)


@pytest.fixture(scope="module")
def session(signer: SignatureV2) -> Iterator[requests.Session]:
    with requests.Session() as session:
        session.auth = signer
        yield session


def signed_calls_are_authenticated(ctx: CheckContext, response: Any, case: Case) -> bool | None:
    """The hook's signature was accepted: the sandbox judged the request, not the key."""
    document = response.json() if response.status_code == 200 else None
    if isinstance(document, dict) and document.get("err_code") in AUTH_ERROR_CODES:
        raise AssertionError(f"the sandbox refused a call the hook signed: {document}")
    return None


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    signed_calls_are_authenticated,
]

# (generation mode, envelope status or HTTP status, err_code) of every generated call.
SEEN: Counter[tuple[str, str, int | None]] = Counter()


@schema.parametrize()
def test_every_reply_conforms_to_the_spec(
    case: Case, sandbox: Sandbox, session: requests.Session
) -> None:
    response = case.call_and_validate(base_url=sandbox.base_url, session=session, checks=CHECKS)
    mode = str(case.meta.generation.mode.value) if case.meta is not None else "explicit"
    if response.status_code == 200:
        document = response.json()
        SEEN[mode, document["status"], document.get("err_code")] += 1
    else:
        SEEN[mode, str(response.status_code), None] += 1


def test_the_generated_calls_reached_the_sandbox_s_rules(signer: SignatureV2) -> None:
    """Valid and invalid inputs both ran, were signed, and drew both envelopes."""
    if not SEEN:
        pytest.skip("runs after test_every_reply_conforms_to_the_spec")
    modes = {mode for mode, _, _ in SEEN}
    outcomes = {outcome for _, outcome, _ in SEEN}
    assert {"positive", "negative"} <= modes, SEEN
    assert {"ok", "error"} <= outcomes, SEEN
    assert signer.signed >= sum(SEEN.values())
    codes = {code for _, outcome, code in SEEN if outcome == "error"}
    # Input errors (1014 contract, 1030/1066/1067 fields, 1425 callback rate) and 1051
    # (nothing to cancel): never a signature or rate-limit refusal.
    assert codes <= {1014, 1030, 1051, 1066, 1067, 1425}, f"only input errors expected: {SEEN}"


def _operation() -> Any:
    return schema["/linear-swap-api/v1/swap_track_cancel"]["POST"]


def test_an_unsigned_call_gets_a_conforming_403_envelope(sandbox: Sandbox) -> None:
    """What `ignored_auth` would check, judged the HTX way: HTTP 200, `err_code` 403."""
    case = _operation().Case(body={"contract_code": "BTC-USDT", "order_id": "1"})
    with requests.Session() as unsigned:
        response = case.call_and_validate(
            base_url=sandbox.base_url, session=unsigned, checks=CHECKS[:-1]
        )
    assert response.status_code == 200
    assert response.json()["err_code"] == 403


def test_the_checks_catch_a_reply_that_breaks_the_spec(session: requests.Session) -> None:
    with non_conforming_upstream() as port:
        case = _operation().Case(body={"contract_code": "BTC-USDT", "order_id": "1"})
        with pytest.raises(FailureGroup) as caught:
            case.call_and_validate(
                base_url=f"http://127.0.0.1:{port}", session=session, checks=CHECKS
            )
    assert caught.group_contains(JsonSchemaError, match="Response violates schema")


def test_every_operation_of_the_spec_is_generated() -> None:
    """The filter is by operationId (scope.SANDBOX_OPERATIONS): the sandbox serves all ten."""
    spec = yaml.load(SPEC.read_text(encoding="utf-8"), yaml.CSafeLoader)
    labels = {result.ok().label for result in schema.get_all_operations()}
    assert labels == {f"POST {path}" for path in spec["paths"]}
    assert len(labels) == 10


def test_prism_gets_the_spec_restricted_to_the_sandbox_s_operations(tmp_path: Path) -> None:
    written = spec_for_the_sandbox(tmp_path / "spec.yaml", ["cancelTrailingOrders"])
    doc = yaml.safe_load(written.read_text(encoding="utf-8"))
    assert list(doc["paths"]) == ["/linear-swap-api/v1/swap_track_cancel"]
    assert "CancelTrailingOrdersEnvelope" in doc["components"]["schemas"]
