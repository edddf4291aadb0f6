"""The after-action report (evaluatierapport): one self-contained HTML file per run.

Everything is in the one file (figures as base64 PNG ``<img>``, styles inline, no scripts, no
links to other files), so a facilitator can mail it or open it offline. Jinja2 renders it with
autoescaping on: inject titles and messages are typed by exercise designers and must never be
able to inject markup. The figures and tables come from the journal (``kpis``,
``draw_timeline``); the exercise adds names and training objectives when it is available.
The three after-action sections are left empty (editable in the browser) for the evaluators.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from jinja2 import Environment, PackageLoader

from sim import __version__
from sim.analysis import figstyle as fs
from sim.analysis.kpis import OUTCOMES, kpis_from_tables, set_off_lines, summary_lines
from sim.analysis.labels import check_language, region_label, t, t_or
from sim.analysis.reasons import reason_label
from sim.analysis.runread import RunDir, load_run, output_stem
from sim.analysis.summary import bounded_duration
from sim.analysis.tables import Event, RunTables, build_tables
from sim.analysis.timefmt import calendar_label, format_duration, format_t
from sim.fileio import write_text_atomic

if TYPE_CHECKING:
    from sim.exercise import Exercise

__all__ = ["render_report", "report_context", "write_report", "write_report_for"]

_MANIFEST_KEYS = ("version", "tool_version", "command", "overrides", "exercise_sha256")
"""run.json fields shown in the overview (seed and policy are already among the run facts)."""


def write_report(run_dir: str | Path, lang: str = "en", formats: Sequence[str] = ("html",)) -> Path:
    """Write ``report.html`` (``report.<lang>.html`` for other languages; ``.docx`` with
    ``formats``) into the run folder."""
    return write_report_for(load_run(run_dir), lang, formats=formats)


def write_report_for(
    run: RunDir,
    lang: str = "en",
    *,
    tables: RunTables | None = None,
    kpi_tables: dict[str, pd.DataFrame] | None = None,
    timeline_png: bytes | None = None,
    map_png: bytes | None = None,
    formats: Sequence[str] = ("html",),
) -> Path:
    """``write_report`` for a run folder already loaded (``render_run`` shares its tables).

    ``formats``: ``html`` and/or ``docx``; returns the last path written. A malformed
    ``aar.yaml`` raises ``sim.analysis.aar.AarError`` (``FILE:LINE:COL`` lines)."""
    context = report_context(
        run.events,
        run.exercise,
        lang,
        tables=tables,
        kpi_tables=kpi_tables,
        timeline_png=timeline_png,
        map_png=map_png,
        run_id=run.run_id,
        manifest=run.manifest,
        problem=run.exercise_problem if run.exercise is None else None,
        run=run,
    )
    path = run.path
    for fmt in formats:
        path = run.path / f"{output_stem('report', lang)}.{fmt}"
        if fmt == "docx":
            from sim.analysis.report_docx import docx_bytes
            from sim.fileio import write_bytes_atomic

            write_bytes_atomic(path, docx_bytes(context, lang))
        else:
            write_text_atomic(path, _html(context, lang))
    return path


def render_report(
    events: Sequence[Event],
    exercise: Exercise | None = None,
    lang: str = "en",
    **kwargs: Any,
) -> str:
    """The report as one HTML string (figures embedded)."""
    return _html(report_context(events, exercise, lang, **kwargs), lang)


def _html(context: dict[str, Any], lang: str) -> str:
    env = Environment(
        loader=PackageLoader("sim.analysis", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    template = env.get_template("report.html.j2")
    return template.render(**context, t=lambda key, **kw: t(key, lang, **kw))


def report_context(
    events: Sequence[Event],
    exercise: Exercise | None = None,
    lang: str = "en",
    *,
    tables: RunTables | None = None,
    kpi_tables: dict[str, pd.DataFrame] | None = None,
    timeline_png: bytes | None = None,
    map_png: bytes | None = None,
    run_id: str | None = None,
    manifest: dict[str, Any] | None = None,
    problem: str | None = None,
    run: RunDir | None = None,
) -> dict[str, Any]:
    """Everything the HTML and Word reports show, as display strings and PNG bytes."""
    check_language(lang)
    T = tables if tables is not None else build_tables(events)
    K = kpi_tables if kpi_tables is not None else kpis_from_tables(T, exercise, lang)
    if timeline_png is None:
        from sim.analysis.timeline import draw_timeline_tables

        timeline_png = fs.figure_bytes(draw_timeline_tables(T, exercise, lang), "png")
    if map_png is None:
        from sim.analysis.mapfig import draw_map

        map_png = fs.figure_bytes(draw_map(T.events, exercise, lang), "png")
    from sim.analysis.aar import load_aar
    from sim.analysis.aar_evidence import facilitator_actions, objective_rows, session_notes
    from sim.analysis.heatmap import draw_heatmap_table
    from sim.analysis.notasked import crisis_sites, not_asked_rows

    heat = draw_heatmap_table(K["heatmap"], exercise, lang, travel=K.get("heatmap_travel"))
    heat_png = fs.figure_bytes(heat, "png")
    aar = load_aar(run.aar_path, exercise) if run is not None else None
    decisions = run.decisions() if run is not None else []
    notes = run.notes() if run is not None else []
    context = _Context(T, K, exercise, lang).build()
    context.update(
        timeline_png=timeline_png,
        heatmap_png=heat_png,
        timeline_img=_data_uri(timeline_png),
        heatmap_img=_data_uri(heat_png),
        map_png=map_png,
        map_img=_data_uri(map_png),
        run_id=run_id or "",
        manifest=[
            (t_or(f"manifest.{key}", key, lang), _manifest_value(manifest[key]))
            for key in _MANIFEST_KEYS
            if manifest and manifest.get(key) not in (None, "", [])
        ],
        problem=problem,
        version=__version__,
        aar_objectives=objective_rows(T, exercise, decisions, notes, aar, lang),
        session_notes=session_notes(notes, lang),
        facilitator_actions=facilitator_actions(decisions, lang),
        sites=crisis_sites(T.events, exercise),
        not_asked=not_asked_rows(T.events, exercise, lang),
        aar=_aar_view(aar, lang),
    )
    return context


def _aar_view(aar: Any, lang: str) -> dict[str, Any] | None:
    """The evaluators' lists and plan as display strings (None: no aar.yaml yet)."""
    if aar is None:
        return None
    return {
        "evaluators": ", ".join(aar.evaluators),
        "strengths": list(aar.strengths),
        "improvements": list(aar.improvements),
        "plan": [
            {
                "issue": p.issue,
                "action": p.corrective_action,
                "element": t(f"aar.element.{p.capability_element}", lang),
                "responsible": p.responsible,
                "start": p.start.isoformat() if p.start else "–",
                "completion": p.completion.isoformat() if p.completion else "–",
            }
            for p in aar.improvement_plan
        ],
    }


