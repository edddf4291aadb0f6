"""The session: one path for every way of running an exercise.

A batch run, a replay, a live session (and, next, a fork or a sweep replication) are all a
``Session``: it builds the world with its clock (a plain ``simpy.Environment``), its random
streams, its decider, the journal and the decision log, and then ``advance``s it, applies the
actions of people at scenario times, and ``finish``es it. Who decides is the only difference:

- ``policy``: the exercise's policy answers at once (``ttx run``, ``ttx play --players none``);
- ``players``: every request decision waits for the players (``ttx play --players hub``);
- a recorded ``decisions.jsonl``: its policy lines answer the hub (``RecordedDecider``) and its
  people's lines are applied at their recorded times through the very functions a live session
  uses (``actions.py``), so the journal comes out byte for byte the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO, Any

import simpy

from sim.decisionlog import DecisionLog
from sim.exercise.models import Exercise
from sim.journal import Journal, Recorder
from sim.model.deciders import Decider, PolicyDecider
from sim.model.deferring import PlayersDecider, RecordedDecider, RecordingMismatch
from sim.model.rng import Streams
from sim.model.world import World
from sim.runs.notes import NoteLog

__all__ = ["PEOPLE", "Session", "SessionError"]

PEOPLE = ("players", "facilitator")
"""Who, in ``decisions.jsonl``, is a person: their lines are applied, not asked for."""


class SessionError(ValueError):
    """A recorded line that cannot be applied (names the decisions.jsonl line), or an action
    that makes no sense now (a live session shows it and goes on)."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message  # a ``Said`` keeps its label key for the face's language
        self.line = line


class Session:
    def __init__(
        self,
        exercise: Exercise,
        *,
        seed: int | None = None,
        players: bool = False,
        recorded: Sequence[dict[str, Any]] | None = None,
        record: Recorder | None = None,
        events: IO[str] | None = None,
        decisions: IO[str] | None = None,
        notes: IO[str] | None = None,
        flush: bool = False,
        keep_events: bool = False,
    ) -> None:
        self.exercise = exercise
        self.seed = exercise.exercise.seed if seed is None else seed
        self.players = players
        self.env = simpy.Environment()
        self.journal = Journal(events, keep=keep_events, flush=flush)
        self.log = DecisionLog(decisions, flush=flush)
        self.notes = NoteLog(notes, flush=flush)
        hub = exercise.hub
        params = {str(k): v for k, v in hub.policy_params.items()}
        advisor = PolicyDecider(hub.policy, params)
        self.advisor = advisor
        self.recorded = list(recorded) if recorded is not None else None
        decider: Decider = advisor
        if players:
            decider = PlayersDecider(self.env, advisor)
        elif self.recorded is not None:
            decider = RecordedDecider(self.env, advisor, self.recorded)
        self.decider = decider
        self.world = World(
            exercise,
            record if record is not None else self.journal,
            Streams(self.seed),
            decider,
            self.env,
            self.log,
        )

    # -- the life cycle ------------------------------------------------------------------------
    @property
    def now(self) -> float:
        return self.world.now

    @property
    def endex(self) -> float:
        return self.world.endex

    @property
    def started(self) -> bool:
        return self.world.started

    @property
    def finished(self) -> bool:
        return self.world.finished

    def start(self) -> None:
        self.world.start()

    def advance(self, until: float) -> None:
        try:
            self.world.advance(until)
        except RecordingMismatch as exc:
            raise SessionError(str(exc), exc.line) from None

    def settle(self) -> None:
        try:
            self.world.settle()
        except RecordingMismatch as exc:
            raise SessionError(str(exc), exc.line) from None

    def finish(self) -> None:
        try:
            self.world.finish()
        except RecordingMismatch as exc:
            raise SessionError(str(exc), exc.line) from None
        if isinstance(self.decider, RecordedDecider):
            left = self.decider.unused()
            if left is not None:
                raise SessionError(
                    f"recorded {left['kind']} decision on {left['key']} was never asked for",
                    left["n"],
                )

    def last_line(self) -> int | None:
        """The recorded policy line applied most recently (for naming a difference)."""
        return self.decider.last_line if isinstance(self.decider, RecordedDecider) else None

    # -- playing back the people's lines --------------------------------------------------------
    def people_lines(self) -> list[dict[str, Any]]:
        return [line for line in self.recorded or [] if line["who"] in PEOPLE]

    def play_recorded(self, upto: float | None = None) -> list[tuple[float, str]]:
        """Apply every recorded line made by people (up to scenario time ``upto``), each at its
        time, the way it was applied when it was made; then stop there (not finished).
        Returns the scenario time after each line and the reply it got (a resumed console's log)."""
        from sim.runs.actions import apply_line

        if self.recorded is None:
            raise ValueError("this session has no recorded decisions")
        if not self.started:
            self.start()
        replies = []
        for line in self.people_lines():
            if upto is not None and line["t"] > upto:
                break
            self.advance(line["t"])
            if self.finished:
                raise SessionError("recorded after ENDEX", line["n"])
            try:
                reply = apply_line(self, line)
                replies.append((self.now, reply))  # stamped as the console did: after it
            except SessionError as exc:
                raise SessionError(str(exc), line["n"]) from None
            except (KeyError, TypeError, ValueError) as exc:
                raise SessionError(f"not a valid {line['kind']} line: {exc}", line["n"]) from None
        return replies
