"""Cross-checks pydantic cannot do alone: references between parts, ids, cycles, ENDEX.

Each problem points at the value that is wrong, through the same mark table as syntax errors.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from typing import Any

from sim.exercise.errors import Issue
from sim.exercise.injectspec import ReallocationOrder, payload_fields
from sim.exercise.models import Exercise
from sim.exercise.reference import find_place
from sim.exercise.times import format_t
from sim.exercise.yamlsafe import Marks, path_str

__all__ = ["check_semantics", "did_you_mean"]

_PAYLOAD_NAMES = ("crisis", "level", "request", "capacity", "mt1", "hub", "reallocate")
_REQUEST_ID = re.compile(r"^R\d{3,}$")  # a request id the model numbers at run time


def _a(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def did_you_mean(name: str, known: Iterable[Any]) -> str:
    names = sorted(str(k) for k in known)
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    if close:
        return f"; did you mean {close[0]!r}?"
    if 0 < len(names) <= 8:
        return f"; known: {', '.join(names)}"
    return ""


class _Checker:
    def __init__(self, ex: Exercise, marks: Marks) -> None:
        self.ex = ex
        self.marks = marks
        self.issues: list[Issue] = []

    def err(self, path: tuple[Any, ...], message: str, *, at_key: bool = False) -> None:
        where = self.marks.key(path) if at_key else self.marks.value(path)
        self.issues.append(Issue(where, path_str(path), message))

    def ref(
        self,
        path: tuple[Any, ...],
        value: str | None,
        table: Iterable[Any],
        what: str,
        *,
        at_key: bool = False,
    ) -> None:
        if value is None:
            return
        known = list(table)
        if value in known:
            return
        removed = {"region": self.ex.remove.regions, "capability": self.ex.remove.capabilities}
        if value in removed.get(what, ()):
            self.err(path, f"{what} {value!r} is removed by 'remove:'", at_key=at_key)
        else:
            self.err(path, f"unknown {what} {value!r}{did_you_mean(value, known)}", at_key=at_key)

    def site_ok(self, path: tuple[Any, ...], site: Any, region: str | None) -> None:
        """A named site is a gazetteer place, in ``region`` when one is given."""
        if not isinstance(site, str):
            return
        found = find_place(self.ex.places, site)
        if found is None:
            names = [p.name for p in self.ex.places.values()]
            self.err(path, f"unknown place {site!r}{did_you_mean(site, names)}")
        elif region is not None and found[1].region != region:
            self.err(path, f"place {site!r} lies in {found[1].region}, not in {region}")

    def unique(self, section: str, items: list[Any], what: str, base: tuple[Any, ...] = ()) -> None:
        seen: dict[str, int] = {}
        for i, item in enumerate(items):
            if item.id in seen:
                self.err(
                    (*(base or (section,)), i, "id"),
                    f"duplicate {what} id {item.id!r} (first at {section}[{seen[item.id]}])",
                )
            else:
                seen[item.id] = i

    def run(self) -> list[Issue]:
        ex = self.ex
        if ex.exercise.ladder not in ex.ladders:
            self.ref(("exercise", "ladder"), ex.exercise.ladder, ex.ladders, "escalation ladder")
            return self.issues
        self.unique("crises", ex.crises, "crisis")
        self.unique("injects", ex.injects, "inject")
        objectives = ex.exercise.objectives
        self.unique("exercise.objectives", objectives, "objective", ("exercise", "objectives"))
        seen_obj = {o.id for o in objectives}
        for i, o in enumerate(objectives):
            self.ref(
                ("exercise", "objectives", i, "capability"),
                o.capability,
                ex.capabilities,
                "capability",
            )
        self.capabilities()
        self.hub()
        self.crises()
        self.injects(seen_obj)
        return self.issues

    def capabilities(self) -> None:
        ex = self.ex
        if "GENERIC" in ex.capabilities:
            self.err(
                ("capabilities", "GENERIC"),
                "the id GENERIC is reserved for the generic manpower pool (ICMS/VCMS ramp)",
                at_key=True,
            )
        for cid, cap in ex.capabilities.items():
            for j, need in enumerate(cap.needs):
                if need in ex.remove.capabilities and not self.marks.has(("capabilities", cid)):
                    # a standard capability needs a removed one: point at the removal
                    k = ex.remove.capabilities.index(need)
                    self.err(
                        ("remove", "capabilities", k),
                        f"{cid} needs {need}: remove {cid} as well, or keep {need}",
                    )
                    continue
                self.ref(("capabilities", cid, "needs", j), need, ex.capabilities, "capability")
            for j, tag in enumerate(cap.tags):
                self.ref(("capabilities", cid, "tags", j), tag, ex.tags, "effect tag")
            if cap.mode == "air" and cap.speed_kmh is None:
                self.err(("capabilities", cid, "speed_kmh"), "an air capability needs speed_kmh")

    def hub(self) -> None:
        ex = self.ex
        from sim.policies_registry import POLICY_NAMES

        self.ref(("hub", "policy"), ex.hub.policy, POLICY_NAMES, "policy")
        for cid, n in ex.hub.mt1_reserved.items():
            path = ("hub", "mt1_reserved", cid)
            if cid not in ex.capabilities:
                self.err(
                    path,
                    f"unknown capability {cid!r}{did_you_mean(cid, ex.capabilities)}",
                    at_key=True,
                )
            elif not 0 <= n <= ex.capabilities[cid].units:
                self.err(path, f"reserves {n} units but {cid} has {ex.capabilities[cid].units}")

    def level_ok(self, path: tuple[Any, ...], level: int | None) -> None:
        ladder = self.ex.ladder
        if level is not None and not ladder.min_level <= level <= ladder.max_level:
            self.err(
                path,
                f"level {level} is not on the ladder {self.ex.exercise.ladder!r} ({ladder.min_level}-{ladder.max_level})",
            )

    def crises(self) -> None:
        ex = self.ex
        end = ex.exercise.duration
        for i, c in enumerate(ex.crises):
            base = ("crises", i)
            for j, r in enumerate(c.regions):
                self.ref((*base, "regions", j), r, ex.regions, "region")
            for j, r in enumerate(c.regions):
                if r in c.regions[:j]:
                    self.err((*base, "regions", j), f"region {r!r} is listed twice")
            self.site_ok((*base, "site"), c.site, None if len(c.regions) > 1 else c.regions[0])
            for region, site in c.sites.items():
                path = (*base, "sites", region)
                if region not in c.regions:
                    self.err(
                        path,
                        f"region {region!r} is not one of the regions of crisis {c.id!r} "
                        f"({', '.join(c.regions)})",
                        at_key=True,
                    )
                    continue  # the region is the mistake; its place is not checked against it
                self.site_ok(path, site, region)
            if isinstance(c.site, str) and len(c.regions) > 1:
                found = find_place(ex.places, c.site)
                if found is not None and found[1].region not in c.regions:
                    self.err(
                        (*base, "site"),
                        f"place {c.site!r} lies in {found[1].region}, not in the regions of "
                        f"crisis {c.id!r} ({', '.join(c.regions)})",
                    )
            self.level_ok((*base, "start_level"), c.start_level)
            self.level_ok((*base, "escalation", "max_level"), c.escalation.max_level)
            self.level_ok((*base, "escalation", "end_below"), c.escalation.end_below)
            if c.onset is not None and c.onset > end:
                self.err(
                    (*base, "onset"), f"onset {format_t(c.onset)} is after ENDEX ({format_t(end)})"
                )
            total = 0
            empty = False
            for level, spec in c.levels.items():
                lpath = (*base, "levels", level)
                if not ex.ladder.min_level <= level <= ex.ladder.max_level:
                    self.err(
                        lpath,
                        f"level {level} is not on the ladder ({ex.ladder.min_level}-{ex.ladder.max_level})",
                        at_key=True,
                    )
                if spec.dwell is None and not spec.demand:
                    empty = True
                    self.err(
                        (*lpath, "demand"),
                        "empty demand: give 'tag: quantity' pairs or leave the level out",
                    )
                for tag, qty in spec.demand.items():
                    if tag not in ex.tags:
                        self.err(
                            (*lpath, "demand", tag),
                            f"unknown effect tag {tag!r}{did_you_mean(tag, ex.tags)}",
                            at_key=True,
                        )
                    if qty < 1:
                        self.err((*lpath, "demand", tag), f"demand must be at least 1, got {qty}")
                    total += max(qty, 0)
            has_demand = any(s.demand for s in c.levels.values())
            if c.auto_requests and total == 0 and not empty and not has_demand:
                self.err(
                    (*base, "levels") if c.levels else base,
                    f"crisis {c.id!r} has no demand at any level; give levels.N.demand or set auto_requests: false",
                    at_key=not c.levels,
                )

    def reallocation(
        self, path: tuple[Any, ...], order: ReallocationOrder, crisis_ids: list[str]
    ) -> None:
        """Capability, unit ids, crises and requests of a reallocate inject exist."""
        ex = self.ex
        self.ref((*path, "capability"), order.capability, ex.capabilities, "capability")
        self.ref((*path, "from_crisis"), order.from_crisis, crisis_ids, "crisis")
        self.ref((*path, "to_crisis"), order.to_crisis, crisis_ids, "crisis")
        requests = [j.id for j in ex.injects if j.type == "request"]
        for key in ("from_request", "to_request"):
            value = getattr(order, key)
            if value is not None and not _REQUEST_ID.match(str(value)):
                self.ref((*path, key), value, requests, "request inject")
        if isinstance(order.units, list):
            known = [
                f"{cid}-{n}"
                for cid, cap in ex.capabilities.items()
                if order.capability in (None, cid)
                for n in range(1, cap.units + 1)
            ]
            for k, unit in enumerate(order.units):
                self.ref((*path, "units", k), unit, known, "unit")
        cap = ex.capabilities.get(order.capability or "")
        if isinstance(order.units, int) and cap is not None and order.units > cap.units:
            self.err(
                (*path, "units"),
                f"{order.units} x {order.capability} ordered, but the exercise has {cap.units}",
            )
        same = order.from_crisis is not None and order.from_crisis == order.to_crisis
        if same or (order.from_request is not None and order.from_request == order.to_request):
            where = "crisis" if same else "request"
            self.err(path, f"the order moves units from a {where} to the same {where}")

    def injects(self, objectives: set[str]) -> None:
        ex = self.ex
        end = ex.exercise.duration
        crisis_ids = [c.id for c in ex.crises]
        inject_ids = [j.id for j in ex.injects]
        for i, inj in enumerate(ex.injects):
            base = ("injects", i)
            if inj.time is not None and inj.time > end:
                self.err(
                    (*base, "time"),
                    f"inject at {format_t(inj.time)} is after ENDEX ({format_t(end)})",
                )
            needed = payload_fields(inj.type)
            for name in needed:
                if getattr(inj, name) is None:
                    self.err(base, f"{_a(inj.type)} {inj.type} inject needs '{name}'", at_key=True)
            for name in _PAYLOAD_NAMES:
                if (
                    name not in needed
                    and getattr(inj, name) is not None
                    and not (name == "crisis" and inj.type in {"information", "decision_point"})
                ):
                    self.err(
                        (*base, name),
                        f"'{name}' is not used by {_a(inj.type)} {inj.type} inject",
                        at_key=True,
                    )
            self.ref((*base, "crisis"), inj.crisis, crisis_ids, "crisis")
            if inj.level is not None:
                self.level_ok((*base, "level"), inj.level)
            for j, o in enumerate(inj.objectives):
                self.ref((*base, "objectives", j), o, objectives, "objective")
            if inj.request is not None:
                r, rp = inj.request, (*base, "request")
                self.ref((*rp, "region"), r.region, ex.regions, "region")
                self.ref((*rp, "crisis"), r.crisis, crisis_ids, "crisis")
                self.ref((*rp, "capability"), r.capability, ex.capabilities, "capability")
                self.site_ok((*rp, "site"), r.site, r.region)
                for j, tag in enumerate(r.tags):
                    self.ref((*rp, "tags", j), tag, ex.tags, "effect tag")
                if (
                    r.crisis is not None
                    and r.crisis in crisis_ids
                    and r.region not in ex.crisis(r.crisis).regions
                ):
                    regions = ", ".join(ex.crisis(r.crisis).regions)
                    self.err(
                        (*rp, "region"),
                        f"region {r.region!r} is not one of the regions of crisis {r.crisis!r} "
                        f"({regions})",
                    )
            if inj.capacity is not None:
                self.ref(
                    (*base, "capacity", "capability"),
                    inj.capacity.capability,
                    ex.capabilities,
                    "capability",
                )
            if inj.mt1 is not None:
                self.ref(
                    (*base, "mt1", "capability"), inj.mt1.capability, ex.capabilities, "capability"
                )
            if inj.reallocate is not None:
                self.reallocation((*base, "reallocate"), inj.reallocate, crisis_ids)
            if inj.hub is not None and inj.hub.policy is not None:
                from sim.policies_registry import POLICY_NAMES

                self.ref((*base, "hub", "policy"), inj.hub.policy, POLICY_NAMES, "policy")
            if inj.trigger is not None:
                tp = (*base, "trigger")
                if inj.trigger.after is not None:
                    self.ref((*tp, "after"), inj.trigger.after, inject_ids, "inject")
                    if inj.trigger.after == inj.id:
                        self.err((*tp, "after"), "an inject cannot trigger itself")
                cond = inj.trigger.when
                if cond is not None:
                    cp = (*tp, "when")
                    for k, v in (cond.region_level or {}).items():
                        self.ref((*cp, "region_level", k), k, ex.regions, "region", at_key=True)
                        self.level_ok((*cp, "region_level", k), v)
                    for k, v in (cond.crisis_level or {}).items():
                        self.ref((*cp, "crisis_level", k), k, crisis_ids, "crisis", at_key=True)
                        self.level_ok((*cp, "crisis_level", k), v)
                    for k in cond.free_units_below or {}:
                        self.ref(
                            (*cp, "free_units_below", k),
                            k,
                            ex.capabilities,
                            "capability",
                            at_key=True,
                        )
                    for name in ("request_denied", "request_queued"):
                        v = getattr(cond, name)
                        if v not in (None, "any"):
                            self.ref((*cp, name), v, ex.regions, "region")
        self.cycles()

    def cycles(self) -> None:
        after = {j.id: j.trigger.after for j in self.ex.injects if j.trigger and j.trigger.after}
        index = {j.id: i for i, j in enumerate(self.ex.injects)}
        reported: set[str] = set()
        for start in after:
            chain, node = [start], after.get(start)
            while node is not None and node not in chain and node in after:
                chain.append(node)
                node = after.get(node)
            if node is not None and node in chain and start not in reported:
                cycle = chain[chain.index(node) :]
                if len(cycle) > 1 and start == min(cycle):  # self-triggers: reported above
                    reported.update(cycle)
                    self.err(
                        ("injects", index[start], "trigger", "after"),
                        "trigger cycle: "
                        + " -> ".join([*cycle, cycle[0]])
                        + " (none of them can ever fire)",
                    )


def check_semantics(exercise: Exercise, marks: Marks) -> list[Issue]:
    """All cross-reference problems in a validated exercise."""
    return _Checker(exercise, marks).run()
