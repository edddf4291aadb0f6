"""Need, civil cover and military cover per crisis and region, and what stays unmet.

Need comes from the crisis level (``levels[N].demand``; a level without its own entry keeps the
nearest lower level's demand) and is split evenly over the crisis's regions [INF]. Each region
covers what it can with its civil capacity first (subsidiarity [S15][S25]); crises in one region
share that capacity in exercise order. Units on scene add military cover for the tags of the
request they serve. Emits a ``demand`` event whenever the picture of a crisis in a region changes,
including why the region does not ask for a need it cannot cover (``not_asked``, requests.py).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from itertools import repeat
from typing import Protocol

import simpy

from sim.exercise.models import Crisis
from sim.exercise.reference import Region, TagInfo
from sim.journal import Recorder
from sim.model.entities import Unit
from sim.model.rounding import round6

__all__ = ["DemandBook"]

Key = tuple[str, str]  # (crisis id, region id)
Wanted = list[tuple[str, str]]  # (tag, route) a region would ask for if short


class DemandChange(Protocol):
    """The request desk's ``on_demand_change``: ``wanted`` is what ``assess`` found."""

    def __call__(self, crisis_id: str, region: str, *, wanted: Wanted | None = None) -> None: ...


_NONE: dict[str, int] = {}  # read-only stand-in for "no entry"


