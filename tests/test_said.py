"""The live session's replies in Dutch: every reply and error line is worded from the label
table (``live.*``), the English lines stay as they were, and the model's own lines of known
forms are read back and worded too."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from sim.analysis.labels import labels
from sim.exercise import load_exercise
from sim.runs.live import LiveSession
from sim.runs.said import Said, read_back, said, word
from sim.runs.session import Session

ROOT = Path(__file__).resolve().parent.parent


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_dutch_templates_fill_the_same_placeholders_as_english() -> None:
    en, nl = labels("en"), labels("nl")
    live = [k for k in en if k.startswith("live.")]
    assert len(live) > 80
    for key in live:
        assert _fields(en[key]) == _fields(nl[key]), key


def test_every_key_the_session_says_exists() -> None:
    sources = [*(ROOT / "sim" / "runs").glob("*.py"), ROOT / "sim" / "cli_play.py"]
    used = set()
    for path in sources:
        text = path.read_text()
        used |= {f"live.{k}" for k in re.findall(r"""\bsaid\(\s*f?["']([a-z_.]+)["']""", text)}
        used |= {f"live.what.{k}" for k in re.findall(r"""need_id\("([a-z_]+)"\)""", text)}
        used |= {f"live.what.{k}" for k in re.findall(r"""missing\("([a-z_]+)"\)""", text)}
    used.discard("live.noted_")  # said(f"noted_{kind}"): both kinds are checked below
    assert {"live.noted_note", "live.noted_answer"} <= set(labels("en"))
    missing = sorted(k for k in used if k not in labels("en"))
    assert not missing


def test_a_said_line_is_its_english_text() -> None:
    line = said("fired", id="3", t="T+01:00")
    assert isinstance(line, Said) and line == "inject 3 fired at T+01:00"
    assert word(line, "nl") == "inject 3 ingespeeld om T+01:00"
    assert word("typed by someone", "nl") == "typed by someone"  # an unknown form as written


@pytest.mark.parametrize(
    ("model", "dutch"),
    [
        ("R004 is closed", "R004 is afgesloten"),
        (
            "FBO_CH47-1 cannot be moved: it is on scene",
            "FBO_CH47-1 kan niet worden verplaatst: status ter plaatse",
        ),
        ("only 1 x NH90 free", "maar 1 x NH90 vrij"),
        (
            "0 of 1 x BDE13 at R005 can be moved to R004 (R004 is closed)",
            "0 van 1 x BDE13 bij R005 kunnen naar R004 (R004 is afgesloten)",
        ),
        ("inject 6 was not reached", "inject 6 is niet bereikt"),
        ("inject 6 has fired already", "inject 6 is al ingespeeld"),
        ("no inject 'x9'", "geen inject 'x9'"),
    ],
)
def test_the_models_lines_are_read_back(model: str, dutch: str) -> None:
    assert read_back(model) is not None
    assert word(model, "nl") == dutch


def test_a_dutch_session_answers_in_dutch_and_journals_the_same() -> None:
    exercise = load_exercise(ROOT / "exercises" / "tutorial.yaml")
    replies: dict[str, list[str]] = {}
    journals = {}
    for lang in ("en", "nl"):
        session = Session(exercise, players=True, keep_events=True)
        live = LiveSession(session, lang=lang)
        lines = [
            "goto T+01:00",
            "fire nosuch",
            "decide R009 deny",
            "speed fast",
            "skip 6",
            "skip 6",
            "note the ROT asks for a map",
            "goto T+00:10",
        ]
        replies[lang] = [live.submit(line).message for line in lines]
        journals[lang] = [*session.journal.events, *session.log.lines, *session.notes.lines]
    assert journals["en"] == journals["nl"]  # the language is the face's, not the world's
    assert replies["en"][0] == "jumped to T+01:00"
    assert replies["nl"] == [
        "doorgegaan naar T+01:00",
        "geen inject 'nosuch'",
        "geen verzoek R009",
        "kolom 7: speed vraagt een positief getal, niet 'fast'",
        "inject 6 overgeslagen",
        "inject 6 is overgeslagen",
        "notitie vastgelegd om T+01:00",
        "T+00:10 ligt in het verleden (het is nu T+01:00)",
    ]
    assert live.view().log[-1] == "T+01:00 fout: T+00:10 ligt in het verleden (het is nu T+01:00)"
