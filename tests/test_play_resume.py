"""Live sessions lose nothing: the rehearsal scripts, and kill -9 at random moments + resume."""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TTX = [sys.executable, "-m", "sim"]
REHEARSALS = {
    "tutorial": ROOT / "exercises" / "rehearsals" / "tutorial.script",
    "river-flood": ROOT / "exercises" / "rehearsals" / "river-flood.script",
}


def _play(name: str, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*TTX, "play", f"exercises/{name}.yaml", "--script", str(REHEARSALS[name]),
         "--out", str(out), "--no-plots", *extra],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )  # fmt: skip


@pytest.mark.parametrize("name", sorted(REHEARSALS))
def test_a_rehearsal_script_plays_a_whole_session_and_replays(name: str, tmp_path: Path) -> None:
    done = _play(name, tmp_path)
    assert done.returncode == 0, done.stderr
    folder = Path(done.stdout.strip().splitlines()[-1])
    decisions = [json.loads(line) for line in (folder / "decisions.jsonl").read_text().splitlines()]
    assert sum(d["who"] == "players" and d["kind"] == "request" for d in decisions) >= 2
    replay = subprocess.run(
        [*TTX, "replay", str(folder)], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert replay.returncode == 0, replay.stderr


def _kill_and_resume(out: Path, delay: float) -> Path:
    proc = subprocess.Popen(
        [*TTX, "play", "exercises/river-flood.yaml", "--script", str(REHEARSALS["river-flood"]),
         "--out", str(out), "--no-plots"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while not list(out.glob("*/*/events.jsonl")) and time.monotonic() < deadline:
        time.sleep(0.005)
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    (folder,) = [p for p in out.glob("*/*") if p.is_dir()]
    resumed = subprocess.run(
        [*TTX, "play", "--resume", str(folder), "--script", str(REHEARSALS["river-flood"]),
         "--no-plots"],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )  # fmt: skip
    if json.loads((folder / "run.json").read_text())["status"] != "complete":
        pytest.fail(f"resume did not complete: {resumed.stderr}")
    assert "Traceback" not in resumed.stderr
    return folder


def test_a_session_killed_at_any_moment_and_resumed_ends_byte_for_byte_the_same(
    tmp_path: Path,
) -> None:
    whole = _play("river-flood", tmp_path / "whole")
    assert whole.returncode == 0, whole.stderr
    reference = Path(whole.stdout.strip().splitlines()[-1])
    rng = random.Random(20261202)
    delays = [0.0, *sorted(rng.uniform(0.0, 0.35) for _ in range(3))]
    for i, delay in enumerate(delays):
        folder = _kill_and_resume(tmp_path / f"kill{i}", delay)
        for name in ("events.jsonl", "decisions.jsonl"):
            assert (folder / name).read_bytes() == (reference / name).read_bytes(), (delay, name)


def test_a_finished_session_is_not_resumed(tmp_path: Path) -> None:
    done = _play("tutorial", tmp_path)
    folder = Path(done.stdout.strip().splitlines()[-1])
    again = subprocess.run(
        [*TTX, "play", "--resume", str(folder)], capture_output=True, text=True, cwd=ROOT,
        check=False,
    )  # fmt: skip
    assert again.returncode == 2
    assert again.stderr.strip().endswith("this session has ended; nothing to resume")


def test_the_debrief_of_a_session_shows_the_facilitator_and_the_players(tmp_path: Path) -> None:
    done = _play("tutorial", tmp_path)
    folder = Path(done.stdout.strip().splitlines()[-1])
    for lang, words in (
        ("en", ("What the facilitator did", "paused the clock", "delayed inject 5", "called ENDEX",
                "decided by the players")),
        ("nl", ("Wat de oefenleiding deed", "klok gepauzeerd", "inject uitgesteld 5",
                "ENDEX gegeven", "besluiten door de spelers")),
    ):  # fmt: skip
        made = subprocess.run(
            [*TTX, "report", str(folder), "--lang", lang], capture_output=True, text=True,
            cwd=ROOT, check=False,
        )  # fmt: skip
        assert made.returncode == 0, made.stderr
        page = (folder / ("report.html" if lang == "en" else "report.nl.html")).read_text()
        for word in words:
            assert word in page, (lang, word)
