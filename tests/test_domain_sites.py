"""Incident sites: crises and scripted requests name where help is needed; units fly there."""

from __future__ import annotations

import itertools

import pytest

from sim.exercise import ExerciseFileError, load_exercise_text
from sim.exercise.reference import find_place
from sim.model.geo import travel_minutes
from tests.simhelpers import TWO_FIRES, exercise, of, run

SEEDS = range(1, 21)
GILZE = (51.567, 4.932)
OIRSCHOT = (51.505, 5.310)

# The places the domain file and the example exercises name [§4, §6, exercises/*.yaml].
REQUIRED_PLACES = [
    "Deurnese Peel",
    "Meinweg",
    "Sittard",
    "Valkenburg",
    "Eemshaven",
    "Vlissingen",
    "Utrecht Centraal",
    "Waalbandijk Ochten",
    "Waalbandijk Dodewaard",
    "Waaldijk Tiel",
    "Maasdijk Maas en Waal",
]


def _fire(site: str, extra: str = "") -> str:
    return f"""
exercise: {{id: t, title: test, duration: T+12:00, seed: 3, start: 2026-04-20T12:45:00+02:00}}
crises:
  - {{id: f, kind: wildfire, regions: [VR22], {site} onset: T+00:00, start_level: 3,
     auto_requests: false, escalation: {{p_up_unmet: 0, p_up_met: 0, p_down_met: 0}}}}
injects:
  - {{id: 1, time: T+00:30, type: request, request: {{region: VR22, crisis: f, effect: water drops,
     tags: [wildfire], capability: FBO_CH47, quantity: 1, urgency: 3h{extra}}}}}
"""


def test_the_gazetteer_has_the_places_of_the_domain_file_and_the_exercises() -> None:
    ex = exercise(_fire(""))
    for name in REQUIRED_PLACES:
        found = find_place(ex.places, name)
        assert found is not None, name
        _, place = found
        assert 50.7 < place.lat < 53.6 and 3.3 < place.lon < 7.3, name  # inside the Netherlands
        assert place.region in ex.regions
    assert find_place(ex.places, "deurnese peel") == find_place(ex.places, "deurnese_peel")
    names = [p.name.casefold() for p in ex.places.values()]
    assert len(names) == len(set(names)), "a name must pick one place"
    for pid, place in ex.places.items():
        assert place.region in ex.regions, pid
        assert 50.7 < place.lat < 53.6 and 3.3 < place.lon < 7.3, pid
        # a place lies near its region: within 60 km of the region's seat
        seat = ex.regions[place.region]
        assert travel_minutes("air", seat.lat, seat.lon, place.lat, place.lon, 60)[1] < 60, pid


def test_an_exercise_adds_a_place_of_its_own() -> None:
    text = _fire("site: Strabrechtse Heide,").replace(
        "crises:",
        "places:\n  strabrecht: {name: Strabrechtse Heide, region: VR22, lat: 51.37, lon: 5.60}\ncrises:",
    )
    _, events = run(exercise(text))
    (transit,) = of(events, "unit", state="in_transit", capability="FBO_CH47")
    assert (transit["detail"]["to_lat"], transit["detail"]["to_lon"]) == (51.37, 5.60)


def test_chinook_flies_gilze_rijen_to_the_peel_not_to_eindhoven() -> None:
    """Peel 2020: the Chinook flew Gilze-Rijen -> Deurnese Peel, about 0.50 h [S47a]; the
    region's seat (Eindhoven) would give 0.42 h."""
    peel = find_place(exercise(_fire("")).places, "Deurnese Peel")
    assert peel is not None
    expected, _ = travel_minutes("air", *GILZE, peel[1].lat, peel[1].lon, 240)
    seat_min, _ = travel_minutes("air", *GILZE, 51.4416, 5.4697, 240)
    assert 29 < expected < 33 and seat_min < 26
    for seed in SEEDS:
        _, events = run(exercise(_fire("site: Deurnese Peel,")), seed=seed)
        (transit,) = of(events, "unit", state="in_transit", capability="FBO_CH47")
        assert transit["detail"]["travel_min"] == pytest.approx(expected, abs=0.01)
        assert (transit["detail"]["to_lat"], transit["detail"]["to_lon"]) == (
            peel[1].lat,
            peel[1].lon,
        )
        arrival = of(events, "unit", state="on_scene", unit=transit["unit"])[0]
        assert arrival["t"] - transit["t"] == pytest.approx(expected, abs=0.01)


def test_without_a_site_the_region_seat_is_the_destination() -> None:
    _, events = run(exercise(_fire("")))
    (transit,) = of(events, "unit", state="in_transit", capability="FBO_CH47")
    assert (transit["detail"]["to_lat"], transit["detail"]["to_lon"]) == (51.4416, 5.4697)
    (drafted,) = of(events, "request", state="drafted")
    assert drafted["detail"]["site"]["seat"] is True
    assert drafted["detail"]["site"]["name"] == "Eindhoven"


