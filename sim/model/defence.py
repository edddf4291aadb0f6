"""Defence units: notice-to-move, travel, work on scene, review, return and rest.

Each tasking runs as one SimPy process per unit: ``mobilising`` (tasking + notice) →
``in_transit`` (geo.travel_minutes from where the unit is) → ``on_scene`` (helicopters fly back
to base to refuel after each sortie: ``refuelling``) → reviewed every 24 h → ``returning`` →
``resting`` → ``available``. Release and reallocation reach the process as interrupts.
Main task 1 claims take free units first and recall deployed ones when that is not enough (a
conflict). FBO helicopters need a ground crew at the site [S47e]: granted with them when free.
The generic manpower pool (1,000 troops at 24 h, 2,800 at 36 h, 4,000 at 48 h [S26][S19]) is
mobilised nationally once enough manpower requests wait, and then grows along that ramp.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import simpy

from sim.exercise.distributions import dist
from sim.exercise.reference import Capability
from sim.model.deciders import Candidate
from sim.model.entities import TASKED, UNDERWAY, Request, Unit, units_needed
from sim.model.geo import travel_minutes, within_guarantee
from sim.model.legal import route_allows
from sim.model.sites import turnaround_position

if TYPE_CHECKING:
    from sim.model.world import World

__all__ = ["GENERIC", "Defence"]

GENERIC = "GENERIC"
_MANPOWER_TAGS = ("manpower", "sandbags", "evacuation", "guarding", "trucks")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _in_season(cap: Capability, month: int | None) -> bool:
    if cap.season is None or month is None:
        return True
    first, last = (_MONTHS.index(m) + 1 for m in cap.season)
    return first <= month <= last if first <= last else (month >= first or month <= last)


def _retally(tally: dict[Any, int], placed: dict[str, Any], unit_id: str, key: Any) -> bool:
    """Count ``unit_id`` under ``key`` (None: nowhere) instead of where ``placed`` had it.

    ``tally`` holds no zero counts. Returns whether the unit moved.
    """
    old = placed.get(unit_id)
    if old == key:
        return False
    if old is not None:
        tally[old] -= 1
        if not tally[old]:
            del tally[old]
        del placed[unit_id]
    if key is not None:
        tally[key] = tally.get(key, 0) + 1
        placed[unit_id] = key
    return True


class Defence:
    def __init__(self, world: World) -> None:
        self.w = world
        self.capabilities: dict[str, Capability] = dict(world.ex.capabilities)
        self.units: dict[str, list[Unit]] = {}
        self._by_id: dict[str, Unit] = {}
        self._last_capacity: dict[str, tuple[int, ...]] = {}
        self._travel_cache: dict[tuple[str, str], tuple[float, float]] = {}
        self._tasked: dict[str, dict[str, Unit]] = {}  # capability -> tasked units by id
        self._count: dict[str, dict[str, int]] = {}  # capability -> state -> units
        # capability -> changes that can alter a decision: free, reserved or unavailable units,
        # or which units are tasked where (not a tasked unit's step from travel to scene)
        self.epoch: dict[str, int] = {}
        self.global_epoch = 0
        self.dirty: dict[str, None] = {}  # capabilities changed since the hub last looked
        self._by_tag: dict[str, list[str]] = {}
        self._tag_sets: dict[str, frozenset[str]] = {}
        # tasked units per region, per site (capability, crisis, region), and units on their way
        # per request; each with the key it counts every unit under
        self._region_use: dict[str, int] = {}
        self._unit_region: dict[str, str] = {}
        self._site_use: dict[tuple[str, str | None, str], int] = {}
        self._unit_site: dict[str, tuple[str, str | None, str]] = {}
        self._underway: dict[Request, int] = {}
        self._underway_for: dict[str, Request] = {}
        self._relevant_cache: dict[Request, tuple[int, list[str]]] = {}  # capabilities it could use
        self.mobilised_at: float | None = None
        start = world.ex.exercise.start
        month = start.month if start is not None else None
        pool = world.ex.generic_pool
        self.pool_planned = 0
        if pool is not None and world.ex.hub.mobilisation_threshold > 0:
            # known from the start, so manpower requests wait for it instead of being denied
            self.capabilities[GENERIC] = self._generic_capability()
            self.pool_planned = pool.ramp[-1].troops // 100
        for cap_id, cap in self.capabilities.items():
            self._index(cap_id, cap)
            for n in range(1, cap.units + 1):
                unit = self._add_unit(
                    cap_id, cap, n, "available" if _in_season(cap, month) else "unavailable"
                )
                unit.season_out = not _in_season(cap, month)

    def _index(self, cap_id: str, cap: Capability) -> None:
        self.units.setdefault(cap_id, [])
        self._count.setdefault(cap_id, {})
        self.epoch.setdefault(cap_id, 0)
        self._tag_sets[cap_id] = frozenset(cap.tags)
        for tag in cap.tags:
            self._by_tag.setdefault(tag, []).append(cap_id)

    def _add_unit(self, cap_id: str, cap: Capability, number: int, state: str) -> Unit:
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

    def _state(self, unit: Unit, state: str) -> None:
        """Change a unit's state, keeping counts, epochs and regional use in step."""
        counts = self._count[unit.cap_id]
        counts[unit.state] -= 1
        counts[state] = counts.get(state, 0) + 1
        if not (unit.state in TASKED and state in TASKED):
            # moving between tasked states (a sortie, arriving) changes no decision's inputs
            self._bump(unit.cap_id)
        unit.state = state
        self._track(unit)

    def _track(self, unit: Unit) -> None:
        """Keep the tables of tasked units up to date: by capability, by region, by site (for
        ground crews) and by request they are on their way to (for the regions' gaps)."""
        req = unit.request if unit.tasked else None
        if unit.tasked:
            self._tasked.setdefault(unit.cap_id, {})[unit.id] = unit
        else:
            self._tasked.get(unit.cap_id, {}).pop(unit.id, None)
        site = (unit.cap_id, req.crisis, req.region) if req is not None else None
        if _retally(self._site_use, self._unit_site, unit.id, site):
            self._bump(unit.cap_id)  # serves elsewhere now: support and preemption inputs moved
        _retally(self._region_use, self._unit_region, unit.id, req.region if req else None)
        coming = unit.request if unit.state in UNDERWAY else None
        _retally(self._underway, self._underway_for, unit.id, coming)

    def _generic_capability(self) -> Capability:
        return Capability(
            name="Generic Defence manpower (ICMS/VCMS)",
            base="distributed",
            lat=52.10,
            lon=5.30,
            units=0,
            unit_size=100,
            notice=dist("0m"),
            mode="road",
            role="last_line",
            tags=[t for t in _MANPOWER_TAGS if t in self.w.ex.tags],
            rest=dist("8h"),
            sources=["S26", "S19"],
        )

    def _available_total(self, cap_id: str) -> int:
        """Units that are or will be free for national tasks (the pool counts its whole ramp)."""
        counts = self._count[cap_id]
        total = len(self.units[cap_id])
        if cap_id == GENERIC:
            total = max(total, self.pool_planned)
        return total - counts.get("reserved", 0) - counts.get("unavailable", 0)

    def start(self) -> None:
        w = self.w
        for cap_id, units in self.units.items():
            in_season = [u for u in units if not u.season_out]
            reserved = min(w.ex.hub.mt1_reserved.get(cap_id, 0), len(in_season))
            for unit in in_season[len(in_season) - reserved :]:
                self._set(unit, "reserved")
            for unit in units:
                if unit.season_out:
                    self._set(unit, "unavailable", until=None, reason="out of season")
            self.emit_capacity(cap_id)

    # -- queries -------------------------------------------------------------------------------
    def unit(self, unit_id: str) -> Unit:
        return self._by_id[unit_id]

    def counts(self, cap_id: str) -> dict[str, int]:
        """Units of a capability per state (a copy)."""
        return dict(self._count.get(cap_id, {}))

    def free(self, cap_id: str) -> int:
        return self._count.get(cap_id, {}).get("available", 0)

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
            for need in self.capabilities[c].needs:
                seen[need] = None
        return list(seen)

    def deployed_units(self, capabilities: list[str] | None = None) -> list[Unit]:
        """Units mobilising, travelling, on scene or refuelling (kept incrementally)."""
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
        return self._underway.get(req, 0)

    def units_for(self, req: Request) -> int:
        return sum(1 for u in req.units if u.request is req and u.support_for is None)

    def site(self, region: str) -> tuple[float, float]:
        r = self.w.ex.regions[region]
        return r.lat, r.lon

    def travel(
        self, cap: Capability, origin: tuple[float, float], region: str
    ) -> tuple[float, float]:
        lat, lon = self.site(region)
        return self.outbound(cap, origin, lat, lon)

    @staticmethod
    def outbound(
        cap: Capability, origin: tuple[float, float], lat: float, lon: float
    ) -> tuple[float, float]:
        """(minutes, km) to a site. A capability with an ``on_scene_within`` guarantee gets
        there within the guarantee minus its longest notice, however far: the sources give
        the guarantee, not how the unit keeps it (forward elements, escorts), so the model
        keeps the promise and the real distance."""
        minutes, km = travel_minutes(cap.mode, origin[0], origin[1], lat, lon, cap.speed_kmh)
        if cap.on_scene_within is not None and minutes > 0:
            allowed = cap.on_scene_within.bounds[1] - cap.notice.bounds[1]
            minutes = min(minutes, max(allowed, 0.0))
        return minutes, km

    def travel_from_base(self, cap_id: str, region: str) -> float:
        """Minutes from a capability's base to a region's seat (static, so cached)."""
        key = (cap_id, region)
        hit = self._travel_cache.get(key)
        if hit is None:
            cap = self.capabilities[cap_id]
            hit = self._travel_cache[key] = self.travel(cap, (cap.lat, cap.lon), region)
        return hit[0]

    def nearest_travel(self, req: Request) -> float:
        """Minutes from the nearest base that could serve the request: the capability asked
        for, or else any that delivers one of its tags (the priority tie-breaker, §8.3 rule 5).
        Bases and seats do not move, so this is read from the travel cache."""
        if req.capability in self.capabilities:
            return self.travel_from_base(req.capability, req.region)
        times = [
            self.travel_from_base(c, req.region)
            for tag in req.tags
            for c in self._by_tag.get(tag, ())
        ]
        return min(times, default=0.0)

    def advised_capability(self, tag: str, route: str, region: str, quantity: int) -> str | None:
        """The RMOA's advice: the nearest capability that can deliver the effect on this route.

        One that can supply the whole quantity with its units beats a nearer one that cannot
        (nobody asks for 32 Chinooks to evacuate 160 people when two companies can).
        """
        best = None
        measure = self.w.tag_measure(tag)
        for cap_id, cap in self.capabilities.items():
            if tag in cap.tags and route_allows(cap, route) and cap.units > 0:
                short = units_needed(quantity, measure, cap.unit_size) > cap.units
                key = (short, self.travel_from_base(cap_id, region), cap_id)
                if best is None or key < best[0]:
                    best = (key, cap_id)
        return best[1] if best else None

    def _crew_at_site(self, need: str, req: Request) -> bool:
        """A tasked unit of ``need`` already works for this crisis in this region."""
        return self._site_use.get((need, req.crisis, req.region), 0) > 0

    def candidates(self, req: Request) -> list[Candidate]:
        tags = set(req.tags)
        out = []
        for cap_id in self.relevant(req):
            cap = self.capabilities[cap_id]
            cap_tags = self._tag_sets[cap_id]
            overlap = len(tags & cap_tags)
            if overlap == 0 and cap_id != req.capability:
                continue
            primary = cap_id == req.capability if req.capability else tags <= cap_tags
            support_ok = support_possible = True
            for n in cap.needs:
                if not self._crew_at_site(n, req):
                    support_ok = support_ok and self.free(n) > 0
                    support_possible = support_possible and self._available_total(n) > 0
            out.append(
                Candidate(
                    capability=cap_id,
                    free=self.free(cap_id),
                    available_total=self._available_total(cap_id),
                    overlap=overlap,
                    travel_min=self.travel_from_base(cap_id, req.region),
                    units_needed=units_needed(req.quantity, req.measure, cap.unit_size),
                    primary=primary,
                    support_ok=support_ok,
                    support_possible=support_possible,
                    legal=route_allows(cap, req.route),
                )
            )
        return out

    # -- tasking -------------------------------------------------------------------------------
    def grant(self, req: Request, cap_id: str, n: int) -> list[Unit]:
        """Commit ``n`` free units (lowest numbers first) and any support crew they need."""
        free = [u for u in self.units[cap_id] if u.state == "available"][:n]
        units = list(free)
        for need in self.capabilities[cap_id].needs:
            if not self._crew_at_site(need, req):
                crew = next((u for u in self.units[need] if u.state == "available"), None)
                if crew is not None:
                    crew.support_for = req
                    units.append(crew)
        for u in units:
            u.request = req
            self._state(u, "committed")
            req.units.append(u)
        return units

    def deploy(self, units: list[Unit], req: Request, tasking: float) -> None:
        w = self.w
        for u in units:
            notice = (
                0.0
                if u.cap_id == GENERIC
                else w.streams.draw(u.capability.notice, f"notice/{u.id}")
            )
            u.alerted = w.env.now  # the decision alerts it: on-scene guarantees count from here
            u.process = w.env.process(self._serve(u, req, tasking + notice))
        for cap_id in sorted({u.cap_id for u in units}):
            self.emit_capacity(cap_id)

    def reassign(self, unit: Unit, req: Request) -> None:
        if unit.process is not None and unit.process.is_alive:
            unit.process.interrupt(("realloc", req))

    def release(self, unit: Unit, reason: str) -> None:
        if unit.process is not None and unit.process.is_alive and unit.tasked:
            unit.process.interrupt(("release", reason))

    # -- the unit process ---------------------------------------------------------------------
    def _wait(self, minutes: float | None) -> Any:
        """Wait (None: until interrupted); return the interrupt cause or None."""
        try:
            yield self.w.env.timeout(minutes) if minutes is not None else self.w.env.event()
        except simpy.Interrupt as i:
            return i.cause
        return None

    def _serve(self, unit: Unit, req: Request, mobilise: float) -> Any:
        """Taskings one after another (reallocations), then home.

        Each step returns ("go", request, notice still to run) or ("home", reason, rest?).
        A reallocated unit that was still mobilising keeps the rest of its notice-to-move; a unit
        stood down before it left needs no rest.
        """
        order: tuple[str, Any, Any] = ("go", req, mobilise)
        while order[0] == "go":
            order = yield from self._tasking(unit, order[1], order[2])
        yield from self._home(unit, order[1], rest=order[2])

    def _tasking(self, unit: Unit, req: Request, mobilise: float) -> Any:
        w = self.w
        if unit.request is not req:  # reallocated: leave the old request
            self._leave(unit, f"reallocated to {req.id}")
            unit.request = req
            unit.alerted = w.env.now
            self._track(unit)
            req.units.append(unit)
        if mobilise > 0:
            ready = w.env.now + mobilise
            self._set(unit, "mobilising", until=ready)
            cause = yield from self._wait(mobilise)
            if cause is not None:
                return self._after(unit, cause, stood_down=True, remaining=ready - w.env.now)
        site = req.site.point if req.site is not None else self.site(req.region)
        minutes, km = self.outbound(unit.capability, (unit.lat, unit.lon), site[0], site[1])
        guarantee = unit.capability.on_scene_within
        minutes = within_guarantee(
            minutes, guarantee.bounds[1] if guarantee else None, unit.alerted, w.env.now
        )
        if minutes > 0:
            start, origin = w.env.now, (unit.lat, unit.lon)
            self._set(
                unit,
                "in_transit",
                until=w.env.now + minutes,
                travel_min=minutes,
                distance_km=km,
                to_lat=site[0],
                to_lon=site[1],
            )
            cause = yield from self._wait(minutes)
            if cause is not None:
                frac = (w.env.now - start) / minutes
                unit.lat = origin[0] + (site[0] - origin[0]) * frac
                unit.lon = origin[1] + (site[1] - origin[1]) * frac
                return self._after(unit, cause)
        unit.lat, unit.lon = site
        return (yield from self._on_scene(unit, req))

    def _on_scene(self, unit: Unit, req: Request) -> Any:
        w = self.w
        cap = unit.capability
        review = w.ex.hub.review_interval
        next_review = w.env.now + review
        sortie = f"sortie/{unit.id}"
        while True:
            self._set(unit, "on_scene")
            w.demand.add_unit(unit, +1)
            current = unit.request
            if current is not None and not current.ever_on_scene:
                current.ever_on_scene = True
                w.requests.emit(current, "first_on_scene", unit=unit.id)
            sortie_end = (
                w.env.now + w.streams.draw(cap.sortie, sortie) if cap.sortie is not None else None
            )
            while True:
                wake = min(next_review, sortie_end) if sortie_end is not None else next_review
                cause = yield from self._wait(
                    max(0.0, wake - w.env.now)
                )  # a review may fall due in a refuel
                if cause is not None:
                    w.demand.add_unit(unit, -1)
                    return self._after(unit, cause)
                if w.env.now >= next_review:
                    if not w.hub.review(unit):
                        w.demand.add_unit(unit, -1)
                        return ("home", "review: effect no longer needed", True)
                    next_review += review
                    if unit.request is not None:  # a ground crew may have been handed over
                        w.requests.emit(unit.request, "extended", unit=unit.id)
                if sortie_end is not None and w.env.now >= sortie_end:
                    break
            base_min, _ = travel_minutes(
                cap.mode, unit.lat, unit.lon, cap.lat, cap.lon, cap.speed_kmh
            )
            turnaround = 2 * base_min + (
                w.streams.draw(cap.refuel, f"refuel/{unit.id}") if cap.refuel is not None else 0.0
            )
            # state first: the region must see a refuelling unit as coming back, not as a gap
            self._set(unit, "refuelling", until=w.env.now + turnaround)
            w.demand.add_unit(unit, -1)
            left, here = w.env.now, (unit.lat, unit.lon)
            cause = yield from self._wait(turnaround)
            if cause is not None:  # moved mid-turnaround: it leaves from where it is now
                unit.lat, unit.lon = turnaround_position(
                    here, unit.base, w.env.now - left, base_min, turnaround
                )
                return self._after(unit, cause)

    def _after(
        self, unit: Unit, cause: Any, stood_down: bool = False, remaining: float = 0.0
    ) -> tuple[str, Any, Any]:
        kind, payload = cause
        if kind == "realloc":
            return ("go", payload, remaining)
        if stood_down:
            unit.lat, unit.lon = unit.base
            return ("home", payload, False)
        return ("home", payload, True)

    def _leave(self, unit: Unit, reason: str) -> None:
        req = unit.request
        unit.request = None
        self._track(unit)
        if req is None:
            return
        for crew in [u for u in req.units if u.support_for is req and u.request is req]:
            if not any(
                u.request is req and u.support_for is None and u is not unit for u in req.units
            ):
                self._hand_over_crew(crew, req)
        self.w.requests.on_units_gone(req, reason)

    def _hand_over_crew(self, crew: Unit, req: Request) -> None:
        """A ground crew stays at the site if another request there still has helicopters."""
        for other in self.w.requests.all:
            if (
                other is not req
                and other.open
                and other.crisis == req.crisis
                and other.region == req.region
                and any(
                    u.request is other
                    and u.support_for is None
                    and crew.cap_id in u.capability.needs
                    for u in other.units
                )
            ):
                on_scene = crew.state == "on_scene"
                if on_scene:
                    self.w.demand.add_unit(crew, -1)
                crew.request = other
                crew.support_for = other
                self._track(crew)
                self._set(crew, crew.state, reason=f"handed over from {req.id}")
                other.units.append(crew)
                if on_scene:
                    self.w.demand.add_unit(crew, +1)
                return
        self.release(crew, "helicopters left the site")

    def _home(self, unit: Unit, reason: str, rest: bool = True) -> Any:
        w = self.w
        self._leave(unit, reason)
        unit.support_for = None
        cap = unit.capability
        minutes, km = travel_minutes(cap.mode, unit.lat, unit.lon, cap.lat, cap.lon, cap.speed_kmh)
        if minutes > 0:
            self._set(
                unit, "returning", until=w.env.now + minutes, travel_min=minutes, distance_km=km
            )
            yield from self._sleep(minutes)
        unit.lat, unit.lon = unit.base
        if rest and not unit.mt1_pending:
            minutes = w.streams.draw(cap.rest, f"rest/{unit.id}")
            self._set(unit, "resting", until=w.env.now + minutes)
            yield from self._sleep(minutes)
        unit.process = None
        if unit.mt1_pending:
            unit.mt1_pending = False
            unit.unavailable_pending = False  # main task 1 has it now; it is not free either way
            self._set(unit, "reserved")
        elif unit.unavailable_pending:
            unit.unavailable_pending = False
            self._set(unit, "unavailable")
        else:
            self._set(unit, "available")
            w.hub.poke()
        self.emit_capacity(unit.cap_id)
        w.changed()

    def _sleep(self, minutes: float) -> Any:
        """Wait that ignores interrupts (a unit on its way home is not tasked)."""
        end = self.w.env.now + minutes
        while self.w.env.now < end:
            try:
                yield self.w.env.timeout(end - self.w.env.now)
            except simpy.Interrupt:
                continue

    def _set(
        self,
        unit: Unit,
        state: str,
        until: float | None = None,
        reason: str | None = None,
        **extra: Any,
    ) -> None:
        w = self.w
        self._state(unit, state)
        req = (
            unit.request
            if state in {"mobilising", "in_transit", "on_scene", "refuelling"}
            else None
        )
        detail: dict[str, Any] = {
            "until": until,
            "travel_min": None,
            "distance_km": None,
            **{k: round(v, 6) for k, v in extra.items()},
        }
        if reason is not None:
            detail["reason"] = reason
        w.record(
            "unit",
            w.env.now,
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
        self.w.record(
            "capacity",
            self.w.env.now,
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

    # -- main task 1 and capacity changes -------------------------------------------------------------
    def _recall_order(self, cap_id: str) -> list[Unit]:
        tasked = [u for u in self.units[cap_id] if u.tasked and u.request is not None]
        return sorted(
            tasked, key=lambda u: (u.request.life_safety, u.request.priority or 0.0, -u.number)
        )  # type: ignore[union-attr]

    def _record_mt1(
        self, state: str, cap_id: str, n: int, inject: str, recalled: list[str], shortfall: int
    ) -> None:
        self.w.record(
            "mt1",
            self.w.env.now,
            capability=cap_id,
            qty=n,
            state=state,
            inject=inject,
            detail={"conflict": bool(recalled), "recalled": recalled, "shortfall": shortfall},
        )
        self.emit_capacity(cap_id)

    def mt1_claim(self, cap_id: str, n: int, inject: str) -> None:
        taken = 0
        for u in [u for u in self.units[cap_id] if u.state == "available"][:n]:
            self._set(u, "reserved")
            taken += 1
        for u in [
            u
            for u in self.units[cap_id]
            if u.state in {"returning", "resting"} and not u.mt1_pending
        ][: n - taken]:
            u.mt1_pending = True  # reserved once home: no civil task is given up for it
            taken += 1
        recalled = []
        for u in self._recall_order(cap_id)[: n - taken]:
            u.mt1_pending = True
            recalled.append(u.id)
            self.release(u, "recalled for main task 1")
        taken += len(recalled)
        shortfall = n - taken
        self._record_mt1("claim", cap_id, n, inject, recalled, shortfall)

    def mt1_release(self, cap_id: str, n: int, inject: str) -> None:
        w = self.w
        released = 0
        for u in self.units[cap_id]:
            if released < n and u.mt1_pending:
                u.mt1_pending = False
                released += 1
        for u in [u for u in self.units[cap_id] if u.state == "reserved"][: n - released]:
            self._set(u, "available")
            released += 1
        self._record_mt1("release", cap_id, n, inject, [], n - released)
        w.hub.poke()

    def capacity_change(self, cap_id: str, n: int, reason: str) -> None:
        cap = self.capabilities[cap_id]
        if n < 0:
            k = -n
            for u in [u for u in self.units[cap_id] if u.state == "available"][:k]:
                self._set(u, "unavailable", reason=reason)
                k -= 1
            for u in self._recall_order(cap_id)[:k]:
                u.unavailable_pending = True
                self.release(u, reason or "unit unavailable")
        else:
            back = [u for u in self.units[cap_id] if u.state == "unavailable" and not u.season_out][
                :n
            ]
            for u in back:
                self._set(u, "available", reason=reason)
            for i in range(n - len(back)):
                self._set(
                    self._add_unit(cap_id, cap, len(self.units[cap_id]) + 1, "available"),
                    "available",
                    reason=reason,
                )
                del i
            self.w.hub.poke()
        self.emit_capacity(cap_id)

    # -- generic manpower pool (ICMS/VCMS ramp) ------------------------------------------------------
    def pool_waiting(self, queued: Iterable[Request]) -> list[Request] | None:
        """Manpower requests waiting for the generic pool; None when there is no pool to
        mobilise (the exercise has none, or it is mobilised already)."""
        if GENERIC not in self.capabilities or self.mobilised_at is not None:
            return None
        return [r for r in queued if any(t in _MANPOWER_TAGS for t in r.tags)]

    def mobilise(self, waiting: list[str]) -> None:
        """National mobilisation decided now: the pool grows along its ramp [S26][S19]."""
        w = self.w
        pool = w.ex.generic_pool
        assert pool is not None
        self.mobilised_at = w.env.now
        cap = self.capabilities[GENERIC]
        w.record(
            "mobilisation",
            w.env.now,
            state="decided",
            capability=GENERIC,
            value=0.0,
            qty=0,
            detail={"requests_waiting": waiting},
        )
        w.env.process(self._ramp(cap, pool.ramp))

    def _ramp(self, cap: Capability, ramp: Any) -> Any:
        w = self.w
        start = w.env.now
        for point in ramp:
            yield w.env.timeout(max(0.0, start + point.hours * 60.0 - w.env.now))
            target = point.troops // cap.unit_size
            while len(self.units[GENERIC]) < target:
                self._set(
                    self._add_unit(GENERIC, cap, len(self.units[GENERIC]) + 1, "available"),
                    "available",
                )
            w.record(
                "mobilisation",
                w.env.now,
                state="ramp",
                capability=GENERIC,
                value=float(point.troops),
                qty=target,
                detail={"hours": point.hours},
            )
            self.emit_capacity(GENERIC)
            w.hub.poke()
