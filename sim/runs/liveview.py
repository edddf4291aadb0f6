"""The live session's snapshot for a face: plain values built from the world as it stands.

Layer 5 may read the model's objects (it owns the world); the faces only see the
``SessionView`` built here. Everything a player needs to decide on a request is in its
``PendingView``: the route and requester, the effect and quantity, each capability that could
serve it with free units and the time to be on scene, what taking it means for others, and
what the advising policy would decide.
"""

from __future__ import annotations

import time
from datetime import timedelta
from typing import TYPE_CHECKING

from sim.exercise.describe import trigger_words
from sim.exercise.models import Inject
from sim.model.deferring import PlayersDecider
from sim.model.entities import UNIT_STATES, Request
from sim.model.hub import GRANTING
from sim.runs.view import (
    AdviceView,
    ClockView,
    InjectView,
    MobilisationView,
    OptionView,
    PendingView,
    RegionView,
    SessionView,
    UnitBoardRow,
)

if TYPE_CHECKING:
    from sim.runs.live import LiveSession
    from sim.runs.session import Session

__all__ = ["build_view"]

STATES = UNIT_STATES


def build_view(live: LiveSession, log: list[str]) -> SessionView:
    s = live.session
    ex = s.exercise
    clock = live.clock
    now = clock.now() if clock is not None else s.now
    calendar = None
    if ex.exercise.start is not None:
        calendar = (ex.exercise.start + timedelta(minutes=now)).strftime("%Y-%m-%d %H:%M")
    decider = s.decider
    players = isinstance(decider, PlayersDecider)
    injects_next, injects_fired = _injects(s)
    return SessionView(
        exercise_id=ex.id,
        title=ex.exercise.title,
        clock=ClockView(
            scenario_min=now,
            endex_min=s.endex,
            calendar=calendar,
            wall=time.strftime("%H:%M:%S"),
            speed=clock.speed if clock is not None else 0.0,
            paused=clock.paused if clock is not None else True,
            finished=s.finished,
        ),
        players=players,
        policy=decider.policy,
        injects_next=injects_next,
        injects_fired=injects_fired,
        pending=_pending(s) if players and not s.finished else [],
        units=_board(s, live.playing),
        regions=_regions(s),
        mobilisation=_mobilisation(s),
        log=log,
    )


def _inject_view(s: Session, inj: Inject, answers: dict[str, str]) -> InjectView:
    runner = s.world.injects
    return InjectView(
        id=inj.id,
        title=inj.title or inj.message[:60],
        state=runner.done.get(inj.id, "pending"),
        due_min=runner.due.get(inj.id, inj.time),
        trigger=trigger_words(inj),
        message=inj.message,
        from_=inj.from_,
        to=inj.to,
        method=inj.method,
        expected_action=inj.expected_action,
        fired_min=runner.fired_at.get(inj.id),
        reason=runner.reasons.get(inj.id),
        inject_type=inj.type,
        answer=answers.get(inj.id),
    )


def _injects(s: Session) -> tuple[list[InjectView], list[InjectView]]:
    runner = s.world.injects
    answers = {n["inject"]: n["text"] for n in s.notes.lines if n["kind"] == "answer"}
    views = [_inject_view(s, inj, answers) for inj in runner.by_id.values()]
    pending = [v for v in views if v.state == "pending"]
    pending.sort(key=lambda v: (v.due_min is None, v.due_min or 0.0, v.id))
    fired = [v for v in views if v.state != "pending"]
    fired.sort(key=lambda v: (v.fired_min or 0.0, v.id), reverse=True)
    return pending, fired


def _level_code(s: Session, level: int | None) -> str | None:
    if level is None:
        return None
    for rung in s.world.ladder.levels:
        if rung.level == level:
            return rung.code
    return str(level)


