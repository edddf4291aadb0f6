"""Hand-made journals for the analysis layer, written through ``sim.journal.Journal``.

Until the simulator lands these stand in for real runs. They follow ``docs/journal.md``: every
record has every key (the Journal fills nulls), ``run_start`` first, ``run_end`` last, times never
go backwards. Capacity and queue events are derived from the unit and request states the
scenario sets, so the lower panels agree with the lanes above them.

``peel_meinweg_events()``: two wildfires (Deurnese Peel in VR22, Meinweg in VR23), six requests
covering every outcome (served, partly served, substituted, denied, open), a reallocation, a
main-task-1 conflict, a hub outage, a skipped and a not-reached inject, and an inject message
carrying ``<script>`` to prove the report escapes user text.

``national_events(...)``: a large synthetic national run for scale tests and the benchmark.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from typing import Any

from sim.journal import Journal

START = "2026-04-20T12:45:00+02:00"
ENDEX = 1800.0

GRIP_LEVELS = [
    {"level": 0, "code": "GRIP0", "name": "GRIP 0 (routine)", "name_nl": "GRIP 0 (dagelijks)"},
    {"level": 1, "code": "GRIP1", "name": "GRIP 1 (incident site)", "name_nl": "GRIP 1 (bron)"},
    {"level": 2, "code": "GRIP2", "name": "GRIP 2 (effect area)", "name_nl": "GRIP 2 (effect)"},
    {"level": 3, "code": "GRIP3", "name": "GRIP 3 (municipality)", "name_nl": "GRIP 3 (gemeente)"},
    {"level": 4, "code": "GRIP4", "name": "GRIP 4 (region)", "name_nl": "GRIP 4 (regio)"},
    {"level": 5, "code": "GRIP5", "name": "GRIP 5 (several regions)", "name_nl": "GRIP 5"},
    {"level": 6, "code": "RIJK", "name": "National", "name_nl": "Nationaal"},
]

IN_USE = {"mobilising", "in_transit", "on_scene", "refuelling", "returning", "resting"}

SCRIPT_MESSAGE = "Omroep Brabant: 'Defensie laat Peel branden' <script>alert('xss')</script>"


class Script:
    """Collects events in any order, then writes them through a Journal in time order.

    After every unit event the capability's ``capacity`` event is added, after every request
    event the hub ``queue`` event, when the numbers change.
    """

    def __init__(self, capabilities: dict[str, dict[str, Any]]) -> None:
        self.capabilities = capabilities
        self._items: list[tuple[float, int, str, dict[str, Any]]] = []
        self.requests: dict[str, dict[str, Any]] = {}

    def add(self, t: float, kind: str, **fields: Any) -> None:
        self._items.append((float(t), len(self._items), kind, fields))

    def request_spec(self, rid: str, **spec: Any) -> None:
        self.requests[rid] = spec

    def req(self, t: float, rid: str, state: str, **extra: Any) -> None:
        spec = self.requests[rid]
        detail = {
            "route": spec.get("route", "WVR51"),
            "requester": spec.get("requester", "voorzitter_VR"),
            "tags": spec["tags"],
            "effect": spec["effect"],
            "urgency": spec.get("urgency", 180.0),
            "life_safety": spec.get("life_safety", False),
            "scripted": spec.get("inject") is not None,
            "inject": spec.get("inject"),
            "priority": spec.get("priority") if state not in ("drafted", "submitted") else None,
        }
        detail.update(extra)
        self.add(
            t,
            "request",
            state=state,
            request=rid,
            region=spec["region"],
            crisis=spec["crisis"],
            capability=spec.get("capability"),
            qty=spec.get("qty", 1),
            detail=detail,
        )

    def steps(self, rid: str, *steps: tuple[float, str]) -> None:
        """Several plain lifecycle steps of one request: ``(t, state)`` pairs."""
        for t, state in steps:
            self.req(t, rid, state)

    def decision(self, t: float, rid: str, state: str, reason: str, **kw: Any) -> None:
        spec = self.requests[rid]
        units = kw.get("units", [])
        self.add(
            t,
            "decision",
            state=state,
            request=rid,
            region=spec["region"],
            crisis=spec["crisis"],
            capability=kw.get("capability"),
            qty=len(units),
            detail={
                "reason": reason,
                "decider": kw.get("decider", "priority"),
                "priority": spec.get("priority"),
                "units": units,
                "requested_capability": spec.get("capability"),
                "requested_units": spec.get("units_needed", spec.get("qty", 1)),
                "alternatives": kw.get("alternatives", []),
            },
        )

    def unit(self, t: float, uid: str, state: str, rid: str | None = None, **kw: Any) -> None:
        spec = self.requests.get(rid) if rid else None
        self.add(
            t,
            "unit",
            state=state,
            unit=uid,
            capability=uid.rsplit("-", 1)[0],
            request=rid,
            region=kw.get("region", spec["region"] if spec else None),
            crisis=kw.get("crisis", spec["crisis"] if spec else None),
            detail={
                "until": kw.get("until"),
                "travel_min": kw.get("travel_min"),
                "distance_km": kw.get("distance_km"),
            },
        )

    def events(self, run_start: dict[str, Any], endex: float) -> list[dict[str, Any]]:
        journal = Journal()
        journal("run_start", 0.0, state="start", detail=run_start)
        units: dict[str, str] = {}
        req_state: dict[str, str] = {}
        last_capacity: dict[str, tuple[int, ...]] = {}
        last_queue: tuple[int, int] | None = None

        def capacity(t: float, cap: str) -> None:
            info = self.capabilities[cap]
            states = [s for u, s in units.items() if u.rsplit("-", 1)[0] == cap]
            reserved = states.count("reserved")
            unavailable = states.count("unavailable")
            in_use = sum(1 for s in states if s in IN_USE)
            available = info["units"] - reserved - unavailable
            key = (in_use, available, reserved, unavailable)
            if last_capacity.get(cap) == key:
                return
            last_capacity[cap] = key
            journal(
                "capacity",
                t,
                capability=cap,
                value=float(in_use),
                qty=available,
                detail={
                    "total": info["units"],
                    "reserved": reserved,
                    "unavailable": unavailable,
                    "in_use": in_use,
                    "free": available - in_use,
                },
            )

        def queue(t: float) -> None:
            nonlocal last_queue
            waiting = sum(1 for s in req_state.values() if s == "submitted")
            queued = sum(1 for s in req_state.values() if s == "queued")
            if last_queue == (waiting, queued):
                return
            last_queue = (waiting, queued)
            journal(
                "queue",
                t,
                value=float(waiting + queued),
                detail={"waiting": waiting, "queued": queued},
            )

        for cap in self.capabilities:
            capacity(0.0, cap)
        queue(0.0)
        for t, _, kind, fields in sorted(self._items, key=lambda item: (item[0], item[1])):
            if t > endex:
                continue
            journal(kind, t, **fields)
            if kind == "unit":
                units[fields["unit"]] = fields["state"]
                capacity(t, fields["capability"])
            elif kind == "request":
                req_state[fields["request"]] = fields["state"]
                queue(t)
        outcomes: dict[str, int] = {}
        open_ids = []
        for e in journal.events:
            if e["kind"] == "request" and e["state"] == "closed":
                outcome = e["detail"]["outcome"]
                outcomes[outcome] = outcomes.get(outcome, 0) + 1
            if e["kind"] == "request" and e["state"] == "open":
                open_ids.append(e["request"])
        if open_ids:
            outcomes["open"] = len(open_ids)
        journal(
            "run_end",
            endex,
            state="end",
            detail={"outcomes": outcomes, "open": open_ids, "events": len(journal)},
        )
        return journal.events


def _inject(s: Script, t: float, iid: str, state: str, itype: str, title: str, **kw: Any) -> None:
    detail = {
        "type": itype,
        "title": title,
        "from": kw.pop("from_", "EXCON"),
        "to": kw.pop("to", ""),
        "method": kw.pop("method", ""),
        "channel": kw.pop("channel", None),
        "message": kw.pop("message", ""),
        "expected_action": kw.pop("expected_action", ""),
        "objectives": kw.pop("objectives", []),
        "visibility": kw.pop("visibility", "players"),
        "reason": kw.pop("reason", None),
        "time": kw.pop("time", t if state != "not_reached" else None),
        "trigger": kw.pop("trigger", None),
    }
    s.add(t, "inject", state=state, inject=iid, detail=detail, **kw)


def _crisis(s: Script, t: float, cid: str, state: str, level: int, frm: int | None, **kw: Any):
    s.add(
        t,
        "crisis",
        state=state,
        crisis=cid,
        region=kw.get("region"),
        level=level,
        detail={
            "from": frm,
            "cause": kw.get("cause", "dwell"),
            "kind": kw.get("kind", "wildfire"),
            "regions": kw.get("regions", [kw.get("region")]),
            "unmet_share": kw.get("unmet_share", 0.0),
        },
    )


def _region(s: Script, t: float, rid: str, level: int, frm: int, crises: list[str]) -> None:
    s.add(
        t, "region", state="level", region=rid, level=level, detail={"from": frm, "crises": crises}
    )


def _demand(
    s: Script, t: float, cid: str, rid: str, tags: dict[str, tuple[int, int, int]], ls: bool
):
    detail_tags = {
        tag: {"need": need, "civil": civil, "military": mil, "unmet": max(0, need - civil - mil)}
        for tag, (need, civil, mil) in tags.items()
    }
    shares = [v["unmet"] / v["need"] for v in detail_tags.values() if v["need"]]
    s.add(
        t,
        "demand",
        crisis=cid,
        region=rid,
        value=sum(shares) / len(shares) if shares else 0.0,
        qty=sum(1 for v in detail_tags.values() if v["unmet"] > 0),
        detail={"tags": detail_tags, "life_safety_unmet": ls},
    )


PEEL_CAPABILITIES: dict[str, dict[str, Any]] = {
    "FBO_CH47": {
        "units": 4,
        "name": "Chinook fire bucket (CH-47F)",
        "tags": ["wildfire", "heavy_lift", "evacuation"],
        "mode": "air",
        "reserved": 0,
    },
    "FBO_COUGAR": {
        "units": 2,
        "name": "Cougar fire bucket (AS532)",
        "tags": ["wildfire", "transport"],
        "mode": "air",
        "reserved": 0,
    },
    "FBO_GROUND": {
        "units": 2,
        "name": "FBO ground crew",
        "tags": ["wildfire_support"],
        "mode": "road",
        "reserved": 0,
    },
    "BDE13": {
        "units": 6,
        "name": "13 Lichte Brigade company",
        "tags": ["manpower", "sandbags", "evacuation", "trucks"],
        "mode": "road",
        "reserved": 1,
    },
    "EOD_LAND": {
        "units": 6,
        "name": "EODD grondgebonden EOD-compagnie team",
        "tags": ["eod", "ied"],
        "mode": "road",
        "reserved": 0,
    },
}


def peel_meinweg_events() -> list[dict[str, Any]]:
    """Two wildfires, six requests, every outcome: the reference journal for analysis tests."""
    s = Script(PEEL_CAPABILITIES)
    for rid, spec in {
        "R001": dict(region="VR22", crisis="peel", capability="FBO_CH47", qty=2, tags=["wildfire"],
                     effect="Water drops at the fire front north of Helenaveen", inject="3",
                     life_safety=True, priority=0.82),
        "R002": dict(region="VR22", crisis="peel", capability="BDE13", qty=32, units_needed=1,
                     tags=["manpower"], effect="Fire breaks around Griendtsveen", priority=0.41),
        "R003": dict(region="VR23", crisis="meinweg", capability="FBO_CH47", qty=2,
                     tags=["wildfire"], effect="Contain the Meinweg fire", life_safety=True,
                     priority=0.74),
        "R004": dict(region="VR23", crisis="meinweg", capability="FBO_CH47", qty=1,
                     tags=["evacuation"], effect="Lift campers out of the Meinweg",
                     life_safety=True, priority=0.91, urgency=60.0),
        "R005": dict(region="VR22", crisis="peel", capability="BDE13", qty=400, units_needed=4,
                     tags=["guarding"], effect="Guard evacuated houses in Helenaveen",
                     priority=0.2),
        "R006": dict(region="VR23", crisis="meinweg", capability="FBO_COUGAR", qty=1,
                     tags=["wildfire"], effect="Douse smouldering peat hot spots", priority=0.3),
    }.items():  # fmt: skip
        s.request_spec(rid, **spec)

    s.unit(0, "BDE13-6", "reserved")
    s.add(0, "hub", state="staff", value=2.0, detail={"staff": 2, "inject": None})

    # Deurnese Peel (VR22)
    _inject(s, 10, "1", "fired", "information", "Fire reported", crisis="peel", region="VR22",
            from_="Meldkamer Brabant-Zuidoost", to="CoPI", method="phone", channel="official",
            message="Heath fire near Griendtsveen, about 5 ha, wind south-east 5 Bft.",
            expected_action="Scale up to GRIP 1; send a CoPI.", objectives=["O2"])  # fmt: skip
    _crisis(s, 10, "peel", "onset", 1, None, region="VR22", cause="onset")
    _region(s, 10, "VR22", 1, 0, ["peel"])
    _demand(s, 10, "peel", "VR22", {"manpower": (30, 30, 0)}, False)
    s.add(40, "team", state="active", region="VR22", level=1, detail={"team": "CoPI"})
    _inject(s, 100, "2", "fired", "escalate", "Fire jumps the canal", crisis="peel",
            region="VR22", message="40 ha burnt; smoke over Helenaveen; care home to evacuate.",
            expected_action="Scale up to GRIP 2; consider a request for air support.",
            objectives=["O1"])  # fmt: skip
    _crisis(s, 100, "peel", "escalate", 2, 1, region="VR22", cause="inject")
    _region(s, 100, "VR22", 2, 1, ["peel"])
    _demand(s, 100, "peel", "VR22", {"wildfire": (1, 0, 0), "manpower": (150, 118, 0)}, True)
    s.add(155, "team", state="active", region="VR22", level=2, detail={"team": "ROT"})

    # R001: scripted request for two Chinooks
    _inject(s, 120, "3", "fired", "request", "Request for fire-bucket helicopters",
            crisis="peel", region="VR22", request="R001", capability="FBO_CH47",
            from_="Voorzitter VR Brabant-Zuidoost", to="LOCC", method="digital request form",
            message="Request for two fire-bucket helicopters to protect Helenaveen.",
            expected_action="LOCC tests route and capacity; Defence answers within the hour.",
            objectives=["O1"])  # fmt: skip
    s.steps(
        "R001", (120, "submitted"), (130, "intake"), (150, "legal_check"), (210, "capacity_check")
    )
    s.decision(265, "R001", "approved", "Life-safety wildfire; 2 Chinooks and a ground crew free",
               capability="FBO_CH47", units=["FBO_CH47-1", "FBO_CH47-2"],
               alternatives=[{"capability": "FBO_COUGAR", "free": 2, "overlap": 0.5,
                              "travel_min": 25.0}])  # fmt: skip
    s.req(295, "R001", "tasked")
    s.unit(295, "FBO_CH47-1", "mobilising", "R001", until=445.0)
    s.unit(295, "FBO_CH47-2", "mobilising", "R001", until=470.0)
    s.unit(295, "FBO_GROUND-1", "mobilising", "R001", until=415.0)
    s.unit(
        415, "FBO_GROUND-1", "in_transit", "R001", until=470.0, travel_min=55.0, distance_km=60.0
    )
    s.unit(445, "FBO_CH47-1", "in_transit", "R001", until=470.0, travel_min=25.0, distance_km=95.0)
    s.unit(470, "FBO_CH47-1", "on_scene", "R001", until=830.0)
    s.unit(470, "FBO_GROUND-1", "on_scene", "R001")
    s.unit(470, "FBO_CH47-2", "in_transit", "R001", until=495.0, travel_min=25.0, distance_km=95.0)
    s.req(470, "R001", "first_on_scene")
    _demand(s, 470, "peel", "VR22", {"wildfire": (1, 0, 1), "manpower": (150, 118, 0)}, False)
    s.unit(495, "FBO_CH47-2", "on_scene", "R001", until=855.0)
    s.unit(830, "FBO_CH47-1", "refuelling", "R001", until=890.0)
    s.unit(855, "FBO_CH47-2", "refuelling", "R001", until=915.0)
    s.unit(890, "FBO_CH47-1", "on_scene", "R001", until=1230.0)
    s.unit(915, "FBO_CH47-2", "on_scene", "R001")

    # R002: the region's own request for manpower
    s.steps(
        "R002",
        (160, "drafted"),
        (190, "submitted"),
        (200, "intake"),
        (215, "legal_check"),
        (290, "capacity_check"),
    )
    s.decision(330, "R002", "approved", "Manpower for fire breaks; Oirschot is close",
               capability="BDE13", units=["BDE13-1"])  # fmt: skip
    s.req(360, "R002", "tasked")
    s.unit(360, "BDE13-1", "mobilising", "R002", until=600.0)
    s.unit(600, "BDE13-1", "in_transit", "R002", until=640.0, travel_min=40.0, distance_km=35.0)
    s.unit(640, "BDE13-1", "on_scene", "R002")
    s.req(640, "R002", "first_on_scene")
    _demand(s, 640, "peel", "VR22", {"wildfire": (1, 0, 1), "manpower": (150, 118, 100)}, False)

    # Meinweg (VR23)
    _inject(s, 300, "7", "fired", "crisis_onset", "Second fire: Meinweg", crisis="meinweg",
            region="VR23", message="Fire in the Meinweg national park; campsite at risk.",
            expected_action="VR23 scales up; LOCC weighs two fires against 4 Chinooks.",
            objectives=["O2"])  # fmt: skip
    _crisis(s, 300, "meinweg", "onset", 2, None, region="VR23", cause="inject", unmet_share=1.0)
    _region(s, 300, "VR23", 2, 0, ["meinweg"])
    _demand(s, 300, "meinweg", "VR23", {"wildfire": (2, 0, 0), "evacuation": (120, 40, 0)}, True)
    s.add(330, "team", state="active", region="VR23", level=2, detail={"team": "ROT"})
    _inject(s, 360, "5", "fired", "information", "Regional TV live from the fire",
            channel="media", message=SCRIPT_MESSAGE,
            expected_action="Crisis communication; explain how scarce helicopters are used.")  # fmt: skip
    _crisis(s, 600, "meinweg", "escalate", 3, 2, region="VR23", unmet_share=1.0)
    _region(s, 600, "VR23", 3, 2, ["meinweg"])
    s.add(660, "team", state="active", region="VR23", level=3, detail={"team": "GBT"})

    # R003: queued for want of a ground crew, then substituted by manpower
    s.steps("R003", (330, "drafted"), (345, "submitted"), (360, "intake"), (380, "legal_check"))
    _inject(s, 420, "8", "fired", "capacity_change", "Ground-crew vehicle breaks down",
            capability="FBO_GROUND", message="One FBO ground-crew vehicle is out of service.",
            expected_action="Hub re-plans: can a second fire site still be served?")  # fmt: skip
    s.unit(420, "FBO_GROUND-2", "unavailable")
    s.req(430, "R003", "capacity_check")
    _inject(s, 435, "4", "fired", "decision_point", "No free ground crew",
            message="Gilze-Rijen: both FBO ground crews committed; more helicopters cannot fly.",
            expected_action="Ask for the effect (fire breaks by manpower), not more helicopters.",
            objectives=["O2"], time=None,
            trigger="when free_units_below FBO_GROUND 1, delay 15m")  # fmt: skip
    s.decision(470, "R003", "queued", "No free ground crew (FBO_GROUND) for a second fire site")
    s.req(470, "R003", "queued")
    s.req(700, "R003", "capacity_check")
    s.decision(760, "R003", "substitute",
               "No ground crew for Chinooks; fire breaks by manpower instead (the effect)",
               capability="BDE13", units=["BDE13-2", "BDE13-3"])  # fmt: skip
    s.req(790, "R003", "tasked")
    s.unit(790, "BDE13-2", "mobilising", "R003", until=1000.0)
    s.unit(790, "BDE13-3", "mobilising", "R003", until=1000.0)
    s.unit(1000, "BDE13-2", "in_transit", "R003", until=1060.0, travel_min=60.0, distance_km=70.0)
    s.unit(1000, "BDE13-3", "in_transit", "R003", until=1060.0, travel_min=60.0, distance_km=70.0)
    s.unit(1060, "BDE13-2", "on_scene", "R003")
    s.unit(1060, "BDE13-3", "on_scene", "R003")
    s.req(1060, "R003", "first_on_scene")
    _demand(s, 1060, "meinweg", "VR23", {"wildfire": (2, 0, 0), "evacuation": (120, 40, 100)}, True)

    # R004: life-safety evacuation served by reallocating R001's second Chinook
    s.steps(
        "R004",
        (805, "drafted"),
        (820, "submitted"),
        (830, "intake"),
        (850, "legal_check"),
        (870, "capacity_check"),
    )
    s.decision(900, "R004", "approved",
               "Life-safety evacuation outranks R001's second Chinook: reallocate",
               capability="FBO_CH47", units=["FBO_CH47-2"])  # fmt: skip
    move = {"unit": "FBO_CH47-2", "capability": "FBO_CH47", "request": "R004", "region": "VR23",
            "detail": {"from_request": "R001", "from_region": "VR22", "latency": 150.0,
                       "authority": "unclear", "priority_new": 0.91,
                       "priority_current": 0.55}}  # fmt: skip
    s.add(900, "reallocation", state="ordered", **move)
    s.req(910, "R004", "tasked")
    s.add(1050, "reallocation", state="effective", **move)
    s.unit(
        1050, "FBO_CH47-2", "in_transit", "R004", until=1080.0, travel_min=30.0, distance_km=110.0
    )
    s.unit(1080, "FBO_CH47-2", "on_scene", "R004")
    s.req(1080, "R004", "first_on_scene")
    _demand(s, 1080, "meinweg", "VR23", {"wildfire": (2, 0, 1), "evacuation": (120, 40, 100)}, True)

    # R005: denied (wrong route)
    s.steps("R005", (880, "drafted"), (905, "submitted"), (915, "intake"), (935, "legal_check"))
    deny = "Guarding evacuated houses is a police task: route PW57, not Wvr art. 51"
    s.decision(1010, "R005", "denied", deny)
    s.req(1010, "R005", "closed", outcome="denied", reason=deny)

    # hub outage
    _inject(s, 1020, "10", "fired", "hub_change", "LOCC power failure",
            message="Power failure at the LOCC; the desk moves to the fallback site.",
            expected_action="Continue bijstand coordination from the fallback location.")  # fmt: skip
    s.add(1020, "hub", state="outage_start", inject="10", detail={"outage": 60.0})
    s.add(1080, "hub", state="outage_end", inject="10", detail={"outage": 60.0})

    # rain, main task 1 and the wind-down
    _inject(s, 1200, "6", "fired", "deescalate", "Rain front", crisis="peel", region="VR22",
            message="Rain over the Peel; the fire is under control but smoulders.",
            expected_action="Decide when to release the helicopters.")  # fmt: skip
    _crisis(s, 1200, "peel", "deescalate", 1, 2, region="VR22", cause="inject")
    _region(s, 1200, "VR22", 1, 2, ["peel"])
    _demand(s, 1200, "peel", "VR22", {"manpower": (30, 30, 0)}, False)
    _inject(s, 1200, "9", "fired", "mt1_claim", "NATO activates the VJTF",
            capability="BDE13", message="Main task 1 claims 4 companies of 13 Lichte Brigade.",
            expected_action="Hub and DOPS weigh NATO against the Meinweg fire breaks.")  # fmt: skip
    s.add(1200, "mt1", state="claim", capability="BDE13", qty=4,
          detail={"conflict": True, "recalled": ["BDE13-3"], "shortfall": 1})  # fmt: skip
    s.unit(1200, "BDE13-4", "reserved")
    s.unit(1200, "BDE13-5", "reserved")
    s.unit(1200, "BDE13-3", "returning", "R003", until=1260.0, travel_min=60.0, distance_km=70.0)
    s.unit(1260, "BDE13-3", "reserved")
    s.req(1230, "R001", "released")
    s.req(1230, "R001", "closed", outcome="partly_served",
          reason="1 of 2 Chinooks after reallocation to R004")  # fmt: skip
    s.unit(1230, "FBO_CH47-1", "returning", "R001", until=1255.0, travel_min=25.0, distance_km=95.0)
    s.unit(
        1230, "FBO_GROUND-1", "returning", "R001", until=1290.0, travel_min=60.0, distance_km=60.0
    )
    s.unit(1255, "FBO_CH47-1", "resting", until=1735.0)
    s.unit(1290, "FBO_GROUND-1", "resting", until=1770.0)
    s.req(1280, "R004", "released")
    s.req(1280, "R004", "closed", outcome="served", reason="Campers lifted out")
    s.unit(
        1280, "FBO_CH47-2", "returning", "R004", until=1310.0, travel_min=30.0, distance_km=110.0
    )
    s.unit(1310, "FBO_CH47-2", "resting", until=1790.0)
    s.req(1300, "R002", "released")
    s.req(1300, "R002", "closed", outcome="served", reason="Fire breaks dug")
    s.unit(1300, "BDE13-1", "returning", "R002", until=1345.0, travel_min=40.0, distance_km=35.0)
    s.unit(1345, "BDE13-1", "resting", until=1825.0)
    _crisis(s, 1400, "meinweg", "deescalate", 2, 3, region="VR23", unmet_share=0.3)
    _region(s, 1400, "VR23", 2, 3, ["meinweg"])
    _demand(s, 1400, "meinweg", "VR23", {"wildfire": (1, 0, 1)}, False)
    s.req(1500, "R003", "released")
    s.req(
        1500, "R003", "closed", outcome="substituted", reason="Served by BDE13 instead of FBO_CH47"
    )
    s.unit(1500, "BDE13-2", "returning", "R003", until=1560.0, travel_min=60.0, distance_km=70.0)
    s.unit(1560, "BDE13-2", "resting", until=2040.0)

    # R006: still queued at ENDEX
    s.steps(
        "R006",
        (1470, "drafted"),
        (1500, "submitted"),
        (1520, "intake"),
        (1540, "legal_check"),
        (1600, "capacity_check"),
    )
    s.decision(1650, "R006", "queued", "No free ground crew (FBO_GROUND)")
    s.req(1650, "R006", "queued")

    _crisis(s, 1700, "meinweg", "end", 2, 2, region="VR23", unmet_share=0.0)
    _region(s, 1700, "VR23", 0, 2, [])
    _inject(s, 1725, "12", "skipped", "escalate", "Wind turns: Meinweg flares up",
            crisis="meinweg", region="VR23", reason="crisis meinweg has ended",
            expected_action="VR23 scales up again.")  # fmt: skip
    s.unit(1735, "FBO_CH47-1", "available")
    s.unit(1770, "FBO_GROUND-1", "available")
    s.unit(1790, "FBO_CH47-2", "available")
    _inject(s, 1800, "11", "not_reached", "decision_point", "Evacuate Helenaveen?",
            trigger="when region_level VR22 >= 4", reason="condition never held",
            expected_action="Voorzitter VR decides on evacuation.")  # fmt: skip
    s.req(1800, "R006", "open")

    run_start = {
        "exercise": "fixture-peel-meinweg",
        "title": "Fixture: two wildfires, Peel and Meinweg",
        "seed": 7,
        "policy": "priority",
        "endex": ENDEX,
        "start": START,
        "ladder": "grip_classic",
        "levels": GRIP_LEVELS,
        "regions": ["VR22", "VR23"],
        "capabilities": PEEL_CAPABILITIES,
    }
    return s.events(run_start, ENDEX)


# --- a small journal for the honest KPIs: every figure worked out by hand ---------------------

HONEST_ENDEX = 600.0

HONEST_CAPABILITIES: dict[str, dict[str, Any]] = {
    "FBO_CH47": {"units": 2, "name": "Chinook", "tags": ["wildfire"], "mode": "air", "reserved": 0},
    "GENERIC": {"units": 0, "name": "", "tags": [], "mode": "road", "reserved": 0},
    "EOD_LAND": {"units": 3, "name": "EOD", "tags": ["eod"], "mode": "road", "reserved": 0},
}


def honest_kpi_events() -> list[dict[str, Any]]:
    """Six requests, ENDEX T+10:00, with times chosen so each KPI rule has a known answer.

    ======= ====== ===================================================== ======== =========
    request region story                                                 decision on scene
    ======= ====== ===================================================== ======== =========
    A       VR22   CH47 asked 0, staff picks it up 30, approved 60, on    60       150
                   scene 150, released 400, closed served 460
    B       VR22   CH47 asked 100, queued 120 until ENDEX                 ≥ 500    ≥ 500
    C       VR23   CH47 asked 200, approved 240, still mobilising at 500, 40       ≥ 400
                   travelling at ENDEX
    D       VR23   GENERIC asked 300, never picked up (in-tray)           ≥ 300    ≥ 300
    E       VR22   CH47 asked 50, denied 90                              40       (denied)
    F       VR23   GENERIC asked 20, approved 40, on scene 100            20       80
    ======= ====== ===================================================== ======== =========

    CH47-1 (for A): mobilising 60–120, in transit 120–150, on scene 150–400, returning 400–460,
    resting 460–520, available after. CH47-2 (for C): mobilising 240–500, in transit 500–ENDEX.
    EOD_LAND plays no part.
    """
    s = Script(HONEST_CAPABILITIES)
    for rid, region, cap in (
        ("A", "VR22", "FBO_CH47"),
        ("B", "VR22", "FBO_CH47"),
        ("C", "VR23", "FBO_CH47"),
        ("D", "VR23", "GENERIC"),
        ("E", "VR22", "FBO_CH47"),
        ("F", "VR23", "GENERIC"),
    ):
        s.request_spec(rid, region=region, crisis="fire", capability=cap, tags=["wildfire"],
                       effect="fire fighting")  # fmt: skip
    s.steps("A", (0, "submitted"), (30, "intake"), (45, "capacity_check"))
    s.decision(
        60, "A", "approved", "1 x FBO_CH47 free", capability="FBO_CH47", units=["FBO_CH47-1"]
    )
    s.req(60, "A", "tasked")
    s.unit(60, "FBO_CH47-1", "mobilising", "A")
    s.unit(120, "FBO_CH47-1", "in_transit", "A")
    s.unit(150, "FBO_CH47-1", "on_scene", "A")
    s.req(150, "A", "first_on_scene")
    s.req(400, "A", "released")
    s.unit(400, "FBO_CH47-1", "returning", "A")
    s.unit(460, "FBO_CH47-1", "resting")
    s.req(460, "A", "closed", outcome="served", reason="fire out")
    s.unit(520, "FBO_CH47-1", "available")

    s.steps("B", (100, "submitted"), (100, "intake"), (110, "capacity_check"))
    s.decision(120, "B", "queued", "no FBO_CH47 free")
    s.req(120, "B", "queued")

    s.steps("C", (200, "submitted"), (210, "intake"), (230, "capacity_check"))
    s.decision(
        240, "C", "approved", "1 x FBO_CH47 free", capability="FBO_CH47", units=["FBO_CH47-2"]
    )
    s.req(240, "C", "tasked")
    s.unit(240, "FBO_CH47-2", "mobilising", "C")
    s.unit(500, "FBO_CH47-2", "in_transit", "C")

    s.steps("D", (300, "submitted"))

    s.steps("E", (50, "submitted"), (55, "intake"))
    s.decision(90, "E", "denied", "legal test: not a military task")
    s.req(90, "E", "closed", outcome="denied", reason="legal test: not a military task")

    s.steps("F", (20, "submitted"), (20, "intake"))
    s.decision(40, "F", "approved", "generic pool", capability="GENERIC", units=["GENERIC-1"])
    s.req(40, "F", "tasked")
    s.unit(40, "GENERIC-1", "mobilising", "F")
    s.unit(60, "GENERIC-1", "in_transit", "F")
    s.unit(100, "GENERIC-1", "on_scene", "F")
    s.req(100, "F", "first_on_scene")
    for rid in ("B", "C", "D", "F"):
        s.req(HONEST_ENDEX, rid, "open")
    run_start = {
        "exercise": "fixture-honest-kpis",
        "title": "Fixture: honest KPIs",
        "seed": 1,
        "policy": "priority",
        "endex": HONEST_ENDEX,
        "start": START,
        "ladder": "grip_classic",
        "levels": GRIP_LEVELS,
        "regions": ["VR22", "VR23"],
        "capabilities": HONEST_CAPABILITIES,
    }
    return s.events(run_start, HONEST_ENDEX)


# --- a large synthetic national run -----------------------------------------------------------

NATIONAL_CAPABILITIES = {
    "FBO_CH47": 4,
    "FBO_COUGAR": 2,
    "FBO_GROUND": 2,
    "NH90": 2,
    "BDE13": 6,
    "BDE11": 6,
    "BDE43": 6,
    "GNBAT101": 2,
    "BRCIE105": 2,
    "NATRES_6H": 9,
    "EOD_LAND": 6,
    "CBRN_RE": 1,
}


def national_events(
    *, regions: int = 25, requests: int = 150, hours: float = 96.0, seed: int = 1
) -> list[dict[str, Any]]:
    """A long national run: many regions, crises and requests, scarce units, MT1 claims.

    The numbers are plausible, not simulated: each request is handled, decided on the
    capability with a free unit (or queued, substituted or denied), and served by units that
    mobilise, travel, work, return and rest.
    """
    rng = random.Random(seed)
    endex = hours * 60.0
    caps = {
        cap: {"units": n, "name": cap, "tags": ["manpower"], "mode": "road", "reserved": 0}
        for cap, n in NATIONAL_CAPABILITIES.items()
    }
    s = Script(caps)
    region_ids = [f"VR{i:02d}" for i in range(1, regions + 1)]
    free_at = {
        f"{cap}-{k}": 0.0 for cap, n in NATIONAL_CAPABILITIES.items() for k in range(1, n + 1)
    }
    crisis_of: dict[str, str] = {}
    kinds = ["flood", "wildfire", "electricity", "terrorism", "digital"]
    for i, region in enumerate(region_ids):
        cid = f"c{i + 1:02d}"
        crisis_of[region] = cid
        onset = rng.uniform(0, endex * 0.4)
        level, t = 1, onset
        kind = kinds[i % len(kinds)]
        _crisis(s, t, cid, "onset", 1, None, region=region, cause="onset", kind=kind)
        _region(s, t, region, 1, 0, [cid])
        _demand(s, t, cid, region, {"manpower": (100, 80, 0)}, False)
        while t < endex * 0.9:
            t += rng.uniform(120, 600)
            if t >= endex:
                break
            new = max(1, min(5, level + rng.choice([1, 1, -1])))
            if new != level:
                state = "escalate" if new > level else "deescalate"
                _crisis(s, t, cid, state, new, level, region=region, kind=kind)
                _region(s, t, region, new, level, [cid])
                unmet = rng.random() < 0.5
                _demand(s, t, cid, region, {"manpower": (100 * new, 80 if unmet else 100 * new, 0)},
                        unmet and rng.random() < 0.5)  # fmt: skip
                level = new
        if rng.random() < 0.5 and t < endex:
            end_t = min(endex, t + rng.uniform(60, 240))
            _crisis(s, end_t, cid, "end", level, level, region=region, kind=kind)
            _region(s, end_t, region, 0, level, [])

    cap_names = list(NATIONAL_CAPABILITIES)
    n_injects = max(12, requests // 3)
    types = ["information", "escalate", "request", "capacity_change", "decision_point"]
    for k in range(n_injects):
        t = rng.uniform(0, endex)
        itype = types[k % len(types)]
        _inject(s, t, str(k + 1), "fired", itype, f"Inject {k + 1}: {itype.replace('_', ' ')}",
                message="Synthetic inject text " * 3)  # fmt: skip

    submissions = sorted(rng.uniform(30, endex * 0.85) for _ in range(requests))
    for n in range(1, requests + 1):
        rid = f"R{n:03d}"
        region = rng.choice(region_ids)
        cap = rng.choice(cap_names)
        qty = rng.choice([1, 1, 1, 2])
        s.request_spec(rid, region=region, crisis=crisis_of[region], capability=cap, qty=qty,
                       tags=["manpower"], effect="Synthetic effect",
                       life_safety=rng.random() < 0.3, priority=round(rng.random(), 2))  # fmt: skip
        t = submissions[n - 1]
        s.req(t, rid, "submitted")
        t += rng.uniform(5, 40)
        s.req(t, rid, "intake")
        t += rng.uniform(20, 90)
        s.req(t, rid, "legal_check")
        t += rng.uniform(20, 90)
        s.req(t, rid, "capacity_check")
        t += rng.uniform(10, 40)
        if rng.random() < 0.08:
            s.decision(t, rid, "denied", "Not a Defence task")
            s.req(t, rid, "closed", outcome="denied", reason="Not a Defence task")
            continue
        chosen_cap = cap
        units = [u for u, f in free_at.items() if u.rsplit("-", 1)[0] == cap and f <= t][:qty]
        state = "approved" if len(units) == qty else "partial"
        if not units:
            s.decision(t, rid, "queued", "No free unit")
            s.req(t, rid, "queued")
            t += rng.uniform(60, 480)
            if t >= endex:
                s.req(endex, rid, "open")
                continue
            s.req(t, rid, "capacity_check")
            t += 20
            others = [u for u, f in free_at.items() if f <= t]
            if not others:
                s.decision(t, rid, "denied", "Nothing free")
                s.req(t, rid, "closed", outcome="denied", reason="Nothing free")
                continue
            units = others[:1]
            chosen_cap = units[0].rsplit("-", 1)[0]
            state = "substitute" if chosen_cap != cap else "approved"
        if t >= endex - 60:
            s.req(endex, rid, "open")
            continue
        s.decision(t, rid, state, "Synthetic decision", capability=chosen_cap, units=units)
        t += 30
        s.req(t, rid, "tasked")
        mob = rng.uniform(60, 300)
        travel = rng.uniform(20, 120)
        work = rng.uniform(240, 1440)
        for u in units:
            s.unit(t, u, "mobilising", rid)
            s.unit(t + mob, u, "in_transit", rid, travel_min=travel, distance_km=travel)
            s.unit(t + mob + travel, u, "on_scene", rid)
        t_on = t + mob + travel
        s.req(t_on, rid, "first_on_scene")
        t_rel = t_on + work
        if t_rel >= endex:
            s.req(endex, rid, "open")
            for u in units:
                free_at[u] = endex + 1
            continue
        s.req(t_rel, rid, "released")
        s.req(t_rel, rid, "closed", outcome="served" if state == "approved" else "partly_served",
              reason="done")  # fmt: skip
        for u in units:
            s.unit(t_rel, u, "returning", rid, travel_min=travel)
            s.unit(t_rel + travel, u, "resting")
            s.unit(t_rel + travel + 480, u, "available")
            free_at[u] = t_rel + travel + 480
    run_start = {
        "exercise": "national-synthetic",
        "title": "Synthetic national run",
        "seed": seed,
        "policy": "priority",
        "endex": endex,
        "start": "2026-01-12T06:00:00+01:00",
        "ladder": "grip_classic",
        "levels": GRIP_LEVELS,
        "regions": region_ids,
        "capabilities": caps,
    }
    return s.events(run_start, endex)


def counts(events: Iterable[dict[str, Any]], kind: str, state: str | None = None) -> int:
    """How many events of a kind (and state) a journal holds."""
    return sum(1 for e in events if e["kind"] == kind and (state is None or e["state"] == state))


PEEL_MEINWEG_YAML = """\
exercise:
  id: fixture-peel-meinweg
  title: "Fixture: two wildfires, Peel and Meinweg"
  description: >
    Two heath fires in the south-east compete for four Chinooks and two ground crews;
    one request is denied, one substituted, one reallocated, one still queued at ENDEX.
  start: 2026-04-20T12:45:00+02:00
  duration: T+30:00
  seed: 7
  objectives:
    - id: O1
      text: Request bijstand on the right legal route (Wvr art. 51) by the right requester.
      capability: FBO_CH47
    - id: O2
      text: Recognise the ground-crew bottleneck and ask for the effect, not the means.
      capability: FBO_GROUND
