"""The report's summary tables, defined once for the HTML and the Word report.

Each table (the outcomes under the key figures, the regions, the needs no region asked for and
the capabilities) is a heading, a note, labelled columns and rows of display strings taken from
the report context (``report_rows.ReportRows``, ``notasked.not_asked_rows``): the template
and ``report_docx`` lay out the same ``ReportTable``, so the two reports cannot disagree on a
heading, a column or a number.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sim.analysis.labels import t

__all__ = ["SUMMARY_TABLES", "Column", "ReportTable", "summary_tables"]


@dataclass(frozen=True)
class Column:
    """A column: its label, and how a cell is shown (right-aligned number, kept on one line,
    bold)."""

    label: str
    num: bool = False
    nowrap: bool = False
    strong: bool = False


@dataclass(frozen=True)
class ReportTable:
    """One table as both reports show it (``heading`` and ``note`` may be empty)."""

    heading: str
    note: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[str, ...], ...]


def _cells(row: dict[str, Any], keys: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(str(row[k]) for k in keys)


def _outcomes(ctx: dict[str, Any], lang: str) -> ReportTable:
    return ReportTable(
        heading="",
        note="",
        columns=(Column(t("col.outcome", lang)), Column(t("kpi.requests", lang), num=True)),
        rows=tuple((label, str(count)) for label, count in ctx["outcomes"]),
    )


_REGION_KEYS = ("region", "peak", "unmet", "unmet_ls", "requests", "served", "denied", "open",
                "decision", "waited")  # fmt: skip


def _regions(ctx: dict[str, Any], lang: str) -> ReportTable:
    median = f"{t('kpi.time_to_decision', lang)} ({t('summary.median', lang)})"
    labels = [t(f"kpi.{k}", lang) for k in ("hours_unmet", "hours_unmet_life_safety", "requests",
                                            "served", "denied", "open")]  # fmt: skip
    return ReportTable(
        heading=t("report.regions", lang),
        note="",
        columns=(
            Column(t("col.region", lang)),
            Column(t("kpi.peak_level", lang)),
            *(Column(label, num=True) for label in labels),
            Column(median, num=True),
            Column(t("kpi.hours_waited", lang), num=True),
        ),
        rows=tuple(_cells(r, _REGION_KEYS) for r in ctx["regions"]),
    )


def _not_asked(ctx: dict[str, Any], lang: str) -> ReportTable:
    return ReportTable(
        heading=t("report.not_asked", lang),
        note=t("report.not_asked_note", lang),
        columns=(
            Column(t("col.region", lang)),
            Column(t("col.crisis", lang)),
            Column(t("report.effect", lang)),
            Column(t("report.why", lang)),
            Column(t("report.how_long", lang), num=True),
        ),
        rows=tuple(
            _cells(r, ("region", "crisis", "tag", "reason", "hours")) for r in ctx["not_asked"]
        ),
    )


_CAPABILITY_KEYS = ("capability", "name", "units", "utilisation", "on_scene", "committed",
                    "returning", "in_use", "available", "saturated", "requests", "denials",
                    "sub_away", "sub_in", "reallocations", "mt1")  # fmt: skip
_CAPABILITY_KPIS = ("on_scene_share", "committed_share", "returning_share", "unit_hours_in_use",
                    "unit_hours_available", "hours_saturated", "requests", "denials",
                    "substituted_away", "substituted_in", "reallocations", "mt1_conflicts")  # fmt: skip


def _capabilities(ctx: dict[str, Any], lang: str) -> ReportTable:
    return ReportTable(
        heading=t("report.capabilities", lang),
        note="",
        columns=(
            Column(t("col.capability_name", lang), nowrap=True),
            Column(t("col.name", lang)),
            Column(t("kpi.units", lang), num=True),
            Column(t("kpi.utilisation", lang), num=True, strong=True),
            *(Column(t(f"kpi.{k}", lang), num=True) for k in _CAPABILITY_KPIS),
        ),
        rows=tuple(_cells(c, _CAPABILITY_KEYS) for c in ctx["capabilities"]),
    )


SUMMARY_TABLES: dict[str, Callable[[dict[str, Any], str], ReportTable]] = {
    "outcomes": _outcomes,
    "regions": _regions,
    "not_asked": _not_asked,
    "capabilities": _capabilities,
}
"""The tables both reports show, by name (the order is the reports' order)."""


def summary_tables(ctx: dict[str, Any], lang: str) -> dict[str, ReportTable]:
    """The summary tables of a report context, by name (``SUMMARY_TABLES``)."""
    return {name: build(ctx, lang) for name, build in SUMMARY_TABLES.items()}
