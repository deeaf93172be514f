"""The published docs page, opened from `file://` in headless Chromium with the network off.

`docs_in_browser.mjs` drives Debian's Chromium (`make test` installs it when missing) with the
pinned playwright-core and reports what a reader sees without a click (the page's innerText), every
request the page made, every link and whether it resolves, and what following in-page links did.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from spec.family import OPERATIONS, load_spec, pascal

ROOT = Path(__file__).resolve().parents[2]
DRIVER = Path(__file__).with_name("docs_in_browser.mjs")
CHROMIUM = Path("/usr/bin/chromium")
SPEC = load_spec()


@pytest.fixture(scope="module")
def seen(published_spec: Path) -> dict[str, Any]:
    assert CHROMIUM.exists(), (
        "make test installs Debian's chromium (the Makefile's /usr/bin/chromium)"
    )
    result = subprocess.run(
        ["node", str(DRIVER), str(published_spec / "index.html")],
        cwd=ROOT,  # node resolves playwright-core from the project's node_modules
        capture_output=True,
        text=True,
        check=False,
        timeout=180,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def _text(seen: dict[str, Any]) -> str:
    return " ".join(str(seen["text"]).split())


def test_the_page_makes_no_request_but_its_own_file(seen: dict[str, Any]) -> None:
    assert seen["blocked"] == []
    assert seen["requests"] == [seen["url"]]
    assert seen["url"].startswith("file://")
    assert seen["scripts"] == 0
    assert seen["consoleErrors"] == []


def test_every_operation_is_on_the_page_with_its_request_and_replies(seen: dict[str, Any]) -> None:
    text = _text(seen)
    for operation_id, path in OPERATIONS.items():
        post = SPEC["paths"][path]["post"]
        assert post["summary"] in text
        assert f"POST{path}" in text.replace(" ", "") or f"POST {path}" in text
        name = pascal(operation_id)
        for schema in (f"{name}Request", f"{name}Reply", f"{name}Envelope"):
            assert schema in text, f"{schema} is shown for {operation_id}"
        request = SPEC["components"]["schemas"][f"{name}Request"]
        for field in request["properties"]:
            assert field in text


def test_both_envelopes_and_their_fields_are_shown(seen: dict[str, Any]) -> None:
    text = _text(seen)
    assert text.count("status: ok") >= len(OPERATIONS)
    assert text.count("status: error") >= len(OPERATIONS)
    # Nested reply fields are expanded in place, not behind a click.
    for field in (
        "data.errors[].err_code",
        "data.orders[].order_id_str",
        "data.orders[].fail_code",
    ):
        assert field in text
    assert "Unknown fields may appear: ignore them." in text


def test_security_signing_and_the_worked_example_are_shown(seen: dict[str, Any]) -> None:
    text = _text(seen)
    assert "Security" in text
    for scheme in SPEC["components"]["securitySchemes"]:
        assert scheme in text
    assert "HTX Signature Version 2" in text
    assert "Worked example" in text
    assert "YZG9+x75ArZvgsQlec9FijzxzAhNkNpKiI3RMb3J4fs=" in text


def test_error_codes_and_rate_limits_are_shown(seen: dict[str, Any]) -> None:
    text = _text(seen)
    for item in SPEC["x-htx-error-codes"]:
        assert item["name"] in text
    assert "72 requests per 3000 ms" in text
    assert "5 requests per 1000 ms" in text


def test_every_link_resolves_from_file(seen: dict[str, Any]) -> None:
    links = seen["links"]
    assert len(links) > 60
    broken = [link["href"] for link in links if link["resolves"] not in (True, "external")]
    assert broken == []
    local_files = {link["href"] for link in links if not link["href"].startswith(("#", "https:"))}
    assert {"htx-linear-swap.yaml", "htx-linear-swap.json", "error-codes.json"} <= local_files


def test_following_in_page_links_scrolls_to_the_target(seen: dict[str, Any]) -> None:
    followed = seen["followed"]
    assert len(followed) == 4
    for step in followed:
        assert step["href"] == f"{seen['url']}#{step['target']}"
        assert step["scrollY"] > 0, f"clicking #{step['target']} moved the page"
        assert abs(step["top"]) < 2, f"#{step['target']} is at the top of the view"


@pytest.mark.parametrize("operation_id", sorted(OPERATIONS))
def test_shared_replies_and_headers_are_rendered_on_every_operation(
    seen: dict[str, Any], operation_id: str
) -> None:
    """The 429 reply and the `ratelimit-*` headers are `$ref`s to components: each operation
    shows them in full (description, type), not an empty heading or a header of type "any"."""
    section = seen["operations"][f"op-{operation_id}"]
    text = " ".join(str(section["text"]).split())
    responses = SPEC["components"]["responses"]
    headers = SPEC["components"]["headers"]
    too_many = " ".join(responses["GatewayTooManyRequests"]["description"].split())
    assert "HTTP 429" in text
    after_429 = text[text.index("HTTP 429") :]
    assert too_many.split(" (")[0] in after_429, "the 429 reply's description is shown"
    rows = {row[0]: row[1:] for row in section["headerRows"]}
    post = SPEC["paths"][OPERATIONS[operation_id]]["post"]
    expected = {**post["responses"]["200"]["headers"], "Retry-After": None}
    assert set(rows) == set(expected)
    for name, node in expected.items():
        if node is None:
            header = responses["GatewayTooManyRequests"]["headers"][name]
        else:
            header = headers[node["$ref"].rsplit("/", 1)[1]]
        kind, description = rows[name]
        assert kind.startswith(header["schema"]["type"]), (name, kind)
        assert " ".join(description.split()) == " ".join(header["description"].split())
