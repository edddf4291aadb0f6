"""Unmet demand never asked for, and the crisis sites, in the debrief."""

from __future__ import annotations

from sim.analysis.notasked import crisis_sites, not_asked_hours, not_asked_rows


def _demand(t: float, unmet: int, reason: str | None) -> dict:
    detail = {"tags": {"underwater": {"need": 1, "civil": 0, "military": 0, "unmet": unmet}}}
    if reason:
        detail["not_asked"] = {"underwater": reason}
    return {"kind": "demand", "t": t, "crisis": "c", "region": "VR19", "state": None,
            "detail": detail}  # fmt: skip


def test_hours_not_asked_count_only_unmet_time_with_a_reason() -> None:
    events = [
        {
            "kind": "run_start",
            "t": 0.0,
            "crisis": None,
            "region": None,
            "state": None,
            "detail": {},
        },
        _demand(60.0, 1, "below_request_level"),  # 60-180: 2 h below the request level
        _demand(180.0, 1, "waiting_for_team"),  # 180-210: 30 min waiting for the ROT
        _demand(210.0, 1, None),  # asked now: nothing counts
        _demand(300.0, 0, "waiting_for_team"),  # met: a reason alone does not count
        _demand(400.0, 1, "no_route"),  # 400-600 (the end): 200 min, no legal route
        {
            "kind": "run_end",
            "t": 600.0,
            "crisis": None,
            "region": None,
            "state": None,
            "detail": {},
        },
    ]
    hours = not_asked_hours(events)
    assert hours == {
        ("VR19", "c", "underwater", "below_request_level"): 120.0,
        ("VR19", "c", "underwater", "waiting_for_team"): 30.0,
        ("VR19", "c", "underwater", "no_route"): 200.0,
    }
    rows = not_asked_rows(events, None, "nl")
    assert [r["hours"] for r in rows] == ["3 u 20 min", "2 u 00 min", "30 min"]
    assert rows[0]["reason"].startswith("geen capaciteit op de wettelijke")


def test_sites_come_from_the_onset_of_each_crisis() -> None:
    onset = {
        "kind": "crisis", "t": 10.0, "crisis": "peel", "region": None, "state": "onset",
        "detail": {"sites": {"VR22": {"name": "Deurnese Peel", "seat": False}}},
    }  # fmt: skip
    assert crisis_sites([onset]) == [
        {"crisis": "peel", "region": "VR22", "site": "Deurnese Peel", "seat": ""}
    ]


def test_timeline_numbers_each_unasked_stretch_once_per_reason() -> None:
    """Neighbouring demand intervals with the same reason are one stretch; a new reason, or
    need that is met or asked for, starts a new one."""
    import pandas as pd

    from sim.analysis.panel_notasked import glyph, not_asked_stretches

    rows = [
        ("c", "VR19", 0.0, 60.0, 0.5, 1, False, "below_request_level"),
        ("c", "VR19", 60.0, 90.0, 0.5, 1, False, "below_request_level"),
        ("c", "VR19", 90.0, 120.0, 0.5, 1, False, "no_route"),
        ("c", "VR19", 120.0, 150.0, 0.0, 0, False, ""),
        ("c", "VR19", 150.0, 200.0, 0.5, 1, False, "no_route"),
        ("c", "VR20", 0.0, 50.0, 0.5, 1, False, ""),  # unmet but asked for: no mark
    ]
    columns = ["crisis", "region", "start", "end", "unmet_share", "unmet_tags",
               "life_safety_unmet", "not_asked"]  # fmt: skip
    stretches = not_asked_stretches(pd.DataFrame(rows, columns=columns))
    assert stretches == [
        ("VR19", "c", 0.0, 90.0, ("below_request_level",)),
        ("VR19", "c", 90.0, 120.0, ("no_route",)),
        ("VR19", "c", 150.0, 200.0, ("no_route",)),
    ]
    assert glyph("below_request_level", []) == "②" and glyph("someday", ["someday"]) == "⑧"


def test_the_effect_is_named_in_the_language_asked_even_without_the_exercise() -> None:
    events = [_demand(0.0, 1, "no_route"), {**_demand(0.0, 0, None), "kind": "run_end", "t": 60.0}]
    assert [r["tag"] for r in not_asked_rows(events, None, "nl")] == ["onderwaterwerk"]
    assert [r["tag"] for r in not_asked_rows(events, None, "en")] == ["underwater work"]
