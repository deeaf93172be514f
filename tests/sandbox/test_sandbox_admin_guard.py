"""The admin API's guard: its own Host and Origin only, JSON only, a token beyond loopback."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator

import httpx
import pytest

import htx_sandbox
from htx_sandbox import Exchange, Sandbox, running, serve
from htx_sandbox._admin import AdminGuard
from htx_sandbox._hosts import is_loopback, is_wildcard, split_authority

from .signer import cancel

TOKEN = "a-test-admin-token-0123456789"


@pytest.fixture(scope="module")
def shared() -> Iterator[Sandbox]:
    with running() as sandbox:
        yield sandbox


@pytest.fixture
def sandbox(shared: Sandbox) -> Sandbox:
    shared.control.reset()
    return shared


def _port(sandbox: Sandbox) -> int:
    return int(sandbox.host.rsplit(":", 1)[1])


ATTACKS = {
    "dns-rebinding-host": {"Host": "attacker.example:{port}"},
    "wrong-port": {"Host": "127.0.0.1:{other}"},
    "no-port": {"Host": "127.0.0.1"},
    "malformed-host": {"Host": "127.0.0.1:{port}:1"},
    "cross-site-origin": {"Origin": "https://attacker.example"},
    "null-origin": {"Origin": "null"},
    "origin-other-port": {"Origin": "http://127.0.0.1:{other}"},
}


@pytest.mark.parametrize("headers", ATTACKS.values(), ids=ATTACKS.keys())
def test_foreign_host_or_origin_is_403_and_applies_nothing(
    sandbox: Sandbox, client: httpx.Client, headers: dict[str, str]
) -> None:
    port = _port(sandbox)
    sent = {k: v.format(port=port, other=port + 1) for k, v in headers.items()}
    admin = f"{sandbox.base_url}/_sandbox"
    before = sandbox.control.settings()
    write = client.post(f"{admin}/faults", json={"latency": 5.0}, headers=sent)
    read = client.get(f"{admin}/requests", headers=sent)
    assert (write.status_code, read.status_code) == (403, 403)
    assert "is not this sandbox" in write.json()["error"]
    assert sandbox.control.settings() == before


def test_text_plain_post_from_a_web_page_is_415_and_applies_nothing(
    sandbox: Sandbox, client: httpx.Client
) -> None:
    """A form or `fetch(..., {mode: "no-cors"})` can send text/plain JSON without a preflight."""
    before = sandbox.control.settings()
    for media_type in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data"):
        reply = client.post(
            f"{sandbox.base_url}/_sandbox/faults",
            content=b'{"queue": ["bad_gateway"], "latency": 30}',
            headers={"Content-Type": media_type},
        )
        assert reply.status_code == 415
    missing = client.post(f"{sandbox.base_url}/_sandbox/reset")
    assert missing.status_code == 415
    assert sandbox.control.settings() == before


OWN = {
    "loopback-ip": "127.0.0.1:{port}",
    "localhost": "localhost:{port}",
    "upper-case": "LOCALHOST:{port}",
    "ipv6-loopback": "[::1]:{port}",
}


@pytest.mark.parametrize("host", OWN.values(), ids=OWN.keys())
def test_the_sandbox_own_names_are_accepted(
    sandbox: Sandbox, client: httpx.Client, host: str
) -> None:
    own = host.format(port=_port(sandbox))
    headers = {"Host": own, "Origin": f"http://{own}"}
    reply = client.post(
        f"{sandbox.base_url}/_sandbox/faults",
        json={"latency": 0.01},
        headers={**headers, "Content-Type": "application/json; charset=utf-8"},
    )
    assert reply.status_code == 200
    assert sandbox.control.settings()["latency"] == 0.01


def test_a_token_guards_every_admin_route_but_not_htx(client: httpx.Client) -> None:
    with running(admin_token=TOKEN) as sandbox:
        admin = f"{sandbox.base_url}/_sandbox"
        assert client.get(f"{admin}/settings").status_code == 401
        wrong = client.get(f"{admin}/settings", headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401
        assert wrong.headers["www-authenticate"].startswith("Bearer")
        basic = client.get(f"{admin}/settings", headers={"Authorization": f"Basic {TOKEN}"})
        assert basic.status_code == 401
        refused = client.post(f"{admin}/faults", json={"latency": 2.0})
        assert refused.status_code == 401
        assert sandbox.control.settings()["latency"] == 0.0
        assert sandbox.admin_headers == {"Authorization": f"Bearer {TOKEN}"}
        allowed = client.post(
            f"{admin}/faults", json={"latency": 0.02}, headers=sandbox.admin_headers
        )
        assert allowed.status_code == 200
        assert client.get(f"{admin}/stats", headers=sandbox.admin_headers).status_code == 200
        assert cancel(client, sandbox, "1").json()["status"] == "ok", "HTX routes are signed"
    assert "token" not in repr(sandbox)


def test_a_short_token_is_refused() -> None:
    with pytest.raises(ValueError, match="16 characters"), running(admin_token="short"):
        pass  # pragma: no cover


def test_bound_beyond_loopback_the_admin_api_wants_a_random_token(client: httpx.Client) -> None:
    tokens = []
    for _ in range(2):
        with running(host="0.0.0.0") as sandbox:
            assert sandbox.admin_token is not None
            tokens.append(sandbox.admin_token)
            local = f"http://127.0.0.1:{_port(sandbox)}/_sandbox/settings"
            assert client.get(local).status_code == 401
            assert client.get(local, headers=sandbox.admin_headers).status_code == 200
            foreign = {**sandbox.admin_headers, "Host": f"attacker.example:{_port(sandbox)}"}
            assert client.get(local, headers=foreign).status_code == 403
            assert f"admin token: {sandbox.admin_token}" in htx_sandbox.describe(sandbox)
    assert tokens[0] != tokens[1]
    assert len(tokens[0]) >= 32


def test_on_loopback_no_token_is_needed_or_shown(sandbox: Sandbox) -> None:
    assert sandbox.admin_token is None
    assert sandbox.admin_headers == {}
    assert "admin token" not in htx_sandbox.describe(sandbox)


def test_serve_beyond_loopback_warns_and_prints_the_token(
    capsys: pytest.CaptureFixture[str],
) -> None:
    announced: list[Sandbox] = []
    ready, stop = threading.Event(), threading.Event()

    def announce(sandbox: Sandbox) -> None:
        announced.append(sandbox)
        ready.set()

    options = {"host": "0.0.0.0", "port": 0, "orders": 0, "announce": announce, "stop": stop}
    runner = threading.Thread(target=serve, kwargs=options)
    runner.start()
    try:
        assert ready.wait(10)
    finally:
        stop.set()
        runner.join(10)
    (sandbox,) = announced
    err = capsys.readouterr().err
    assert err.startswith("warning: the sandbox at http://0.0.0.0:")
    assert "reachable beyond this machine" in err
    assert f"Authorization: Bearer {sandbox.admin_token}" in err


# --- the guard's rules, without a server ----------------------------------------------------------


def test_wildcard_binding_accepts_ip_literals_and_the_machine_name_only() -> None:
    guard = AdminGuard.for_bind("0.0.0.0", 8080, token=TOKEN, machine_name="Build-Box")
    assert guard.any_ip
    for own in ("10.1.2.3:8080", "[fe80::1]:8080", "build-box:8080", "localhost:8080"):
        assert guard.is_own(own), own
    for foreign in ("attacker.example:8080", "10.1.2.3:8081", "build-box", "", "[::1"):
        assert not guard.is_own(foreign), foreign


def test_a_specific_host_and_a_public_host_are_the_sandbox_own() -> None:
    guard = AdminGuard.for_bind("192.168.1.20", 9000, token=TOKEN, public_host="Proxy.Example:4010")
    assert guard.is_own("192.168.1.20:9000")
    assert guard.is_own("proxy.example:4010")
    assert not guard.is_own("192.168.1.21:9000"), "no wildcard: other addresses are foreign"
    assert not guard.is_own("proxy.example:9000")


def test_port_80_may_go_unnamed() -> None:
    guard = AdminGuard.for_bind("127.0.0.1", 80, token=None)
    assert guard.is_own("127.0.0.1")
    assert guard.is_own("localhost:80")


AUTHORITIES = {
    "host-port": ("Example.COM:8080", ("example.com", 8080)),
    "host": ("example.com", ("example.com", None)),
    "ipv6": ("[::1]:5", ("::1", 5)),
    "ipv6-no-port": ("[::1]", ("::1", None)),
    "bare-ipv6": ("::1", None),
    "unclosed": ("[::1:5", None),
    "junk-after-bracket": ("[::1]x", None),
    "no-name": (":80", None),
    "port-zero": ("a:0", None),
    "port-too-big": ("a:70000", None),
    "port-not-digits": ("a:http", None),
    "port-unicode-digits": ("a:\u0663", None),
}


@pytest.mark.parametrize(("text", "expected"), AUTHORITIES.values(), ids=AUTHORITIES.keys())
def test_split_authority(text: str, expected: tuple[str, int | None] | None) -> None:
    assert split_authority(text) == expected


@pytest.mark.parametrize(
    ("host", "loopback", "wildcard"),
    [
        ("127.0.0.1", True, False),
        ("127.9.9.9", True, False),
        ("::1", True, False),
        ("[::1]", True, False),
        ("localhost", True, False),
        ("0.0.0.0", False, True),
        ("::", False, True),
        ("", False, True),
        ("192.168.1.20", False, False),
        ("sandbox.example", False, False),
    ],
)
def test_loopback_and_wildcard_hosts(host: str, loopback: bool, wildcard: bool) -> None:
    assert (is_loopback(host), is_wildcard(host)) == (loopback, wildcard)


def test_the_default_guard_answers_loopback_on_any_port() -> None:
    from htx_sandbox._app import build_app

    async def status(base_url: str) -> int:
        transport = httpx.ASGITransport(app=build_app(Exchange()))
        async with httpx.AsyncClient(transport=transport, base_url=base_url) as client:
            return (await client.get("/_sandbox/settings")).status_code

    assert asyncio.run(status("http://127.0.0.1:1234")) == 200
    assert asyncio.run(status("http://localhost:4321")) == 200
    assert asyncio.run(status("http://attacker.example")) == 403
