"""The debrief notebook runs (nbmake) against a run this test makes, and stays clean."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import jupytext
from click.testing import CliRunner

from sim.cli import cli

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "notebooks" / "debrief.ipynb"
PAIRED = ROOT / "notebooks" / "debrief.py"


def test_notebook_runs_against_a_fresh_run(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli,
        [
            "run",
            str(ROOT / "exercises" / "river-flood.yaml"),
            "--seed",
            "2",
            "--out",
            str(tmp_path),
            "--no-plots",
        ],
    )
    assert result.exit_code == 0, result.stderr
    run_dir = result.stdout.strip().splitlines()[-1]
    env = {**os.environ, "TTX_RUN_DIR": run_dir, "MPLBACKEND": "Agg"}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--nbmake",
            "--nbmake-timeout=240",
            str(NOTEBOOK),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert "1 passed" in proc.stdout


def test_notebook_is_stripped_and_paired_with_its_script() -> None:
    notebook = jupytext.read(NOTEBOOK)
    assert all(not c.get("outputs") for c in notebook.cells if c.cell_type == "code")
    assert all(c.get("execution_count") is None for c in notebook.cells if c.cell_type == "code")
    script = jupytext.read(PAIRED)
    assert [c.source for c in notebook.cells] == [c.source for c in script.cells], (
        "run: jupytext --sync notebooks/debrief.ipynb"
    )
    assert notebook.metadata["jupytext"]["formats"] == "ipynb,py:percent"
