"""Whatever ``validate`` accepts, ``run`` and the exports handle: each class of input that used
to pass validation and then crash or hang is refused at load, at ``file:line:col`` (or at the
``--set`` argument, or at the spreadsheet cell), with several cases per class.
"""

from __future__ import annotations

import time
import types
import typing
from pathlib import Path
from typing import Any

import pytest
from annotated_types import Le, Lt
from click.testing import CliRunner
from pydantic import BaseModel

from sim.cli import _register_optional, cli
from sim.exercise import ExerciseFileError, load_exercise_text
from sim.exercise.base import MAX_COUNT, MAX_UNITS
from sim.exercise.models import Exercise
from sim.exercise.msel import MselError, import_msel, render_msel
from sim.exercise.msel_cells import CellError, parse_duration, parse_int, parse_time
from sim.exercise.times import MAX_MINUTES, parse_scenario_time
from sim.exercise.yamlsafe import MAX_NODES

ROOT = Path(__file__).resolve().parent.parent
TUTORIAL = ROOT / "exercises" / "tutorial.yaml"
TUTORIAL_TEXT = TUTORIAL.read_text(encoding="utf-8")
HEAD = "exercise: {id: x, title: t, duration: T+10:00}\n"
_register_optional()


def issues(text: str, overrides: list[tuple[str, str]] | None = None) -> list[str]:
    with pytest.raises(ExerciseFileError) as info:
        load_exercise_text(text, "f.yaml", overrides)
    return [str(i) for i in info.value.issues]


def one_issue(text: str, where: str, fragment: str, overrides: Any = None) -> None:
    found = issues(text, overrides)
    assert any(m.startswith(where) and fragment in m for m in found), found


# --- escapes that make control characters ------------------------------------------------------


@pytest.mark.parametrize(
    "escape,code",
    [
        ("\\x1b", "U+001B"),
        ("\\0", "U+0000"),
        ("\\a", "U+0007"),
        ("\\x9b", "U+009B"),
        ("\\ud800", "U+D800"),
        ("\\udfff", "U+DFFF"),
        ("\\uFFFE", "U+FFFE"),
        ("\\e", "U+001B"),
    ],
)
@pytest.mark.parametrize("place", ["value", "key", "set", "list"])
def test_escaped_control_characters_are_refused_where_written(
    escape: str, code: str, place: str
) -> None:
    if place == "value":
        one_issue(
            HEAD + f'injects: [{{id: 1, time: T+01:00, type: information, title: "a{escape}"}}]\n',
            "f.yaml:2:",
            code,
        )
    elif place == "key":
        one_issue(HEAD + f'regions: {{"VR{escape}": {{name: x}}}}\n', "f.yaml:2:11", code)
    elif place == "list":
        one_issue(
            HEAD
            + f'injects: [{{id: 1, time: T+01:00, type: information, objectives: ["{escape}"]}}]\n',
            "f.yaml:2:",
            code,
        )
    else:
        found = issues(HEAD, [("exercise.title", f'"{escape}"')])
        assert any(m.startswith("--set exercise.title=") and code in m for m in found), found


# --- numbers that are not numbers ---------------------------------------------------------------


@pytest.mark.parametrize(
    "word", [".inf", "-.inf", "+.INF", ".NaN", ".nan", "!!float nan", "!!float -inf"]
)
@pytest.mark.parametrize(
    "field",
    [
        "hub: {hysteresis: %s}",
        "regions: {VR22: {lat: %s}}",
        "hub: {policy_params: {w_physical: %s}}",
        "capabilities: {FBO_CH47: {speed_kmh: %s}}",
        "crises: [{id: c, kind: flood, regions: [VR22], auto_requests: false, escalation: {p_up_met: %s}}]",
    ],
)
def test_non_finite_floats_are_refused_in_every_float_field(word: str, field: str) -> None:
    found = issues(HEAD + field % word + "\n")
    assert any(
        m.startswith("f.yaml:2:") and "is not a number the tool can use" in m for m in found
    ), found


def test_non_finite_float_through_set_names_the_argument() -> None:
    found = issues(TUTORIAL_TEXT, [("crises.peel.escalation.speedup_unmet", ".inf")])
    assert found == [
        "--set crises.peel.escalation.speedup_unmet=.inf: error: crises.peel.escalation.speedup_unmet: "
        "inf is not a number the tool can use; write a finite number"
    ]


