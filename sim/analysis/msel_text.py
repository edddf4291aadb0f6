"""MSEL wording for people: an inject's trigger and why it was skipped, in either language.

The journal keeps the simulator's own short English (``when free_units_below {'GNBAT101': 1} +
30m``, ``crisis already at level 3``) because it is a record, not a page. Here each known form is
read back into its parts and written from the label table (``trigger.*``, ``inject_reason.*``),
so the MSEL table never shows Python text and reads in Dutch with ``--lang nl``. A form this
module does not know is shown as written, without braces and quotes.
"""

from __future__ import annotations

import re

from sim.analysis.labels import labels, t

__all__ = ["inject_reason_label", "plain", "trigger_label"]

_WHEN = re.compile(r"^when (?P<name>\w+) (?P<value>.+?)(?: \+ (?P<delay>\S+))?$")
_AFTER = re.compile(r"^after (?P<inject>\S+?)(?: \+ (?P<delay>\S+))?$")
_ENTRY = re.compile(r"^\{'(?P<key>[^']+)': (?P<value>-?\d+)\}$")
_REASONS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^manual inject not fired by a facilitator$"), "manual_not_fired"),
    (re.compile(r"^trigger never held before ENDEX$"), "trigger_never_held"),
    (re.compile(r"^condition never held$"), "trigger_never_held"),
    (re.compile(r"^scheduled after ENDEX$"), "after_endex"),
    (re.compile(r"^crisis already started or ended$"), "crisis_started_or_ended"),
    (re.compile(r"^crisis is not active$"), "crisis_not_active"),
    (re.compile(r"^crisis (?P<crisis>\S+ )?has ended$"), "crisis_ended"),
    (re.compile(r"^crisis already at level (?P<level>\d+)$"), "crisis_at_level"),
)


def plain(text: str) -> str:
    """``{'A': 1}`` → ``A 1``: Python punctuation out of free text."""
    return re.sub(r"[{}\[\]']", "", text).replace(": ", " ")


def trigger_label(raw: object, lang: str = "en") -> str:
    """The trigger of an inject as a phrase (``when fewer than 1 GNBAT101 free + 30 min``)."""
    if not isinstance(raw, str) or not raw:  # None or NaN from a table
        return ""
    if raw == "manual":
        return t("trigger.manual", lang)
    if m := _AFTER.match(raw):
        text, delay = t("trigger.after", lang, inject=m["inject"]), m["delay"]
    elif m := _WHEN.match(raw):
        name, value, delay = m["name"], m["value"], m["delay"]
        entry = _ENTRY.match(value)
        if name in ("request_denied", "request_queued"):
            scope = t("trigger.any", lang) if value == "any" else value
            text = t(f"trigger.{name}", lang, what=scope)
        elif entry and f"trigger.{name}" in labels(lang):
            text = t(f"trigger.{name}", lang, what=entry["key"], value=entry["value"])
        else:
            text = t("trigger.when", lang, text=f"{name} {plain(value)}")
    else:
        return plain(raw)
    return t("trigger.delayed", lang, text=text, delay=delay) if delay else text


def inject_reason_label(raw: object, lang: str = "en") -> str:
    """Why an inject was skipped or not reached, in ``lang``; unknown reasons as written."""
    if not isinstance(raw, str) or not raw:  # None or NaN from a table
        return ""
    for pattern, key in _REASONS:
        if m := pattern.match(raw):
            values = {k: (v or "").strip() for k, v in m.groupdict().items()}
            return t(f"inject_reason.{key}", lang, **values)
    return plain(raw)
