"""The evaluators' input to the after-action report (AAR/IP): ``aar.yaml`` in the run folder.

HSEEP asks evaluators to rate each objective P / S / M / U (performed without challenges, with
some challenges, with major challenges, unable to be performed), to note strengths and areas for
improvement, and to agree an improvement plan: issue, corrective action, capability element
(planning, organisation, equipment, training, exercise: POETE), responsible organisation, start
and completion date. Typing that into a web page loses it on reload; a file in the run folder
does not, and every ``ttx report`` merges it again.

``ttx aar RUN_DIR`` writes a template listing the run's objectives with the injects tied to
them; the file is validated like an exercise (``sim.exercise.yamlsafe``: duplicate keys, tags,
alias bombs refused; pydantic strict models; errors as ``FILE:LINE:COL: error: ...``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field, ValidationError, field_validator

from sim.exercise.base import Strict
from sim.exercise.errors import ExerciseFileError, Issue, Location

if TYPE_CHECKING:
    from sim.exercise import Exercise

__all__ = ["RATINGS", "Aar", "AarError", "PlanItem", "aar_template", "load_aar"]

RATINGS: tuple[str, ...] = ("P", "S", "M", "U")
"""HSEEP objective ratings, best first."""

ELEMENTS: tuple[str, ...] = ("planning", "organisation", "equipment", "training", "exercise")
"""HSEEP capability elements (POETE) an improvement is filed under."""


class AarError(ValueError):
    """``aar.yaml`` is malformed; ``issues`` are ``FILE:LINE:COL: error: ...`` lines."""

    def __init__(self, issues: list[Issue]) -> None:
        self.issues = issues
        super().__init__("\n".join(str(i) for i in issues))


def _date(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"not a date {value!r}; write it as YYYY-MM-DD") from None
    return value


class ObjectiveRating(Strict):
    """The evaluators' verdict on one objective."""

    rating: Literal["P", "S", "M", "U"] | None = Field(
        None, description="P, S, M or U (HSEEP); empty until rated"
    )
    notes: str = ""


class PlanItem(Strict):
    """One row of the improvement plan."""

    issue: str
    corrective_action: str
    capability_element: Literal["planning", "organisation", "equipment", "training", "exercise"]
    responsible: str = Field(description="responsible organisation")
    start: dt.date | None = None
    completion: dt.date | None = None

    _dates = field_validator("start", "completion", mode="before")(_date)


class Aar(Strict):
    """Everything the evaluators add to a run's report."""

    evaluators: list[str] = Field(default_factory=list)
    objectives: dict[str, ObjectiveRating] = Field(default_factory=dict)
    strengths: list[str] = Field(default_factory=list)
    improvements: list[str] = Field(default_factory=list)
    improvement_plan: list[PlanItem] = Field(default_factory=list)


def load_aar(path: Path, exercise: Exercise | None = None) -> Aar | None:
    """``aar.yaml`` validated (None when the file is absent); AarError lists every problem.

    With the exercise, objective ids it does not define are refused too."""
    if not path.is_file():
        return None
    from sim.exercise.loader import _map_validation_errors
    from sim.exercise.yamlsafe import decode, parse_yaml

    source = str(path)
    try:
        parsed = parse_yaml(decode(path.read_bytes(), source), source, allow_empty=True)
    except ExerciseFileError as exc:
        raise AarError(exc.issues) from None
    except OSError as exc:
        raise AarError([Issue(Location(source), "", f"cannot read: {exc.strerror}")]) from None
    data, marks = parsed.data, parsed.marks
    if data is None:
        return Aar()
    if not isinstance(data, dict):
        raise AarError([Issue(marks.value(()), "", "aar.yaml is a mapping of sections")])
    objectives = data.get("objectives")
    if isinstance(objectives, dict):  # ids may be numbers in YAML (1: ...)
        data = {**data, "objectives": {str(k): v or {} for k, v in objectives.items()}}
    try:
        aar = Aar.model_validate(data)
    except ValidationError as exc:
        raise AarError(_map_validation_errors(exc, marks, data)) from None
    if exercise is not None:
        known = {str(o.id) for o in exercise.exercise.objectives}
        unknown = [
            Issue(marks.key(("objectives", key)), f"objectives.{key}",
                  f"no objective {key!r} in this exercise (it has {', '.join(sorted(known)) or 'none'})")
            for key in aar.objectives
            if key not in known
        ]  # fmt: skip
        if unknown:
            raise AarError(unknown)
    return aar


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def aar_template(exercise: Exercise | None, injects_of: dict[str, list[str]]) -> str:
    """The text ``ttx aar`` writes: every objective with its text and injects as comments."""
    lines = [
        "# After-action review of this run: filled in by the evaluators, merged by `ttx report`.",
        "# Ratings (HSEEP): P performed without challenges, S with some challenges,",
        "#   M with major challenges, U unable to be performed. Leave empty until rated.",
        "# Capability elements: " + ", ".join(ELEMENTS) + ". Dates: YYYY-MM-DD.",
        "evaluators: []",
        "objectives:",
    ]
    objectives = exercise.exercise.objectives if exercise is not None else []
    if not objectives:
        lines[-1] = "objectives: {}"
    for obj in objectives:
        oid = str(obj.id)
        lines.append(f"  # {' '.join(obj.text.split())}")
        if injects_of.get(oid):
            lines.append(f"  # injects: {', '.join(injects_of[oid])}")
        lines += [f"  {_quote(oid)}:", "    rating:", '    notes: ""']
    lines += [
        "strengths: []",
        "improvements: []",
        "improvement_plan: []",
        "# improvement_plan:",
        "#   - issue: Nobody was designated to decide on moving helicopters",
        "#     corrective_action: Name the reallocation authority in the regional plan",
        "#     capability_element: planning",
        "#     responsible: Veiligheidsregio Brabant-Zuidoost",
        "#     start: 2026-06-01",
        "#     completion: 2026-12-31",
    ]
    return "\n".join(lines) + "\n"
