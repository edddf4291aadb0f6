"""Benchmark: is the live console responsive at speed 600, and does the scenario clock drift?

Measures, in one run of the real console (Textual, headless) over a live session:
(a) the time from a typed command to its effect on screen (Enter pressed → the clock bar shows
    the new speed and the screen is drawn), p50/p99/max, at speed 600 with the clock running
    against the same commands with the clock paused;
(b) the scenario clock's drift against the wall clock while the console ticks the session:
    scenario minutes shown by the view against speed × wall time elapsed (``time.perf_counter``,
    a clock independent of the session's ``time.monotonic``), as a share of the elapsed time.

The session comes from a factory ``module:callable`` taking ``(exercise_path, speed, paused)``
and returning a ``SessionHandle``. The default is the test ``FakeSession`` (tests/fake_session.py:
a real ``ScenarioClock``, no world); plug the real national-exercise session in with
``--session sim.runs.live:bench_session`` once it exists. Not a timed test.

    .venv/bin/python -m benchmarks.bench_live                 # short (10 s of drift)
    .venv/bin/python -m benchmarks.bench_live --seconds 300   # the issue's 5-minute session
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from sim.console.app import ConsoleApp  # noqa: E402
from sim.runs.view import SessionHandle  # noqa: E402

NATIONAL = ROOT / "exercises" / "national-stress-test.yaml"
SPEED = 600.0
SIZE = (180, 50)


def fake_session(exercise: Path, speed: float, paused: bool) -> SessionHandle:
    from fake_session import FakeSession

    from sim.exercise.loader import load_exercise

    return FakeSession(load_exercise(exercise), speed=speed, paused=paused)


def _factory(spec: str) -> Callable[[Path, float, bool], SessionHandle]:
    if spec == "fake":
        return fake_session
    module, _, name = spec.partition(":")
    return getattr(importlib.import_module(module), name)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def _latencies(app: ConsoleApp, pilot: Any, n: int) -> tuple[list[float], list[float]]:
    """Seconds from Enter to the new speed in the clock bar's content, and to the first frame
    the app composes after that (what a terminal would be sent), for ``n`` speed commands
    (600 ↔ 601, so every command changes what is on screen)."""
    from textual.events import Key

    driver = app._driver
    assert driver is not None
    frames: list[float] = []
    display = app._display

    def recording_display(screen: Any, renderable: Any) -> None:  # each composed frame
        if renderable is not None:
            frames.append(time.perf_counter())
        display(screen, renderable)

    app._display = recording_display  # type: ignore[method-assign]
    shown, drawn = [], []
    for i in range(n):
        target = f"×{SPEED + (i % 2):g}"
        app.prompt.value = f"speed {target[1:]}"
        await pilot.pause()
        t0 = time.perf_counter()
        driver.send_message(Key("enter", "\r"))  # as the terminal driver would
        while target not in app.clock_bar.text:
            await asyncio.sleep(0)
        t1 = time.perf_counter()
        shown.append(t1 - t0)
        while not frames or frames[-1] < t1:
            await asyncio.sleep(0.001)
        drawn.append(next(t for t in frames if t >= t1) - t0)
    app._display = display  # type: ignore[method-assign]
    return shown, drawn


async def _drift(app: ConsoleApp, pilot: Any, seconds: float) -> dict[str, float]:
    """Compare the view's scenario time with speed × wall time, once a second."""
    app.submit_line(f"speed {SPEED:g}")
    view = app.handle.view()
    s0, w0 = view.clock.scenario_min, time.perf_counter()
    worst = 0.0
    end = w0 + seconds
    elapsed_min = 0.0
    while True:
        await pilot.pause(min(1.0, max(0.0, end - time.perf_counter())))
        w = time.perf_counter()
        clock = app.handle.view().clock
        if clock.finished:
            break
        expected = (w - w0) * SPEED / 60.0
        elapsed_min = clock.scenario_min - s0
        worst = max(worst, abs(elapsed_min - expected))
        if w >= end:
            break
    wall = time.perf_counter() - w0
    expected = wall * SPEED / 60.0
    return {
        "wall_s": wall,
        "scenario_min": elapsed_min,
        "worst_dev_min": worst,
        "final_drift_pct": 100.0 * abs(elapsed_min - expected) / expected if expected else 0.0,
        "worst_dev_pct": 100.0 * worst / expected if expected else 0.0,
    }


def run(seconds: float, commands: int, factory: Callable[..., SessionHandle], exercise: Path):
    results: dict[str, Any] = {}

    async def phase(paused: bool) -> None:
        app = ConsoleApp(factory(exercise, SPEED, paused))
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause(0.5)
            key = "paused" if paused else "running"
            results[key] = await _latencies(app, pilot, commands)
            if not paused:
                results["drift"] = await _drift(app, pilot, seconds)

    asyncio.run(phase(paused=True))
    asyncio.run(phase(paused=False))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="length of the drift run")
    parser.add_argument("--commands", type=int, default=100, help="commands per latency phase")
    parser.add_argument("--session", default="fake", help="factory module:callable, or 'fake'")
    parser.add_argument("--exercise", type=Path, default=NATIONAL)
    args = parser.parse_args()
    if args.seconds <= 0 or args.commands < 1:
        parser.error("--seconds must be positive and --commands at least 1")
    res = run(args.seconds, args.commands, _factory(args.session), args.exercise)
    print(f"session: {args.session}, exercise: {args.exercise.name}, speed ×{SPEED:g}")
    print("(a) typed command → effect (ms): in the clock bar / in the next frame")
    for key in ("paused", "running"):
        shown, drawn = ([v * 1000 for v in vals] for vals in res[key])
        print(
            f"    {key:<8} n={len(shown):<4} p50 {statistics.median(shown):6.1f} / "
            f"{statistics.median(drawn):6.1f}   p99 {_percentile(shown, 0.99):6.1f} / "
            f"{_percentile(drawn, 0.99):6.1f}   max {max(drawn):6.1f}"
        )
    ratio = _percentile(res["running"][1], 0.99) / _percentile(res["paused"][1], 0.99)
    print(f"    p99 (drawn) running / paused: {ratio:.2f}")
    d = res["drift"]
    print(
        f"(b) clock drift over {d['wall_s']:.1f} s wall ({d['scenario_min']:.1f} scenario min): "
        f"final {d['final_drift_pct']:.4f} %, worst {d['worst_dev_pct']:.4f} % "
        f"({d['worst_dev_min'] * 60:.2f} scenario s); goal < 0.1 %"
    )


if __name__ == "__main__":
    main()
