"""A storyline the dice cannot break: crises named by later injects stay until those fire."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from sim.exercise import load_exercise
from tests.simhelpers import exercise, of, run

ROOT = Path(__file__).resolve().parent.parent
EXERCISES = sorted((ROOT / "exercises").glob("*.yaml"))
SEEDS = range(1, 21)

# A small fire that burns out fast when met, and an inject at T+10:00 that refers to it.
SHORT_FIRE = """
exercise: {id: t, title: test, duration: T+16:00}
crises:
  - id: f
    kind: wildfire
    regions: [VR22]
    start_level: 1
    %(hold)s
    escalation: {dwell: {triangular: [20m, 30m, 40m]}, p_up_unmet: 0, p_up_met: 0, p_down_met: 1}
    levels: {1: {demand: {manpower: 10}}}
injects:
  - {id: 1, time: T+10:00, type: escalate, crisis: f, title: Wind turns}
  - {id: 2, time: T+12:00, type: information, crisis: f, title: Smoke over the A67}
%(end)s
"""


def _crisis_end(events: list[dict]) -> float | None:
    ends = of(events, "crisis", state="end", crisis="f")
    return ends[0]["t"] if ends else None


def test_a_crisis_later_injects_name_stays_active_until_the_last_has_fired() -> None:
    ex = exercise(SHORT_FIRE % {"hold": "", "end": ""})
    assert ex.crises[0].hold_for_injects is True  # the default, shown in effective.yaml
    assert ex.to_data()["crises"][0]["hold_for_injects"] is True
    for seed in SEEDS:
        _, events = run(ex, seed=seed)
        fired = {e["inject"]: e for e in of(events, "inject", state="fired")}
        assert set(fired) == {"1", "2"}, seed
        end = _crisis_end(events)
        assert end is None or end > 12 * 60, (seed, end)
        # it stayed on the ladder while held: the escalation inject found it active
        assert of(events, "crisis", state="escalate", crisis="f"), seed


def test_without_the_hold_the_dice_end_the_crisis_and_skip_the_injects() -> None:
    ex = exercise(SHORT_FIRE % {"hold": "hold_for_injects: false", "end": ""})
    skipped = 0
    for seed in SEEDS:
        _, events = run(ex, seed=seed)
        assert _crisis_end(events) is not None and _crisis_end(events) < 10 * 60
        skipped += len(of(events, "inject", state="skipped", inject="1"))
    assert skipped == len(SEEDS)


def test_an_end_crisis_inject_still_ends_a_held_crisis() -> None:
    end = "  - {id: 3, time: T+05:00, type: end_crisis, crisis: f, title: Fire out}"
    ex = exercise(SHORT_FIRE % {"hold": "", "end": end})
    for seed in SEEDS:
        _, events = run(ex, seed=seed)
        (ended,) = of(events, "crisis", state="end", crisis="f")
        assert ended["t"] == 300.0 and ended["detail"]["cause"] == "inject"
        assert of(events, "inject", state="skipped", inject="1")


def _key_injects(path: Path) -> list:
    """Injects tied to an objective that a batch run should fire: not the ones a facilitator
    fires by hand, nor those the exercise marks ``conditional`` (with its reason)."""
    ex = load_exercise(path)
    return [i for i in ex.injects if i.objectives and not i.manual and i.conditional is None]


@pytest.mark.slow
def test_every_exercise_fires_each_objectives_key_injects_in_nine_of_ten_seeds() -> None:
    shortfalls = []
    for path in EXERCISES:
        ex = load_exercise(path)
        keys = _key_injects(path)
        assert keys, path.stem
        fired: Counter[str] = Counter()
        for seed in SEEDS:
            _, events = run(ex, seed=seed)
            fired.update(e["inject"] for e in of(events, "inject", state="fired"))
        shortfalls += [
            (path.stem, i.id, i.title, fired[i.id]) for i in keys if fired[i.id] < 0.9 * len(SEEDS)
        ]
        for i in ex.injects:
            if i.conditional is not None:
                assert i.conditional.strip(), (path.stem, i.id)  # says why
    assert not shortfalls, shortfalls


def test_tutorial_decision_point_no_free_ground_crew_fires_in_every_seed() -> None:
    ex = load_exercise(ROOT / "exercises" / "tutorial.yaml")
    for seed in SEEDS:
        _, events = run(ex, seed=seed)
        (point,) = of(events, "inject", inject="4")
        assert point["state"] == "fired", seed
        assert point["detail"]["title"] == "No free ground crew"
        assert not of(events, "inject", state="skipped"), seed
