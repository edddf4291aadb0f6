"""Layer 4, analysis: tables, KPIs, timeline, heat map, report and the debrief commands.

Structure, not pixels: lane names, tick labels, one bar per request, one marker per fired inject,
label tables in step, escaping in the report, byte-identical files. Most tests use the hand-made
journal in ``tests/analysis_fixtures.py`` (every outcome, a reallocation, a main-task-1 conflict,
an outage); the last ones run the real simulator on the tutorial.
"""

from __future__ import annotations

import io
import itertools
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from matplotlib.figure import Figure

from sim.analysis import figstyle as fs
from sim.analysis.heatmap import draw_heatmap, heatmap_labels
from sim.analysis.kpis import KPI_TABLES, OUTCOMES, kpis, summary_lines
from sim.analysis.labels import LANGUAGES, label_keys, t
from sim.analysis.lanes import natural_key, pack_rows
from sim.analysis.render import RunFolderError, load_run, render_run
from sim.analysis.report import render_report, write_report
from sim.analysis.tables import JournalError, build_tables, validate_journal
from sim.analysis.timeaxis import time_labels
from sim.analysis.timeline import (
    INJECT_GROUP,
    draw_timeline,
    lane_names,
    save_timeline,
)
from sim.analysis.timeline_text import request_label
from sim.cli_debrief import plot, report
from sim.exercise import load_exercise_text
from sim.journal import KEYS, canonical
from tests.analysis_fixtures import (
    PEEL_MEINWEG_YAML,
    SCRIPT_MESSAGE,
    counts,
    national_events,
    peel_meinweg_events,
    write_run_folder,
)

ROOT = Path(__file__).resolve().parent.parent
TUTORIAL = ROOT / "exercises" / "tutorial.yaml"
T_PLUS = re.compile(r"^T\+\d{2,4}:\d{2}")


@pytest.fixture(scope="module")
def events() -> list[dict[str, Any]]:
    return peel_meinweg_events()


@pytest.fixture(scope="module")
def exercise() -> Any:
    return load_exercise_text(PEEL_MEINWEG_YAML, "fixture.yaml")


@pytest.fixture(scope="module")
def figure(events: list[dict[str, Any]], exercise: Any) -> Any:
    fig = draw_timeline(events, exercise)
    fig.draw_without_rendering()  # tick labels are formatted at draw time
    return fig


def _axes(fig: Any) -> dict[str, Any]:
    return {ax.get_label(): ax for ax in fig.axes}


def _time_labels(ax: Any) -> list[str]:
    """The time labels under a panel, each inside the view."""
    lo, hi = ax.get_xlim()
    sets = [a for a in ax.artists if a.get_gid() == "time-labels"]
    assert all(lo <= label.x <= hi for s in sets for label in s.labels)
    return time_labels(ax)


# --- the fixture itself follows docs/journal.md ------------------------------------------------


def test_fixture_journal_follows_the_contract(events: list[dict[str, Any]]) -> None:
    assert events[0]["kind"] == "run_start" and events[-1]["kind"] == "run_end"
    assert [e["seq"] for e in events] == list(range(len(events)))
    assert all(set(e) == set(KEYS) for e in events)
    assert all(isinstance(e["t"], float) for e in events)
    assert all(a["t"] <= b["t"] for a, b in itertools.pairwise(events))
    lines = [canonical(e) for e in events]
    assert [json.loads(line) for line in lines] == events
    validate_journal(events)
    # every inject has exactly one inject event
    ids = [e["inject"] for e in events if e["kind"] == "inject"]
    assert len(ids) == len(set(ids)) == 12


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda ev: ev.clear(), "empty"),
        (lambda ev: ev[3].pop("detail"), "lacks key(s) detail"),
        (lambda ev: ev.insert(0, dict(ev[5])), "first record is not run_start"),
        (lambda ev: ev[4].update(t=-5.0), "time goes backwards"),
    ],
)
def test_broken_journals_are_refused_with_the_record_named(mutate: Any, message: str) -> None:
    broken = peel_meinweg_events()
    mutate(broken)
    with pytest.raises(JournalError, match=re.escape(message)):
        validate_journal(broken)


# --- tables ------------------------------------------------------------------------------------


