"""The after-action report as a Word document (``ttx report --format docx``).

Dutch exercise staff hand in Word files, so the report's content (the same context as the HTML:
key figures first, overview, timeline, objectives with evidence and ratings, strengths, areas
for improvement, improvement plan, then the long tables) is written with python-docx. Images
are the same PNGs the HTML embeds. The core properties are fixed (no wall-clock time, no user
name), so the same run folder gives the same document.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

from sim.analysis.labels import t
from sim.analysis.report_tables import ReportTable

__all__ = ["docx_bytes"]

_EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def _table(
    doc: Any,
    header: list[str],
    rows: list[list[str]],
    widths: list[float] | None = None,
    right: set[int] | frozenset[int] = frozenset(),
) -> None:
    """A table with a bold header row; ``right``: the columns (numbers) aligned right."""
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = text
    if widths:
        for row in table.rows:
            for cell, width in zip(row.cells, widths, strict=True):
                cell.width = Cm(width)
    for row in table.rows:
        for k, cell in enumerate(row.cells):
            for paragraph in cell.paragraphs:
                if k in right:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                for run in paragraph.runs:
                    run.font.size = Pt(8)


def _summary_table(doc: Any, table: ReportTable, widths: list[float] | None = None) -> None:
    """One of the tables the HTML report shows too (``report_tables``): its heading, its note,
    the same columns and rows."""
    if table.heading:
        doc.add_heading(table.heading, level=2)
    if table.note:
        doc.add_paragraph(table.note)
    right = {k for k, column in enumerate(table.columns) if column.num}
    header = [column.label for column in table.columns]
    _table(doc, header, [list(row) for row in table.rows], widths, right)


def _image(doc: Any, png: bytes, width_cm: float) -> None:
    doc.add_picture(io.BytesIO(png), width=Cm(width_cm))


def docx_bytes(ctx: dict[str, Any], lang: str) -> bytes:
    """The Word document for a report context (``sim.analysis.report.report_context``)."""
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.5))
    doc.styles["Normal"].font.size = Pt(10)
    props = doc.core_properties
    props.title = f"{t('report.title', lang)}: {ctx['title']}"
    props.author = props.last_modified_by = "Knooppunt TTX"
    props.created = props.modified = _EPOCH
    props.revision = 1
    doc.add_heading(props.title, level=0)
    doc.add_paragraph(f"{ctx['exercise_id']} · {ctx['run_id']} · "
                      + t("report.generated", lang, version=ctx["version"]))  # fmt: skip

    doc.add_heading(t("report.kpi", lang), level=1)
    for line in ctx["summary"]:
        doc.add_paragraph(line, style="List Bullet")
    tables = ctx["tables"]
    _summary_table(doc, tables["outcomes"], [6, 3])

    doc.add_heading(t("report.overview", lang), level=1)
    if ctx["description"]:
        doc.add_paragraph(ctx["description"])
    _table(doc, [t("col.name", lang), t("col.value", lang)],
           [[k, str(v)] for k, v in [*ctx["facts"], *ctx["manifest"]]], [6, 20])  # fmt: skip

    doc.add_heading(t("report.timeline", lang), level=1)
    doc.add_paragraph(t("report.timeline_note", lang))
    _image(doc, ctx["timeline_png"], 26.5)

    doc.add_heading(t("aar.title", lang), level=1)
    aar = ctx["aar"]
    if aar is None:
        doc.add_paragraph(t("aar.no_aar", lang))
    elif aar["evaluators"]:
        doc.add_paragraph(f"{t('aar.evaluators', lang)}: {aar['evaluators']}")
    for o in ctx["aar_objectives"]:
        doc.add_heading(f"{o['id']}: {o['text']} — {o['rating_text']}", level=2)
        if o["notes"]:
            doc.add_paragraph(f"{t('aar.evaluator_notes', lang)}: {o['notes']}")
        if o["injects"]:
            _table(
                doc,
                [t("col.inject", lang), t("col.state", lang), t("aar.expected", lang), t("aar.did", lang)],
                [[f"{i['id']} {i['title']}", f"{i['state']} {i['when']}", i["expected"],
                  "\n".join(i["did"]) or t("aar.none_done", lang)] for i in o["injects"]],
                [5.5, 3.5, 7, 10.5],
            )  # fmt: skip

    doc.add_heading(t("report.after_action", lang), level=1)
    for key, heading in (
        ("strengths", "report.strengths"),
        ("improvements", "report.improvements"),
    ):
        doc.add_heading(t(heading, lang), level=2)
        items = aar[key] if aar else []
        for item in items or [t("aar.nothing_yet", lang)]:
            doc.add_paragraph(item, style="List Bullet")
    if ctx.get("facilitator_actions"):
        doc.add_heading(t("aar.facilitator_actions", lang), level=2)
        for line in ctx["facilitator_actions"]:
            doc.add_paragraph(line, style="List Bullet")
    if ctx["session_notes"]:
        doc.add_heading(t("aar.session_notes", lang), level=2)
        for line in ctx["session_notes"]:
            doc.add_paragraph(line, style="List Bullet")
    doc.add_heading(t("report.improvement_plan", lang), level=2)
    plan = aar["plan"] if aar else []
    _table(
        doc,
        [t(f"aar.plan_{k}", lang) for k in ("issue", "action", "element", "responsible", "start", "completion")],
        [[p["issue"], p["action"], p["element"], p["responsible"], p["start"], p["completion"]] for p in plan]
        or [[t("aar.nothing_yet", lang), "", "", "", "", ""]],
        [6, 7.5, 3, 5, 2.5, 2.5],
    )  # fmt: skip

    doc.add_heading(t("report.heatmap", lang), level=1)
    doc.add_paragraph(t("report.heatmap_note", lang))
    _image(doc, ctx["heatmap_png"], 20)
    _summary_table(doc, tables["regions"], [5.2, 1.8, *[2.4] * 8])
    doc.add_heading(t("report.map", lang), level=2)
    _image(doc, ctx["map_png"], 17)
    if ctx["sites"]:
        _table(
            doc,
            [t("col.crisis", lang), t("col.region", lang), t("report.site", lang)],
            [[s["crisis"], s["region"], s["site"] + (f" ({t('report.seat', lang)})" if s["seat"] else "")]
             for s in ctx["sites"]],
            [5, 7, 8],
        )  # fmt: skip
    if tables["not_asked"].rows:
        _summary_table(doc, tables["not_asked"], [5.5, 5, 4, 9.5, 2.7])
    _summary_table(doc, tables["capabilities"], [2.6, 3.7, *[1.45] * 14])

    doc.add_heading(t("report.msel", lang), level=1)
    _table(
        doc,
        ["#", t("col.scheduled", lang), t("col.fired", lang), t("col.title", lang),
         t("col.expected_action", lang), t("col.set_off", lang)],
        [[r["id"], r["planned"], r["fired"]["t"] if r["state_class"] == "fired" else r["state"],
          r["title"] + (f" ({r['reason']})" if r["reason"] else ""), r["expected"], "\n".join(r["set_off"])]
         for r in ctx["msel"]],
        [1.2, 3.5, 2.5, 6, 6.5, 7],
    )  # fmt: skip

    doc.add_heading(t("report.decisions", lang), level=1)
    _table(
        doc,
        [t("col.time", lang), t("col.request", lang), t("col.region", lang), t("col.decision", lang),
         t("col.granted", lang), t("col.decider", lang), t("col.reason", lang)],
        [[d["when"]["t"], d["request"], d["region"], d["decision"], d["granted"], d["decider"], d["reason"]]
         for d in ctx["decisions"]],
        [2.2, 1.8, 5, 3, 3.5, 2.5, 8.7],
    )  # fmt: skip

    doc.add_heading(t("report.requests", lang), level=1)
    _table(
        doc,
        [t("col.request", lang), t("col.region", lang), t("col.capability", lang), t("col.submitted", lang),
         t("kpi.time_to_decision", lang), t("kpi.time_to_first_on_scene", lang), t("col.outcome", lang)],
        [[r["request"], r["region"], r["asked"], r["submitted"]["t"], r["decision"], r["on_scene"], r["outcome"]]
         for r in ctx["requests"]],
        [1.8, 5.5, 3, 2.5, 3, 3, 7.9],
    )  # fmt: skip
    return _stable(doc)


def _stable(doc: Any) -> bytes:
    """The .docx with fixed zip timestamps, so the same report gives the same bytes."""
    raw = io.BytesIO()
    doc.save(raw)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(raw.getvalue())) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():  # keep the order: [Content_Types].xml first
            fixed = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()
