"""The after-action report evaluators complete: ``aar.yaml`` (template by ``ttx aar``, checked
like every input) merged into the HTML and Word reports with, per objective, the injects tied to
it and what was done (``decisions.jsonl``, ``notes.jsonl``), in English and Dutch."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from analysis_fixtures import peel_meinweg_events, write_run_folder
from docx import Document

from sim.analysis.aar import AarError, load_aar
from sim.analysis.render import load_run
from sim.analysis.report import write_report_for

ROOT = Path(__file__).resolve().parent.parent

AAR = """\
evaluators: [J. de Vries (LOCC)]
objectives:
  O1:
    rating: S
    notes: Route right, answer slow.
  O2: {rating: M, notes: "Ground crews were not asked for."}
strengths: [Life-safety requests went first.]
improvements: [Ask for the effect, not the means.]
improvement_plan:
  - issue: Ground-crew bottleneck seen late
    corrective_action: Add ground crews to the hub's capacity picture
    capability_element: planning
    responsible: LOCC
    start: 2026-06-01
    completion: "2026-09-30"
"""

DECISIONS = [
    {"n": 1, "t": 265.0, "asked": 210.0, "kind": "request", "key": "R001", "who": "players",
     "choice": {"outcome": "approved", "capability": "FBO_CH47", "units": ["FBO_CH47-1", "FBO_CH47-2"],
                "reason": "2 x FBO_CH47 free"}, "options": []},
    {"n": 2, "t": 450.0, "asked": None, "kind": "inject", "key": "4", "who": "facilitator",
     "choice": {"action": "fire"}, "options": []},
]  # fmt: skip
NOTES = [
    {"n": 1, "t": 460.0, "kind": "answer", "inject": "4", "who": "players",
     "text": "We ask 13 Lichte Brigade for fire breaks instead."},
    {"n": 2, "t": 500.0, "kind": "note", "inject": None, "who": "observer",
     "text": "LOCC desk discussed the Meinweg request for 20 minutes."},
]  # fmt: skip


def _folder(tmp_path: Path) -> Path:
    folder = write_run_folder(tmp_path, peel_meinweg_events())
    (folder / "decisions.jsonl").write_text("".join(json.dumps(d) + "\n" for d in DECISIONS))
    (folder / "notes.jsonl").write_text("".join(json.dumps(n) + "\n" for n in NOTES))
    return folder


def _ttx(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sim", *args], capture_output=True, text=True, cwd=ROOT
    )


def test_template_then_filled_aar_in_html_and_docx(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    done = _ttx("aar", str(folder))
    assert done.returncode == 0, done.stderr
    template = (folder / "aar.yaml").read_text()
    assert '"O1":' in template and "# injects: 2 (fired), 3 (fired)" in template
    assert load_aar(folder / "aar.yaml") is not None  # the template itself is valid
    (folder / "aar.yaml").write_text(AAR)
    run = load_run(folder)
    html = write_report_for(run, "en").read_text("utf-8")
    for text in ("S: performed with some challenges", "Route right, answer slow.",
                 "Add ground crews to the hub&#39;s capacity picture", "2026-09-30",
                 "J. de Vries (LOCC)", "Life-safety requests went first.",
                 "T+04:25 R001: approved FBO_CH47 ×2 (players) — 2 x FBO_CH47 free",
                 "answer (players): We ask 13 Lichte Brigade for fire breaks instead.",
                 "fired (facilitator)",
                 "T+08:20 (observer): LOCC desk discussed the Meinweg request for 20 minutes."):  # fmt: skip
        assert text in html, text
    nl = write_report_for(run, "nl", formats=["docx"])
    assert nl.name == "report.nl.docx"
    doc = Document(str(nl))
    body = "\n".join(p.text for p in doc.paragraphs)
    cells = "\n".join(c.text for table in doc.tables for row in table.rows for c in row.cells)
    assert (
        "M: uitgevoerd met grote problemen" in body and "Ground crews were not asked for." in body
    )
    assert "planvorming" in cells and "LOCC" in cells and "2026-06-01" in cells
    assert "T+08:20 (waarnemer): LOCC desk discussed the Meinweg request for 20 minutes." in body
    assert "R001: toegekend FBO_CH47 ×2 (spelers) — 2 x FBO_CH47 vrij" in cells
    assert nl.read_bytes() == write_report_for(run, "nl", formats=["docx"]).read_bytes()


def test_malformed_aar_is_refused_with_file_line_col(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    (folder / "aar.yaml").write_text("objectives:\n  O1:\n    rating: X\n")
    done = _ttx("report", str(folder))
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"{folder / 'aar.yaml'}:3:13: error: objectives.O1.rating: Input should be 'P', 'S', 'M' or 'U'"
    ]
    (folder / "aar.yaml").write_text("objectives:\n  O7: {rating: P}\n")
    with pytest.raises(AarError, match=r"aar\.yaml:2:3: error: objectives\.O7: no objective 'O7'"):
        load_aar(folder / "aar.yaml", load_run(folder).exercise)
    done = _ttx("report", str(folder), "--format", "pdf")
    assert done.returncode == 2 and "--format 'pdf': error" in done.stderr


def test_what_was_done_includes_the_units_moved_to_or_from_an_injects_requests(
    tmp_path: Path,
) -> None:
    """Moves are decisions too: they were left out, so the national exercise's R033 (inject 12)
    read "queued" only, though BDE11-1 was moved to it and served it."""
    import json

    from sim.analysis.aar_evidence import objective_rows
    from sim.analysis.tables import build_tables
    from sim.exercise import load_exercise_full
    from sim.journal import read_events
    from sim.runs import run_exercise

    loaded = load_exercise_full(
        Path(__file__).resolve().parent.parent / "exercises" / "national-stress-test.yaml"
    )
    folder = run_exercise(loaded, tmp_path, plots=False).folder
    decisions = [json.loads(x) for x in (folder / "decisions.jsonl").read_text().splitlines()]
    moves = [d for d in decisions if d["kind"] == "reallocation"]
    assert moves
    T = build_tables(read_events(folder / "events.jsonl"))
    rows = objective_rows(T, loaded.exercise, decisions, [], None)
    said = [line for row in rows for inj in row["injects"] for line in inj["did"]]
    tied = {  # the requests of injects tied to an objective: their evidence is shown
        str(r.request)
        for r in T.requests.itertuples(index=False)
        if isinstance(r.inject, str)
        and r.inject in set(T.injects.loc[T.injects["objectives"].map(bool), "inject"].astype(str))
    }
    touching = [d for d in moves if {d["choice"]["from_request"], d["choice"]["to_request"]} & tied]
    assert touching  # the national run moves units to requests its injects made (R033, R068)
    for d in touching:
        c = d["choice"]
        assert (
            f"{c['unit']} reallocated from {c['from_request']} to {c['to_request']}"
            in " | ".join(said)
        )
