"""The world: the SimPy processes of one exercise, with a life cycle a session can drive.

Spine (after desmod): exercise → elaborate (crises, regions, hub, Defence, injects, each given
its collaborators) → ``start()`` → ``advance(until)`` as often as the session likes →
``finish()`` at ENDEX. The model writes only through the ``record`` callable (the journal) and
the ``decisions`` log it is given, and reads time only from the ``simpy.Environment`` passed in
(minutes since STARTEX), so batch runs, live sessions, replays and tests drive it the same way.
Advancing in steps gives the same journal as one run: the environment stops before the events
due at ``until`` and carries on with them in the same order next time.
"""

from __future__ import annotations

import gc

import simpy

from sim.decisionlog import DecisionLog
from sim.exercise.models import Crisis, Exercise
from sim.journal import Recorder, bound
from sim.model.crises import Crises, CrisesParts
from sim.model.deciders import Decider, make_decider
from sim.model.defence import Defence
from sim.model.demand import DemandBook
from sim.model.hub import Hub
from sim.model.injects import InjectParts, InjectRunner
from sim.model.requests import DeskParts, RequestDesk
from sim.model.rng import Streams

__all__ = ["World", "build_world", "simulate"]


class World:
    def __init__(
        self,
        exercise: Exercise,
        record: Recorder,
        streams: Streams,
        decider: Decider,
        env: simpy.Environment,
        decisions: DecisionLog | None = None,
    ) -> None:
        self.ex = exercise
        self._recorder = record  # the object, which may count its events
        record = bound(record)  # its parts call it on every event (journal.bound)
        self.record = record
        self.decisions = decisions if decisions is not None else DecisionLog()
        self.seed = streams.seed
        self.env = env
        self.streams = streams
        self.ladder = exercise.ladder
        self.endex = exercise.exercise.duration
        self.crisis_specs: dict[str, Crisis] = {c.id: c for c in exercise.crises}
        # the tags' measure and life-safety flag as plain tables: read on every demand change,
        # and a pydantic attribute read costs several dict look-ups
        self._measure = {tag: info.measure for tag, info in exercise.tags.items()}
        self._life_safety = {tag: bool(info.life_safety) for tag, info in exercise.tags.items()}
        self._checking = False
        self.started = False
        self.finished = False  # set after run_end: nothing may be journaled any more
        self.demand = DemandBook(
            env,
            record,
            self.crisis_specs,
            exercise.regions,
            exercise.tags,
            self.tag_measure,
            self.tag_life_safety,
        )
        self.crises = Crises(exercise)
        self.requests = RequestDesk(exercise)
        self.defence = Defence(exercise, env, record, streams, self.demand, self.tag_measure)
        self.hub = Hub(
            env,
            record,
            self.decisions,
            exercise.hub,
            self.crisis_specs,
            {tag: info.route for tag, info in exercise.tags.items()},
            streams,
            decider,
        )
        self.injects = InjectRunner(exercise)
        self._connect()

    def _connect(self) -> None:
        """desmod's elaborate step: hand every part the parts it works with, before t = 0."""
        env, record, streams, ex = self.env, self.record, self.streams, self.ex
        demand, crises, requests, defence, hub = (
            self.demand,
            self.crises,
            self.requests,
            self.defence,
            self.hub,
        )
        demand.connect(self.active_crises_in, requests.assess, requests.on_demand_change)
        crises.connect(
            CrisesParts(
                env,
                record,
                streams,
                ex,
                self.ladder,
                demand,
                requests,
                self.injects,
                self.changed,
                lambda: self.endex,
            )
        )
        requests.connect(
            DeskParts(
                env,
                record,
                streams,
                ex,
                self.ladder,
                self.crisis_specs,
                demand,
                crises,
                defence,
                hub,
                self.active_crises_in,
                self.tag_measure,
                self.tag_life_safety,
            )
        )
        hub.connect(
            defence.book,
            defence.life,
            defence.pool,
            demand,
            requests,
            lambda crisis: crises.runs[crisis].active,
            self.changed,
        )
        defence.connect(
            hub.review,
            hub.poke,
            requests.emit,
            requests.on_units_gone,
            requests.all,
            self.changed,
        )
        self.injects.connect(
            InjectParts(env, record, ex, crises, requests, defence, hub, self.changed)
        )

    # -- helpers shared by the parts ----------------------------------------------------------------
    def tag_measure(self, tag: str) -> str:
        return self._measure.get(tag, "units")

    def tag_life_safety(self, tag: str) -> bool:
        return self._life_safety.get(tag, False)

    def active_crises_in(self, region: str) -> list[str]:
        r = self.crises.regions.get(region)
        return list(r.crises) if r is not None else []

    def changed(self) -> None:
        """The picture changed: check inject conditions and whether to mobilise nationally."""
        if self._checking:
            return
        self._checking = True
        try:
            self.injects.check()
            self.hub.consider_mobilisation()
        finally:
            self._checking = False

    # -- the life cycle -----------------------------------------------------------------------------
    @property
    def now(self) -> float:
        return float(self.env.now)

    def next_event_time(self) -> float:
        """When the next event is due (``inf`` when nothing is scheduled)."""
        return float(self.env.peek())

    def start(self) -> None:
        """STARTEX: journal the run's frame and start every process (nothing runs yet)."""
        if self.started:
            raise RuntimeError("the world has started already")
        self.started = True
        self._run_start()
        self.defence.start()
        self.crises.start()
        self.injects.start()
        self.hub.start()
        self.changed()

    def advance(self, until: float) -> None:
        """Play every event due before ``until`` (capped at ENDEX); the clock then reads
        ``until``. Events due at ``until`` itself happen on the next call or at ``finish``."""
        if not self.started or self.finished:
            raise RuntimeError("advance() needs a started, unfinished world")
        until = min(until, self.endex)
        if until > self.env.now:
            self.env.run(until=until)

    def settle(self) -> None:
        """Let everything due at the current time happen (after a jump to an inject's time)."""
        now = self.env.now
        while self.env.peek() <= now:
            self.env.step()

    def end_now(self) -> None:
        """ENDEX now (the facilitator ends the exercise early); ``finish`` follows."""
        self.endex = min(self.endex, float(self.env.now))

    def finish(self) -> None:
        """ENDEX: what is due at ENDEX still happens; then open injects and requests are
        closed in the journal and ``run_end`` written."""
        self.advance(self.endex)
        endex = self.endex
        while self.env.peek() <= endex:
            self.env.step()
        self.hub.finished = True
        self.injects.finish()
        self.requests.finish()
        outcomes: dict[str, int] = {}
        for r in self.requests.all:
            key = r.outcome or "open"
            outcomes[key] = outcomes.get(key, 0) + 1
        self.record(
            "run_end",
            endex,
            detail={
                "outcomes": dict(sorted(outcomes.items())),
                "open": [r.id for r in self.requests.all if r.open],
                "events": _count(self._recorder),
            },
        )
        self.finished = True

    def run(self) -> None:
        """Play the exercise from STARTEX to ENDEX in one go.

        Python's cyclic garbage collector is paused meanwhile: the model makes no reference
        cycles that outlive a step (tests/test_model_memory.py checks), so every collection would
        only walk the growing journal and cost time that grows with the run.
        """
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            self.start()
            self.finish()
        finally:
            if was_enabled:
                gc.enable()

    def _run_start(self) -> None:
        ex = self.ex
        regions = sorted(
            {r for c in ex.crises for r in c.regions}
            | {i.request.region for i in ex.injects if i.request}
        )
        self.record(
            "run_start",
            0.0,
            detail={
                "exercise": ex.id,
                "title": ex.exercise.title,
                "seed": self.seed,
                "policy": self.hub.decider.policy,
                "decider": self.hub.decider.who,
                "endex": ex.exercise.duration,
                "start": ex.exercise.start.isoformat() if ex.exercise.start else None,
                "ladder": ex.exercise.ladder,
                "levels": [
                    {"level": lv.level, "code": lv.code, "name": lv.name, "name_nl": lv.name_nl}
                    for lv in self.ladder.levels
                ],
                "regions": regions,
                "capabilities": {
                    cid: {
                        "units": c.units,
                        "name": c.name,
                        "tags": list(c.tags),
                        "mode": c.mode,
                        "reserved": ex.hub.mt1_reserved.get(cid, 0),
                    }
                    for cid, c in ex.capabilities.items()
                },
            },
        )


def _count(record: Recorder) -> int | None:
    """Events recorded so far, when the recorder counts them (the journal does)."""
    length = getattr(record, "__len__", None)
    return int(length()) if length is not None else None


def build_world(
    exercise: Exercise,
    record: Recorder,
    seed: int | None = None,
    decider: Decider | None = None,
    decisions: DecisionLog | None = None,
) -> World:
    """A world with its own environment and streams; the exercise's policy decides unless
    ``decider`` is given."""
    streams = Streams(exercise.exercise.seed if seed is None else seed)
    hub = exercise.hub
    params = {str(k): v for k, v in hub.policy_params.items()}
    chosen = decider if decider is not None else make_decider(hub.policy, params)
    return World(exercise, record, streams, chosen, simpy.Environment(), decisions)


def simulate(
    exercise: Exercise,
    record: Recorder,
    seed: int | None = None,
    decider: Decider | None = None,
    decisions: DecisionLog | None = None,
) -> World:
    """Build and run a world to ENDEX; returns it (for tests that need the final state)."""
    world = build_world(exercise, record, seed, decider, decisions)
    world.run()
    return world
