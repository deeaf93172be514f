"""The spec's worked signing example, read from its own text, is what `htx_swap.signing` produces.

Other teams check their signers against that example; this proves it is right (and stays in step
with the wrapper's signer), step by step, printing each intermediate value when one differs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from htx_swap import Credentials
from htx_swap._auth import HtxAuth
from htx_swap.signing import (
    SIGNATURE_PARAM,
    auth_params,
    compute_signature,
    encode_query,
    encode_value,
    text_to_sign,
)


@dataclass(frozen=True)
class WorkedExample:
    access_key: str
    secret_key: str
    timestamp: str
    host: str
    method: str
    path: str
    text_to_sign: str
    signature: str
    signed_url: str


def _section(description: str) -> str:
    match = re.search(r"^### Worked example\n(.*?)(?=^## )", description, re.MULTILINE | re.DOTALL)
    assert match, "the description has a '### Worked example' section under '## Signing'"
    return match.group(1)


def _row(section: str, label: str) -> str:
    match = re.search(rf"^\| {re.escape(label)} \| `([^`]+)` \|$", section, re.MULTILINE)
    assert match, f"the worked example's table has a '{label}' row"
    return match.group(1)


def _code_blocks(section: str) -> list[str]:
    return re.findall(r"^```text\n(.*?)\n```$", section, re.MULTILINE | re.DOTALL)


def parse(description: str) -> WorkedExample:
    section = _section(description)
    method, path = _row(section, "request").split(" ")
    text, signed = _code_blocks(section)
    signature = re.search(r"The expected Signature: `([^`]+)`", section)
    assert signature, "the worked example states the expected Signature"
    signed_method, signed_url = signed.split(" ")
    assert signed_method == method
    return WorkedExample(
        access_key=_row(section, "access key"),
        secret_key=_row(section, "secret key"),
        timestamp=_row(section, "Timestamp"),
        host=_row(section, "host"),
        method=method,
        path=path,
        text_to_sign=text,
        signature=signature.group(1),
        signed_url=signed_url,
    )


@pytest.fixture(scope="module")
def example(spec: dict[str, Any]) -> WorkedExample:
    return parse(spec["info"]["description"])


def test_the_example_is_the_derived_vector_from_facts(example: WorkedExample) -> None:
    """FACTS.md: access `access`, secret `secret`, 2019-11-21T10:00:00, api.hbdm.com."""
    assert (example.access_key, example.secret_key) == ("access", "secret")
    assert (example.timestamp, example.host) == ("2019-11-21T10:00:00", "api.hbdm.com")
    assert (example.method, example.path) == ("POST", "/linear-swap-api/v1/swap_track_cancel")
    assert example.signature == "YZG9+x75ArZvgsQlec9FijzxzAhNkNpKiI3RMb3J4fs="


def test_the_public_signing_steps_reproduce_the_example(example: WorkedExample) -> None:
    query = encode_query(auth_params(example.access_key, example.timestamp))
    text = text_to_sign(example.method, example.host, example.path, query)
    assert text == example.text_to_sign, f"query step gave {query!r}"
    signature = compute_signature(example.secret_key, text)
    assert signature == example.signature, f"text to sign was {text!r}"
    expected_url = (
        f"https://{example.host}{example.path}?{query}&{SIGNATURE_PARAM}={encode_value(signature)}"
    )
    assert expected_url == example.signed_url


def test_the_wrapper_s_auth_signs_the_example_request_the_same_way(example: WorkedExample) -> None:
    moment = datetime.fromisoformat(example.timestamp).replace(tzinfo=UTC)
    auth = HtxAuth(Credentials(example.access_key, example.secret_key), clock=lambda: moment)
    request = httpx.Request(
        example.method, f"https://{example.host}{example.path}", json={"contract_code": "BTC-USDT"}
    )
    signed = next(auth.auth_flow(request))
    assert str(signed.url) == example.signed_url


def test_a_wrong_expected_signature_would_be_caught() -> None:
    """The parser reads what the text says: a tampered example parses to a different value."""
    text = (
        "### Worked example\n| request | `POST /p` |\n| access key | `a` |\n| secret key | `s` |\n"
        "| Timestamp | `t` |\n| host | `h` |\n```text\nX\n```\nThe expected Signature: `WRONG=`\n"
        "```text\nPOST https://h/p?q\n```\n## Next\n"
    )
    parsed = parse(text)
    assert parsed.signature == "WRONG="
    assert compute_signature(parsed.secret_key, parsed.text_to_sign) != parsed.signature
