"""The world: builds the SimPy processes for one exercise and plays it to ENDEX.

Spine (after desmod): exercise → elaborate (crises, regions, hub, Defence, injects) → run →
journal. The model writes only through the ``record`` callable it is given, and reads time only
from its own ``simpy.Environment`` (minutes since STARTEX), so batch runs, replays and tests all
drive it the same way.
"""

from __future__ import annotations

import gc

import simpy

from sim.exercise.models import Crisis, Exercise
from sim.journal import Recorder
from sim.model.crises import Crises
from sim.model.deciders import Decider
from sim.model.defence import Defence
from sim.model.demand import DemandBook
from sim.model.hub import Hub
from sim.model.injects import InjectRunner
from sim.model.requests import RequestDesk
from sim.model.rng import Streams

__all__ = ["World", "simulate"]


class World:
    def __init__(
        self,
        exercise: Exercise,
        record: Recorder,
        seed: int | None = None,
        decider: Decider | None = None,
    ) -> None:
        self.ex = exercise
        self.record = record
        self.seed = exercise.exercise.seed if seed is None else seed
        self.env = simpy.Environment()
        self.streams = Streams(self.seed)
        self.ladder = exercise.ladder
        self.crisis_specs: dict[str, Crisis] = {c.id: c for c in exercise.crises}
        self.denials = 0
        self.queued_events = 0
        self.reallocations = 0
        self.mt1_conflicts = 0
        self._checking = False
        self.finished = False  # set after run_end: nothing may be journaled any more
        self.demand = DemandBook(self)
        self.crises = Crises(self)
        self.requests = RequestDesk(self)
        self.defence = Defence(self)
        self.hub = Hub(self, decider)
        self.injects = InjectRunner(self)

    # -- helpers shared by the parts ----------------------------------------------------------------
    def tag_measure(self, tag: str) -> str:
        info = self.ex.tags.get(tag)
        return info.measure if info is not None else "units"

    def tag_life_safety(self, tag: str) -> bool:
        info = self.ex.tags.get(tag)
        return bool(info and info.life_safety)

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
            self.defence.consider_mobilisation()
        finally:
            self._checking = False

    # -- running ------------------------------------------------------------------------------------
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
                "policy": self.hub.decider.name,
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

    def run(self) -> None:
        """Play the exercise from STARTEX to ENDEX.

        Python's cyclic garbage collector is paused meanwhile: the model makes no reference
        cycles that outlive a step (tests/test_model_memory.py checks), so every collection would
        only walk the growing journal and cost time that grows with the run.
        """
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            self._play()
        finally:
            if was_enabled:
                gc.enable()

    def _play(self) -> None:
        endex = self.ex.exercise.duration
        self._run_start()
        self.defence.start()
        self.crises.start()
        self.injects.start()
        self.hub.start()
        self.changed()
        self.env.run(until=endex)
        while self.env.peek() <= endex:  # what is scheduled at ENDEX itself still happens
            self.env.step()
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
                "events": len(self.record) if hasattr(self.record, "__len__") else None,
            },
        )
        self.finished = True


def simulate(
    exercise: Exercise, record: Recorder, seed: int | None = None, decider: Decider | None = None
) -> World:
    """Build and run a world; returns it (for tests that need the final state)."""
    world = World(exercise, record, seed=seed, decider=decider)
    world.run()
    return world