def _manifest_value(value: Any) -> str:
    """A run.json value for people: lists (the command, overrides) joined with spaces."""
    if isinstance(value, list | tuple):
        return " ".join(str(v) for v in value)
    return str(value)


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _text(value: Any, empty: str = "–") -> str:
    """A table cell: the value as text, ``empty`` for None, NaN and the empty string."""
    return empty if _missing(value) or value == "" else str(value)


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


class _Context:
    """Turns tables into rows of display strings; the template only lays them out."""

    def __init__(
        self, T: RunTables, K: dict[str, pd.DataFrame], exercise: Exercise | None, lang: str
    ) -> None:
        self.T, self.K, self.ex, self.lang = T, K, exercise, lang
        self.start = T.info.start

    def when(self, minutes: Any) -> dict[str, str]:
        if _missing(minutes):
            return {"t": "–", "clock": ""}
        clock = calendar_label(self.start, float(minutes), self.lang) if self.start else ""
        return {"t": format_t(float(minutes)), "clock": clock}

    def dur(self, minutes: Any) -> str:
        return "–" if _missing(minutes) else format_duration(float(minutes), self.lang)

    def region(self, rid: Any) -> str:
        return "–" if _missing(rid) else region_label(self.ex, str(rid))

    def build(self) -> dict[str, Any]:
        info, lang = self.T.info, self.lang
        title = self.ex.exercise.title if self.ex is not None else info.title
        facts = [
            (t("run.exercise", lang), info.exercise),
            (t("run.seed", lang), "–" if info.seed is None else str(info.seed)),
            (
                t("run.policy", lang),
                t("run.players", lang, policy=info.policy or "–")
                if info.decider == "players"
                else info.policy or "–",
            ),
            (t("report.startex", lang), self.when(0.0)["clock"] or "T+00:00"),
            (t("report.endex", lang), format_t(info.endex)),
            (t("report.ladder", lang), info.ladder or "–"),
            (
                t("report.regions_involved", lang),
                ", ".join(self.region(r) for r in info.regions) or "–",
            ),
        ]
        return {
            "lang": lang,
            "title": title,
            "exercise_id": info.exercise,
            "description": self.ex.exercise.description.strip() if self.ex is not None else "",
            "facts": facts,
            "objectives": self.objectives(),
            "summary": summary_lines(self.K, lang),
            "outcomes": [
                (t(f"outcome.{o}", lang), int((self.T.requests["outcome"] == o).sum()))
                for o in OUTCOMES
            ],
            "msel": self.msel(),
            "decisions": self.decisions(),
            "regions": self.regions(),
            "capabilities": self.capabilities(),
            "requests": self.requests(),
        }

    def objectives(self) -> list[dict[str, Any]]:
        if self.ex is None:
            return []
        injects = self.T.injects
        rows = []
        for obj in self.ex.exercise.objectives:
            linked = [
                f"{r.inject} ({t(f'inject_state.{r.state}', self.lang)})"
                for r in injects.itertuples(index=False)
                if str(obj.id) in r.objectives
            ]
            rows.append({"id": str(obj.id), "text": obj.text, "injects": ", ".join(linked)})
        return rows

    def msel(self) -> list[dict[str, Any]]:
        lang, rows = self.lang, []
        lines = set_off_lines(self.T, lang)
        seqs = self.T.injects["seq"].tolist()
        for seq, r in zip(seqs, self.K["injects"].itertuples(index=False), strict=True):
            if not _missing(r.scheduled):
                planned = format_t(float(r.scheduled))
            elif isinstance(r.trigger, str) and r.trigger:
                planned = f"{t('report.trigger', lang)}: {r.trigger}"
            else:
                planned = t("report.manual", lang)
            rows.append(
                {
                    "id": r.inject,
                    "planned": planned,
                    "fired": self.when(r.t) if r.state != "not_reached" else self.when(None),
                    "state": t(f"inject_state.{r.state}", lang),
                    "state_class": r.state,
                    "type": t_or(f"inject_type.{r.type}", str(r.type), lang),
                    "title": r.title,
                    "message": self._message(r.inject),
                    "expected": r.expected_action,
                    "objectives": r.objectives,
                    "reason": r.reason if isinstance(r.reason, str) else "",
                    "set_off": lines.get(seq, []),
                }
            )
        return rows

    def _message(self, inject: str) -> str:
        hit = self.T.injects.loc[self.T.injects["inject"] == inject, "message"]
        return str(hit.iloc[0]) if len(hit) else ""

    def decisions(self) -> list[dict[str, Any]]:
        lang, rows = self.lang, []
        for d in self.T.decisions.itertuples(index=False):
            granted = f"{d.capability} ×{d.qty}" if isinstance(d.capability, str) else "–"
            rows.append(
                {
                    "when": self.when(d.t),
                    "request": d.request,
                    "region": self.region(d.region),
                    "decision": t_or(f"decision.{d.state}", str(d.state), lang),
                    "state_class": d.state,
                    "asked": d.requested_capability
                    if isinstance(d.requested_capability, str)
                    else "–",
                    "granted": granted,
                    "units": ", ".join(d.units),
                    "decider": _text(d.decider),
                    "priority": "–" if _missing(d.priority) else f"{float(d.priority):.2f}",
                    "reason": reason_label(d.reason, lang),
                }
            )
        return rows

    def regions(self) -> list[dict[str, Any]]:
        lang, rows = self.lang, []
        for r in self.K["regions"].itertuples(index=False):
            rows.append(
                {
                    "region": self.region(r.region),
                    "peak": r.peak_code or "–",
                    "unmet": self.dur(r.hours_unmet * 60),
                    "unmet_ls": self.dur(r.hours_unmet_life_safety * 60),
                    "requests": r.requests,
                    "served": r.served,
                    "denied": r.denied,
                    "open": r.open,
                    "decision": bounded_duration(
                        r.median_time_to_decision_min, r.median_time_to_decision_lower_bound, lang
                    ),
                    "waited": self.dur(r.hours_waited * 60),
                }
            )
        return rows

    def capabilities(self) -> list[dict[str, Any]]:
        rows = []
        for c in self.K["capabilities"].itertuples(index=False):
            own = not _missing(c.units) and c.units > 0
            avail = c.unit_hours_available if own and c.unit_hours_available > 0 else None

            def share(hours: float, avail: float | None = avail) -> str:
                return "–" if avail is None else f"{hours / avail:.0%}"

            rows.append(
                {
                    "capability": c.capability,
                    "name": c.name,
                    "units": str(int(c.units)) if own else t("kpi.pool", self.lang),
                    "utilisation": "–" if _missing(c.utilisation) else f"{c.utilisation:.0%}",
                    "on_scene": share(c.unit_hours_on_scene),
                    "committed": share(c.unit_hours_committed),
                    "returning": share(c.unit_hours_returning),
                    "in_use": f"{c.unit_hours_in_use:.1f}",
                    "available": f"{c.unit_hours_available:.1f}" if own else "–",
                    "saturated": self.dur(c.hours_saturated * 60),
                    "requests": c.requests,
                    "denials": c.denials,
                    "sub_away": c.substituted_away,
                    "sub_in": c.substituted_in,
                    "reallocations": c.reallocations,
                    "mt1": c.mt1_conflicts,
                }
            )
        return rows

    def requests(self) -> list[dict[str, Any]]:
        lang, rows = self.lang, []
        for r in self.K["requests"].itertuples(index=False):
            rows.append(
                {
                    "request": r.request,
                    "region": self.region(r.region),
                    "crisis": r.crisis or "–",
                    "asked": r.capability if isinstance(r.capability, str) else "–",
                    "granted": r.granted_capability
                    if isinstance(r.granted_capability, str)
                    else "–",
                    "route": r.route or "–",
                    "life_safety": t("col.yes" if r.life_safety else "col.no", lang),
                    "submitted": self.when(r.submitted),
                    "decision": bounded_duration(r.time_to_decision_min, r.decision_censored, lang),
                    "on_scene": bounded_duration(
                        r.time_to_first_on_scene_min, r.on_scene_censored, lang
                    ),
                    "queued": bounded_duration(r.queued_min, bool(r.queued_censored), lang)
                    if r.queued_min
                    else "–",
                    "outcome": t_or(f"outcome.{r.outcome}", str(r.outcome), lang)
                    + (f": {t(f'open_state.{r.open_state}', lang)}" if r.open_state else ""),
                    "outcome_class": r.outcome,
                    "units": r.units,
                    "reason": reason_label(r.reason, lang),
                }
            )
        return rows
