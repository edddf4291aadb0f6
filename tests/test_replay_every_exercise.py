"""Every example exercise, every policy, two seeds: a batch run played back from its own
decisions.jsonl gives the same journal and the same decision log, byte for byte."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from sim.exercise import load_exercise_full, parse_override
from sim.runs.session import Session

ROOT = Path(__file__).resolve().parent.parent
EXERCISES = sorted((ROOT / "exercises").glob("*.yaml"))


@pytest.mark.slow
@pytest.mark.parametrize("path", EXERCISES, ids=[p.stem for p in EXERCISES])
def test_a_batch_run_replays_from_its_decisions(path: Path) -> None:
    for policy in ("fifo", "priority", "fair-share"):
        for seed in (1, 2):
            loaded = load_exercise_full(
                path,
                [parse_override(f"hub.policy={policy}"), parse_override(f"exercise.seed={seed}")],
            )
            events, log = io.StringIO(), io.StringIO()
            batch = Session(loaded.exercise, events=events, decisions=log)
            batch.start()
            batch.finish()
            lines = [json.loads(line) for line in log.getvalue().splitlines()]
            assert lines, (policy, seed)
            events2, log2 = io.StringIO(), io.StringIO()
            again = Session(loaded.exercise, recorded=lines, events=events2, decisions=log2)
            again.play_recorded()
            again.finish()
            assert events2.getvalue() == events.getvalue(), (policy, seed)
            assert log2.getvalue() == log.getvalue(), (policy, seed)
