"""MSEL spreadsheets: an exercise's injects as an Excel or CSV sheet, and back.

Exercise staff plan and run an exercise from the MSEL (draaiboek): one row per inject, read
left to right. :func:`render_msel` writes that sheet from an exercise, with the staff columns
first and, after them, every field needed to import it back without loss (crisis, level,
request fields, payloads as compact YAML). :func:`import_msel` (in :mod:`msel_import`) reads
such a sheet, also one edited by hand or with Dutch headers, into a validated exercise.

Column order, headers and the words used in cells: :mod:`sim.exercise.msel_columns`.
Cell forms: :mod:`sim.exercise.msel_cells` (times, numbers, texts) and
:mod:`sim.exercise.msel_structured` (triggers, payloads, sites).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel

from sim.exercise.dump import model_to_data
from sim.exercise.models import Exercise, Inject
from sim.exercise.msel_cells import calendar_of, format_minutes_duration, format_time
from sim.exercise.msel_columns import CHANNEL_NL, COLUMNS, TYPE_NL, VISIBILITY_NL, Column
from sim.exercise.msel_import import ImportResult, MselError, import_msel
from sim.exercise.msel_structured import format_trigger, manual_word, site_text
from sim.exercise.msel_write import write_csv, write_xlsx
from sim.exercise.msel_yaml import id_value

__all__ = [
    "FORMATS",
    "ImportResult",
    "MselError",
    "import_msel",
    "msel_format",
    "msel_rows",
    "render_msel",
]

Lang = Literal["en", "nl"]
FORMATS = {".xlsx": "xlsx", ".csv": "csv"}


def msel_format(path: str | Path) -> str | None:
    """'xlsx' or 'csv' from a file name, or None for anything else."""
    return FORMATS.get(Path(path).suffix.lower())


def msel_rows(exercise: Exercise, lang: Lang = "en") -> tuple[list[Column], list[list[Any]]]:
    """The columns (calendar time only when the exercise has a start) and one row per inject."""
    start = exercise.exercise.start
    columns = [c for c in COLUMNS if c.key != "calendar" or start is not None]
    rows = []
    for inj in exercise.injects:
        values = _values(inj, exercise, lang)
        rows.append([values.get(c.key) for c in columns])
    return columns, rows


def _values(inj: Inject, exercise: Exercise, lang: Lang) -> dict[str, Any]:
    nl = lang == "nl"
    start = exercise.exercise.start
    out: dict[str, Any] = {
        "number": id_value(inj.id),
        "type": TYPE_NL[inj.type] if nl else inj.type,
        "from": inj.from_,
        "to": inj.to,
        "method": inj.method,
        "message": inj.message,
        "expected_action": inj.expected_action,
        "objectives": ", ".join(inj.objectives),
        "notes": inj.notes,
        "title": inj.title,
        "visibility": VISIBILITY_NL[inj.visibility] if nl else inj.visibility,
        "crisis": inj.request.crisis if inj.request is not None else inj.crisis,
        "level": inj.level,
        "steps": inj.steps if inj.steps != 1 else None,
    }
    if inj.channel is not None:
        out["channel"] = CHANNEL_NL[inj.channel] if nl else inj.channel
    if inj.time is not None:
        out["time"] = format_time(inj.time)
        if start is not None:
            out["calendar"] = calendar_of(start, inj.time)
    elif inj.manual:
        out["trigger"] = manual_word(lang)
    elif inj.trigger is not None:
        out["trigger"] = format_trigger(inj.trigger, lang)
    if (r := inj.request) is not None:
        out |= {
            "region": r.region,
            "route": r.route,
            "requester": r.requester,
            "effect": r.effect,
            "tags": ", ".join(r.tags),
            "capability": r.capability,
            "quantity": r.quantity,
            "urgency": format_minutes_duration(r.urgency),
        }
        if r.life_safety is not None:
            out["life_safety"] = _yes_no(r.life_safety, nl)
        if r.duration is not None:
            out["duration"] = format_minutes_duration(r.duration)
        if r.site is not None:
            out["site"] = site_text(r.site)
    if inj.conditional is not None:
        out["conditional"] = inj.conditional
    payload = inj.capacity or inj.mt1 or inj.hub or inj.reallocate
    if payload is not None:
        out["payload"] = _payload_text(payload)
    return {k: v for k, v in out.items() if v not in ("", None)}


def _yes_no(value: bool, nl: bool) -> str:
    if nl:
        return "ja" if value else "nee"
    return "yes" if value else "no"


def _payload_text(model: BaseModel) -> str:
    """A one-line YAML flow mapping (``{capability: NH90, units: -1}``) without empty fields."""
    data = {k: v for k, v in model_to_data(model).items() if v not in (None, "")}
    text = yaml.safe_dump(
        data, default_flow_style=True, sort_keys=False, allow_unicode=True, width=1_000_000
    )
    return text.strip()


def _meta_rows(exercise: Exercise, lang: Lang) -> list[list[Any]]:
    """The metadata sheet: what an import without --into needs beyond the injects."""
    nl = lang == "nl"
    meta = exercise.exercise
    rows: list[list[Any]] = [
        ["veld", "waarde"] if nl else ["field", "value"],
        ["id", meta.id],
        ["titel" if nl else "title", meta.title],
        ["start", meta.start.isoformat() if meta.start is not None else None],
        ["ENDEX", format_time(meta.duration)],
    ]
    for o in meta.objectives:
        rows.append([f"{'doelstelling' if nl else 'objective'} {o.id}", o.text])
    return rows


def _check_excel_text(exercise: Exercise, columns: list[Column], rows: list[list[Any]]) -> None:
    """Excel cannot store most control characters (YAML escapes can put them in a text)."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    bad = [
        f"{exercise.id}: error: inject {inj.id}, {col.en}: contains a control character "
        "that Excel cannot store; remove it or export to .csv"
        for inj, values in zip(exercise.injects, rows, strict=True)
        for col, value in zip(columns, values, strict=True)
        if isinstance(value, str) and ILLEGAL_CHARACTERS_RE.search(value)
    ]
    if bad:
        raise MselError(bad)


def render_msel(exercise: Exercise, fmt: str, lang: Lang = "en") -> bytes:
    """The MSEL of ``exercise`` as the bytes of an .xlsx workbook or a .csv file.

    Raises MselError when a text cannot be stored in the chosen format.
    """
    columns, rows = msel_rows(exercise, lang)
    headers = [c.header(lang) for c in columns]
    if fmt == "csv":
        return write_csv(headers, rows, delimiter=";" if lang == "nl" else ",")
    if fmt != "xlsx":
        raise ValueError(f"unknown MSEL format {fmt!r}")
    _check_excel_text(exercise, columns, rows)
    return write_xlsx(
        headers,
        rows,
        [c.width for c in columns],
        [c.wrap for c in columns],
        sheet_name="MSEL",
        meta=("Oefening" if lang == "nl" else "Exercise", _meta_rows(exercise, lang)),
    )
