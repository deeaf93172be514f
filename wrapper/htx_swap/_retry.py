"""The retry rule in one place: what is retried, and how long to wait before trying again.

Retried: transport errors (connect, timeouts, dropped connections), HTTP 429 and 5xx from
gateways, bodies that are not the JSON envelope, and HTX's 1032 (rate limit). A retry after a lost
reply is safe because HTX answers 1071 ("already cancelled") for an order the lost attempt
cancelled, and 1071 counts as cancelled.
"""

from __future__ import annotations

import contextlib
import random
import time
from collections.abc import Mapping
from email.utils import parsedate_to_datetime

__all__ = [
    "BACKOFF_INITIAL",
    "BACKOFF_MAX",
    "DEFAULT_MAX_RETRIES",
    "RETRY_HINT_MAX",
    "is_retryable_status",
    "retry_delay",
    "server_hint",
]

DEFAULT_MAX_RETRIES = 3
# Seconds before the first retry; doubles per retry up to BACKOFF_MAX.
BACKOFF_INITIAL = 0.25
BACKOFF_MAX = 8.0
# A Retry-After or ratelimit-reset further away than this is not waited for in full: a
# misconfigured gateway must not park a cancel for minutes during a fast market.
RETRY_HINT_MAX = 30.0


def is_retryable_status(status_code: int) -> bool:
    """Gateways and proxies in front of HTX answer 429 and 5xx; both are worth a retry."""
    return status_code == 429 or 500 <= status_code <= 599


def server_hint(headers: Mapping[str, str], *, now: float | None = None) -> float | None:
    """Seconds the server asked us to wait (Retry-After, ratelimit-reset), if it said so."""
    now = time.time() if now is None else now
    hints: list[float] = []
    retry_after = headers.get("retry-after")
    if retry_after:
        try:
            hints.append(float(retry_after))
        except ValueError:
            with contextlib.suppress(TypeError, ValueError):
                hints.append(parsedate_to_datetime(retry_after).timestamp() - now)
    reset_ms = headers.get("ratelimit-reset")
    if reset_ms:
        with contextlib.suppress(ValueError):
            hints.append(int(reset_ms) / 1000.0 - now)
    if not hints:
        return None
    return min(max(max(hints), 0.0), RETRY_HINT_MAX)


def retry_delay(
    retry_number: int,
    *,
    headers: Mapping[str, str] | None = None,
    rng: random.Random | None = None,
    now: float | None = None,
) -> float:
    """Capped exponential backoff with jitter, never shorter than what the server asked for.

    The jitter is "equal jitter": half the backoff is fixed, half random, so concurrent chunks
    that failed together spread out but none retries at once.
    """
    ceiling = min(BACKOFF_MAX, BACKOFF_INITIAL * 2.0 ** max(retry_number - 1, 0))
    jitter = random.random() if rng is None else rng.random()  # noqa: S311 - jitter, not crypto
    delay = ceiling / 2 + jitter * ceiling / 2
    hint = server_hint(headers, now=now) if headers is not None else None
    return delay if hint is None else max(delay, hint)