# --- policy parameters ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params,fragment",
    [
        ("{w_physcal: 2}", "did you mean 'w_physical'"),
        ("{bogus: 1}", "Input should be 'w_territorial'"),
        ("{w_physical: -1}", "greater than or equal to 0"),
        ("{w_physical: 1.0e+9}", "less than or equal to 1000"),
        ("{w_physical: '2'}", "got the text '2'"),
        ("{1: 2}", "Input should be"),
    ],
)
def test_policy_params_take_known_keys_and_sane_values(params: str, fragment: str) -> None:
    one_issue(HEAD + f"hub: {{policy_params: {params}}}\n", "f.yaml:2:", fragment)


def test_known_policy_params_are_accepted() -> None:
    ex = load_exercise_text(
        HEAD
        + "hub: {policy_params: {w_physical: 2, w_economic: 0.5, preempt_non_life_safety: 1}}\n"
    )
    assert ex.hub.policy_params == {
        "w_physical": 2,
        "w_economic": 0.5,
        "preempt_non_life_safety": 1,
    }


# --- calendar start -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "start",
    [
        "0001-01-01T00:00:00",
        "1899-12-31T23:59:00",
        "2201-01-01T00:00:00",
        "9999-12-31T23:59:59+14:00",
    ],
)
def test_calendar_start_outside_1900_to_2200_is_refused(start: str) -> None:
    one_issue(
        f"exercise: {{id: x, title: t, duration: T+10:00, start: {start}}}\n",
        "f.yaml:1:",
        "start must be in the years 1900-2200",
    )
    found = issues(HEAD, [("exercise.start", start)])
    assert any(m.startswith("--set exercise.start=") for m in found), found


@pytest.mark.parametrize("start", ["1900-01-01T00:00:00", "2200-12-31T23:59:00-12:00"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_calendar_starts_at_the_bounds_export_and_import(
    start: str, fmt: str, tmp_path: Path
) -> None:
    text = (
        f"exercise: {{id: x, title: t, duration: 1000d, start: {start}}}\n"
        "injects: [{id: 1, time: 'D+999 23:59', type: information}, {id: 2, time: T+00:00, type: information}]\n"
    )
    into = tmp_path / "x.yaml"
    into.write_text(text, encoding="utf-8")
    ex = load_exercise_text(text)
    sheet = tmp_path / f"m.{fmt}"
    sheet.write_bytes(render_msel(ex, fmt))
    assert import_msel(sheet, into=into).exercise.injects == ex.injects


# --- ASCII digits only ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["T+٣٠:00", "T+3٠:00", "D+١ 08:00", "٣٠m", "PT٢H", "１０h", "P１D", "2h３0m", "T+01:00\u3000"],
)
def test_times_take_only_ascii_digits(value: str) -> None:
    with pytest.raises(ValueError, match="is not a scenario time"):
        parse_scenario_time(value)
    one_issue(
        f"exercise: {{id: x, title: t, duration: '{value}'}}\n",
        "f.yaml:1:",
        "is not a scenario time",
    )


@pytest.mark.parametrize(
    "cell", ["H+٢", "M+٣٠", "D+١ 08:00", "J+١ 08:00", "٢٨-01-2027 14:40", "١:30"]
)
def test_sheet_times_take_only_ascii_digits(cell: str) -> None:
    with pytest.raises(CellError):
        parse_time(cell, None)
    with pytest.raises(CellError):
        parse_duration(cell)


@pytest.mark.parametrize("cell", ["٣", "１", "+٣"])
def test_sheet_numbers_take_only_ascii_digits(cell: str) -> None:
    with pytest.raises(CellError):
        parse_int(cell)


# --- Windows-reserved names -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "CON",
        "con",
        "Nul",
        "PRN",
        "aux",
        "COM1",
        "com9",
        "LPT1",
        "lpt0",
        "nul.txt",
        "CON.tar.gz",
        "x.",
    ],
)
def test_exercise_ids_that_cannot_be_folder_names_are_refused(name: str) -> None:
    one_issue(
        f"exercise: {{id: '{name}', title: t, duration: T+10:00}}\n",
        "f.yaml:1:16",
        "cannot be an exercise id",
    )


