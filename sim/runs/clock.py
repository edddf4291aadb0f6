"""The live session's scenario clock: speed, pause, resume, jump, over any wall clock.

Why not ``simpy.rt.RealtimeEnvironment`` (``/work/shared/research/libraries.md`` §8): it sleeps
until the next event and cannot be woken by a player's command, its ``sync()`` mis-schedules
after a pause, and its factor cannot change. This clock only answers "what scenario time is it
now?"; the session runs a plain SimPy environment up to that time, a few times a second.

The clock is anchored: ``now = anchor_scenario + (wall() - anchor_wall) * speed / 60``. Every
change (pause, resume, speed, jump) first freezes ``now`` into a new anchor, so no change ever
moves scenario time by itself. In particular a pause does not shift anything that follows: after
``resume()`` the clock reads exactly the scenario time at which it was paused, and a command
applied "now" is stamped with that time (the OpenAEV #1395 class of bug, where "fire now" after a
pause fired 30 minutes late, cannot happen: nothing is shifted by recorded pause intervals).
The wall clock is injected (``time.monotonic`` by default) so tests drive it exactly.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

__all__ = ["ClockError", "ScenarioClock"]


class ClockError(ValueError):
    """A clock change that makes no sense (a speed that is not positive, a jump backwards)."""


class ScenarioClock:
    """Scenario minutes since STARTEX, driven by a wall clock in seconds.

    ``speed`` is scenario minutes per wall minute: 1 is real time, 60 is an hour per wall
    minute. ``cap`` (ENDEX, in scenario minutes) is never passed: ``now()`` stops there.
    ``on_pause(scenario_min, wall_seconds)`` is called at each ``resume()`` with the scenario time
    of the pause and how long it lasted on the wall clock, so the session can journal it.
    """

    def __init__(
        self,
        *,
        speed: float = 1.0,
        start: float = 0.0,
        cap: float = math.inf,
        paused: bool = False,
        wall: Callable[[], float] = time.monotonic,
        on_pause: Callable[[float, float], None] | None = None,
    ) -> None:
        _check_speed(speed)
        if not math.isfinite(start) or start < 0:
            raise ClockError(f"start must be a scenario time >= 0, not {start!r}")
        if math.isnan(cap) or cap < start:
            raise ClockError(f"the cap ({cap!r}) is before the start ({start!r})")
        self._wall = wall
        self._speed = float(speed)
        self._cap = float(cap)
        self._anchor_min = float(start)
        self._anchor_wall = wall()
        self._paused = paused
        self._paused_since: float | None = self._anchor_wall if paused else None
        self.on_pause = on_pause

    # -- reading --------------------------------------------------------------------------
    def now(self) -> float:
        """The scenario time in minutes (never beyond the cap)."""
        if self._paused:
            return min(self._anchor_min, self._cap)
        # NOTE: inlined for speed: the console reads the clock several times per frame.
        t = self._anchor_min + (self._wall() - self._anchor_wall) * self._speed / 60.0
        return t if t < self._cap else self._cap

    @property
    def speed(self) -> float:
        return self._speed

    @property
    def paused(self) -> bool:
        return self._paused

    @property
    def cap(self) -> float:
        return self._cap

    @property
    def finished(self) -> bool:
        """True once scenario time has reached the cap (ENDEX)."""
        return self.now() >= self._cap

    def wall_seconds_until(self, scenario_min: float) -> float:
        """Wall seconds until the clock reads ``scenario_min`` (0 if already there; inf while
        paused or beyond the cap): how long a session may sleep before its next event."""
        now = self.now()
        if scenario_min <= now:
            return 0.0
        if self._paused or scenario_min > self._cap:
            return math.inf
        return (scenario_min - now) * 60.0 / self._speed

    # -- changing ---------------------------------------------------------------------------
    def pause(self) -> bool:
        """Stop scenario time; False (and no change) if already paused."""
        if self._paused:
            return False
        self._rebase()
        self._paused = True
        self._paused_since = self._anchor_wall
        return True

    def resume(self) -> bool:
        """Let scenario time run on from exactly where it stopped; False if it was running."""
        if not self._paused:
            return False
        wall_now = self._wall()
        since = self._paused_since if self._paused_since is not None else wall_now
        self._anchor_wall = wall_now
        self._paused = False
        self._paused_since = None
        if self.on_pause is not None:
            self.on_pause(min(self._anchor_min, self._cap), max(0.0, wall_now - since))
        return True

    def set_speed(self, speed: float) -> None:
        """Change the speed from now on (scenario time so far is kept)."""
        _check_speed(speed)
        self._rebase()
        self._speed = float(speed)

    def jump(self, scenario_min: float) -> float:
        """Move scenario time forward to ``scenario_min`` (at most the cap); returns the new
        time. The clock stays paused or running as it was. Backwards is refused: the world
        cannot be un-run."""
        if not math.isfinite(scenario_min):
            raise ClockError(f"cannot jump to {scenario_min!r}")
        now = self.now()
        if scenario_min < now:
            raise ClockError(
                f"cannot jump back in time (to {scenario_min:g} min; it is {now:g} min)"
            )
        self._rebase()
        self._anchor_min = min(float(scenario_min), self._cap)
        return self._anchor_min

    def end_at(self, scenario_min: float) -> None:
        """ENDEX at ``scenario_min``, the time the world ended: the clock stops there for good.

        A running clock reads a little later on every look (and the world catches up with it a
        tick at a time), so ENDEX is not a second reading, which would already be later than
        the world's ENDEX: it is the world's time, and the reading comes back to it.
        """
        if not math.isfinite(scenario_min):
            raise ClockError(f"ENDEX ({scenario_min!r}) must be a finite time")
        self._rebase()
        self._cap = float(scenario_min)

    def _rebase(self) -> None:
        """Freeze the current reading as the new anchor (before any change)."""
        wall_now = self._wall()
        if not self._paused:
            t = self._anchor_min + (wall_now - self._anchor_wall) * self._speed / 60.0
            self._anchor_min = min(t, self._cap)
            self._anchor_wall = wall_now


def _check_speed(speed: float) -> None:
    if isinstance(speed, bool) or not isinstance(speed, int | float):
        raise ClockError(f"speed must be a number, not {speed!r}")
    if not math.isfinite(speed) or speed <= 0:
        raise ClockError(f"speed must be a positive number, not {speed!r}")
