"""The model makes no cyclic garbage while it runs, so pausing the cyclic collector is safe.

``World.run`` pauses ``gc`` for speed (see its docstring). That is only harmless if everything
a run throws away is freed by reference counting: this checks it for every exercise and policy.
"""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from sim.exercise import load_exercise
from sim.journal import Journal
from sim.model import build_world
from sim.model.deciders import make_decider

EXERCISES = sorted((Path(__file__).resolve().parent.parent / "exercises").glob("*.yaml"))


@pytest.mark.parametrize("path", EXERCISES, ids=lambda p: p.stem)
@pytest.mark.parametrize("policy", ["fifo", "priority", "fair-share"])
def test_a_run_leaves_no_cyclic_garbage(path: Path, policy: str) -> None:
    exercise = load_exercise(path)
    gc.collect()
    gc.disable()
    try:
        journal = Journal()
        world = build_world(exercise, journal, seed=3, decider=make_decider(policy))
        world.run()
        assert not gc.isenabled(), "run() must leave the collector as it found it"
        found = gc.collect()  # the world and journal are still referenced: not garbage
    finally:
        gc.enable()
    assert found == 0, f"{found} objects in reference cycles were left behind by the run"
    assert len(journal) > 0 and world.env.now >= exercise.exercise.duration


def test_run_restores_the_collector() -> None:
    exercise = load_exercise(EXERCISES[0])
    assert gc.isenabled()
    build_world(exercise, Journal(), seed=1).run()
    assert gc.isenabled()


@pytest.mark.parametrize("policy", ["fifo", "priority"])
def test_a_dropped_world_writes_nothing_after_run_end(policy: str) -> None:
    """Freeing a world closes its suspended processes; none may write to the journal then."""
    journal = Journal()
    exercise = load_exercise(EXERCISES[0].parent / "power-outage-cyber.yaml")
    build_world(exercise, journal, seed=2, decider=make_decider(policy)).run()
    gc.collect()  # the world is garbage now: its generators are closed
    assert journal.events[-1]["kind"] == "run_end"
