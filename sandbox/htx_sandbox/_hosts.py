"""Host names and authorities: what is loopback, what is a wildcard, what a `Host` names.

Kept apart from the admin API so that `running()` can decide on a token without importing
Starlette.
"""

from __future__ import annotations

import ipaddress


def split_authority(authority: str) -> tuple[str, int | None] | None:
    """`host[:port]` as (lower-case host without brackets, port), or None when malformed."""
    text = authority.strip().lower()
    if text.startswith("["):
        name, bracket, rest = text[1:].partition("]")
        if not bracket or (rest and not rest.startswith(":")):
            return None
        port_text = rest[1:] if rest else None
    elif text.count(":") <= 1:
        name, colon, port_text_or_empty = text.partition(":")
        port_text = port_text_or_empty if colon else None
    else:
        return None
    if not name:
        return None
    if port_text is None:
        return name, None
    if not (port_text.isascii() and port_text.isdigit()) or not 0 < int(port_text) < 65536:
        return None
    return name, int(port_text)


def is_loopback(host: str) -> bool:
    """Whether binding to `host` keeps the sandbox on this machine's loopback."""
    name = host.strip("[]").lower()
    return name == "localhost" or (is_ip(name) and ipaddress.ip_address(name).is_loopback)


def is_wildcard(host: str) -> bool:
    """Whether `host` (`0.0.0.0`, `::`, ``) binds every address of the machine."""
    name = host.strip("[]")
    return not name or (is_ip(name) and ipaddress.ip_address(name).is_unspecified)


def is_ip(name: str) -> bool:
    """Whether `name` is an IPv4 or IPv6 address (no brackets)."""
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True
