"""JSON Schema of the exercise file, for editors (yaml-language-server, draft-07 semantics).

Generated from the pydantic models. Reference sections (regions, capabilities, ladders, tags)
take partial entries in a file (an override of one value), so their ``required`` lists are
dropped there; the loader still checks completeness after merging with the standard data.
"""

from __future__ import annotations

import json
from typing import Any

from sim.exercise.models import Exercise

__all__ = ["exercise_json_schema", "schema_text"]

_PATCHABLE = ("Region", "Capability", "Ladder", "TagInfo", "CivilCapacity", "GenericPool")


def exercise_json_schema() -> dict[str, Any]:
    schema = Exercise.model_json_schema(by_alias=True, mode="validation")
    for name in _PATCHABLE:
        schema.get("$defs", {}).get(name, {}).pop("required", None)
    schema["$schema"] = "http://json-schema.org/draft-07/schema#"
    schema["title"] = "Knooppunt TTX exercise"
    schema["description"] = (
        "A tabletop exercise for Dutch civil-military crisis management: metadata, hub, crises "
        "and injects (MSEL). Times are strings such as 'T+02:30', 'D+1 08:00', '90m', 'PT2H30M'."
    )
    return schema


def schema_text() -> str:
    """The schema as the committed file holds it (stable key order, trailing newline)."""
    return json.dumps(exercise_json_schema(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"
