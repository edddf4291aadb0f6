"""Regions asking for military assistance, and the life of each request.

Subsidiarity (§8.3 rule 1): a region asks only for the part of a crisis's need that its civil
capacity and the requests already underway do not cover, and only once the team of the ladder's
request level (the ROT under GRIP) is active. The RMOA's advice is the nearest capability that
delivers the effect; the route follows the effect (Wvr art. 51 by default, Politiewet 57 for KMar
police tasks, 58 for guarding, MSOB for other support) and the requester follows the route
(§8.3 rule 2). After a denial a region does not ask again for that effect until the level changes.
Scripted request injects arrive at the LOCC directly: the players or EXCON drafted them. The gaps
themselves, and the reasons a region does not ask, are in ``subsidiarity.py``.

Collaborators come through ``connect(DeskParts)`` before t = 0: the desk reads the crises, the
demand picture, Defence and the hub, most built after it, so one small dataclass of exactly the
parts it uses replaces the world it used to hold.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sim.exercise.models import Crisis, Exercise, RequestSpec
from sim.exercise.reference import Ladder
from sim.model.entities import Request
from sim.model.sites import Site, resolve
from sim.model.subsidiarity import site_gaps

if TYPE_CHECKING:
    import simpy

    from sim.journal import Recorder
    from sim.model.crises import Crises
    from sim.model.defence import Defence
    from sim.model.demand import DemandBook
    from sim.model.hub import Hub
    from sim.model.rng import Streams

__all__ = ["REQUESTER_FOR_ROUTE", "DeskParts", "RequestDesk"]

REQUESTER_FOR_ROUTE = {
    "WVR51": "voorzitter_VR",
    "PW57": "burgemeester",
    "PW58": "burgemeester",
    "PW59": "OvJ",
    "MSOB": "burgemeester",
}


_NONE: dict[str, int] = {}  # a site with no entry: read only


@dataclass
class DeskParts:
    """What the request desk works with: the clock, journal and streams, the exercise (tags, sites,
    hub steps), the crises (levels, teams), the demand picture (gaps), Defence (units on their way,
    the RMOA's advice, release) and the hub (submit, forget)."""

    env: simpy.Environment
    record: Recorder
    streams: Streams
    ex: Exercise
    ladder: Ladder
    crisis_specs: dict[str, Crisis]
    demand: DemandBook
    crises: Crises
    defence: Defence
    hub: Hub
    active_crises_in: Callable[[str], list[str]]
    tag_measure: Callable[[str], str]
    tag_life_safety: Callable[[str], bool]


class RequestDesk:
    def __init__(self, exercise: Exercise) -> None:
        self.all: list[Request] = []
        self._drafting: set[tuple[str, str, str]] = set()
        self.open_at: dict[tuple[str | None, str], list[Request]] = {}  # (crisis, region) -> open
        # (crisis, region) -> tag -> open requests asking for it (kept with open_at)
        self._asking: dict[tuple[str | None, str], dict[str, int]] = {}
        self.denied_in: set[str] = set()  # regions (and "any") that had a request denied
        self.queued_in: set[str] = set()  # regions (and "any") that had a request queued
        self._denied_at_level: dict[tuple[str, str, str], int | None] = {}
        self._asks: dict[str, int] = {}  # stream stem -> requests made under it so far
        self._deliverable_cache: dict[tuple[str, str], str | None] = {}
        self._sites: dict[tuple[str, str | None, str | None], Site] = {}

    # -- creating requests ------------------------------------------------------------------

    def connect(self, ctx: DeskParts) -> None:
        """The parts it works with, handed in before t = 0 (a dataclass: it needs many)."""
        self.ctx = ctx
        self._record, self._env = ctx.record, ctx.env  # read on every request event
        # plain tables of what every demand change reads (a pydantic attribute read is slow)
        self._route: dict[str, str] = {tag: info.route for tag, info in ctx.ex.tags.items()}
        self._auto = {cid: spec.auto_requests for cid, spec in ctx.crisis_specs.items()}

    def _new(self, stem: str, site: Any = None, **kw: Any) -> Request:
        """A new request; ``stem`` names what it asks for independently of the policy (the
        crisis, region and effect, or the inject), and its n-th ask gets stream ``stem/n``.
        ``site`` is the request's own site reference, if it names one (sites.py)."""
        seq = len(self.all) + 1
        n = self._asks[stem] = self._asks.get(stem, 0) + 1
        req = Request(
            id=f"R{seq:03d}", seq=seq, created=self.ctx.env.now, stream=f"{stem}/{n}", **kw
        )
        req.site = self._site(req.region, req.crisis, site)
        tag = req.tags[0]
        req.measure = self.ctx.tag_measure(tag)
        self.all.append(req)
        self.open_at.setdefault((req.crisis, req.region), []).append(req)
        asking = self._asking.setdefault((req.crisis, req.region), {})
        for t in req.tags:
            asking[t] = asking.get(t, 0) + 1
        return req

    def _site(self, region: str, crisis_id: str | None, ref: Any) -> Site:
        """The request's site (sites.resolve), once per region, crisis and named place: a site
        named by place is looked up in the gazetteer by folded name."""
        key = (region, crisis_id, ref) if ref is None or isinstance(ref, str) else None
        site = self._sites.get(key) if key is not None else None
        if site is None:
            crisis = self.ctx.crisis_specs.get(crisis_id) if crisis_id else None
            site = resolve(self.ctx.ex, region, crisis, ref)
            if key is not None:
                self._sites[key] = site
        return site

    def emit(self, req: Request, state: str, **detail: Any) -> None:
        req.state = state
        if state == "queued":
            self.queued_in.update(("any", req.region))
        elif state == "closed" and detail.get("outcome") == "denied":
            self.denied_in.update(("any", req.region))
        self._record(
            "request",
            self._env.now,
            request=req.id,
            state=state,
            region=req.region,
            crisis=req.crisis,
            capability=req.capability,
            qty=req.quantity,
            detail=req.detail() | detail if detail else req.detail(),
        )

    def emit_drafted(self, req: Request) -> None:
        """The first event of a request names its site, so the analysis can place it."""
        assert req.site is not None
        self.emit(req, "drafted", site=req.site.detail())

    def scripted(self, spec: RequestSpec, inject_id: str) -> Request:
        ctx = self.ctx
        crisis = ctx.crisis_specs.get(spec.crisis) if spec.crisis else None
        life = spec.life_safety
        if life is None:
            life = bool(
                crisis and crisis.life_safety and any(ctx.tag_life_safety(t) for t in spec.tags)
            )
        req = self._new(
            f"request/inject/{inject_id}",
            region=spec.region,
            crisis=spec.crisis,
            route=spec.route,
            requester=spec.requester,
            effect=spec.effect,
            tags=list(spec.tags),
            capability=spec.capability,
            quantity=spec.quantity,
            urgency=spec.urgency,
            life_safety=life,
            scripted=True,
            inject=inject_id,
            duration=spec.duration,
            site=spec.site,
        )
        self.emit_drafted(req)
        ctx.hub.submit(req)
        if req.crisis is not None and req.crisis in ctx.active_crises_in(req.region):
            ctx.demand.refresh((req.crisis, req.region))  # its tags are asked for now
        return req

    # -- subsidiarity ---------------------------------------------------------------------------
    def gaps(
        self,
        crisis_id: str,
        region: str,
        also: tuple[str, ...] = (),
        only: list[str] | None = None,
    ) -> dict[str, int]:
        """The site's gaps per tag (``subsidiarity.site_gaps``)."""
        key = (crisis_id, region)
        return site_gaps(
            self.ctx.demand,
            self.ctx.defence.book.underway_by_request,
            self.open_at.get(key, ()),
            key,
            also,
            only,
        )

    def gap(self, crisis_id: str, region: str, tag: str) -> int:
        return self.gaps(crisis_id, region, (tag,))[tag]

    def on_demand_change(
        self, crisis_id: str, region: str, *, wanted: list[tuple[str, str]] | None = None
    ) -> None:
        """The demand picture changed; ``wanted``: what ``assess`` found the region would ask for
        (if the caller has it: the demand book assesses every change it journals)."""
        if wanted is None:
            self._evaluate(crisis_id, region)
        else:
            self._ask(crisis_id, region, wanted)

    def on_region_change(self, region: str) -> None:
        for crisis_id in self.ctx.active_crises_in(region):
            self._evaluate(crisis_id, region)
            self.ctx.demand.refresh((crisis_id, region))  # a team is up: a reason may be gone

    def _evaluate(self, crisis_id: str, region: str) -> None:
        """Ask for the site's uncovered tags the region may ask for, where they are short."""
        if self._auto[crisis_id] and self.ctx.crises.runs[crisis_id].active:
            self._ask(crisis_id, region, self.assess(crisis_id, region, None, reasons=False)[1])

    def _ask(self, crisis_id: str, region: str, wanted: list[tuple[str, str]]) -> None:
        """Draft a request for each wanted tag that is short (``assess`` left out the tags of a
        crisis without automatic requests, or no longer active)."""
        if not wanted:
            return
        # the gaps as they stand now, for the wanted tags only (a draft started for one tag does
        # not change another's gap before its request is sent)
        gaps = self.gaps(crisis_id, region, only=[tag for tag, _ in wanted])
        for tag, way in wanted:
            if gaps[tag] > 0:
                self._drafting.add((crisis_id, region, tag))
                self._draft_start(crisis_id, region, tag, way, gaps[tag])

    def _deliverable(self, tag: str, route: str) -> str | None:
        """None if some capability delivers ``tag`` on ``route``; else why not (cached: the
        capacity book's capabilities, the generic pool's included, are fixed when it is built;
        injects change units, not capabilities)."""
        key = (tag, route)
        hit = self._deliverable_cache.get(key, "")
        if hit == "":
            book = self.ctx.defence.book
            caps = book.delivering(tag)
            hit = (
                "no_capability"
                if not caps
                else (None if any(book.legal(c, route) for c in caps) else "no_route")
            )
            self._deliverable_cache[key] = hit
        return hit

    def assess(
        self, crisis_id: str, region: str, tags: list[str] | None, reasons: bool = True
    ) -> tuple[dict[str, str], list[tuple[str, str]]]:
        """For a site's uncovered ``tags`` (None: as the demand picture has them): why the region
        does not ask for some ({tag: NOT_ASKED code}), and the (tag, route) pairs it would ask
        for if they are short (it is not drafting one, it was not denied at this level, Defence
        has something for it on its route, and the team that asks is up). Tags it is asking for,
        or will ask for, have no reason; ``reasons=False`` skips the one that needs the gaps.

        NOTE: on the demand event's path, once per change, for both answers: the demand book
        journals the reasons and hands the pairs back (``on_demand_change``) after the event.
        The full gaps are computed only for a wanted tag nobody asks for yet.
        """
        ctx = self.ctx
        if tags is None:
            tags = ctx.demand.uncovered((crisis_id, region))
        if not self._auto[crisis_id]:
            return dict.fromkeys(tags, "no_auto_requests"), []
        out: dict[str, str] = {}
        wanted: list[tuple[str, str]] = []
        run = ctx.crises.runs[crisis_id]
        level = run.level
        gaps: dict[str, int] | None = None
        asked = self._asking.get((crisis_id, region), _NONE)  # tags its open requests ask for
        team_ready: bool | None = None
        drafting, denied, route_of = self._drafting, self._denied_at_level, self._route
        for tag in tags:
            key = (crisis_id, region, tag)
            if key in drafting:
                continue
            if key in denied and denied[key] == level:
                out[tag] = "denied_at_level"
                continue
            route = route_of.get(tag, "WVR51")
            why = self._deliverable(tag, route)
            if why is None and route == "WVR51":
                if team_ready is None:
                    team_ready = ctx.crises.can_request(region)
                if not team_ready:
                    if tag in asked:  # a request asks for it already (a scripted one): no
                        continue  # reason to give, and nothing the region may add yet
                    low = ctx.crises.region(region).level < ctx.ladder.request_level
                    why = "below_request_level" if low else "waiting_for_team"
            if why is None:
                wanted.append((tag, route))
                if reasons and tag not in asked:
                    if gaps is None:
                        gaps = self.gaps(crisis_id, region)
                    if gaps.get(tag, 0) <= 0:
                        why = "covered_by_other"
            if why is not None:
                out[tag] = why
        return out, wanted if run.active else []

    def _draft_start(self, crisis_id: str, region: str, tag: str, route: str, gap: int) -> None:
        """The region (with its RMOA) starts drafting a request for the current ``gap``."""
        ctx = self.ctx
        spec = ctx.crisis_specs[crisis_id]
        req = self._new(
            f"request/{crisis_id}/{region}/{tag}",
            region=region,
            crisis=crisis_id,
            route=route,
            requester=REQUESTER_FOR_ROUTE[route],
            effect=f"{ctx.ex.tags[tag].name} for {spec.name or spec.id}",
            tags=[tag],
            capability=ctx.defence.book.advised_capability(tag, route, region, gap),
            quantity=gap,
            urgency=spec.urgency,
            life_safety=spec.life_safety and ctx.tag_life_safety(tag),
            scripted=False,
            inject=None,
        )
        self.emit_drafted(req)
        ctx.env.process(self._draft(req, tag))

    def _draft(self, req: Request, tag: str) -> Any:
        """After drafting, send what is still needed (the picture may have changed meanwhile)."""
        ctx = self.ctx
        yield ctx.env.timeout(ctx.streams.draw(ctx.ex.hub.drafting, req.stream))
        assert req.crisis is not None
        self._drafting.discard((req.crisis, req.region, tag))
        if not req.open:
            return
        gap = self.gap(req.crisis, req.region, tag) + req.quantity  # not counting itself
        if not ctx.crises.runs[req.crisis].active or gap <= 0:
            self.close(req, "withdrawn", "no longer needed when the draft was ready")
            return
        req.quantity = gap
        ctx.hub.submit(req)

    # -- closing --------------------------------------------------------------------------------
    def close(self, req: Request, outcome: str, reason: str) -> None:
        if not req.open:
            return
        req.outcome = outcome
        self.emit(req, "closed", outcome=outcome, reason=reason)
        self.open_at[(req.crisis, req.region)].remove(req)
        asking = self._asking[(req.crisis, req.region)]
        for t in req.tags:
            asking[t] -= 1
            if not asking[t]:
                del asking[t]
        if outcome == "denied" and req.crisis is not None and not req.scripted:
            run = self.ctx.crises.runs[req.crisis]
            for tag in req.tags:
                self._denied_at_level[(req.crisis, req.region, tag)] = run.level
        self.ctx.hub.forget(req)
        if req.crisis is not None:
            self._evaluate(req.crisis, req.region)  # it returns at once for an ended crisis
            if req.crisis in self.ctx.active_crises_in(req.region):
                self.ctx.demand.refresh((req.crisis, req.region))  # e.g. now denied at this level

    def on_units_gone(self, req: Request, reason: str) -> None:
        """Called when the last unit of a request is released."""
        if any(u.request is req for u in req.units) or self.ctx.hub.is_queued(req):
            return
        if not req.open:
            return
        if not req.ever_on_scene:  # stood down before any unit arrived
            crisis_over = req.crisis is not None and not self.ctx.crises.runs[req.crisis].active
            self.close(req, "withdrawn" if crisis_over else "stood_down", reason)
            return
        self.emit(req, "released", reason=reason)
        outcome = (
            "substituted" if req.substituted else ("partly_served" if req.partial else "served")
        )
        self.close(req, outcome, reason)

    def on_crisis_end(self, crisis_id: str) -> None:
        for req in [r for key, rs in self.open_at.items() if key[0] == crisis_id for r in rs]:
            if req.open:
                if req.units and any(u.request is req for u in req.units):
                    for unit in list(req.units):
                        if unit.request is req:
                            self.ctx.defence.life.release(unit, "crisis ended")
                else:
                    self.close(req, "withdrawn", "crisis ended before assistance arrived")

    def finish(self) -> None:
        for req in self.all:
            if req.open:
                self.emit(req, "open", reason="open at ENDEX")
