"""Sourced timings held over many seeds: CBRN within 2 h [S40b], Limburg 2021 [S44a]."""

from __future__ import annotations

import pytest

from tests.simhelpers import exercise, of, run

SEEDS = range(1, 21)

# Far from Vught: a convoy at 70 km/h needs well over 2 h to each of these seats.
FAR_REGIONS = {
    "VR01": "Groningen",
    "VR02": "Fryslân",
    "VR19": "Zeeland",
    "VR24": "Zuid-Limburg",
    "VR05": "Twente",
    "VR10": "Noord-Holland Noord",
    "VR03": "Drenthe",
}

CBRN = """
exercise: {id: t, title: test, duration: T+12:00, seed: 1}
crises:
  - {id: c, kind: terrorism, regions: [%(region)s], onset: T+00:00, start_level: 3,
     auto_requests: false, escalation: {p_up_unmet: 0, p_up_met: 0, p_down_met: 0}}
injects:
  - {id: 1, time: T+00:30, type: request, request: {region: %(region)s, crisis: c,
     effect: detection and decontamination, tags: [cbrn], capability: CBRN_RE, quantity: 1,
     urgency: %(urgency)s}}
"""


@pytest.mark.parametrize("urgency", ["1h", "12h"], ids=["fast-track", "standard"])
def test_cbrn_response_unit_on_site_within_two_hours_of_the_decision_everywhere(
    urgency: str,
) -> None:
    """ICMS guarantee: the CBRN Respons Eenheid on site anywhere within 2 h [S40b], counted
    from the decision that alerts it, with the TOC tasking step and its notice inside the 2 h."""
    for region in FAR_REGIONS:
        ex = exercise(CBRN % {"region": region, "urgency": urgency})
        for seed in SEEDS:
            _, events = run(ex, seed=seed)
            (decided,) = of(events, "decision", state="approved")
            (mobilising,) = of(events, "unit", state="mobilising", capability="CBRN_RE")
            (arrival,) = of(events, "unit", state="on_scene", capability="CBRN_RE")
            assert mobilising["t"] == decided["t"], "the journal shows it alerted at the decision"
            assert arrival["t"] - decided["t"] <= 120.0 + 1e-6, (region, seed)
            # the guarantee is kept, not undercut: these seats are all beyond a 2 h drive
            assert arrival["t"] - decided["t"] == pytest.approx(120.0), (region, seed)


LIMBURG = """
exercise: {id: limburg-2021, title: Limburg 2021, duration: T+24:00, seed: 1,
           start: 2021-07-14T12:00:00+02:00}
crises:
  - {id: maas, kind: flood, regions: [VR24], site: Sittard, onset: T+00:00, start_level: 3,
     auto_requests: false, impact: {physical: C}, escalation: {p_up_unmet: 0, p_up_met: 0, p_down_met: 0}}
injects:
  - id: 1
    time: T+03:00          # the afternoon of 14 July
    type: request
    request: {region: VR24, crisis: maas, effect: "troops, trucks and sandbags for Sittard",
              tags: [manpower, sandbags], capability: BDE13, quantity: 70, urgency: 4h}
"""


def test_limburg_2021_first_brigade_company_on_site_the_same_evening() -> None:
    """VR24 asked on the afternoon of 14 July; 68-70 soldiers of 13 Lichte Brigade were at
    the Sittard crisis centre the same evening [S44a]: within about 6 h in >= 90 % of seeds."""
    ex = exercise(LIMBURG)
    hours, departures = [], []
    for seed in SEEDS:
        _, events = run(ex, seed=seed)
        (submitted,) = of(events, "request", state="submitted")
        transit = of(events, "unit", state="in_transit", capability="BDE13")
        arrival = of(events, "unit", state="on_scene", capability="BDE13")
        assert transit and arrival, seed
        departures.append((transit[0]["t"] - submitted["t"]) / 60)
        hours.append((arrival[0]["t"] - submitted["t"]) / 60)
    within = sum(h <= 6.0 for h in hours)
    assert within >= 0.9 * len(hours), sorted(hours)
    assert all(h <= 7.0 for h in hours), sorted(hours)  # "the same evening", never the night
    # request -> first company departs: §8.4 (brigade company) 2-4-8 h, low end for Limburg
    assert all(1.5 <= d <= 5.0 for d in departures), sorted(departures)
    assert 2.0 <= sorted(departures)[len(departures) // 2] <= 4.0, sorted(departures)


FABER = """
exercise: {id: faber-2017, title: Anne Faber search, duration: T+36:00, seed: 1,
           start: 2017-10-01T18:00:00+02:00}
crises:
  - {id: search, kind: terrorism, regions: [VR09], onset: T+00:00, start_level: 2,
     auto_requests: false, escalation: {p_up_unmet: 0, p_up_met: 0, p_down_met: 0}}
injects:
  - id: 1
    time: T+00:00          # Sunday 18:00 (a crime: the ladder of kind terrorism is nearest)
    type: request
    request: {region: VR09, crisis: search, effect: "search the woods near Huis ter Heide",
              tags: [search], capability: NATRES, quantity: 4, urgency: 24h}   # 4 x 30
"""


def test_anne_faber_2017_reservists_ready_the_next_morning() -> None:
    """Asked on Sunday 18:00, 100 reservists searched from Monday morning [S29b]: the last of
    the four Natres platoons asked (4 x 30) is ready and sets out 7-19 h after the request,
    the median Monday morning."""
    ex = exercise(FABER)
    hours = []
    for seed in SEEDS:
        _, events = run(ex, seed=seed)
        (submitted,) = of(events, "request", state="submitted")
        transit = of(events, "unit", state="in_transit", capability="NATRES")
        assert len(transit) == 4, seed
        hours.append((max(e["t"] for e in transit) - submitted["t"]) / 60)
    hours.sort()
    assert all(7.0 <= h <= 19.0 for h in hours), hours
    assert 12.0 <= hours[len(hours) // 2] <= 16.0, hours  # Monday 06:00-10:00
