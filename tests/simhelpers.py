"""Small helpers shared by the model tests: build an exercise from YAML text and run it."""

from __future__ import annotations

import textwrap
from typing import Any

from sim.exercise import Exercise, load_exercise_text
from sim.journal import Journal
from sim.model import World, simulate


def exercise(text: str, overrides: list[tuple[str, str]] | None = None) -> Exercise:
    return load_exercise_text(textwrap.dedent(text), "<test>", overrides)


def run(ex: Exercise, seed: int | None = None) -> tuple[World, list[dict[str, Any]]]:
    journal = Journal()
    world = simulate(ex, journal, seed=seed)
    return world, journal.events


def journal_text(ex: Exercise, seed: int | None = None) -> str:
    journal = Journal()
    simulate(ex, journal, seed=seed)
    return journal.text()


def of(events: list[dict[str, Any]], kind: str, **match: Any) -> list[dict[str, Any]]:
    return [e for e in events if e["kind"] == kind and all(e.get(k) == v for k, v in match.items())]
