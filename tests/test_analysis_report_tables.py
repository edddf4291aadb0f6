"""The Word report carries the HTML report's summary tables: the outcomes under the key
figures, the regions, the needs no region asked for and the capabilities, under the same
headings, with the same column labels and the same rows, in English and Dutch (a run of the
national exercise, whose tables all have rows)."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from docx import Document
from docx.table import Table
from docx.text.paragraph import Paragraph

from sim.analysis.labels import t
from sim.analysis.render import load_run
from sim.analysis.report import write_report_for
from sim.exercise import load_exercise_full
from sim.runs import run_exercise

ROOT = Path(__file__).resolve().parent.parent

Rows = list[list[str]]


class _HtmlTables(HTMLParser):
    """Every table of an HTML page as (the heading before it, its rows of cell texts)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[tuple[str, Rows]] = []
        self.heading = ""
        self._text: list[str] | None = None
        self._rows: Rows | None = None
        self._in_heading = False

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in ("h1", "h2", "h3"):
            self._in_heading, self._text = True, []
        elif tag == "table":
            self._rows = []
        elif tag == "tr" and self._rows is not None:
            self._rows.append([])
        elif tag in ("td", "th"):
            self._text = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("h1", "h2", "h3") and self._in_heading:
            self.heading, self._in_heading = _clean("".join(self._text or [])), False
        elif tag in ("td", "th") and self._rows is not None:
            self._rows[-1].append(_clean("".join(self._text or [])))
        elif tag == "table" and self._rows is not None:
            self.tables.append((self.heading, self._rows))
            self._rows = None

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text.append(data)


def _clean(text: str) -> str:
    return " ".join(text.split())


def _html_tables(path: Path) -> list[tuple[str, Rows]]:
    parser = _HtmlTables()
    parser.feed(path.read_text("utf-8"))
    return parser.tables


def _docx_tables(path: Path) -> list[tuple[str, Rows]]:
    """Every table of a Word document as (the heading before it, its rows of cell texts)."""
    doc = Document(str(path))
    heading, out = "", []
    for child in doc.element.body.iterchildren():
        if child.tag.endswith("}p"):
            paragraph = Paragraph(child, doc)
            if paragraph.style is not None and paragraph.style.name.startswith(
                ("Heading", "Title")
            ):
                heading = _clean(paragraph.text)
        elif child.tag.endswith("}tbl"):
            table = Table(child, doc)
            out.append((heading, [[_clean(c.text) for c in row.cells] for row in table.rows]))
    return out


@pytest.fixture(scope="module")
def national(tmp_path_factory: pytest.TempPathFactory) -> Any:
    loaded = load_exercise_full(ROOT / "exercises" / "national-stress-test.yaml")
    result = run_exercise(loaded, tmp_path_factory.mktemp("national"), plots=False)
    run = load_run(result.folder)
    for lang in ("en", "nl"):
        write_report_for(run, lang, formats=["html", "docx"])
    return result.folder


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_word_report_has_the_html_reports_summary_tables(national: Path, lang: str) -> None:
    stem = "report" if lang == "en" else f"report.{lang}"
    html = _html_tables(national / f"{stem}.html")
    docx = _docx_tables(national / f"{stem}.docx")
    wanted = {
        "outcomes": (t("report.kpi", lang), t("col.outcome", lang)),
        "regions": (t("report.regions", lang), t("col.region", lang)),
        "not_asked": (t("report.not_asked", lang), t("col.region", lang)),
        "capabilities": (t("report.capabilities", lang), t("col.capability_name", lang)),
    }
    found: dict[str, Rows] = {}
    for name, (heading, first_column) in wanted.items():
        in_html = [rows for h, rows in html if h == heading and rows[0][0] == first_column]
        in_docx = [rows for h, rows in docx if h == heading and rows[0][0] == first_column]
        assert len(in_html) == 1, (name, [h for h, _ in html])
        assert len(in_docx) == 1, (name, [h for h, _ in docx])
        assert in_docx[0] == in_html[0], name  # same header row, same rows, same cells
        found[name] = in_html[0]
    # and the rows are the run's: every request counted once, every region and capability listed
    requests = pd.read_csv(national / "kpi_requests.csv")
    assert sum(int(row[1]) for row in found["outcomes"][1:]) == len(requests)
    regions = pd.read_csv(national / "kpi_regions.csv")
    assert len(found["regions"]) - 1 == len(regions)
    assert [row[0].split()[0] for row in found["regions"][1:]] == list(regions["region"])
    capabilities = pd.read_csv(national / "kpi_capabilities.csv")
    assert [row[0] for row in found["capabilities"][1:]] == list(capabilities["capability"])
    assert len(found["not_asked"]) > 1  # the national exercise leaves needs unasked
    assert len(found["capabilities"][0]) == 16 and len(found["regions"][0]) == 10


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_effects_not_asked_for_are_named_in_the_report_language(national: Path, lang: str) -> None:
    """The effect column shows a tag's name in the report's language (``underwater`` is
    ``onderwaterwerk`` in Dutch, ``underwater work`` in English), never the raw tag id that
    has a name, in the HTML and the Word report alike."""
    exercise = load_exercise_full(ROOT / "exercises" / "national-stress-test.yaml").exercise
    named = {
        tag: (info.name_nl if lang == "nl" else info.name) for tag, info in exercise.tags.items()
    }
    stem = "report" if lang == "en" else f"report.{lang}"
    heading = t("report.not_asked", lang)
    for tables in (
        _html_tables(national / f"{stem}.html"),
        _docx_tables(national / f"{stem}.docx"),
    ):
        (rows,) = [r for h, r in tables if h == heading and r[0][0] == t("col.region", lang)]
        effects = {row[2] for row in rows[1:]}
        assert effects and effects <= set(named.values()), effects - set(named.values())
        raw = {tag for tag in effects if tag in named and named[tag] != tag}
        assert not raw, raw
    if lang == "nl":
        assert "onderwaterwerk" in effects