def test_a_request_site_by_coordinates_wins_over_the_crisis_site() -> None:
    text = _fire(
        "site: Deurnese Peel,", extra=", site: {lat: 51.35, lon: 5.55, name: A67 Leenderheide}"
    )
    _, events = run(exercise(text))
    (drafted,) = of(events, "request", state="drafted")
    assert drafted["detail"]["site"] == {
        "name": "A67 Leenderheide",
        "lat": 51.35,
        "lon": 5.55,
        "place": None,
        "seat": False,
    }
    (transit,) = of(events, "unit", state="in_transit", capability="FBO_CH47")
    assert transit["detail"]["travel_min"] == pytest.approx(
        travel_minutes("air", *GILZE, 51.35, 5.55, 240)[0], abs=0.01
    )


def test_the_journal_records_each_regions_site_at_onset() -> None:
    text = """
exercise: {id: t, title: test, duration: T+06:00}
crises:
  - {id: f, kind: flood, regions: [VR24, VR23], site: Valkenburg, sites: {VR23: VieCuri Venlo},
     auto_requests: false}
  - {id: g, kind: flood, regions: [VR24, VR22], site: Meinweg, auto_requests: false}
"""
    # Meinweg lies in VR23, in neither region of g: refused with its position
    with pytest.raises(ExerciseFileError, match=r"<t>:6:.*Meinweg.*lies in VR23"):
        load_exercise_text(text, "<t>")
    _, events = run(exercise(text.replace("site: Meinweg,", "")))
    onset = of(events, "crisis", state="onset", crisis="f")[0]
    sites = onset["detail"]["sites"]
    assert sites["VR24"]["name"] == "Valkenburg" and sites["VR23"]["name"] == "VieCuri Venlo"


def test_troops_drive_oirschot_to_sittard_not_to_maastricht() -> None:
    text = """
exercise: {id: t, title: test, duration: T+12:00}
crises:
  - {id: f, kind: flood, regions: [VR24], site: Sittard, onset: T+00:00, start_level: 3,
     auto_requests: false, escalation: {p_up_unmet: 0, p_up_met: 0, p_down_met: 0}}
injects:
  - {id: 1, time: T+00:30, type: request, request: {region: VR24, crisis: f, effect: sandbags,
     tags: [sandbags], capability: BDE13, quantity: 100}}
"""
    expected = travel_minutes("road", *OIRSCHOT, 51.000, 5.869)[0]
    for seed in SEEDS:
        _, events = run(exercise(text), seed=seed)
        (transit,) = of(events, "unit", state="in_transit", capability="BDE13")
        assert transit["detail"]["travel_min"] == pytest.approx(expected, abs=0.01)


def test_unknown_or_misplaced_places_are_refused_with_their_position() -> None:
    with pytest.raises(
        ExerciseFileError, match=r"<t>:4:.*unknown place 'Deurnese Pell'.*Deurnese Peel"
    ):
        load_exercise_text(_fire("site: Deurnese Pell,"), "<t>")
    with pytest.raises(ExerciseFileError, match=r"place 'Sittard' lies in VR24, not in VR22"):
        load_exercise_text(_fire("", extra=", site: Sittard"), "<t>")


REALLOC_HEAD = """
exercise: {id: t, title: test, duration: T+30:00, seed: 1, start: 2020-04-20T12:45:00+02:00}
hub: {reallocation_authority: clear}
capabilities:
  FBO_CH47: {units: 1, sortie: 30m, refuel: 5h}
  FBO_COUGAR: {units: 0}
"""
REALLOC = (
    REALLOC_HEAD
    + TWO_FIRES.replace("%", "%%")
    + """injects:
  - {id: 1, time: T+00:10, type: request, request: {region: VR22, crisis: peel, effect: water,
     tags: [wildfire], capability: FBO_CH47, quantity: 1, urgency: 12h, life_safety: false}}
  - {id: 2, time: %s, type: request, request: {region: VR23, crisis: meinweg, effect: water,
     tags: [wildfire], capability: FBO_CH47, quantity: 1, urgency: 1h, life_safety: true}}
"""
)


def test_a_chinook_moved_while_refuelling_flies_from_where_it_is() -> None:
    """Reallocated during its turnaround at Gilze-Rijen, the Chinook leaves from there (or
    from the point of its leg it has reached), not from the Peel it left."""
    checked = 0
    for seed in SEEDS:
        _, events = run(exercise(REALLOC % "T+07:30"), seed=seed)
        units = of(events, "unit", unit="FBO_CH47-1")
        moved = [
            (prev, e)
            for prev, e in itertools.pairwise(units)
            if prev["state"] == "refuelling"
            and e["state"] == "in_transit"
            and e["crisis"] == "meinweg"
        ]
        if not moved:
            continue
        prev, transit = moved[0]
        elapsed = transit["t"] - prev["t"]
        leg = travel_minutes("air", 51.42, 5.86, *GILZE, 240)[0]
        meinweg = (51.170, 6.140)
        if leg <= elapsed <= prev["detail"]["until"] - prev["t"] - leg:  # at the base
            expected = travel_minutes("air", *GILZE, *meinweg, 240)[0]
            assert transit["detail"]["travel_min"] == pytest.approx(expected, abs=0.01)
            checked += 1
        from_peel = travel_minutes("air", 51.42, 5.86, *meinweg, 240)[0]
        assert transit["detail"]["travel_min"] != pytest.approx(from_peel, abs=0.01)
    assert checked >= 5, checked