def test_request_table_has_one_row_per_request_with_its_lifecycle(
    events: list[dict[str, Any]],
) -> None:
    req = build_tables(events).requests.set_index("request")
    assert list(req.index) == ["R001", "R002", "R003", "R004", "R005", "R006"]
    assert req.loc["R001", "t_submitted"] == 120.0 and req.loc["R001", "t_decision"] == 265.0
    assert req.loc["R001", "route"] == "WVR51" and req.loc["R001", "life_safety"]
    assert req.loc["R003", "decision"] == "substitute"
    assert req.loc["R003", "granted_capability"] == "BDE13"
    assert req.loc["R003", "n_queued"] == 1 and req.loc["R003", "queued_min"] == 230.0
    outcomes = req["outcome"].to_dict()
    assert outcomes == {
        "R001": "partly_served",
        "R002": "served",
        "R003": "substituted",
        "R004": "served",
        "R005": "denied",
        "R006": "open",
    }


def test_request_phases_tile_each_bar_and_show_the_queue(events: list[dict[str, Any]]) -> None:
    phases = build_tables(events).phases
    r003 = phases[phases["request"] == "R003"]
    # 345 → 360 in the in-tray waiting for hub staff, not "hub handling"
    assert r003["phase"].tolist() == [
        "waiting",
        "handling",
        "queued",
        "handling",
        "tasking",
        "travel",
        "on_scene",
    ]
    assert (r003["start"].iloc[1:].to_numpy() == r003["end"].iloc[:-1].to_numpy()).all()
    assert (r003["start"].iloc[0], r003["end"].iloc[0]) == (345.0, 360.0)
    # a denied request stops at the denial, an open one runs to ENDEX
    assert phases[phases["request"] == "R005"]["end"].max() == 1010.0
    assert phases[phases["request"] == "R006"]["end"].max() == 1800.0


def test_unit_intervals_cover_each_unit_without_gaps(events: list[dict[str, Any]]) -> None:
    units = build_tables(events).units
    for _, lane in units.groupby("unit"):
        assert (lane["start"].iloc[1:].to_numpy() == lane["end"].iloc[:-1].to_numpy()).all()
    ch47 = units[units["unit"] == "FBO_CH47-2"]
    assert ch47["request"].dropna().unique().tolist() == ["R001", "R004"]  # the reallocation


# --- KPIs --------------------------------------------------------------------------------------


def test_kpis_return_the_documented_tables(events: list[dict[str, Any]], exercise: Any) -> None:
    k = kpis(events, exercise)
    assert set(k) == set(KPI_TABLES)
    assert all(isinstance(frame, pd.DataFrame) for frame in k.values())
    summary = dict(zip(k["summary"]["key"], k["summary"]["value"], strict=True))
    assert summary["requests"] == 6
    assert {o: summary[f"outcome.{o}"] for o in OUTCOMES} == {
        "served": 2,
        "partly_served": 1,
        "substituted": 1,
        "denied": 1,
        "withdrawn": 0,
        "stood_down": 0,
        "open": 1,
    }
    assert summary["mt1_conflicts"] == 1 and summary["reallocations"] == 1
    assert summary["injects.fired"] == 10 and summary["injects.skipped"] == 1
    # times to decision: 145, 140, 415, 80, 105 minutes, and R006 undecided at ENDEX (censored,
    # longer than all others): the median of six, exact because no censored value reaches it
    assert summary["time_to_decision.median_min"] == 142.5
    assert summary["time_to_decision.median_lower_bound"] == 0.0
    assert summary["time_to_decision.n"] == 6 and summary["time_to_decision.censored"] == 1
    req = k["requests"].set_index("request")
    assert req.loc["R001", "time_to_first_on_scene_min"] == 350.0
    assert pd.isna(req.loc["R005", "time_to_first_on_scene_min"])


def test_region_and_capability_kpis(events: list[dict[str, Any]], exercise: Any) -> None:
    k = kpis(events, exercise)
    regions = k["regions"].set_index("region")
    assert regions.loc["VR22", "name"] == "Brabant-Zuidoost"
    assert regions.loc["VR23", "peak_code"] == "GRIP3"
    # VR22 life-safety demand unmet from T+01:40 to T+07:50 (first Chinook on scene)
    assert regions.loc["VR22", "hours_unmet_life_safety"] == pytest.approx(370 / 60)
    caps = k["capabilities"].set_index("capability")
    assert 0 < caps.loc["FBO_CH47", "utilisation"] < 1
    assert caps.loc["FBO_CH47", "substituted_away"] == 1
    assert caps.loc["BDE13", "substituted_in"] == 1 and caps.loc["BDE13", "mt1_conflicts"] == 1
    assert caps.loc["FBO_CH47", "reallocations"] == 1
    assert caps.loc["BDE13", "denials"] == 1
    # at the hub: R003 345 → 760 (queue included), R004 820 → 900; then notice and travel:
    # R003 760 → 1060, R004 900 → 1080
    heat = k["heatmap"].set_index("region")
    assert heat.loc["VR23", "FBO_CH47"] == pytest.approx((415 + 80) / 60)
    travel = k["heatmap_travel"].set_index("region")
    assert travel.loc["VR23", "FBO_CH47"] == pytest.approx((300 + 180) / 60)


