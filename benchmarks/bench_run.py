"""Benchmark: a whole ``ttx run`` of the national exercise against its bare parts, in one process.

Times, as the best of ``REPEAT`` runs in process CPU time:
- the bare simulation (the model playing the exercise, journal in memory);
- the bare timeline: a plain matplotlib figure with the same lanes and ``broken_barh`` bars,
  saved as PNG, SVG and PDF (see bench_timeline.py);
- the whole run as ``ttx run`` does it: simulation, journal and inputs to disk, KPI tables,
  timeline in three formats and the HTML report.

Goal from the issue: the whole run within 3x the bare simulation. Because drawing is far costlier
than simulating, the fairer ratio is also printed: whole run / (bare simulation + bare figure),
and the two commands as a user runs them (``ttx run`` against ``ttx run --no-plots``, CPU time of
the whole process, interpreter start and imports included).

    .venv/bin/python -m benchmarks.bench_run
    .venv/bin/python -m benchmarks.bench_run --instructions   # the commands' ratio, valgrind (~5 min)

The commands' CPU time swings by a fifth between runs of this benchmark on a shared machine
(2.2x to 2.7x measured on one afternoon); ``--instructions`` counts both commands' instructions
instead, which do not drift with the load (see ``instructions.py``).
"""

from __future__ import annotations

import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "benchmarks")]

from bench_timeline import bare, lanes_of  # noqa: E402

from sim.analysis.timeline import draw_timeline  # noqa: E402
from sim.exercise import load_exercise_full  # noqa: E402
from sim.journal import Journal  # noqa: E402
from sim.model import build_world  # noqa: E402
from sim.runs import run_exercise  # noqa: E402

REPEAT = 3
NATIONAL = ROOT / "exercises" / "national-stress-test.yaml"


def _best(fn: object, repeat: int = REPEAT) -> float:
    times = []
    for _ in range(repeat):
        start = time.process_time()
        fn()  # type: ignore[operator]
        times.append(time.process_time() - start)
    return min(times)


def main() -> None:
    loaded = load_exercise_full(NATIONAL)
    ex = loaded.exercise
    journal = Journal()
    build_world(ex, journal).run()
    events = journal.events
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        run_exercise(loaded, out / "warm", plots=True)  # imports, font cache
        t_sim = _best(lambda: build_world(ex, Journal()).run())
        fig = draw_timeline(events, ex)
        lanes, _ = lanes_of(fig)
        size = tuple(fig.get_size_inches())
        t_bare_plot = min(bare(lanes, size, out) for _ in range(REPEAT))
        t_run = _best(lambda: run_exercise(loaded, out / "runs", plots=True))
    print(f"national exercise: {len(events)} journal events, {len(lanes)} lanes")
    print(f"bare simulation          {t_sim * 1e3:8.0f} ms")
    print(f"bare timeline (3 files)  {t_bare_plot * 1e3:8.0f} ms")
    print(f"whole ttx run            {t_run * 1e3:8.0f} ms")
    print(f"whole run / bare simulation               {t_run / t_sim:6.1f}x (goal <= 3)")
    print(f"whole run / (bare simulation + bare plot) {t_run / (t_sim + t_bare_plot):6.1f}x")
    cli_plain, cli_full, pairs = _commands(repeat=7)  # the noisiest figure: more runs
    print(
        f"as commands (CPU of the process, imports included): ttx run --no-plots "
        f"{cli_plain:.2f} s, ttx run {cli_full:.2f} s: {cli_full / cli_plain:.1f}x (best of each; "
        f"goal <= 2.5); median of {len(pairs)} back-to-back pairs "
        f"{statistics.median(pairs):.2f}x (from {min(pairs):.2f}x to {max(pairs):.2f}x)"
    )


def _commands(repeat: int = REPEAT) -> tuple[float, float, list[float]]:
    """CPU seconds of ``ttx run --no-plots`` and ``ttx run`` as a user runs them (best of), and
    the ratio of each back-to-back pair (the two commands of a pair see the same machine)."""
    ttx = [sys.executable, "-m", "sim", "run", str(NATIONAL)]

    def cpu(args: list[str]) -> float:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(args, check=True, capture_output=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        return after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime

    plains, fulls = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(repeat):
            plains.append(cpu([*ttx, "--out", tmp, "--no-plots"]))
            fulls.append(cpu([*ttx, "--out", tmp]))
    return min(plains), min(fulls), [f / p for p, f in zip(plains, fulls, strict=True)]


def commands_by_instructions() -> tuple[int, int]:
    """Instructions of ``ttx run --no-plots`` and ``ttx run`` (valgrind), both at once."""
    from concurrent.futures import ThreadPoolExecutor

    from instructions import instructions

    with tempfile.TemporaryDirectory() as tmp:
        base = ["-m", "sim", "run", str(NATIONAL), "--out", tmp]
        with ThreadPoolExecutor(max_workers=2) as pool:
            plain, full = pool.map(instructions, [[*base, "--no-plots"], base])
    return plain, full


if __name__ == "__main__":
    if "--instructions" in sys.argv[1:]:
        plain_i, full_i = commands_by_instructions()
        print(
            f"as commands, by instructions: ttx run --no-plots {plain_i / 1e9:.2f} G, "
            f"ttx run {full_i / 1e9:.2f} G: {full_i / plain_i:.2f}x (goal <= 2.5)"
        )
    else:
        main()
