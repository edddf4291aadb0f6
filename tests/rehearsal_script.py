"""Write a rehearsal script: a players' session where every request is decided as advised.

The rehearsal scripts under ``exercises/rehearsals/`` are whole sessions (the players decide
every request at the hub some minutes after it reaches them, as the policy advises). They
follow the model: when the model changes, the requests and their numbers change, and the old
script is refused line by line. Regenerate one with

    .venv/bin/python -m tests.rehearsal_script exercises/river-flood.yaml --delay 40 \\
        --head exercises/rehearsals/river-flood.script > /tmp/new.script

which keeps the old script's comment header and its ``note``/``speed`` lines and writes fresh
``decide`` lines; ``tests/test_play_resume.py`` then plays and replays it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sim.exercise import load_exercise_full
from sim.exercise.times import format_t
from sim.runs.actions import decide
from sim.runs.session import Session

ACTION = {"approved": "approve", "partial": "partial", "substitute": "substitute",
          "queued": "queue", "denied": "deny"}  # fmt: skip


def decide_lines(path: Path, delay: float) -> list[tuple[float, str]]:
    """(time, command line) of each decision, answered ``delay`` minutes after it was asked."""
    loaded = load_exercise_full(path)
    session = Session(loaded.exercise, players=True)
    session.start()
    lines: list[tuple[float, str]] = []
    t = 0.0
    while t < session.endex:
        t = min(t + 1.0, session.endex)
        session.advance(t)
        decider = session.decider
        for key, q in list(decider.questions.items()):  # type: ignore[attr-defined]
            if session.now < q.asked + delay:
                continue
            advice = decider.advise(q.request, session.world.hub.view(q.request))  # type: ignore[attr-defined]
            decide(
                session, key, advice.outcome, advice.capability, advice.units or None, "as advised"
            )
            words = [key, ACTION[advice.outcome]]
            if advice.capability and advice.outcome in ("approved", "partial", "substitute"):
                words += [advice.capability, str(advice.units)]
            lines.append(
                (session.now, f"@{format_t(session.now)} decide {' '.join(words)} as advised")
            )
    session.finish()
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("exercise", type=Path)
    parser.add_argument("--delay", type=float, default=40.0, help="minutes before each answer")
    parser.add_argument("--head", type=Path, help="an old script: keep its comments and notes")
    args = parser.parse_args()
    kept: list[tuple[float, str]] = []
    header: list[str] = []
    if args.head is not None:
        from sim.exercise.times import parse_scenario_time as parse_time

        for line in args.head.read_text(encoding="utf-8").splitlines():
            if line.startswith("#"):
                header.append(line)
            elif line.startswith("@") and " decide " not in line:
                at, _, _ = line.partition(" ")
                kept.append((parse_time(at[1:]), line))
    lines = sorted(kept + decide_lines(args.exercise, args.delay), key=lambda x: x[0])
    sys.stdout.write("\n".join(header + [line for _, line in lines]) + "\n")


if __name__ == "__main__":
    main()
