"""Driving a session the way people would, from a test: answers at later scenario times."""

from __future__ import annotations

from pathlib import Path

from sim.exercise import LoadedExercise
from sim.runs.actions import decide
from sim.runs.livefolder import LiveFolder
from sim.runs.session import Session


def answer_late(session: Session, delay: float = 120.0, step: float = 5.0) -> list[tuple]:
    """Play to ENDEX; every open question is answered with the advisor's advice once it has
    waited ``delay`` minutes (checked every ``step`` minutes). Returns (key, asked, answered)."""
    answered = []
    if not session.started:
        session.start()
    t = session.now
    while t < session.endex:
        t = min(t + step, session.endex)
        session.advance(t)
        decider = session.decider
        for key, q in list(decider.questions.items()):  # type: ignore[attr-defined]
            if session.now >= q.asked + delay:
                advice = decider.advise(q.request, session.world.hub.view(q.request))  # type: ignore[attr-defined]
                decide(
                    session,
                    key,
                    advice.outcome,
                    advice.capability,
                    advice.units or None,
                    "scripted answer",
                )
                answered.append((key, q.asked, session.now))
    session.finish()
    return answered


def record_players_session(loaded: LoadedExercise, out: Path, delay: float = 120.0) -> Path:
    """A players' session answered late, written to a live run folder; returns the folder."""
    folder = LiveFolder.create(loaded, out, command=["test"], players=True, speed=1.0)
    session = Session(
        loaded.exercise,
        players=True,
        events=folder.stream("events.jsonl"),
        decisions=folder.stream("decisions.jsonl"),
        notes=folder.stream("notes.jsonl"),
        flush=True,
    )
    answer_late(session, delay)
    folder.complete(loaded, plots=False, lang="en", events=len(session.journal))
    return folder.path
