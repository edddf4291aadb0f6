"""Deciders: every choice the hub makes goes through one interface.

A decider orders the hub's work (``order_key``), decides on a request (``decide``) given a
read-only ``HubView`` of capacity, and says whether to move a deployed unit (``preempt``).
Policies are deciders; so is the live console and a recorded decision log.

Shared decision rule (domain §8.3 rules 4, 7): grant the means asked for when enough is free;
grant part when some is; otherwise offer a substitute by effect-tag overlap ("ask for the
effect, not the means" [S28]); otherwise queue when capacity exists that will free up; deny
when nothing could ever serve (all reserved for main task 1, or no capability delivers it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol

from sim.model.entities import Request

__all__ = [
    "DECIDERS",
    "Candidate",
    "Decider",
    "Decision",
    "FairShareDecider",
    "FifoDecider",
    "HubView",
    "PriorityDecider",
    "make_decider",
    "priority_score",
]

_CLASS_VALUE = {"A": 1, "B": 2, "C": 3, "D": 4, "E": 5}


def priority_score(
    impact: dict[str, str], urgency_min: float, unmet_share: float, weights: dict[str, float]
) -> float:
    """P = sum_k w_k 3^class_k x U x S  (domain §7, §8.3 rule 5).

    U = 1 + 1/max(urgency_h, 0.5) rewards requests that must be met soon; S is the share of the
    crisis's need that is unmet (floored at 0.1 so a scripted request still ranks).
    """
    base = sum(weights.get(k, 1.0) * 3 ** _CLASS_VALUE[c] for k, c in impact.items()) or 1.0
    urgency = 1.0 + 1.0 / max(urgency_min / 60.0, 0.5)
    return round(base * urgency * max(unmet_share, 0.1), 6)


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
    outcome: str  # approved | partial | substitute | queued | denied
    capability: str | None = None
    units: int = 0
    reason: str = ""
    alternatives: tuple[dict[str, Any], ...] = ()


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


class Decider(Protocol):
    name: str

    def order_key(self, request: Request, view: HubView) -> tuple[Any, ...]: ...

    def decide(self, request: Request, view: HubView) -> Decision: ...

    def preempt(self, request: Request, view: HubView) -> Deployment | None: ...

    def may_preempt(self, request: Request) -> bool:
        """Whether ``preempt`` could ever move a unit for this request (it is asked hourly)."""
        ...


def _alternatives(view: HubView) -> tuple[dict[str, Any], ...]:
    return tuple(
        {
            "capability": c.capability,
            "free": c.free,
            "overlap": c.overlap,
            "travel_min": round(c.travel_min, 3),
        }
        for c in view.candidates
    )


def standard_decision(request: Request, view: HubView) -> Decision:
    """The shared allocation rule; policies differ in order and preemption, not in this."""
    alts = _alternatives(view)
    legal = [c for c in view.candidates if c.legal]
    if not legal:
        return Decision(
            "denied",
            reason=f"no Defence capability may deliver {', '.join(request.tags)} on route {request.route}",
            alternatives=alts,
        )
    primary = [c for c in legal if c.primary]
    usable = [c for c in primary if c.free > 0 and c.support_ok]
    if usable:
        best = min(usable, key=lambda c: (c.travel_min, c.capability))
        if best.free >= best.units_needed:
            return Decision(
                "approved",
                best.capability,
                best.units_needed,
                f"{best.units_needed} x {best.capability} free",
                alts,
            )
        return Decision(
            "partial",
            best.capability,
            best.free,
            f"only {best.free} of {best.units_needed} x {best.capability} free",
            alts,
        )
    subs = [c for c in legal if not c.primary and c.free > 0 and c.support_ok]
    if subs:
        best = min(subs, key=lambda c: (-c.overlap, c.travel_min, c.capability))
        n = min(best.free, best.units_needed)
        asked = request.capability or "/".join(request.tags)
        return Decision(
            "substitute",
            best.capability,
            n,
            f"{asked} exhausted; {n} x {best.capability} delivers the effect",
            alts,
        )
    if any(c.available_total > 0 and c.support_possible for c in legal):
        blocked = [c.capability for c in primary if c.free > 0 and not c.support_ok]
        why = (
            f"no free support crew for {', '.join(blocked)}"
            if blocked
            else "all suitable units are committed"
        )
        return Decision("queued", reason=f"{why}; waits for capacity", alternatives=alts)
    return Decision(
        "denied",
        reason="no suitable units available for national tasks (reserved for main task 1 or unavailable)",
        alternatives=alts,
    )


class FifoDecider:
    """First come, first served; never moves a deployed unit."""

    name = "fifo"

    def __init__(self, params: dict[str, float] | None = None) -> None:
        self.params = params or {}

    def order_key(self, request: Request, view: HubView) -> tuple[Any, ...]:
        return (request.submitted, request.seq)

    def decide(self, request: Request, view: HubView) -> Decision:
        return standard_decision(request, view)

    def preempt(self, request: Request, view: HubView) -> Deployment | None:
        return None

    def may_preempt(self, request: Request) -> bool:
        return False


class PriorityDecider(FifoDecider):
    """Life safety first, then impact on the six security interests x urgency (domain §7);
    equal scores go to the request nearest a base that can serve it, then the earlier one
    (§8.3 rule 5's tie-breakers)."""

    name = "priority"

    def order_key(self, request: Request, view: HubView) -> tuple[Any, ...]:
        return (
            not request.life_safety,
            -(request.priority or 0.0),
            view.travel_min(request),
            request.submitted,
            request.seq,
        )

    def may_preempt(self, request: Request) -> bool:
        return request.life_safety or self.params.get("preempt_non_life_safety", 0.0) != 0.0

    def preempt(self, request: Request, view: HubView) -> Deployment | None:
        """Move a unit only if P_new > (1 + h) P_current and life safety does not lose (rule 8)."""
        if not self.may_preempt(request):
            return None
        wanted = sorted({c.capability for c in view.candidates if c.legal and c.primary})
        for d in view.deployments_of(wanted):  # lowest priority first: the first that may go
            if d.request.region == request.region and d.request.crisis == request.crisis:
                continue
            if d.life_safety and not request.life_safety:
                continue
            return d if (request.priority or 0.0) > (1.0 + view.hysteresis) * d.priority else None
        return None


class FairShareDecider(PriorityDecider):
    """Spread units between regions: the region with fewest units in use goes first."""

    name = "fair-share"

    def order_key(self, request: Request, view: HubView) -> tuple[Any, ...]:
        in_use = view.region_units_in_use.get(request.region, 0)
        return (
            in_use,
            not request.life_safety,
            -(request.priority or 0.0),
            view.travel_min(request),
            request.submitted,
            request.seq,
        )

    def preempt(self, request: Request, view: HubView) -> Deployment | None:
        mine = view.region_units_in_use.get(request.region, 0)
        candidate = super().preempt(request, view)
        if candidate is None:
            return None
        theirs = view.region_units_in_use.get(candidate.request.region, 0)
        return candidate if theirs > mine + 1 else None


DECIDERS: dict[str, type[FifoDecider]] = {
    "fifo": FifoDecider,
    "priority": PriorityDecider,
    "fair-share": FairShareDecider,
}


def make_decider(name: str, params: dict[str, float] | None = None) -> Decider:
    try:
        return DECIDERS[name](params)
    except KeyError:
        raise ValueError(f"unknown policy {name!r}; known: {', '.join(DECIDERS)}") from None
