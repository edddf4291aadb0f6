"""Honest KPIs on a hand-made journal whose every figure is worked out in its docstring
(``analysis_fixtures.honest_kpi_events``): censoring at ENDEX, the open-at-ENDEX split, unit
states in utilisation, the generic pool, the two parts of the heat map, the in-tray segment."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest
from analysis_fixtures import honest_kpi_events

from sim.analysis.censoring import censored_quantile
from sim.analysis.kpis import kpis
from sim.analysis.summary import summary_lines
from sim.analysis.tables import build_tables


@pytest.fixture(scope="module")
def k() -> dict[str, pd.DataFrame]:
    return kpis(honest_kpi_events())


def _summary(k: dict[str, pd.DataFrame]) -> dict[str, float]:
    return dict(zip(k["summary"]["key"], k["summary"]["value"], strict=True))


def test_time_to_decision_counts_the_undecided_as_censored(k: dict[str, Any]) -> None:
    req = k["requests"].set_index("request")
    assert req["time_to_decision_min"].to_dict() == {
        "A": 60.0, "F": 20.0, "E": 40.0, "B": 500.0, "C": 40.0, "D": 300.0,
    }  # fmt: skip
    assert sorted(req.index[req["decision_censored"]]) == ["B", "D"]
    s = _summary(k)
    # 20 40 40 60 | 300+ 500+: median (40 + 60) / 2 exact, P90 between two censored: a bound
    assert (s["time_to_decision.n"], s["time_to_decision.censored"]) == (6, 2)
    assert s["time_to_decision.median_min"] == 50.0
    assert s["time_to_decision.median_lower_bound"] == 0.0
    assert s["time_to_decision.p90_min"] == 400.0
    assert s["time_to_decision.p90_lower_bound"] == 1.0


def test_time_to_first_unit_counts_the_unarrived_and_leaves_out_the_denied(k: dict) -> None:
    req = k["requests"].set_index("request")
    assert pd.isna(req.loc["E", "time_to_first_on_scene_min"])  # denied: no unit was coming
    assert sorted(req.index[req["on_scene_censored"]]) == ["B", "C", "D"]
    s = _summary(k)
    # 80 150 | 300+ 400+ 500+: the median is the censored 300, so only "at least"
    assert (s["time_to_first_on_scene.n"], s["time_to_first_on_scene.censored"]) == (5, 3)
    assert s["time_to_first_on_scene.median_min"] == 300.0
    assert s["time_to_first_on_scene.median_lower_bound"] == 1.0
    assert s["time_to_first_on_scene.p90_min"] == pytest.approx(460.0)
    lines = summary_lines(k)
    assert (
        "Time to first unit on scene: median ≥ 5 h 00 min, P90 ≥ 7 h 40 min (n = 5; 3 requests"
        in (lines[3])
    )
    assert "Time to decision: median 50 min, P90 ≥ 6 h 40 min (n = 6; 2 requests" in lines[2]


def test_open_at_endex_is_split_by_where_each_request_stood(k: dict[str, Any]) -> None:
    req = k["requests"].set_index("request")
    assert req["open_state"].to_dict() == {
        "A": "", "F": "on_scene", "E": "", "B": "queued", "C": "approved", "D": "undecided",
    }  # fmt: skip
    s = _summary(k)
    assert [s[f"open.{x}"] for x in ("on_scene", "approved", "queued", "undecided")] == [1] * 4
    line = summary_lines(k, "nl")[1]
    assert line.startswith("Open bij ENDEX: 4 (1 geleverd en lopend")
    assert "1 in wachtrij voor capaciteit" in line and "1 nooit besloten" in line


def test_utilisation_separates_on_scene_committed_and_returning(k: dict[str, Any]) -> None:
    caps = k["capabilities"].set_index("capability")
    ch47 = caps.loc["FBO_CH47"]
    # on scene 150–400; committed 60–150 and 240–ENDEX; returning 400–460, resting 460–520
    assert ch47["unit_hours_on_scene"] == pytest.approx(250 / 60)
    assert ch47["unit_hours_committed"] == pytest.approx((90 + 360) / 60)
    assert ch47["unit_hours_returning"] == pytest.approx(120 / 60)
    assert ch47["unit_hours_available"] == pytest.approx(20.0)
    assert ch47["utilisation"] == pytest.approx(820 / 1200)
    assert ch47["hours_saturated"] == pytest.approx(280 / 60)  # both in use 240–520


def test_a_pool_without_units_is_not_fully_used_and_idle_capabilities_are_left_out(
    k: dict[str, Any],
) -> None:
    caps = k["capabilities"].set_index("capability")
    assert sorted(caps.index) == ["FBO_CH47", "GENERIC"]  # EOD_LAND played no part
    assert pd.isna(caps.loc["GENERIC", "utilisation"])
    assert caps.loc["GENERIC", "hours_saturated"] == 0.0
    assert "GENERIC" not in summary_lines(k)[-1]


def test_heatmap_separates_waiting_at_the_hub_from_notice_and_travel(k: dict[str, Any]) -> None:
    hub = k["heatmap"].set_index("region")
    assert hub.loc["VR22", "FBO_CH47"] == pytest.approx((60 + 500 + 40) / 60)
    assert hub.loc["VR23", "FBO_CH47"] == pytest.approx(40 / 60)
    assert hub.loc["VR23", "GENERIC"] == pytest.approx((300 + 20) / 60)
    travel = k["heatmap_travel"].set_index("region")
    assert travel.loc["VR22", "FBO_CH47"] == pytest.approx(90 / 60)  # A; E was denied
    assert travel.loc["VR23", "FBO_CH47"] == pytest.approx(360 / 60)  # C, still travelling
    assert travel.loc["VR23", "GENERIC"] == pytest.approx(60 / 60)  # F; D never approved


def test_request_bar_shows_the_in_tray_apart_from_handling() -> None:
    phases = build_tables(honest_kpi_events()).phases
    a = phases[phases["request"] == "A"]
    assert a[["phase", "start", "end"]].values.tolist()[:2] == [
        ["waiting", 0.0, 30.0],
        ["handling", 30.0, 60.0],
    ]
    d = phases[phases["request"] == "D"]
    assert d[["phase", "start", "end"]].values.tolist() == [["waiting", 300.0, 600.0]]


@pytest.mark.parametrize(
    ("values", "censored", "q", "expected"),
    [
        ([10, 20, 30], [False, False, False], 0.5, (20.0, False)),
        ([10, 20, 30], [False, False, True], 0.5, (20.0, False)),
        ([10, 20, 30], [False, True, False], 0.5, (20.0, True)),
        ([30, 10, 20, 20], [False, False, True, False], 0.5, (20.0, True)),  # tie with censored
        ([], [], 0.5, (float("nan"), False)),
    ],
)
def test_censored_quantile_is_a_bound_only_when_censored_values_reach_it(
    values: list[float], censored: list[bool], q: float, expected: tuple[float, bool]
) -> None:
    got = censored_quantile(pd.Series(values, dtype=float), pd.Series(censored, dtype=bool), q)
    if values:
        assert (got.minutes, got.lower_bound) == expected
    else:
        assert got.missing and not got.lower_bound
