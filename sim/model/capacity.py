"""The capacity book: every Defence unit, its state, and the capacity test's view of them.

The book owns the units of every capability (the generic pool's too), their counts per state,
the epochs that tell the hub which capabilities changed since it last looked, the indexes of
tasked units (by capability, region, site and the request they are on their way to), and the
travel times from bases to region seats (``travel.py``). It is the one writer of the ``unit`` and
``capacity`` journal events: every state change goes through ``set``. Collaborators are passed
in: the clock, the journal, the exercise's capabilities and regions, and how a tag is measured.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import simpy

from sim.exercise.reference import Capability, Region
from sim.journal import Recorder
from sim.model.deciders import Candidate
from sim.model.entities import TASKED, UNDERWAY, Request, Unit, units_needed
from sim.model.geo import Geography
from sim.model.legal import route_allows
from sim.model.rounding import round6
from sim.model.season import in_season
from sim.model.tally import retally
from sim.model.travel import TravelTimes

__all__ = ["GENERIC", "CapacityBook"]

GENERIC = "GENERIC"
_TRAVELLING = frozenset(("mobilising", "in_transit", "on_scene", "refuelling", "awaiting_support"))


class CapacityBook:
    """Units, their states and indexes; what the hub's capacity test reads."""

    def __init__(
        self,
        env: simpy.Environment,
        record: Recorder,
        capabilities: Mapping[str, Capability],
        regions: Mapping[str, Region],
        geography: Geography,
        tag_measure: Callable[[str], str],
        month: int | None,
        pool_planned: int = 0,
    ) -> None:
        self.env = env
        self.record = record
        self.capabilities: dict[str, Capability] = dict(capabilities)
        self.regions = regions
        self.geography = geography
        self.tag_measure = tag_measure
        self.pool_planned = pool_planned  # pool units once fully mobilised (counted as coming)
        self.units: dict[str, list[Unit]] = {}
        self._by_id: dict[str, Unit] = {}
        self._last_capacity: dict[str, tuple[int, ...]] = {}
        self._tasked: dict[str, dict[str, Unit]] = {}  # capability -> tasked units by id
        self._count: dict[str, dict[str, int]] = {}  # capability -> state -> units
        # capability -> changes that can alter a decision: free, reserved or unavailable units,
        # or which units are tasked where (not a tasked unit's step from travel to scene)
        self.epoch: dict[str, int] = {}
        self.global_epoch = 0
        self.dirty: dict[str, None] = {}  # capabilities changed since the hub last looked
        self._by_tag: dict[str, list[str]] = {}
        self._tag_sets: dict[str, frozenset[str]] = {}
        # each capability's support needs, unit size and planned units, and which routes it may
        # be granted on, as plain values: every decision reads them for every candidate, and a
        # pydantic attribute read is several dict look-ups
        self._needs: dict[str, tuple[str, ...]] = {}
        self._unit_size: dict[str, int] = {}
        self._planned: dict[str, int] = {}
        self._legal: dict[tuple[str, str], bool] = {}
        # tasked units per region, per site (capability, crisis, region), and units on their way
        # per request; each with the key it counts every unit under
        self._region_use: dict[str, int] = {}
        self._unit_region: dict[str, str] = {}
        self.site_use: dict[tuple[str, str | None, str], int] = {}
        self._unit_site: dict[str, tuple[str, str | None, str]] = {}
        # units on their way per request: read-only outside the book (the regions' gaps read
        # it for every open request on every demand change, so without a method call)
        self.underway_by_request: dict[Request, int] = {}
        self._underway_for: dict[str, Request] = {}
        self._relevant_cache: dict[Request, tuple[int, list[str]]] = {}  # capabilities it could use
        self.travel = TravelTimes(self.capabilities, regions, geography, self._by_tag)
        for cap_id, cap in self.capabilities.items():
            self._index(cap_id, cap)
            ready = in_season(cap, month)
            for n in range(1, cap.units + 1):
                unit = self.add_unit(cap_id, cap, n, "available" if ready else "unavailable")
                unit.season_out = not ready

    def _index(self, cap_id: str, cap: Capability) -> None:
        self.units.setdefault(cap_id, [])
        self._count.setdefault(cap_id, {})
        self._tasked.setdefault(cap_id, {})
        self.epoch.setdefault(cap_id, 0)
        self._tag_sets[cap_id] = frozenset(cap.tags)
        self._needs[cap_id] = tuple(cap.needs)
        self._unit_size[cap_id] = cap.unit_size
        self._planned[cap_id] = cap.units
        for tag in cap.tags:
            self._by_tag.setdefault(tag, []).append(cap_id)

    def add_unit(self, cap_id: str, cap: Capability, number: int, state: str) -> Unit:
        """A new unit of a capability (at the start, a capacity change, the pool's ramp)."""
        unit = Unit(f"{cap_id}-{number}", cap, cap_id, number, cap.lat, cap.lon, state=state)
        self.units[cap_id].append(unit)
        self._by_id[unit.id] = unit
        counts = self._count[cap_id]
        counts[state] = counts.get(state, 0) + 1
        self._bump(cap_id)
        return unit

    def _bump(self, cap_id: str) -> None:
        self.epoch[cap_id] = self.epoch.get(cap_id, 0) + 1
        self.global_epoch += 1
        self.dirty[cap_id] = None

    def state(self, unit: Unit, state: str) -> None:
        """Change a unit's state, keeping counts, epochs and regional use in step."""
        counts = self._count[unit.cap_id]
        counts[unit.state] -= 1
        counts[state] = counts.get(state, 0) + 1
        if not (unit.state in TASKED and state in TASKED):
            # moving between tasked states (a sortie, arriving) changes no decision's inputs
            self._bump(unit.cap_id)
        unit.state = state
        self.track(unit)

    def track(self, unit: Unit) -> None:
        """Keep the tables of tasked units up to date: by capability, by region, by site (for
        ground crews) and by request they are on their way to (for the regions' gaps)."""
        tasked = unit.state in TASKED
        req = unit.request if tasked else None
        if tasked:
            self._tasked[unit.cap_id][unit.id] = unit
        else:
            self._tasked[unit.cap_id].pop(unit.id, None)
        site = (unit.cap_id, req.crisis, req.region) if req is not None else None
        if retally(self.site_use, self._unit_site, unit.id, site):
            self._bump(unit.cap_id)  # serves elsewhere now: support and preemption inputs moved
        retally(self._region_use, self._unit_region, unit.id, req.region if req else None)
        coming = unit.request if unit.state in UNDERWAY else None
        retally(self.underway_by_request, self._underway_for, unit.id, coming)

    def available_total(self, cap_id: str) -> int:
        """Units that are or will be free for national tasks (the pool counts its whole ramp)."""
        counts = self._count[cap_id]
        total = len(self.units[cap_id])
        if cap_id == GENERIC:
            total = max(total, self.pool_planned)
        return total - counts.get("reserved", 0) - counts.get("unavailable", 0)

    def start(self, mt1_reserved: Mapping[str, int]) -> None:
        """t = 0: main task 1 holds its reservation, units out of season are unavailable."""
        for cap_id, units in self.units.items():
            ready = [u for u in units if not u.season_out]
            reserved = min(mt1_reserved.get(cap_id, 0), len(ready))
            for unit in ready[len(ready) - reserved :]:
                self.set(unit, "reserved")
            for unit in units:
                if unit.season_out:
                    self.set(unit, "unavailable", until=None, reason="out of season")
            self.emit_capacity(cap_id)

    # -- queries -------------------------------------------------------------------------------
    def unit(self, unit_id: str) -> Unit:
        return self._by_id[unit_id]

    def counts(self, cap_id: str) -> dict[str, int]:
        """Units of a capability per state (a copy)."""
        return dict(self._count.get(cap_id, {}))

    def free(self, cap_id: str) -> int:
        return self._count.get(cap_id, {}).get("available", 0)

    def delivering(self, tag: str) -> list[str]:
        """The capabilities that deliver ``tag`` (read only)."""
        return self._by_tag.get(tag, [])

    def legal(self, cap_id: str, route: str) -> bool:
        """``route_allows`` for a capability of the book (cached: both are fixed for the run)."""
        key = (cap_id, route)
        hit = self._legal.get(key)
        if hit is None:
            hit = self._legal[key] = route_allows(self.capabilities[cap_id], route)
        return hit

    def exam_key(self, req: Request, everything: bool) -> tuple[int, ...]:
        """Epochs of every capability a request could use (and their support needs)."""
        if everything:
            return (self.global_epoch,)
        caps = self.relevant(req)
        return (len(self.capabilities), *(self.epoch[c] for c in caps))

    def relevant(self, req: Request) -> list[str]:
        """Capabilities a request could use, with their support needs (cached per request)."""
        key = len(self.capabilities)
        hit = self._relevant_cache.get(req)
        if hit is None or hit[0] != key:
            hit = self._relevant_cache[req] = (key, self._relevant(req))
        return hit[1]

    def _relevant(self, req: Request) -> list[str]:
        seen: dict[str, None] = {}
        for tag in req.tags:
            for c in self._by_tag.get(tag, ()):
                seen[c] = None
        if req.capability in self.capabilities:
            seen[req.capability] = None
        for c in list(seen):
            for need in self._needs[c]:
                seen[need] = None
        return list(seen)

    def deployed_units(self, capabilities: list[str] | None = None) -> list[Unit]:
        """Units mobilising, travelling, on scene or refuelling (kept incrementally), per
        capability in the order given (None: the book's order), lowest number first."""
        caps = capabilities if capabilities is not None else list(self._tasked)
        return [
            u
            for c in caps
            for u in sorted(self._tasked.get(c, {}).values(), key=lambda u: u.number)
        ]

    def units_in_use_by_region(self) -> dict[str, int]:
        return dict(self._region_use)

    def underway(self, req: Request) -> int:
        """Units committed to ``req``, mobilising, travelling or refuelling: help on its way."""
        return self.underway_by_request.get(req, 0)

    # -- travel (travel.py) ----------------------------------------------------------------------
    def site(self, region: str) -> tuple[float, float]:
        return self.travel.site(region)

    def outbound(
        self, cap: Capability, origin: tuple[float, float], lat: float, lon: float
    ) -> tuple[float, float]:
        return self.travel.outbound(cap, origin, lat, lon)

    def nearest_travel(self, req: Request) -> float:
        return self.travel.nearest(req)

    def advised_capability(self, tag: str, route: str, region: str, quantity: int) -> str | None:
        """The RMOA's advice: the nearest capability that can deliver the effect on this route.

        One that can supply the whole quantity with its units beats a nearer one that cannot
        (nobody asks for 32 Chinooks to evacuate 160 people when two companies can).
        """
        best = None
        measure = self.tag_measure(tag)
        # the key ends in the capability id, so the order of the candidates does not matter
        for cap_id in self._by_tag.get(tag, ()):
            planned = self._planned[cap_id]
            if planned > 0 and self.legal(cap_id, route):
                short = units_needed(quantity, measure, self._unit_size[cap_id]) > planned
                key = (short, self.travel.from_base(cap_id, region), cap_id)
                if best is None or key < best[0]:
                    best = (key, cap_id)
        return best[1] if best else None

    # -- the capacity test ---------------------------------------------------------------------
    def crew_at_site(self, need: str, req: Request) -> bool:
        """A tasked unit of ``need`` already works for this crisis in this region."""
        return self.site_use.get((need, req.crisis, req.region), 0) > 0

    def crew_on_scene(self, need: str, req: Request) -> bool:
        """A unit of ``need`` is on scene for this crisis in this region (not only on its way)."""
        return any(
            u.state == "on_scene"
            and u.request is not None
            and u.request.crisis == req.crisis
            and u.request.region == req.region
            for u in self._tasked.get(need, {}).values()
        )

    def crew_coming(self, need: str, req: Request) -> bool:
        """A unit of ``need`` works at this site or is committed to come to ``req``."""
        return self.crew_at_site(need, req) or any(
            u.cap_id == need and u.request is req and u.state == "committed" for u in req.units
        )

    def candidates(self, req: Request) -> list[Candidate]:
        """The capabilities that could serve ``req`` as the capacity test sees them now.

        NOTE: depends only on the epochs of ``relevant(req)`` and on fields a request keeps
        from its drafting on; the hub's hourly round reuses a queued request's candidates while
        its ``exam_key`` stays the same (hub.py ``reexamine``). A field that changes otherwise
        (with time, say) must bump the epochs or end that reuse.
        """
        tags = set(req.tags)
        out = []
        for cap_id in self.relevant(req):
            cap_tags = self._tag_sets[cap_id]
            overlap = len(tags & cap_tags)
            if overlap == 0 and cap_id != req.capability:
                continue
            primary = cap_id == req.capability if req.capability else tags <= cap_tags
            support_ok = support_possible = True
            for n in self._needs[cap_id]:
                if not self.crew_at_site(n, req):
                    support_ok = support_ok and self.free(n) > 0
                    support_possible = support_possible and self.available_total(n) > 0
            out.append(
                Candidate(
                    capability=cap_id,
                    free=self.free(cap_id),
                    available_total=self.available_total(cap_id),
                    overlap=overlap,
                    travel_min=self.travel.from_base(cap_id, req.region),
                    units_needed=units_needed(req.quantity, req.measure, self._unit_size[cap_id]),
                    primary=primary,
                    support_ok=support_ok,
                    support_possible=support_possible,
                    legal=self.legal(cap_id, req.route),
                )
            )
        return out

    def grant(self, req: Request, cap_id: str, n: int) -> list[Unit]:
        """Commit ``n`` free units (lowest numbers first) and any support crew they need."""
        free = [u for u in self.units[cap_id] if u.state == "available"][:n]
        units = list(free)
        for need in self._needs[cap_id]:
            if not self.crew_at_site(need, req):
                crew = next((u for u in self.units[need] if u.state == "available"), None)
                if crew is not None:
                    crew.support_for = req
                    units.append(crew)
        for u in units:
            u.request = req
            self.state(u, "committed")
            req.units.append(u)
        return units

    def recall_order(self, cap_id: str) -> list[Unit]:
        """Tasked units in the order they are given up: least life-saving, lowest priority."""
        tasked = [(u, u.request) for u in self.units[cap_id] if u.tasked and u.request is not None]
        tasked.sort(key=lambda ur: (ur[1].life_safety, ur[1].priority or 0.0, -ur[0].number))
        return [u for u, _ in tasked]

    # -- the journal ---------------------------------------------------------------------------
    def set(
        self,
        unit: Unit,
        state: str,
        until: float | None = None,
        reason: str | None = None,
        **extra: Any,
    ) -> None:
        """Change a unit's state and journal it (``unit``, and ``capacity`` if it changed)."""
        self.state(unit, state)
        req = unit.request if state in _TRAVELLING else None
        detail: dict[str, Any] = {"until": until, "travel_min": None, "distance_km": None}
        for k, v in extra.items():  # most changes have none
            detail[k] = round6(v)
        if reason is not None:
            detail["reason"] = reason
        self.record(
            "unit",
            self.env.now,
            unit=unit.id,
            capability=unit.cap_id,
            state=state,
            request=req.id if req else None,
            region=req.region if req else None,
            crisis=req.crisis if req else None,
            detail=detail,
        )
        self.emit_capacity(unit.cap_id)

    def emit_capacity(self, cap_id: str) -> None:
        units = self.units.get(cap_id, [])
        counts = self._count.get(cap_id, {})
        reserved = counts.get("reserved", 0)
        unavailable = counts.get("unavailable", 0)
        free = counts.get("available", 0)
        in_use = len(units) - reserved - unavailable - free
        sig = (len(units), reserved, unavailable, in_use, free)
        if self._last_capacity.get(cap_id) == sig:
            return
        self._last_capacity[cap_id] = sig
        self.record(
            "capacity",
            self.env.now,
            capability=cap_id,
            value=float(in_use),
            qty=len(units) - reserved - unavailable,
            detail={
                "total": len(units),
                "reserved": reserved,
                "unavailable": unavailable,
                "in_use": in_use,
                "free": free,
            },
        )