def test_injects_link_to_what_they_set_off(events: list[dict[str, Any]]) -> None:
    inj = kpis(events)["injects"].set_index("inject")
    lines = {str(k): v for k, v in zip(inj.index, inj["set_off"].str.split("; "), strict=True)}
    assert any(line.startswith("R001 (VR22): submitted") for line in lines["3"])
    assert any("approved FBO_CH47 ×2" in line for line in lines["3"])
    assert any("peel escalated: GRIP2" in line for line in lines["2"])
    assert any("conflict, recalled BDE13-3" in line for line in lines["9"])
    assert len(inj.loc["10", "linked_seq"].split()) == 2  # outage start and end
    assert inj.loc["11", "state"] == "not_reached" and inj.loc["11", "set_off"] == ""
    assert inj.loc["11", "trigger"] == "when region_level VR22 >= 4"
    assert inj.loc["11", "reason"] == "its trigger never held before ENDEX"
    assert inj.loc["4", "fired"] == 435.0


@pytest.mark.parametrize("lang", LANGUAGES)
def test_summary_lines_read_well(events: list[dict[str, Any]], lang: str) -> None:
    lines = summary_lines(kpis(events), lang)
    assert lines[0].startswith(t("summary.requests", lang) + ": 6 (")
    assert any(t("kpi.time_to_decision", lang) in line for line in lines)
    assert all(line == line.strip() and line for line in lines)


def test_a_draft_withdrawn_before_sending_counts_as_made_not_sent(
    events: list[dict[str, Any]],
) -> None:
    """The region drafts, then withdraws before sending (docs/model.md): a request made, but no
    bar, mark or legend entry on the timeline and no wait at the hub (nor in the heat map); the
    summary says how many were sent."""
    last = events[-2]["t"]
    base = {"region": "VR22", "crisis": "peel", "capability": "EOD_LAND", "qty": 2}
    detail = {"route": "WVR51", "requester": "voorzitter_VR", "tags": ["sandbags"],
              "effect": "sandbags", "urgency": 180.0, "life_safety": False, "scripted": False,
              "inject": None, "priority": None}  # fmt: skip
    draft = [
        {**events[-2], **base, "kind": "request", "request": "R099", "state": state, "t": last,
         "detail": {**detail, **extra}}
        for state, extra in (("drafted", {}), ("closed", {"outcome": "withdrawn",
                                                          "reason": "no longer needed"}))
    ]  # fmt: skip
    with_draft = [*events[:-1], *draft, events[-1]]
    k = kpis(with_draft)
    summary = dict(zip(k["summary"]["key"], k["summary"]["value"], strict=True))
    assert (summary["requests"], summary["submitted"], summary["outcome.withdrawn"]) == (7, 6, 1)
    req = k["requests"].set_index("request")
    assert pd.isna(req.loc["R099", "submitted"]) and pd.isna(req.loc["R099", "waited_min"])
    for lang in LANGUAGES:
        first = summary_lines(k, lang)[0]
        assert first.startswith(
            f"{t('summary.requests', lang)}: 7 ({t('summary.submitted', lang, n=6)}; "
        )
    plain = summary_lines(kpis(events), "en")[0]
    assert "LOCC" not in plain  # all sent: nothing to explain
    older = {"summary": k["summary"][k["summary"]["key"] != "submitted"]}  # an older CSV
    assert "LOCC" not in summary_lines(older, "en")[0]
    assert "EOD_LAND" not in k["heatmap"].columns  # no other request asked for it
    fig = draw_timeline(with_draft)
    legend = _axes(fig)["regions"].get_legend()
    assert t("mark.withdrawn") not in [text.get_text() for text in legend.get_texts()]


@pytest.mark.parametrize(
    ("capability", "tags", "decision", "granted", "life", "label"),
    [
        ("FBO_CH47", "wildfire", "approved", "FBO_CH47", True, "⚠ R007 FBO_CH47"),
        ("FBO_CH47", "wildfire", "substitute", "BDE13", False, "R007 FBO_CH47→BDE13"),
        # asked for the effect, not the means: the effect, then the means the hub chose
        (None, "generators, power", "approved", "GNBAT101", False, "R007 generators→GNBAT101"),
        (None, "generators", None, None, False, "R007 generators"),
        (None, "", "approved", "GNBAT101", False, "R007 →GNBAT101"),  # no tag to show
    ],
)
def test_request_bar_label(
    capability: str | None, tags: str, decision: str | None, granted: str | None, life: bool,
    label: str,
) -> None:  # fmt: skip
    row = {"request": "R007", "capability": capability, "tags": tags, "decision": decision,
           "granted_capability": granted, "life_safety": life}  # fmt: skip
    assert request_label(row) == label


