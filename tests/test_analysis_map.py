"""The debrief map: crisis sites, bases and every unit's journey out, read from the journal."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from sim.analysis.mapfig import draw_map, map_data
from sim.exercise import load_exercise
from tests.simhelpers import FOUR_CHINOOKS, of, run, with_injects

ROOT = Path(__file__).resolve().parent.parent
WILDFIRES = ROOT / "exercises" / "wildfires-unclear.yaml"
PEEL, MEINWEG, GILZE = (51.42, 5.86), (51.17, 6.14), (51.567, 4.932)


def test_every_outbound_leg_starts_where_the_unit_was_and_ends_at_its_site() -> None:
    ex = load_exercise(WILDFIRES)
    for seed in range(1, 6):
        _, events = run(ex, seed)
        for e in of(events, "unit", state="in_transit"):
            d = e["detail"]
            assert {"from_lat", "from_lon", "to_lat", "to_lon"} <= set(d), e
        data = map_data(events, ex)
        assert set(data.crisis_sites) == {PEEL, MEINWEG}
        assert data.crisis_sites[PEEL] == ["Deurnese Peel (peel)"]
        legs = {(leg.capability, leg.start, leg.end) for leg in data.legs}
        assert ("FBO_CH47", GILZE, PEEL) in legs  # flown from Gilze-Rijen, not from a seat
        n_transit = len(of(events, "unit", state="in_transit"))
        assert sum(leg.units for leg in data.legs) == n_transit  # every journey is drawn once
        assert data.bases[GILZE] == "Gilze-Rijen"
        assert {"VR22", "VR23"} <= data.involved


def test_a_unit_moved_between_fires_is_drawn_from_the_fire_it_left() -> None:
    """The 2020 case, scripted: all four Chinooks ordered from the Peel to the Meinweg. Their
    legs start at the Peel and are drawn as moved (dashed); legs from a base are not."""
    moved_seeds = 0
    for seed in range(1, 11):
        ex = with_injects(
            WILDFIRES, FOUR_CHINOOKS, sets=(f"exercise.seed={seed}", "hub.policy=fifo")
        )
        _, events = run(ex, seed)
        legs = map_data(events, ex).legs
        for leg in legs:
            cap = ex.capabilities[leg.capability]
            base = (round(cap.lat, 4), round(cap.lon, 4))
            assert leg.from_base == (leg.start == base), leg
        if any(leg.capability == "FBO_CH47" and leg.start == PEEL and leg.end == MEINWEG
               and not leg.from_base for leg in legs):  # fmt: skip
            moved_seeds += 1
    assert moved_seeds >= 9


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_the_map_has_its_legend_in_the_language_asked(lang: str) -> None:
    ex = load_exercise(WILDFIRES)
    _, events = run(ex, 3)
    fig = draw_map(events, ex, lang)
    texts = [t.get_text() for ax in fig.axes for lg in [ax.get_legend()] if lg for t in lg.texts]
    assert any(t.startswith("FBO_CH47: ") for t in texts)
    word = "journey" if lang == "en" else "verplaatsing"
    assert all(word in t for t in texts if t.startswith("FBO_CH47: "))
    title = fig.axes[0].get_title(loc="left")
    assert title.startswith("Where it happened" if lang == "en" else "Waar het gebeurde")


def test_many_capabilities_are_coloured_by_crisis_so_no_colour_means_two_things() -> None:
    ex = load_exercise(ROOT / "exercises" / "national-stress-test.yaml")
    _, events = run(ex, None)
    fig = draw_map(events, ex, "en")
    texts = [t.get_text() for lg in [fig.axes[1].get_legend()] for t in lg.texts]
    assert texts[0].startswith("colour = the crisis served")
    keyed = [t.split(":")[0] for t in texts if "journey" in t]
    assert set(keyed) <= {c.id for c in ex.crises}
    assert len(keyed) == len(set(keyed))


def test_ttx_run_writes_the_map_and_the_report_shows_it(tmp_path: Path) -> None:
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "sim",
            "run",
            str(WILDFIRES),
            "--out",
            str(tmp_path),
            "--lang",
            "nl",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    folder = Path(out.stdout.strip().splitlines()[-1])
    assert (folder / "map.nl.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    html = (folder / "report.nl.html").read_text(encoding="utf-8")
    assert "Kaart: incidentlocaties" in html
    assert 'alt="Waar het gebeurde' in html
    manifest = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    assert manifest["seed"] == 2020


NATIONAL = ROOT / "exercises" / "national-stress-test.yaml"
NOMINAL = (52.1, 5.3)  # where the model sets out units with no single base (capabilities.yaml)


def test_units_with_no_single_base_are_never_drawn_at_a_made_up_place() -> None:
    """Natres platoons are based all over the country ("distributed"); the model travels them
    from a nominal point in its middle. The map draws no base there and no line from there: a
    ring at each site they reached, named in the legend."""
    ex = load_exercise(NATIONAL)
    _, events = run(ex, None)
    data = map_data(events, ex)
    assert {"NATRES_6H", "NATRES"} <= data.no_base
    assert NOMINAL not in data.bases and "distributed" not in data.bases.values()
    nominal = [leg for leg in data.legs if leg.start == NOMINAL]
    assert nominal and all(leg.no_base for leg in nominal)
    n_transit = len(of(events, "unit", state="in_transit"))
    assert sum(leg.units for leg in data.legs) == n_transit  # every journey counted once
    fig = draw_map(events, ex, "en")
    ax = fig.axes[0]
    starts = [p.get_path().vertices[0] for p in ax.patches if hasattr(p, "_posA_posB")]
    assert starts and all(
        not (abs(x - NOMINAL[1]) < 1e-3 and abs(y - NOMINAL[0]) < 1e-3) for x, y in starts
    )
    rings = [line for line in ax.lines if line.get_gid() == "map-no-base"]
    ends = {(leg.end[1], leg.end[0]) for leg in nominal}
    assert {(line.get_xdata()[0], line.get_ydata()[0]) for line in rings} == ends
    texts = [text.get_text() for text in fig.axes[1].get_legend().texts]
    assert any("no single" in x and "NATRES_6H" in x for x in texts)
    fig.draw_without_rendering()
    assert all("distributed" not in label.text for s in ax.artists for label in s.labels)


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_each_crisis_site_label_sits_by_its_own_star(lang: str) -> None:
    """Amsterdam and Haarlem are 18 km apart: "Amsterdam (stroom)" once sat on the Haarlem star.
    No site's label may cover another site's star, and the star nearest to a label is its own."""
    ex = load_exercise(NATIONAL)
    _, events = run(ex, None)
    fig = draw_map(events, ex, lang)
    ax = fig.axes[0]
    fig.draw_without_rendering()
    renderer = FigureCanvasAgg(fig).get_renderer()
    stars = {
        (line.get_xdata()[0], line.get_ydata()[0]): ax.transData.transform(
            (line.get_xdata()[0], line.get_ydata()[0])
        )
        for line in ax.lines
        if line.get_marker() == "*"
    }
    radius = 7.5 * fig.dpi / 72  # half the star's marker size
    labels = [text for text in ax.texts if text.get_text() and hasattr(text, "xy")]
    assert len(labels) == len(stars) >= 10
    assert any(text.get_text().startswith("Amsterdam (stroom)") for text in labels)
    for text in labels:
        own = tuple(text.xy)
        box = text.get_window_extent(renderer)
        for point, (x, y) in stars.items():
            gap_x = max(box.x0 - x, 0.0, x - box.x1)
            gap_y = max(box.y0 - y, 0.0, y - box.y1)
            if point != own:
                assert (gap_x**2 + gap_y**2) ** 0.5 > radius, (text.get_text(), point)
        centre = ((box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2)
        nearest = min(
            stars, key=lambda p: (stars[p][0] - centre[0]) ** 2 + (stars[p][1] - centre[1]) ** 2
        )
        assert nearest == own, text.get_text()
