"""The one run-folder reader (``sim.rundir``): what it reads, how it fails, what it imports."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from analysis_fixtures import peel_meinweg_events, write_run_folder

from sim.analysis.render import RunFolderError as RenderError
from sim.rundir import RunFolderError, open_run

ROOT = Path(__file__).resolve().parent.parent


def test_one_error_class_for_every_reader() -> None:
    assert RenderError is RunFolderError and issubclass(RunFolderError, ValueError)


def test_decisions_and_notes_are_read_in_order_and_bad_lines_named(tmp_path: Path) -> None:
    folder = write_run_folder(tmp_path, peel_meinweg_events())
    run = open_run(folder)
    assert run.decisions() == [] and run.notes() == []
    rows = [
        {"n": 2, "t": 300.0, "asked": 290.0, "kind": "request", "key": "R002", "who": "players",
         "choice": {"outcome": "approved", "capability": "BDE13", "units": ["BDE13-1"],
                    "reason": "close by"}, "options": []},
        {"n": 1, "t": 265.0, "asked": 250.0, "kind": "request", "key": "R001",
         "who": "policy:priority", "choice": {"outcome": "approved"}, "options": []},
    ]  # fmt: skip
    (folder / "decisions.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    assert [d["key"] for d in run.decisions()] == ["R001", "R002"]
    (folder / "notes.jsonl").write_text('{"n": 1, "t": 5.0, "kind": "note"}\n{"n": 2, oops}\n')
    with pytest.raises(RunFolderError, match=r"notes\.jsonl:2:10: error: not a JSON line"):
        run.notes()
    (folder / "notes.jsonl").write_text("[1, 2]\n")
    with pytest.raises(RunFolderError, match=r"notes\.jsonl:1:1: error: a line must be"):
        run.notes()


def test_missing_folder_and_journal_are_one_line(tmp_path: Path) -> None:
    with pytest.raises(RunFolderError, match="no such run folder"):
        open_run(tmp_path / "nope")
    with pytest.raises(RunFolderError, match=r"events\.jsonl: error: no journal"):
        open_run(tmp_path)


def test_reader_stays_in_layer_two_and_report_does_not_import_render() -> None:
    code = (
        "import sys, sim.rundir; bad = [m for m in sys.modules if m.startswith(('sim.analysis',"
        " 'sim.model', 'sim.runs', 'pandas', 'matplotlib'))]; assert not bad, bad; "
        "import sim.analysis.report; assert 'sim.analysis.render' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
