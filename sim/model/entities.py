"""Mutable simulation entities: requests for assistance and Defence units.

The exercise objects are immutable descriptions; these hold the state that changes during a run.
Each has a stable id used in the journal.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sim.exercise.reference import Capability

if TYPE_CHECKING:
    from sim.model.sites import Site

__all__ = [
    "FINAL",
    "IN_USE",
    "TASKED",
    "UNDERWAY",
    "UNIT_STATES",
    "Request",
    "Unit",
    "units_needed",
]

FINAL = "closed"
# working for a request; ``awaiting_support``: a moved helicopter at its new site, grounded until
# a ground crew is on scene there [S47e]
TASKED = frozenset(("mobilising", "in_transit", "on_scene", "refuelling", "awaiting_support"))
# help on its way
UNDERWAY = frozenset(("committed", "mobilising", "in_transit", "refuelling", "awaiting_support"))
IN_USE = TASKED | {"returning", "resting"}  # not free, not reserved, not unavailable
UNIT_STATES = (  # every state a unit can be in, in the order of its life (the unit board's)
    "available",
    "committed",
    "mobilising",
    "in_transit",
    "on_scene",
    "refuelling",
    "awaiting_support",
    "returning",
    "resting",
    "reserved",
    "unavailable",
)


@dataclass(eq=False)
class Request:
    """A request for military assistance (bijstandsverzoek) and its progress."""

    id: str
    seq: int
    region: str
    crisis: str | None
    route: str
    requester: str
    effect: str
    tags: list[str]
    capability: str | None
    quantity: int
    urgency: float
    life_safety: bool
    scripted: bool
    inject: str | None
    created: float
    stream: str = ""  # its random stream's stable name (rng.py): the same request under any policy
    measure: str = "units"
    duration: float | None = None
    submitted: float | None = None
    state: str = "drafted"
    outcome: str | None = None
    priority: float | None = None
    units: list[Unit] = field(default_factory=list)
    granted_units: int = 0
    granted_capability: str | None = None
    substituted: bool = False
    partial: bool = False
    ever_on_scene: bool = False
    site: Site | None = None  # where the effect is needed (sites.py); None: the region's seat

    @property
    def open(self) -> bool:
        return self.state != FINAL

    @property
    def decided(self) -> bool:
        return self.granted_units > 0

    def detail(self) -> dict[str, Any]:
        return {
            "route": self.route,
            "requester": self.requester,
            "tags": list(self.tags),
            "effect": self.effect,
            "urgency": self.urgency,
            "life_safety": self.life_safety,
            "scripted": self.scripted,
            "inject": self.inject,
            "priority": self.priority,
        }


@dataclass(eq=False)
class Unit:
    """One Defence unit (a company, team, helicopter crew, platoon)."""

    id: str
    capability: Capability
    cap_id: str
    number: int
    lat: float
    lon: float
    state: str = "available"
    request: Request | None = None
    process: Any = None
    mt1_pending: bool = False  # return to base, then be reserved for main task 1
    unavailable_pending: bool = False
    season_out: bool = False  # out of its readiness season (FBO: March-October)
    support_for: Request | None = None  # ground crew: accompanies this request's helicopters
    alerted: float | None = None  # when the decision (or a reallocation) reached it: guarantees
    # the capability's tags and unit size as plain values: the demand picture reads them for
    # every unit on every change, and a pydantic attribute read is several dict look-ups
    tags: tuple[str, ...] = field(init=False, repr=False)
    size: int = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.tags = tuple(self.capability.tags)
        self.size = self.capability.unit_size

    @property
    def base(self) -> tuple[float, float]:
        return self.capability.lat, self.capability.lon

    @property
    def in_use(self) -> bool:
        return self.state in IN_USE

    @property
    def tasked(self) -> bool:
        return self.state in TASKED


def units_needed(quantity: int, measure: str, unit_size: int) -> int:
    """Units that supply ``quantity``: persons divide by the unit size, units count one each."""
    if measure == "persons":
        return max(1, math.ceil(quantity / unit_size))
    return max(1, quantity)
