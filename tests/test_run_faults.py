"""ttx run leaves no half-written run folder, whatever happens to it, and says why in one line."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TTX = [sys.executable, "-m", "sim"]
COMPLETE = ("run.json", "events.jsonl", "decisions.jsonl", "report.html", "timeline.png")


def _visible_runs(out: Path) -> list[Path]:
    return [p for p in out.glob("tutorial-peel/*") if not p.name.startswith(".")]


def test_killed_at_random_moments_ttx_run_leaves_no_folder_that_looks_finished(
    tmp_path: Path,
) -> None:
    rng = random.Random(7)
    killed = 0
    for _ in range(10):
        proc = subprocess.Popen(
            [*TTX, "run", "exercises/tutorial.yaml", "--out", str(tmp_path)],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        time.sleep(rng.uniform(0.3, 4.0))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            killed += 1
        proc.wait()
        for run in _visible_runs(tmp_path):
            missing = [name for name in COMPLETE if not (run / name).exists()]
            assert not missing, f"{run.name} is visible without {missing}"
    assert killed >= 5  # most of the delays fell inside a run
    done = subprocess.run(
        [*TTX, "run", "exercises/tutorial.yaml", "--out", str(tmp_path), "--no-plots"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert Path(done.stdout.strip().splitlines()[-1]).is_dir()
    assert not [p for p in (tmp_path / "tutorial-peel").glob(".*.partial-*")]


def test_an_output_problem_is_one_line_and_exit_2(tmp_path: Path) -> None:
    (tmp_path / "tutorial-peel").write_text("a file where the exercise's folder goes")
    done = subprocess.run(
        [*TTX, "run", "exercises/tutorial.yaml", "--out", str(tmp_path), "--no-plots"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and done.stderr.startswith(f"--out {tmp_path}: error:")
    full = subprocess.run(
        [*TTX, "run", "exercises/tutorial.yaml", "--out", "/dev/full/x", "--no-plots"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert full.returncode == 2 and "Traceback" not in full.stderr
    assert full.stderr.count("\n") == 1


def test_kpi_tables_written_for_spreadsheets_hold_no_formula(tmp_path: Path) -> None:
    source = (ROOT / "exercises" / "tutorial.yaml").read_text()
    evil = source.replace(
        "title: Regional TV live from the fire", 'title: "=HYPERLINK(\\"http://x\\")"'
    ).replace("title: Rain front", "title: '@SUM(1+1)'")
    path = tmp_path / "evil.yaml"
    path.write_text(evil)
    done = subprocess.run(
        [*TTX, "run", str(path), "--out", str(tmp_path), "--no-plots"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    folder = Path(done.stdout.strip().splitlines()[-1])
    for csv in folder.glob("kpi_*.csv"):
        for line in csv.read_text().splitlines():
            for cell in line.split(","):
                assert not cell.lstrip('"').startswith(("=", "@", "+")), (csv.name, cell)
    assert "'=HYPERLINK" in (folder / "kpi_injects.csv").read_text()
