"""What a live session shows, and how a face talks to it: the contract between layer 5 and 6.

The terminal console (``sim/console/``) and, later, the browser pages only read a
``SessionView`` (a plain snapshot, no model objects) and send command lines to a
``SessionHandle``. Everything a facilitator or player may do is a command line (the same words
a script uses, ``docs/live.md``), so every face, a script and a replay drive one session path.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

__all__ = [
    "ClockView",
    "CommandResult",
    "InjectView",
    "OptionView",
    "PendingView",
    "RegionView",
    "SessionHandle",
    "SessionView",
    "UnitBoardRow",
]


@dataclass(frozen=True)
class ClockView:
    scenario_min: float  # minutes since STARTEX
    endex_min: float
    calendar: str | None  # "2026-04-20 14:35" when the exercise has a ``start``
    wall: str  # wall-clock time "HH:MM:SS"
    speed: float  # scenario minutes per wall minute (1 = real time)
    paused: bool
    finished: bool


@dataclass(frozen=True)
class InjectView:
    id: str
    title: str
    state: str  # pending | fired | skipped | not_reached
    due_min: float | None  # scheduled scenario time (None: conditional or manual, not yet due)
    trigger: str | None  # "after 3 + 15m", "when free_units_below ...", "manual"
    message: str
    from_: str | None
    to: str | None
    method: str | None
    expected_action: str | None
    fired_min: float | None = None
    reason: str | None = None  # why skipped / not reached
    inject_type: str = ""  # the exercise's inject type ("decision_point" asks for an answer)
    answer: str | None = None  # the players' answer to a decision_point inject, once given


@dataclass(frozen=True)
class OptionView:
    """One capability that could serve a pending request, as the hub sees it now."""

    capability: str
    name: str
    free: int
    needed: int  # units needed for the quantity asked
    eta_min: float  # notice + travel to the site: minutes from a decision now to on scene
    primary: bool  # the means asked for (or delivering every tag asked)
    legal: bool  # the request's route allows it
    support_ok: bool  # its support needs (ground crew) can be met now
    others: tuple[str, ...] = ()  # other requests waiting that could use it (up to four ids)


@dataclass(frozen=True)
class AdviceView:
    """What the advising policy would decide on a pending request. Values, not a sentence: the
    face words it in its language; ``reason`` is the policy's own (model text, as journalled)."""

    policy: str
    outcome: str  # approved | partial | substitute | queued | denied
    units: int
    capability: str | None
    reason: str


@dataclass(frozen=True)
class MobilisationView:
    """National mobilisation of the generic manpower pool: when it was decided, or the manpower
    requests waiting, the policy's threshold and whether the advising policy would decide now."""

    mobilised_min: float | None
    waiting: int
    threshold: int
    policy: str
    would_mobilise: bool


@dataclass(frozen=True)
class PendingView:
    """A question waiting for the players: a request to decide."""

    key: str  # request id, e.g. "R012"
    kind: str  # "request"
    asked_min: float
    region: str
    region_name: str
    crisis: str | None
    crisis_level: str | None  # level code, e.g. "GRIP 3"
    route: str
    requester: str
    effect: str
    tags: list[str]
    quantity: int
    measure: str  # persons | units
    urgency_min: float
    priority: float | None
    life_safety: bool
    options: list[OptionView]
    advice: AdviceView  # what the advising policy would decide, and why


@dataclass(frozen=True)
class UnitBoardRow:
    capability: str
    name: str
    counts: dict[str, int]  # available, committed, mobilising, in_transit, on_scene, refuelling,
    # returning, resting, reserved (main task 1), unavailable


@dataclass(frozen=True)
class RegionView:
    region: str
    name: str
    level: int
    level_code: str
    crises: list[tuple[str, str]]  # (crisis id, level code)


@dataclass(frozen=True)
class SessionView:
    exercise_id: str
    title: str
    clock: ClockView
    players: bool  # True: the players decide at the hub; False: the policy decides
    policy: str  # the deciding or advising policy
    injects_next: list[InjectView]
    injects_fired: list[InjectView]  # fired, skipped and not reached: newest first
    pending: list[PendingView]
    units: list[UnitBoardRow]
    regions: list[RegionView]
    mobilisation: MobilisationView | None  # None: the exercise has no generic pool
    log: list[str] = field(default_factory=list)  # recent session messages, newest last


@dataclass(frozen=True)
class CommandResult:
    ok: bool
    message: str  # one line: what happened, or the error, in the session's language
    column: int | None = None  # where a line that is not a command goes wrong (1-based)


class SessionHandle(Protocol):
    """What a face may do with a live session."""

    def view(self) -> SessionView: ...

    def submit(self, line: str) -> CommandResult:
        """Apply one command line now (never raises for bad input: ok=False, the error)."""
        ...

    def tick(self) -> None:
        """Advance the world to the clock's scenario time (a face calls this a few times a
        second; it returns quickly)."""
        ...

    def completions(self, prefix: str) -> list[str]:
        """Completions for a partly typed command line (command words, ids)."""
        ...

    @property
    def finished(self) -> bool: ...
