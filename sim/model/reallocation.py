"""Moving a deployed unit to another request: the order, the decision latency, the move.

An order takes effect after the decision latency of the exercise's reallocation authority
(clear: about 30 min; unclear: hours [S47e], §8.3 rule 8). It is cancelled if the request
closed or the unit no longer serves the request it was taken from. A policy orders a move
for a queued request it cannot otherwise serve; the players order one from the console.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sim.model.entities import Request, Unit, units_needed
from sim.model.hubview import Decision, Deployment

if TYPE_CHECKING:
    from sim.model.hub import Hub

__all__ = ["Reallocations"]


class Reallocations:
    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self.moving: set[str] = set()  # units with an order under way
        self.version = 0  # changes whenever a unit starts or stops being moved

    def movable(self, unit: Unit) -> bool:
        """A unit the hub may move: tasked, not a support crew, not already being moved."""
        return (
            unit.request is not None
            and unit.id not in self.moving
            and unit.support_for is None
            and unit.tasked
        )

    def _detail(self, victim: Deployment, latency: float, req: Request) -> dict[str, Any]:
        return {
            "from_request": victim.request.id,
            "from_region": victim.request.region,
            "latency": round(latency, 6),
            "authority": self.hub.authority,
            "priority_new": req.priority,
            "priority_current": victim.priority,
        }

    def _record(self, state: str, req: Request, unit: Unit, detail: dict[str, Any]) -> None:
        hub = self.hub
        hub.record(
            "reallocation",
            hub.env.now,
            unit=unit.id,
            capability=unit.cap_id,
            request=req.id,
            region=req.region,
            state=state,
            detail=detail,
        )

    def order(self, req: Request, victim: Deployment, who: str, asked: float | None) -> None:
        """Order a move; it takes effect after the decision latency (§8.3 rule 8, [S47e])."""
        hub = self.hub
        unit = hub.book.unit(victim.unit)
        choice = {"unit": unit.id, "from_request": victim.request.id, "to_request": req.id}
        hub.decisions(hub.env.now, "reallocation", unit.id, who, choice, asked=asked)
        spec = hub.spec
        dist = (
            spec.reallocation_latency_clear
            if hub.authority == "clear"
            else spec.reallocation_latency_unclear
        )
        latency = hub.streams.draw(dist, req.stream)
        self.moving.add(unit.id)
        self.version += 1
        hub.queue.remove(req)
        self._record("ordered", req, unit, self._detail(victim, latency, req))
        hub.requests.emit(
            req, "queued", reason=f"reallocation of {unit.id} ordered; decision latency"
        )
        hub._emit_queue()
        hub.env.process(self._effective(req, unit, victim, latency, who))

    def _effective(
        self, req: Request, unit: Unit, victim: Deployment, latency: float, who: str
    ) -> Any:
        hub = self.hub
        yield hub.env.timeout(latency)
        yield from hub._outage()
        self.moving.discard(unit.id)
        self.version += 1
        detail = self._detail(victim, latency, req)
        if not req.open or unit.request is not victim.request or not unit.tasked:
            why = (
                "request closed meanwhile"
                if not req.open
                else f"{unit.id} no longer serves {victim.request.id}"
            )
            self._record("cancelled", req, unit, {**detail, "reason": why})
            if req.open and not req.decided:
                hub.requeue(req, f"reallocation cancelled: {why}")
            return
        needed = units_needed(req.quantity, req.measure, unit.capability.unit_size)
        outcome = "approved" if needed <= 1 else "partial"
        d = Decision(
            outcome,
            unit.cap_id,
            1,
            f"reallocated {unit.id} from {victim.request.id} ({victim.request.region})",
        )
        hub.record_decision(req, d, [unit], who.removeprefix("policy:"))
        self._record("effective", req, unit, detail)
        req.granted_capability = unit.cap_id
        req.granted_units += 1
        req.partial = req.partial or req.granted_units < needed
        hub.requests.emit(req, "tasked", units=[unit.id], decision="reallocation")
        hub.life.reassign(unit, req)
        hub._emit_queue()
        hub.changed()
