"""How long to wait before trying again, and when not to.

Which failures are retried, and for which operations, is the engine's decision (``_engine``),
by each operation's retry safety; this module only times the retries.
"""

from __future__ import annotations

import contextlib
import math
import random
import time
from collections.abc import Mapping
from email.utils import parsedate_to_datetime

__all__ = [
    "BACKOFF_INITIAL",
    "BACKOFF_MAX",
    "DEFAULT_MAX_RETRIES",
    "RETRY_HINT_MAX",
    "header_number",
    "is_retryable_status",
    "retry_delay",
    "server_hint",
]

DEFAULT_MAX_RETRIES = 3
# Seconds before the first retry; doubles per retry up to BACKOFF_MAX.
BACKOFF_INITIAL = 0.25
BACKOFF_MAX = 8.0
# A server asking for a longer wait than this means "not now": the request is not retried (as
# openai-python does), rather than retried early into the same refusal.
RETRY_HINT_MAX = 30.0


def header_number(headers: Mapping[str, str], name: str) -> float | None:
    """Header ``name`` as a finite number, zero or more; None when absent or unreadable.

    Rate-limit and retry headers are advice: one that can't be read (too big for a float,
    ``nan``, negative, not a number) is ignored, never a crash nor a changed outcome.
    """
    value = headers.get(name)
    if value is None:
        return None
    try:
        number = float(value)  # 400 digits or "1e400" read as inf, refused below
    except (ValueError, TypeError, OverflowError):
        return None
    return number if math.isfinite(number) and number >= 0 else None


def is_retryable_status(status_code: int) -> bool:
    """Gateways and proxies in front of HTX answer 429 and 5xx; both are worth a retry."""
    return status_code == 429 or 500 <= status_code <= 599


def server_hint(
    headers: Mapping[str, str], *, now: float | None = None, server_now: float | None = None
) -> float | None:
    """Seconds the server asked us to wait (Retry-After, ratelimit-reset), if it said so.

    ``now`` is the local wall clock (epoch seconds), against which an HTTP-date Retry-After is
    read. ``server_now`` is HTX's own clock when known (its reply's ``ts``, or the local clock
    corrected by the signing offset): ``ratelimit-reset`` is a time on HTX's clock, and
    comparing it with a local clock that is off would wait for the wrong time.
    """
    now = time.time() if now is None else now
    hints: list[float] = []
    retry_after = headers.get("retry-after")
    seconds = header_number(headers, "retry-after")
    if seconds is not None:
        hints.append(seconds)
    elif retry_after:
        with contextlib.suppress(TypeError, ValueError, OverflowError):
            hints.append(parsedate_to_datetime(retry_after).timestamp() - now)
    reset_ms = header_number(headers, "ratelimit-reset")
    if reset_ms is not None:
        hints.append(reset_ms / 1000.0 - (now if server_now is None else server_now))
    hints = [hint for hint in hints if math.isfinite(hint)]
    if not hints:
        return None
    return max(max(hints), 0.0)


def retry_delay(
    retry_number: int,
    *,
    headers: Mapping[str, str] | None = None,
    rng: random.Random | None = None,
    now: float | None = None,
    server_now: float | None = None,
) -> float | None:
    """Seconds before retry number ``retry_number`` (1, 2, ...), or None for "don't retry now".

    Capped exponential backoff with "equal jitter" (half fixed, half random, so chunks that
    failed together spread out but none retries at once), never shorter than what the server
    asked for; None when the server asked for more than ``RETRY_HINT_MAX``.
    """
    ceiling = min(BACKOFF_MAX, BACKOFF_INITIAL * 2.0 ** max(retry_number - 1, 0))
    jitter = random.random() if rng is None else rng.random()  # noqa: S311 - jitter, not crypto
    delay = ceiling / 2 + jitter * ceiling / 2
    hint = None if headers is None else server_hint(headers, now=now, server_now=server_now)
    if hint is None:
        return delay
    if hint > RETRY_HINT_MAX:
        return None
    return max(delay, hint)
