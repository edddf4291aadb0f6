"""Small helpers shared by the model tests: build an exercise from YAML text and run it."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import yaml

from sim.exercise import Exercise, load_exercise_text, parse_override
from sim.journal import Journal
from sim.model import World, simulate

TWO_FIRES = """crises:
  - {id: peel, kind: wildfire, regions: [VR22], site: Deurnese Peel, onset: T+00:00,
     start_level: 3, auto_requests: false, impact: {physical: B},
     escalation: {p_up_unmet: 0, p_up_met: 0, p_down_met: 0}}
  - {id: meinweg, kind: wildfire, regions: [VR23], site: Meinweg, onset: T+00:00, start_level: 3,
     auto_requests: false, impact: {physical: E},
     escalation: {p_up_unmet: 0, p_up_met: 0, p_down_met: 0}}
"""
"""The Peel fire (less severe) and the Meinweg fire (life safety), both steady, no own requests:
the reallocation cases' two sites (insert into an exercise's YAML text)."""


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


FOUR_CHINOOKS = {
    "id": "R1",
    "trigger": {"after": 10, "delay": "2h"},
    "type": "reallocate",
    "title": "LOCC orders all four Chinooks to the Meinweg",
    "reallocate": {"capability": "FBO_CH47", "units": 4, "from_crisis": "peel", "to_request": 10},
}
"""The 2020 order, as an inject for the wildfire exercises: all four Chinooks, Peel -> Meinweg."""


def with_injects(path: Path, *injects: dict[str, Any], sets: tuple[str, ...] = ()) -> Exercise:
    """An exercise file with extra injects appended (and ``--set`` overrides)."""
    data = yaml.safe_load(path.read_text("utf-8"))
    data["injects"].extend(injects)
    return load_exercise_text(
        yaml.safe_dump(data, sort_keys=False), str(path), [parse_override(x) for x in sets]
    )
