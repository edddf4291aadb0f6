"""What a live session says back (replies and error lines), in the language of its face.

A reply is a ``Said``: a ``str`` holding the English line, as scripts, logs and tests read it,
that also keeps its label key and values (``live.*`` in the label table), so that a face words
it in its own language with ``word(text, lang)``. Values may themselves be ``Said`` (an outcome,
a unit state): they are worded first.

The model's own lines (why a unit cannot be moved, why an answer no longer fits) are English
text, journalled as such (``sim.analysis.reasons`` does the same for the hub's reasons): each
known form is read back into its parts here and worded from ``live.problem.*``; an unknown form
is shown as written.
"""

from __future__ import annotations

import re
from typing import Any

from sim.analysis.labels import labels

__all__ = ["Said", "Term", "said", "term", "word"]


class Said(str):
    """An English line that remembers its label key and values (see the module)."""

    key: str
    values: dict[str, Any]

    def __new__(cls, key: str, **values: Any) -> Said:
        self = super().__new__(cls, _fill(key, "en", values))
        self.key = key
        self.values = values
        return self


def said(key: str, **values: Any) -> Said:
    """``Said(f"live.{key}", ...)``: a line of the live session's own table."""
    return Said(f"live.{key}", **values)


class Term(str):
    """A word shown as written in English (a state or outcome as the model names it) and from
    the label table in another language (``request_state.legal_check``), if it has one."""

    key: str

    def __new__(cls, raw: str, key: str) -> Term:
        self = super().__new__(cls, raw)
        self.key = key
        return self


def term(group: str, raw: str) -> Term:
    """``raw`` as a term of a label group: ``term("unit_state", "on_scene")``."""
    return Term(raw, f"{group}.{raw.replace(' ', '_')}")


def _fill(key: str, lang: str, values: dict[str, Any]) -> str:
    """The template of ``key`` filled in (always formatted: templates escape braces as ``{{``)."""
    template = labels(lang).get(key) or labels("en").get(key)
    if template is None:
        raise KeyError(f"no label {key!r}")  # a programming error: tests check every key
    return template.format(**values)


def word(text: str, lang: str) -> str:
    """``text`` (a reply, an error line) in ``lang``."""
    if lang == "en":
        return str(text)
    if isinstance(text, Term):
        return labels(lang).get(text.key) or str(text)
    if isinstance(text, Said):
        values = {k: word(v, lang) if isinstance(v, str) else v for k, v in text.values.items()}
        return _fill(text.key, lang, values)
    read = read_back(text)
    return word(read, lang) if read is not None else text


_ID = r"[A-Za-z0-9_.\-]+"
_PROBLEMS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), key)
    for pattern, key in (
        # reallocation.py (why_not, pick), hubsight.py (check), hub.py (mobilise), injects.py
        (rf"^(?P<req>{_ID}) is closed$", "closed"),
        (rf"^(?P<req>{_ID}) has not reached the hub yet \(it is (?P<state>\w+)\)$", "not_at_hub"),
        (rf"^(?P<unit>{_ID}) cannot be moved: it is a support crew$", "move_support"),
        (rf"^(?P<unit>{_ID}) cannot be moved: it is being moved already$", "move_moving"),
        (rf"^(?P<unit>{_ID}) cannot be moved: it is (?P<state>[a-z ]+)$", "move_state"),
        (rf"^(?P<unit>{_ID}) serves (?P<req>{_ID}) already$", "serves_already"),
        (rf"^(?P<cap>{_ID}) cannot serve (?P<req>{_ID}) \(its effect or route\)$", "cannot_use"),
        (rf"^(?P<cap>{_ID}) cannot serve (?P<req>{_ID})$", "cannot_serve"),
        (
            rf"^(?P<k>\d+) of (?P<n>\d+) x (?P<cap>{_ID}) at (?P<where>crisis {_ID}|{_ID}) "
            rf"can be moved to (?P<req>{_ID})(?: \((?P<why>.+)\))?$",
            "pick",
        ),
        (r"^(?P<outcome>\w+) needs a capability$", "needs_capability"),
        (rf"^route (?P<route>{_ID}) does not allow (?P<cap>{_ID})$", "route"),
        (r"^at least 1 unit$", "one_unit"),
        (rf"^only (?P<n>\d+) x (?P<cap>{_ID}) free$", "only_free"),
        (rf"^no free support crew for (?P<cap>{_ID})$", "no_crew"),
        (r"^the generic pool is already mobilised or this exercise has none$", "pool"),
        (r"^no inject '(?P<id>[^']*)'$", "no_inject"),
        (rf"^inject (?P<id>{_ID}) has fired already$", "inject_fired"),
        (rf"^inject (?P<id>{_ID}) was (?P<state>skipped|not reached)$", "inject_done"),
    )
)


_TERMS = {  # form -> (the value that is a model word, its label group)
    "not_at_hub": ("state", "request_state"),
    "move_state": ("state", "unit_state"),
    "inject_done": ("state", "inject_state"),
    "needs_capability": ("outcome", "decision"),
}


def read_back(text: str) -> Said | None:
    """A model line of a known form as a ``Said`` (None: not one of them)."""
    for pattern, key in _PROBLEMS:
        if m := pattern.match(text):
            values = {k: v for k, v in m.groupdict().items() if v is not None}
            if key in _TERMS:
                name, group = _TERMS[key]
                values[name] = term(group, values[name])
            if key == "pick":
                why = values.pop("why", None)
                if why is not None:
                    inner = read_back(why)
                    return said("problem.pick_because", **values, why=inner or why)
            return said(f"problem.{key}", **values)
    return None
