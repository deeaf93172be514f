"""Faults the sandbox injects on demand: what can go wrong between a client and HTX."""

from __future__ import annotations

import enum
import random
from typing import Any

from attrs import field, frozen, validators


class Fault(enum.StrEnum):
    """What happens to one admitted request on its way back to the client."""

    NONE = "none"
    BAD_GATEWAY = "bad_gateway"
    """A gateway's HTTP 502 HTML page; the request is not applied."""
    DROP_AFTER_APPLY = "drop_after_apply"
    """The request is applied (a placed order exists), then the connection closes halfway
    through the reply."""
    DELAY_AFTER_APPLY = "delay_after_apply"
    """The request is applied, then the reply waits `FaultPlan.delay` seconds."""
    JUNK_AFTER_APPLY = "junk_after_apply"
    """The request is applied, then the client gets HTTP 200 with truncated JSON."""


MAX_WAIT = 600.0
"""The longest delay or latency the sandbox holds a reply: past any client timeout worth testing."""


# NaN fails both comparisons, so it is refused with everything else out of range.
def _real_number(instance: object, attribute: Any, value: object) -> None:
    # JSON's true is an int to Python: a probability of `true` would be 1.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{attribute.name} must be a number, not {type(value).__name__}")


_probability = [_real_number, validators.ge(0.0), validators.le(1.0)]


@frozen
class FaultPlan:
    """How likely each fault is for every admitted request, drawn from the sandbox's seeded RNG."""

    p_bad_gateway: float = field(default=0.0, validator=_probability)
    p_drop_after_apply: float = field(default=0.0, validator=_probability)
    p_delay_after_apply: float = field(default=0.0, validator=_probability)
    p_junk_after_apply: float = field(default=0.0, validator=_probability)
    delay: float = field(
        default=2.0, validator=[_real_number, validators.ge(0.0), validators.le(MAX_WAIT)]
    )

    def __attrs_post_init__(self) -> None:
        if sum(p for _, p in self._chances()) > 1.0:
            raise ValueError("fault probabilities add up to more than 1")

    def draw(self, rng: random.Random) -> Fault:
        """One fault (or none) for the next request."""
        roll = rng.random()
        for fault, chance in self._chances():
            if roll < chance:
                return fault
            roll -= chance
        return Fault.NONE

    def _chances(self) -> tuple[tuple[Fault, float], ...]:
        return (
            (Fault.BAD_GATEWAY, self.p_bad_gateway),
            (Fault.DROP_AFTER_APPLY, self.p_drop_after_apply),
            (Fault.DELAY_AFTER_APPLY, self.p_delay_after_apply),
            (Fault.JUNK_AFTER_APPLY, self.p_junk_after_apply),
        )
