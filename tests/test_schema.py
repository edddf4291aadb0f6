"""The editor schema (exercises/exercise.schema.json) and the ``ttx`` entry points.

The committed schema must equal what the models generate (else it goes stale silently), must
be valid draft-07 (what yaml-language-server reads) and must accept every shipped exercise:
what the loader accepts, the editor must not flag.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from sim import __version__
from sim.cli import cli
from sim.exercise.schema import exercise_json_schema, schema_text

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_FILE = ROOT / "exercises" / "exercise.schema.json"
EXERCISES = sorted((ROOT / "exercises").glob("*.yaml"))
MODELINE = "# yaml-language-server: $schema=exercise.schema.json"


def test_committed_schema_is_up_to_date() -> None:
    committed = SCHEMA_FILE.read_text(encoding="utf-8")
    assert committed == schema_text(), (
        "exercises/exercise.schema.json is stale: run `ttx schema -o exercises/exercise.schema.json`"
    )


@pytest.mark.parametrize("which", ["committed", "generated"])
def test_schema_is_valid_draft_07(which: str) -> None:
    text = SCHEMA_FILE.read_text(encoding="utf-8") if which == "committed" else schema_text()
    schema = json.loads(text)
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    jsonschema.Draft7Validator.check_schema(schema)
    assert "prefixItems" not in text  # 2020-12 only: a draft-07 editor would ignore it


def test_there_are_exercises() -> None:
    assert "tutorial.yaml" in [p.name for p in EXERCISES]


def as_the_editor_sees_it(value: Any) -> Any:
    """YAML data as JSON: mapping keys are strings, timestamps the text they were written as."""
    if isinstance(value, dict):
        return {str(k): as_the_editor_sees_it(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_the_editor_sees_it(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


@pytest.mark.parametrize("path", EXERCISES, ids=[p.name for p in EXERCISES])
def test_schema_accepts_every_exercise(path: Path) -> None:
    validator = jsonschema.Draft7Validator(exercise_json_schema())
    data = as_the_editor_sees_it(yaml.safe_load(path.read_text(encoding="utf-8")))
    errors = [
        f"{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(data)
    ]
    assert errors == []


@pytest.mark.parametrize("path", EXERCISES, ids=[p.name for p in EXERCISES])
def test_every_exercise_starts_with_the_schema_modeline(path: Path) -> None:
    assert path.read_text(encoding="utf-8").splitlines()[0] == MODELINE


def test_schema_flags_what_the_loader_refuses() -> None:
    """The editor sees the common mistakes too: bare numbers as times, unknown keys, typos."""
    validator = jsonschema.Draft7Validator(exercise_json_schema())
    bad = yaml.safe_load(
        "exercise: {id: x, title: t, duration: 2:30}\n"
        "crises: [{id: c, kind: wildfir, regions: [VR22], onsett: T+01:00}]\n"
    )
    messages = sorted(e.message for e in validator.iter_errors(bad))
    assert any("150 is not of type 'string'" in m for m in messages), messages
    assert any("'wildfir' is not one of" in m for m in messages), messages
    assert any("'onsett' was unexpected" in m for m in messages), messages


def test_ttx_schema_prints_the_schema_and_writes_a_file(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["schema"])
    assert result.exit_code == 0 and result.stdout == schema_text()
    out = tmp_path / "schema.json"
    result = CliRunner().invoke(cli, ["schema", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert out.read_text(encoding="utf-8") == schema_text()


def test_ttx_help_and_version() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    assert "validate" in result.stdout and "schema" in result.stdout
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"ttx, version {__version__}"


def test_ttx_validate_without_files_is_a_usage_error() -> None:
    result = CliRunner().invoke(cli, ["validate"])
    assert result.exit_code == 2
    assert "Missing argument" in result.stderr
