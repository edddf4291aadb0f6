"""The live scenario clock, driven by a fake wall clock so every reading is exact."""

from __future__ import annotations

import math

import pytest

from sim.runs.clock import ClockError, ScenarioClock


class FakeWall:
    """A wall clock in seconds that moves only when told."""

    def __init__(self, t: float = 1000.0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds


def make(**kw: object) -> tuple[ScenarioClock, FakeWall]:
    wall = FakeWall()
    return ScenarioClock(wall=wall, **kw), wall  # type: ignore[arg-type]


def test_real_time_by_default_and_speed_is_scenario_minutes_per_wall_minute() -> None:
    clock, wall = make()
    wall.advance(90)  # a minute and a half
    assert clock.now() == 1.5
    fast, wall2 = make(speed=60)
    wall2.advance(60)
    assert fast.now() == 60.0  # one scenario hour per wall minute


def test_pause_then_resume_does_not_shift_scenario_time() -> None:
    """The OpenAEV #1395 class of bug: after a pause, 'now' is where the pause began."""
    pauses: list[tuple[float, float]] = []
    clock, wall = make(speed=60, on_pause=lambda t, s: pauses.append((t, s)))
    wall.advance(30)  # T+00:30
    assert clock.pause() is True
    wall.advance(1800)  # a 30-minute coffee break on the wall clock
    assert clock.now() == 30.0
    assert clock.resume() is True
    assert clock.now() == 30.0  # "fire now" right after resuming happens at T+00:30
    wall.advance(1)
    assert clock.now() == 31.0
    assert pauses == [(30.0, 1800.0)]


def test_pause_and_resume_twice_are_harmless() -> None:
    clock, wall = make()
    assert clock.resume() is False
    clock.pause()
    assert clock.pause() is False
    wall.advance(5)
    clock.resume()
    assert clock.resume() is False
    assert clock.now() == 0.0


def test_speed_change_keeps_the_time_so_far() -> None:
    clock, wall = make(speed=60)
    wall.advance(10)  # 10 scenario minutes
    clock.set_speed(600)
    assert clock.now() == 10.0
    wall.advance(6)  # 60 scenario minutes at 600
    assert clock.now() == 70.0
    clock.pause()
    clock.set_speed(1)  # changing speed while paused keeps it paused
    wall.advance(100)
    assert clock.now() == 70.0 and clock.paused
    clock.resume()
    wall.advance(60)
    assert clock.now() == 71.0


@pytest.mark.parametrize("bad", [0, -1, math.nan, math.inf, True, "60"])
def test_bad_speeds_are_refused(bad: object) -> None:
    clock, _ = make()
    with pytest.raises(ClockError, match="speed"):
        clock.set_speed(bad)  # type: ignore[arg-type]
    assert clock.speed == 1.0


def test_cap_is_never_passed_and_finished() -> None:
    clock, wall = make(speed=60, cap=120)
    wall.advance(3600)
    assert clock.now() == 120.0 and clock.finished
    clock.set_speed(1)  # rebasing at the cap does not overshoot afterwards
    wall.advance(60)
    assert clock.now() == 120.0


def test_jump_forward_only_and_capped() -> None:
    clock, _ = make(speed=60, cap=600, paused=True)
    assert clock.jump(150) == 150.0
    assert clock.now() == 150.0 and clock.paused
    with pytest.raises(ClockError, match="back"):
        clock.jump(100)
    assert clock.jump(10_000) == 600.0
    clock2, wall2 = make(speed=60)
    wall2.advance(60)
    clock2.jump(90)
    wall2.advance(60)
    assert clock2.now() == 150.0


def test_start_paused_reports_the_whole_pause_on_resume() -> None:
    pauses: list[tuple[float, float]] = []
    clock, wall = make(paused=True, start=45, on_pause=lambda t, s: pauses.append((t, s)))
    wall.advance(12.5)
    clock.resume()
    assert pauses == [(45.0, 12.5)]


def test_wall_seconds_until_next_event() -> None:
    clock, wall = make(speed=600, cap=1000)
    wall.advance(1)  # T+00:10
    assert clock.wall_seconds_until(5) == 0.0
    assert clock.wall_seconds_until(20) == pytest.approx(1.0)
    assert clock.wall_seconds_until(2000) == math.inf
    clock.pause()
    assert clock.wall_seconds_until(20) == math.inf


def test_end_at_ends_now() -> None:
    clock, wall = make(speed=60)
    wall.advance(60)
    clock.end_at(clock.now())
    assert clock.finished
    wall.advance(60)
    assert clock.now() == 60.0


class TickingWall(FakeWall):
    """A wall clock that has moved on a little every time it is read, as a real one has."""

    def __call__(self) -> float:
        self.t += 0.001
        return self.t


def test_end_at_stops_a_running_clock_at_the_worlds_endex() -> None:
    """``end`` while the clock runs: a second reading is already later than the world's ENDEX
    (capping at it refused a time in the past, so ENDEX was never set and the clock ran on);
    ENDEX at the world's time holds, and the clock stays there."""
    wall = TickingWall()
    clock = ScenarioClock(wall=wall, speed=600)
    wall.advance(60)
    world_endex = clock.now()
    assert clock.now() > world_endex  # a second reading: ``end`` capped at it and failed
    clock.end_at(world_endex)
    wall.advance(600)
    assert clock.now() == world_endex and clock.finished and clock.cap == world_endex
    with pytest.raises(ClockError):
        clock.end_at(math.nan)


def test_no_drift_over_many_changes() -> None:
    """Thousands of speed changes and pauses: the reading equals the exact sum of the parts."""
    clock, wall = make(speed=1)
    expected = 0.0
    for i in range(5000):
        speed = 1 + (i % 7) * 100
        clock.set_speed(speed)
        wall.advance(0.1)
        expected += 0.1 * speed / 60
        if i % 50 == 0:
            clock.pause()
            wall.advance(3)
            clock.resume()
    assert clock.now() == pytest.approx(expected, rel=1e-9)


def test_bad_construction() -> None:
    with pytest.raises(ClockError):
        ScenarioClock(start=-1)
    with pytest.raises(ClockError):
        ScenarioClock(start=100, cap=50)
