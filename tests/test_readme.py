"""The README's annotated example is a real exercise: it validates and runs."""

from __future__ import annotations

import re
from pathlib import Path

from sim.exercise import load_exercise_text
from tests.simhelpers import of, run

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_example_validates_and_runs() -> None:
    blocks = re.findall(r"```yaml\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert blocks, "the README shows an annotated example"
    ex = load_exercise_text(blocks[0], "README.md")
    assert ex.capabilities["FBO_CH47"].units == 2
    assert ex.regions["VR22"].civil.manpower == 300
    _, events = run(ex)
    assert of(events, "crisis", state="onset")
    assert {e["inject"] for e in of(events, "inject")} == {"1", "2"}


def test_readme_shows_the_two_commands_first() -> None:
    text = README.read_text(encoding="utf-8")
    quick = text[text.index("## Quick start") :]
    assert quick.index("make demo") < quick.index("make test") < quick.index("## Commands")
