"""Lanes of the timeline: a request's label sits beside its own bar (a bar across the whole
window gets its label on an empty row right above it, never on a row another request's bar
uses), and the scarce-capabilities panel draws the most contested ones and counts the rest."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from sim.analysis.lanes import plan_lanes, scarce_capabilities
from sim.analysis.tables import RunTables, build_tables
from sim.analysis.timeline_text import request_label
from sim.exercise import load_exercise
from sim.journal import Journal
from sim.model import build_world

ROOT = Path(__file__).resolve().parent.parent


@cache
def _national() -> tuple[RunTables, float]:
    exercise = load_exercise(ROOT / "exercises" / "national-stress-test.yaml")
    journal = Journal()
    build_world(exercise, journal, seed=exercise.exercise.seed).run()
    return build_tables(journal.events), exercise.exercise.duration


def test_a_label_of_its_own_gets_an_empty_row_above_its_bar() -> None:
    T, endex = _national()
    labels = {row["request"]: request_label(row) for row in T.requests.to_dict("records")}
    plan = plan_lanes(T, 0.0, endex, lambda text: len(text) * 45.0, labels, pad=20.0)
    own = [rid for rid, place in plan.request_label.items() if place.side == "row"]
    assert own  # the national run has bars across the window (VR05's R004, say)
    bar_rows = set(plan.request_row.values())
    for rid in own:
        row = plan.label_row[rid]
        assert row == plan.request_row[rid] - 1, rid  # right above its own bar
        assert row not in bar_rows, rid  # and no other bar there to claim it
        assert plan.rows[row].region == plan.rows[plan.request_row[rid]].region


def test_the_most_contested_capabilities_get_the_lanes_and_the_rest_are_counted() -> None:
    T, endex = _national()
    shown, more = scarce_capabilities(T, 0.0, endex)
    everything, none_left = scarce_capabilities(T, 0.0, endex, limit=None)
    assert len(shown) == 8 and none_left == 0 and more == len(everything) - 8 > 0
    conflicts = set(T.mt1.loc[T.mt1["conflict"], "capability"])
    assert conflicts and conflicts <= set(shown)  # a main-task-1 conflict is never left out
    assert "GNBAT101" in shown  # (its conflict took both units; it came after CALHOSP by name)


def test_time_queued_is_a_lower_bound_for_a_request_still_queued_at_endex() -> None:
    from sim.analysis.kpis import kpis_from_tables

    T, _ = _national()
    req = kpis_from_tables(T)["requests"].set_index("request")
    queued_at_end = req[req["open_state"] == "queued"]
    assert len(queued_at_end) >= 10  # the HNS window closing at ENDEX no longer withdraws them
    assert queued_at_end["queued_censored"].all()
    assert not req.loc[req["outcome"] == "served", "queued_censored"].any()
