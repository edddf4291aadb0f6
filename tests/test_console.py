"""The facilitator console driven headless with Textual's pilot, asserting what is on screen.

The session is ``FakeSession`` (tests/fake_session.py) over the real tutorial exercise and a real
``ScenarioClock`` on a fake wall clock, so every reading is exact.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from fake_session import CannedSession, FakeSession
from textual.widgets import Static

from sim.console.app import ConsoleApp
from sim.console.widgets.helpscreen import HelpScreen
from sim.exercise.loader import load_exercise
from sim.exercise.models import Exercise
from sim.runs.commands import USAGE
from sim.runs.view import (
    AdviceView,
    ClockView,
    CommandResult,
    InjectView,
    MobilisationView,
    OptionView,
    PendingView,
    RegionView,
    SessionView,
    UnitBoardRow,
)

ROOT = Path(__file__).resolve().parents[1]
SIZE = (180, 50)


class Wall:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture(scope="module")
def tutorial() -> Exercise:
    return load_exercise(ROOT / "exercises" / "tutorial.yaml")


def drive(
    session: Any,
    script: Callable[[ConsoleApp, Any], Awaitable[None]],
    lang: str = "en",
    size: tuple[int, int] = SIZE,
) -> ConsoleApp:
    """Run the console headless with ``script(app, pilot)`` and return the app afterwards."""
    app = ConsoleApp(session, lang, tick=0.05)

    async def main() -> None:
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await script(app, pilot)

    asyncio.run(main())
    return app


async def type_line(pilot: Any, line: str, *, by_key: bool = False) -> None:
    """Enter a line at the prompt: key by key, or pasted whole (fast; the same submit path)."""
    if by_key:
        await pilot.press(*["space" if ch == " " else ch for ch in line])
    else:
        pilot.app.prompt.value = line
    await pilot.press("enter")
    await pilot.pause()


def at_request(tutorial: Exercise) -> FakeSession:
    """The tutorial at T+02:10, paused: inject 3 has put request R001 before the players."""
    session = FakeSession(tutorial, wall=Wall())
    assert session.submit("goto T+02:10").ok
    return session


def test_everything_needed_is_on_screen(tutorial: Exercise) -> None:
    async def script(app: ConsoleApp, pilot: Any) -> None:
        clock = app.clock_bar.text
        assert "T+02:10" in clock and "2026-04-20 14:55" in clock and "PAUSED" in clock
        assert "×60" in clock and "ENDEX T+30:00" in clock and "advice: priority" in clock
        pending = app.pending.text
        for fact in (
            "R001",
            "VR22 Brabant-Zuidoost",
            "crisis peel GRIP2",
            "asked T+02:00 (10m)",
            "route WVR51",
            "requester voorzitter_VR",
            "urgency 3h00m",
            "priority 12.5",
            "effect: Water drops at the fire front north of Helenaveen",
            "tags: wildfire · quantity 2 units",
            "▶ FBO_CH47 Chinook fire bucket (CH-47F)\n    free 4 · needed 2 · ETA on scene 4h00m",
            "  FBO_COUGAR Cougar fire bucket (AS532)\n    free 2 · needed 1 · ETA on scene 4h00m",
            "advice: priority: approved 2 x FBO_CH47 (the first option)",
        ):
            assert fact in pending, fact
        injects = app.injects.text
        assert "5 T+06:00 in 3h50m\nRegional TV live from the fire" in injects
        assert "4 when triggered (when condition)\nNo free ground crew" in injects
        assert "from Voorzitter VR Brabant-Zuidoost · to LOCC · by digital request form" in injects
        assert "expected: LOCC tests the route and capacity" in injects
        assert injects.index("Request for fire-bucket") < injects.index("Fire reported")
        board = app.board.text.splitlines()
        assert board[0] == "Units free mob. transit scene return rest MT1"
        assert "FBO_CH47 4 0 0 0 0 0 0" in board
        assert "VR22 Brabant-Zuidoost GRIP2 peel GRIP2" in board
        assert "T+02:00 inject 3 Request for fire-bucket helicopters" in app.log_panel.text

    drive(at_request(tutorial), script)


def test_a_typed_decision_shows_at_once(tutorial: Exercise) -> None:
    session = at_request(tutorial)

    async def script(app: ConsoleApp, pilot: Any) -> None:
        await type_line(pilot, "decide R001 approve FBO_CH47 2 front near Helenaveen")
        assert app.status_text == "✔ R001: approve"
        assert "No request awaits a decision." in app.pending.text
        assert "FBO_CH47 2 0 0 2 0 0 0" in app.board.text.splitlines()

    drive(session, script)
    ((t, decision),) = session.decisions
    assert t == 130.0 and decision.reason == "front near Helenaveen" and decision.units == 2


def test_an_error_is_a_red_line_with_a_caret_and_the_session_goes_on(tutorial: Exercise) -> None:
    session = at_request(tutorial)

    async def script(app: ConsoleApp, pilot: Any) -> None:
        await type_line(pilot, "inject {typ: information}", by_key=True)
        lines = app.status_text.splitlines()
        assert lines[0] == "inject {typ: information}"
        assert lines[1] == " " * 8 + "^ column 9: unknown key 'typ'; did you mean 'type'?"
        assert "Press at the gate" not in app.injects.text  # nothing applied
        await type_line(pilot, "decide R009 deny")
        assert app.status_text == "✘ no request 'R009' awaits a decision"
        long = "note " + "x" * 4_200  # longer than the screen: the message, not the echo
        await type_line(pilot, long)
        assert app.status_text.startswith("✘ column 4001: a command of 4,205 characters")
        await type_line(pilot, "inject {type: information, title: Press at the gate}")
        assert app.status_text == "✔ inject adhoc-1 added"
        assert "adhoc-1 T+02:10 Press at the gate" in app.injects.text

    drive(session, script)


def test_keys_drive_the_clock_and_letters_still_type(tutorial: Exercise) -> None:
    session = at_request(tutorial)

    async def script(app: ConsoleApp, pilot: Any) -> None:
        await pilot.press("space")  # empty prompt: Space resumes
        await pilot.pause()
        assert not session.clock.paused and "RUNNING" in app.clock_bar.text
        await pilot.press("plus")
        await pilot.pause()
        assert session.clock.speed == 120 and "×120" in app.clock_bar.text
        await pilot.press("minus", "minus")
        await pilot.pause()
        assert session.clock.speed == 30
        await pilot.press("space")
        await pilot.pause()
        assert session.clock.paused and "PAUSED" in app.clock_bar.text
        await type_line(pilot, "note n + -", by_key=True)  # keys go into a started line
        assert session.notes == [(130.0, "n + -")]
        assert session.clock.speed == 30 and session.clock.paused
        await pilot.press("escape", "n")  # off the prompt, n is the next inject
        await pilot.pause()
        assert session.clock.now() == 360.0
        assert "5 T+06:00 Regional TV live from the fire" in app.injects.text
        await pilot.press("ctrl+n")  # and from anywhere
        await pilot.pause()
        assert session.clock.now() == 1200.0
        await pilot.press("escape", "f", "i")  # typing goes back to the prompt
        assert app.prompt.has_focus and app.prompt.value == "fi"

    drive(session, script)


def test_completion_and_history(tutorial: Exercise) -> None:
    session = at_request(tutorial)

    async def script(app: ConsoleApp, pilot: Any) -> None:
        await pilot.press("d", "e", "tab")
        assert app.prompt.value == "de"  # decide and delay: both shown, nothing guessed
        assert "decide" in str(app.status.render()) and "delay" in str(app.status.render())
        await pilot.press("c", "tab")
        assert app.prompt.value == "decide "
        await pilot.press("tab")
        assert app.prompt.value == "decide R001 "
        await pilot.press("a", "tab", "F", "tab")
        assert app.prompt.value == "decide R001 approve FBO_"
        await pilot.press("ctrl+u")
        await type_line(pilot, "note first")
        await type_line(pilot, "note second")
        await pilot.press("up")
        assert app.prompt.value == "note second"
        await pilot.press("up", "up")
        assert app.prompt.value == "note first"
        await pilot.press("down", "down")
        assert app.prompt.value == ""

    drive(session, script)


def test_a_decision_point_asks_for_the_answer_and_shows_it(tutorial: Exercise) -> None:
    async def script(app: ConsoleApp, pilot: Any) -> None:
        await type_line(pilot, "fire 4")
        assert "awaiting the players' answer: answer 4 ..." in app.injects.text
        await type_line(pilot, "answer 4 ask for fire breaks by manpower")
        assert app.status_text == "✔ answer to 4 recorded"
        assert "answer: ask for fire breaks by manpower" in app.injects.text
        assert "awaiting the players' answer" not in app.injects.text
        await type_line(pilot, "answer 5 too early")
        assert app.status_text == "✘ '5' is not a fired decision point"

    drive(at_request(tutorial), script)


def test_help_lists_every_command(tutorial: Exercise) -> None:
    async def script(app: ConsoleApp, pilot: Any) -> None:
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        shown = app.screen.query_one("#help-table", Static).render()
        for word, usage in USAGE.items():
            assert f"{usage}\n    {app.lab(f'help.{word}')}" in str(shown)
        assert "speed X" in app.export_screenshot().replace("&#160;", " ")
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)
        await type_line(pilot, "help delay")
        assert app.status_text == "✔ delay INJECT DURATION — Move a pending inject later."

    drive(at_request(tutorial), script)


def test_dutch_labels(tutorial: Exercise) -> None:
    async def script(app: ConsoleApp, pilot: Any) -> None:
        assert "GEPAUZEERD" in app.clock_bar.text and "klok" in app.clock_bar.text
        assert "spelers besluiten (advies: priority)" in app.clock_bar.text
        assert app.pending.text.startswith("Bijstandsverzoeken wachtend op besluit")
        assert "grondslag WVR51 · aanvrager voorzitter_VR" in app.pending.text
        assert (
            app.board.text.splitlines()[0] == "Eenheden vrij gereed onderw. ter pl. terug rust HT1"
        )
        assert (
            "T+06:00 over 3h50m\nRegional TV" in app.injects.text
            and "Ingespeelde injects" in app.injects.text
        )

    drive(at_request(tutorial), script, lang="nl")


def test_the_timer_ticks_the_session_and_the_screen_follows(tutorial: Exercise) -> None:
    wall = Wall()
    session = FakeSession(tutorial, wall=wall, speed=600, paused=False)

    async def script(app: ConsoleApp, pilot: Any) -> None:
        wall.t = 12.0  # 120 scenario minutes at ×600
        await pilot.pause(0.3)
        assert "T+02:00" in app.clock_bar.text
        assert "R001" in app.pending.text  # inject 3 fired by the tick, its request shown
        assert session.ticks >= 2

    drive(session, script)


def test_end_shows_endex(tutorial: Exercise) -> None:
    async def script(app: ConsoleApp, pilot: Any) -> None:
        await type_line(pilot, "end")
        assert app.status_text.startswith("✔ ENDEX ends the exercise now and cannot be undone")
        assert not app.handle.finished
        await type_line(pilot, "note not yet")  # anything else in between cancels it
        await type_line(pilot, "end")
        assert not app.handle.finished
        await type_line(pilot, "end")
        assert app.handle.finished
        await pilot.pause(0.15)
        assert "ENDEX" in app.clock_bar.text
        assert "The exercise has ended (ENDEX)" in app.status_text

    drive(at_request(tutorial), script)


class Broken:
    """A session whose world fails: the console must say so and stay up."""

    def __init__(self, inner: FakeSession) -> None:
        self.inner = inner
        self.finished = False

    def view(self) -> Any:
        return self.inner.view()

    def tick(self) -> None:
        raise RuntimeError("world fell over")

    def submit(self, line: str) -> CommandResult:
        raise KeyError(line)

    def completions(self, prefix: str) -> list[str]:
        raise ValueError(prefix)


def test_a_failing_session_is_a_red_line_not_a_crash(tutorial: Exercise) -> None:
    async def script(app: ConsoleApp, pilot: Any) -> None:
        await pilot.pause(0.15)
        assert app.status_text == "✘ session: RuntimeError: world fell over"
        await pilot.press("p", "tab")  # completion failing gives nothing
        assert app.prompt.value == "p"
        await pilot.press("enter")
        await pilot.pause()
        assert app.status_text == "✘ KeyError: 'p'"

    drive(Broken(at_request(tutorial)), script)


def test_screenshot_svg_shows_the_dashboard(tutorial: Exercise, tmp_path: Path) -> None:
    async def script(app: ConsoleApp, pilot: Any) -> None:
        path = app.save_screenshot(str(tmp_path / "console.svg"))
        text = Path(path).read_text("utf-8").replace("&#160;", " ")
        for token in ("T+02:10", "R001", "FBO_CH47", "Next", "injects", "Crisis", "levels"):
            assert token in text, token

    drive(at_request(tutorial), script)


@pytest.mark.parametrize(
    ("now", "due", "clock", "left"),
    [
        (119.4, 120.0, "T+01:59", "<1m"),
        (118.7, 120.0, "T+01:58", "2m"),
        (0.0, 65.0, "T+00:00", "1h05m"),
        (10.0, 3010.0, "T+00:10", "2d02h"),
    ],
)
def test_clock_shows_the_minute_begun_and_countdowns_round_up(
    now: float, due: float, clock: str, left: str
) -> None:
    from sim.console.text import countdown, scenario_t

    assert scenario_t(now) == clock
    assert countdown(due - now) == left
    assert scenario_t(None) == "–"


def canned_view(**changes: Any) -> SessionView:
    """A national-exercise moment as a real session would hand it over (not produced by a world)."""
    clock = ClockView(300.0, 4320.0, None, "10:00:00", 600.0, False, False)
    request = PendingView(
        key="R007",
        kind="request",
        asked_min=270.0,
        region="VR24",
        region_name="Zuid-Limburg",
        crisis="maas",
        crisis_level="GRIP4",
        route="WVR51",
        requester="voorzitter_VR",
        effect="Evacuate the care homes of Valkenburg",
        tags=["evacuation"],
        quantity=200,
        measure="persons",
        urgency_min=90.0,
        priority=41.25,
        life_safety=True,
        options=[
            OptionView(
                "NH90",
                "NH90 transport helicopter",
                1,
                2,
                75.0,
                True,
                True,
                True,
                ("R004",),
            ),
            OptionView("KMAR", "Koninklijke Marechaussee", 10, 4, 120.0, False, False, True),
            OptionView("FBO_CH47", "Chinook", 2, 1, 95.0, False, True, False),
        ],
        advice=AdviceView("priority", "partial", 1, "NH90", "life safety first (priority 41.2)"),
    )
    units = [
        UnitBoardRow(
            "NH90",
            "NH90",
            {
                "available": 1,
                "committed": 1,
                "mobilising": 1,
                "in_transit": 2,
                "on_scene": 3,
                "refuelling": 1,
                "returning": 1,
                "resting": 2,
                "reserved": 4,
            },
        )
    ]
    regions = [
        RegionView("VR23", "Limburg-Noord", 2, "GRIP2", [("maas", "GRIP2")]),
        RegionView("VR24", "Zuid-Limburg", 4, "GRIP4", [("maas", "GRIP4"), ("hns", "GRIP1")]),
    ]
    base = SessionView(
        exercise_id="national",
        title="National stress test",
        clock=clock,
        players=False,
        policy="fair_share",
        injects_next=[],
        injects_fired=[],
        pending=[request],
        units=units,
        regions=regions,
        mobilisation=MobilisationView(None, 3, 2, "priority", True),
        log=["T+05:00 R007 submitted by VR24"],
    )
    return replace(base, **changes)


def test_what_a_real_session_hands_over_is_all_shown() -> None:
    async def script(app: ConsoleApp, pilot: Any) -> None:
        assert "T+05:00" in app.clock_bar.text and "policy fair_share decides" in app.clock_bar.text
        pending = app.pending.text
        assert (
            "R007  VR24 Zuid-Limburg · crisis maas GRIP4 · asked T+04:30 (30m)  LIFE SAFETY"
            in pending
        )
        assert "urgency 1h30m · priority 41.2" in pending
        assert "tags: evacuation · quantity 200 persons" in pending
        assert (
            "▶ NH90 NH90 transport helicopter\n    free 1 · needed 2 · ETA on scene 1h15m"
            " · takes the last free; also wanted by R004"
        ) in pending
        assert "free 10 · needed 4 · ETA on scene 2h00m · not on this route" in pending
        assert "free 2 · needed 1 · ETA on scene 1h35m · no ground crew" in pending
        assert (
            "advice: priority: partly approved 1 x NH90 (life safety first (priority 41.2))"
            in pending
        )
        assert (
            "National mobilisation: priority would mobilise now (manpower requests waiting: 3)"
            in pending
        )
        board = app.board.text.splitlines()
        assert "NH90 1 2 2 4 1 2 4" in board  # committed counts as mobilising, refuelling on scene
        assert board.index("VR24 Zuid-Limburg GRIP4 maas GRIP4, hns GRIP1") < board.index(
            "VR23 Limburg-Noord GRIP2 maas GRIP2"
        )  # the highest level first
        await type_line(pilot, "note seen")
        assert app.status_text == "✔ sent: note seen"
        assert app.handle.lines == ["note seen"]

    drive(CannedSession([canned_view()]), script)


def test_what_a_real_session_hands_over_is_worded_in_dutch() -> None:
    """Every word the console adds to the session's values comes from the label table."""

    async def script(app: ConsoleApp, pilot: Any) -> None:
        pending = app.pending.text
        assert "soort: evacuation · aantal 200 personen" in pending
        assert "vrij 1 · nodig 2 · aankomst ter plaatse 1h15m" in pending
        assert "neemt de laatste vrije; ook gevraagd door R004" in pending
        assert "advies: priority: deels toegekend 1 x NH90 (life safety first" in pending
        assert "Nationale mobilisatie: priority zou nu mobiliseren (wachtende verzoeken" in pending
        for english in ("persons", "last free", "wanted by", "would mobilise", "partial"):
            assert english not in pending, english

    drive(CannedSession([canned_view()]), script, lang="nl")
    for m, en, nl in (
        (MobilisationView(450.0, 0, 2, "priority", False), "mobilised at T+07:30", "gemobiliseerd"),
        (
            MobilisationView(None, 1, 2, "fifo", False),
            "not mobilised (manpower requests waiting: 1, policy threshold 2)",
            "niet gemobiliseerd (wachtende verzoeken om personeel: 1, drempel van het beleid 2)",
        ),
    ):
        for lang, words in (("en", en), ("nl", nl)):

            async def shows(app: ConsoleApp, pilot: Any, words: str = words) -> None:
                assert words in app.pending.text

            drive(CannedSession([canned_view(mobilisation=m)]), shows, lang=lang)


