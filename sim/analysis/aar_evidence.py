"""Per objective: the injects tied to it, whether each fired, what the designers expected the
players to do, and what was actually done, next to the evaluators' rating.

"What was done" comes from the run folder: the decisions on the requests an inject created
(``decisions.jsonl`` says who made each: ``players``, ``facilitator`` or ``policy:<name>``;
a folder without it falls back to the journal's decisions, made by the batch policy), the
facilitator's own choices on the inject (fire, skip, delay), and the players' answers to it in
``notes.jsonl``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sim.analysis.labels import t, t_or
from sim.analysis.msel_text import inject_reason_label
from sim.analysis.reasons import reason_label
from sim.analysis.timefmt import format_duration, format_t

if TYPE_CHECKING:
    from sim.analysis.aar import Aar
    from sim.analysis.tables import RunTables
    from sim.exercise import Exercise

__all__ = ["facilitator_actions", "objective_rows", "session_notes"]


def _who(who: Any, lang: str) -> str:
    text = str(who or "")
    if text.startswith("policy:"):
        return t("aar.who_policy", lang, policy=text.split(":", 1)[1])
    return t_or(f"aar.who.{text}", text or "?", lang)


def _request_line(d: dict[str, Any], lang: str) -> str:
    choice = d.get("choice") or {}
    outcome = str(choice.get("outcome") or "")
    what = t_or(f"decision.{outcome}", outcome, lang)
    cap = choice.get("capability")
    units = choice.get("units")  # how many were granted (decisions.jsonl counts them)
    count = len(units) if isinstance(units, list) else int(units or 0)
    granted = f" {cap} ×{count}" if cap and count else (f" {cap}" if cap else "")
    reason = reason_label(choice.get("reason"), lang)
    tail = f" — {reason}" if reason else ""
    return f"{format_t(float(d.get('t') or 0))} {d.get('key')}: {what}{granted} ({_who(d.get('who'), lang)}){tail}"


def _decision_line(d: dict[str, Any], lang: str) -> str:
    if d.get("kind") != "reallocation":
        return _request_line(d, lang)
    choice = d.get("choice") or {}
    moved = t(
        "aar.reallocated",
        lang,
        unit=choice.get("unit"),
        frm=choice.get("from_request") or "?",
        to=choice.get("to_request") or "?",
    )
    return f"{format_t(float(d.get('t') or 0))} {moved} ({_who(d.get('who'), lang)})"


def _journal_lines(T: RunTables, requests: set[str], lang: str) -> list[str]:
    dec = T.decisions[T.decisions["request"].isin(requests)]
    lines = []
    for d in dec.itertuples(index=False):
        granted = f" {d.capability} ×{d.qty}" if isinstance(d.capability, str) else ""
        reason = reason_label(d.reason, lang)
        who = _who(f"policy:{d.decider}" if isinstance(d.decider, str) else "", lang)
        lines.append(
            f"{format_t(float(d.t))} {d.request}: {t_or(f'decision.{d.state}', str(d.state), lang)}"
            f"{granted} ({who})" + (f" — {reason}" if reason else "")
        )
    return lines


def objective_rows(
    T: RunTables,
    exercise: Exercise | None,
    decisions: list[dict[str, Any]],
    notes: list[dict[str, Any]],
    aar: Aar | None,
    lang: str = "en",
) -> list[dict[str, Any]]:
    """One dict per objective of the exercise, ready for the HTML and Word reports."""
    if exercise is None:
        return []
    injects = T.injects
    by_request: dict[str, list[dict[str, Any]]] = {}
    by_inject: dict[str, list[dict[str, Any]]] = {}
    for d in decisions:
        if d.get("kind") == "request" and d.get("key") is not None:
            by_request.setdefault(str(d["key"]), []).append(d)
        elif d.get("kind") == "reallocation":  # a unit moved to or from the request
            choice = d.get("choice") or {}
            for end in {choice.get("to_request"), choice.get("from_request")} - {None}:
                by_request.setdefault(str(end), []).append(d)
        elif d.get("kind") == "inject" and d.get("key") is not None:
            by_inject.setdefault(str(d["key"]), []).append(d)
    answers: dict[str, list[dict[str, Any]]] = {}
    for n in notes:
        if n.get("inject") is not None:
            answers.setdefault(str(n["inject"]), []).append(n)
    req = T.requests
    rows = []
    for obj in exercise.exercise.objectives:
        oid = str(obj.id)
        tied = []
        for r in injects[injects["objectives"].map(lambda o, oid=oid: oid in o)].itertuples(
            index=False
        ):
            iid = str(r.inject)
            requests = set(req.loc[req["inject"].astype(str) == iid, "request"])
            if isinstance(r.request, str):
                requests.add(r.request)
            did: list[str] = []
            for d in by_inject.get(iid, []):
                action = str((d.get("choice") or {}).get("action") or "")
                did.append(
                    f"{format_t(float(d.get('t') or 0))} {t_or(f'aar.inject_action.{action}', action, lang)}"
                    f" ({_who(d.get('who'), lang)})"
                )
            if decisions:
                # by line, so a move between two of its requests is said once
                lines = {id(d): d for rid in sorted(requests) for d in by_request.get(rid, [])}
                did += [
                    _decision_line(d, lang)
                    for d in sorted(
                        lines.values(),
                        key=lambda d: (float(d.get("t") or 0), int(d.get("n") or 0)),
                    )
                ]
            else:
                did += _journal_lines(T, requests, lang)
            for n in answers.get(iid, []):
                did.append(
                    f"{format_t(float(n.get('t') or 0))} {t('aar.answer', lang)} "
                    f"({_who(n.get('who'), lang)}): {' '.join(str(n.get('text') or '').split())}"
                )
            state = t(f"inject_state.{r.state}", lang)
            if r.state != "fired" and isinstance(r.reason, str):
                state += f": {inject_reason_label(r.reason, lang)}"
            tied.append(
                {
                    "id": iid,
                    "title": r.title,
                    "fired": r.state == "fired",
                    "state": state,
                    "when": format_t(float(r.t)) if r.state != "not_reached" else "–",
                    "expected": r.expected_action or "–",
                    "did": did,
                }
            )
        verdict = aar.objectives.get(oid) if aar is not None else None
        rating = verdict.rating if verdict is not None else None
        rows.append(
            {
                "id": oid,
                "text": obj.text,
                "injects": tied,
                "rating": rating or "",
                "rating_text": t(f"aar.rating.{rating}", lang)
                if rating
                else t("aar.not_rated", lang),
                "notes": verdict.notes if verdict is not None else "",
            }
        )
    return rows


def session_notes(notes: list[dict[str, Any]], lang: str = "en") -> list[str]:
    """Notes not tied to an inject (facilitator and observer observations), in time order."""
    rows = sorted(
        (n for n in notes if n.get("inject") is None),
        key=lambda n: (n.get("t") or 0, n.get("n") or 0),
    )
    return [
        f"{format_t(float(n.get('t') or 0))} ({_who(n.get('who'), lang)}): {' '.join(str(n.get('text') or '').split())}"
        for n in rows
    ]


def facilitator_actions(decisions: list[dict[str, Any]], lang: str = "en") -> list[str]:
    """What the facilitator did in a live session (from ``decisions.jsonl``), in time order:
    injects fired, skipped, delayed or typed in, the clock paused, resumed, sped up or jumped,
    ENDEX called. Batch runs have none."""
    out = []
    for d in decisions:
        if d.get("who") != "facilitator":
            continue
        choice = d.get("choice") or {}
        action = str(choice.get("action") or d.get("kind") or "")
        detail = ""
        if action == "delay":
            detail = f" +{format_duration(float(choice.get('minutes') or 0), lang)}"
        elif action == "speed":
            detail = f" ×{float(choice.get('speed') or 0):g}"
        elif action == "jump":
            detail = f" → {format_t(float(choice.get('to') or 0))}"
        elif action == "skip" and choice.get("reason"):
            detail = f": {choice['reason']}"
        elif action == "adhoc":
            detail = f": {' '.join(str(choice.get('text') or '').split())}"
        what = t_or(f"aar.action.{action}", action, lang)
        key = f" {d['key']}" if d.get("key") else ""
        out.append(f"{format_t(float(d.get('t') or 0))} {what}{key}{detail}")
    return out
