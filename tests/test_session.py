"""The session spine: the world's life cycle, deferred decisions, decisions.jsonl, replay."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from sim.exercise import load_exercise_full, parse_override
from sim.runs.session import Session
from tests.sessionhelpers import answer_late, record_players_session

ROOT = Path(__file__).resolve().parent.parent
TTX = [sys.executable, "-m", "sim"]


def _journal(session: Session) -> str:
    return session.journal.text()


@pytest.mark.parametrize(
    ("name", "policy"),
    [("tutorial", "priority"), ("river-flood", "fifo"), ("national-stress-test", "fair-share")],
)
def test_advancing_in_steps_gives_the_same_journal_as_one_run(name: str, policy: str) -> None:
    loaded = load_exercise_full(
        ROOT / "exercises" / f"{name}.yaml", [parse_override(f"hub.policy={policy}")]
    )
    whole = Session(loaded.exercise, keep_events=True)
    whole.world.run()
    stepped = Session(loaded.exercise, keep_events=True)
    stepped.start()
    t = 0.0
    while t < stepped.endex:
        t += 7.0
        stepped.advance(t)
    stepped.finish()
    assert _journal(stepped) == _journal(whole)
    assert len(whole.journal) > 50


def test_deferred_decisions_wait_while_the_world_runs_on() -> None:
    """Every decision waits for the players; the crises escalate meanwhile; each decision is
    journaled at the scripted time, not when it was asked."""
    loaded = load_exercise_full(ROOT / "exercises" / "river-flood.yaml")
    session = Session(loaded.exercise, players=True, keep_events=True)
    answered = answer_late(session, delay=120.0)
    events = session.journal.events
    assert len(answered) >= 20
    assert sum(1 for a in answered if a[0]) > len(answered) * 0.9
    awaiting = {
        (e["request"], e["t"])
        for e in events
        if e["kind"] == "request" and e["state"] == "awaiting_decision"
    }
    decisions = {(e["request"], e["t"]): e for e in events if e["kind"] == "decision"}
    reopened = {
        (e["request"], e["t"])
        for e in events
        if e["kind"] == "request" and e["state"] == "reopened"
    }
    escalated_while_waiting = busy = checked = 0
    for key, asked, done in answered:
        assert (key, asked) in awaiting
        assert done >= asked + 120.0
        if (key, done) in reopened:  # a unit went elsewhere at that very moment: asked again
            continue
        d = decisions[(key, done)]
        assert d["detail"]["decider"] == "players"
        between = [e for e in events if asked < e["t"] < done]
        checked += 1
        busy += bool(between)  # a quiet two hours near ENDEX may hold no event at all
        escalated_while_waiting += any(
            e["kind"] == "crisis" and e["state"] == "escalate" for e in between
        )
    assert escalated_while_waiting >= 1
    assert busy >= 0.9 * checked, "the world stood still while the players decided"
    queue = [e for e in events if e["kind"] == "queue" and "awaiting" in e["detail"]]
    assert queue and max(e["detail"]["awaiting"] for e in queue) >= 1
    lines = session.log.lines
    assert lines and all(line["who"] == "players" for line in lines if line["kind"] == "request")
    assert all(line["asked"] < line["t"] for line in lines if line["kind"] == "request")


def _replay(folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*TTX, "replay", str(folder)], capture_output=True, text=True, cwd=ROOT, check=False
    )


def test_a_players_session_replays_byte_for_byte_and_an_edit_names_its_line(
    tmp_path: Path,
) -> None:
    loaded = load_exercise_full(ROOT / "exercises" / "wildfires-unclear.yaml")
    folder = record_players_session(loaded, tmp_path, delay=90.0)
    manifest = json.loads((folder / "run.json").read_text())
    assert manifest["players"] == "hub" and manifest["status"] == "complete"
    done = _replay(folder)
    assert done.returncode == 0, done.stderr
    assert "identical" in done.stdout
    path = folder / "decisions.jsonl"
    lines = path.read_text().splitlines()
    k = next(i for i, line in enumerate(lines) if '"outcome":"approved"' in line and i > 3)
    edited = lines.copy()
    edited[k] = edited[k].replace('"outcome":"approved"', '"outcome":"denied"')
    path.write_text("\n".join(edited) + "\n")
    failed = _replay(folder)
    assert failed.returncode == 1
    assert f"decisions.jsonl line {k + 1}" in failed.stderr or (
        f"decisions.jsonl:{k + 1}:" in failed.stderr
    ), failed.stderr
    assert "Traceback" not in failed.stderr


def test_a_policy_run_replays_from_its_decisions_and_an_edit_names_its_line(
    tmp_path: Path,
) -> None:
    run = subprocess.run(
        [*TTX, "run", "exercises/wildfires-clear.yaml", "--out", str(tmp_path), "--no-plots"],
        capture_output=True, text=True, cwd=ROOT, check=True,
    )  # fmt: skip
    folder = Path(run.stdout.strip().splitlines()[-1])
    path = folder / "decisions.jsonl"
    lines = path.read_text().splitlines()
    assert all(json.loads(line)["who"].startswith(("policy:", "rule:")) for line in lines)
    assert _replay(folder).returncode == 0
    k = len(lines) // 2
    edited = lines.copy()
    record = json.loads(edited[k])
    record["t"] += 0.5
    record["asked"] = record["t"]
    edited[k] = json.dumps(record, sort_keys=True, separators=(",", ":"))
    path.write_text("\n".join(edited) + "\n")
    failed = _replay(folder)
    assert failed.returncode == 1
    assert f"decisions.jsonl:{k + 1}: error:" in failed.stderr, failed.stderr


def test_an_edited_exercise_file_is_reported_even_when_the_journal_matches(
    tmp_path: Path,
) -> None:
    run = subprocess.run(
        [*TTX, "run", "exercises/tutorial.yaml", "--out", str(tmp_path), "--no-plots"],
        capture_output=True, text=True, cwd=ROOT, check=True,
    )  # fmt: skip
    folder = Path(run.stdout.strip().splitlines()[-1])
    with open(folder / "exercise.yaml", "a", encoding="utf-8") as fh:
        fh.write("# a comment added after the run\n")
    failed = _replay(folder)
    assert failed.returncode == 1
    assert "exercise.yaml, edited since the run" in failed.stderr


def test_a_policy_switch_goes_through_the_seam_and_never_replaces_the_players() -> None:
    from sim.model.deferring import PlayersDecider
    from sim.runs.live import LiveSession

    loaded = load_exercise_full(ROOT / "exercises" / "wildfires-unclear.yaml")
    for players in (True, False):
        session = Session(loaded.exercise, players=players, keep_events=True)
        live = LiveSession(session)
        decider = session.decider
        result = live.submit("@T+00:30 inject {type: hub_change, hub: {policy: fifo}}")
        assert result.ok, result.message
        assert session.decider is decider  # the same decider, switched through the seam
        assert decider.policy == "fifo"
        assert isinstance(decider, PlayersDecider) is players
        live.submit("goto T+12:00")
        decided = [e for e in session.journal.events if e["kind"] == "decision"]
        if players:
            assert live.view().pending[0].advice.policy == "fifo"  # the advisor switched
        else:
            assert decided and {e["detail"]["decider"] for e in decided} == {"fifo"}
        switch = [e for e in session.journal.events if e["kind"] == "hub"]
        assert switch and switch[0]["detail"] == {"policy": "fifo"}
