"""Injects (the MSEL): fire at their time, after another inject, or when a condition holds.

Every inject ends with exactly one journal event: ``fired``, ``skipped`` (fired but could not take
effect, e.g. escalating a crisis that has ended) or ``not_reached`` at ENDEX. Manual injects wait
for a facilitator (live play or a recorded decision log); in a batch run they are not reached.
Conditions are checked, in MSEL order, whenever the picture changes; each fires once.

Collaborators come through ``connect(InjectParts)`` before t = 0: an inject can change any
part (crises, requests, Defence, the hub), so one small dataclass of exactly those parts replaces
the world it used to hold.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sim.exercise.describe import trigger_text
from sim.exercise.models import Condition, Exercise, Inject

if TYPE_CHECKING:
    import simpy

    from sim.journal import Recorder
    from sim.model.crises import Crises
    from sim.model.defence import Defence
    from sim.model.hub import Hub
    from sim.model.requests import RequestDesk

__all__ = ["InjectParts", "InjectRunner"]


_trigger_text = trigger_text  # the journal's form (sim/exercise/describe.py)


@dataclass
class InjectParts:
    """What the injects act on: every part a scripted event can change (crises, requests, Defence
    units and main task 1, the hub's settings) and the clock, journal and exercise."""

    env: simpy.Environment
    record: Recorder
    ex: Exercise
    crises: Crises
    requests: RequestDesk
    defence: Defence
    hub: Hub
    changed: Callable[[], None]


class InjectRunner:
    def __init__(self, exercise: Exercise) -> None:
        self.done: dict[str, str] = {}
        self._dependents: dict[str, list[Inject]] = {}
        self._watching: list[Inject] = []
        self._scheduled: set[str] = set()
        self.due: dict[str, float] = {}  # scheduled injects -> when they fire (a delay moves it)
        self.by_id = {i.id: i for i in exercise.injects}
        self.adhoc: list[Inject] = []  # typed in by the facilitator during a live session
        self.fired_at: dict[str, float] = {}  # fired or skipped -> when (for the live view)
        self.reasons: dict[str, str] = {}  # skipped -> why

    def connect(self, ctx: InjectParts) -> None:
        """The parts it works with, handed in before t = 0 (a dataclass: it needs many)."""
        self.ctx = ctx

    def start(self) -> None:
        for inj in self.ctx.ex.injects:
            trig = inj.trigger
            if inj.time is not None:
                self._schedule(inj, inj.time - self.ctx.env.now)
            elif trig is not None and trig.after is not None:
                self._dependents.setdefault(trig.after, []).append(inj)
            elif trig is not None and trig.when is not None:
                self._watching.append(inj)

    def is_scheduled(self, inject_id: str) -> bool:
        """Its time or trigger has come and it waits for its delay: it will fire."""
        return inject_id in self._scheduled and inject_id not in self.done

    def _schedule(self, inj: Inject, delay: float) -> None:
        self._scheduled.add(inj.id)
        due = self.ctx.env.now + max(0.0, delay)
        self.due[inj.id] = due
        self.ctx.env.process(self._at(inj, due))

    def _at(self, inj: Inject, due: float) -> Any:
        yield self.ctx.env.timeout(due - self.ctx.env.now)
        if self.due.get(inj.id) == due:  # not moved by a facilitator's delay meanwhile
            self.fire(inj)

    # -- the facilitator's actions (live sessions, and their recorded playback) ------------------
    def pending(self, inject_id: str) -> Inject:
        """A known inject that has not fired yet, or ValueError saying why not."""
        inj = self.by_id.get(inject_id)
        if inj is None:
            raise ValueError(f"no inject {inject_id!r}")
        if inject_id in self.done:
            state = self.done[inject_id]
            done = "has fired already" if state == "fired" else f"was {state.replace('_', ' ')}"
            raise ValueError(f"inject {inject_id} {done}")
        return inj

    def fire_now(self, inject_id: str) -> None:
        """Fire a pending inject (manual, conditional or scheduled) at the current time."""
        self.fire(self.pending(inject_id))

    def skip(self, inject_id: str, reason: str) -> None:
        """Take a pending inject out of the storyline; injects after it are not triggered."""
        inj = self.pending(inject_id)
        self.done[inj.id] = "skipped"
        self.fired_at[inj.id] = self.ctx.env.now
        self.reasons[inj.id] = reason
        self.due.pop(inj.id, None)
        if inj in self._watching:
            self._watching.remove(inj)
        self._record_unplayed(inj, "skipped", reason)

    def _record_unplayed(self, inj: Inject, state: str, reason: str) -> None:
        """Journal an inject that did not take its course: skipped, or not reached at ENDEX."""
        ctx = self.ctx
        ctx.record(
            "inject",
            ctx.env.now,
            inject=inj.id,
            state=state,
            crisis=inj.crisis or (inj.request.crisis if inj.request else None),
            region=inj.request.region if inj.request else None,
            detail=self._detail(inj, reason),
        )

    def delay(self, inject_id: str, minutes: float) -> float:
        """Move a scheduled inject later (or earlier, not before now); returns its new time."""
        inj = self.pending(inject_id)
        if inj.id not in self.due:
            raise ValueError(f"inject {inj.id} is not scheduled yet (it waits for its trigger)")
        due = max(self.ctx.env.now, self.due[inj.id] + minutes)
        self.due[inj.id] = due
        self.ctx.env.process(self._at(inj, due))
        return due

    def add_adhoc(self, inj: Inject) -> str:
        """A facilitator's inject typed during the session, known from now on: it fires now
        (typed without a time), at its ``time``, after its trigger, or when a facilitator fires
        it (``manual``), as it would in the exercise file. Returns which: "fired", "scheduled",
        "waiting" or "manual". (It used to fire now whatever it said.) A time in the past fires
        now: the session refuses one before it gets here (``actions.adhoc``)."""
        if inj.id in self.by_id:
            raise ValueError(f"inject id {inj.id!r} is taken")
        now = self.ctx.env.now
        self.by_id[inj.id] = inj
        self.adhoc.append(inj)
        trig = inj.trigger
        if inj.time is not None:
            if inj.time > now:
                self._schedule(inj, inj.time - now)
                return "scheduled"
            self.fire(inj)
            return "fired"
        if trig is not None and trig.after is not None:
            if self.done.get(trig.after) == "fired":  # due as if it had been there all along
                self._schedule(inj, self.fired_at[trig.after] + trig.delay - now)
                return "scheduled"
            self._dependents.setdefault(trig.after, []).append(inj)
            return "waiting"
        if trig is not None and trig.when is not None:
            self._watching.append(inj)
            self.check()
            return "scheduled" if inj.id in self._scheduled else "waiting"
        return "manual"

    # -- conditions ------------------------------------------------------------------------------
    def check(self) -> None:
        if not self._watching:
            return
        for inj in list(self._watching):
            assert inj.trigger is not None and inj.trigger.when is not None
            if self._holds(inj.trigger.when):
                self._watching.remove(inj)
                self._schedule(inj, inj.trigger.delay)

    def _holds(self, cond: Condition) -> bool:
        ctx = self.ctx
        if cond.region_level:
            ((region, level),) = cond.region_level.items()
            return ctx.crises.region(region).level >= level
        if cond.crisis_level:
            ((crisis, level),) = cond.crisis_level.items()
            run = ctx.crises.runs[crisis]
            return run.active and run.level is not None and run.level >= level
        if cond.free_units_below:
            ((cap, k),) = cond.free_units_below.items()
            return ctx.defence.book.free(cap) < k
        if cond.request_denied is not None:
            return cond.request_denied in ctx.requests.denied_in
        if cond.request_queued is not None:
            return cond.request_queued in ctx.requests.queued_in
        return False

    # -- effects ---------------------------------------------------------------------------------
    def fire(self, inj: Inject) -> None:
        ctx = self.ctx
        if inj.id in self.done:
            return
        result = self._apply(inj)
        state, reason, request = result
        self.done[inj.id] = state
        self.fired_at[inj.id] = ctx.env.now
        if reason is not None:
            self.reasons[inj.id] = reason
        region = inj.request.region if inj.request is not None else None
        crisis = inj.crisis or (inj.request.crisis if inj.request is not None else None)
        ctx.record(
            "inject",
            ctx.env.now,
            inject=inj.id,
            state=state,
            crisis=crisis,
            region=region,
            request=request,
            detail=self._detail(inj, reason),
        )
        for dep in self._dependents.get(inj.id, []):
            assert dep.trigger is not None
            self._schedule(dep, dep.trigger.delay)
        ctx.changed()

    def _detail(self, inj: Inject, reason: str | None) -> dict[str, Any]:
        return {
            "type": inj.type,
            "title": inj.title,
            "from": inj.from_,
            "to": inj.to,
            "method": inj.method,
            "channel": inj.channel,
            "message": inj.message,
            "expected_action": inj.expected_action,
            "objectives": list(inj.objectives),
            "visibility": inj.visibility,
            "reason": reason,
            "time": inj.time,
            "trigger": _trigger_text(inj),
        }

    def _apply(self, inj: Inject) -> tuple[str, str | None, str | None]:
        ctx = self.ctx
        kind = inj.type
        crises = ctx.crises
        if kind == "crisis_onset":
            assert inj.crisis is not None
            ok = crises.onset(inj.crisis, cause="inject")
            return (
                ("fired", None, None)
                if ok
                else ("skipped", "crisis already started or ended", None)
            )
        if kind in {"escalate", "deescalate", "set_level"}:
            assert inj.crisis is not None
            run = crises.runs[inj.crisis]
            if not run.active or run.level is None:
                return ("skipped", "crisis is not active", None)
            if kind == "set_level":
                assert inj.level is not None
                target = inj.level
                if target == run.level:  # the script's level holds already: the news still lands
                    return ("fired", f"crisis already at level {run.level}", None)
            else:
                target = run.level + (inj.steps if kind == "escalate" else -inj.steps)
            ok = crises.change(inj.crisis, target, cause="inject")
            return (
                ("fired", None, None)
                if ok
                else ("skipped", f"crisis already at level {run.level}", None)
            )
        if kind == "end_crisis":
            assert inj.crisis is not None
            return (
                ("fired", None, None)
                if crises.end(inj.crisis, cause="inject")
                else ("skipped", "crisis is not active", None)
            )
        if kind == "request":
            assert inj.request is not None
            if inj.request.crisis is not None and crises.runs[inj.request.crisis].ended:
                return ("skipped", "crisis has ended", None)
            req = ctx.requests.scripted(inj.request, inj.id)
            return ("fired", None, req.id)
        if kind == "capacity_change":
            assert inj.capacity is not None
            ctx.defence.mt1.capacity_change(
                inj.capacity.capability, inj.capacity.units, inj.capacity.reason or inj.title
            )
            return ("fired", None, None)
        if kind in {"mt1_claim", "mt1_release"}:
            assert inj.mt1 is not None
            if kind == "mt1_claim":
                ctx.defence.mt1.claim(inj.mt1.capability, inj.mt1.units, inj.id)
            else:
                ctx.defence.mt1.release(inj.mt1.capability, inj.mt1.units, inj.id)
            return ("fired", None, None)
        if kind == "hub_change":
            assert inj.hub is not None
            h = inj.hub
            if h.staff is not None:
                ctx.hub.set_staff(h.staff, inj.id)
            if h.policy is not None:
                ctx.hub.set_policy(h.policy, inj.id)
            if h.reallocation_authority is not None:
                ctx.hub.set_authority(h.reallocation_authority, inj.id)
            if h.outage is not None:
                ctx.hub.outage(h.outage, inj.id)
            return ("fired", None, None)
        if kind == "reallocate":
            assert inj.reallocate is not None
            problem = ctx.hub.moves.scripted(inj.reallocate, ctx.requests.all, f"inject:{inj.id}")
            return ("skipped", problem, None) if problem is not None else ("fired", None, None)
        if kind == "mobilise":
            problem = ctx.hub.mobilise(f"inject:{inj.id}")
            return ("skipped", problem, None) if problem is not None else ("fired", None, None)
        return ("fired", None, None)  # information, decision_point: journaled for the players

    def finish(self) -> None:
        ctx = self.ctx
        for inj in [*ctx.ex.injects, *self.adhoc]:
            if inj.id not in self.done:
                reason = (
                    "manual inject not fired by a facilitator"
                    if inj.manual
                    else "trigger never held before ENDEX"
                )
                if inj.id in self._scheduled:
                    reason = "scheduled after ENDEX"
                self._record_unplayed(inj, "not_reached", reason)
