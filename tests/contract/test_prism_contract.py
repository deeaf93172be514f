"""The integration scenarios again, through `prism proxy --errors` between the SDK and the sandbox.

Every request the SDK sends and every reply the sandbox gives is validated by Prism against
`openapi/htx-linear-swap.yaml` (restricted to the operations the sandbox serves: `scope.py`); any
violation fails the test (see `prism.py` for how Prism reports them and which fault-injected
replies are expected to be flagged). The scenarios are the very
test functions of `tests/integration/test_against_sandbox.py`, collected here a second time with
`htx_sandbox.running` starting each sandbox behind Prism, and every `SwapClient` and
`AsyncSwapClient` checking each reply Prism passes back.

The last tests prove the audit has teeth: a request and a reply that break the spec are caught.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

# tests/ is on sys.path (pytest's default "prepend" import mode with packages under tests/).
from integration import test_against_sandbox as integration
from integration import test_family as family

import htx_sandbox
from htx_sandbox import Sandbox
from htx_swap import AsyncSwapClient, Credentials, SwapClient
from htx_swap._auth import HtxAuth

from .nonconforming import non_conforming_upstream
from .prism import BAD_GATEWAY, JUNK, Audit, ContractViolation, Prism, running_prism

# Every test of the integration modules, collected again here: new ones run through Prism too,
# but for the two that count arrivals at a strict 5/s. Those measure Prism's forwarding jitter, not
# the client: a request Prism holds 40 ms longer than the next one reaches the sandbox inside the
# 30 ms pacing margin (1 refusal in about half the runs, on a quiet machine too). Their requests
# and replies are the cancel scenarios' checked here; the limit itself is checked without a proxy
# in tests/integration, run alone.
THROUGH_A_PROXY_MEASURES_THE_PROXY = {
    "test_the_client_stays_under_a_strict_limit_without_a_single_1032",
    "test_the_async_client_stays_under_a_strict_limit_without_a_single_1032",
}
INTEGRATION_TESTS = sorted(
    name
    for name in vars(integration)
    if name.startswith("test_") and name not in THROUGH_A_PROXY_MEASURES_THE_PROXY
)
globals().update({name: getattr(integration, name) for name in INTEGRATION_TESTS})
FAMILY_TESTS = sorted(name for name in vars(family) if name.startswith("test_"))
assert not set(FAMILY_TESTS) & set(INTEGRATION_TESTS), "one name, one test"
globals().update({name: getattr(family, name) for name in FAMILY_TESTS})


# What Prism checks is the bytes on the wire. The async client on httpx's own transport builds and
# writes its requests as the sync client does (httpx, h11); aiohttp is another HTTP stack. So the
# scenarios run here on the sync client and on aiohttp (tests/integration runs all three).
@pytest.fixture(params=["sync", "async on aiohttp"])
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(params=["aiohttp"])
def async_transport(request: pytest.FixtureRequest) -> str:
    return str(request.param)


CANCEL_URL_PATH = "/linear-swap-api/v1/swap_track_cancel"
# Prism never answers a request whose upstream reply was cut off (the drop fault): it waits for
# the rest. The client's timeout turns that into the same lost reply, sooner than the default 10 s.
PRISM_CLIENT_TIMEOUT = 2.0


# One Prism per worker (session scope): `make test` splits this module by client into units
# that a worker may run in turns, with other modules between them (tests/conftest.py).
@pytest.fixture(scope="session")
def prism(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Prism]:
    with running_prism(tmp_path_factory.mktemp("prism") / "prism.log") as running:
        yield running


def _audited(
    original: Callable[..., None], hook: Callable[..., Any], *, is_async: bool
) -> Callable[..., None]:
    """A client `__init__` with Prism's short timeout by default and `hook` on every response."""

    def __init__(self: Any, credentials: Credentials, **options: Any) -> None:
        options.setdefault("timeout", PRISM_CLIENT_TIMEOUT)
        if not is_async:
            # The audit reads each reply through httpx's response hook: the sync client sends
            # through httpx here (its h11 transport is tested over real sockets elsewhere).
            options.setdefault("transport", "httpx")
        original(self, credentials, **options)
        http = (
            self.generated.get_async_httpx_client()
            if is_async
            else self.generated.get_httpx_client()
        )
        http.event_hooks["response"].append(hook)

    return __init__


