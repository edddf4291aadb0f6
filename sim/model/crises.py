"""Crises escalating on the ladder, and the regions' levels and crisis teams that follow them.

A crisis dwells at a level for a random time, shorter while its demand is unmet, then moves:
up with a chance between ``p_up_met`` and ``p_up_unmet`` (by the time-averaged unmet share over
the dwell), down with ``p_down_met`` x share met, otherwise it stays. It ends when it scales down
below ``end_below`` (default: its start level). Injects can move it at any time; the dwell then
starts again. Levels may be skipped by injects (GRIP allows skips [S2]).

A storyline the dice cannot break: while timed (or chained) injects that name a crisis are still
to come, or a conditional one is due, the crisis does not end by itself; it scales down to the
lowest level it may hold instead (an inject may still end it; ``hold_for_injects: false`` opts
out). Otherwise a fast-burning seed would skip the MSEL's later injects.

A region's level is the highest level of its active crises. Each level's team (CoPI, ROT, GBT,
RBT, …) becomes active after its activation delay [GK §8.4]; teams stay active once up.

Collaborators come through ``connect(CrisesParts)`` before t = 0: a crisis touches the demand
picture, the request desk, the injects' storyline and the journal, and those parts are built
after it, so one small dataclass of exactly those parts replaces the world it used to hold.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import simpy

from sim.exercise.models import Crisis, Exercise, Inject
from sim.exercise.reference import Ladder
from sim.model.rounding import round6
from sim.model.sites import crisis_sites

if TYPE_CHECKING:
    from sim.journal import Recorder
    from sim.model.demand import DemandBook
    from sim.model.injects import InjectRunner
    from sim.model.requests import RequestDesk
    from sim.model.rng import Streams

__all__ = ["Crises", "CrisesParts", "CrisisRun", "RegionRun"]


def _names(inj: Inject) -> str | None:
    return inj.crisis or (inj.request.crisis if inj.request is not None else None)


def _storyline(injects: list[Inject], crises: set[str]) -> dict[str, list[str]]:
    """Per crisis, the timed injects and those chained after them that name it: the scripted
    storyline. Injects on a condition or fired by hand may never come, so they hold a crisis
    only once their condition has held (``Crises.held``)."""
    by_id = {i.id: i for i in injects}
    out: dict[str, list[str]] = {}
    for inj in injects:
        crisis = _names(inj)
        if crisis in crises and inj.type != "crisis_onset" and _scripted(inj, by_id):
            out.setdefault(crisis, []).append(inj.id)
    return out


def _scripted(inj: Inject, by_id: dict[str, Inject]) -> bool:
    """Timed, or chained ``after`` a timed inject (a loop of ``after`` is not scripted).

    NOTE: a loop, not a recursive closure: that would be a reference cycle, and the run pauses
    the cyclic collector (world.py)."""
    seen: set[str] = set()
    while inj.time is None:
        trig = inj.trigger
        if trig is None or trig.after not in by_id or inj.id in seen:
            return False
        seen.add(inj.id)
        inj = by_id[trig.after]
    return True


@dataclass(eq=False)
class CrisisRun:
    spec: Crisis
    level: int | None = None
    active: bool = False
    ended: bool = False
    peak: int | None = None
    process: Any = None


@dataclass(eq=False)
class RegionRun:
    id: str
    level: int = 0
    crises: list[str] = field(default_factory=list)
    teams: dict[int, str] = field(default_factory=dict)  # level -> "activating" | "active"


@dataclass
class CrisesParts:
    """What the crises work with: the clock, journal and streams, the exercise and its ladder, the
    demand picture (need per level), the request desk (regions ask), the injects (the storyline
    that holds a crisis open) and the world's change hook."""

    env: simpy.Environment
    record: Recorder
    streams: Streams
    ex: Exercise
    ladder: Ladder
    demand: DemandBook
    requests: RequestDesk
    injects: InjectRunner
    changed: Callable[[], None]
    endex: Callable[[], float]  # the world's ENDEX now (a facilitator may end it early)


