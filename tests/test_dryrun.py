"""``ttx check``, the dry run, as a designer runs it: a never-triggering key inject makes it exit
1 with --min-reach, reasons and shares are reported, JSON and HTML carry the same numbers."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from sim.cli import _register_optional, cli

_register_optional()
ROOT = Path(__file__).resolve().parent.parent
TUTORIAL = ROOT / "exercises" / "tutorial.yaml"

NEVER = """
  - id: 99
    trigger: {when: {region_level: {VR22: 5}}}
    type: information
    title: "Minister <visits> the fire"
    message: Only at GRIP 5, which this fire cannot reach (max_level 4).
    objectives: [O1]
"""


def _small(tmp_path: Path) -> Path:
    """The tutorial with one more inject, keyed to O1, whose condition can never hold."""
    path = tmp_path / "never.yaml"
    text = TUTORIAL.read_text(encoding="utf-8")
    assert text.rstrip().endswith("Decide when to release the helicopters.")  # injects come last
    path.write_text(text.rstrip() + "\n" + NEVER, encoding="utf-8")
    return path


def _check(args: list[str]) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["check", *args])
    return result.exit_code, result.stdout, result.stderr


def test_a_never_triggering_key_inject_is_reported_and_exits_1(tmp_path: Path) -> None:
    path = _small(tmp_path)
    html = tmp_path / "check.html"
    code, out, err = _check(
        [str(path), "-n", "30", "--min-reach", "0.9", "--json", "--html", str(html)]
    )
    assert code == 1, err
    report = json.loads(out)
    assert report["runs"] == 30 and not report["failed"]
    assert "99" in report["never_triggered"]
    inj = {i["id"]: i for i in report["injects"]}
    assert inj["99"]["not_reached"] == 1.0 and inj["99"]["fired"] == 0.0
    assert inj["99"]["reasons"] == {"trigger never held before ENDEX": 30}
    assert inj["1"]["fired"] == 1.0 and inj["1"]["earliest"] == inj["1"]["latest"] == 10.0
    for i in report["injects"]:  # every run ends each inject exactly once
        assert abs(i["fired"] + i["skipped"] + i["not_reached"] - 1.0) < 1e-9
    o1 = next(o for o in report["objectives"] if o["id"] == "O1")
    assert not o1["ok"] and {"id": "99", "reach": 0.0} in o1["key_injects"]
    assert "O1" in report["failing"]
    assert "objective O1: key inject reached in under 90% of runs: 99 0%" in err
    assert report["workload"]["peak_mean"] >= 1.0 and len(report["workload"]["mean_per_bin"]) == 121
    assert set(report["scarcity"]) >= {"requests_queued", "substitutions", "denials"}
    story = {s["key"]: s for s in report["storyline"]}
    assert story["submitted"]["earliest"] <= story["decision"]["earliest"]
    page = html.read_text(encoding="utf-8")
    assert "Minister &lt;visits&gt; the fire" in page and "<visits>" not in page  # escaped
    assert "Conditional injects that never trigger: <b>99</b>" in page


def test_the_same_exercise_passes_with_a_reach_it_meets(tmp_path: Path) -> None:
    """Without the unreachable O-links (the tutorial's inject 4 and the new 99 dropped from the
    objectives) every key inject fires often enough: exit 0 and a readable table."""
    path = _small(tmp_path)
    code, out, err = _check(
        [str(path), "-n", "20", "--min-reach", "0.5", "--set", "injects.99.objectives=[]",
         "--set", "injects.4.objectives=[]"]
    )  # fmt: skip
    assert code == 0, err
    assert "Conditional injects that never trigger: 99" in out
    assert "ok  O1:" in out and "LOW" not in out
    assert "trigger never held before ENDEX (20)" in out


def test_same_root_seed_same_report(tmp_path: Path) -> None:
    path = str(_small(tmp_path))
    a = _check([path, "-n", "12", "--seed", "4", "--json", "--min-reach", "0"])
    b = _check([path, "-n", "12", "--seed", "4", "--json", "--min-reach", "0", "--workers", "2"])
    assert a[0] == b[0] == 0
    assert a[1] == b[1]


def test_bad_input_gives_one_line_and_exit_2(tmp_path: Path) -> None:
    code, _, err = _check([str(tmp_path / "missing.yaml")])
    assert code == 2 and err.strip().endswith("no such file") and "Traceback" not in err
    code, _, err = _check([str(TUTORIAL), "--set", "hub.staff=-1", "-n", "2"])
    assert code == 2 and "--set hub.staff=-1" in err
    code, _, err = _check([str(TUTORIAL), "--min-reach", "2"])
    assert code == 2 and "--min-reach" in err
