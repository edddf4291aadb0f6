"""The hub's decision policies: FIFO, priority and fair share.

A policy answers at once. It orders the hub's work (``order_key``), decides on a request
(``decide``) from a read-only ``HubView``, says whether to move a deployed unit
(``reallocation``) and whether to mobilise the generic manpower pool nationally (``mobilise``).
``PolicyDecider`` (deciders.py) puts one behind the decider seam; the players' and the recorded
deciders use one as their advisor.

Shared decision rule (domain §8.3 rules 4, 7): grant the means asked for when enough is free;
grant part when some is; otherwise offer a substitute by effect-tag overlap ("ask for the
effect, not the means" [S28]); otherwise queue when capacity exists that will free up; deny
when nothing could ever serve (all reserved for main task 1, or no capability delivers it).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sim.model.entities import Request
from sim.model.hubview import Decision, Deployment, HubView, alternatives

__all__ = [
    "POLICIES",
    "FairSharePolicy",
    "FifoPolicy",
    "Policy",
    "PriorityPolicy",
    "standard_decision",
]


def standard_decision(request: Request, view: HubView) -> Decision:
    """The shared allocation rule; policies differ in order and preemption, not in this."""
    alts = alternatives(view)
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
                # how many are free too: "2 x FBO_CH47 free" beside a board showing 4 free
                # read as "only 2" (the older form stays readable: analysis/reasons.py)
                f"{best.units_needed} x {best.capability} needed, {best.free} free",
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


class FifoPolicy:
    """First come, first served; never moves a deployed unit."""

    name = "fifo"
    rescans_all = False  # answers depend only on the capabilities a request could use

    def __init__(self, params: dict[str, float] | None = None) -> None:
        self.params = params or {}

    def order_key(self, request: Request, view: HubView) -> tuple[Any, ...]:
        return (request.submitted, request.seq)

    def decide(self, request: Request, view: HubView) -> Decision:
        return standard_decision(request, view)

    def reallocation(self, request: Request, view: HubView) -> Deployment | None:
        return None

    def may_reallocate(self, request: Request) -> bool:
        return False

    def mobilise(self, waiting: Sequence[Request], threshold: int) -> bool:
        """Mobilise the generic pool once ``threshold`` manpower requests wait (§8.3) [INF]."""
        return threshold > 0 and len(waiting) >= threshold


class PriorityPolicy(FifoPolicy):
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

    def may_reallocate(self, request: Request) -> bool:
        return request.life_safety or self.params.get("preempt_non_life_safety", 0.0) != 0.0

    def reallocation(self, request: Request, view: HubView) -> Deployment | None:
        """Move a unit only if P_new > (1 + h) P_current and life safety does not lose (rule 8),
        and only a unit whose support (a fire-bucket helicopter's ground crew) can be had at
        the new site now: moving it to wait grounded serves nobody [S47e]. The players (and
        injects) may still order such a move; the crew then follows when its site empties."""
        if not self.may_reallocate(request):
            return None
        wanted = sorted(
            {c.capability for c in view.candidates if c.legal and c.primary and c.support_ok}
        )
        for d in view.deployments_of(wanted):  # lowest priority first: the first that may go
            if d.request.region == request.region and d.request.crisis == request.crisis:
                continue
            if d.life_safety and not request.life_safety:
                continue
            return d if (request.priority or 0.0) > (1.0 + view.hysteresis) * d.priority else None
        return None


class FairSharePolicy(PriorityPolicy):
    """Spread units between regions: the region with fewest units in use goes first."""

    name = "fair-share"
    rescans_all = True  # regional shares change every answer: re-examine every queued request

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

    def reallocation(self, request: Request, view: HubView) -> Deployment | None:
        mine = view.region_units_in_use.get(request.region, 0)
        candidate = super().reallocation(request, view)
        if candidate is None:
            return None
        theirs = view.region_units_in_use.get(candidate.request.region, 0)
        return candidate if theirs > mine + 1 else None


Policy = FifoPolicy  # the policy interface: FifoPolicy's methods, overridden by the others

POLICIES: dict[str, type[FifoPolicy]] = {
    "fifo": FifoPolicy,
    "priority": PriorityPolicy,
    "fair-share": FairSharePolicy,
}
