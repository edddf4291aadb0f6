"""Moving a deployed unit to another request: the order, the decision latency, the move.

An order takes effect after the decision latency of the exercise's reallocation authority
(clear: about 30 min; unclear: hours [S47e], §8.3 rule 8). It is cancelled if the request
closed or the unit no longer serves the request it was taken from. A policy orders a move
for a queued request it cannot otherwise serve; the players order one from the console.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sim.exercise.injectspec import ReallocationOrder
from sim.model.entities import Request, Unit, units_needed
from sim.model.hubview import Decision, Deployment
from sim.model.rounding import round6
from sim.model.unitlife import SUPPORT_CHECK_MIN

if TYPE_CHECKING:
    from sim.model.hub import Hub

__all__ = ["NOT_AT_HUB", "Reallocations"]

NOT_AT_HUB = frozenset(("drafted", "submitted"))  # a request still on its way to the hub


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

    def why_not(self, unit: Unit, req: Request) -> str | None:
        """Why ``unit`` cannot be ordered to ``req`` now (one line), None if it can."""
        if not req.open:
            return f"{req.id} is closed"
        if req.state in NOT_AT_HUB:
            return f"{req.id} has not reached the hub yet (it is {req.state})"
        if not self.movable(unit) or unit.request is None:
            why = "a support crew" if unit.support_for is not None else unit.state.replace("_", " ")
            if unit.id in self.moving:
                why = "being moved already"
            return f"{unit.id} cannot be moved: it is {why}"
        if unit.request is req:
            return f"{unit.id} serves {req.id} already"
        legal = {c.capability for c in self.hub.view(req).candidates if c.legal}
        if unit.cap_id not in legal:
            return f"{unit.cap_id} cannot serve {req.id} (its effect or route)"
        return None

    def pick(
        self,
        cap_id: str,
        n: int,
        req: Request,
        crisis: str | None = None,
        source: Request | None = None,
    ) -> tuple[list[Unit], str | None]:
        """``n`` units of ``cap_id`` that serve ``source`` (a request) or ``crisis`` and may be
        moved to ``req``, lowest numbers first; with the reason if there are fewer than ``n``."""
        units = [
            u
            for u in self.hub.book.units.get(cap_id, [])
            if u.request is not None
            and (u.request is source if source is not None else u.request.crisis == crisis)
        ]
        fit = [u for u in units if self.why_not(u, req) is None]
        if len(fit) >= n:
            return fit[:n], None
        where = source.id if source is not None else f"crisis {crisis}"
        why = f"{len(fit)} of {n} x {cap_id} at {where} can be moved to {req.id}"
        if units and len(fit) < len(units):
            first = next(u for u in units if self.why_not(u, req) is not None)
            why += f" ({self.why_not(first, req)})"
        return fit, why

    def scripted(
        self, order: ReallocationOrder, requests: Sequence[Request], who: str
    ) -> str | None:
        """Carry out a ``reallocate`` inject's order; why not (nothing ordered), or None."""
        by_id = {r.id: r for r in requests}
        by_inject = {r.inject: r for r in requests if r.inject is not None}

        def find(key: str | int | None) -> Request | None:
            text = str(key)
            return by_id.get(text) or by_inject.get(text)

        source = find(order.from_request) if order.from_request is not None else None
        if order.from_request is not None and source is None:
            return f"request {order.from_request} has not been made"
        if order.to_request is not None:
            target = find(order.to_request)
            if target is None:
                return f"request {order.to_request} has not been made"
        else:
            target = self._target(order, requests)
            if target is None:
                return f"crisis {order.to_crisis} has no open request at the hub these units serve"
        if isinstance(order.units, int):
            assert order.capability is not None
            units, problem = self.pick(
                order.capability, order.units, target, crisis=order.from_crisis, source=source
            )
            if problem is not None:
                return problem
        else:
            try:
                units = [self.hub.book.unit(u) for u in order.units]
            except KeyError as exc:
                return f"no unit {exc.args[0]}"
            for u in units:
                where = u.request
                if where is None or (
                    where is not source if source is not None else where.crisis != order.from_crisis
                ):
                    return f"{u.id} does not serve {order.from_request or order.from_crisis}"
        for u in units:
            problem = self.why_not(u, target)
            if problem is not None:
                return problem
        for u in units:
            self.order_unit(u, target, who)
        return None

    def _target(self, order: ReallocationOrder, requests: Sequence[Request]) -> Request | None:
        """The open request of ``to_crisis`` at the hub these units could serve: the one asking
        for the capability first, then the highest priority, then the oldest."""
        cap = order.capability
        if cap is None and isinstance(order.units, list):
            try:
                cap = self.hub.book.unit(order.units[0]).cap_id
            except KeyError:
                cap = None
        fit = []
        for r in requests:
            if not r.open or r.crisis != order.to_crisis or r.state in NOT_AT_HUB:
                continue
            legal = {c.capability for c in self.hub.view(r).candidates if c.legal}
            if cap is None or cap in legal:
                fit.append(r)
        if not fit:
            return None
        return min(fit, key=lambda r: (r.capability != cap, -(r.priority or 0.0), r.id))

    def order_unit(self, unit: Unit, req: Request, who: str, asked: float | None = None) -> None:
        """Order a tasked unit (checked with ``why_not``) to ``req``."""
        current = unit.request
        assert current is not None
        victim = Deployment(
            unit.id, unit.cap_id, current, current.priority or 0.0, current.life_safety
        )
        self.order(req, victim, who, asked)

    def _detail(self, victim: Deployment, latency: float, req: Request) -> dict[str, Any]:
        return {
            "from_request": victim.request.id,
            "from_region": victim.request.region,
            "latency": round6(latency),
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
        for need in unit.capability.needs:
            if not hub.book.crew_coming(need, req):
                hub.env.process(self._support(unit, req, need))
        hub._emit_queue()
        hub.changed()

    def _support(self, unit: Unit, req: Request, need: str) -> Any:
        """Support moves with its unit [S47e]: a free crew is committed and deployed to the new
        site as at a grant; if none is free, one is sent as soon as one is, while the unit still
        serves ``req`` and no crew works there (the unit waits grounded meanwhile)."""
        hub = self.hub
        book = hub.book
        while unit.request is req and req.open and not book.crew_coming(need, req):
            crew = next((u for u in book.units[need] if u.state == "available"), None)
            if crew is None:
                yield hub.env.timeout(SUPPORT_CHECK_MIN)
                continue
            crew.support_for = req
            crew.request = req
            book.state(crew, "committed")
            req.units.append(crew)
            hub.requests.emit(req, "tasked", units=[crew.id], decision=f"support for {unit.id}")
            tasking = hub.streams.draw(hub.steps_for(req).tasking, f"support/{crew.id}")
            hub.life.deploy([crew], req, tasking)
            return
