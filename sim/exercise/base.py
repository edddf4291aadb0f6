"""Shared pydantic base and small vocabulary types for the exercise format.

Every number in an exercise has bounds (see ``docs/limits.md``): counts of units, persons and
staff are capped so that no value can make a run take forever or exhaust memory, and a
``float`` field can never hold ``inf`` or ``nan`` (the YAML reader refuses them, and
:data:`Finite` says so again for values that come from elsewhere).
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

__all__ = [
    "ID_PATTERN",
    "MAX_COUNT",
    "MAX_LEVEL",
    "MAX_SEED",
    "MAX_STAFF",
    "MAX_UNITS",
    "SECURITY_INTERESTS",
    "Count",
    "FolderId",
    "Id",
    "ImpactClass",
    "LegalRoute",
    "Level",
    "Requester",
    "SecurityInterest",
    "Strict",
    "is_reserved_name",
]


class Strict(BaseModel):
    """Strict, frozen, no unknown keys: a typo in an exercise is an error, never ignored."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True, populate_by_name=True)


ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$"

Id = Annotated[
    str,
    Field(pattern=ID_PATTERN, max_length=64),
]
"""Identifiers: letters, digits, ``_ . -``; used in dotted paths and folder names."""

MAX_COUNT = 1_000_000
"""Persons, demand, quantities, population (thousands), beds: any count of people or things."""
MAX_UNITS = 1_000
"""Units of one capability (each unit is simulated on its own)."""
MAX_STAFF = 1_000
"""Requests the hub handles at the same time."""
MAX_LEVEL = 100
"""Highest escalation level number, and most steps one inject moves a crisis."""
MAX_SEED = 2**63 - 1
"""The largest random seed (19 digits)."""

Count = Annotated[int, Field(ge=0, le=MAX_COUNT)]
Level = Annotated[int, Field(ge=0, le=MAX_LEVEL)]

# Windows refuses these as file or folder names, with or without an extension (CON.txt too).
_RESERVED = re.compile(r"^(?:CON|PRN|AUX|NUL|COM[0-9]|LPT[0-9])(?:\.|$)", re.IGNORECASE)


def is_reserved_name(name: str) -> bool:
    """True for a name Windows keeps for a device (``CON``, ``nul``, ``COM1``, ``aux.txt``)."""
    return _RESERVED.match(name) is not None


def _folder_name(value: str) -> str:
    if is_reserved_name(value):
        raise ValueError(
            f"{value!r} cannot be an exercise id: it names a run folder, and Windows reserves "
            f"the name {value.partition('.')[0]!r} (CON, PRN, AUX, NUL, COM1-9, LPT1-9)"
        )
    if value.endswith("."):
        raise ValueError(
            f"{value!r} cannot be an exercise id: it names a run folder, and Windows drops a "
            "trailing '.' from folder names"
        )
    return value


FolderId = Annotated[Id, AfterValidator(_folder_name)]
"""An id that also names a folder (the exercise id): no Windows-reserved name."""


def _number_to_str(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


NumberOrId = Annotated[
    Id,
    BeforeValidator(
        _number_to_str, json_schema_input_type=Id | Annotated[int, Field(ge=0)]
    ),  # the editor schema must accept ``id: 7`` as the loader does
]
"""MSEL numbers may be written as plain numbers (``id: 7``); they are held as strings."""

SecurityInterest = Literal[
    "territorial", "physical", "economic", "ecological", "social_political", "international"
]
SECURITY_INTERESTS: tuple[str, ...] = (
    "territorial",
    "physical",
    "economic",
    "ecological",
    "social_political",
    "international",
)
ImpactClass = Literal["A", "B", "C", "D", "E"]
"""RbRa impact classes: A limited, B substantial, C serious, D very serious, E catastrophic."""

LegalRoute = Literal["WVR51", "PW57", "PW58", "PW59", "MSOB"]
"""Wet veiligheidsregio's art. 51; Politiewet 2012 art. 57 (KMar), 58, 59; MSOB."""

Requester = Literal["voorzitter_VR", "burgemeester", "OvJ", "CdK", "dijkgraaf", "minister"]
