"""The smallest valid exercise around injects imported from an MSEL without ``--into``.

An MSEL lists injects; an exercise also needs metadata, objectives and the crises the injects
name. This module supplies exactly what validation requires, from the sheet where it can (its
metadata tab, its calendar column, the requests' regions) and as marked placeholders
otherwise. The file header it writes tells the planner what to check; ``msel import --into``
is the way to keep a real scenario.
"""

from __future__ import annotations

import math
import re
from datetime import datetime
from typing import Any

from sim.exercise.base import is_reserved_name
from sim.exercise.models import CRISIS_KINDS
from sim.exercise.reference import standard_reference
from sim.exercise.times import format_t

__all__ = ["SKELETON_HEADER", "skeleton_data", "slug"]

SKELETON_HEADER = """\
# yaml-language-server: $schema=exercise.schema.json
#
# Exercise skeleton written by `ttx msel import` from {sheet}.
# The MSEL holds injects only; what this file adds so that it validates - check and complete it:
#   - exercise id, title, start and ENDEX: from the workbook's Exercise sheet when present,
#     otherwise the file name, the calendar-time column and the last timed inject + 1 h;
#   - objectives the sheet names but does not describe get a placeholder text;
#   - one placeholder crisis per crisis the injects name: dormant if an inject starts it,
#     kind guessed from its name and texts, regions from its requests (else region names in
#     its injects, else VR09), no demand (auto_requests: false). Give levels.N.demand to let
#     the simulator escalate it and ask for bijstand on its own.
"""

_KIND_WORDS: dict[str, tuple[str, ...]] = {
    "flood": ("flood", "hoogwater", "overstroming", "dijk", "dike", "rivier", "maas", "waal"),
    "wildfire": ("wildfire", "natuurbrand", "bosbrand", "heide", "peel", "meinweg", "veluwe"),
    "electricity": ("electricity", "power", "stroom", "outage", "blackout", "black-out"),
    "digital": ("cyber", "digital", "digitaal", "malware", "hack"),
    "terrorism": ("terror", "terreur", "aanslag", "attack", "shot", "schiet", "dreiging"),
    "hns": ("hns", "convoy", "konvooi", "host nation"),
    "military_hybrid": ("hybrid", "hybride", "sabotage"),
    "infectious_disease": ("pandemic", "pandemie", "virus", "infect", "covid"),
    "aviation": ("aviation", "luchtvaart", "aircraft", "vliegtuig", "plane crash"),
    "gas_oil": ("gas", "oil", "olie"),
}
_FALLBACK_REGION = "VR09"


def slug(text: str) -> str:
    """An exercise id from a file name: letters, digits, ``_ . -``, at most 64 characters,
    never a name Windows reserves for a device (``con.xlsx`` gives ``con-msel``)."""
    out = re.sub(r"[^A-Za-z0-9_.\-]+", "-", text).strip("-._")[:64].rstrip("-._")
    if is_reserved_name(out):
        out = out.replace(".", "-", 1).rstrip("-") + "-msel"
    return out or "msel-import"


def _guess_kind(crisis: str, texts: list[str]) -> str:
    for haystack in (crisis.lower(), " ".join(texts).lower()):
        for kind, words in _KIND_WORDS.items():
            if any(w in haystack for w in words):
                return kind
    return CRISIS_KINDS[0]


def _regions_named(texts: list[str]) -> list[str]:
    regions = standard_reference()["regions"]
    text = " ".join(texts)
    found = []
    for rid, region in regions.items():
        if re.search(rf"\b{re.escape(rid)}\b", text) or region["name"] in text:
            found.append(rid)
    return found


def _crisis_refs(injects: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    refs: dict[str, list[dict[str, Any]]] = {}
    for inj in injects:
        request = inj.get("request") or {}
        for name in (inj.get("crisis"), request.get("crisis")):
            if isinstance(name, str):
                refs.setdefault(name, []).append(inj)
        when = (inj.get("trigger") or {}).get("when") or {}
        for name in (when.get("crisis_level") or {}) if isinstance(when, dict) else ():
            refs.setdefault(str(name), [])
    return refs


def _crisis(name: str, injects: list[dict[str, Any]]) -> dict[str, Any]:
    texts = [str(inj.get(k, "")) for inj in injects for k in ("title", "message", "to", "from")]
    regions: list[str] = []
    for inj in injects:
        region = (inj.get("request") or {}).get("region")
        if isinstance(region, str) and region not in regions:
            regions.append(region)
    regions = regions or _regions_named(texts) or [_FALLBACK_REGION]
    dormant = any(inj.get("type") == "crisis_onset" for inj in injects)
    return {
        "id": name,
        "kind": _guess_kind(name, texts),
        "name": f"{name} (placeholder from the MSEL)",
        "regions": regions,
        "onset": None if dormant else "T+00:00",
        "start_level": 1,
        "auto_requests": False,
    }


def _endex(minutes: list[float]) -> str:
    last = max(minutes, default=0.0)
    return format_t(max(60.0, math.ceil((last + 60.0) / 60.0) * 60.0))


def skeleton_data(
    injects: list[dict[str, Any]],
    times: list[float],
    *,
    exercise_id: str,
    title: str,
    start: datetime | None,
    duration: str | None,
    objectives: dict[str, str],
) -> dict[str, Any]:
    """A whole exercise in file form around ``injects`` (whose timed minutes are ``times``)."""
    named = {str(o) for inj in injects for o in inj.get("objectives", [])}
    texts = dict(objectives)
    for oid in sorted(named - texts.keys()):
        texts[oid] = f"Objective {oid} from the MSEL (describe it)"
    meta: dict[str, Any] = {"id": exercise_id, "title": title}
    meta["description"] = "Imported from an MSEL spreadsheet; crises are placeholders."
    if start is not None:
        meta["start"] = start
    meta["duration"] = duration or _endex(times)
    meta["objectives"] = [{"id": oid, "text": text} for oid, text in texts.items()]
    crises = [_crisis(name, refs) for name, refs in _crisis_refs(injects).items()]
    return {"exercise": meta, "crises": crises, "injects": injects}
