"""Unmet demand that a region never asks for says why (``demand`` events, ``not_asked``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.exercise import load_exercise
from sim.model.subsidiarity import NOT_ASKED
from tests.simhelpers import exercise, of, run

ROOT = Path(__file__).resolve().parent.parent
EXERCISES = sorted((ROOT / "exercises").glob("*.yaml"))
SEEDS = range(1, 21)


def _reasons(events: list[dict], tag: str) -> set[str | None]:
    return {e["detail"]["not_asked"].get(tag) for e in of(events, "demand")}


def test_hns_underwater_demand_is_not_asked_for_below_the_request_level() -> None:
    """Hybrid exercise: the convoy's GRIP 1 needs a diver team in each region, but at GRIP 1 no
    ROT may ask (Wvr art. 51 needs the request level): that is why no request covers it."""
    ex = load_exercise(ROOT / "exercises" / "hybrid-hns.yaml")
    never = 0
    for seed in SEEDS:
        _, events = run(ex, seed=seed)
        asked = any("underwater" in e["detail"]["tags"] for e in of(events, "request"))
        unmet = [
            e
            for e in of(events, "demand")
            if e["detail"]["tags"].get("underwater", {}).get("unmet")
        ]
        assert unmet, seed
        if not asked:  # (a region already at GRIP 2 for the sabotage does ask)
            never += 1
            assert {e["detail"]["not_asked"]["underwater"] for e in unmet} == {
                "below_request_level"
            }, seed
    assert never >= 0.75 * len(SEEDS), never


BASE = """
exercise: {id: t, title: test, duration: T+12:00, seed: 1}
%(extra)s
crises:
  - {id: c, kind: flood, regions: [VR08], onset: T+00:00, start_level: %(level)s,
     escalation: {p_up_unmet: 0, p_up_met: 0, p_down_met: 0},
     levels: {%(level)s: {demand: {%(tag)s: 2}}}}
"""


def test_a_region_waits_for_its_rot_then_asks_and_the_reason_goes() -> None:
    ex = exercise(BASE % {"extra": "", "level": 2, "tag": "dike"})
    for seed in SEEDS:
        _, events = run(ex, seed=seed)
        (team,) = of(events, "team", level=2)
        first = of(events, "demand")[0]
        assert first["t"] == 0.0 and first["detail"]["not_asked"] == {"dike": "waiting_for_team"}
        after = [e for e in of(events, "demand") if e["t"] >= team["t"]]
        assert after and after[0]["detail"]["not_asked"] == {}, seed
        (drafted,) = of(events, "request", state="drafted")
        assert drafted["t"] == team["t"]


@pytest.mark.parametrize(
    ("extra", "tag", "reason"),
    [
        ("remove: {capabilities: [EOD_MAR]}", "underwater", "no_capability"),
        (
            "tags: {arrest: {name: arrest team, name_nl: aanhoudingsteam, measure: units, "
            "route: PW59}}\ncapabilities: {AH64: {tags: [search, observation, arrest]}}",
            "arrest",
            "no_route",
        ),
    ],
    ids=["no-capability", "no-route"],
)
def test_a_region_does_not_ask_for_what_defence_cannot_deliver(
    extra: str, tag: str, reason: str
) -> None:
    """The RMOA advises against a request no capability can meet on the effect's route."""
    ex = exercise(BASE % {"extra": extra, "level": 3, "tag": tag})
    for seed in SEEDS:
        _, events = run(ex, seed=seed)
        assert not of(events, "request"), seed
        assert _reasons(events, tag) == {reason}, seed


def test_every_unmet_need_never_asked_for_in_the_library_has_a_reason() -> None:
    """In every example exercise and 20 seeds, whenever a (crisis, region, effect) has unmet
    need and no request for it is open at that moment, its demand event says why not."""
    for path in EXERCISES:
        ex = load_exercise(path)
        for seed in SEEDS:
            _, events = run(ex, seed=seed)
            open_for: dict[tuple, set[str]] = {}
            asked_at = {  # a region that asks at the very moment of the demand event needs no reason
                (e["crisis"], e["region"], t, e["t"])
                for e in of(events, "request", state="drafted")
                for t in e["detail"]["tags"]
            }
            for e in events:
                if e["kind"] == "request" and e["state"] == "drafted":
                    for t in e["detail"]["tags"]:
                        open_for.setdefault((e["crisis"], e["region"], t), set()).add(e["request"])
                elif e["kind"] == "request" and e["state"] == "closed":
                    for ids in open_for.values():
                        ids.discard(e["request"])
                elif e["kind"] == "demand" and e["crisis"] is not None:
                    for tag, row in e["detail"]["tags"].items():
                        key = (e["crisis"], e["region"], tag)
                        if (
                            row["unmet"] > 0
                            and not open_for.get(key)
                            and (*key, e["t"]) not in asked_at
                        ):
                            reason = e["detail"]["not_asked"].get(tag)
                            assert reason in NOT_ASKED, (path.stem, seed, e["t"], key)
