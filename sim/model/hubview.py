"""What a decider sees and answers: candidates, deployments, the hub's view, and a decision.

Plain values only (named tuples, frozen dataclasses), so a policy, the players' console and a
recorded decision log all read and answer the same things.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from sim.model.entities import Request
from sim.model.rounding import round3, round6

__all__ = [
    "GRANTING",
    "OUTCOMES",
    "Candidate",
    "Decision",
    "Deployment",
    "HubView",
    "alternatives",
    "priority_score",
]

OUTCOMES = ("approved", "partial", "substitute", "queued", "denied")
GRANTING = frozenset(("approved", "partial", "substitute"))  # outcomes that task units
_CLASS_VALUE = {"A": 1, "B": 2, "C": 3, "D": 4, "E": 5}


def priority_score(
    impact: dict[str, str], urgency_min: float, unmet_share: float, weights: dict[str, float]
) -> float:
    """P = sum_k w_k 3^class_k x U x S  (domain §7, §8.3 rule 5).

    U = 1 + 1/max(urgency_h, 0.5) rewards requests that must be met soon; S is the share of the
    crisis's need that is unmet (floored at 0.1 so a scripted request still ranks).
    """
    return scaled_priority(impact_weight(impact, weights), urgency_min, unmet_share)


def impact_weight(impact: dict[str, str], weights: dict[str, float]) -> float:
    """sum_k w_k 3^class_k of ``priority_score`` (fixed per crisis: worth computing once)."""
    return sum(weights.get(k, 1.0) * 3 ** _CLASS_VALUE[c] for k, c in impact.items()) or 1.0


def scaled_priority(weight: float, urgency_min: float, unmet_share: float) -> float:
    """``priority_score`` from the crisis's ``impact_weight``."""
    urgency = 1.0 + 1.0 / max(urgency_min / 60.0, 0.5)
    return round6(weight * urgency * max(unmet_share, 0.1))


class Candidate(NamedTuple):
    """A capability that could serve a request, as the hub sees it now.

    A named tuple, not a frozen dataclass: the hub builds several per decision, and a frozen
    dataclass's ``__init__`` costs about four times as much.
    """

    capability: str
    free: int
    available_total: int  # units not reserved/unavailable: could free up later
    overlap: int  # request tags it delivers
    travel_min: float
    units_needed: int
    primary: bool
    support_ok: bool  # its support needs (ground crew) can be met now
    legal: bool
    support_possible: bool = True  # ...or could be once units free up


@dataclass(frozen=True)
class Decision:
    """An answer on a request. ``by`` names who made it when not the hub's own decider
    (``players``, or a recorded ``policy:<name>``); empty for a policy answering itself."""

    outcome: str  # approved | partial | substitute | queued | denied
    capability: str | None = None
    units: int = 0
    reason: str = ""
    alternatives: tuple[dict[str, Any], ...] = ()
    by: str = ""


class Deployment(NamedTuple):
    """A deployed unit that could be moved, with the priority of what it serves now."""

    unit: str
    capability: str
    request: Request
    priority: float
    life_safety: bool


@dataclass
class HubView:
    """What a decider may look at: candidates per request and current deployments.

    Deployments are listed per capability and only when a decider asks: most decisions never
    need them, and a full list would cost a pass over every tasked unit.
    """

    candidates: list[Candidate]
    region_units_in_use: dict[str, int] = field(default_factory=dict)
    hysteresis: float = 0.25
    deployments_source: Callable[[list[str]], list[Deployment]] | None = None
    travel_source: Callable[[Request], float] | None = None

    def deployments_of(self, capabilities: list[str]) -> list[Deployment]:
        """Deployed units of these capabilities, cheapest to move first: by (priority, unit)."""
        return self.deployments_source(capabilities) if self.deployments_source else []

    def travel_min(self, request: Request) -> float:
        """Minutes from the nearest base that could serve ``request`` (0 when unknown)."""
        return self.travel_source(request) if self.travel_source else 0.0


def alternatives(view: HubView) -> tuple[dict[str, Any], ...]:
    """The options on the table, as the journal and ``decisions.jsonl`` record them."""
    return tuple(
        {
            "capability": c.capability,
            "free": c.free,
            "overlap": c.overlap,
            "travel_min": round3(c.travel_min),
        }
        for c in view.candidates
    )