@pytest.mark.parametrize("name", ["console", "nul1", "COM10", "x.con", "lpt", "a.b"])
def test_ids_that_only_look_reserved_are_fine(name: str) -> None:
    assert (
        load_exercise_text(f"exercise: {{id: '{name}', title: t, duration: T+10:00}}\n").id == name
    )


@pytest.mark.parametrize("stem", ["con", "NUL", "com1", "aux.backup"])
def test_a_sheet_named_like_a_device_gets_a_usable_id(stem: str, tmp_path: Path) -> None:
    sheet = tmp_path / f"{stem}.csv"
    sheet.write_text("number,scenario time,type\n1,T+01:00,information\n", encoding="utf-8")
    assert import_msel(sheet).exercise.id.endswith("-msel")


# --- --set errors point at the argument --------------------------------------------------------------


@pytest.mark.parametrize(
    "key,value,fragment",
    [
        ("foo.bar.baz", "1", "unknown key 'foo'"),
        ("crises.peel.bogus.x", "1", "unknown key 'bogus'"),
        ("crises.peel.levels.9.demand.manpower", "3", "level 9 is not on the ladder"),
        ("hub.policy_params.w_foo", "1", "Input should be"),
        ("hub.nothing", "1", "unknown key 'nothing'"),
        ("capabilities.NEW_CAP.units", "3", "missing required field"),
    ],
)
def test_set_errors_on_new_keys_name_the_argument(key: str, value: str, fragment: str) -> None:
    found = issues(TUTORIAL_TEXT, [(key, value)])
    assert any(m.startswith(f"--set {key}={value}: error:") and fragment in m for m in found), found
    assert not any(m.startswith("f.yaml") for m in found), found


# --- one limit for every duration form ------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "1001d",
        "24001h",
        "1440001m",
        "86400001s",
        "1000d1m",
        "P1001D",
        "PT24001H",
        "P999DT49H",
        "99999999999999999999d",
        "P99999999999999D",
        "9" * 400 + "m",
    ],
)
def test_every_duration_form_has_the_same_limit(value: str) -> None:
    with pytest.raises(ValueError, match="the limit of 1000 days"):
        parse_scenario_time(value)
    one_issue(
        f"exercise: {{id: x, title: t, duration: '{value}'}}\n", "f.yaml:1:", "limit of 1000 days"
    )
    one_issue(
        HEAD + f"hub: {{drafting: {{uniform: [1m, '{value}']}}}}\n",
        "f.yaml:2:",
        "limit of 1000 days",
    )


@pytest.mark.parametrize(
    "value", ["1000d", "24000h", "1440000m", "P1000D", "T+9999:59", "D+999 23:59", "PT24000H"]
)
def test_up_to_the_limit_every_form_is_read(value: str) -> None:
    assert parse_scenario_time(value) <= MAX_MINUTES


def test_a_far_calendar_time_in_a_sheet_is_over_the_limit_at_its_cell(tmp_path: Path) -> None:
    sheet = tmp_path / "far.csv"
    sheet.write_text(
        "number,calendar time,type\n1,2200-01-01 00:00,information\n", encoding="utf-8"
    )
    into = tmp_path / "x.yaml"
    into.write_text(
        "exercise: {id: x, title: t, duration: T+10:00, start: 2026-01-01T00:00:00}\n",
        encoding="utf-8",
    )
    with pytest.raises(MselError) as info:
        import_msel(sheet, into=into)
    assert any(
        m.startswith(f"{sheet}!B2: error:") and "limit of 1000 days" in m
        for m in info.value.messages
    )


