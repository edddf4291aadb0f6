"""The exercise library: every exercise validates and runs, and shows what its sources say."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.exercise import load_exercise
from tests.simhelpers import of, run

ROOT = Path(__file__).resolve().parent.parent
EXERCISES = sorted((ROOT / "exercises").glob("*.yaml"))


def test_the_library_has_the_exercises_the_readme_lists() -> None:
    names = {p.stem for p in EXERCISES}
    assert {
        "tutorial",
        "river-flood",
        "wildfires-unclear",
        "wildfires-clear",
        "power-outage-cyber",
        "terror-utrecht",
        "hybrid-hns",
        "national-stress-test",
    } <= names


@pytest.mark.parametrize("path", EXERCISES, ids=lambda p: p.stem)
def test_exercise_runs_with_three_seeds(path: Path) -> None:
    ex = load_exercise(path)
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=exercise.schema.json")
    assert "[S" in text, "the comment block cites its sources"
    assert ex.exercise.objectives, "objectives tie injects to the debrief"
    assert any(i.objectives for i in ex.injects)
    for seed in (1, 2, 3):
        _, events = run(ex, seed=seed)
        assert events[-1]["kind"] == "run_end"
        assert len(of(events, "inject")) == len(ex.injects)


def _submitted(events: list[dict]) -> dict[str, float]:
    return {e["request"]: e["t"] for e in of(events, "request", state="submitted")}


def test_fire_bucket_helicopter_leaves_about_three_hours_after_the_request() -> None:
    """Peel 2020: request 14:40, Chinook departed 17:40 [S47a]; §8.4: 1.5-3-5 h, over 20 seeds
    for every Chinook request granted at once (not queued for capacity)."""
    ex = load_exercise(ROOT / "exercises" / "wildfires-unclear.yaml")
    delays = []
    for seed in range(1, 21):
        _, events = run(ex, seed=seed)
        submitted = _submitted(events)
        immediate = {
            e["request"]
            for e in of(events, "decision")
            if e["state"] in {"approved", "partial", "substitute"}
        }
        queued = {e["request"] for e in of(events, "decision", state="queued")}
        first: dict[str, float] = {}
        for e in of(events, "unit", state="in_transit"):
            # the sourced case is a Chinook granted as asked; a Cougar offered as a substitute
            # (seed 13: decided 2.8 h after a busy hub's intake) is another decision
            if e["capability"] == "FBO_CH47" and e["request"] in immediate - queued:
                first.setdefault(e["request"], e["t"] - submitted[e["request"]])
        delays.extend(first.values())
    assert len(delays) >= 20
    hours = sorted(d / 60 for d in delays)
    assert all(1.5 <= h <= 5.0 for h in hours), hours
    assert 2.5 <= hours[len(hours) // 2] <= 3.5, hours


def test_guarding_platoons_arrive_no_earlier_than_their_six_hour_notice() -> None:
    """Natres guarding platoons at 6 h notice-to-move [S29]: never on scene before the
    approval that tasked them + 6 h, over 20 seeds."""
    ex = load_exercise(ROOT / "exercises" / "terror-utrecht.yaml")
    arrivals = []
    for seed in range(1, 21):
        _, events = run(ex, seed=seed)
        tasked = {
            unit: e["t"]
            for e in of(events, "decision")
            if e["capability"] == "NATRES_6H"
            for unit in e["detail"].get("units") or []
        }
        for e in of(events, "unit", state="on_scene", capability="NATRES_6H"):
            arrivals.append((e["t"] - tasked[e["unit"]]) / 60)
    assert len(arrivals) >= 20, "the terror exercise must task guarding platoons"
    assert min(arrivals) >= 6.0, sorted(arrivals)


def test_stress_test_shows_contention_and_main_task_one_conflicts_in_most_seeds() -> None:
    ex = load_exercise(ROOT / "exercises" / "national-stress-test.yaml")
    seeds = range(1, 11)
    contention = conflicts = 0
    for seed in seeds:
        _, events = run(ex, seed=seed)
        states = {e["state"] for e in of(events, "decision")}
        contention += bool(states & {"queued", "substitute"})
        conflicts += any(e["detail"]["conflict"] for e in of(events, "mt1", state="claim"))
        assert len({e["region"] for e in of(events, "request") if e["region"]}) >= 5
    assert contention >= 8 and conflicts >= 7, (contention, conflicts)


def test_clear_reallocation_authority_moves_helicopters_faster() -> None:
    """Rekenkamer on the Peel/Meinweg fires: unclear authority cost hours [S47e]."""
    latencies = {}
    for variant in ("clear", "unclear"):
        ex = load_exercise(ROOT / "exercises" / f"wildfires-{variant}.yaml")
        values = []
        for seed in range(1, 21):
            _, events = run(ex, seed=seed)
            values += [e["detail"]["latency"] for e in of(events, "reallocation", state="ordered")]
        latencies[variant] = sorted(values)
    assert latencies["clear"] and latencies["unclear"], latencies
    assert max(latencies["clear"]) < min(latencies["unclear"])
    # the bands of the issue: under 1 h with clear authority, hours without it
    assert max(latencies["clear"]) < 60.0, latencies["clear"]
    assert latencies["unclear"][len(latencies["unclear"]) // 2] >= 120.0, latencies["unclear"]
