"""Reference data, the effective-exercise round trip, overriding reference data, ``--set`` and times.

The shipped reference data (``sim/exercise/data/*.yaml``) is merged into every exercise that
does not say ``reference: none``; an exercise may override one value, add an entry or remove
one. ``Exercise.to_data()`` is what a run writes as ``effective.yaml``: loading it again must
give the same exercise.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest
import yaml

from sim.exercise import (
    ExerciseFileError,
    format_t,
    load_exercise,
    load_exercise_text,
    parse_override,
    parse_scenario_time,
)
from sim.exercise.reference import standard_reference
from sim.exercise.times import TIME_PATTERN, format_duration
from sim.policies_registry import POLICY_NAMES

ROOT = Path(__file__).resolve().parent.parent
TUTORIAL = ROOT / "exercises" / "tutorial.yaml"
MINIMAL = "exercise: {id: x, title: t, duration: T+10:00}\n"


def load(text: str):
    return load_exercise_text(MINIMAL + text, "test.yaml")


def issues_of(text: str) -> list[str]:
    with pytest.raises(ExerciseFileError) as info:
        load(text)
    return [str(i) for i in info.value.issues]


@pytest.fixture(scope="module")
def standard():
    return load("")


# --- the shipped reference data -----------------------------------------------------------------


def test_twenty_five_safety_regions(standard) -> None:
    assert sorted(standard.regions) == [f"VR{n:02d}" for n in range(1, 26)]
    assert {r.rmc for r in standard.regions.values()} == {"Noord", "WestMidden", "Zuid"}
    for rid, region in standard.regions.items():
        assert region.name and region.seat, rid
        assert 50.7 <= region.lat <= 53.6 and 3.3 <= region.lon <= 7.3, rid  # the Netherlands
        assert region.population_k > 0, rid
        assert region.civil.fire > 0 and region.civil.manpower > 0, rid
    assert len({r.name for r in standard.regions.values()}) == 25
    assert 16_000 <= sum(r.population_k for r in standard.regions.values()) <= 19_000


def test_capabilities_have_sane_values(standard) -> None:
    assert len(standard.capabilities) >= 10
    for cid, cap in standard.capabilities.items():
        assert cap.name and cap.base, cid
        assert 50.7 <= cap.lat <= 53.6 and 3.3 <= cap.lon <= 7.3, cid
        assert 1 <= cap.units <= 100 and 1 <= cap.unit_size <= 500, cid
        low, high = cap.notice.bounds
        assert 0 <= low <= high <= 7 * 24 * 60, cid  # notice-to-move within a week
        assert cap.tags, cid
        assert set(cap.tags) <= set(standard.tags), (cid, set(cap.tags) - set(standard.tags))
        assert set(cap.needs) <= set(standard.capabilities), cid
        if cap.mode == "air":
            assert cap.speed_kmh is not None and 100 <= cap.speed_kmh <= 400, cid
        if cap.season is not None:
            assert len(cap.season) == 2, cid
    assert standard.capabilities["FBO_CH47"].needs == ["FBO_GROUND"]


def test_tags_and_the_generic_pool(standard) -> None:
    used = {t for cap in standard.capabilities.values() for t in cap.tags}
    assert used <= set(standard.tags)
    for tid, tag in standard.tags.items():
        assert tag.name and tag.name_nl, tid
        assert tag.measure in {"persons", "units"}, tid
    assert standard.tags["evacuation"].life_safety
    pool = standard.generic_pool
    assert pool is not None and pool.ramp
    hours = [p.hours for p in pool.ramp]
    troops = [p.troops for p in pool.ramp]
    assert hours == sorted(hours) and troops == sorted(troops)


def test_ladders(standard) -> None:
    assert {"grip_classic", "flex_2024"} <= set(standard.ladders)
    grip = standard.ladders["grip_classic"]
    assert (grip.min_level, grip.max_level) == (0, 6)
    assert [lv.code for lv in grip.levels][:6] == [f"GRIP{n}" for n in range(6)]
    assert grip.rung(2).team == "ROT" and grip.request_level == 2
    for name, ladder in standard.ladders.items():
        numbers = [lv.level for lv in ladder.levels]
        assert numbers == list(range(numbers[0], numbers[0] + len(numbers))), name
        assert ladder.min_level <= ladder.request_level <= ladder.max_level, name
    assert standard.exercise.ladder == "grip_classic" and standard.ladder is grip  # default


def test_an_exercise_picks_another_ladder() -> None:
    ex = load_exercise_text("exercise: {id: x, title: t, duration: T+10:00, ladder: flex_2024}\n")
    assert ex.ladder.name.startswith("Flexible") and ex.ladder.max_level == 4


def test_standard_reference_is_a_fresh_copy_each_time() -> None:
    first = standard_reference()
    first["regions"]["VR01"]["name"] = "changed"
    assert standard_reference()["regions"]["VR01"]["name"] != "changed"


def test_hub_policies_are_known(standard) -> None:
    assert standard.hub.policy in POLICY_NAMES


# --- the effective exercise round trip ---------------------------------------------------------


def test_tutorial_round_trip_through_to_data() -> None:
    original = load_exercise(TUTORIAL)
    text = yaml.safe_dump(original.to_data(), sort_keys=False, allow_unicode=True)
    again = load_exercise_text(text, "effective.yaml")
    assert again.model_dump(exclude={"reference"}) == original.model_dump(exclude={"reference"})
    assert again.reference == "none"  # the effective file stands alone
    data = yaml.safe_load(text)
    assert data["injects"][1]["time"] == "T+01:40"  # times are written as strings
    assert data["crises"][0]["urgency"] == "3h"
    assert data["crises"][0]["escalation"]["dwell"] == {"triangular": ["1h", "2h", "4h"]}


def test_round_trip_keeps_long_and_odd_times() -> None:
    text = """\
