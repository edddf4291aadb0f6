"""Input that used to pass silently: a key both varied and set, --workers beside a Dask scheduler
that has its own, YAML 1.1 base-60 numbers (``staff: 1:0`` was 60 staff), and a note the size
of a book typed at the console. Each is one error line (exit 2, or an error line in a session
that goes on)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sim.exercise import ExerciseFileError, load_exercise
from sim.limits import MAX_COMMAND_CHARS
from sim.runs.live import LiveSession
from sim.runs.session import Session

ROOT = Path(__file__).resolve().parent.parent
TUTORIAL = ROOT / "exercises" / "tutorial.yaml"
TTX = [sys.executable, "-m", "sim"]


def one_error(args: list[str], fragment: str, cwd: Path) -> None:
    done = subprocess.run([*TTX, *args], capture_output=True, text=True, cwd=cwd, check=False)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and fragment in lines[0], lines
    assert not list(cwd.glob("results/*")), "no folder for refused options"


@pytest.mark.parametrize(
    "extra,fragment",
    [
        (
            ["--vary", "hub.staff=2,4", "--vary", "hub.staff=6"],
            "--vary hub.staff: error: --vary hub.staff changes the same value",
        ),
        (
            ["--vary", "hub.staff=2,4", "--set", "hub.staff=5"],
            "--set hub.staff: error: --vary hub.staff changes the same value",
        ),
        (  # an id and its index name one value
            ["--vary", "crises.peel.onset=T+01:00,T+02:00", "--set", "crises.0.onset=T+03:00"],
            "--set crises.0.onset: error: --vary crises.peel.onset changes the same value",
        ),
        (
            ["--vary", "hub.staff=2,4", "--set", "hub={staff: 3, policy: fifo}"],
            "--set hub: error: --vary hub.staff changes a part of it",
        ),
        (
            ["--vary", "hub={staff: 3}", "--vary", "hub.staff=2,4"],
            "--vary hub.staff: error: it is a part of hub, which --vary changes",
        ),
        (["--dask", "tcp://127.0.0.1:9", "--workers", "2"], "has its own workers"),
        (["--set", "hub.staff=1:0"], "base-60 number 60"),
    ],
)
def test_conflicting_or_ambiguous_sweep_options_are_refused(
    extra: list[str], fragment: str, tmp_path: Path
) -> None:
    one_error(["sweep", str(TUTORIAL), "-n", "2", *extra], fragment, tmp_path)


def test_the_same_options_without_the_conflict_are_taken(tmp_path: Path) -> None:
    args = [
        "sweep",
        str(TUTORIAL),
        "-n",
        "1",
        "--vary",
        "hub.staff=2,4",
        "--set",
        "hub.policy=fifo",
    ]
    done = subprocess.run(
        [*TTX, *args, "--out", str(tmp_path)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert Path(done.stdout.strip().splitlines()[-1]).is_dir()


@pytest.mark.parametrize(
    "value,minutes", [("1:0", 60), ("2:30", 150), ("1:30:00", 5400), ("1:30.5", 90.5)]
)
def test_base_60_numbers_are_refused_where_written(
    value: str, minutes: float, tmp_path: Path
) -> None:
    text = TUTORIAL.read_text(encoding="utf-8").replace("  staff: 2\n", f"  staff: {value}\n", 1)
    path = tmp_path / "x.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ExerciseFileError) as caught:
        load_exercise(path)
    issue = caught.value.issues[0]
    line = text.splitlines().index(f"  staff: {value}") + 1
    assert str(issue).startswith(f"{path}:{line}:10:")
    assert f"base-60 number {minutes:g}" in str(issue)
    path.write_text(text.replace(f"  staff: {value}\n", f"  staff: '{value}'\n"), "utf-8")
    with pytest.raises(ExerciseFileError) as caught:
        load_exercise(path)  # quoted, it is text, which a count is not: the usual message
    assert "base-60" not in str(caught.value.issues[0])


def test_a_note_over_the_limit_is_an_error_line_and_the_session_goes_on() -> None:
    session = Session(load_exercise(TUTORIAL), players=True, keep_events=True)
    live = LiveSession(session)
    long = live.submit("note " + "x" * MAX_COMMAND_CHARS)
    assert not long.ok and "the limit is 4,000" in long.message
    assert not session.notes.lines
    fits = live.submit("note " + "x" * (MAX_COMMAND_CHARS - 5))
    assert fits.ok and len(session.notes.lines) == 1
    assert live.submit("goto T+01:00").ok


@pytest.mark.parametrize(
    "line,fragment",
    [
        ("delay 5 -30m", "'-30m' is not a positive duration"),
        ("delay 5 abc", "'abc' is not a duration; write one such as '20m'"),
        ("delay 5 0m", "'0m' is not a positive duration"),
    ],
)
def test_a_bad_delay_says_it_wants_a_duration(line: str, fragment: str) -> None:
    from sim.runs.commands import CommandError, parse_command

    with pytest.raises(CommandError) as caught:
        parse_command(line)
    assert fragment in caught.value.message and caught.value.column == 9


@pytest.mark.parametrize(
    "text,fragment",
    [
        ("a: !!int '2:30'\n", "1:4: error: a: 2:30 is read by YAML 1.1 as the base-60 number 150"),
        ("a: !!float '1:30'\n", "base-60 number 90.0"),
        ("2:30: x\n", "1:1: error: key: 2:30 is read by YAML 1.1 as the base-60 number 150"),
        ("a: !!int 1:3x\n", "cannot read '1:3x' as a int"),  # not a number in any base
    ],
)
def test_base_60_is_refused_however_it_is_written(text: str, fragment: str) -> None:
    from sim.exercise.yamlsafe import parse_yaml

    with pytest.raises(ExerciseFileError) as caught:
        parse_yaml(text, "x.yaml")
    assert fragment in str(caught.value.issues[0])


@pytest.mark.parametrize("text", ["a: '2:30'\n", "a: !!str 2:30\n", "a: T+02:30\n", "a: 10:60\n"])
def test_text_with_colons_is_text(text: str) -> None:
    from sim.exercise.yamlsafe import parse_yaml

    assert isinstance(parse_yaml(text, "x.yaml").data["a"], str)