# --- labels ------------------------------------------------------------------------------------


def test_both_languages_have_the_same_label_keys() -> None:
    assert label_keys("en") == label_keys("nl")


def test_every_label_the_code_asks_for_exists() -> None:
    from sim.analysis.figstyle import INJECT_STYLE, MARK_STYLE, PHASE_STYLE, UNIT_STYLE
    from sim.analysis.tables import REQUEST_STATES
    from sim.exercise.models import CRISIS_KINDS, INJECT_TYPES

    keys = label_keys("en")
    sources = [*(ROOT / "sim" / "analysis").rglob("*.py"), ROOT / "sim" / "cli_debrief.py"]
    sources += list((ROOT / "sim" / "analysis" / "templates").glob("*"))
    literal = set()
    for path in sources:
        literal |= set(re.findall(r"""\bt\(\s*["']([a-z_]+\.[a-z_.]+)["']""", path.read_text()))
    dynamic = {
        *(f"phase.{p}" for p in PHASE_STYLE),
        *(f"unit_state.{s}" for s in UNIT_STYLE),
        *(f"mark.{m}" for m in MARK_STYLE),
        *(f"inject_group.{g}" for g in INJECT_STYLE),
        *(f"inject_group.{g}" for g in INJECT_GROUP.values()),
        *(f"inject_type.{i}" for i in INJECT_TYPES),
        *(f"crisis_kind.{c}" for c in CRISIS_KINDS),
        *(f"outcome.{o}" for o in OUTCOMES),
        *(f"request_state.{s}" for s in (*REQUEST_STATES, "open")),
        *(f"decision.{d}" for d in ("approved", "partial", "substitute", "queued", "denied")),
        *(f"inject_state.{s}" for s in ("fired", "skipped", "not_reached")),
    }
    assert literal, "the scan found no labels at all"
    assert sorted((literal | dynamic) - keys) == []


def test_dutch_labels_use_the_glossary() -> None:
    for key, word in {
        "timeline.title": "Tijdlijn",
        "decision.approved": "toegekend",
        "decision.partial": "deels toegekend",
        "decision.denied": "afgewezen",
        "decision.queued": "in wachtrij",
        "decision.substitute": "alternatief ingezet",
        "unit_state.mobilising": "gereedstellen",
        "unit_state.in_transit": "onderweg",
        "unit_state.on_scene": "ter plaatse",
        "unit_state.returning": "terugkeer",
        "unit_state.resting": "rust",
        "kpi.time_to_decision": "Tijd tot besluit",
        "report.title": "Evaluatierapport",
        "report.strengths": "Sterke punten",
        "report.improvements": "Verbeterpunten",
        "report.improvement_plan": "Verbeterplan",
    }.items():
        assert t(key, "nl") == word, key
    assert "opschalingsniveau" in t("legend.level", "nl")
    assert "onvervulde behoefte" in t("legend.unmet", "nl")
    assert "bijstandsverzoeken" in t("timeline.regions_title", "nl")


# --- timeline ----------------------------------------------------------------------------------


def test_timeline_has_a_lane_per_region_crisis_and_busy_unit(figure: Any) -> None:
    names = lane_names(figure)
    assert names["regions"] == [
        "VR22 Brabant-Zuidoost",
        "peel: Deurnese Peel heath fire",
        "VR23 Limburg-Noord",
        "meinweg: Meinweg fire",
    ]
    # every unit that did something, grouped by capability; EOD_LAND never moved: no lane
    assert names["units"] == [
        "BDE13-1",
        "BDE13-2",
        "BDE13-3",
        "BDE13-4",
        "BDE13-5",
        "BDE13-6",
        "FBO_CH47-1",
        "FBO_CH47-2",
        "FBO_GROUND-1",
        "FBO_GROUND-2",
    ]
    assert [n.split(" ")[0] for n in names["capacity"]] == ["FBO_CH47", "FBO_GROUND", "BDE13"]


