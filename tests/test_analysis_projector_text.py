"""Projector pages of the national exercise can be read whole: the run's facts under each
page's heading wrap inside the page instead of running off its edge (they were cut at
"policy…"), and every escalation level a region page shows has its code on or beside its band
(an hour at GRIP2 and half an hour at GRIP3 in Haaglanden were unlabelled slivers), or, where
there is no room at all, a swatch on the key page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from sim.analysis.labelset import LANE_GID, LabelSet
from sim.analysis.projector import projector_pages
from sim.analysis.tables import build_tables
from sim.analysis.timefmt import format_t
from sim.exercise import load_exercise
from tests.simhelpers import run

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def deck() -> tuple[Any, list[Any]]:
    ex = load_exercise(ROOT / "exercises" / "national-stress-test.yaml")
    _, events = run(ex, None)
    T = build_tables(events)
    return T, projector_pages(T, ex, "en")


def test_the_facts_under_every_heading_fit_the_page_whole(deck: tuple[Any, list[Any]]) -> None:
    T, pages = deck
    timed = [p for p in pages if p.name not in ("map", "key")]
    assert len(timed) >= 15
    for page in timed:
        fig = page.figure
        renderer = FigureCanvasAgg(fig).get_renderer()
        (facts,) = [x for x in fig.texts if x.get_gid() == "facts"]
        text = facts.get_text()
        assert "…" not in text, (page.name, text)
        assert f"ENDEX {format_t(T.info.endex)}" in text and "STARTEX" in text, page.name
        assert f"policy {T.info.policy}" in text
        for x in fig.texts:  # the heading and the facts, inside the page's 1920 px
            box = x.get_window_extent(renderer)
            assert box.x0 >= 0 and box.x1 <= fig.bbox.x1, (page.name, x.get_text())
            assert box.y0 >= 0 and box.y1 <= fig.bbox.y1, (page.name, x.get_text())


def _codes_drawn(ax: Any) -> set[str]:
    sets = [a for a in ax.artists if isinstance(a, LabelSet) and a.get_gid() == "level-codes"]
    texts = [label.text.strip("▸◂ ") for s in sets for label in s.labels]
    return {code.strip() for text in texts for code in text.split(",")}


def test_every_level_a_region_page_shows_can_be_read(deck: tuple[Any, list[Any]]) -> None:
    T, pages = deck
    key = next(p.figure for p in pages if p.name == "key")
    keyed = {x.get_text() for legend in key.legends for x in legend.get_texts()}
    bands = T.region_bands[T.region_bands["level"] > 0]
    checked = 0
    for page in (p for p in pages if p.name.startswith("regions-")):
        (ax,) = [a for a in page.figure.axes if a.get_label() == "regions"]
        shown = {
            label.text.split(" ")[0]
            for s in ax.artists
            if isinstance(s, LabelSet) and s.get_gid() == LANE_GID and s.weight == "bold"
            for label in s.labels
        }
        wanted = {T.info.level_code(int(x)) for x in bands[bands["region"].isin(shown)]["level"]}
        missing = wanted - _codes_drawn(ax) - keyed
        assert not missing, (page.name, sorted(shown), missing)
        checked += len(wanted)
    assert checked >= 20
    haaglanden = next(p for p in pages if "VR15 1/2" in p.figure.texts[0].get_text())
    (ax,) = [a for a in haaglanden.figure.axes if a.get_label() == "regions"]
    assert {"GRIP2", "GRIP3", "GRIP4"} <= _codes_drawn(ax)  # the two slivers, by their band
