"""Projector pages: 16:9 at 1920 × 1080 px with no text under 18 px, several pages for a big
exercise, every page looked at by the eye of this test (size, fonts, what each page holds);
and ``ttx plot`` choosing regions and capabilities."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from analysis_fixtures import peel_meinweg_events, write_run_folder
from matplotlib.text import Text

from sim.analysis.labelset import LabelSet
from sim.analysis.projector import PAGE_DPI, projector_pages
from sim.analysis.render import render_run
from sim.analysis.tables import build_tables
from sim.analysis.timeline import draw_timeline_tables, lane_names
from sim.analysis.viewfilter import filter_tables
from sim.journal import read_events

ROOT = Path(__file__).resolve().parent.parent


def _font_sizes_pt(fig: Any) -> list[float]:
    """Every text size on a figure, in points: plain texts (titles, ticks, legends) and the
    label sets (request, unit and inject labels)."""
    sizes = [
        t.get_fontsize() for t in fig.findobj(Text) if t.get_text().strip() and t.get_visible()
    ]
    for artist in fig.findobj(LabelSet):
        if artist.labels:
            sizes.append(artist.prop.get_size_in_points())
    return sizes


def _check_pages(pages: list[Any]) -> None:
    for page in pages:
        w, h = page.figure.get_size_inches() * PAGE_DPI
        assert (round(w), round(h)) == (1920, 1080), page.name
        smallest_px = min(_font_sizes_pt(page.figure)) * PAGE_DPI / 72
        assert smallest_px >= 18.0, (page.name, smallest_px)


@pytest.mark.slow
def test_national_exercise_projector_pages(tmp_path: Path) -> None:
    from sim.exercise import load_exercise_full
    from sim.runs import run_exercise

    loaded = load_exercise_full(ROOT / "exercises" / "national-stress-test.yaml")
    result = run_exercise(loaded, tmp_path, plots=False)
    T = build_tables(read_events(result.folder / "events.jsonl"))
    pages = projector_pages(T, loaded.exercise, "nl")
    names = [p.name for p in pages]
    assert names[0].startswith("injects") and names[-1] == "key"
    assert sum(n.startswith("regions-") for n in names) >= 3  # not one 1600 × 4641 image
    assert sum(n.startswith("units-") for n in names) >= 2
    assert names[-2] == "map"  # where it happened, for the room too
    _check_pages(pages)
    for fig in (p.figure for p in pages):  # every page is drawable and carries no cut-off title
        fig.draw_without_rendering()


def test_fixture_pages_and_selection_files(tmp_path: Path) -> None:
    events = peel_meinweg_events()
    T = build_tables(events)
    pages = projector_pages(T)
    assert [p.name for p in pages] == [
        "injects",
        "regions-1",
        "units-1",
        "capacity-1",
        "map",
        "key",
    ]
    _check_pages(pages)
    key = pages[-1].figure
    labels = [t.get_text() for leg in key.legends for t in leg.get_texts()]
    assert "waiting for hub staff (in-tray)" in labels and "unavailable" in labels
    folder = write_run_folder(tmp_path, events)
    paths = render_run(folder, formats=["png"], report=False, preset="projector", lang="nl")
    assert [p.name for p in paths][:2] == [
        "projector-01-injects.nl.png",
        "projector-02-regions-1.nl.png",
    ]
    chosen = render_run(folder, formats=["png"], report=False, regions=["VR23"])
    assert [p.name for p in chosen] == ["timeline_VR23.png"]
    with pytest.raises(ValueError, match=r"--capabilities: not in this run: NOPE"):
        filter_tables(T, capabilities=["NOPE"])


def test_selection_keeps_only_the_chosen_lanes() -> None:
    T = build_tables(peel_meinweg_events())
    part = filter_tables(T, regions=["VR23"], capabilities=["FBO_CH47"])
    assert set(part.requests["region"]) == {"VR23"}
    assert set(part.units["capability"]) == {"FBO_CH47"}
    fig = draw_timeline_tables(part)
    lanes = lane_names(fig)["regions"]
    assert any("VR23" in lane for lane in lanes) and not any("VR22" in lane for lane in lanes)


def test_units_idle_all_window_share_one_lane() -> None:
    T = build_tables(peel_meinweg_events())
    # from T+20:30 on, BDE13-4, -5 and -6 are reserved for main task 1 the whole window
    fig = draw_timeline_tables(T, t_from=1230.0, t_to=1800.0)
    units = lane_names(fig)["units"]
    assert "BDE13 ×3" in units
    assert not any(u in units for u in ("BDE13-4", "BDE13-5", "BDE13-6"))


def test_the_key_page_carries_every_symbol_any_page_drew() -> None:
    """Each data page collects the legend of what it draws; the key is their union (the
    first page alone missed 'still open at ENDEX' and reasons drawn only on later pages)."""
    from matplotlib.lines import Line2D

    from sim.analysis.projector import _merge_legends, _numbered_together

    def entries(*labels: str) -> tuple[list[Any], list[str]]:
        return [Line2D([], [], label=x) for x in labels], list(labels)

    key: list[tuple[str, list[Any], list[str]]] = []
    _merge_legends(key, [("Requests", *entries("approved", "number: because", "②  below"))])
    _merge_legends(key, [("Requests", *entries("approved", "still open", "⑦  covered"))])
    _merge_legends(key, [("Units", *entries("on scene")), ("Requests", *entries("③  team"))])
    assert [title for title, _, _ in key] == ["Requests", "Units"]
    handles, labels = _numbered_together(key[0][1], key[0][2])
    assert labels == [
        "approved",
        "number: because",
        "②  below",
        "③  team",
        "⑦  covered",
        "still open",
    ]
    assert [h.get_label() for h in handles] == labels
