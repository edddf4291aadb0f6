"""Peak memory of drawing the debrief timeline: the national exercise against it replicated 10x.

A debrief machine is a laptop: a big exercise's timeline must not need several times the memory
of a normal one. Each part runs in a fresh process (peak RSS is a high-water mark, so parts
cannot share one), simulates its exercise, draws the timeline and saves it as PNG, and reports
its own peak RSS; the simulation alone is measured the same way, so the drawing's share shows.
Goal from the issue: the x10 timeline's peak at most 2x the national one's.

    .venv/bin/python benchmarks/bench_memory.py
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

PARTS = ("national-sim", "national", "x10-sim", "x10")


def _part(name: str) -> dict[str, float]:
    """Run one part in this process; return its peak RSS (MB) and the image's size."""
    from bench_sim import scaled

    from sim.analysis import figstyle as fs
    from sim.analysis.tables import build_tables
    from sim.analysis.timeline import draw_timeline_tables
    from sim.exercise import load_exercise
    from sim.journal import Journal
    from sim.model import simulate

    exercise = load_exercise(ROOT / "exercises" / "national-stress-test.yaml")
    if name.startswith("x10"):
        exercise = scaled(exercise, 10)
    journal = Journal()
    simulate(exercise, journal)
    out: dict[str, float] = {"events": len(journal.events)}
    if not name.endswith("-sim"):
        fig = draw_timeline_tables(build_tables(journal.events), exercise, "en")
        width, height = fig.get_size_inches() * fig.dpi
        out.update(width_px=round(width), height_px=round(height))
        out["png_mb"] = len(fs.figure_bytes(fig, "png")) / 2**20
    out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    return out


def main() -> None:
    rows = {}
    for name in PARTS:
        done = subprocess.run(
            [sys.executable, __file__, "--part", name],
            check=True,
            capture_output=True,
            text=True,
            env={"MPLBACKEND": "Agg", "PATH": ""},
        )
        rows[name] = json.loads(done.stdout.strip().splitlines()[-1])
    for name in PARTS:
        r = rows[name]
        size = f"  {r['width_px']} x {r['height_px']} px" if "width_px" in r else ""
        print(f"{name:14s} peak RSS {r['peak_mb']:7.0f} MB  ({r['events']:.0f} events){size}")
    ratio = rows["x10"]["peak_mb"] / rows["national"]["peak_mb"]
    drawing = (rows["x10"]["peak_mb"] - rows["x10-sim"]["peak_mb"]) / max(
        1.0, rows["national"]["peak_mb"] - rows["national-sim"]["peak_mb"]
    )
    print(f"timeline peak RSS, x10 / national: {ratio:.2f}x (goal <= 2)")
    print(f"the drawing's own share (peak minus the simulation's), x10 / national: {drawing:.2f}x")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=PARTS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.part:
        print(json.dumps(_part(args.part)))
    else:
        main()