def test_next_injects_beyond_the_first_six_are_counted() -> None:
    injects = [
        InjectView(
            str(i), f"inject {i}", "pending", 300.0 + 10 * i, None, "", None, None, None, None
        )
        for i in range(1, 10)
    ]

    async def script(app: ConsoleApp, pilot: Any) -> None:
        assert "… 3 more" in app.injects.text and "inject 6" in app.injects.text
        assert "inject 7" not in app.injects.text

    drive(CannedSession([canned_view(injects_next=injects)]), script)


def test_the_log_and_mobilisation_stay_in_view_however_many_requests_wait() -> None:
    """With four requests waiting on a 120 x 40 terminal, the log box keeps its place at the
    bottom of the middle column, scrolled to the newest line, and mobilisation is on top."""
    one = canned_view().pending[0]
    many = [replace(one, key=f"R00{n}") for n in range(1, 5)]
    log = [f"T+0{n // 6}:{n % 6}0 line {n}" for n in range(30)]

    async def script(app: ConsoleApp, pilot: Any) -> None:
        await pilot.pause()
        box = app.query_one("#log-box")
        screen_height = app.size.height
        assert box.region.height >= 8 and box.region.bottom <= screen_height - 4
        assert box.scroll_offset.y == box.max_scroll_y > 0  # the newest line at the bottom
        shown = app.log_panel.text.splitlines()
        assert shown[-1] == "T+04:50 line 29" and len(shown) == 31
        lines = app.pending.text.splitlines()
        assert lines[1].startswith("National mobilisation: ")  # before the requests
        assert [ln.split()[0] for ln in lines if ln.startswith("R00")] == [p.key for p in many]

    view = canned_view(pending=many, log=log)
    drive(CannedSession([view]), script, size=(120, 40))
