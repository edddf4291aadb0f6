"""How much does the debrief timeline cost over the bare matplotlib it is made of?

In one process: draw and save (PNG, SVG, PDF) the timeline of a large synthetic national journal,
then draw and save a bare figure with the same size, the same number of lanes and the same bars
(one ``broken_barh`` per lane, tick labels per lane, nothing else). Prints both times and the
ratio; the goal is <= 1.5x. Both are warmed up first (imports, font cache) and timed as the best
of ``--repeat`` interleaved runs, in process CPU time. On a shared virtual machine CPU time
still drifts by tens of percent from run to run; ``--instructions`` counts instructions with
valgrind instead, which do not drift with the load (see ``instructions.py``; several minutes).

    .venv/bin/python benchmarks/bench_timeline.py [--requests 300] [--regions 25] [--hours 120]
    .venv/bin/python benchmarks/bench_timeline.py --instructions
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from matplotlib.collections import PathCollection, PolyCollection  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from sim.analysis import FORMATS  # noqa: E402
from sim.analysis import figstyle as fs  # noqa: E402
from sim.analysis.timeline import draw_timeline, save_timeline  # noqa: E402
from tests.analysis_fixtures import national_events  # noqa: E402


def ours(events: list[dict], out: Path) -> tuple[float, Figure]:
    start = time.process_time()
    fig = draw_timeline(events)
    save_timeline(fig, out, FORMATS)
    return time.process_time() - start, fig


def lanes_of(fig: Figure) -> tuple[list[list[tuple[float, float]]], int]:
    """The bars of our figure grouped into lanes (one lane per distinct bar centre per panel)."""
    lanes: dict[tuple[int, float], list[tuple[float, float]]] = defaultdict(list)
    bars = 0
    for k, ax in enumerate(fig.axes):
        for coll in ax.collections:
            if not isinstance(coll, (PolyCollection, PathCollection)):
                continue
            polygons = [v for path in coll.get_paths() for v in path.to_polygons()]
            for v in polygons:  # a hatched style is one compound path of many bars
                if len(v) < 4:
                    continue
                x0, x1 = float(v[:, 0].min()), float(v[:, 0].max())
                y = round(float(v[:, 1].mean()), 2)
                lanes[(k, y)].append((x0, x1 - x0))
                bars += 1
    return list(lanes.values()), bars


def bare(lanes: list[list[tuple[float, float]]], size: tuple[float, float], out: Path) -> float:
    start = time.process_time()
    with fs.rc():
        fig = Figure(figsize=size)
        ax = fig.add_subplot()
        for y, bars in enumerate(lanes):
            ax.broken_barh(bars, (y - 0.3, 0.6), facecolors="tab:green", edgecolor="black")
        ax.set_yticks(range(len(lanes)), [f"lane {y}" for y in range(len(lanes))])
        ax.set_ylim(len(lanes), -1)
        for fmt in FORMATS:
            buffer = io.BytesIO()
            fig.savefig(buffer, format=fmt, metadata=fs.METADATA[fmt])
            (out / f"bare.{fmt}").write_bytes(buffer.getvalue())
    return time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--regions", type=int, default=25)
    parser.add_argument("--hours", type=float, default=120.0)
    parser.add_argument("--repeat", type=int, default=6)
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="count instructions with valgrind instead of timing (steady on a noisy machine; "
        "takes several minutes)",
    )
    parser.add_argument("--part", choices=["setup", "ours", "bare"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.instructions:
        _instructions(args)
        return
    events = national_events(regions=args.regions, requests=args.requests, hours=args.hours)
    if args.part is not None:  # one part, once, for the instruction count
        fig = draw_timeline(events)
        lanes, _ = lanes_of(fig)
        with tempfile.TemporaryDirectory() as tmp:
            if args.part == "ours":
                ours(events, Path(tmp))
            elif args.part == "bare":
                bare(lanes, tuple(fig.get_size_inches()), Path(tmp))
        return
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        _, fig = ours(events, out)  # warm-up: imports, fonts, caches
        lanes, bars = lanes_of(fig)
        size = tuple(fig.get_size_inches())
        bare(lanes, size, out)
        pairs = []
        for _ in range(args.repeat):  # interleaved, so both see the same machine load
            pairs.append((ours(events, out)[0], bare(lanes, size, out)))
    t_ours = min(p[0] for p in pairs)
    t_bare = min(p[1] for p in pairs)
    ratios = sorted(p[0] / p[1] for p in pairs)
    print(
        f"journal: {len(events)} events, {args.requests} requests, {args.regions} regions, "
        f"{args.hours:g} h; figure {size[0]:.0f}x{size[1]:.0f} in, {len(lanes)} lanes, {bars} bars"
    )
    print(f"timeline (draw + png/svg/pdf): {t_ours:.2f} s CPU")
    print(f"bare broken_barh (same lanes, bars, size, formats): {t_bare:.2f} s CPU")
    print(f"ratio of best times: {t_ours / t_bare:.2f}x (goal <= 1.5x)")
    print(f"ratio per run: {', '.join(f'{r:.2f}' for r in ratios)}")
    print(f"median of the per-run ratios: {statistics.median(ratios):.2f}x")


def _instructions(args: argparse.Namespace) -> None:
    from instructions import available, instructions_of_parts

    if not available():
        raise SystemExit("--instructions needs valgrind (Debian package valgrind)")
    if (args.requests, args.regions, args.hours) != (300, 25, 120.0):
        raise SystemExit("--instructions measures the default journal only")
    counts = instructions_of_parts(__file__, ["ours", "bare"])
    print(f"timeline (draw + png/svg/pdf): {counts['ours'] / 1e9:.2f} G instructions")
    print(f"bare broken_barh (same lanes, bars, size, formats): {counts['bare'] / 1e9:.2f} G")
    print(f"ratio: {counts['ours'] / counts['bare']:.2f}x (goal <= 1.5x)")


if __name__ == "__main__":
    main()
