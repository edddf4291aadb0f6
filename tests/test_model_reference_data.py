"""The travel constants and the generic pool are reference data the model reads from the exercise:
changing them with ``--set`` changes the run the way the formulas say, and nothing else."""

from __future__ import annotations

import pytest

from sim.exercise import load_exercise_full, parse_override
from sim.model.geo import haversine_km
from tests.simhelpers import exercise, journal_text, of, run

FLOOD = """
exercise: {id: t, title: test, duration: T+60:00, seed: 2}
hub: {mt1_reserved: {BDE13: 6, BDE11: 6, BDE43: 6}, mobilisation_threshold: 1}
remove: {capabilities: [NATRES]}
crises:
  - {id: f, kind: flood, regions: [VR24], onset: T+00:00, start_level: 3, impact: {physical: C},
     escalation: {p_up_unmet: 0, p_up_met: 0, p_down_met: 0},
     levels: {3: {demand: {sandbags: 900, evacuation: 200}}}}
"""


def _transits(overrides: list[tuple[str, str]]) -> tuple[object, list[dict]]:
    ex = exercise(FLOOD, overrides)
    _, events = run(ex)
    return ex, of(events, "unit", state="in_transit")


@pytest.mark.parametrize(
    "overrides",
    [
        [],
        [("geography.road_factor", "1.5"), ("geography.mount_up_min", "60")],
        [("geography.convoy_kmh", "35"), ("geography.air_overhead_min", "40")],
    ],
)
def test_every_drive_follows_the_exercises_travel_constants(overrides) -> None:
    ex, transits = _transits(overrides)
    geo = ex.geography
    checked = {"road": 0, "air": 0}
    for e in transits:
        cap = ex.capabilities.get(e["capability"])
        if cap is None or cap.on_scene_within is not None or cap.mode not in checked:
            continue  # the generic pool travels by road too, but from its own base
        km, minutes = e["detail"]["distance_km"], e["detail"]["travel_min"]
        if cap.mode == "road":
            expected = km / (cap.speed_kmh or geo.convoy_kmh) * 60 + geo.mount_up_min
        else:
            expected = km / (cap.speed_kmh or geo.air_cruise_kmh) * 60 + geo.air_overhead_min
        assert minutes == pytest.approx(expected, abs=1e-4), e
        checked[cap.mode] += 1
    assert checked["road"] > 0 and checked["air"] > 0, checked


def test_the_road_factor_stretches_every_first_drive_from_base() -> None:
    ex, plain = _transits([])
    _, longer = _transits([("geography.road_factor", "1.5")])
    first = {e["unit"]: e for e in reversed(plain)}
    first_long = {e["unit"]: e for e in reversed(longer)}
    road = [u for u in first if ex.capabilities.get(first[u]["capability"], None) is not None
            and ex.capabilities[first[u]["capability"]].mode == "road" and u in first_long]  # fmt: skip
    assert road
    for u in road:
        ratio = first_long[u]["detail"]["distance_km"] / first[u]["detail"]["distance_km"]
        assert ratio == pytest.approx(1.5 / 1.3, rel=1e-6), u


def test_the_generic_pool_grows_in_blocks_of_its_unit_size_from_its_base() -> None:
    ex = exercise(
        FLOOD,
        [
            ("generic_pool.unit_size", "200"),
            ("generic_pool.lat", "53.2"),
            ("generic_pool.lon", "6.56"),
        ],
    )
    world, events = run(ex)
    ramp = of(events, "mobilisation", state="ramp")
    assert [e["qty"] for e in ramp] == [1000 // 200, 2800 // 200, 4000 // 200]
    assert len(world.defence.book.units["GENERIC"]) == 20
    drives = [e for e in of(events, "unit", state="in_transit") if e["capability"] == "GENERIC"]
    assert drives
    for e in drives:  # from Groningen now, not from the centre of the country
        to = (e["detail"]["to_lat"], e["detail"]["to_lon"])
        crow = haversine_km(53.2, 6.56, *to)
        assert e["detail"]["distance_km"] == pytest.approx(crow * 1.3, rel=1e-6)


def test_the_generic_pool_serves_only_the_tags_it_is_given() -> None:
    for tag in ("sandbags", "evacuation"):
        _, events = run(exercise(FLOOD, [("generic_pool.tags", f"[{tag}]")]))
        generic = [e for e in of(events, "decision") if e["capability"] == "GENERIC"]
        assert generic, tag
        asked = {e["request"]: e for e in of(events, "request", state="submitted")}
        assert all(tag in asked[e["request"]]["detail"]["tags"] for e in generic), tag


def test_the_shipped_values_change_nothing_when_set_explicitly() -> None:
    ex = exercise(FLOOD)
    same = exercise(
        FLOOD,
        [("geography.road_factor", "1.3"), ("geography.convoy_kmh", "70"),
         ("generic_pool.unit_size", "100"), ("generic_pool.rest", "8h")],
    )  # fmt: skip
    assert journal_text(ex) == journal_text(same)


def test_reference_values_show_in_the_effective_exercise_and_bad_ones_name_the_argument() -> None:
    loaded = load_exercise_full(
        "exercises/tutorial.yaml", [parse_override("geography.air_cruise_kmh=200")]
    )
    assert loaded.exercise.geography.air_cruise_kmh == 200
    assert loaded.exercise.generic_pool is not None
    assert loaded.exercise.generic_pool.unit_size == 100
    assert loaded.exercise.generic_pool.sources == ["S26", "S19"]
    from sim.exercise import ExerciseFileError

    with pytest.raises(ExerciseFileError) as err:
        load_exercise_full("exercises/tutorial.yaml", [parse_override("geography.road_factor=0")])
    assert "--set geography.road_factor=0" in str(err.value)