@pytest.fixture(autouse=True)
def audit(prism: Prism, monkeypatch: pytest.MonkeyPatch) -> Iterator[Audit]:
    """Route the test's sandboxes and clients through Prism; fail on anything Prism flags."""
    audit = Audit(prism, prism.log_size())
    used: list[Sandbox] = []

    @contextlib.contextmanager
    def behind_prism(**options: Any) -> Iterator[Sandbox]:
        with prism.sandbox(**options) as sandbox:
            used.append(sandbox)
            yield sandbox

    monkeypatch.setattr(htx_sandbox, "running", behind_prism)
    # Patched on the classes themselves, so isinstance() and parametrized classes still work.
    for cls, hook, is_async in (
        (SwapClient, audit.on_response, False),
        (AsyncSwapClient, audit.on_response_async, True),
    ):
        monkeypatch.setattr(cls, "__init__", _audited(cls.__init__, hook, is_async=is_async))
    yield audit
    injected: Counter[str] = Counter()
    for sandbox in used:
        injected.update(sandbox.control.stats().faults)
    problems = audit.problems(injected)
    if problems:
        pytest.fail("Prism found contract violations:\n" + "\n".join(problems), pytrace=False)


@pytest.fixture
def sandbox(audit: Audit) -> Iterator[Sandbox]:
    """The integration module's fixture, behind Prism."""
    # As the integration module's: 50/s runs past the per-UID pools (72 per 3 s).
    with htx_sandbox.running(rate=50.0, pool_rate=None) as running:
        yield running


def _keys(sandbox: Sandbox) -> Credentials:
    return Credentials(sandbox.credentials.access_key, sandbox.credentials.secret_key)


def _consume(audit: Audit) -> list[str]:
    """The audit's findings so far, then a clean slate so the test itself isn't failed for them."""
    problems = audit.problems(Counter())
    audit.violations.clear()
    audit.start = audit.prism.log_size()
    return problems


def test_every_reply_through_prism_is_clean_and_faults_are_counted(
    sandbox: Sandbox, audit: Audit
) -> None:
    """The route works: signed for Prism's host, verified by the sandbox, validated by Prism."""
    opened = sandbox.control.seed_orders("BTC-USDT", generate=3)
    sandbox.control.queue_faults(htx_sandbox.Fault.BAD_GATEWAY)
    sandbox.control.queue_faults(htx_sandbox.Fault.JUNK_AFTER_APPLY)
    with SwapClient(_keys(sandbox), base_url=sandbox.base_url) as client:
        result = client.cancel_trailing_orders("BTC-USDT", opened)
    assert result.all_cancelled
    assert all(record.authenticated for record in sandbox.control.requests())
    assert audit.explained == Counter({BAD_GATEWAY: 1, JUNK: 1})
    assert audit.violations == []


def test_a_request_that_breaks_the_spec_is_caught_and_never_forwarded(
    sandbox: Sandbox, audit: Audit
) -> None:
    eleven = ",".join(str(order_id) for order_id in range(1, 12))  # the spec allows 10
    with httpx.Client(auth=HtxAuth(_keys(sandbox)), timeout=10) as http:
        reply = http.post(
            f"{sandbox.base_url}{CANCEL_URL_PATH}",
            json={"contract_code": "BTC-USDT", "order_id": eleven},
        )
    with pytest.raises(ContractViolation, match="order_id must match pattern"):
        audit.record(reply.status_code, reply.headers, reply.content)
    assert reply.status_code == 422
    assert sandbox.control.requests() == ()
    problems = _consume(audit)
    assert any("order_id must match pattern" in problem for problem in problems), problems
    assert any("UNPROCESSABLE_ENTITY" in problem for problem in problems), problems


def test_a_reply_that_breaks_the_spec_fails_the_sdk_run(prism: Prism, audit: Audit) -> None:
    keys = Credentials("any-access-key", "any-secret-key")
    with (
        non_conforming_upstream(prism.upstream_port),
        SwapClient(keys, base_url=prism.url, max_retries=0) as client,
        pytest.raises(ContractViolation, match="successes must match pattern"),
    ):
        client.cancel_trailing_orders("BTC-USDT", ["826052268312821760"])
    problems = _consume(audit)
    assert any("Request/Response not valid" in problem for problem in problems), problems


def test_a_flagged_fault_the_sandbox_did_not_inject_is_a_violation(audit: Audit) -> None:
    page = httpx.Headers(
        {
            "content-type": "text/html",
            "sl-violations": '[{"location":["response"],"severity":"Warning","message":'
            '"Unable to match the returned status code with those defined in the document: '
            '200,429"}]',
        }
    )
    audit.record(502, page, b"<html>502 Bad Gateway</html>")
    problems = audit.problems(Counter())
    assert problems == ["Prism flagged 1 bad_gateway replies but the sandbox injected 0"]
    audit.explained.clear()


def test_the_integration_scenarios_are_all_collected_here() -> None:
    assert len(INTEGRATION_TESTS) >= 8
    assert THROUGH_A_PROXY_MEASURES_THE_PROXY.issubset(vars(integration)), "left out by name"
    assert all(globals()[name] is getattr(integration, name) for name in INTEGRATION_TESTS)
    assert len(FAMILY_TESTS) >= 20
    assert all(globals()[name] is getattr(family, name) for name in FAMILY_TESTS)
