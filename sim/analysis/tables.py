"""The journal as tidy pandas tables: one row per interval, step, request, inject or decision.

Everything downstream (KPIs, the timeline, the report) reads these tables, never the raw events,
so the rules for turning a stream of state changes into intervals live in one place:
an interval lasts from one event to the next event of the same thing (unit, region, crisis ×
region) and the last one to ENDEX. Times stay float minutes since STARTEX; formatting is the
presenter's job. Event kinds and fields: ``docs/journal.md``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from sim.analysis.journaltables import (
    REQUEST_STATES,
    Event,
    JournalError,
    RunInfo,
    detail_of,
    events_by_kind,
    run_info,
    validate_journal,
)
from sim.analysis.tables_requests import (
    REQUEST_PHASES,
    decision_table,
    request_marks,
    request_phases,
    request_table,
)
from sim.analysis.tables_world import (
    capacity_series,
    crisis_levels,
    crisis_spans,
    demand_intervals,
    hub_outages,
    inject_table,
    mt1_table,
    queue_series,
    reallocation_table,
    region_level_intervals,
    region_levels,
    unit_intervals,
)

__all__ = [
    "REQUEST_PHASES",
    "REQUEST_STATES",
    "JournalError",
    "RunInfo",
    "RunTables",
    "build_tables",
    "capacity_series",
    "crisis_levels",
    "crisis_spans",
    "decision_table",
    "demand_intervals",
    "detail_of",
    "hub_outages",
    "inject_table",
    "mt1_table",
    "queue_series",
    "reallocation_table",
    "region_level_intervals",
    "region_levels",
    "request_marks",
    "request_phases",
    "request_table",
    "run_info",
    "unit_intervals",
    "validate_journal",
]


# --- everything at once ------------------------------------------------------------------------


@dataclass(frozen=True)
class RunTables:
    """All tables of one journal, built once and shared by KPIs, figures and the report."""

    events: Sequence[Event]
    info: RunInfo
    units: pd.DataFrame
    requests: pd.DataFrame
    phases: pd.DataFrame
    marks: pd.DataFrame
    decisions: pd.DataFrame
    region_steps: pd.DataFrame
    region_bands: pd.DataFrame
    crises: pd.DataFrame
    crisis_spans: pd.DataFrame
    demand: pd.DataFrame
    capacity: pd.DataFrame
    queue: pd.DataFrame
    outages: pd.DataFrame
    mt1: pd.DataFrame
    reallocations: pd.DataFrame
    injects: pd.DataFrame


def build_tables(events: Sequence[Event], *, validate: bool = True) -> RunTables:
    """Validate the journal and build every table (one pass per table, no model objects)."""
    if validate:
        validate_journal(events)
    info = run_info(events)
    groups = events_by_kind(events)
    end = info.t_end

    def of(*kinds: str) -> list[Event]:
        if len(kinds) == 1:
            return groups.get(kinds[0], [])
        return [e for e in events if e["kind"] in kinds]

    requestish = of("request", "decision")
    steps = region_levels(of("region"))
    crises = crisis_levels(of("crisis"))
    return RunTables(
        events=events,
        info=info,
        units=unit_intervals(of("unit"), end),
        requests=request_table(requestish),
        phases=request_phases(of("request", "decision", "unit"), end),
        marks=request_marks(requestish),
        decisions=decision_table(of("decision")),
        region_steps=steps,
        region_bands=region_level_intervals(steps, end),
        crises=crises,
        crisis_spans=crisis_spans(crises, end),
        demand=demand_intervals(of("crisis", "demand"), end),
        capacity=capacity_series(of("capacity")),
        queue=queue_series(of("queue")),
        outages=hub_outages(of("hub"), end),
        mt1=mt1_table(of("mt1")),
        reallocations=reallocation_table(of("reallocation")),
        injects=inject_table(of("inject")),
    )