class DemandBook:
    def __init__(
        self,
        env: simpy.Environment,
        record: Recorder,
        crisis_specs: dict[str, Crisis],
        regions: Mapping[str, Region],
        tags: Mapping[str, TagInfo],
        tag_measure: Callable[[str], str],
        tag_life_safety: Callable[[str], bool],
    ) -> None:
        self.env = env
        self.record = record
        self.crisis_specs = crisis_specs
        self.regions = regions
        self.tags = tags
        self.tag_measure = tag_measure
        self.tag_life_safety = tag_life_safety
        # plain tables of what every publication reads (a pydantic attribute read is slow)
        self._life_crisis = {cid: spec.life_safety for cid, spec in crisis_specs.items()}
        self._civil_kind = {tag: info.civil for tag, info in tags.items()}
        self._civil_means: dict[str, dict[str, int]] = {}
        self.need: dict[Key, dict[str, int]] = {}
        self.civil: dict[Key, dict[str, int]] = {}
        self.military: dict[Key, dict[str, int]] = {}
        self.share: dict[Key, float] = {}
        self.life_unmet: dict[Key, bool] = {}
        self._last: dict[Key, tuple[object, ...]] = {}
        # unit -> (its request, whom it supports, its (tag, amount) pairs): see contribution()
        self._contribution: dict[Unit, tuple[object, object, tuple[tuple[str, int], ...]]] = {}
        self.version = 0  # changes whenever an unmet share does
        # time-averaged unmet share per crisis since the start of its current dwell
        self._keys: dict[str, list[Key]] = {}  # crisis -> its (crisis, region) keys
        self._acc: dict[str, list[float]] = {}  # crisis -> [integral, t_last, share_now, t_start]

    def connect(
        self,
        active_crises_in: Callable[[str], list[str]],
        assess: Callable[[str, str, list[str]], tuple[dict[str, str], Wanted]],
        on_demand_change: DemandChange,
    ) -> None:
        """The crises (which are active where) and the request desk, built after the book:
        ``assess`` gives why the region does not ask for unmet tags and what it would ask for;
        the book journals the first and hands the second to ``on_demand_change``."""
        self.active_crises_in = active_crises_in
        self.assess = assess
        self.on_demand_change = on_demand_change

    # -- need ---------------------------------------------------------------------------
    def level_demand(self, crisis_id: str, level: int) -> dict[str, int]:
        spec = self.crisis_specs[crisis_id]
        candidates = [lv for lv in spec.levels if lv <= level and spec.levels[lv].demand]
        return dict(spec.levels[max(candidates)].demand) if candidates else {}

    def set_level(self, crisis_id: str, level: int | None) -> None:
        """Set the need of a crisis in each of its regions for its new level (None: ended)."""
        spec = self.crisis_specs[crisis_id]
        demand = self.level_demand(crisis_id, level) if level is not None else {}
        n = len(spec.regions)
        for region in spec.regions:
            self.need[(crisis_id, region)] = {tag: math.ceil(q / n) for tag, q in demand.items()}
        for region in spec.regions:
            self.recompute(region, changed=crisis_id)

    # -- military cover -----------------------------------------------------------------
    def contribution_tags(self, unit: Unit) -> list[str]:
        req = unit.request
        assert req is not None
        if unit.support_for is not None:
            return list(unit.tags)
        cap_tags = unit.tags
        shared = [t for t in req.tags if t in cap_tags]
        return shared or list(req.tags[:1])

    def unit_amount(self, unit: Unit, tag: str) -> int:
        return unit.size if self.tag_measure(tag) == "persons" else 1

    def contribution(self, unit: Unit) -> tuple[tuple[str, int], ...]:
        """(tag, amount) a tasked unit adds to its site's military cover, remembered while it
        serves the same request in the same role: every gap computation reads it for every
        unit on its way, and the tags and amounts change only with those."""
        req, support = unit.request, unit.support_for
        hit = self._contribution.get(unit)
        if hit is not None and hit[0] is req and hit[1] is support:
            return hit[2]
        out = tuple((tag, self.unit_amount(unit, tag)) for tag in self.contribution_tags(unit))
        self._contribution[unit] = (req, support, out)
        return out

    def add_unit(self, unit: Unit, sign: int) -> None:
        req = unit.request
        if req is None or req.crisis is None:
            return
        key = (req.crisis, req.region)
        mil = self.military.setdefault(key, {})
        for tag, amount in self.contribution(unit):
            mil[tag] = mil.get(tag, 0) + sign * amount
        if req.crisis in self.active_crises_in(req.region):
            # military cover does not move civil capacity between crises: only this one changes
            self._publish(key)

    # -- the picture ----------------------------------------------------------------------
    def recompute(self, region: str, changed: str | None = None) -> None:
        """Allocate the region's civil capacity over its active crises; emit changes.

        With ``changed`` (the crisis whose need changed), only that crisis and those whose civil
        share moved are published: the others show exactly what they showed before.
        """
        means = self._civil_means.get(region)
        if means is None:  # a region's civil means are fixed: dumped once, copied per pass
            means = self._civil_means[region] = self.regions[region].civil.model_dump()
        civil_left = dict(means)
        for crisis_id in self.active_crises_in(region):
            key = (crisis_id, region)
            need = self.need.get(key, {})
            civil: dict[str, int] = {}
            for tag, q in need.items():
                kind = self._civil_kind.get(tag)
                if kind is None:
                    continue
                take = min(q, civil_left.get(kind, 0))
                civil_left[kind] = civil_left.get(kind, 0) - take
                civil[tag] = take
            if changed is None or crisis_id == changed or self.civil.get(key) != civil:
                self.civil[key] = civil
                self._publish(key)

    def refresh(self, key: Key) -> None:
        """Publish again if something other than the numbers changed (why a need is not asked)."""
        if key in self._last:
            self._publish(key)

    def uncovered(self, key: Key) -> list[str]:
        """Tags of a site whose need its civil means and the units on scene do not cover."""
        civil = self.civil.get(key, _NONE)
        military = self.military.get(key, _NONE)
        return [
            tag
            for tag, n in self.need.get(key, _NONE).items()
            if n - civil.get(tag, 0) - military.get(tag, 0) > 0
        ]

    def _publish(self, key: Key) -> None:
        crisis_id, region = key
        need = self.need.get(key, _NONE)
        civil = self.civil.get(key, _NONE)
        mil = self.military.get(key, _NONE)
        listed = []  # (tag, need, civil, military) per tag: the signature's rows
        shares = []  # unmet share per tag with unmet need (the others add 0.0)
        life = False
        life_crisis = self._life_crisis[crisis_id]
        unmet_tags = []
        for tag, n in need.items():  # one pass: this runs on every change of every site
            c, m = civil.get(tag, 0), mil.get(tag, 0)
            listed.append((tag, n, c, m))
            if n - c - m > 0:
                shares.append((n - c - m) / n)
                unmet_tags.append(tag)
                if life_crisis and not life and self.tag_life_safety(tag):
                    life = True
        rows = tuple(listed)
        # NOTE: sum() over the list, not a running total: from Python 3.12 sum() of floats is
        # compensated, so a running total would change the journals recorded there
        share = round6(sum(shares) / len(rows)) if rows else 0.0
        not_asked, wanted = self.assess(crisis_id, region, unmet_tags) if unmet_tags else ({}, [])
        signature = (share, life, rows, not_asked)
        if self._last.get(key) == signature:
            return  # most calls: nothing this crisis shows in this region changed
        tags = {
            tag: {"need": n, "civil": c, "military": m, "unmet": n - c - m if n - c - m > 0 else 0}
            for tag, n, c, m in rows
        }
        self._last[key] = signature
        if self.share.get(key) != share:
            self.version += 1  # priorities read the shares: caches compare this
        self.share[key] = share
        self.life_unmet[key] = life
        self._update_crisis_share(crisis_id)
        self.record(
            "demand",
            self.env.now,
            crisis=crisis_id,
            region=region,
            value=share,
            qty=len(unmet_tags),
            detail={"tags": tags, "life_safety_unmet": life, "not_asked": not_asked},
        )
        self.on_demand_change(crisis_id, region, wanted=wanted)  # nothing it read changed since

    # -- time-averaged unmet share, for escalation ----------------------------------------
    def crisis_share(self, crisis_id: str) -> float:
        keys = self._keys.get(crisis_id)
        if keys is None:
            regions = self.crisis_specs[crisis_id].regions
            keys = self._keys[crisis_id] = [(crisis_id, r) for r in regions]
        return sum(map(self.share.get, keys, repeat(0.0))) / len(keys)

    def _update_crisis_share(self, crisis_id: str) -> None:
        now = self.env.now
        acc = self._acc.get(crisis_id)
        if acc is None:
            self._acc[crisis_id] = [0.0, now, self.crisis_share(crisis_id), now]
            return
        acc[0] += acc[2] * (now - acc[1])
        acc[1] = now
        acc[2] = self.crisis_share(crisis_id)

    def start_dwell(self, crisis_id: str) -> None:
        now = self.env.now
        self._acc[crisis_id] = [0.0, now, self.crisis_share(crisis_id), now]

    def dwell_share(self, crisis_id: str) -> float:
        """Unmet share averaged over time since the dwell started."""
        now = self.env.now
        acc = self._acc.get(crisis_id)
        if acc is None:
            return self.crisis_share(crisis_id)
        integral = acc[0] + acc[2] * (now - acc[1])
        span = now - acc[3]
        return integral / span if span > 0 else acc[2]
