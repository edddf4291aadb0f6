"""Live sessions: ttx play scripted through the real CLI, the clock, and the real console."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from sim.exercise import load_exercise_full
from sim.runs.clock import ScenarioClock
from sim.runs.live import LiveSession
from sim.runs.session import Session

ROOT = Path(__file__).resolve().parent.parent
TTX = [sys.executable, "-m", "sim"]
TUTORIAL = ROOT / "exercises" / "tutorial.yaml"

EVERY_COMMAND = """\
# every command word once (and some twice), on the tutorial
help
@T+00:30 note The facilitator opens the exercise.
@T+01:00 pause
@T+01:00 fire 3
@T+01:00 resume
@T+01:05 speed 60
@T+01:10 delay 5 45m
@T+01:15 skip 6 the rain front is cut from this rehearsal
@T+01:20 inject {id: X1, type: information, message: Press asks about the smoke}
@T+01:21 inject {id: X2, typ: information, message: a typo}
@T+01:50 decide R001 approve FBO_CH47 2 two Chinooks, as asked
@T+01:55 inject {id: X3, type: request, request: {region: VR22, crisis: peel, route: WVR51, requester: voorzitter_VR, effect: water at Griendtsveen, tags: [wildfire], capability: FBO_CH47, quantity: 1, urgency: 1h}}
@T+03:00 decide R002 queue wait for a free Chinook
goto T+03:40
reallocate FBO_CH47-1 to R002
mobilise
@T+04:00 answer 4 We ask for fire breaks by manpower instead.
decide R999 approve
next
end
"""


def _play(tmp_path: Path, script: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*TTX, "play", str(TUTORIAL), "--out", str(tmp_path), "--no-plots", *args],
        input=script, capture_output=True, text=True, cwd=ROOT, check=False,
    )  # fmt: skip


def _folder(done: subprocess.CompletedProcess[str]) -> Path:
    return Path(done.stdout.strip().splitlines()[-1])


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_a_piped_script_plays_every_command_and_refuses_bad_lines(tmp_path: Path) -> None:
    done = _play(tmp_path, EVERY_COMMAND)
    assert done.returncode == 1, done.stderr  # two lines refused, the session went on
    assert "Traceback" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if ": error: " in line]
    assert len(errors) == 2, done.stderr
    assert errors[0].startswith("<stdin>:11: error: column 26: unknown key 'typ'")
    assert errors[1].startswith("<stdin>:19: error: no request R999")
    folder = _folder(done)
    events = _lines(folder / "events.jsonl")
    decisions = _lines(folder / "decisions.jsonl")
    notes = _lines(folder / "notes.jsonl")
    kinds = {
        (d["kind"], d["choice"].get("action") or d["choice"].get("outcome")) for d in decisions
    }
    assert {
        ("clock", "pause"), ("clock", "resume"), ("clock", "speed"), ("clock", "jump"),
        ("inject", "fire"), ("inject", "delay"), ("inject", "skip"), ("inject", "adhoc"),
        ("request", "approved"), ("request", "queued"), ("reallocation", None), ("end", "end"),
    } <= kinds  # fmt: skip
    assert any(d["kind"] == "mobilisation" and d["who"] == "players" for d in decisions)
    assert [n["kind"] for n in notes] == ["note", "answer"]
    assert notes[1]["inject"] == "4" and notes[1]["t"] == 240.0
    inject = {e["inject"]: e for e in events if e["kind"] == "inject"}
    assert inject["3"]["state"] == "fired" and inject["3"]["t"] == 60.0  # fired at the pause
    assert inject["6"]["state"] == "skipped"
    assert inject["X1"]["state"] == "fired" and "X2" not in inject  # the typo changed nothing
    assert inject["5"]["t"] == 6 * 60 + 45  # delayed by 45 minutes
    moved = [e for e in events if e["kind"] == "reallocation" and e["state"] == "ordered"]
    assert moved and moved[0]["unit"] == "FBO_CH47-1" and moved[0]["request"] == "R002"
    end = next(e for e in events if e["kind"] == "run_end")
    assert end["t"] < 30 * 60  # ended early by the facilitator
    replay = subprocess.run(
        [*TTX, "replay", str(folder)], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert replay.returncode == 0, replay.stderr
    manifest = json.loads((folder / "run.json").read_text())
    assert manifest["status"] == "complete" and manifest["players"] == "hub"


class FakeWall:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def _live(speed: float = 60.0) -> tuple[LiveSession, FakeWall]:
    loaded = load_exercise_full(TUTORIAL)
    session = Session(loaded.exercise, players=True, keep_events=True)
    session.start()
    wall = FakeWall()
    clock = ScenarioClock(speed=speed, cap=session.endex, wall=wall)
    return LiveSession(session, clock), wall


def test_after_a_pause_fire_happens_at_the_scenario_time_of_the_pause() -> None:
    live, wall = _live(speed=60.0)
    wall.t += 50 * 60 / 60  # 50 scenario minutes at 60x
    live.tick()
    assert live.submit("pause").ok
    paused_at = live.session.now
    wall.t += 3600  # an hour of wall-clock time in the pause
    live.tick()
    result = live.submit("fire 4")
    assert result.ok, result.message
    fired = [e for e in live.session.journal.events if e["kind"] == "inject" and e["inject"] == "4"]
    assert fired[0]["t"] == paused_at == 50.0
    assert live.submit("resume").ok
    wall.t += 1  # one wall second at 60x: one scenario minute
    live.tick()
    assert live.session.now == pytest.approx(51.0)  # the pause did not shift scenario time
    pauses = [e for e in live.session.journal.events if e["kind"] == "clock"]
    assert [e["state"] for e in pauses] == ["pause", "resume"]
    assert pauses[0]["t"] == pauses[1]["t"] == 50.0


def test_a_speed_change_mid_run_changes_the_pace_from_then_on() -> None:
    live, wall = _live(speed=60.0)
    wall.t += 60  # one wall minute: one scenario hour
    live.tick()
    assert live.session.now == pytest.approx(60.0)
    assert live.submit("speed 600").ok
    wall.t += 6  # six wall seconds at 600x: one more scenario hour
    live.tick()
    assert live.session.now == pytest.approx(120.0)
    view = live.view()
    assert view.clock.speed == 600 and not view.clock.paused
    assert live.submit("speed 0").ok is False  # refused with a line; the session goes on


def test_typed_commands_that_make_no_sense_change_nothing() -> None:
    live, _wall = _live()
    assert live.submit("goto T+00:30").ok
    before = len(live.session.log)
    for line in ("decide R001 approve", "fire 99", "skip", "reallocate FBO_CH47-1 to R001",
                 "delay 4 30m", "goto T+00:10", "inject {type: escalate, crisis: nope}", "answer 77 hi"):  # fmt: skip
        result = live.submit(line)
        assert not result.ok, line
        assert result.message and "\n" not in result.message
    assert len(live.session.log) == before
    assert live.submit("note still here").ok


def test_the_view_shows_a_request_awaiting_the_players_with_options_and_advice() -> None:
    live, _wall = _live()
    assert live.submit("goto T+03:00").ok
    view = live.view()
    assert [p.key for p in view.pending] == ["R001"]
    pending = view.pending[0]
    assert pending.region == "VR22" and pending.crisis_level == "GRIP2"
    advice = pending.advice
    assert (advice.policy, advice.outcome, advice.units, advice.capability) == (
        "priority",
        "approved",
        2,
        "FBO_CH47",
    )
    chinook = next(o for o in pending.options if o.capability == "FBO_CH47")
    assert chinook.free == 4 and chinook.needed == 2 and chinook.eta_min > 0
    board = {row.capability for row in view.units}
    assert {"FBO_CH47", "FBO_GROUND"} <= board and "KMAR" not in board
    assert all("{" not in (i.trigger or "") for i in view.injects_next)


def test_the_real_console_decides_a_request() -> None:
    """The console over the real session (not a fake): typed lines reach the world."""
    import asyncio

    from sim.console import ConsoleApp

    live, _wall = _live()
    seen: dict[str, str] = {}

    async def drive() -> None:
        app = ConsoleApp(live, "en", tick=0.05)
        async with app.run_test(size=(200, 50)) as pilot:
            for line in ("goto T+03:00", "decide R001 approve"):
                app.prompt.value = line
                await pilot.press("enter")
                await pilot.pause()
                seen[line] = app.status_text
            seen["pending"] = app.pending.text
            seen["board"] = app.board.text

    asyncio.run(drive())
    assert "R001: approved 2 x FBO_CH47" in seen["decide R001 approve"]
    assert "No request awaits a decision." in seen["pending"]
    lines = live.session.log.lines
    assert lines[-1]["kind"] == "request" and lines[-1]["who"] == "players"
    assert lines[-1]["t"] == 180.0


def test_a_session_driven_by_a_wall_clock_replays_byte_for_byte(tmp_path: Path) -> None:
    """Ticks and commands at irregular wall-clock moments; replaying decisions.jsonl alone gives
    the same journal (the ticks leave no trace)."""
    import io
    import random

    from sim.decisionlog import read_decisions

    loaded = load_exercise_full(ROOT / "exercises" / "wildfires-unclear.yaml")
    events, log = io.StringIO(), io.StringIO()
    session = Session(loaded.exercise, players=True, events=events, decisions=log)
    session.start()
    wall = FakeWall()
    live = LiveSession(session, ScenarioClock(speed=600.0, cap=session.endex, wall=wall))
    rng = random.Random(3)
    while not live.finished:
        wall.t += rng.uniform(0.05, 2.0)
        live.tick()
        for q in list(live.session.decider.questions.values()):  # type: ignore[attr-defined]
            if rng.random() < 0.3:
                assert live.submit(f"decide {q.request.id} queue not yet").ok
            elif rng.random() < 0.5:
                live.submit(f"decide {q.request.id} approve")  # may not fit: refused, fine
        if rng.random() < 0.02:
            live.submit("pause")
            wall.t += 30
            live.submit("resume")
    path = tmp_path / "decisions.jsonl"
    path.write_text(log.getvalue())
    lines = read_decisions(path)
    assert sum(line["who"] == "players" for line in lines) >= 10
    again = io.StringIO()
    replay = Session(loaded.exercise, players=True, recorded=lines, events=again)
    replay.play_recorded()
    replay.finish()
    assert again.getvalue() == events.getvalue()


def test_function_keys_start_every_action_at_the_prompt() -> None:
    """Every action is reachable by a key: F2 starts a decision on the first request awaiting
    the players, Enter after the rest of the line sends it."""
    import asyncio

    from sim.console import ConsoleApp

    live, _wall = _live()
    seen: dict[str, str] = {}

    async def drive() -> None:
        app = ConsoleApp(live, "en", tick=0.05)
        async with app.run_test(size=(200, 50)) as pilot:
            app.prompt.value = "goto T+03:00"
            await pilot.press("enter")
            await pilot.pause()
            for key in ("f3", "f4", "f5", "f6", "f7", "f8", "f9", "f10", "f11", "f12", "f2"):
                await pilot.press(key)
                await pilot.pause()
                seen[key] = app.prompt.value
            await pilot.press(*"approve")
            await pilot.press("enter")
            await pilot.pause()
            seen["status"] = app.status_text
            app.prompt.value = "goto T+04:00"  # the decision point fires once the crew is out
            await pilot.press("enter")
            await pilot.pause()
            await pilot.press("f9")
            await pilot.pause()
            seen["f9 later"] = app.prompt.value

    asyncio.run(drive())
    assert seen["f2"] == "decide R001 "
    assert [seen[k].split()[0] for k in ("f3", "f4", "f5", "f6", "f7", "f8", "f10", "f11", "f12")] == [
        "fire", "skip", "delay", "inject", "reallocate", "mobilise", "note", "goto", "end",
    ]  # fmt: skip
    assert seen["f9"] == "answer "  # no decision point has fired yet
    assert seen["f9 later"] == "answer 4 "  # the decision point that fired
    assert "R001: approved" in seen["status"]