def test_timeline_ticks_read_t_plus_and_wall_clock(figure: Any) -> None:
    axes = _axes(figure)
    labels = _time_labels(axes["queue"])
    assert labels and all(T_PLUS.match(label) for label in labels)
    assert labels[0] == "T+00:00\n20 Apr 12:45"  # calendar STARTEX under the first tick
    assert labels[1] == "T+03:00\n15:45"
    assert axes["queue"].get_xlim() == (0.0, 1800.0)


def test_one_request_bar_per_request_and_one_marker_per_fired_inject(
    figure: Any, events: list[dict[str, Any]]
) -> None:
    axes = _axes(figure)
    (outline,) = [c for c in axes["regions"].collections if c.get_gid() == "request-bars"]
    assert len(outline.get_paths()) == counts(events, "request", "submitted") == 6
    fired = sum(
        len(line.get_xdata())
        for line in axes["injects"].lines
        if (line.get_gid() or "").startswith("inject-fired-")
    )
    assert fired == counts(events, "inject", "fired") == 10
    marks = {line.get_gid(): len(line.get_xdata()) for line in axes["regions"].lines}
    assert marks["request-mark-denied"] == 1 and marks["request-mark-substitute"] == 1
    assert marks["request-mark-open"] == 1
    hatched = {c.get_gid(): c.get_hatch() for c in axes["regions"].collections}
    assert hatched["request-phase-queued"] == "////"  # queued is unmistakable in greyscale


def test_timeline_in_dutch(events: list[dict[str, Any]]) -> None:
    fig = draw_timeline(events, lang="nl")
    axes = _axes(fig)
    assert axes["regions"].get_title(loc="left") == "Regio's, crises en bijstandsverzoeken"
    legend = [text.get_text() for text in axes["units"].get_legend().get_texts()]
    assert {"gereedstellen", "onderweg", "ter plaatse", "terugkeer", "rust"} <= set(legend)


def test_inject_key_lists_every_inject_with_its_time_and_title(
    figure: Any, events: list[dict[str, Any]]
) -> None:
    from sim.analysis.labelset import LabelSet

    (key,) = [a for a in _axes(figure)["key"].get_children() if isinstance(a, LabelSet)]
    rows = [key.labels[k : k + 4] for k in range(0, len(key.labels), 4)]  # symbol, no., time, title
    injects = {ev["inject"] for ev in events if ev["kind"] == "inject"}
    assert len(rows) == len(injects) == 12
    fired = [r for r in rows if r[0].color is None]  # skipped and not reached are grey
    assert len(fired) == counts(events, "inject", "fired") == 10
    assert [r[2].text for r in rows[:2]] == ["T+00:10", "T+01:40"]
    assert rows[0][3].text == "Fire reported"
    assert any("(not reached: its trigger never held before ENDEX)" in r[3].text for r in rows)
    # columns line up: every title starts at the same x within its key column
    assert len({round(r[3].x % 1, 9) for r in rows}) == 1


def test_fit_text_cuts_to_the_width_with_an_ellipsis() -> None:
    from sim.analysis.drawkit import text_width_in
    from sim.analysis.panels_injects import fit_text

    def width(text: str) -> float:
        return text_width_in([text], 7.5)

    assert fit_text("Fire reported", 2.0) == "Fire reported"
    assert fit_text("Fire reported\nby  the mayor\n", 3.0) == "Fire reported by the mayor"
    for text, room in [
        ("Evacuate the hospital and the two care homes north of the dike " * 3, 1.5),
        ("illicit lily fill WWW MMM WWW MMM", 1.0),  # narrow start, wide end
        ("i" * 60 + "W" * 60, 3.0),
    ]:
        cut = fit_text(text, room)
        assert cut.endswith("…") and text.startswith(cut[:-1])
        assert width(cut) <= room  # fits ...
        longer = text[: len(cut)].rstrip() + "…"  # ... and one more character would not
        assert width(longer) > room or longer == cut
    assert fit_text("Evacuate", 0.01) == ""  # not even the ellipsis fits


def test_timeline_window_keeps_only_what_happens_in_it(events: list[dict[str, Any]]) -> None:
    fig = draw_timeline(events, t_from=0.0, t_to=240.0)
    names = lane_names(fig)
    assert names["regions"] == ["VR22", "peel: wildfire"]  # no exercise: ids and kinds
    assert names["units"] == ["BDE13-6"]  # only the main-task-1 reservation so far
    assert _axes(fig)["queue"].get_xlim() == (0.0, 240.0)
    with pytest.raises(ValueError, match="empty time window"):
        draw_timeline(events, t_from=300.0, t_to=200.0)


def test_same_journal_gives_byte_identical_files(events: list[dict[str, Any]]) -> None:
    first, second = draw_timeline(events), draw_timeline(events)
    for fmt in ("png", "svg"):
        assert fs.figure_bytes(first, fmt) == fs.figure_bytes(second, fmt), fmt


