"""The command language shared by the console prompt and scripts: syntax, columns, completion."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.runs.commands import (
    ACTIONS,
    USAGE,
    WORDS,
    AddInject,
    Answer,
    CommandError,
    Decide,
    Delay,
    End,
    Fire,
    Goto,
    Help,
    Mobilise,
    Next,
    Note,
    Pause,
    Reallocate,
    Resume,
    Skip,
    Speed,
    parse_command,
    parse_script,
)
from sim.runs.completion import CompletionIds, complete

DOCS = Path(__file__).resolve().parents[1] / "docs" / "live.md"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("pause", Pause(at=None, line="pause")),
        ("  RESUME  ", Resume(at=None, line="  RESUME  ")),
        ("speed 600", Speed(at=None, line="speed 600", factor=600.0)),
        ("speed 0.5x", Speed(at=None, line="speed 0.5x", factor=0.5)),
        ("goto T+02:30", Goto(at=None, line="goto T+02:30", time=150.0)),
        ("goto D+2 08:00", Goto(at=None, line="goto D+2 08:00", time=1920.0)),
        ("next", Next(at=None, line="next")),
        ("fire 7", Fire(at=None, line="fire 7", inject="7")),
        ("skip I3", Skip(at=None, line="skip I3", inject="I3")),
        (
            "skip I3 'players already know'",
            Skip(
                at=None,
                line="skip I3 'players already know'",
                inject="I3",
                reason="players already know",
            ),
        ),
        ("delay 7 PT1H30M", Delay(at=None, line="delay 7 PT1H30M", inject="7", by=90.0)),
        (
            "reallocate FBO_CH47-2 to R004",
            Reallocate(
                at=None, line="reallocate FBO_CH47-2 to R004", units=("FBO_CH47-2",), request="R004"
            ),
        ),
        ("mobilise", Mobilise(at=None, line="mobilise")),
        ("mobilize now", Mobilise(at=None, line="mobilize now", reason="now")),
        (
            "answer 12 evacuate Deurne first",
            Answer(
                at=None,
                line="answer 12 evacuate Deurne first",
                inject="12",
                text="evacuate Deurne first",
            ),
        ),
        (
            "note LOCC asked # of units",
            Note(at=None, line="note LOCC asked # of units", text="LOCC asked # of units"),
        ),
        ("end", End(at=None, line="end")),
        ("help", Help(at=None, line="help")),
        ("help decide", Help(at=None, line="help decide", topic="decide")),
    ],
)
def test_each_word_parses(line: str, expected: object) -> None:
    assert parse_command(line) == expected


@pytest.mark.parametrize(
    ("prefix", "minutes"),
    [
        ("@T+01:30", 90.0),
        ("@D+1 08:00", 480.0),
        ("@D+2 00:15", 1455.0),
        ("@90m", 90.0),
        ("@PT2H", 120.0),
    ],
)
def test_time_prefix_in_every_form(prefix: str, minutes: float) -> None:
    cmd = parse_command(f"{prefix} fire 7")
    assert isinstance(cmd, Fire) and cmd.at == minutes and cmd.inject == "7"


def test_comments_and_blank_lines_are_nothing() -> None:
    assert parse_command("") is None
    assert parse_command("   ") is None
    assert parse_command("# @T+01:00 fire 7") is None
    assert parse_command("   # indented comment") is None


def test_decide_with_capability_units_and_reason() -> None:
    cmd = parse_command('decide R012 approve FBO_CH47 2 "lives at stake, go"')
    assert cmd == Decide(
        at=None,
        line='decide R012 approve FBO_CH47 2 "lives at stake, go"',
        request="R012",
        action="approve",
        capability="FBO_CH47",
        units=2,
        reason="lives at stake, go",
    )
    partial = parse_command("@T+03:00 decide R2 partial 1 only one crew free")
    assert isinstance(partial, Decide)
    assert (partial.at, partial.capability, partial.units, partial.reason) == (
        180.0,
        None,
        1,
        "only one crew free",
    )


def test_decide_tells_capability_from_reason_with_known_ids() -> None:
    caps = ["FBO_CH47", "NH90"]
    deny = parse_command("decide R1 deny NO legal basis", capabilities=caps)
    assert isinstance(deny, Decide) and deny.capability is None and deny.reason == "NO legal basis"
    sub = parse_command("decide R1 substitute nh90 1", capabilities=caps)
    assert isinstance(sub, Decide) and sub.capability == "NH90" and sub.units == 1
    # without the list, an upper-case word is taken for a capability (the session checks it)
    guess = parse_command("decide R1 deny NO legal basis")
    assert isinstance(guess, Decide) and guess.capability == "NO"


def test_inject_keeps_the_yaml_and_its_column() -> None:
    line = "@T+00:45 inject {id: X1, type: information, message: 'Press at the gate'}"
    cmd = parse_command(line)
    assert isinstance(cmd, AddInject)
    assert cmd.text == "{id: X1, type: information, message: 'Press at the gate'}"
    assert line[cmd.column - 1 :] == cmd.text


@pytest.mark.parametrize(
    ("line", "column", "fragment"),
    [
        ("fier 7", 1, "did you mean 'fire'?"),
        ("  pasue", 3, "did you mean 'pause'?"),
        ("xyzzy", 1, "unknown command 'xyzzy'"),
        ("fire", 5, "fire needs an inject id"),
        ("fire 7 8", 8, "unexpected '8'"),
        ("fire {7}", 6, "is not an inject id"),
        ("speed", 6, "speed needs a number"),
        ("speed fast", 7, "positive number"),
        ("speed -5", 7, "positive number"),
        ("speed nan", 7, "positive number"),
        ("goto", 5, "goto needs a scenario time"),
        ("goto 2:30", 6, "is not a scenario time"),
        ("goto T+02:3", 6, "is not a scenario time"),
        ("delay 7", 8, "delay needs a duration"),
        ("delay 7 0m", 9, "positive duration"),
        ("decide", 7, "decide needs a request id"),
        ("decide R1", 10, "decide needs a decision"),
        ("decide R1 aprove", 11, "did you mean 'approve'?"),
        ("decide R1 approve FBO_CH47 0", 28, "at least 1"),
        ('decide R1 deny "no basis', 16, "unclosed quote"),
        ("reallocate", 11, "needs a unit id"),
        ("reallocate U1 R2", 15, "expected 'to'"),
        ("reallocate U1 to", 17, "needs a request id"),
        ("inject", 7, "one inject as flow-style YAML"),
        ("inject type: information", 8, "in braces"),
        ("answer 7", 9, "answer needs the answer text"),
        ("note", 5, "note needs a text"),
        ("end now", 5, "unexpected 'now'"),
        ("help fier", 6, "did you mean 'fire'?"),
        ("@ fire 7", 1, "'@' needs a scenario time"),
        ("@T+1:3 fire 7", 2, "is not a scenario time"),
        ("@2:30 fire 7", 2, "is not a scenario time"),
        ("@T+01:30", 9, "needs a command after it"),
    ],
)
def test_errors_name_the_column(line: str, column: int, fragment: str) -> None:
    with pytest.raises(CommandError) as info:
        parse_command(line)
    assert info.value.column == column, info.value
    assert fragment in info.value.message


def test_script_lines_are_numbered_and_the_first_error_names_its_line() -> None:
    script = "# rehearsal\n@T+00:30 fire 1\n\n@T+01:00 decide R001 approve\nnote done\n"
    parsed = parse_script(script)
    assert [n for n, _ in parsed] == [2, 4, 5]
    assert [type(c) for _, c in parsed] == [Fire, Decide, Note]
    with pytest.raises(CommandError, match=r"^line 3, column 5: unknown command 'fier'"):
        parse_script("pause\nresume\n@1h fier 3\n")


IDS = CompletionIds(
    requests=["R001", "R002", "R010"],
    units=["FBO_CH47-1", "FBO_COUGAR-1"],
    injects=["1", "2", "12", "I7"],
    capabilities=["FBO_CH47", "FBO_COUGAR", "NH90"],
    awaiting=["R001", "R002"],
    fired=["4", "5"],
)


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [
        ("p", ["pause"]),
        ("de", ["decide", "delay"]),
        ("", sorted(WORDS)),
        ("fire 1", ["fire 1", "fire 12"]),
        ("skip ", ["skip 1", "skip 12", "skip 2", "skip I7"]),
        ("fire i", ["fire I7"]),
        ("decide R0", ["decide R001", "decide R002"]),  # R010 is not awaiting the players
        ("answer ", ["answer 4", "answer 5"]),  # only what reached the players
        ("decide R001 ", sorted(f"decide R001 {a}" for a in ACTIONS)),
        ("decide R001 s", ["decide R001 substitute"]),
        (
            "decide R001 approve FBO",
            ["decide R001 approve FBO_CH47", "decide R001 approve FBO_COUGAR"],
        ),
        ("reallocate FBO_CO", ["reallocate FBO_COUGAR-1"]),
        ("reallocate FBO_CH47-1 ", ["reallocate FBO_CH47-1 to"]),
        ("reallocate FBO_CH47-1 to R01", ["reallocate FBO_CH47-1 to R010"]),
        ("@T+01:30 fi", ["@T+01:30 fire"]),
        ("@D+1 08:00 fire I", ["@D+1 08:00 fire I7"]),
        ("@T+01", []),
        ("note some", []),
        ("fire 7 ", []),
        ("help d", ["help decide", "help delay"]),
    ],
)
def test_completion(prefix: str, expected: list[str]) -> None:
    assert sorted(complete(prefix, IDS)) == sorted(expected)


def test_every_word_is_documented_with_its_usage() -> None:
    text = DOCS.read_text("utf-8")
    for word, usage in USAGE.items():
        assert f"`{usage}`" in text, f"docs/live.md lacks the usage of {word!r}: `{usage}`"
