"""What the hub sees when it decides: request priorities, deployed units, the decider's view.

Split from the hub so that its caches live with what they cache: a request's priority score
is kept until the unmet share it was scored on changes (``demand.share``); the movable
deployed units of a set of capabilities until their epochs or the pending reallocations change;
their priorities until any unmet share changes (``demand.version``). Collaborators: the capacity
book, the demand picture, the crises' impact, the priority weights, and the reallocations
(``connect``: they are built with the hub).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sim.exercise.models import Crisis
from sim.model.capacity import CapacityBook
from sim.model.demand import DemandBook
from sim.model.entities import Request, Unit
from sim.model.hubview import (
    GRANTING,
    Candidate,
    Decision,
    Deployment,
    HubView,
    impact_weight,
    priority_score,
    scaled_priority,
)

if TYPE_CHECKING:
    from sim.model.reallocation import Reallocations

__all__ = ["HubSight"]


class HubSight:
    def __init__(
        self,
        book: CapacityBook,
        demand: DemandBook,
        crisis_specs: dict[str, Crisis],
        weights: dict[str, float],
        hysteresis: Any,
    ) -> None:
        self.book = book
        self.demand = demand
        self.crisis_specs = crisis_specs
        self.weights = weights
        self.hysteresis = hysteresis
        self._scores: dict[Request, tuple[float, float]] = {}  # (unmet share, priority score)
        self._impact_weight: dict[str, float] = {}  # crisis -> its weighted impact (fixed)
        self._deployment_cache: dict[tuple[str, ...], tuple[Any, list[Deployment]]] = {}
        self._movable_cache: dict[tuple[str, ...], tuple[Any, list[Unit]]] = {}

    def connect(self, moves: Reallocations) -> None:
        self.moves = moves

    def priority(self, req: Request) -> float:
        """P of §7 on the current unmet share; cached until that share changes."""
        if req.crisis is None:
            return priority_score({}, req.urgency, 1.0, self.weights)
        share = self.demand.share.get((req.crisis, req.region), 1.0)
        cached = self._scores.get(req)
        if cached is not None and cached[0] == share:
            return cached[1]
        weight = self._impact_weight.get(req.crisis)
        if weight is None:
            impact = self.crisis_specs[req.crisis].impact
            weight = impact_weight(impact, self.weights)  # type: ignore[arg-type]
            self._impact_weight[req.crisis] = weight
        score = scaled_priority(weight, req.urgency, share)
        self._scores[req] = (share, score)
        return score

    def forget(self, req: Request) -> None:
        self._scores.pop(req, None)

    def deployments(self, capabilities: list[str]) -> list[Deployment]:
        """Deployed units of these capabilities with current priorities.

        Two caches: the movable units change only with these capabilities' unit states (and
        pending reallocations); their priorities only with the unmet shares (``demand.version``).
        """
        book = self.book
        caps = tuple(capabilities)
        unit_key = (tuple(book.epoch.get(c, 0) for c in capabilities), self.moves.version)
        hit = self._deployment_cache.get(caps)
        if hit is not None and hit[0] == (unit_key, self.demand.version):
            return hit[1]
        units_hit = self._movable_cache.get(caps)
        if units_hit is None or units_hit[0] != unit_key:
            movable = [u for u in book.deployed_units(capabilities) if self.moves.movable(u)]
            self._movable_cache[caps] = units_hit = (unit_key, movable)
        priority = self.priority
        out = sorted(
            [
                Deployment(u.id, u.cap_id, u.request, priority(u.request), u.request.life_safety)
                for u in units_hit[1]
                if u.request is not None
            ],
            key=_cheapest_first,
        )
        self._deployment_cache[caps] = ((unit_key, self.demand.version), out)
        return out

    def snapshot(self) -> HubView:
        """Regional use as it stands; deployments on demand; candidates filled per request."""
        return HubView(
            [],
            self.book.units_in_use_by_region(),
            self.hysteresis,
            self.deployments,
            self.book.nearest_travel,
        )

    def view(
        self,
        req: Request,
        snapshot: HubView | None = None,
        candidates: list[Candidate] | None = None,
    ) -> HubView:
        """``candidates``: the request's, when the caller knows they have not changed."""
        base = snapshot or self.snapshot()
        return HubView(
            self.book.candidates(req) if candidates is None else candidates,
            base.region_units_in_use,
            base.hysteresis,
            self.deployments,
            base.travel_source,
        )

    def check(self, req: Request, d: Decision) -> str | None:
        """Why a decision cannot be carried out now (None: it can). Policies never fail this;
        an answer from outside the world (players, a recorded log) is checked before use."""
        if not req.open:
            return f"{req.id} is closed"
        if d.outcome not in GRANTING:
            return None
        if d.capability is None:
            return f"{d.outcome} needs a capability"
        option = next((c for c in self.view(req).candidates if c.capability == d.capability), None)
        if option is None:
            return f"{d.capability} cannot serve {req.id}"
        if not option.legal:
            return f"route {req.route} does not allow {d.capability}"
        if d.units < 1:
            return "at least 1 unit"
        if d.units > option.free:
            return f"only {option.free} x {d.capability} free"
        if not option.support_ok:
            return f"no free support crew for {d.capability}"
        return None


def _cheapest_first(d: Deployment) -> tuple[float, str]:
    return (d.priority, d.unit)
