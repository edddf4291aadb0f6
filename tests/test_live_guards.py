"""What a facilitator's slip must not do: answer a request twice, end the exercise by a goto
past ENDEX, call a grant of all units partial, answer an inject nobody received, or send a
resumed session back in time when it is killed again before the clock moved."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from sim.exercise import load_exercise, load_exercise_full
from sim.runs.live import LiveSession
from sim.runs.play import new_session, resume_session
from sim.runs.session import Session

ROOT = Path(__file__).resolve().parent.parent
TUTORIAL = ROOT / "exercises" / "tutorial.yaml"


def _live() -> tuple[Session, LiveSession]:
    session = Session(load_exercise(TUTORIAL), players=True, keep_events=True)
    return session, LiveSession(session)


def test_a_request_answered_a_moment_ago_is_not_answered_again() -> None:
    session, live = _live()
    assert live.submit("goto T+02:50").ok
    assert live.submit("decide R001 approve FBO_CH47 2").ok
    again = live.submit("decide R001 deny changed our mind")
    assert not again.ok and again.message.startswith("R001 has been answered already")
    assert [d["kind"] for d in session.log.lines] == ["clock", "request"]  # nothing written
    assert live.submit("goto T+03:00").ok
    assert "it is tasked" in live.submit("decide R001 deny").message


def test_a_goto_past_endex_is_refused_and_the_session_goes_on() -> None:
    session, live = _live()
    slip = live.submit("goto T+40:00")
    assert not slip.ok and "is after ENDEX (T+30:00)" in slip.message
    assert not session.finished and session.now == 0.0
    assert live.submit("goto T+30:00").ok and session.finished  # to ENDEX itself: asked for


def test_partial_grants_fewer_than_asked_and_substitute_another_capability() -> None:
    _, live = _live()
    live.submit("goto T+02:50")
    assert (
        "partial grants fewer than the 2 x FBO_CH47" in live.submit("decide R001 partial").message
    )
    assert not live.submit("decide R001 partial FBO_CH47 3").ok
    assert "another capability" in live.submit("decide R001 substitute").message
    assert "another capability" in live.submit("decide R001 substitute FBO_CH47 2").message
    done = live.submit("decide R001 partial FBO_CH47 1")
    assert done.ok and done.message == "R001: partial 1 x FBO_CH47"


def test_only_an_inject_that_reached_the_players_is_answered() -> None:
    session, live = _live()
    early = live.submit("answer 4 we would ask for manpower")
    assert not early.ok and "has not reached the players" in early.message
    assert not session.notes.lines
    assert live.submit("fire 4").ok
    assert live.submit("answer 4 we ask for manpower").ok


def test_a_resume_killed_again_before_the_clock_moved_starts_where_it_did(tmp_path: Path) -> None:
    loaded = load_exercise_full(TUTORIAL)
    folder, session = new_session(loaded, tmp_path, players=True, speed=60.0, command=["ttx"])
    session.advance(298.0)  # the clock ran on: no line in decisions.jsonl or notes.jsonl
    folder.close_streams()  # killed: every event is on disk already
    events = (folder.path / "events.jsonl").read_text().splitlines()
    last = json.loads(events[-1])["t"]  # the last moment the folder knows of
    moments = []
    for _ in range(2):  # resumed and killed again at once, twice
        resumed = resume_session(folder.path)
        moments.append(resumed.session.now)
        resumed.folder.close_streams()
    again = (folder.path / "events.jsonl").read_text().splitlines()
    # the first resume stops before the events due at that moment (they happen once the clock
    # moves on), so its file ends earlier; the second must not start from that earlier event
    assert len(again) < len(events) and json.loads(again[-1])["t"] < last
    assert moments == [last, last]
    assert json.loads((folder.path / "run.json").read_text())["live"]["resumed_at"] == last


def test_an_adhoc_inject_keeps_its_time_trigger_or_manual() -> None:
    """Typed with a time it fires then (it used to fire at once, whatever it said); a past
    time is refused; a manual one waits for ``fire``."""
    session, live = _live()
    live.submit("goto T+01:00")
    later = live.submit("inject {id: X5, type: information, title: Later, time: T+02:00}")
    assert later.ok and later.message == "inject X5 (information) added, due at T+02:00"
    past = live.submit("inject {id: X6, type: information, title: Gone, time: T+00:30}")
    assert not past.ok and "is in the past" in past.message
    held = live.submit("inject {id: X7, type: information, title: Held, manual: true}")
    assert held.ok and held.message.endswith("fire X7 plays it")

    def fired(inject: str) -> list[float]:
        return [
            e["t"]
            for e in session.journal.events
            if e["kind"] == "inject" and e["inject"] == inject and e["state"] == "fired"
        ]

    assert fired("X5") == [] and fired("X7") == []
    live.submit("goto T+02:30")
    assert fired("X5") == [120.0] and fired("X7") == []
    assert live.submit("fire X7").ok and fired("X7") == [150.0]
    assert "X6" not in session.world.injects.by_id
    after = live.submit(
        "inject {id: X8, type: information, title: Then, trigger: {after: 3, delay: 60m}}"
    )
    assert (
        after.message == "inject X8 (information) added, due at T+03:00"
    )  # inject 3 fired at T+02:00
    never = live.submit("inject {id: X9, type: information, title: Never, time: T+40:00}")
    assert not never.ok and "is after ENDEX" in never.message
    live.submit("delay 6 20h")  # the rain front, due at T+20:00, now after ENDEX
    live.submit("goto T+20:30")
    assert "no scheduled inject ahead" in live.submit("next").message and not session.finished


def test_a_session_with_timed_and_manual_adhoc_injects_replays_byte_for_byte(
    tmp_path: Path,
) -> None:
    import subprocess
    import sys

    script = tmp_path / "a.script"
    script.write_text(
        "@T+01:00 inject {id: X5, type: information, title: Later, time: T+02:00}\n"
        "@T+01:10 inject {id: X7, type: information, title: Held, manual: true}\n"
        "@T+03:00 fire X7\n@T+04:00 end\n",
        encoding="utf-8",
    )
    ttx = [sys.executable, "-m", "sim"]
    run = [
        *ttx,
        "play",
        str(TUTORIAL),
        "--script",
        str(script),
        "--out",
        str(tmp_path),
        "--no-plots",
    ]
    done = subprocess.run(run, capture_output=True, text=True, cwd=ROOT, check=False)
    assert done.returncode == 0, done.stderr
    folder = done.stdout.strip().splitlines()[-1]
    again = subprocess.run([*ttx, "replay", folder], capture_output=True, text=True, cwd=ROOT)
    assert again.returncode == 0 and "identical" in again.stdout + again.stderr


def test_a_resumed_console_log_shows_what_was_done_before_the_crash(tmp_path: Path) -> None:
    loaded = load_exercise_full(TUTORIAL)
    folder, session = new_session(loaded, tmp_path, players=True, speed=60.0, command=["ttx"])
    live = LiveSession(session)
    typed = [
        "speed 120",
        "goto T+01:00",
        "note STARTEX",
        "goto T+02:50",
        "decide R001 approve FBO_CH47 2 go",
    ]
    replies = [live.submit(line) for line in typed]
    assert all(r.ok for r in replies)
    before = list(live.messages)
    folder.close_streams()  # killed
    for lang in ("en", "nl"):
        resumed = resume_session(folder.path)
        again = LiveSession(resumed.session, lang=lang, history=resumed.history)
        log = list(again.messages)
        resumed.folder.close_streams()
        if lang == "en":
            # every reply as it was given, a note with its text, then where it was taken up
            assert log[:2] == before[:2] and log[2] == "T+01:00 note: STARTEX"
            assert log[3:5] == before[3:5]
            assert log[5].endswith("resumed from the folder (recorded lines: 4, notes: 1)")
            assert len(log) == 6
        else:
            assert log[2] == "T+01:00 notitie: STARTEX" and "hervat uit de map" in log[-1]


def test_tab_offers_only_what_the_command_can_take_now() -> None:
    _, live = _live()
    assert live.completions("answer ") == []  # nothing has reached the players yet
    live.submit("goto T+02:50")
    assert live.completions("decide ") == ["decide R001"]
    fired = live.completions("answer ")
    assert fired and all(live.submit(f"{line} noted").ok for line in fired)
    live.submit("decide R001 approve FBO_CH47 2")
    assert live.completions("decide ") == []  # answered: no longer awaiting the players


def test_the_debrief_is_written_beside_the_console_and_said_when_done(tmp_path: Path) -> None:
    from sim.runs.debriefwriter import DebriefWriter

    loaded = load_exercise_full(TUTORIAL)
    folder, session = new_session(loaded, tmp_path, players=True, speed=60.0, command=["ttx"])
    started = threading.Event()
    release = threading.Event()

    def write() -> None:
        started.set()
        release.wait(30)  # the console's thread must not wait for this
        folder.complete(loaded, plots=False, lang="en", events=len(session.journal))

    writer = DebriefWriter(write, str(folder.path))
    live = LiveSession(session, on_finish=writer.start)
    writer.tell = live.tell
    assert live.submit("end").ok and session.finished
    assert started.wait(10) and writer.running
    assert "T+00:00 writing the debrief (KPI tables, timeline, report)…" in live.messages
    assert live.submit("note still answering while it writes").ok
    release.set()
    writer.join()
    assert live.messages[-1] == f"T+00:00 debrief written: {folder.path}"
    assert json.loads((folder.path / "run.json").read_text())["status"] == "complete"
    # a note at the hot wash, after the debrief was written, is kept (its file stays open)
    assert live.submit("note hot wash: the players wanted the NATO picture earlier").ok
    notes = (folder.path / "notes.jsonl").read_text().splitlines()
    assert [json.loads(n)["text"] for n in notes][-1].startswith("hot wash")
    folder.close_streams()


def test_a_debrief_that_fails_says_so_in_the_log(tmp_path: Path) -> None:
    from sim.runs.debriefwriter import DebriefWriter

    _, live = _live()

    def write() -> None:
        raise OSError("disk full")

    writer = DebriefWriter(write, str(tmp_path))
    live.on_finish = writer.start
    writer.tell = live.tell
    live.submit("end")
    writer.join()
    assert "T+00:00 error: debrief: OSError: disk full" in live.messages


def test_a_debrief_that_cannot_be_drawn_leaves_a_complete_run_that_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sim.analysis.render as render
    from sim.runs.livefolder import DebriefNotDrawn

    loaded = load_exercise_full(TUTORIAL)
    folder, session = new_session(loaded, tmp_path, players=True, speed=60.0, command=["ttx"])
    live = LiveSession(session)
    live.submit("goto T+03:00")
    live.submit("end")

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("no fonts")

    monkeypatch.setattr(render, "render_loaded", broken)
    with pytest.raises(DebriefNotDrawn, match="RuntimeError: no fonts"):
        folder.complete(loaded, plots=True, lang="en", events=len(session.journal))
    manifest = json.loads((folder.path / "run.json").read_text())
    assert (
        manifest["status"] == "complete" and manifest["debrief_error"] == "RuntimeError: no fonts"
    )
    assert folder.tables is not None and (folder.path / "kpi_summary.csv").is_file()
    folder.close_streams()


def test_a_session_ended_at_startex_still_gets_its_debrief(tmp_path: Path) -> None:
    script = tmp_path / "end.script"
    script.write_text("end\n")
    args = ["play", str(TUTORIAL), "--script", str(script), "--out", str(tmp_path)]
    done = subprocess.run(
        [sys.executable, "-m", "sim", *args],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    folder = Path(done.stdout.strip().splitlines()[-1])
    assert (folder / "timeline.png").is_file() and (folder / "report.html").is_file()
    assert "debrief_error" not in json.loads((folder / "run.json").read_text())
    pages = subprocess.run(
        [sys.executable, "-m", "sim", "plot", str(folder), "--preset", "projector"],
        capture_output=True,
        text=True,
        check=False,
    )  # the projector deck of the same run: one-minute pages, as the timeline
    assert pages.returncode == 0, pages.stderr
    assert (folder / "projector-01-injects.png").is_file()
    from sim.analysis.timeline import draw_timeline
    from sim.journal import read_events

    figure = draw_timeline(read_events(folder / "events.jsonl"))
    legends = {
        legend.get_title().get_text(): [text.get_text() for text in legend.get_texts()]
        for ax in figure.axes
        if (legend := ax.get_legend()) is not None
    }
    assert legends["Hub queue"] == ["total waiting"]  # no title over nothing: nobody waited
