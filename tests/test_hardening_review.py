"""Bad input found by an independent review, each one line and exit 2 (or an error line in a
session), nothing clobbered: ``check --html`` over an existing file, ``--script /dev/zero``,
sweep sizes without a bound, script lines after ENDEX, hand-edited run folders."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TTX = [sys.executable, "-m", "sim"]
TUTORIAL = str(ROOT / "exercises" / "tutorial.yaml")


def ttx(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*TTX, *args], capture_output=True, text=True, cwd=cwd, check=False)


def one_error(done: subprocess.CompletedProcess[str], fragment: str) -> None:
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and fragment in lines[0], lines
    assert "Traceback" not in done.stderr


def test_check_does_not_write_its_page_over_an_existing_file(tmp_path: Path) -> None:
    target = tmp_path / "tutorial.yaml"
    shutil.copy(TUTORIAL, target)
    before = target.read_bytes()
    one_error(ttx("check", str(target), "-n", "2", "--html", str(target)), "exists; use --force")
    assert target.read_bytes() == before
    page = tmp_path / "check.html"
    page.write_text("old")
    assert ttx("check", TUTORIAL, "-n", "2", "--html", str(page), "--force").returncode in (0, 1)
    assert page.read_text().startswith("<!doctype html>")


def test_a_script_is_checked_before_the_session_folder_is_made(tmp_path: Path) -> None:
    one_error(ttx("play", TUTORIAL, "--script", "/dev/zero", "--out", str(tmp_path)), "/dev/zero")
    bad = tmp_path / "latin1.script"
    bad.write_bytes(b"note caf\xe9\n")
    one_error(ttx("play", TUTORIAL, "--script", str(bad), "--out", str(tmp_path)), "not UTF-8")
    assert not list(tmp_path.glob("*/*"))  # no folder marked "in progress" left behind


@pytest.mark.parametrize(
    "args,fragment",
    [
        (["sweep", TUTORIAL, "-n", "99999999999"], "-n"),
        (["sweep", TUTORIAL, "-n", "2", "--workers", "100000"], "--workers"),
        (["check", TUTORIAL, "-n", "100001"], "-n"),
    ],
)
def test_sweep_sizes_are_bounded(args: list[str], fragment: str, tmp_path: Path) -> None:
    one_error(ttx(*args, "--out", str(tmp_path)) if args[0] == "sweep" else ttx(*args), fragment)


def test_script_lines_after_endex_are_refused_not_dropped(tmp_path: Path) -> None:
    script = tmp_path / "s.script"
    script.write_text(
        "@T+01:00 note a\ngoto T+300:00\n@T+300:00 note typo\nend\nfire 5\nnote after\n",
        encoding="utf-8",
    )
    done = ttx("play", TUTORIAL, "--script", str(script), "--out", str(tmp_path), "--no-plots")
    assert done.returncode == 1
    errors = [line for line in done.stderr.splitlines() if ": error: " in line]
    assert [e.split(":")[1] for e in errors] == ["2", "3", "5"]
    assert "is after ENDEX (T+30:00)" in errors[0] and "has ended" in errors[2]
    assert "3 script line(s) refused" in done.stderr
    assert "6: note noted" in done.stdout  # a note after ENDEX, as at the console


def _edited_run(tmp_path: Path, name: str, old: str, new: str) -> Path:
    done = ttx("run", TUTORIAL, "--out", str(tmp_path / "runs"), "--no-plots")
    folder = Path(done.stdout.strip().splitlines()[-1])
    path = folder / name
    text = path.read_text()
    edited = re.sub(old, new, text, count=1)
    assert edited != text
    path.write_text(edited)
    return folder


@pytest.mark.parametrize(
    "name,old,new,fragment",
    [
        ("decisions.jsonl", '"capability":"FBO_CH47"', '"capability":"NOPE"', "'NOPE' cannot"),
        ("decisions.jsonl", r',"t":[0-9.]+', ',"t":NaN', "t must be a number of minutes"),
        ("run.json", r'"seed": \d+', '"seed": -1', "seed must be a whole number"),
    ],
)
def test_replay_of_a_hand_edited_folder_names_the_problem(
    tmp_path: Path, name: str, old: str, new: str, fragment: str
) -> None:
    folder = _edited_run(tmp_path, name, old, new)
    done = ttx("replay", str(folder))
    assert done.returncode in (1, 2) and fragment in done.stderr, done.stderr
    assert "internal error" not in done.stderr


def test_a_time_window_outside_the_run_is_one_line(tmp_path: Path) -> None:
    done = ttx("run", TUTORIAL, "--out", str(tmp_path), "--no-plots")
    folder = done.stdout.strip().splitlines()[-1]
    one_error(ttx("plot", folder, "--from", "T+99:00"), "empty time window")


@pytest.mark.parametrize(
    "args", [["check", TUTORIAL, "--min-reach", "nan"], ["play", TUTORIAL, "--speed", "nan"]]
)
def test_nan_is_not_in_any_range(args: list[str], tmp_path: Path) -> None:
    one_error(ttx(*args, *(["--out", str(tmp_path)] if args[0] == "play" else [])), "not a number")
    assert not list(tmp_path.glob("*/*"))


def test_replay_without_decisions_is_refused(tmp_path: Path) -> None:
    """Every run writes decisions.jsonl; a replay without it said "identical" for a batch run
    (the policy decided again), which proves nothing about the folder."""
    done = ttx("run", TUTORIAL, "--out", str(tmp_path), "--no-plots")
    folder = Path(done.stdout.strip().splitlines()[-1])
    (folder / "decisions.jsonl").unlink()
    one_error(ttx("replay", str(folder)), "decisions.jsonl: error: missing")
