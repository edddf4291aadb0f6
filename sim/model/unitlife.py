"""A Defence unit's life as a SimPy process: one tasking after another, then home and rest.

``mobilising`` (tasking + notice) → ``in_transit`` (travel from where the unit is) →
``on_scene`` (helicopters fly back to base to refuel after each sortie: ``refuelling``) →
reviewed every 24 h → ``returning`` → ``resting`` → ``available``. Release and reallocation
reach the process as interrupts. FBO helicopters need a ground crew at the site [S47e]: when
the helicopters leave, the crew is handed over to another request there or sent home; a
helicopter moved to another site waits there (``awaiting_support``, not on scene for demand)
until a ground crew is on scene at that site.

Collaborators are passed in: the clock, the random streams, the capacity book (every state
change goes through it), the demand picture (military cover), the geography, and, in
``connect`` before t = 0, the callbacks of the parts built after it (the hub's review and
poke, the request desk's events, ``on_units_gone`` and list of requests, the world's change
hook).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import simpy

from sim.model.capacity import GENERIC, CapacityBook
from sim.model.demand import DemandBook
from sim.model.entities import Request, Unit
from sim.model.geo import Geography, within_guarantee
from sim.model.rng import Streams
from sim.model.sites import turnaround_position

__all__ = ["UnitLife"]

Order = tuple[str, Any, Any]  # ("go", request, notice left) or ("home", reason, rest?)
SUPPORT_CHECK_MIN = 5.0  # how often a grounded helicopter looks for its ground crew on scene


class UnitLife:
    def __init__(
        self,
        env: simpy.Environment,
        streams: Streams,
        book: CapacityBook,
        demand: DemandBook,
        geography: Geography,
        review_interval: float,
    ) -> None:
        self.env = env
        self.streams = streams
        self.book = book
        self.demand = demand
        self.geography = geography
        self.review_interval = review_interval

    def connect(
        self,
        review: Callable[[Unit], bool],
        poke: Callable[[], None],
        emit: Callable[..., None],
        on_units_gone: Callable[[Request, str], None],
        requests: Sequence[Request],
        on_change: Callable[[], None],
    ) -> None:
        """The parts built after the units: the hub, the request desk, the world's hook."""
        self.review = review
        self.poke = poke
        self.emit = emit
        self.on_units_gone = on_units_gone
        self.requests = requests
        self.changed = on_change

    # -- orders from the hub -------------------------------------------------------------------
    def deploy(self, units: list[Unit], req: Request, tasking: float) -> None:
        env, book = self.env, self.book
        for u in units:
            notice = (
                0.0
                if u.cap_id == GENERIC
                else self.streams.draw(u.capability.notice, f"notice/{u.id}")
            )
            u.alerted = env.now  # the decision alerts it: on-scene guarantees count from here
            u.process = env.process(self._serve(u, req, tasking + notice))
        for cap_id in sorted({u.cap_id for u in units}):
            book.emit_capacity(cap_id)

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
            yield self.env.timeout(minutes) if minutes is not None else self.env.event()
        except simpy.Interrupt as i:
            return i.cause
        return None

    def _serve(self, unit: Unit, req: Request, mobilise: float) -> Any:
        """Taskings one after another (reallocations), then home.

        Each step returns ("go", request, notice still to run) or ("home", reason, rest?).
        A reallocated unit that was still mobilising keeps the rest of its notice-to-move; a unit
        stood down before it left needs no rest.
        """
        order: Order = ("go", req, mobilise)
        while order[0] == "go":
            order = yield from self._tasking(unit, order[1], order[2])
        yield from self._home(unit, order[1], rest=order[2])

    def _tasking(self, unit: Unit, req: Request, mobilise: float) -> Any:
        env, book = self.env, self.book
        moved = unit.request is not req
        if moved:  # reallocated: leave the old request
            self._leave(unit, f"reallocated to {req.id}")
            unit.request = req
            unit.alerted = env.now
            book.track(unit)
            req.units.append(unit)
        if mobilise > 0:
            ready = env.now + mobilise
            book.set(unit, "mobilising", until=ready)
            cause = yield from self._wait(mobilise)
            if cause is not None:
                return self._after(unit, cause, stood_down=True, remaining=ready - env.now)
        site = req.site.point if req.site is not None else book.site(req.region)
        minutes, km = book.outbound(unit.capability, (unit.lat, unit.lon), site[0], site[1])
        guarantee = unit.capability.on_scene_within
        minutes = within_guarantee(
            minutes, guarantee.bounds[1] if guarantee else None, unit.alerted, env.now
        )
        if minutes > 0:
            start, origin = env.now, (unit.lat, unit.lon)
            book.set(
                unit,
                "in_transit",
                until=env.now + minutes,
                travel_min=minutes,
                distance_km=km,
                from_lat=origin[0],
                from_lon=origin[1],
                to_lat=site[0],
                to_lon=site[1],
            )
            cause = yield from self._wait(minutes)
            if cause is not None:
                frac = (env.now - start) / minutes
                unit.lat = origin[0] + (site[0] - origin[0]) * frac
                unit.lon = origin[1] + (site[1] - origin[1]) * frac
                return self._after(unit, cause)
        unit.lat, unit.lon = site
        if moved:
            cause = yield from self._await_support(unit, req)
            if cause is not None:
                return self._after(unit, cause)
        return (yield from self._on_scene(unit, req))

    def _await_support(self, unit: Unit, req: Request) -> Any:
        """A moved unit that needs support (a fire-bucket helicopter, a ground crew [S47e])
        stays grounded at the new site until its support is on scene there; return the
        interrupt cause or None."""
        missing = [n for n in unit.capability.needs if not self.book.crew_on_scene(n, req)]
        if not missing:
            return None
        self.book.set(unit, "awaiting_support", reason=f"no {', '.join(missing)} on scene")
        while any(not self.book.crew_on_scene(n, req) for n in unit.capability.needs):
            cause = yield from self._wait(SUPPORT_CHECK_MIN)
            if cause is not None:
                return cause
        return None

    def _on_scene(self, unit: Unit, req: Request) -> Any:
        env, book, demand, streams = self.env, self.book, self.demand, self.streams
        cap = unit.capability
        review = self.review_interval
        next_review = env.now + review
        sortie = f"sortie/{unit.id}"
        while True:
            book.set(unit, "on_scene")
            demand.add_unit(unit, +1)
            current = unit.request
            if current is not None and not current.ever_on_scene:
                current.ever_on_scene = True
                self.emit(current, "first_on_scene", unit=unit.id)
            sortie_end = (
                env.now + streams.draw(cap.sortie, sortie) if cap.sortie is not None else None
            )
            while True:
                wake = min(next_review, sortie_end) if sortie_end is not None else next_review
                cause = yield from self._wait(
                    max(0.0, wake - env.now)
                )  # a review may fall due in a refuel
                if cause is not None:
                    demand.add_unit(unit, -1)
                    return self._after(unit, cause)
                if env.now >= next_review:
                    if not self.review(unit):
                        demand.add_unit(unit, -1)
                        return ("home", "review: effect no longer needed", True)
                    next_review += review
                    if unit.request is not None:  # a ground crew may have been handed over
                        self.emit(unit.request, "extended", unit=unit.id)
                if sortie_end is not None and env.now >= sortie_end:
                    break
            base_min, _ = self.geography.travel_minutes(
                cap.mode, unit.lat, unit.lon, cap.lat, cap.lon, cap.speed_kmh
            )
            turnaround = 2 * base_min + (
                streams.draw(cap.refuel, f"refuel/{unit.id}") if cap.refuel is not None else 0.0
            )
            # state first: the region must see a refuelling unit as coming back, not as a gap
            book.set(unit, "refuelling", until=env.now + turnaround)
            demand.add_unit(unit, -1)
            left, here = env.now, (unit.lat, unit.lon)
            cause = yield from self._wait(turnaround)
            if cause is not None:  # moved mid-turnaround: it leaves from where it is now
                unit.lat, unit.lon = turnaround_position(
                    here, unit.base, env.now - left, base_min, turnaround
                )
                return self._after(unit, cause)

    def _after(
        self, unit: Unit, cause: Any, stood_down: bool = False, remaining: float = 0.0
    ) -> Order:
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
        self.book.track(unit)
        if req is None:
            return
        for crew in [u for u in req.units if u.support_for is req and u.request is req]:
            if not any(
                u.request is req and u.support_for is None and u is not unit for u in req.units
            ):
                self._hand_over_crew(crew, req)
        self.on_units_gone(req, reason)

    def _hand_over_crew(self, crew: Unit, req: Request) -> None:
        """A ground crew stays at the site if another request there still has helicopters."""
        for other in self.requests:
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
                    self.demand.add_unit(crew, -1)
                crew.request = other
                crew.support_for = other
                self.book.track(crew)
                self.book.set(crew, crew.state, reason=f"handed over from {req.id}")
                other.units.append(crew)
                if on_scene:
                    self.demand.add_unit(crew, +1)
                return
        alive = crew.process is not None and crew.process.is_alive
        waiting = self._grounded_elsewhere(crew, req) if alive else None
        if waiting is not None:  # support moves with its unit [S47e]: the crew follows
            crew.support_for = waiting
            self.emit(waiting, "tasked", units=[crew.id], decision=f"support follows from {req.id}")
            self.reassign(crew, waiting)
            return
        self.release(crew, "helicopters left the site")

    def _grounded_elsewhere(self, crew: Unit, req: Request) -> Request | None:
        """An open request whose helicopter needs this kind of crew and has none working,
        coming or already following (it was moved there and waits grounded): life safety first,
        then priority, then the oldest."""
        fit = [
            other
            for other in self.requests
            if other is not req
            and other.open
            and not self.book.crew_coming(crew.cap_id, other)
            and not any(u.support_for is other for u in self.book.units[crew.cap_id])
            and any(
                u.request is other and u.support_for is None and crew.cap_id in u.capability.needs
                for u in other.units
            )
        ]
        if not fit:
            return None
        return min(fit, key=lambda r: (not r.life_safety, -(r.priority or 0.0), r.seq))

    def _home(self, unit: Unit, reason: str, rest: bool = True) -> Any:
        env, book = self.env, self.book
        self._leave(unit, reason)
        unit.support_for = None
        cap = unit.capability
        minutes, km = self.geography.travel_minutes(
            cap.mode, unit.lat, unit.lon, cap.lat, cap.lon, cap.speed_kmh
        )
        if minutes > 0:
            book.set(unit, "returning", until=env.now + minutes, travel_min=minutes, distance_km=km)
            yield from self._sleep(minutes)
        unit.lat, unit.lon = unit.base
        if rest and not unit.mt1_pending:
            minutes = self.streams.draw(cap.rest, f"rest/{unit.id}")
            book.set(unit, "resting", until=env.now + minutes)
            yield from self._sleep(minutes)
        unit.process = None
        if unit.mt1_pending:
            unit.mt1_pending = False
            unit.unavailable_pending = False  # main task 1 has it now; it is not free either way
            book.set(unit, "reserved")
        elif unit.unavailable_pending:
            unit.unavailable_pending = False
            book.set(unit, "unavailable")
        else:
            book.set(unit, "available")
            self.poke()
        book.emit_capacity(unit.cap_id)
        self.changed()

    def _sleep(self, minutes: float) -> Any:
        """Wait that ignores interrupts (a unit on its way home is not tasked)."""
        end = self.env.now + minutes
        while self.env.now < end:
            try:
                yield self.env.timeout(end - self.env.now)
            except simpy.Interrupt:
                continue