class Crises:
    def __init__(self, exercise: Exercise) -> None:
        self.runs: dict[str, CrisisRun] = {c.id: CrisisRun(c) for c in exercise.crises}
        self.regions: dict[str, RegionRun] = {}
        holds = {c.id for c in exercise.crises if c.hold_for_injects}
        self.holding = _storyline(exercise.injects, holds)
        self.conditional: dict[str, list[str]] = {}
        for inj in exercise.injects:
            crisis = _names(inj)
            if crisis in holds and inj.id not in self.holding.get(crisis, ()):
                self.conditional.setdefault(crisis, []).append(inj.id)

    def connect(self, ctx: CrisesParts) -> None:
        """The parts it works with, handed in before t = 0 (a dataclass: it needs many)."""
        self.ctx = ctx
        # the ladder as plain values: read on every region change and request test
        self._request_level = ctx.ladder.request_level
        self._rungs = [(rung.level, rung.team, rung.activation) for rung in ctx.ladder.levels]

    def held(self, crisis_id: str) -> bool:
        """Injects of the storyline still to come name this crisis: it may not end by itself."""
        injects = self.ctx.injects
        return any(i not in injects.done for i in self.holding.get(crisis_id, ())) or any(
            injects.is_scheduled(i) for i in self.conditional.get(crisis_id, ())
        )

    def region(self, region_id: str) -> RegionRun:
        run = self.regions.get(region_id)
        if run is None:
            run = self.regions[region_id] = RegionRun(region_id)
        return run

    def start(self) -> None:
        for run in self.runs.values():
            if run.spec.onset is not None:
                self.ctx.env.process(self._onset_at(run, run.spec.onset))

    def _onset_at(self, run: CrisisRun, t: float) -> Any:
        yield self.ctx.env.timeout(t)
        if not run.active and not run.ended:
            self.onset(run.spec.id, cause="onset")

    # -- state changes ----------------------------------------------------------------------
    def onset(self, crisis_id: str, cause: str = "onset") -> bool:
        run = self.runs[crisis_id]
        if run.active or run.ended:
            return False
        run.active = True
        self._set(run, run.spec.start_level, "onset", cause, crisis_sites(self.ctx.ex, run.spec))
        run.process = self.ctx.env.process(self._escalation(run))
        if run.spec.hns is not None:  # a movement is over when its execution window closes
            self.ctx.env.process(self._window(run, run.spec.hns.window))
        return True

    def _window(self, run: CrisisRun, minutes: float) -> Any:
        """A window that closes at ENDEX (or later) closes with the exercise, not before it:
        what is still asked for then is open at ENDEX, not withdrawn (docs/model.md)."""
        yield self.ctx.env.timeout(minutes)
        if run.active and self.ctx.env.now < self.ctx.endex():
            self.end(run.spec.id, cause="window")

    def change(self, crisis_id: str, level: int, cause: str = "inject") -> bool:
        """Move an active crisis to ``level`` (clamped to the ladder); restart its dwell."""
        run = self.runs[crisis_id]
        if not run.active:
            return False
        ladder = self.ctx.ladder
        level = max(ladder.min_level, min(ladder.max_level, level))
        if level == run.level:
            return False
        if level < self._end_below(run):
            if cause == "inject" or not self.held(crisis_id):
                self.end(crisis_id, cause)
                return True
            level = self._end_below(run)  # the storyline holds it: scale down, do not end
            if level == run.level:
                return False
        self._set(run, level, "escalate" if level > (run.level or 0) else "deescalate", cause)
        if run.process is not None and run.process.is_alive and cause == "inject":
            run.process.interrupt("inject")
        return True

    def end(self, crisis_id: str, cause: str = "inject") -> bool:
        run = self.runs[crisis_id]
        if not run.active:
            return False
        run.active = False
        run.ended = True
        ctx = self.ctx
        ctx.record(
            "crisis",
            ctx.env.now,
            crisis=crisis_id,
            state="end",
            level=run.level,
            detail={
                "from": run.level,
                "cause": cause,
                "kind": run.spec.kind,
                "regions": list(run.spec.regions),
                "unmet_share": round6(ctx.demand.dwell_share(crisis_id)),
            },
        )
        if (
            run.process is not None
            and run.process.is_alive
            and ctx.env.active_process is not run.process
        ):
            run.process.interrupt("end")
        ctx.demand.set_level(crisis_id, None)
        for region in run.spec.regions:
            self.region(region).crises.remove(crisis_id)
            self._update_region(region)
        ctx.requests.on_crisis_end(crisis_id)
        ctx.changed()
        return True

    def _end_below(self, run: CrisisRun) -> int:
        e = run.spec.escalation.end_below
        return run.spec.start_level if e is None else e

    def _set(
        self,
        run: CrisisRun,
        level: int,
        state: str,
        cause: str,
        sites: dict[str, dict[str, Any]] | None = None,
    ) -> None:
        ctx = self.ctx
        previous = run.level
        share = round6(ctx.demand.dwell_share(run.spec.id)) if previous is not None else 0.0
        run.level = level
        run.peak = level if run.peak is None else max(run.peak, level)
        ctx.record(
            "crisis",
            ctx.env.now,
            crisis=run.spec.id,
            state=state,
            level=level,
            detail={
                "from": previous,
                "cause": cause,
                "kind": run.spec.kind,
                "regions": list(run.spec.regions),
                "unmet_share": share,
                **({"sites": sites} if sites is not None else {}),
            },
        )
        for region in run.spec.regions:
            r = self.region(region)
            if run.spec.id not in r.crises:
                r.crises.append(run.spec.id)
        for region in run.spec.regions:
            self._update_region(region)
        ctx.demand.set_level(run.spec.id, level)
        for region in run.spec.regions:  # a new level may justify asking again after a denial
            ctx.requests.on_demand_change(run.spec.id, region)
        ctx.changed()

    def _update_region(self, region_id: str) -> None:
        ctx = self.ctx
        r = self.region(region_id)
        levels = [lv for c in r.crises if (lv := self.runs[c].level) is not None]
        new = max(levels) if levels else ctx.ladder.min_level
        if new == r.level and r.teams:
            return
        old = r.level
        r.level = new
        ctx.record(
            "region",
            ctx.env.now,
            region=region_id,
            state="level",
            level=new,
            detail={"from": old, "crises": list(r.crises)},
        )
        for level, team, activation in self._rungs:
            if level <= new and team and level not in r.teams:
                r.teams[level] = "activating"
                delay = ctx.streams.draw(activation, f"teams/{region_id}") if activation else 0.0
                ctx.env.process(self._activate(r, level, team, delay))

    def _activate(self, r: RegionRun, level: int, team: str, delay: float) -> Any:
        yield self.ctx.env.timeout(delay)
        r.teams[level] = "active"
        self.ctx.record(
            "team",
            self.ctx.env.now,
            region=r.id,
            level=level,
            state="active",
            detail={"team": team},
        )
        self.ctx.requests.on_region_change(r.id)

    def can_request(self, region_id: str) -> bool:
        """Wvr art. 51 requests come once the team of the ladder's request level is active."""
        r = self.region(region_id)
        level = self._request_level
        return r.level >= level and r.teams.get(level) == "active"

    # -- the escalation process ---------------------------------------------------------------
    def _escalation(self, run: CrisisRun) -> Any:
        ctx = self.ctx
        spec = run.spec
        esc = spec.escalation
        rng_dwell = ctx.streams(f"dwell/{spec.id}")
        rng_move = ctx.streams(f"escalation/{spec.id}")
        max_level = esc.max_level if esc.max_level is not None else ctx.ladder.max_level
        while run.active:
            ctx.demand.start_dwell(spec.id)
            assert run.level is not None
            level_spec = spec.levels.get(run.level)
            dist = (
                level_spec.dwell
                if level_spec is not None and level_spec.dwell is not None
                else esc.dwell
            )
            dwell = dist.sample(rng_dwell) / (
                1.0 + esc.speedup_unmet * ctx.demand.crisis_share(spec.id)
            )
            u = rng_move.random()  # drawn now so interrupts do not shift later draws
            try:
                yield ctx.env.timeout(dwell)
            except simpy.Interrupt as stop:
                if stop.cause == "end":
                    return
                continue
            unmet = ctx.demand.dwell_share(spec.id)
            p_up = (
                (esc.p_up_met + (esc.p_up_unmet - esc.p_up_met) * unmet)
                if run.level < max_level
                else 0.0
            )
            p_down = esc.p_down_met * (1.0 - unmet)
            if u < p_up:
                self.change(spec.id, run.level + 1, cause="dwell")
            elif u < p_up + p_down:
                self.change(spec.id, run.level - 1, cause="dwell")
