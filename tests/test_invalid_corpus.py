"""The corpus of invalid exercise files: each names its own expected error on its first line.

Every file in ``tests/invalid/`` starts with ``# expect: LINE:COL: FRAGMENT``. Loading it must
raise ``ExerciseFileError`` (never anything else) with an issue at exactly that line and column
whose ``path: message`` text contains the fragment. A few files are also checked through
``ttx validate`` (click's CliRunner and a real ``python -m sim`` process).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from sim.cli import cli
from sim.exercise import ExerciseFileError, Issue, load_exercise
from sim.exercise.yamlsafe import MAX_BYTES

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(__file__).resolve().parent / "invalid"
TUTORIAL = ROOT / "exercises" / "tutorial.yaml"
EXPECT = re.compile(r"^# expect: (\d+):(\d+): (.+?)\s*$")

MINIMAL = "exercise:\n  id: x\n  title: t\n  duration: T+10:00\n"


@dataclass(frozen=True)
class Expectation:
    line: int
    col: int
    fragment: str


def expectation(path: Path) -> Expectation:
    first = path.read_bytes().removeprefix(b"\xef\xbb\xbf").split(b"\n", 1)[0]
    m = EXPECT.match(first.decode("utf-8", "replace"))
    assert m, f"{path.name}: the first line must be '# expect: LINE:COL: FRAGMENT'"
    return Expectation(int(m[1]), int(m[2]), m[3])


def issue_text(issue: Issue) -> str:
    """The part of an error line after the location: ``path: message`` (or the message)."""
    return f"{issue.path}: {issue.message}" if issue.path else issue.message


def load_issues(path: Path) -> list[Issue]:
    with pytest.raises(ExerciseFileError) as info:
        load_exercise(path)
    assert info.value.issues, "ExerciseFileError without issues"
    return info.value.issues


def assert_expected(issues: list[Issue], exp: Expectation, source: str) -> None:
    found = [i for i in issues if (i.line, i.col) == (exp.line, exp.col)]
    listing = "\n".join(str(i) for i in issues)
    assert found, f"no issue at {exp.line}:{exp.col}; got:\n{listing}"
    assert any(exp.fragment in issue_text(i) for i in found), (
        f"no issue at {exp.line}:{exp.col} contains {exp.fragment!r}; got:\n{listing}"
    )
    for i in issues:
        assert i.location.source == source
        assert i.line is not None and i.line >= 1 and i.col is not None and i.col >= 1


CORPUS_FILES = sorted(CORPUS.glob("*.yaml"))


def test_corpus_is_large_enough_and_every_file_has_an_expectation() -> None:
    assert len(CORPUS_FILES) >= 45
    expectations = [expectation(p) for p in CORPUS_FILES]
    assert all(e.fragment for e in expectations)


@pytest.mark.parametrize("path", CORPUS_FILES, ids=[p.stem for p in CORPUS_FILES])
def test_invalid_file(path: Path) -> None:
    assert_expected(load_issues(path), expectation(path), str(path))


# --- generated cases: files we do not want to commit -------------------------------------------


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.yaml"
    path.write_bytes(b"")
    assert_expected(load_issues(path), Expectation(1, 1, "file is empty"), str(path))


def test_whitespace_only_file(tmp_path: Path) -> None:
    path = tmp_path / "blank.yaml"
    path.write_text("\n   \n\n", encoding="utf-8")
    assert_expected(load_issues(path), Expectation(1, 1, "file is empty"), str(path))


def test_file_over_the_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    padding = "# " + "x" * 98 + "\n"
    path.write_text(MINIMAL + padding * (MAX_BYTES // len(padding) + 1), encoding="utf-8")
    assert path.stat().st_size > MAX_BYTES
    issues = load_issues(path)
    assert_expected(issues, Expectation(1, 1, f"the limit is {MAX_BYTES:,}"), str(path))
    assert len(issues) == 1


def test_missing_file_and_folder(tmp_path: Path) -> None:
    issues = load_issues(tmp_path / "nope.yaml")
    assert issues[0].message == "no such file" and issues[0].line is None
    issues = load_issues(tmp_path)
    assert "folder" in issues[0].message


def test_utf16_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "utf16.yaml"
    path.write_bytes(MINIMAL.encode("utf-16"))
    assert_expected(load_issues(path), Expectation(1, 1, "file is not UTF-8"), str(path))


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + TUTORIAL.read_bytes())
    assert load_exercise(path) == load_exercise(TUTORIAL)


def test_bom_does_not_shift_columns_on_the_first_line(tmp_path: Path) -> None:
    path = tmp_path / "bom1.yaml"
    path.write_bytes(b"\xef\xbb\xbfexercise: {id: x, title: t, duration: 72}\n")
    assert_expected(
        load_issues(path), Expectation(1, 39, "exercise.duration: got the number 72"), str(path)
    )


@pytest.mark.parametrize(
    "name", ["unknown_key_crisis", "time_2_30_trap", "yaml_unclosed_quote", "control_character"]
)
@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_other_line_endings_give_the_same_locations(
    tmp_path: Path, name: str, newline: str
) -> None:
    source = CORPUS / f"{name}.yaml"
    path = tmp_path / f"{name}.yaml"
    path.write_bytes(source.read_bytes().replace(b"\n", newline.encode()))
    assert_expected(load_issues(path), expectation(source), str(path))


# --- through the command line ------------------------------------------------------------------

CLI_CASES = ["duplicate_key_nested", "time_2_30_trap", "unknown_region", "yaml_unclosed_quote"]


def error_line(path: Path) -> tuple[str, str]:
    """The start of the expected error line, and the fragment it must contain."""
    exp = expectation(path)
    return f"{path}:{exp.line}:{exp.col}: error: ", exp.fragment


@pytest.mark.parametrize("name", CLI_CASES)
def test_ttx_validate_prints_the_error_and_exits_2(name: str) -> None:
    path = CORPUS / f"{name}.yaml"
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 2, result.output
    start, fragment = error_line(path)
    lines = result.stderr.splitlines()
    assert any(line.startswith(start) and fragment in line for line in lines), result.stderr
    assert result.stdout == ""


def test_ttx_validate_checks_every_file() -> None:
    bad = [CORPUS / f"{name}.yaml" for name in CLI_CASES]
    result = CliRunner().invoke(cli, ["validate", str(TUTORIAL), *map(str, bad)])
    assert result.exit_code == 2
    assert f"{TUTORIAL}: ok: 'tutorial-peel'" in result.stdout
    for path in bad:
        start, fragment = error_line(path)
        assert any(
            line.startswith(start) and fragment in line for line in result.stderr.splitlines()
        ), path.name


def test_ttx_validate_good_file_exits_0() -> None:
    result = CliRunner().invoke(cli, ["validate", str(TUTORIAL)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(f"{TUTORIAL}: ok:")
    assert result.stderr == ""


def test_python_m_sim_validate_in_a_real_process() -> None:
    path = CORPUS / "python_object_collection.yaml"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-m", "sim", "validate", str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
    )
    assert proc.returncode == 2, proc.stderr
    start, fragment = error_line(path)
    assert any(line.startswith(start) and fragment in line for line in proc.stderr.splitlines())
    assert "Traceback" not in proc.stderr
    assert proc.stdout == ""


def test_ttx_validate_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    result = CliRunner().invoke(cli, ["validate", str(missing)])
    assert result.exit_code == 2
    assert result.stderr.strip() == f"{missing}: error: no such file"
