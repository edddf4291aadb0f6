"""Shared pydantic base and small vocabulary types for the exercise format."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

__all__ = [
    "ID_PATTERN",
    "SECURITY_INTERESTS",
    "Id",
    "ImpactClass",
    "LegalRoute",
    "Requester",
    "SecurityInterest",
    "Strict",
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
