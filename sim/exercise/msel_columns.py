"""The MSEL sheet's columns and the words used in its cells, in English and Dutch.

Exercise staff read a draaiboek left to right: number, time, who to whom, the message, what the
players should do. So the columns an inject needs for play come first, in that order, and the
columns needed only to import the sheet back without loss (crisis, level, request fields,
payloads) follow. Headers are matched case-insensitively in either language, plus a few
synonyms staff commonly use, so a sheet edited by hand or built elsewhere still imports.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "CHANNEL_NL",
    "COLUMNS",
    "COLUMN_BY_KEY",
    "META_KEYS",
    "REQUEST_KEYS",
    "TYPE_NL",
    "VISIBILITY_NL",
    "Column",
    "header_key",
    "lookup_word",
    "normalise",
]


@dataclass(frozen=True, slots=True)
class Column:
    """One MSEL column: its internal key, headers per language, synonyms and display width."""

    key: str
    en: str
    nl: str
    aliases: tuple[str, ...] = ()
    width: int = 14
    wrap: bool = False

    def header(self, lang: str) -> str:
        return self.nl if lang == "nl" else self.en


COLUMNS: tuple[Column, ...] = (
    # What staff expect, in their order.
    Column("number", "number", "nummer", ("no", "no.", "nr", "nr.", "#", "id", "inject"), 8),
    Column("time", "scenario time", "scenariotijd", ("time", "tijd", "t", "h-time"), 12),
    Column("calendar", "calendar time", "kalendertijd", ("date/time", "datum/tijd", "klok"), 17),
    Column("type", "type", "soort", ("inject type", "soort inject"), 14),
    Column("from", "from", "van", ("sender", "afzender"), 22, True),
    Column("to", "to", "aan", ("recipient", "ontvanger"), 22, True),
    Column("method", "method", "middel", ("means", "communicatiemiddel"), 14),
    Column("message", "message", "bericht", ("inject text", "tekst", "inhoud"), 60, True),
    Column(
        "expected_action",
        "expected player action",
        "verwachte actie spelers",
        ("expected action", "verwachte actie", "verwachte reactie"),
        45,
        True,
    ),
    Column("objectives", "objectives", "doelstellingen", ("objective", "doelstelling"), 12),
    Column(
        "notes",
        "controller notes",
        "notities regie",
        ("notes", "notities", "opmerkingen"),
        30,
        True,
    ),
    Column("trigger", "trigger", "trigger", ("voorwaarde",), 24),
    # What the simulator needs to play the inject back.
    Column("title", "title", "onderwerp", ("titel", "subject"), 28, True),
    Column("channel", "channel", "kanaal", (), 12),
    Column("visibility", "visibility", "zichtbaarheid", (), 12),
    Column("crisis", "crisis", "crisis", ("incident",), 12),
    Column("level", "level", "niveau", ("grip",), 8),
    Column("steps", "steps", "stappen", (), 8),
    Column("region", "region", "regio", ("request region", "veiligheidsregio"), 8),
    Column("route", "legal route", "grondslag", ("route", "wettelijke grondslag"), 10),
    Column("requester", "requester", "aanvrager", (), 14),
    Column("effect", "requested effect", "gevraagd effect", ("effect",), 40, True),
    Column("tags", "effect tags", "effecttags", ("tags",), 18),
    Column("capability", "capability", "capaciteit", ("means asked",), 12),
    Column("quantity", "quantity", "aantal", ("qty",), 9),
    Column("urgency", "urgency", "urgentie", (), 9),
    Column("life_safety", "life safety", "levensreddend", (), 9),
    Column("duration", "duration", "duur", (), 9),
    Column("site", "site", "locatie", ("place", "plaats", "incident site"), 22, True),
    Column("payload", "payload", "gegevens", (), 40),
    Column(
        "conditional",
        "conditional because",
        "voorwaardelijk omdat",
        ("conditional", "voorwaardelijk"),
        30,
        True,
    ),
)
COLUMN_BY_KEY: dict[str, Column] = {c.key: c for c in COLUMNS}

REQUEST_KEYS: tuple[str, ...] = (
    "region",
    "route",
    "requester",
    "effect",
    "tags",
    "capability",
    "quantity",
    "urgency",
    "life_safety",
    "duration",
    "site",
)
"""Columns that belong to a request inject's ``request:`` block (crisis is shared)."""

TYPE_NL: dict[str, str] = {
    "crisis_onset": "start crisis",
    "escalate": "opschalen",
    "deescalate": "afschalen",
    "set_level": "niveau",
    "end_crisis": "einde crisis",
    "request": "bijstandsverzoek",
    "capacity_change": "capaciteit",
    "mt1_claim": "claim HT1",
    "mt1_release": "vrijgave HT1",
    "hub_change": "wijziging hub",
    "information": "informatie",
    "decision_point": "beslismoment",
    "reallocate": "herverdeling",
    "mobilise": "mobilisatie",
}
VISIBILITY_NL: dict[str, str] = {"players": "spelers", "controllers": "regie", "all": "iedereen"}
CHANNEL_NL: dict[str, str] = {
    "media": "media",
    "social": "sociale media",
    "intelligence": "inlichtingen",
    "official": "officieel",
    "phone": "telefoon",
    "email": "e-mail",
}

META_KEYS: dict[str, tuple[str, str]] = {
    "id": ("id", "id"),
    "title": ("title", "titel"),
    "start": ("start", "start"),
    "duration": ("ENDEX", "ENDEX"),
}
"""Fields of the optional metadata sheet (English, Dutch label); objectives follow them."""


def normalise(text: str) -> str:
    """Lower case, single spaces, no surrounding punctuation: how headers and words compare."""
    text = re.sub(r"\s+", " ", text.strip().lower())
    return text.strip(" :*")


_HEADERS: dict[str, str] = {}
for _c in COLUMNS:
    for _name in (_c.en, _c.nl, *_c.aliases):
        _HEADERS.setdefault(normalise(_name), _c.key)


def header_key(text: str) -> str | None:
    """The column key for a header cell in either language, or None if it is not ours."""
    return _HEADERS.get(normalise(text))


def lookup_word(text: str, codes: tuple[str, ...], dutch: dict[str, str]) -> str | None:
    """A code (``decision_point``) from its code, a spaced form or its Dutch word."""
    word = normalise(text)
    for code in codes:
        if word in (code.lower(), code.lower().replace("_", " "), code.lower().replace("_", "-")):
            return code
    for code, nl in dutch.items():
        if word == normalise(nl):
            return code
    return None
