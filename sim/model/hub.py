"""The national hub: LOCC/KCR2 handling requests with the Defence desk (DJZ, DOPS-CAT, TOC).

Each request passes intake, the legal test (DJZ), the capacity test (CAT: "wil, kan, mag", main
task 1 reservations respected) and a decision; a limited staff works on as many requests at once.
The waiting line is a heap keyed by the decider's order (never ``simpy.PriorityResource``, which
re-sorts on every request). Queued requests are re-examined when capacity frees up, when a
request arrives, and every hour (§8.3 rule 6); a decider may then move a deployed unit, after a
decision latency that depends on whether reallocation authority is clear [S47e].
"""

from __future__ import annotations

import heapq
from typing import TYPE_CHECKING, Any

from sim.model.deciders import Decider, Decision, Deployment, HubView, make_decider, priority_score
from sim.model.entities import Request, Unit, units_needed
from sim.model.legal import legal_problem

if TYPE_CHECKING:
    from sim.model.world import World

__all__ = ["Hub"]

CYCLE_MIN = 60.0


def _cheapest_first(d: Deployment) -> tuple[float, str]:
    return (d.priority, d.unit)


class Hub:
    def __init__(self, world: World, decider: Decider | None = None) -> None:
        self.w = world
        hub = world.ex.hub
        self.staff = hub.staff
        self.busy = 0
        self.outage_until = 0.0
        self.authority = hub.reallocation_authority
        self.decider: Decider = decider or make_decider(hub.policy, hub.policy_params)
        self.waiting: list[tuple[Any, ...]] = []
        self.queued: dict[Request, None] = {}  # an ordered set: queue order, O(1) membership
        self._queued_by_cap: dict[str, dict[Request, None]] = {}  # capability -> queued requests
        self._unexamined: dict[Request, None] = {}  # queued, never re-examined
        self._poke_pending = False
        self._reallocating: set[str] = set()
        self._last_queue: tuple[int, int] | None = None
        self._waiting_open = 0
        self._deployment_cache: dict[tuple[str, ...], tuple[Any, list[Deployment]]] = {}
        self._movable_cache: dict[tuple[str, ...], tuple[Any, list[Unit]]] = {}
        self._realloc_version = 0  # changes whenever a unit starts or stops being moved
        self.weights = {k[2:]: v for k, v in hub.policy_params.items() if k.startswith("w_")}

    def start(self) -> None:
        self.w.env.process(self._cycle())

    def _cycle(self) -> Any:
        while True:
            yield self.w.env.timeout(CYCLE_MIN)
            if self.queued:
                self.reexamine(hourly=self.w.ex.hub.reallocation)

    # -- intake ------------------------------------------------------------------------------
    def submit(self, req: Request) -> None:
        w = self.w
        req.submitted = w.env.now
        req.priority = self._priority(req)
        w.requests.emit(req, "submitted")
        heapq.heappush(self.waiting, (*self.decider.order_key(req, self._snapshot()), req.seq, req))
        req.in_waiting = True
        self._waiting_open += 1
        self._emit_queue()
        self._dispatch()
        if self.queued:
            self.poke()

    def _priority(self, req: Request) -> float:
        """P of §7 on the current unmet share; cached until that share changes."""
        if req.crisis is None:
            return priority_score({}, req.urgency, 1.0, self.weights)
        share = self.w.demand.share.get((req.crisis, req.region), 1.0)
        cached = req.score_cache
        if cached is not None and cached[0] == share:
            return cached[1]  # type: ignore[no-any-return]
        w = self.w
        score = priority_score(w.crisis_specs[req.crisis].impact, req.urgency, share, self.weights)
        req.score_cache = (share, score)
        return score

    def _dispatch(self) -> None:
        w = self.w
        while self.busy < self.staff and self.waiting and w.env.now >= self.outage_until:
            *_, req = heapq.heappop(self.waiting)
            if not req.in_waiting:
                continue
            req.in_waiting = False
            self._waiting_open -= 1
            if not req.open:
                continue
            self.busy += 1
            w.env.process(self._handle(req))
        self._emit_queue()

    def steps_for(self, req: Request) -> Any:
        """Urgent requests go by phone first and are confirmed in writing later (§2.1) [INF]."""
        hub = self.w.ex.hub
        return hub.fast_track if req.urgency <= hub.fast_track_urgency else hub.steps

    def _step(self, req: Request, state: str, dist_name: str) -> Any:
        self.w.requests.emit(req, state)
        dist = getattr(self.steps_for(req), dist_name)
        yield self.w.env.timeout(self.w.streams.draw(dist, req.stream))

    def _outage(self) -> Any:
        """Work in hand waits while the hub is down (a portal outage stops decisions too)."""
        while self.w.env.now < self.outage_until:
            yield self.w.env.timeout(self.outage_until - self.w.env.now)

    def _handle(self, req: Request) -> Any:
        w = self.w
        try:
            yield from self._step(req, "intake", "intake")
            yield from self._outage()
            if not req.open:
                return
            yield from self._step(req, "legal_check", "legal")
            yield from self._outage()
            if not req.open:
                return
            public_order = any(
                w.ex.tags[t].route in ("PW57", "PW58") for t in req.tags if t in w.ex.tags
            )
            problem = legal_problem(req, w.defence.capabilities, public_order)
            if problem is not None:
                self._apply(req, Decision("denied", reason=f"legal test: {problem}"))
                return
            yield from self._step(req, "capacity_check", "capacity")
            yield from self._outage()
            if not req.open:
                return
            yield w.env.timeout(w.streams.draw(self.steps_for(req).decision, req.stream))
            yield from self._outage()
            if not req.open:
                return
            self._apply(req, self.decider.decide(req, self._view(req)))
        finally:
            self.busy -= 1
            if not w.finished:  # not when a dropped world's generators are closed after ENDEX
                self._dispatch()

    # -- decisions -------------------------------------------------------------------------------
    def _deployments(self, capabilities: list[str]) -> list[Deployment]:
        """Deployed units of these capabilities with current priorities.

        Two caches: the movable units change only with these capabilities' unit states (and
        pending reallocations); their priorities only with the unmet shares (``demand.version``).
        """
        w = self.w
        caps = tuple(capabilities)
        unit_key = (tuple(w.defence.epoch.get(c, 0) for c in capabilities), self._realloc_version)
        hit = self._deployment_cache.get(caps)
        if hit is not None and hit[0] == (unit_key, w.demand.version):
            return hit[1]
        units_hit = self._movable_cache.get(caps)
        if units_hit is None or units_hit[0] != unit_key:
            movable = [
                u
                for u in w.defence.deployed_units(capabilities)
                if u.request is not None
                and u.id not in self._reallocating
                and u.support_for is None
                and u.tasked
            ]
            self._movable_cache[caps] = units_hit = (unit_key, movable)
        priority = self._priority
        out = sorted(
            [
                Deployment(u.id, u.cap_id, u.request, priority(u.request), u.request.life_safety)
                for u in units_hit[1]
            ],
            key=_cheapest_first,
        )
        self._deployment_cache[caps] = ((unit_key, w.demand.version), out)
        return out

    def _snapshot(self) -> HubView:
        """Regional use as it stands; deployments on demand; candidates filled per request."""
        w = self.w
        return HubView(
            [],
            w.defence.units_in_use_by_region(),
            w.ex.hub.hysteresis,
            self._deployments,
            w.defence.nearest_travel,
        )

    def _view(self, req: Request, snapshot: HubView | None = None) -> HubView:
        base = snapshot or self._snapshot()
        return HubView(
            self.w.defence.candidates(req),
            base.region_units_in_use,
            base.hysteresis,
            self._deployments,
            base.travel_source,
        )

    def _apply(self, req: Request, d: Decision) -> None:
        w = self.w
        units: list[Unit] = []
        if d.outcome in {"approved", "partial", "substitute"} and d.capability is not None:
            units = w.defence.grant(req, d.capability, d.units)
        self._record_decision(req, d, units)
        if d.outcome == "queued":
            self._enqueue(req)
            w.requests.emit(req, "queued", reason=d.reason)
            w.queued_events += 1
            self._emit_queue()
            w.changed()
            return
        if d.outcome == "denied":
            w.denials += 1
            w.requests.close(req, "denied", d.reason)
            w.changed()
            return
        self._dequeue(req)
        req.granted_capability = d.capability
        req.granted_units += len([u for u in units if u.support_for is None])
        req.substituted = req.substituted or d.outcome == "substitute"
        req.partial = req.partial or d.outcome == "partial"
        w.requests.emit(req, "tasked", units=[u.id for u in units], decision=d.outcome)
        tasking = w.streams.draw(self.steps_for(req).tasking, req.stream)
        w.defence.deploy(units, req, tasking)
        self._emit_queue()
        w.changed()

    def _record_decision(self, req: Request, d: Decision, units: list[Unit]) -> None:
        w = self.w
        needed = None
        if req.capability is not None and req.capability in w.defence.capabilities:
            needed = units_needed(
                req.quantity, req.measure, w.defence.capabilities[req.capability].unit_size
            )
        w.record(
            "decision",
            w.env.now,
            request=req.id,
            region=req.region,
            crisis=req.crisis,
            state=d.outcome,
            capability=d.capability,
            qty=len([u for u in units if u.support_for is None]),
            detail={
                "reason": d.reason,
                "decider": self.decider.name,
                "priority": req.priority,
                "units": [u.id for u in units],
                "requested_capability": req.capability,
                "requested_units": needed,
                "alternatives": list(d.alternatives),
            },
        )

    # -- queued requests -----------------------------------------------------------------------
    def _enqueue(self, req: Request) -> None:
        """Queue a request, indexed by the capabilities whose changes could help it."""
        self.queued[req] = None
        for cap in self.w.defence.relevant(req):
            self._queued_by_cap.setdefault(cap, {})[req] = None
        if req.exam_key is None:
            self._unexamined[req] = None

    def _dequeue(self, req: Request) -> bool:
        """Take a request off the queue; False if it was not queued."""
        if req not in self.queued:
            return False
        del self.queued[req]
        for cap in self.w.defence.relevant(req):
            self._queued_by_cap[cap].pop(req, None)
        self._unexamined.pop(req, None)
        return True

    def is_queued(self, req: Request) -> bool:
        return req in self.queued

    def forget(self, req: Request) -> None:
        if req.in_waiting:
            req.in_waiting = False
            self._waiting_open -= 1
            self._emit_queue()
        if self._dequeue(req):
            self._emit_queue()

    def poke(self) -> None:
        """Re-examine the queued requests soon (once per moment, however many pokes)."""
        if self._poke_pending or not self.queued:
            return
        self._poke_pending = True
        self.w.env.process(self._poked())

    def _poked(self) -> Any:
        yield self.w.env.timeout(0)
        self._poke_pending = False
        self.reexamine()

    def reexamine(self, hourly: bool = False) -> None:
        """Decide again on queued requests whose candidate capacity changed since last time.

        The hourly round also looks again at every request the decider might move a unit for:
        the priorities that preemption weighs change with unmet need, not with unit states.
        """
        w = self.w
        if w.env.now < self.outage_until or not self.queued:
            return
        snapshot = self._snapshot()
        dirty = w.defence.dirty.keys()
        # looked at again whatever their key says: the hourly round's possible preemptions
        forced = {r for r in self.queued if self.decider.may_preempt(r)} if hourly else set()
        if self.decider.name == "fair-share":
            pool = list(self.queued)  # regional shares or an outage change every answer
        else:
            chosen = dict(self._unexamined)
            for cap in dirty:
                chosen.update(self._queued_by_cap.get(cap, {}))
            chosen.update(dict.fromkeys(forced))
            pool = list(chosen)  # order does not matter: sorted below
        w.defence.dirty = {}
        for r in pool:  # the picture changed: score on today's unmet need (§8.3 rule 5)
            r.priority = self._priority(r)
        order = sorted(pool, key=lambda r: (*self.decider.order_key(r, snapshot), r.seq))
        for req in order:
            if req not in self.queued or not req.open:
                continue
            key = w.defence.exam_key(req, self.decider.name == "fair-share")
            if key == req.exam_key and req not in forced:
                continue  # nothing it could use has changed: the answer would be the same
            view = self._view(req, snapshot)
            d = self.decider.decide(req, view)
            if d.outcome != "queued":
                self._apply(req, d)
                snapshot = self._snapshot()
                continue
            victim = self.decider.preempt(req, view) if w.ex.hub.reallocation else None
            if victim is not None:
                self._reallocate(req, victim)
                snapshot = self._snapshot()
            else:
                req.exam_key = key
                self._unexamined.pop(req, None)

    # -- reallocation (preemption) ---------------------------------------------------------------
    def _reallocation_detail(
        self, victim: Deployment, latency: float, req: Request
    ) -> dict[str, Any]:
        return {
            "from_request": victim.request.id,
            "from_region": victim.request.region,
            "latency": round(latency, 6),
            "authority": self.authority,
            "priority_new": req.priority,
            "priority_current": victim.priority,
        }

    def _record_reallocation(
        self, state: str, req: Request, unit: Unit, detail: dict[str, Any]
    ) -> None:
        self.w.record(
            "reallocation",
            self.w.env.now,
            unit=unit.id,
            capability=unit.cap_id,
            request=req.id,
            region=req.region,
            state=state,
            detail=detail,
        )

    def _reallocate(self, req: Request, victim: Deployment) -> None:
        """Order a move; it takes effect after the decision latency (§8.3 rule 8, [S47e])."""
        w = self.w
        unit = w.defence.unit(victim.unit)
        dist = (
            w.ex.hub.reallocation_latency_clear
            if self.authority == "clear"
            else w.ex.hub.reallocation_latency_unclear
        )
        latency = w.streams.draw(dist, req.stream)
        self._reallocating.add(unit.id)
        self._realloc_version += 1
        self._dequeue(req)
        self._record_reallocation(
            "ordered", req, unit, self._reallocation_detail(victim, latency, req)
        )
        w.requests.emit(
            req, "queued", reason=f"reallocation of {unit.id} ordered; decision latency"
        )
        self._emit_queue()
        w.env.process(self._reallocation_effective(req, unit, victim, latency))

    def _reallocation_effective(
        self, req: Request, unit: Unit, victim: Deployment, latency: float
    ) -> Any:
        w = self.w
        yield w.env.timeout(latency)
        yield from self._outage()
        self._reallocating.discard(unit.id)
        self._realloc_version += 1
        detail = self._reallocation_detail(victim, latency, req)
        if not req.open or unit.request is not victim.request or not unit.tasked:
            why = (
                "request closed meanwhile"
                if not req.open
                else f"{unit.id} no longer serves {victim.request.id}"
            )
            self._record_reallocation("cancelled", req, unit, {**detail, "reason": why})
            if req.open and not req.decided:
                req.exam_key = None
                self._enqueue(req)
                w.requests.emit(req, "queued", reason=f"reallocation cancelled: {why}")
                self._emit_queue()
                self.poke()
            return
        needed = units_needed(req.quantity, req.measure, unit.capability.unit_size)
        outcome = "approved" if needed <= 1 else "partial"
        d = Decision(
            outcome,
            unit.cap_id,
            1,
            f"reallocated {unit.id} from {victim.request.id} ({victim.request.region})",
        )
        self._record_decision(req, d, [unit])
        self._record_reallocation("effective", req, unit, detail)
        w.reallocations += 1
        req.granted_capability = unit.cap_id
        req.granted_units += 1
        req.partial = req.partial or req.granted_units < needed
        w.requests.emit(req, "tasked", units=[unit.id], decision="reallocation")
        w.defence.reassign(unit, req)
        self._emit_queue()
        w.changed()

    # -- reviews and settings ----------------------------------------------------------------------
    def review(self, unit: Unit) -> bool:
        """24-hour review: keep the unit while its effect is still needed (§8.3 rule 9)."""
        w = self.w
        req = unit.request
        if req is None or req.crisis is None or not w.crises.runs[req.crisis].active:
            return False
        if (
            req.duration is not None
            and req.submitted is not None
            and w.env.now >= req.submitted + req.duration
        ):
            return False
        key = (req.crisis, req.region)
        for tag in w.demand.contribution_tags(unit):
            need = w.demand.need.get(key, {}).get(tag, 0)
            civil = w.demand.civil.get(key, {}).get(tag, 0)
            mil = w.demand.military.get(key, {}).get(tag, 0)
            if need - civil - (mil - w.demand.unit_amount(unit, tag)) > 0:
                return True
        return unit.support_for is not None and any(
            u.tasked and u.request is req and u.support_for is None for u in req.units
        )

    def set_staff(self, staff: int, inject: str) -> None:
        self.staff = staff
        self.w.record(
            "hub",
            self.w.env.now,
            state="staff",
            value=float(staff),
            inject=inject,
            detail={"staff": staff},
        )
        self._dispatch()

    def outage(self, minutes: float, inject: str) -> None:
        w = self.w
        self.outage_until = max(self.outage_until, w.env.now + minutes)
        w.record(
            "hub",
            w.env.now,
            state="outage_start",
            inject=inject,
            detail={"until": self.outage_until},
        )
        w.env.process(self._outage_end(self.outage_until, inject))

    def _outage_end(self, until: float, inject: str) -> Any:
        yield self.w.env.timeout(until - self.w.env.now)
        if self.w.env.now >= self.outage_until:
            self.w.record("hub", self.w.env.now, state="outage_end", inject=inject, detail={})
            self._dispatch()
            self.poke()

    def set_policy(self, name: str, inject: str) -> None:
        self.decider = make_decider(name, self.w.ex.hub.policy_params)
        self.w.record("hub", self.w.env.now, state="policy", inject=inject, detail={"policy": name})

    def set_authority(self, authority: str, inject: str) -> None:
        self.authority = authority
        self.w.record(
            "hub", self.w.env.now, state="authority", inject=inject, detail={"authority": authority}
        )

    def _emit_queue(self) -> None:
        waiting = self._waiting_open
        sig = (waiting, len(self.queued))
        if sig == self._last_queue:
            return
        self._last_queue = sig
        self.w.record(
            "queue",
            self.w.env.now,
            value=float(waiting + len(self.queued)),
            detail={"waiting": waiting, "queued": len(self.queued)},
        )