# --- counts, loop times ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "snippet,fragment",
    [
        (f"capabilities: {{FBO_CH47: {{units: {MAX_UNITS + 1}}}}}", "less than or equal to 1000"),
        (
            "capabilities: {FBO_CH47: {units: 1000000000000000000000000000000}}",
            "less than or equal to 1000",
        ),
        ("capabilities: {FBO_CH47: {unit_size: 100000}}", "less than or equal to 1000"),
        ("hub: {staff: 1001}", "less than or equal to 1000"),
        ("hub: {mt1_reserved: {FBO_CH47: 100000}}", "less than or equal to 1000"),
        (f"regions: {{VR22: {{population_k: {MAX_COUNT + 1}}}}}", "less than or equal to 1000000"),
        (
            f"regions: {{VR22: {{civil: {{manpower: {MAX_COUNT + 1}}}}}}}",
            "less than or equal to 1000000",
        ),
        (
            "crises: [{id: c, kind: flood, regions: [VR22], start_level: 101}]",
            "less than or equal to 100",
        ),
        ("exercise2: 1", "unknown key"),
        ("hub: {review_interval: 59m}", "review_interval must be at least 1h"),
        ("hub: {review_interval: 0m}", "review_interval must be at least 1h"),
        (
            "crises: [{id: c, kind: flood, regions: [VR22], escalation: {dwell: {uniform: [0m, 10m]}}, levels: {1: {demand: {manpower: 1}}}}]",
            "a dwell must be at least 10m",
        ),
        (
            "crises: [{id: c, kind: flood, regions: [VR22], levels: {1: {demand: {manpower: 1}, dwell: 0m}}}]",
            "a dwell must be at least 10m",
        ),
        ("capabilities: {FBO_CH47: {sortie: 5m}}", "a sortie must be at least 10m"),
        (
            "crises: [{id: c, kind: flood, regions: [VR22], auto_requests: false, escalation: {speedup_unmet: 11}}]",
            "less than or equal to 10",
        ),
    ],
)
def test_counts_and_loop_times_are_bounded(snippet: str, fragment: str) -> None:
    one_issue(HEAD + snippet + "\n", "f.yaml:2:", fragment)


def _numeric_fields(model: type[BaseModel], seen: set[type]) -> list[tuple[str, Any, list[Any]]]:
    out = []
    if model in seen:
        return out
    seen.add(model)
    for name, field in model.model_fields.items():
        for annotation, metadata in _leaves(field.annotation, list(field.metadata)):
            if isinstance(annotation, type) and issubclass(annotation, BaseModel):
                out += _numeric_fields(annotation, seen)
            elif annotation in (int, float):
                out.append((f"{model.__name__}.{name}", annotation, metadata))
    return out