exercise: {id: x, title: t, duration: 'D+999 00:00'}
injects:
  - {id: 1, time: 'T+01:00:30', type: information}
  - {id: 2, time: '1.5h', type: information}
"""
    original = load_exercise_text(text)
    again = load_exercise_text(yaml.safe_dump(original.to_data()))
    assert again.model_dump(exclude={"reference"}) == original.model_dump(exclude={"reference"})


# --- overriding, adding and removing reference data --------------------------------------------


def test_override_one_value_keeps_the_rest(standard) -> None:
    ex = load("capabilities: {FBO_CH47: {units: 2}}\n")
    ch47, base = ex.capabilities["FBO_CH47"], standard.capabilities["FBO_CH47"]
    assert ch47.units == 2 and base.units != 2
    assert ch47.model_dump(exclude={"units"}) == base.model_dump(exclude={"units"})
    assert ex.capabilities["FBO_COUGAR"] == standard.capabilities["FBO_COUGAR"]


def test_override_a_nested_value() -> None:
    ex = load("regions: {VR22: {civil: {fire: 5}}}\n")
    assert ex.regions["VR22"].civil.fire == 5
    assert ex.regions["VR22"].civil.police > 0  # the rest of civil stays


def test_add_a_region() -> None:
    ex = load(
        "regions:\n  VR99: {name: Testregio, seat: Ergens, lat: 52.0, lon: 5.0, rmc: Zuid,"
        " population_k: 10}\n"
    )
    assert len(ex.regions) == 26 and ex.regions["VR99"].seat == "Ergens"


def test_remove_a_capability_and_a_region() -> None:
    ex = load("remove: {capabilities: [AH64], regions: [VR01]}\n")
    assert "AH64" not in ex.capabilities and "VR01" not in ex.regions
    assert len(ex.regions) == 24


def test_removed_capability_can_no_longer_be_referenced() -> None:
    messages = issues_of("remove: {capabilities: [AH64]}\nhub: {mt1_reserved: {AH64: 1}}\n")
    assert any("unknown capability 'AH64'" in m for m in messages)


def test_reference_none_starts_empty() -> None:
    assert issues_of("reference: none\n") == [
        "test.yaml:1:11: error: exercise.ladder: unknown escalation ladder 'grip_classic'"
    ]


# --- --set overrides ---------------------------------------------------------------------------


def test_set_overrides_apply() -> None:
    ex = load_exercise(
        TUTORIAL,
        [
            ("hub.staff", "4"),
            ("crises.peel.onset", "T+01:00"),
            ("capabilities.FBO_CH47.units", "2"),
            ("injects.3.time", "T+02:30"),
            ("exercise.seed", "11"),
            ("hub.policy", "fifo"),
        ],
    )
    assert ex.hub.staff == 4
    assert ex.crisis("peel").onset == 60.0
    assert ex.capabilities["FBO_CH47"].units == 2
    assert next(i for i in ex.injects if i.id == "3").time == 150.0
    assert ex.exercise.seed == 11 and ex.hub.policy == "fifo"


def test_set_by_index_and_later_overrides_win() -> None:
    ex = load_exercise(TUTORIAL, [("crises.0.start_level", "2"), ("crises.0.start_level", "3")])
    assert ex.crises[0].start_level == 3


def test_set_values_are_yaml() -> None:
    ex = load_exercise(TUTORIAL, [("crises.peel.regions", "[VR22, VR21]")])
    assert ex.crisis("peel").regions == ["VR22", "VR21"]


def test_parse_override() -> None:
    assert parse_override("hub.staff=4") == ("hub.staff", "4")
    assert parse_override(" crises.peel.onset =T+01:00") == ("crises.peel.onset", "T+01:00")
    assert parse_override("exercise.title=a=b") == ("exercise.title", "a=b")
    with pytest.raises(ExerciseFileError) as info:
        parse_override("hubstaff")
    assert str(info.value) == "--set hubstaff: error: expected KEY=VALUE, e.g. hub.staff=4"


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("hub.staff", "two", "--set hub.staff=two: error: hub.staff: Input should be a valid"),
        ("hub.staf", "2", "--set hub.staf=2: error: hub.staf: unknown key 'staf'; did you mean"),
        (
            "crises.pel.onset",
            "T+01:00",
            "--set crises.pel.onset=T+01:00: error: crises.pel.onset: no item 'pel' in crises "
            "(list); did you mean 'peel'?",
        ),
        (
            "crises.peel.onset",
            "2:30",
            "--set crises.peel.onset=2:30: error: crises.peel.onset: 2:30 is read by YAML 1.1 as",
        ),
        (
            "crises.peel.onset",
            "T+99:00",
            "--set crises.peel.onset=T+99:00: error: crises[0].onset: onset T+99:00 is after ENDEX",
        ),
        ("hub.staff", "[", "--set hub.staff=[: error: hub.staff: YAML:"),
        ("hub.staff.x", "1", "--set hub.staff.x=1: error: hub.staff.x: no item 'x' in hub.staff"),
        ("injects.²", "1", "--set injects.²=1: error: injects.²: no item '²' in injects"),
    ],
)
def test_invalid_set_names_the_argument(key: str, value: str, expected: str) -> None:
    with pytest.raises(ExerciseFileError) as info:
        load_exercise(TUTORIAL, [(key, value)])
    lines = [str(i) for i in info.value.issues]
    assert any(line.startswith(expected) for line in lines), lines
    for issue in info.value.issues:
        assert issue.location.source == f"--set {key}={value}"
        assert issue.line is None and issue.col is None


def test_set_error_points_at_the_argument_not_the_file(tmp_path: Path) -> None:
    path = tmp_path / "ex.yaml"
    path.write_text(MINIMAL + "hub: {staff: 2}\n", encoding="utf-8")
    ex = load_exercise(path, [("hub.staff", "3")])
    assert ex.hub.staff == 3
    with pytest.raises(ExerciseFileError) as info:
        load_exercise(path, [("hub.staff", "0")])
    assert [str(i) for i in info.value.issues] == [
        "--set hub.staff=0: error: hub.staff: Input should be greater than or equal to 1"
    ]


# --- times ---------------------------------------------------------------------------------------

VALID_TIMES = [
    ("T+02:30", 150.0),
    ("T+00:00", 0.0),
    ("T+1:05", 65.0),
    ("T+100:00", 6000.0),
    ("T+9999:59", 599_999.0),
    ("T+01:00:30", 60.5),
    ("D+1 08:00", 480.0),
    ("D+2 00:00", 1440.0),
    ("D+3 23:59", 4319.0),
    ("90m", 90.0),
    ("2h30m", 150.0),
    ("1d6h", 1800.0),
    ("1.5h", 90.0),
    ("30s", 0.5),
    ("1h30m15s", 90.25),
    ("0m", 0.0),
    ("PT2H30M", 150.0),
    ("P1D", 1440.0),
    ("PT45S", 0.75),
    ("P1DT2H", 1560.0),
    (" T+01:00 ", 60.0),
]


@pytest.mark.parametrize(("text", "minutes"), VALID_TIMES)
def test_time_forms(text: str, minutes: float) -> None:
    assert parse_scenario_time(text) == minutes
    assert re.search(TIME_PATTERN, text), "the editor schema must accept it too"


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        (150, "unitless number is ambiguous"),
        (2.5, "unitless number is ambiguous"),
        (True, "got the boolean True"),
        (None, "expected a time string"),
        ("", "is not a scenario time"),
        ("2:30", "is not a scenario time"),
        ("T+2:60", "is not a scenario time"),
        ("T-01:00", "is not a scenario time"),
        ("t+01:00", "is not a scenario time"),
        ("T+10000:00", "is not a scenario time"),
        ("T+", "is not a scenario time"),
        ("D+0 08:00", "day numbers start at D+1"),
        ("D+1 24:00", "is not a scenario time"),
        ("D+1 8:00", "is not a scenario time"),
        ("PT", "is not a scenario time"),
        ("P", "is not a scenario time"),
        ("P1DT", "is not a scenario time"),
        ("PT1.5H", "is not a scenario time"),
        ("PT2h", "is not a scenario time"),
        ("1h 30m", "is not a scenario time"),
        ("-1h", "is not a scenario time"),
        ("1m30", "is not a scenario time"),
        ("1.5s", "is not a scenario time"),
        ("soon", "write a string such as 'T+02:30'"),
    ],
)
def test_time_rejects(value: object, fragment: str) -> None:
    with pytest.raises(ValueError, match=re.escape(fragment)):
        parse_scenario_time(value)
    if isinstance(value, str) and not value.startswith("D+0"):  # D+0: a range, not a form
        assert not re.search(TIME_PATTERN, value), "the editor schema must refuse it too"


def test_huge_compact_time_is_refused_in_a_file() -> None:
    messages = issues_of("injects: [{id: 1, time: '" + "9" * 400 + "d', type: information}]\n")
    assert any("time is not finite" in m for m in messages), messages


@pytest.mark.parametrize("minutes", [0.0, 0.5, 1.0, 59.0, 90.25, 150.0, 1441.0, 10_000 * 60.0])
def test_format_duration_parses_back(minutes: float) -> None:
    assert parse_scenario_time(format_duration(minutes)) == minutes


def test_format_t() -> None:
    assert format_t(150) == "T+02:30"
    assert format_t(0) == "T+00:00"
    assert format_t(59.6) == "T+01:00"
    assert format_t(-30) == "T-00:30"
    assert parse_scenario_time(format_t(6000)) == 6000
    assert math.isclose(parse_scenario_time("T+00:00:01"), 1 / 60)
