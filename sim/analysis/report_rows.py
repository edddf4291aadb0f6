"""The report's rows: the run's tables turned into display strings for the HTML and Word reports.

``ReportRows`` formats times, durations, regions and labels once; the HTML template and the
Word writer only lay the rows out, so both show the same values.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import pandas as pd

from sim.analysis.kpis import OUTCOMES, set_off_lines, summary_lines
from sim.analysis.labels import region_label, t, t_or
from sim.analysis.reasons import reason_label
from sim.analysis.summary import bounded_duration
from sim.analysis.tables import RunTables
from sim.analysis.timefmt import calendar_label, format_duration, format_t

if TYPE_CHECKING:
    from sim.exercise import Exercise

__all__ = ["ReportRows"]


def _text(value: Any, empty: str = "–") -> str:
    """A table cell: the value as text, ``empty`` for None, NaN and the empty string."""
    return empty if _missing(value) or value == "" else str(value)


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


class ReportRows:
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