def _leaves(annotation: Any, metadata: list[Any]) -> list[tuple[Any, list[Any]]]:
    """Every (type, constraints) inside an annotation: unions, lists, dict keys and values."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        base, *meta = typing.get_args(annotation)
        flat = [m for x in meta for m in (getattr(x, "metadata", None) or [x])]
        return _leaves(base, metadata + flat)
    if origin in (typing.Union, types.UnionType):
        return [
            leaf
            for a in typing.get_args(annotation)
            if a is not type(None)
            for leaf in _leaves(a, metadata)
        ]
    if origin in (list, dict):
        return [leaf for a in typing.get_args(annotation) for leaf in _leaves(a, [])]
    if origin is typing.Literal:
        return []
    return [(annotation, metadata)]


def test_every_number_in_the_format_has_an_upper_bound() -> None:
    """The mechanism: a new int or float field without a bound fails here, not in a run."""
    fields = _numeric_fields(Exercise, set())
    assert len(fields) > 40
    unbounded = []
    for where, kind, metadata in fields:
        bounded = any(isinstance(m, Le | Lt) for m in metadata)
        is_time = kind is float and any(
            getattr(m, "func", None).__name__ == "_validate" for m in metadata if hasattr(m, "func")
        )
        if not (bounded or is_time):
            unbounded.append(where)
    assert not unbounded, f"numbers without an upper bound: {unbounded}"


# --- document size -------------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", ["flow", "block", "mapping"])
def test_a_huge_flat_document_is_refused_fast_without_being_built(shape: str) -> None:
    n = MAX_NODES + 10
    text = {
        "flow": "[" + ",".join(["1"] * n) + "]",
        "block": "- 1\n" * n,
        "mapping": "a:\n" + "".join(f"  k{i}: 1\n" for i in range(n // 2 + 10)),
    }[shape]
    start = time.perf_counter()
    found = issues(text)
    assert time.perf_counter() - start < 3.0
    assert len(found) == 1 and f"document too large: more than {MAX_NODES:,} values" in found[0]


# --- what validate accepts, run and the exports handle ----------------------------------------------------


def test_an_exercise_at_the_edges_validates_runs_and_exports(tmp_path: Path) -> None:
    path = tmp_path / "edges.yaml"
    path.write_text(
        "exercise:\n"
        "  id: edges\n"
        "  title: '=HYPERLINK(\"x\") é ✓ 𝄞'\n"
        "  start: 1900-01-01T00:00:00\n"
        "  duration: T+06:00\n"
        "  seed: 9223372036854775807\n"
        "hub: {staff: 1000, review_interval: 1h, hysteresis: 100, policy_params: {w_physical: 1000}}\n"
        "capabilities: {FBO_CH47: {units: 1000}}\n"
        "crises:\n"
        "  - id: c\n    kind: wildfire\n    regions: [VR22]\n    onset: T+00:00\n"
        "    escalation: {dwell: 10m, speedup_unmet: 10}\n"
        "    levels: {1: {demand: {wildfire: 1000000}}}\n"
        "injects:\n"
        "  - {id: 1, time: T+00:10, type: information, title: '-5 km', message: \"line\\nbreak\\ttab\"}\n",
        encoding="utf-8",
    )
    runner = CliRunner()
    assert runner.invoke(cli, ["validate", str(path)]).exit_code == 0
    result = runner.invoke(cli, ["run", str(path), "--no-plots", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    for suffix in (".csv", ".xlsx"):
        out = tmp_path / f"edges{suffix}"
        result = runner.invoke(cli, ["msel", "export", str(path), "-o", str(out)])
        assert result.exit_code == 0, result.output
        back = tmp_path / f"back{suffix}.yaml"
        result = runner.invoke(
            cli, ["msel", "import", str(out), "--into", str(path), "-o", str(back)]
        )
        assert result.exit_code == 0, result.output


def test_docs_limits_lists_every_limit_with_its_value() -> None:
    from sim import limits
    from sim.exercise import base, models, msel_sheets, reference, times, yamlsafe

    doc = (ROOT / "docs" / "limits.md").read_text(encoding="utf-8")
    values = {
        "MAX_BYTES": yamlsafe.MAX_BYTES,
        "MAX_NODES": yamlsafe.MAX_NODES,
        "MAX_DEPTH": yamlsafe.MAX_DEPTH,
        "MAX_TEXT": yamlsafe.MAX_TEXT,
        "MAX_MINUTES": int(times.MAX_MINUTES),
        "MAX_COUNT": base.MAX_COUNT,
        "MAX_UNITS": base.MAX_UNITS,
        "MAX_STAFF": base.MAX_STAFF,
        "MAX_LEVEL": base.MAX_LEVEL,
        "MAX_SEED": base.MAX_SEED,
        "MAX_SPEED_KMH": int(reference.MAX_SPEED_KMH),
        "MAX_WEIGHT": int(models.MAX_WEIGHT),
        "MAX_SHEET_BYTES": msel_sheets.MAX_SHEET_BYTES,
        "MAX_XLSX_UNPACKED": msel_sheets.MAX_XLSX_UNPACKED,
        "MAX_XLSX_MEMBERS": msel_sheets.MAX_XLSX_MEMBERS,
        "MAX_SHEET_ROWS": msel_sheets.MAX_SHEET_ROWS,
        "MAX_SHEET_COLUMNS": msel_sheets.MAX_SHEET_COLUMNS,
        "MAX_CELL_CHARS": msel_sheets.MAX_CELL_CHARS,
        "MAX_COMMAND_CHARS": limits.MAX_COMMAND_CHARS,
    }
    for name, value in values.items():
        assert name in doc and (f"{value:,}" in doc or str(value) in doc), (name, value)
    assert (
        f"{int(models.MIN_DWELL)} minutes" in doc and f"{int(reference.MIN_SORTIE)} minutes" in doc
    )
    assert models.MIN_REVIEW_INTERVAL == 60 and "at least 1 hour" in doc
    first, last = models.START_YEARS
    assert f"{first}-{last}" in doc
    assert all(p in doc for p in models.POLICY_PARAMS)


def test_without_libyaml_the_composer_counts_values_as_it_builds_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from sim.exercise import yamlsafe

    monkeypatch.setattr(yamlsafe, "_CParser", None)
    monkeypatch.setattr(yamlsafe, "MAX_NODES", 1_000)
    found = issues("[" + ",".join(["1"] * 5_000) + "]")
    assert found == ["f.yaml:1:2000: error: document too large: more than 1,000 values"]
