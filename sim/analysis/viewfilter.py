"""Choose what a timeline shows: some regions, capabilities or crises (``ttx plot --regions``).

The tables are cut, not the drawing: a region filter keeps that region's level bands, its
crises and its requests (and their bars); a capability filter keeps those units, capacity
lanes and main-task-1 claims; a crisis filter keeps those crises and their requests. Injects
stay (the strip is the shared story), so does the hub queue (it is national). Names that the
run never mentions are refused, so a typo does not silently give an empty figure.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

import pandas as pd

from sim.analysis.tables import RunTables

__all__ = ["filter_tables", "known_names"]


def known_names(T: RunTables) -> dict[str, set[str]]:
    """Region, capability and crisis ids the run mentions (for checking a filter)."""
    regions = set(T.region_steps["region"].dropna()) | set(T.requests["region"].dropna())
    regions |= set(T.info.regions)
    caps = set(T.units["capability"].dropna()) | set(T.capacity["capability"].dropna())
    caps |= set(T.requests["capability"].dropna()) | set(T.info.capabilities)
    crises = set(T.crisis_spans["crisis"].dropna()) | set(T.requests["crisis"].dropna())
    return {"regions": regions, "capabilities": caps, "crises": crises}


def _check(kind: str, asked: set[str], known: set[str]) -> None:
    unknown = sorted(asked - known)
    if unknown:
        choices = ", ".join(sorted(known)) or "none"
        raise ValueError(f"{kind}: not in this run: {', '.join(unknown)} (the run has {choices})")


def _in_any(cell: object, keep: set[str]) -> bool:
    return isinstance(cell, list | tuple) and any(x in keep for x in cell)


def filter_tables(
    T: RunTables,
    regions: Iterable[str] | None = None,
    capabilities: Iterable[str] | None = None,
    crises: Iterable[str] | None = None,
    requests: Iterable[str] | None = None,
) -> RunTables:
    """The tables with only the chosen regions, capabilities and crises (None: all).

    ValueError (one line) names a region, capability or crisis the run does not have."""
    known = known_names(T)
    req = T.requests
    keep_req = pd.Series(True, index=req.index)
    out = T
    if regions is not None:
        chosen = set(regions)
        _check("--regions", chosen, known["regions"])
        keep_req &= req["region"].isin(chosen)
        spans = T.crisis_spans[T.crisis_spans["regions"].map(lambda r: _in_any(r, chosen))]
        out = replace(
            out,
            region_steps=T.region_steps[T.region_steps["region"].isin(chosen)],
            region_bands=T.region_bands[T.region_bands["region"].isin(chosen)],
            demand=T.demand[T.demand["region"].isin(chosen)],
            crisis_spans=spans.assign(
                regions=spans["regions"].map(lambda r: [x for x in r if x in chosen])
            ),
        )
    if crises is not None:
        chosen = set(crises)
        _check("--crises", chosen, known["crises"])
        keep_req &= req["crisis"].isin(chosen)
        out = replace(
            out,
            crisis_spans=out.crisis_spans[out.crisis_spans["crisis"].isin(chosen)],
            crises=out.crises[out.crises["crisis"].isin(chosen)],
            demand=out.demand[out.demand["crisis"].isin(chosen)],
        )
    if capabilities is not None:
        chosen = set(capabilities)
        _check("--capabilities", chosen, known["capabilities"])
        asked = req["capability"].fillna(req["granted_capability"])
        keep_req &= asked.isin(chosen) | req["granted_capability"].isin(chosen)
        out = replace(
            out,
            units=T.units[T.units["capability"].isin(chosen)],
            capacity=T.capacity[T.capacity["capability"].isin(chosen)],
            mt1=T.mt1[T.mt1["capability"].isin(chosen)],
            reallocations=T.reallocations[T.reallocations["capability"].isin(chosen)],
        )
    if requests is not None:  # a projector page with part of a busy region's requests
        keep_req &= req["request"].isin(set(requests))
    if regions is None and crises is None and capabilities is None and requests is None:
        return T
    kept = set(req.loc[keep_req, "request"])
    return replace(
        out,
        requests=req[keep_req],
        phases=T.phases[T.phases["request"].isin(kept)],
        marks=T.marks[T.marks["request"].isin(kept)],
    )