def _pending(s: Session) -> list[PendingView]:
    world = s.world
    hub, defence = world.hub, world.defence.book
    decider = s.decider
    assert isinstance(decider, PlayersDecider)
    out = []
    for key, question in decider.questions.items():
        req = question.request
        if not req.open:
            continue
        view = hub.view(req)
        advice = decider.advise(req, view)
        tasking = hub.steps_for(req).tasking.mean
        options = []
        for cand in view.candidates:
            cap = defence.capabilities[cand.capability]
            eta = tasking + cap.notice.mean + cand.travel_min
            options.append(
                OptionView(
                    capability=cand.capability,
                    name=cap.name,
                    free=cand.free,
                    needed=cand.units_needed,
                    eta_min=round(eta, 1),
                    primary=cand.primary,
                    legal=cand.legal,
                    support_ok=cand.support_ok,
                    others=_others(s, req, cand.capability),
                )
            )
        run = world.crises.runs.get(req.crisis) if req.crisis else None
        out.append(
            PendingView(
                key=key,
                kind="request",
                asked_min=question.asked,
                region=req.region,
                region_name=world.ex.regions[req.region].name
                if req.region in world.ex.regions
                else req.region,
                crisis=req.crisis,
                crisis_level=_level_code(s, run.level) if run is not None else None,
                route=req.route,
                requester=req.requester,
                effect=req.effect,
                tags=list(req.tags),
                quantity=req.quantity,
                measure=req.measure,
                urgency_min=req.urgency,
                priority=req.priority,
                life_safety=req.life_safety,
                options=options,
                advice=AdviceView(
                    policy=decider.policy,
                    outcome=advice.outcome,
                    units=advice.units if advice.outcome in GRANTING else 0,
                    capability=advice.capability if advice.outcome in GRANTING else None,
                    reason=advice.reason,
                ),
            )
        )
    return out


def _others(s: Session, req: Request, cap: str) -> tuple[str, ...]:
    """The other requests waiting (queued or awaiting the players) that could use ``cap``:
    what taking it means for them (up to four, by id)."""
    hub, defence = s.world.hub, s.world.defence.book
    others = {
        r.id
        for r in [*hub.queued, *hub.awaiting]
        if r is not req and r.open and cap in defence.relevant(r)
    }
    return tuple(sorted(others)[:4])


def playing_capabilities(s: Session) -> set[str]:
    """Capabilities that can play a part: they deliver an effect some crisis level or scripted
    request asks for, are named by an inject, or support one that does (ground crews)."""
    ex = s.exercise
    tags = {t for c in ex.crises for lv in c.levels.values() for t in lv.demand}
    named: set[str] = set()
    for inj in ex.injects:
        if inj.request is not None:
            tags.update(inj.request.tags)
            if inj.request.capability:
                named.add(inj.request.capability)
        for part in (inj.capacity, inj.mt1):
            if part is not None:
                named.add(part.capability)
    caps = s.world.defence.book.capabilities
    chosen = {cid for cid, cap in caps.items() if tags & set(cap.tags)} | (named & set(caps))
    chosen |= {need for cid in list(chosen) for need in caps[cid].needs}
    return chosen


def _board(s: Session, playing: set[str]) -> list[UnitBoardRow]:
    defence = s.world.defence.book
    rows = []
    for cap_id in sorted(defence.units):
        counts = defence.counts(cap_id)
        if cap_id not in playing:
            continue
        rows.append(
            UnitBoardRow(
                capability=cap_id,
                name=defence.capabilities[cap_id].name,
                counts={state: counts.get(state, 0) for state in STATES},
            )
        )
    return rows


def _regions(s: Session) -> list[RegionView]:
    world = s.world
    out = []
    for region_id in sorted(world.crises.regions):
        r = world.crises.regions[region_id]
        crises = [(c, _level_code(s, world.crises.runs[c].level) or "") for c in r.crises]
        out.append(
            RegionView(
                region=region_id,
                name=world.ex.regions[region_id].name
                if region_id in world.ex.regions
                else region_id,
                level=r.level,
                level_code=_level_code(s, r.level) or str(r.level),
                crises=crises,
            )
        )
    return out


def _mobilisation(s: Session) -> MobilisationView | None:
    world = s.world
    pool, hub = world.defence.pool, world.hub
    if "GENERIC" not in world.defence.book.capabilities:
        return None
    waiting = pool.waiting(hub.queued) or []  # None once mobilised
    threshold = hub.spec.mobilisation_threshold
    return MobilisationView(
        mobilised_min=pool.mobilised_at,
        waiting=len(waiting),
        threshold=threshold,
        policy=s.advisor.policy,
        would_mobilise=pool.mobilised_at is None and s.advisor.mobilise(waiting, threshold),
    )
