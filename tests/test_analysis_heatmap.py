"""The heat map's columns are the capability each request asked for: in the national exercise
five requests ask only for an effect (no capability named), and their hours sit in a column
of their own, "effect only", never under the capability the hub chose for them."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from sim.analysis.heatmap import draw_heatmap_table, heatmap_labels
from sim.analysis.kpis import EFFECT_ONLY, HEATMAP_PARTS, kpis_from_tables
from sim.analysis.labels import t
from sim.analysis.tables import build_tables
from sim.exercise import load_exercise
from tests.simhelpers import run

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def national() -> tuple[object, dict[str, pd.DataFrame]]:
    ex = load_exercise(ROOT / "exercises" / "national-stress-test.yaml")
    _, events = run(ex, None)
    return ex, kpis_from_tables(build_tables(events), ex, "en")


@pytest.mark.parametrize("part", ["hub", "travel"])
def test_every_column_sums_the_requests_that_asked_for_it(
    national: tuple[object, dict[str, pd.DataFrame]], part: str
) -> None:
    _, k = national
    req = k["requests"]
    req = req[req["submitted"].notna() & req[HEATMAP_PARTS[part]].notna()]
    effect_only = req[req["capability"].isna()]
    assert len(effect_only) >= 3 and effect_only["granted_capability"].notna().all()
    wide = k["heatmap" if part == "hub" else "heatmap_travel"].set_index("region")
    assert list(wide.columns)[-1] == EFFECT_ONLY and "—" not in wide.columns
    asked = req.assign(capability=req["capability"].fillna(EFFECT_ONLY))
    expected = asked.groupby(["region", "capability"])[HEATMAP_PARTS[part]].sum() / 60
    for (region, capability), hours in expected.items():
        assert wide.loc[region, capability] == pytest.approx(hours), (region, capability)
    cells = int(wide.notna().to_numpy().sum())
    assert cells == len(expected)  # no cell without a request that asked for it


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_the_effect_only_column_is_named_so_in_both_panels(
    national: tuple[object, dict[str, pd.DataFrame]], lang: str
) -> None:
    ex, k = national
    fig = draw_heatmap_table(k["heatmap"], ex, lang, travel=k["heatmap_travel"])  # type: ignore[arg-type]
    panels = [ax for ax in fig.axes if ax.get_label().startswith("heatmap")]
    assert len(panels) == 2
    for ax in panels:
        _, cols = heatmap_labels(ax)
        assert cols[-1].startswith(t("heatmap.effect_only", lang))
        assert not any(c.startswith(("—", EFFECT_ONLY)) for c in cols)
        assert ax.get_xlabel() == t("heatmap.xlabel", lang)
