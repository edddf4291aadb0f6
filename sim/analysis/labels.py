"""One label table for every figure and report, in English and Dutch.

Exercise staff read Dutch debriefs (``tijdlijn``, ``bijstandsverzoek``, ``toegekend`` …, see
``/work/shared/domain/glossary.md``); English is the default for mixed or NATO audiences. Labels
live in ``labels/<lang>.yaml`` as nested mappings and are looked up by dotted key
(``outcome.served``), so templates, matplotlib titles and console summaries share one source and
a test can check that both languages carry the same keys.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml

__all__ = [
    "LANGUAGES",
    "check_language",
    "count_label",
    "label_keys",
    "labels",
    "region_label",
    "t",
    "t_or",
    "tag_label",
]

LANGUAGES: tuple[str, ...] = ("en", "nl")


def check_language(lang: str) -> str:
    """``lang`` itself when the label table has it; ValueError naming the choices otherwise."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    return lang


def region_label(exercise: Any, region: str) -> str:
    """``VR22 Brabant-Zuidoost`` when the exercise names the region, else its id."""
    if exercise is not None and region in exercise.regions:
        return f"{region} {exercise.regions[region].name}"
    return region


def tag_label(exercise: Any, tag: str, lang: str = "en") -> str:
    """An effect tag by its name in ``lang`` (``underwater`` -> ``onderwaterwerk``): the
    exercise's definition, else the shipped reference's (a run whose exercise cannot be read),
    else a ``tag.<id>`` label, else the tag itself."""
    tags = getattr(exercise, "tags", None) or {}
    info = tags.get(tag)
    if info is not None:
        return str(info.name_nl if lang == "nl" else info.name)
    ref = _reference_tags().get(tag)
    if ref is not None:
        return str(ref.get("name_nl" if lang == "nl" else "name", tag))
    return t_or(f"tag.{tag}", tag, lang)


@cache
def _reference_tags() -> dict[str, dict[str, Any]]:
    from sim.exercise.reference import standard_reference

    return dict(standard_reference().get("tags") or {})


def _flatten(data: dict[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{name}."))
        else:
            flat[name] = str(value)
    return flat


@cache
def labels(lang: str) -> dict[str, str]:
    """All labels of one language as ``{dotted.key: text}`` (cached; do not mutate)."""
    check_language(lang)
    text = (
        resources.files("sim.analysis")
        .joinpath("labels")
        .joinpath(f"{lang}.yaml")
        .read_text("utf-8")
    )
    return _flatten(yaml.safe_load(text) or {})


def label_keys(lang: str) -> frozenset[str]:
    """The keys a language defines (a test checks that every language has the same set)."""
    return frozenset(labels(lang))


def t(key: str, lang: str = "en", **values: Any) -> str:
    """The label for ``key`` in ``lang``, with ``{name}`` placeholders filled from ``values``.

    A key missing in ``lang`` falls back to English, then to the key itself, so a new event state
    from the simulator shows up readable instead of crashing a debrief.
    """
    text = labels(lang).get(key)
    if text is None:
        text = labels("en").get(key, key)
    return text.format(**values) if values else text


def t_or(key: str, fallback: str, lang: str = "en") -> str:
    """The label for ``key``, or ``fallback`` when no language defines it (free-form states)."""
    text = labels(lang).get(key)
    if text is None:
        text = labels("en").get(key)
    return fallback if text is None else text


def count_label(noun: str, n: int, lang: str = "en") -> str:
    """``1 unit`` / ``2 units`` (``1 eenheid`` / ``2 eenheden``) from ``count.<noun>``."""
    form = "one" if n == 1 else "other"
    return t(f"count.{noun}.{form}", lang, n=n)
