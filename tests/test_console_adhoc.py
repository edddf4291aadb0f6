"""Ad-hoc injects typed at the console: the exercise file's rules, errors at their column."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.exercise.adhoc import AdhocInjectError, parse_adhoc_inject
from sim.exercise.loader import load_exercise
from sim.exercise.models import Exercise
from sim.runs.commands import AddInject, parse_command

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def tutorial() -> Exercise:
    return load_exercise(ROOT / "exercises" / "tutorial.yaml")


def test_valid_inject_is_the_same_model_as_in_a_file(tutorial: Exercise) -> None:
    inj = parse_adhoc_inject(
        "{id: X1, time: T+03:00, type: escalate, crisis: peel, title: Wind turns, "
        "from: KNMI, to: ROT, method: phone, message: Wind north-east 6 Bft}",
        tutorial,
    )
    assert (inj.id, inj.time, inj.type, inj.crisis, inj.from_) == (
        "X1",
        180.0,
        "escalate",
        "peel",
        "KNMI",
    )


def test_session_hooks_give_an_id_and_fire_now(tutorial: Exercise) -> None:
    inj = parse_adhoc_inject(
        "{type: information, message: Press at the gate}", tutorial, default_id="adhoc-1", now=97.25
    )
    assert (inj.id, inj.time, inj.manual, inj.trigger) == ("adhoc-1", 97.25, False, None)
    # an id and a trigger written by the facilitator are kept
    kept = parse_adhoc_inject(
        "{id: P1, type: information, trigger: {after: 3, delay: 15m}}",
        tutorial,
        default_id="adhoc-2",
        now=10,
    )
    assert kept.id == "P1" and kept.time is None and kept.trigger is not None


def test_without_hooks_the_rules_of_a_file_apply(tutorial: Exercise) -> None:
    with pytest.raises(AdhocInjectError, match="missing required field 'id'"):
        parse_adhoc_inject("{type: information, time: T+01:00}", tutorial)
    with pytest.raises(AdhocInjectError, match="exactly one of time, trigger or manual"):
        parse_adhoc_inject("{id: X, type: information}", tutorial)


@pytest.mark.parametrize(
    ("text", "at", "fragment"),
    [
        ("{typ: information}", "typ", "unknown key 'typ'; did you mean 'type'?"),
        ("{id: X, type: informaton, time: 1h}", "informaton", "did you mean 'information'?"),
        (
            "{id: X, type: escalate, crisis: peal, time: 1h}",
            "peal",
            "unknown crisis 'peal'; did you mean 'peel'?",
        ),
        ("{id: 1, type: information, time: 1h}", "1, type", "duplicate inject id '1'"),
        ("{id: X, type: information, time: T+40:00}", "T+40:00", "after ENDEX"),
        ("{id: X, type: information, time: 2:30}", "2:30", "base-60 number 150"),
        ("{id: X, type: escalate, time: 1h}", "{id", "an escalate inject needs 'crisis'"),
        (
            "{id: X, type: request, time: 1h, request: {region: VR23, crisis: peel, effect: e, tags: [manpower]}}",
            "VR23",
            "not one of the regions of crisis 'peel'",
        ),
        (
            "{id: X, type: request, time: 1h, request: {region: VR22, effect: e, tags: [manpowr]}}",
            "manpowr",
            "unknown effect tag 'manpowr'",
        ),
        (
            "{id: X, type: capacity_change, time: 1h, capacity: {capability: FBO_CH74, units: -1}}",
            "FBO_CH74",
            "did you mean 'FBO_CH47'?",
        ),
        ("{id: X, type: information, time: 1h", "{id", "never closed"),
        ("[information]", "[information]", "one YAML mapping in braces"),
        (
            "{id: X, type: information, time: 1h, message: When do they come?, title: t}",
            "?",
            "quote a text with , : ?",
        ),
        (
            "{id: X, type: information, time: 1h, title: !!python/object:os.system x}",
            "!!python",
            "not allowed",
        ),
    ],
)
def test_errors_point_at_the_typo(tutorial: Exercise, text: str, at: str, fragment: str) -> None:
    with pytest.raises(AdhocInjectError) as info:
        parse_adhoc_inject(text, tutorial)
    assert fragment in info.value.message
    assert text[info.value.column - 1 :].startswith(at), (info.value.column, text)


def test_columns_are_those_of_the_whole_command_line(tutorial: Exercise) -> None:
    line = "@T+01:00 inject {typ: information, message: Press}"
    cmd = parse_command(line)
    assert isinstance(cmd, AddInject)
    with pytest.raises(AdhocInjectError) as info:
        parse_adhoc_inject(cmd.text, tutorial, offset=cmd.column - 1)
    assert line[info.value.column - 1 :].startswith("typ:")
    assert str(info.value).startswith(f"column {info.value.column}: unknown key 'typ'")


def test_the_exercise_is_not_changed(tutorial: Exercise) -> None:
    before = [j.id for j in tutorial.injects]
    parse_adhoc_inject("{id: NEW, type: information, time: 1h}", tutorial)
    assert [j.id for j in tutorial.injects] == before
