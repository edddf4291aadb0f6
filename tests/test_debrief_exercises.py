"""Every exercise in the library gives a full debrief: three timeline files and a report, whose
figure agrees with the journal (a bar per submitted request, a marker per fired inject)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sim.analysis.render import load_run
from sim.analysis.timeline import draw_timeline
from sim.exercise import load_exercise_full
from sim.runs import run_exercise

ROOT = Path(__file__).resolve().parent.parent
EXERCISES = sorted((ROOT / "exercises").glob("*.yaml"))


def _count(events: list[dict[str, Any]], kind: str, state: str) -> int:
    return sum(1 for e in events if e["kind"] == kind and e["state"] == state)


@pytest.mark.parametrize("path", EXERCISES, ids=lambda p: p.stem)
def test_exercise_debrief_files_and_structure(path: Path, tmp_path: Path) -> None:
    result = run_exercise(load_exercise_full(path), tmp_path, plots=True)
    for name in ("timeline.png", "timeline.svg", "timeline.pdf", "report.html"):
        assert (result.folder / name).stat().st_size > 1000, name
    html = (result.folder / "report.html").read_text(encoding="utf-8")
    assert "data:image/png;base64," in html and 'src="http' not in html
    run = load_run(result.folder)
    fig = draw_timeline(run.events, run.exercise)
    axes = {ax.get_label(): ax for ax in fig.axes}
    (bars,) = [c for c in axes["regions"].collections if c.get_gid() == "request-bars"]
    assert len(bars.get_paths()) == _count(run.events, "request", "submitted")
    fired = sum(
        len(line.get_xdata())
        for line in axes["injects"].lines
        if (line.get_gid() or "").startswith("inject-fired-")
    )
    assert fired == _count(run.events, "inject", "fired")
