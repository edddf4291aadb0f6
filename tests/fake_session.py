"""A ``SessionHandle`` without a world, for testing and benchmarking the console.

It is built from a real exercise (its injects, capabilities, regions and crises) and a real
``ScenarioClock``; a request inject puts a canned request in front of the players. It applies
the command language with plain bookkeeping instead of the model: enough for the console to be
driven through every command and for its screen to change as a real session's would. Not a
model of anything; the real ``LiveSession`` (``sim/runs/live.py``) replaces it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta

from sim.exercise.adhoc import AdhocInjectError, parse_adhoc_inject
from sim.exercise.models import Exercise, Inject
from sim.exercise.times import format_t
from sim.runs import commands as c
from sim.runs.clock import ClockError, ScenarioClock
from sim.runs.completion import CompletionIds, complete
from sim.runs.view import (
    AdviceView,
    ClockView,
    CommandResult,
    InjectView,
    OptionView,
    PendingView,
    RegionView,
    SessionView,
    UnitBoardRow,
)

__all__ = ["FakeSession"]


def _inject_view(inj: Inject) -> InjectView:
    if inj.manual:
        trigger: str | None = "manual"
    elif inj.trigger is not None:
        after = inj.trigger.after
        trigger = f"after {after}" if after is not None else "when condition"
    else:
        trigger = None
    return InjectView(
        id=inj.id,
        title=inj.title,
        state="pending",
        due_min=inj.time,
        trigger=trigger,
        message=inj.message,
        from_=inj.from_,
        to=inj.to or None,
        method=inj.method or None,
        expected_action=inj.expected_action or None,
        inject_type=inj.type,
    )


class FakeSession:
    """Canned views over a real exercise and clock; commands change them as a session would."""

    def __init__(
        self,
        exercise: Exercise,
        *,
        speed: float = 60.0,
        paused: bool = True,
        players: bool = True,
        wall: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ex = exercise
        self.wall = wall
        self.pauses: list[tuple[float, float]] = []
        self.clock = ScenarioClock(
            speed=speed,
            paused=paused,
            cap=exercise.exercise.duration,
            wall=wall,
            on_pause=lambda t, s: self.pauses.append((t, s)),
        )
        self.players = players
        self.next: list[InjectView] = [_inject_view(j) for j in exercise.injects]
        self.fired: list[InjectView] = []
        self.pending: list[PendingView] = []
        self.decisions: list[tuple[float, c.Decide]] = []
        self.notes: list[tuple[float, str]] = []
        self.log: list[str] = []
        self.free = {cid: cap.units for cid, cap in exercise.capabilities.items() if cap.units}
        self.on_scene = dict.fromkeys(self.free, 0)
        self.levels: dict[str, int] = {}
        self.ticks = 0
        self._adhoc = 0
        self._requests = 0
        self._ended = False

    # -- SessionHandle ------------------------------------------------------------------------
    @property
    def finished(self) -> bool:
        return self._ended or self.clock.finished

    def tick(self) -> None:
        self.ticks += 1
        now = self.clock.now()
        for inj in sorted(
            (j for j in self.next if j.due_min is not None and j.due_min <= now),
            key=lambda j: j.due_min or 0.0,
        ):
            self._fire(inj, inj.due_min or now)

    def view(self) -> SessionView:
        now = self.clock.now()
        start = self.ex.exercise.start
        calendar = None
        if start is not None:
            calendar = (start + timedelta(minutes=now)).strftime("%Y-%m-%d %H:%M")
        clock = ClockView(
            scenario_min=now,
            endex_min=self.clock.cap,
            calendar=calendar,
            wall=time.strftime("%H:%M:%S"),
            speed=self.clock.speed,
            paused=self.clock.paused,
            finished=self.finished,
        )
        due = sorted(self.next, key=lambda j: (j.due_min is None, j.due_min or 0.0, j.id))
        return SessionView(
            exercise_id=self.ex.id,
            title=self.ex.exercise.title,
            clock=clock,
            players=self.players,
            policy=self.ex.hub.policy,
            injects_next=due,
            injects_fired=list(reversed(self.fired)),  # newest first, as the real session
            pending=list(self.pending),
            units=[
                UnitBoardRow(
                    cid,
                    self.ex.capabilities[cid].name,
                    {"available": n, "on_scene": self.on_scene[cid]},
                )
                for cid, n in self.free.items()
            ],
            regions=self._regions(),
            mobilisation=None,
            log=self.log[-50:],
        )

    def completions(self, prefix: str) -> list[str]:
        ids = CompletionIds(
            requests=[p.key for p in self.pending],
            units=[f"{cid}-1" for cid, n in self.on_scene.items() if n],
            injects=[j.id for j in self.next],
            capabilities=list(self.ex.capabilities),
            awaiting=[p.key for p in self.pending],
        )
        return complete(prefix, ids)

    def submit(self, line: str) -> CommandResult:
        try:
            cmd = c.parse_command(line, capabilities=list(self.ex.capabilities))
        except c.CommandError as exc:
            return self._answer(False, str(exc), exc.column)
        if cmd is None:
            return CommandResult(True, "")
        if cmd.at is not None and cmd.at != self.clock.now():
            return self._answer(False, "the fake session applies lines now; drop the @time")
        if self.finished and not isinstance(cmd, c.Help | c.Note):
            return self._answer(False, "the exercise has ended")
        try:
            return self._apply(cmd)
        except AdhocInjectError as exc:
            return self._answer(False, str(exc), exc.column)
        except ClockError as exc:
            return self._answer(False, str(exc))

    # -- commands -------------------------------------------------------------------------------
    def _apply(self, cmd: c.Command) -> CommandResult:
        now = self.clock.now()
        match cmd:
            case c.Pause():
                return self._answer(self.clock.pause(), f"paused at {format_t(now)}")
            case c.Resume():
                return self._answer(self.clock.resume(), f"resumed at {format_t(now)}")
            case c.Speed(factor=f):
                self.clock.set_speed(f)
                return self._answer(True, f"speed ×{f:g}")
            case c.Goto(time=t):
                self.clock.jump(t)
                self.tick()
                return self._answer(True, f"now {format_t(self.clock.now())}")
            case c.Next():
                due = [j.due_min for j in self.next if j.due_min is not None]
                if not due:
                    return self._answer(False, "no scheduled inject ahead")
                self.clock.jump(min(due))
                self.tick()
                return self._answer(True, f"now {format_t(self.clock.now())}")
            case c.Fire(inject=i):
                inj = self._find(i)
                if inj is None:
                    return self._answer(False, f"no pending inject {i!r}")
                self._fire(inj, now)
                return self._answer(True, f"fired {i} at {format_t(now)}")
            case c.Skip(inject=i, reason=why):
                inj = self._find(i)
                if inj is None:
                    return self._answer(False, f"no pending inject {i!r}")
                self.next.remove(inj)
                self.fired.append(replace(inj, state="skipped", fired_min=now, reason=why or None))
                return self._answer(True, f"skipped {i}")
            case c.Delay(inject=i, by=by):
                inj = self._find(i)
                if inj is None or inj.due_min is None:
                    return self._answer(False, f"no scheduled inject {i!r}")
                self.next[self.next.index(inj)] = replace(inj, due_min=inj.due_min + by)
                return self._answer(True, f"{i} now at {format_t(inj.due_min + by)}")
            case c.AddInject(text=text, column=col):
                inj = parse_adhoc_inject(
                    text, self.ex, default_id=f"adhoc-{self._adhoc + 1}", now=now, offset=col - 1
                )
                self._adhoc += 1
                self.next.append(_inject_view(inj))
                self.tick()
                return self._answer(True, f"inject {inj.id} added")
            case c.Decide(request=r, action=a, capability=cap, units=n):
                req = next((p for p in self.pending if p.key == r), None)
                if req is None:
                    return self._answer(False, f"no request {r!r} awaits a decision")
                cap = cap or (req.options[0].capability if req.options else None)
                if a in ("approve", "partial", "substitute") and cap is not None:
                    want = n or req.options[0].needed
                    if self.free.get(cap, 0) < want:
                        return self._answer(False, f"only {self.free.get(cap, 0)} {cap} free")
                    self.free[cap] -= want
                    self.on_scene[cap] += want
                self.pending.remove(req)
                self.decisions.append((now, cmd))  # type: ignore[arg-type]
                return self._answer(True, f"{r}: {a}")
            case c.Reallocate(unit=u, request=r):
                return self._answer(False, f"unit {u!r} is not deployed (fake session)")
            case c.Mobilise():
                return self._answer(True, "national mobilisation ordered")
            case c.Answer(inject=i, text=text):
                fired = next((j for j in self.fired if j.id == i and j.state == "fired"), None)
                if fired is None or fired.inject_type != "decision_point":
                    return self._answer(False, f"{i!r} is not a fired decision point")
                self.fired[self.fired.index(fired)] = replace(fired, answer=text)
                self.notes.append((now, f"answer {i}: {text}"))
                return self._answer(True, f"answer to {i} recorded")
            case c.Note(text=text):
                self.notes.append((now, text))
                return self._answer(True, f"note at {format_t(now)}")
            case c.End():
                self._ended = True
                self.clock.pause()
                return self._answer(True, f"ENDEX at {format_t(now)}")
            case c.Help():
                return CommandResult(True, ", ".join(c.WORDS))
        return self._answer(False, f"{cmd.word}: not in the fake session")

    # -- bookkeeping ------------------------------------------------------------------------------
    def _answer(self, ok: bool, message: str, column: int | None = None) -> CommandResult:
        if not ok and not message:
            message = "nothing to do"
        stamp = format_t(self.clock.now())
        self.log.append(f"{stamp} {'' if ok else 'error: '}{message}")
        return CommandResult(ok, message, column)

    def _find(self, inject_id: str) -> InjectView | None:
        return next((j for j in self.next if j.id == inject_id), None)

    def _fire(self, inj: InjectView, at: float) -> None:
        self.next.remove(inj)
        self.fired.append(replace(inj, state="fired", fired_min=at))
        self.log.append(f"{format_t(at)} inject {inj.id} {inj.title}")
        source = next((j for j in self.ex.injects if j.id == inj.id), None)
        if source is not None and source.crisis and source.type in ("escalate", "crisis_onset"):
            self.levels[source.crisis] = self.levels.get(source.crisis, 1) + 1
        if source is not None and source.request is not None:
            self._request(source, at)

    def _request(self, inj: Inject, at: float) -> None:
        r = inj.request
        assert r is not None
        self._requests += 1
        crisis = self.ex.crisis(r.crisis) if r.crisis else None
        level = self.levels.get(crisis.id, crisis.start_level) if crisis else None
        ladder = {lv.level: lv.code for lv in self.ex.ladder.levels}
        options = []
        for cid, cap in self.ex.capabilities.items():
            if r.capability == cid or (cap.units and set(r.tags) & set(cap.tags)):
                needed = r.quantity if r.capability == cid else 1
                options.append(
                    OptionView(
                        capability=cid,
                        name=cap.name,
                        free=self.free.get(cid, 0),
                        needed=needed,
                        eta_min=240.0 if cap.mode == "air" else 360.0,
                        primary=r.capability == cid,
                        legal=r.route in cap.legal,
                        support_ok=True,
                        others=("R099",) if self.free.get(cid, 0) == 1 else (),
                    )
                )
        options.sort(key=lambda o: (not o.primary, o.capability))
        self.pending.append(
            PendingView(
                key=f"R{self._requests:03d}",
                kind="request",
                asked_min=at,
                region=r.region,
                region_name=self.ex.regions[r.region].name,
                crisis=crisis.id if crisis else None,
                crisis_level=ladder.get(level) if level is not None else None,
                route=r.route,
                requester=r.requester,
                effect=r.effect,
                tags=list(r.tags),
                quantity=r.quantity,
                measure="units",
                urgency_min=r.urgency,
                priority=12.5,
                life_safety=bool(r.life_safety),
                options=options,
                advice=AdviceView(
                    "priority",
                    "approved" if options else "denied",
                    options[0].needed if options else 0,
                    options[0].capability if options else None,
                    "the first option" if options else "nothing can serve it",
                ),
            )
        )

    def _regions(self) -> list[RegionView]:
        ladder = {lv.level: lv.code for lv in self.ex.ladder.levels}
        out: dict[str, RegionView] = {}
        now = self.clock.now()
        for crisis in self.ex.crises:
            if crisis.onset is None or crisis.onset > now:
                continue
            level = self.levels.get(crisis.id, crisis.start_level)
            for region in crisis.regions:
                prev = out.get(region)
                crises = [*(prev.crises if prev else []), (crisis.id, ladder.get(level, "?"))]
                top = max(level, prev.level if prev else 0)
                out[region] = RegionView(
                    region, self.ex.regions[region].name, top, ladder.get(top, "?"), crises
                )
        return list(out.values())


class CannedSession:
    """Plays back a list of ready-made views, one per tick; records the lines sent to it.

    For what ``FakeSession`` never produces (life-safety requests, options the route forbids,
    mobilisation advice, every unit state), exactly as a real session would hand them over.
    """

    def __init__(self, views: list[SessionView]) -> None:
        self.views = views
        self.index = 0
        self.lines: list[str] = []

    @property
    def finished(self) -> bool:
        return self.views[self.index].clock.finished

    def view(self) -> SessionView:
        return self.views[self.index]

    def tick(self) -> None:
        self.index = min(self.index + 1, len(self.views) - 1)

    def submit(self, line: str) -> CommandResult:
        self.lines.append(line)
        return CommandResult(True, f"sent: {line}")

    def completions(self, prefix: str) -> list[str]:
        return complete(prefix, CompletionIds())