def test_save_timeline_writes_each_format(tmp_path: Path, figure: Any) -> None:
    paths = save_timeline(figure, tmp_path, ("png", "svg", "pdf"))
    assert [p.name for p in paths] == ["timeline.png", "timeline.svg", "timeline.pdf"]
    assert paths[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert paths[2].read_bytes()[:5] == b"%PDF-"
    assert b"R001" in paths[1].read_bytes()  # SVG text stays searchable
    with pytest.raises(ValueError, match="unknown format 'gif'"):
        save_timeline(figure, tmp_path, ("gif",))


def test_png_is_rgb_when_opaque_at_any_figure_size() -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    fig = Figure(figsize=(1.0, 0.29))  # 0.29 in x 100 dpi is 28.999...: 28 or 29 rows
    fig.add_subplot().plot([0, 1], [1, 0])
    image = Image.open(io.BytesIO(fs.figure_bytes(fig, "png")))
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    rows, cols, _ = np.asarray(canvas.buffer_rgba()).shape  # as this matplotlib rounds it
    assert (image.mode, image.size) == ("RGB", (cols, rows))
    fig.patch.set_alpha(0.0)  # a transparent figure keeps its alpha channel
    assert Image.open(io.BytesIO(fs.figure_bytes(fig, "png", dpi=50))).mode == "RGBA"


def drawn_labels(ax: Any) -> list[str]:
    """Every label on an axes: ``Text`` artists and the labels of ``LabelSet`` artists."""
    from sim.analysis.labelset import LabelSet

    sets = [a for a in ax.get_children() if isinstance(a, LabelSet)]
    return [t.get_text() for t in ax.texts] + [x for ls in sets for x in ls.get_texts()]


def test_a_long_national_run_stays_legible() -> None:
    events = national_events(regions=25, requests=150, hours=96)
    fig = draw_timeline(events)
    names = lane_names(fig)
    width, height = fig.get_size_inches()
    assert width == 16 and 30 < height < 150  # grows with the lanes, within reason
    assert len(names["regions"]) == 2 * 25  # a region and its crisis, per region
    axes = _axes(fig)
    (outline,) = [c for c in axes["regions"].collections if c.get_gid() == "request-bars"]
    assert len(outline.get_paths()) == counts(events, "request", "submitted")
    labels = drawn_labels(axes["regions"]) + drawn_labels(axes["units"])
    assert 150 <= len(labels) <= 300 + 400  # every request labelled, and a cap on the rest
    labelled = {m for label in labels for m in re.findall(r"\bR\d{3}\b", label)}
    assert {f"R{n:03d}" for n in range(1, 151)} <= labelled


def test_a_run_where_nothing_happens_still_draws_and_reports() -> None:
    from sim.journal import Journal

    journal = Journal()
    head = {"exercise": "quiet", "title": "Quiet", "seed": 1, "policy": "fifo", "endex": 600.0}
    head |= {"start": None, "ladder": None, "levels": [], "regions": [], "capabilities": {}}
    journal("run_start", 0.0, detail=head)
    journal("run_end", 600.0, detail={"outcomes": {}, "open": [], "events": 1})
    fig = draw_timeline(journal.events)
    assert set(_axes(fig)) == {"injects", "regions", "queue"}
    assert fs.figure_bytes(fig, "png")[:4] == b"\x89PNG"
    assert summary_lines(kpis(journal.events))[0] == "Requests for assistance: 0"
    assert "No requests for assistance" in render_report(journal.events)


def test_pack_rows_reuses_free_rows() -> None:
    rows = pack_rows([("a", 0, 10), ("b", 5, 15), ("c", 11, 20), ("d", 16, 30)])
    assert rows == {"a": 0, "b": 1, "c": 0, "d": 1}
    assert sorted(["U-10", "U-2", "U-1"], key=natural_key) == ["U-1", "U-2", "U-10"]


def test_heatmap_has_regions_by_capabilities(events: list[dict[str, Any]]) -> None:
    fig = draw_heatmap(events, lang="nl")
    (ax,) = fig.axes[:1]
    rows, cols = heatmap_labels(ax)
    assert [row.split(" ")[0] for row in rows] == ["VR22", "VR23"]
    assert [col.split("\n")[0] for col in cols] == [
        "BDE13",
        "FBO_CH47",
        "FBO_COUGAR",
    ]
    assert ax.get_title(loc="left").startswith("Wachten bij het knooppunt")
    bottom = [a for a in fig.axes if a.get_label() == "heatmap-travel"]
    assert bottom and bottom[0].get_title(loc="left").startswith("Gereedstelling en verplaatsing")


# --- report and run folders --------------------------------------------------------------------


def test_report_escapes_inject_text_and_embeds_everything(
    events: list[dict[str, Any]], exercise: Any
) -> None:
    html = render_report(events, exercise, "en", run_id="run-1")
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#39;xss&#39;)&lt;/script&gt;" in html
    assert SCRIPT_MESSAGE.split("<")[0].replace("'", "&#39;") in html
    refs = re.findall(r"""(?:src|href)\s*=\s*["']([^"']*)["']""", html)
    assert refs and all(r.startswith(("data:image/png;base64,", "#")) for r in refs)
    assert "url(" not in html and "@import" not in html
    for section in ("overview", "kpi", "timeline", "msel", "decisions", "bottlenecks"):
        assert f'id="{section}"' in html
    assert "Expected player action" in html or "expected player action" in html
    assert "Recognise the ground-crew bottleneck" in html  # objectives from the exercise
    assert "Guarding evacuated houses is a police task" in html  # a decision's reason
    # nothing typed into the page (it would be lost on reload): the evaluators' input is aar.yaml
    assert "contenteditable" not in html and "ttx aar RUN_DIR" in html


def test_dutch_report(events: list[dict[str, Any]], exercise: Any) -> None:
    html = render_report(events, exercise, "nl")
    for word in ("Evaluatierapport", "Sterke punten", "Verbeterpunten", "Verbeterplan"):
        assert word in html
    assert "verwachte actie spelers" in html and 'lang="nl"' in html


def test_render_run_writes_into_its_own_folder_only(tmp_path: Path) -> None:
    folder = write_run_folder(tmp_path, peel_meinweg_events())
    other = folder.parent / "another-run"
    other.mkdir()
    (other / "timeline.png").write_bytes(b"keep me")
    written = render_run(folder, formats=("png", "svg"))
    assert [p.name for p in written] == [
        "timeline.png",
        "timeline.svg",
        "map.png",
        "map.svg",
        "report.html",
    ]
    assert all(p.parent == folder for p in written)
    assert (other / "timeline.png").read_bytes() == b"keep me"
    assert not list(folder.glob(".*"))  # no temporary files left behind
    dutch = render_run(folder, lang="nl", formats=("png",), report=True)
    assert [p.name for p in dutch] == ["timeline.nl.png", "map.nl.png", "report.nl.html"]


def test_report_without_effective_yaml_says_so(tmp_path: Path) -> None:
    folder = write_run_folder(tmp_path, peel_meinweg_events(), exercise_yaml=None)
    run = load_run(folder)
    assert run.exercise is None and "effective.yaml" in (run.exercise_problem or "")
    html = write_report(folder).read_text(encoding="utf-8")
    assert "could not be read" in html and "VR22" in html


def test_load_run_names_the_problem(tmp_path: Path) -> None:
    with pytest.raises(RunFolderError, match="no such run folder"):
        load_run(tmp_path / "nope")
    with pytest.raises(RunFolderError, match=r"events\.jsonl: error: no journal"):
        load_run(tmp_path)
    (tmp_path / "events.jsonl").write_text('{"seq": 0}\nnot json\n')
    with pytest.raises(RunFolderError, match=r"events.jsonl:2:1: error: not a JSON line"):
        load_run(tmp_path)


# --- the debrief commands ----------------------------------------------------------------------


def _invoke(command: Any, args: list[str]) -> Any:
    return CliRunner().invoke(command, args)


def test_plot_and_report_commands(tmp_path: Path) -> None:
    folder = write_run_folder(tmp_path, peel_meinweg_events())
    result = _invoke(plot, [str(folder), "--format", "png", "--from", "T+02:00", "--to", "T+12:00"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == str(folder / "timeline_0200-1200.png")
    result = _invoke(report, [str(folder), "--lang", "nl"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == str(folder / "report.nl.html")
    assert "Bijstandsverzoeken: 6" in result.stderr


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["{missing}"], "no such run folder (RUN_DIR)"),
        (["{empty}"], "events.jsonl: error: no journal in this run folder"),
        (["{folder}", "--from", "2:30"], "--from '2:30': error:"),
        (["{folder}", "--to", "T+01:00", "--from", "T+05:00"], "window ends before it starts"),
        (["{folder}", "--format", "png,gif"], "--format 'png,gif': error: unknown format 'gif'"),
        (["{folder}", "--lang", "de"], "--lang 'de': error: unknown language"),
        (["{broken}"], "events.jsonl:2:2: error: not a JSON line"),
        (["{headless}"], "error: the first record is not run_start"),
    ],
)
def test_bad_input_gives_one_line_and_exit_2(
    tmp_path: Path, args: list[str], expected: str
) -> None:
    folder = write_run_folder(tmp_path, peel_meinweg_events())
    empty = tmp_path / "empty"
    empty.mkdir()
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "events.jsonl").write_text('{"seq": 0}\n{oops\n')
    headless = tmp_path / "headless"
    headless.mkdir()
    lines = (folder / "events.jsonl").read_text().splitlines(keepends=True)
    (headless / "events.jsonl").write_text("".join(lines[1:]))
    paths = {
        "missing": tmp_path / "missing",
        "empty": empty,
        "folder": folder,
        "broken": broken,
        "headless": headless,
    }
    argv = [a.format(**paths) for a in args]
    result = _invoke(plot, argv)
    assert result.exit_code == 2, result.output
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert expected in result.stderr and "Traceback" not in result.stderr
    if args[0] != "{folder}":
        rep = _invoke(report, argv)
        assert rep.exit_code == 2 and len(rep.stderr.strip().splitlines()) == 1


def test_importing_the_analysis_package_stays_light() -> None:
    code = (
        "import sys, sim.analysis, sim.cli_debrief; "
        "heavy = [m for m in ('matplotlib', 'pandas', 'jinja2') if m in sys.modules]; "
        "print(','.join(heavy))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.strip() == ""


# --- real runs from the simulator --------------------------------------------------------------


@pytest.fixture(scope="module")
def tutorial_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from sim.cli import cli

    if "run" not in cli.commands:
        pytest.skip("the simulator's `ttx run` is not there yet")
    out = tmp_path_factory.mktemp("results")
    result = CliRunner().invoke(cli, ["run", str(TUTORIAL), "--out", str(out), "--no-plots"])
    assert result.exit_code == 0, result.output
    return Path(result.stdout.strip().splitlines()[-1])


def test_real_tutorial_run_draws_and_reports(tutorial_run: Path) -> None:
    run = load_run(tutorial_run)
    assert run.exercise is not None
    events = run.events
    fig = draw_timeline(events, run.exercise)
    fig.draw_without_rendering()
    names = lane_names(fig)
    regions = {e["region"] for e in events if e["kind"] == "region"}
    assert [n.split(" ")[0] for n in names["regions"] if n.startswith("VR")] == sorted(regions)
    busy = {e["unit"] for e in events if e["kind"] == "unit" and e["state"] != "available"}
    assert set(names["units"]) == busy
    axes = _axes(fig)
    (outline,) = [c for c in axes["regions"].collections if c.get_gid() == "request-bars"]
    assert len(outline.get_paths()) == counts(events, "request", "submitted")
    fired = sum(
        len(line.get_xdata())
        for line in axes["injects"].lines
        if (line.get_gid() or "").startswith("inject-fired-")
    )
    assert fired == counts(events, "inject", "fired")
    labels = _time_labels(axes["queue"])
    assert labels and all(T_PLUS.match(label) for label in labels)
    written = render_run(tutorial_run, formats=("png",))
    html = written[-1].read_text(encoding="utf-8")
    assert "Tutorial: wildfire in the Deurnese Peel" in html
    k = kpis(events, run.exercise)
    summary = dict(zip(k["summary"]["key"], k["summary"]["value"], strict=True))
    # every request the regions made, also a draft withdrawn before it was sent (docs/model.md)
    assert summary["requests"] == len({e["request"] for e in events if e["kind"] == "request"})


def test_what_ttx_run_draws_is_what_plot_and_report_redraw(tmp_path: Path) -> None:
    """``ttx run`` reuses the tables it built for the KPI files; the figures and report must
    still be exactly what ``ttx plot`` and ``ttx report`` make from the folder alone."""
    from sim.cli import cli

    result = CliRunner().invoke(
        cli, ["run", str(TUTORIAL), "--out", str(tmp_path), "--format", "png,svg,pdf"]
    )
    assert result.exit_code == 0, result.output
    folder = Path(result.stdout.strip().splitlines()[-1])
    first = {
        name: (folder / name).read_bytes()
        for name in ("timeline.png", "timeline.svg", "report.html")
    }
    assert _invoke(plot, [str(folder), "--format", "png,svg"]).exit_code == 0
    assert _invoke(report, [str(folder)]).exit_code == 0
    for name, data in first.items():
        assert (folder / name).read_bytes() == data, name