hub:
  staff: 2
  policy: priority
  mt1_reserved: {BDE13: 1}
crises:
  - id: peel
    kind: wildfire
    name: Deurnese Peel heath fire
    regions: [VR22]
    onset: T+00:10
    impact: {physical: C, ecological: D}
    levels:
      1: {demand: {manpower: 30}}
      2: {demand: {wildfire: 1, manpower: 150}}
  - id: meinweg
    kind: wildfire
    name: Meinweg fire
    regions: [VR23]
    onset: null
    start_level: 2
    impact: {physical: C}
    levels:
      2: {demand: {wildfire: 2, evacuation: 120}}
      3: {demand: {wildfire: 2, evacuation: 120}}
injects:
  - {id: 1, time: T+00:10, type: information, title: Fire reported, objectives: [O2],
     expected_action: Scale up to GRIP 1; send a CoPI.}
  - {id: 2, time: T+01:40, type: escalate, crisis: peel, title: Fire jumps the canal,
     objectives: [O1]}
  - id: 3
    time: T+02:00
    type: request
    title: Request for fire-bucket helicopters
    objectives: [O1]
    request: {region: VR22, crisis: peel, effect: Water drops at the fire front,
              tags: [wildfire], capability: FBO_CH47, quantity: 2, urgency: 3h}
  - {id: 4, trigger: {when: {free_units_below: {FBO_GROUND: 1}}, delay: 15m},
     type: decision_point, title: No free ground crew, objectives: [O2]}
  - {id: 5, time: T+06:00, type: information, channel: media,
     title: Regional TV live from the fire, message: "<script>alert('xss')</script>"}
  - {id: 6, time: T+20:00, type: deescalate, crisis: peel, title: Rain front}
  - {id: 7, time: T+05:00, type: crisis_onset, crisis: meinweg, title: "Second fire: Meinweg"}
  - {id: 8, time: T+07:00, type: capacity_change, title: Ground-crew vehicle breaks down,
     capacity: {capability: FBO_GROUND, units: -1}}
  - {id: 9, time: T+20:00, type: mt1_claim, title: NATO activates the VJTF,
     mt1: {capability: BDE13, units: 4}}
  - {id: 10, time: T+17:00, type: hub_change, title: LOCC power failure, hub: {outage: 1h}}
  - {id: 11, trigger: {when: {region_level: {VR22: 4}}}, type: decision_point,
     title: "Evacuate Helenaveen?"}
  - {id: 12, time: T+28:45, type: escalate, crisis: meinweg, title: "Wind turns: Meinweg flares up"}
"""


def write_run_folder(
    root: Any, events: list[dict[str, Any]], exercise_yaml: str | None = PEEL_MEINWEG_YAML
) -> Any:
    """A run folder as ``ttx run`` writes it: ``results/<exercise>/<run-id>/``."""
    import json
    from pathlib import Path

    from sim.journal import canonical

    head = events[0]["detail"]
    folder = Path(root) / "results" / head["exercise"] / "20260420T1245-seed7"
    folder.mkdir(parents=True)
    (folder / "events.jsonl").write_text("".join(canonical(e) + "\n" for e in events), "utf-8")
    if exercise_yaml is not None:
        (folder / "effective.yaml").write_text(exercise_yaml, "utf-8")
    manifest = {"version": "0.1.0", "seed": head["seed"], "command": "ttx run fixture.yaml"}
    (folder / "run.json").write_text(json.dumps(manifest), "utf-8")
    return folder
