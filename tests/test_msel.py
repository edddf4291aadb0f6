"""MSEL spreadsheets: export -> import gives the same exercise; bad cells are named; CLI contract.

The round trip runs for every exercise shipped in exercises/, as .xlsx and as .csv, because
exercise staff will edit these sheets and hand them back: nothing may be lost on the way.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime, time, timedelta
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from sim.cli_msel import msel
from sim.exercise import load_exercise, load_exercise_text
from sim.exercise.models import Trigger
from sim.exercise.msel import MselError, import_msel, msel_rows, render_msel
from sim.exercise.msel_cells import CellError, format_time, parse_calendar, parse_time
from sim.exercise.msel_structured import format_trigger, parse_trigger

EXERCISES = sorted(Path(__file__).resolve().parent.parent.joinpath("exercises").glob("*.yaml"))
TUTORIAL = next(p for p in EXERCISES if p.name == "tutorial.yaml")
START = datetime.fromisoformat("2026-04-20T12:45:00+02:00")


def _export(exercise: Path, out: Path, lang: str = "en") -> Path:
    fmt = out.suffix.lstrip(".")
    out.write_bytes(render_msel(load_exercise(exercise), fmt, lang))  # type: ignore[arg-type]
    return out


def _xlsx(path: Path, rows: list[list[object]]) -> Path:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def _csv(path: Path, rows: list[list[object]], delimiter: str = ",") -> Path:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


# --- round trip -------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix,lang", [(".xlsx", "en"), (".csv", "nl")])
@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda p: p.stem)
def test_round_trip_into_gives_the_same_exercise(
    exercise: Path, suffix: str, lang: str, tmp_path: Path
) -> None:
    sheet = _export(exercise, tmp_path / f"msel{suffix}", lang)
    result = import_msel(sheet, into=exercise)
    assert result.exercise == load_exercise(exercise)
    assert result.warnings == []


@pytest.mark.parametrize("suffix,lang", [(".xlsx", "nl"), (".csv", "en")])
def test_round_trip_other_language_and_format(suffix: str, lang: str, tmp_path: Path) -> None:
    exercise = next(p for p in EXERCISES if p.name == "national-stress-test.yaml")
    sheet = _export(exercise, tmp_path / f"msel{suffix}", lang)
    assert import_msel(sheet, into=exercise).exercise == load_exercise(exercise)


def test_round_trip_keeps_the_planners_comments(tmp_path: Path) -> None:
    exercise = next(p for p in EXERCISES if p.name == "river-flood.yaml")
    text = import_msel(_export(exercise, tmp_path / "m.xlsx"), into=exercise).text
    original = exercise.read_text(encoding="utf-8")
    head = original[: original.index("\ninjects:")]
    assert text.startswith(head)
    assert "# Sources: 1995" in text


STANDARD_ONLY = [p for p in EXERCISES if not p.stem.startswith("wildfires")]  # no own tags
SKELETON_CASES = [(p, ".csv") for p in STANDARD_ONLY] + [
    (p, ".xlsx") for p in STANDARD_ONLY if p.stem in ("river-flood", "terror-utrecht")
]


@pytest.mark.parametrize(
    "exercise,suffix", SKELETON_CASES, ids=[f"{p.stem}{s}" for p, s in SKELETON_CASES]
)
def test_skeleton_import_keeps_every_inject(exercise: Path, suffix: str, tmp_path: Path) -> None:
    original = load_exercise(exercise)
    result = import_msel(_export(exercise, tmp_path / f"msel{suffix}"))
    assert result.exercise.injects == original.injects
    assert result.text.startswith("# yaml-language-server: $schema=exercise.schema.json\n")
    got = result.exercise.exercise
    assert got.start is not None and original.exercise.start is not None
    assert got.start.replace(tzinfo=None) == original.exercise.start.replace(tzinfo=None)
    if suffix == ".xlsx":  # the workbook's Exercise sheet carries the metadata
        assert (got.id, got.title, got.duration) == (
            original.exercise.id,
            original.exercise.title,
            original.exercise.duration,
        )
        texts = [(o.id, o.text) for o in original.exercise.objectives]
        assert [(o.id, o.text) for o in got.objectives] == texts
    crisis_ids = {c.id for c in result.exercise.crises}
    assert crisis_ids == {c.id for c in original.crises if _named(c.id, original)}


def _named(crisis: str, exercise: object) -> bool:
    injects = exercise.injects  # type: ignore[attr-defined]
    return any(j.crisis == crisis or (j.request and j.request.crisis == crisis) for j in injects)


def test_skeleton_needs_into_for_exercise_specific_data(tmp_path: Path) -> None:
    exercise = next(p for p in EXERCISES if p.name == "wildfires-clear.yaml")
    sheet = _export(exercise, tmp_path / "m.xlsx")
    with pytest.raises(MselError) as err:
        import_msel(sheet)
    columns, rows = msel_rows(load_exercise(exercise))
    row = next(i for i, r in enumerate(rows) if "CRASH_TENDER" in r) + 2
    col = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[[c.key for c in columns].index("capability")]
    assert any(
        m.startswith(f"{sheet}!{col}{row}: error: unknown capability") for m in err.value.messages
    )


# --- hand-made sheets: Dutch headers, time forms ------------------------------------------------

DUTCH_HEADER = [
    "Nummer",
    "SCENARIOTIJD",
    "Kalendertijd",
    "Soort",
    "Van",
    "Aan",
    "Bericht",
    "Doelstellingen",
    "Trigger",
    "Crisis",
    "Regio",
    "Grondslag",
    "Aanvrager",
    "Gevraagd effect",
    "Effecttags",
    "Aantal",
    "Urgentie",
    "Levensreddend",
    "Gegevens",
    "Status",
]


def _dutch_rows() -> list[list[object]]:
    blank = [None] * (len(DUTCH_HEADER) - 9)
    return [
        DUTCH_HEADER,
        [1, "H+2", None, "informatie", "Meldkamer", "CoPI", "Brand", "O1", None, *blank],
        [2, "M+30", None, "Opschalen", None, None, "Groter", None, None, "peel", *blank[1:]],
        [3, "J+1 20:00", None, "beslismoment", None, None, "Avond", "O2", None, *blank],
        [4, "d+1 14:40", None, "informatie", None, None, "Kleine d", None, None, *blank],
        [5, datetime(2026, 4, 20, 17, 40), None, "informatie", None, None, "x", None, None, *blank],
        [6, None, datetime(2026, 4, 21, 8, 30), "informatie", None, None, "y", None, None, *blank],
        [7, time(19, 40), None, "informatie", None, None, "klok", None, None, *blank],
        [8, timedelta(hours=30), None, "informatie", None, None, "duur", None, None, *blank],
        [9, None, None, "beslismoment", None, None, "z", None, "na 3 + 15m", *blank],
        [10, None, None, "beslismoment", None, None, "z", None, "Handmatig", *blank],
        [
            11,
            "T+2:00",
            None,
            "bijstandsverzoek",
            "Voorzitter VR",
            "LOCC",
            "Verzoek",
            "O1",
            None,
            "peel",
            "VR22",
            "wvr51",
            "Voorzitter veiligheidsregio",
            "Blussen vanuit de lucht",
            "wildfire",
            2,
            "3:00",
            "ja",
            None,
            "open",
        ],
        [12, "T+03:00", None, "capaciteit", *[None] * 14, "{capability: FBO_GROUND, units: -1}"],
    ]


def test_dutch_headers_and_time_forms(tmp_path: Path) -> None:
    sheet = _xlsx(tmp_path / "draaiboek.xlsx", _dutch_rows())
    result = import_msel(sheet, into=TUTORIAL)
    by_id = {j.id: j for j in result.exercise.injects}
    assert by_id["1"].time == 120
    assert by_id["2"].time == 30 and by_id["2"].type == "escalate"
    assert by_id["3"].time == 20 * 60
    assert by_id["4"].time == 14 * 60 + 40
    assert by_id["5"].time == 5 * 60 - 5  # 17:40 calendar, STARTEX 12:45
    assert by_id["6"].time == 19 * 60 + 45
    assert by_id["7"].time == 7 * 60 - 5
    assert by_id["8"].time == 30 * 60
    assert by_id["9"].trigger == Trigger(after="3", delay="15m")
    assert by_id["10"].manual
    request = by_id["11"].request
    assert request is not None
    assert (request.route, request.requester, request.urgency, request.life_safety) == (
        "WVR51",
        "voorzitter_VR",
        180,
        True,
    )
    assert by_id["12"].capacity is not None and by_id["12"].capacity.units == -1
    assert len(result.warnings) == 1 and "'Status'" in result.warnings[0]
    assert result.warnings[0].startswith(f"{sheet}!T1: warning")


def test_dutch_csv_with_semicolons(tmp_path: Path) -> None:
    rows = [["nummer", "scenariotijd", "soort", "bericht"], ["1", "T+00:30", "informatie", "a; b"]]
    sheet = _csv(tmp_path / "draaiboek.csv", rows, delimiter=";")
    result = import_msel(sheet, into=TUTORIAL)
    assert [(j.id, j.time, j.message) for j in result.exercise.injects] == [("1", 30, "a; b")]


def test_header_row_may_follow_a_title_row(tmp_path: Path) -> None:
    rows = [["MSEL oefening Peel"], [], ["No.", "Time", "Type"], [1, "T+00:30", "information"]]
    result = import_msel(_xlsx(tmp_path / "m.xlsx", rows), into=TUTORIAL)
    assert [j.time for j in result.exercise.injects] == [30]


# --- errors name their cells ---------------------------------------------------------------------


def test_bad_cells_are_all_reported_by_cell(tmp_path: Path) -> None:
    rows = [
        ["number", "scenario time", "type", "crisis", "quantity", "objectives", "trigger"],
        [1, "T+2:3", "information", None, None, None, None],  # bad time: B2
        [2, "T+01:00", "explode", None, None, None, None],  # bad type: C3
        [3, "T+01:00", "escalate", "nope", None, None, None],  # unknown crisis: D4
        [4, "T+01:00", "information", None, 5, None, None],  # request field on info: E5
        [5, "T+01:00", "information", None, None, "O9", None],  # unknown objective: F6
        [6, None, "information", None, None, None, "after 99"],  # unknown inject: G7
        [None, "T+01:00", "information", None, None, None, None],  # no number: A8
        [8, None, "information", None, None, None, None],  # no time: B9
        [9, "T+99:00", "information", None, None, None, None],  # after ENDEX: B10
        [1, "T+01:00", "information", None, None, None, None],  # duplicate id: A11
    ]
    sheet = _xlsx(tmp_path / "bad.xlsx", rows)
    with pytest.raises(MselError) as err:
        import_msel(sheet, into=TUTORIAL)
    cells = [m.split(": error:")[0].removeprefix(f"{sheet}!") for m in err.value.messages]
    assert cells == ["B2", "C3", "D4", "E5", "F6", "G7", "A8", "B9", "B10", "A11"]
    text = "\n".join(err.value.messages)
    assert "'T+2:3' is not a time" in text
    assert "'explode' is not an inject type" in text
    assert "unknown crisis 'nope'" in text
    assert f"first at {sheet}!A2" in text


def test_csv_errors_name_cells_too(tmp_path: Path) -> None:
    rows = [["number", "time", "type", "level"], ["1", "T+00:10", "set_level", "high"]]
    sheet = _csv(tmp_path / "m.csv", rows)
    with pytest.raises(MselError) as err:
        import_msel(sheet, into=TUTORIAL)
    assert err.value.messages[0].startswith(f"{sheet}!D2: error: 'high' is not a whole number")


def test_calendar_time_needs_a_start(tmp_path: Path) -> None:
    rows = [["number", "calendar time", "type"], [1, datetime(2026, 4, 20, 14, 0), "information"]]
    sheet = _xlsx(tmp_path / "m.xlsx", rows)
    with pytest.raises(MselError) as err:
        import_msel(sheet)
    assert err.value.messages[0].startswith(f"{sheet}!B2: error: a calendar time needs")


def test_scenario_and_calendar_time_must_agree(tmp_path: Path) -> None:
    rows = [
        ["number", "scenario time", "calendar time", "type"],
        [1, "T+01:00", datetime(2026, 4, 20, 13, 45), "information"],
        [2, "T+01:00", datetime(2026, 4, 20, 15, 0), "information"],
    ]
    sheet = _xlsx(tmp_path / "m.xlsx", rows)
    with pytest.raises(MselError) as err:
        import_msel(sheet, into=TUTORIAL)
    assert [m.split(": error:")[0] for m in err.value.messages] == [f"{sheet}!C3"]


def test_missing_header_is_reported(tmp_path: Path) -> None:
    sheet = _xlsx(tmp_path / "m.xlsx", [["what", "ever"], [1, 2]])
    with pytest.raises(MselError) as err:
        import_msel(sheet)
    assert err.value.messages[0].startswith(f"{sheet}!A1: error: no header row")


# --- cells -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,minutes",
    [("T+02:30", 150), ("t+2:30", 150), ("D+2 08:00", 1920), ("J+1 8:00", 480), ("H+2", 120)],
)
def test_time_forms(text: str, minutes: float) -> None:
    assert parse_time(text, None) == minutes


def test_time_round_trips_to_the_second() -> None:
    for minutes in (0, 1, 59.5, 150, 8640, 100 / 60, 7.25):
        assert parse_time(format_time(minutes), None) == pytest.approx(minutes)


def test_bare_numbers_and_clock_times_without_start_are_refused() -> None:
    with pytest.raises(CellError, match="number"):
        parse_time(150, START)
    with pytest.raises(CellError, match="start"):
        parse_time(time(14, 0), None)
    assert parse_calendar(time(12, 0), START) == 23 * 60 + 15  # next occurrence after STARTEX


@pytest.mark.parametrize(
    "trigger",
    [
        {"after": "3"},
        {"after": "inj-a", "delay": 90},
        {"when": {"region_level": {"VR22": 4}}, "delay": 30},
        {"when": {"crisis_level": {"peel": 3}}},
        {"when": {"free_units_below": {"FBO_GROUND": 1}}, "delay": 15},
        {"when": {"request_denied": "any"}},
        {"when": {"request_queued": "VR23"}, "delay": 0.5},
    ],
)
@pytest.mark.parametrize("lang", ["en", "nl"])
def test_trigger_notation_round_trips(trigger: dict[str, object], lang: str) -> None:
    model = Trigger.model_validate({**trigger, "delay": f"{trigger.get('delay', 0)}m"})
    data = parse_trigger(format_trigger(model, lang), "cell")
    assert data is not None
    assert Trigger.model_validate(data) == model


def test_trigger_cell_may_hold_yaml() -> None:
    assert parse_trigger("{after: 3, delay: 15m}", "cell") == {"after": 3, "delay": "15m"}
    with pytest.raises(CellError, match="not a trigger"):
        parse_trigger("sometime soon", "cell")


# --- CLI -------------------------------------------------------------------------------------------


def test_cli_export_import_and_exit_codes(tmp_path: Path) -> None:
    runner = CliRunner()
    sheet = tmp_path / "peel.xlsx"
    result = runner.invoke(msel, ["export", str(TUTORIAL), "-o", str(sheet), "--lang", "nl"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == str(sheet)
    before = sheet.read_bytes()

    again = runner.invoke(msel, ["export", str(TUTORIAL), "-o", str(sheet)])
    assert again.exit_code == 2
    assert "exists; use --force" in again.stderr
    assert sheet.read_bytes() == before

    forced = runner.invoke(msel, ["export", str(TUTORIAL), "-o", str(sheet), "--force"])
    assert forced.exit_code == 0, forced.stderr

    out = tmp_path / "peel.yaml"
    done = runner.invoke(msel, ["import", str(sheet), "--into", str(TUTORIAL), "-o", str(out)])
    assert done.exit_code == 0, done.stderr
    assert load_exercise(out) == load_exercise(TUTORIAL)
    kept = runner.invoke(msel, ["import", str(sheet), "-o", str(out)])
    assert kept.exit_code == 2 and "exists; use --force" in kept.stderr


def test_cli_import_errors_write_nothing(tmp_path: Path) -> None:
    sheet = _xlsx(tmp_path / "bad.xlsx", [["nr", "tijd", "soort"], [1, "T+2:3", "informatie"]])
    out = tmp_path / "new.yaml"
    result = CliRunner().invoke(msel, ["import", str(sheet), "-o", str(out)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{sheet}!B2: error:")
    assert "Traceback" not in result.stderr
    assert not out.exists()


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("missing.xlsx", None, "no such file"),
        ("broken.xlsx", b"not a zip file", "not a readable Excel workbook"),
        ("notes.txt", b"x", "expected an .xlsx or .csv file"),
        ("huge.csv", b'number,type\n1,"' + b"x" * 200_000 + b'"\n', "B2: error: the cell holds"),
    ],
)
def test_cli_unreadable_sheets_exit_2_without_traceback(
    name: str, content: bytes | None, message: str, tmp_path: Path
) -> None:
    sheet = tmp_path / name
    if content is not None:
        sheet.write_bytes(content)
    result = CliRunner().invoke(msel, ["import", str(sheet), "-o", str(tmp_path / "x.yaml")])
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_cli_import_reports_problems_of_the_into_file(tmp_path: Path) -> None:
    sheet = _export(TUTORIAL, tmp_path / "m.csv")
    runner = CliRunner()
    out = str(tmp_path / "x.yaml")
    missing = runner.invoke(msel, ["import", str(sheet), "--into", "nope.yaml", "-o", out])
    assert missing.exit_code == 2 and "nope.yaml: error: no such file" in missing.stderr
    broken = tmp_path / "broken.yaml"
    text = TUTORIAL.read_text(encoding="utf-8").replace("policy: priority", "policy: lottery")
    broken.write_text(text, encoding="utf-8")
    result = runner.invoke(msel, ["import", str(sheet), "--into", str(broken), "-o", out])
    assert result.exit_code == 2
    assert f"{broken}:" in result.stderr and "unknown policy 'lottery'" in result.stderr
    assert not Path(out).exists()


def test_cli_bad_exercise_and_bad_suffix(tmp_path: Path) -> None:
    runner = CliRunner()
    bad = tmp_path / "bad.yaml"
    bad.write_text("exercise: {id: x}\n", encoding="utf-8")
    result = runner.invoke(msel, ["export", str(bad), "-o", str(tmp_path / "m.xlsx")])
    assert result.exit_code == 2 and "missing required field" in result.stderr
    result = runner.invoke(msel, ["export", str(TUTORIAL), "-o", str(tmp_path / "m.ods")])
    assert result.exit_code == 2 and "must end in .xlsx or .csv" in result.stderr


def test_merge_replaces_an_injects_section_in_the_middle(tmp_path: Path) -> None:
    text = TUTORIAL.read_text(encoding="utf-8")
    cut = text.index("\ninjects:")
    moved = text[:cut] + "\n# the MSEL\n" + text[cut:]
    hub = moved.index("\nhub:")
    injects = moved.index("\n# the MSEL")
    reordered = moved[:hub] + moved[injects:] + "\n# hub settings\n" + moved[hub:injects] + "\n"
    into = tmp_path / "into.yaml"
    into.write_text(reordered, encoding="utf-8")
    load_exercise(into)
    sheet = _export(TUTORIAL, tmp_path / "m.csv")
    result = import_msel(sheet, into=into)
    assert result.exercise == load_exercise(TUTORIAL)
    assert "\n# hub settings\n\nhub:\n" in result.text
    assert result.text.index("injects:") < result.text.index("# hub settings")
    assert load_exercise_text(result.text) == result.exercise
