"""The hub's stated reasons (decisions, closures, queueing) in the report's language.

The journal keeps the simulator's short English reasons (``2 x FBO_CH47 free``, ``all suitable
units are committed; waits for capacity``): they are a record. Each known form is read back into
its parts and written from the label table (``reason.*``); an unknown form is shown as written.
"""

from __future__ import annotations

import re

from sim.analysis.labels import t

__all__ = ["reason_label"]

_ID = r"[A-Za-z0-9_.\-]+"
_FORMS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), key)
    for pattern, key in (
        (rf"^(?P<n>\d+) x (?P<cap>{_ID}) needed, (?P<free>\d+) free$", "needed_free"),
        (rf"^(?P<n>\d+) x (?P<cap>{_ID}) free$", "free"),  # journals before 2026-12-04
        (rf"^only (?P<n>\d+) of (?P<m>\d+) x (?P<cap>{_ID}) free$", "only_free"),
        (r"^all suitable units are committed; waits for capacity$", "committed_waits"),
        (r"^crisis ended$", "crisis_ended"),
        (r"^crisis ended before assistance arrived$", "crisis_ended_before"),
        (rf"^reallocation of (?P<unit>{_ID}) ordered; decision latency$", "realloc_ordered"),
        (
            rf"^reallocated (?P<unit>{_ID}) from (?P<frm>{_ID}) \((?P<region>{_ID})\)$",
            "realloc_from",
        ),
        (rf"^reallocated to (?P<to>{_ID})$", "realloc_to"),
        (r"^review: effect no longer needed$", "review_not_needed"),
        (
            rf"^(?P<cap>{_ID}) exhausted; (?P<n>\d+) x (?P<alt>{_ID}) delivers the effect$",
            "substitute",
        ),
        (r"^no longer needed when the draft was ready$", "draft_not_needed"),
        (r"^recalled for main task (?P<n>\d)$", "recalled_mt"),
        (r"^helicopters left the site$", "helicopters_left"),
        (r"^reallocation cancelled: (?P<why>.+)$", "realloc_cancelled"),
        (r"^legal test: (?P<why>.+)$", "legal"),
        (r"^open at ENDEX$", "open_at_endex"),
        (
            r"^no suitable units available for national tasks \(reserved for main task 1 or unavailable\)$",
            "none_available",
        ),
        (rf"^handed over from (?P<frm>{_ID})$", "handed_over"),
        (r"^waits for capacity$", "waits"),
    )
)


def reason_label(raw: object, lang: str = "en") -> str:
    """``raw`` (a journal reason) in ``lang``; "" for none, the text itself when unknown."""
    if not isinstance(raw, str) or not raw:
        return ""
    for pattern, key in _FORMS:
        if m := pattern.match(raw):
            return t(f"reason.{key}", lang, **m.groupdict())
    if "; " in raw:  # "<reason>; waits for capacity" and other compositions
        return "; ".join(reason_label(part, lang) for part in raw.split("; "))
    return raw
