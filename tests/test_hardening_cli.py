"""The terminal side of bad input: one line per problem (also for click's usage errors), exit 2,
no raw control characters on the terminal whatever the input holds, and a strict ``--seed``.
"""

from __future__ import annotations

import io
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from sim.cli import _register_optional, _Seed, cli
from sim.cli_terminal import _TerminalSafe, terminal_safe
from sim.exercise.base import MAX_SEED

ROOT = Path(__file__).resolve().parent.parent
TUTORIAL = str(ROOT / "exercises" / "tutorial.yaml")
_register_optional()

RAW_CONTROLS = [chr(c) for c in (*range(0, 9), *range(11, 32), *range(127, 160))] + [
    "\u202e",
    "\u2066",
    "\u200f",
    "\u2028",
    "\ud800",
]


def stderr_lines(args: list[str]) -> list[str]:
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, (args, result.output)
    assert "Traceback" not in result.output
    return result.stderr.strip().splitlines()


@pytest.mark.parametrize(
    "args,fragment",
    [
        (["run", TUTORIAL, "--sed", "3"], "No such option '--sed'"),
        (["run"], "Missing argument 'EXERCISE'"),
        (["run", TUTORIAL, "--lang", "xx"], "Invalid value for '--lang'"),
        (["run", TUTORIAL, "--policy", "lifo"], "Invalid value for '--policy'"),
        (["run", TUTORIAL, "--seed"], "Option '--seed' requires an argument"),
        (["bogus"], "No such command 'bogus'"),
        (["validate"], "Missing argument 'FILES...'"),
        (["schema", "extra"], "Got unexpected extra argument"),
        (["msel", "export", TUTORIAL], "Missing option '-o'"),
        (["msel", "import"], "Missing argument 'SHEET'"),
        (["replay", "a", "b"], "Got unexpected extra argument"),
        (["schema", "-o", str(ROOT)], "is a directory"),
    ],
)
def test_usage_errors_are_one_line_naming_the_argument(args: list[str], fragment: str) -> None:
    lines = stderr_lines(args)
    assert len(lines) == 1, lines
    assert ": error: " in lines[0] and fragment in lines[0], lines[0]
    assert "--help" in lines[0]


@pytest.mark.parametrize(
    "seed",
    [
        "1_000",
        "٣",
        "１",
        "+1",
        "-1",
        " 1",
        "1 ",
        "1e3",
        "0x10",
        "",
        "²",
        "1.0",
        "9" * 20,
        "9" * 230,
        str(MAX_SEED + 1),
    ],
)
def test_seed_takes_only_ascii_digits_up_to_the_largest_seed(seed: str) -> None:
    lines = stderr_lines(["run", TUTORIAL, "--seed", seed, "--no-plots"])
    assert len(lines) == 1 and "Invalid value for '--seed'" in lines[0], lines
    assert len(lines[0]) < 300, "a 230-digit seed is not echoed whole"


@pytest.mark.parametrize("seed", ["0", "007", "42", str(MAX_SEED)])
def test_good_seeds(seed: str) -> None:
    assert _Seed().convert(seed, None, None) == int(seed)


def test_terminal_safe_escapes_every_control_but_newline_and_tab() -> None:
    for ch in RAW_CONTROLS:
        shown = terminal_safe(f"a{ch}b")
        assert ch not in shown and shown.startswith("a\\") and shown.endswith("b"), repr(shown)
    assert terminal_safe("line\n\tnext é ✓ 𝄞") == "line\n\tnext é ✓ 𝄞"
    assert terminal_safe("\x1b[2J") == "\\x1b[2J"


def test_a_terminal_stream_never_receives_a_control_character() -> None:
    """What click writes on a real terminal (where it does not strip colours) goes through."""

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    tty = Tty()
    click.echo("key \x1b]0;owned\x07 \x1b[31mred\x1b[0m \r\u202eevil", file=_TerminalSafe(tty))  # type: ignore[arg-type]
    written = tty.getvalue()
    assert not any(ch in written for ch in RAW_CONTROLS), repr(written)
    assert "\\x1b]0;owned\\x07" in written and "\\u202e" in written


@pytest.mark.parametrize(
    "args",
    [
        ["run", TUTORIAL, "--no-plots", "--set", "hub.\x1b]0;owned\x07=1"],
        ["run", TUTORIAL, "--no-plots", "--set", "\x07\x08\r\x9b2J=1"],
        ["run", TUTORIAL, "--no-plots", "--set", "hub.\u202estaff=1"],
        ["validate", "\x1b]0;owned\x07.yaml"],
        ["msel", "import", "x\x1b[2J.csv", "-o", "y.yaml"],
        ["schema", "-o", str(ROOT / "README.md" / "\x07.json")],
    ],
)
def test_no_message_sends_raw_control_characters(args: list[str], tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, result.output
    assert not any(ch in result.output for ch in RAW_CONTROLS if ch != "\r"), repr(result.output)
    assert "\r" not in result.output.replace("\r\n", "\n")


def test_a_yaml_key_with_escape_codes_is_refused_and_shown_escaped(tmp_path: Path) -> None:
    path = tmp_path / "keys.yaml"
    path.write_text(
        'exercise: {id: x, title: t, duration: T+10:00}\nhub: {"\\x1b[2Jstaff": 1}\n',
        encoding="utf-8",
    )
    lines = stderr_lines(["validate", str(path)])
    assert lines == [
        f"{path}:2:7: error: hub: key: control character U+001B is not allowed "
        "(written as an escape in a quoted text)"
    ]
