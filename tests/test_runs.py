"""``ttx run`` and ``ttx replay`` as a user runs them: folders, manifests, determinism, errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from sim.cli import cli
from sim.exercise import load_exercise

ROOT = Path(__file__).resolve().parent.parent
TUTORIAL = str(ROOT / "exercises" / "tutorial.yaml")


def _run(args: list[str]) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, args)
    return result.exit_code, result.stdout, result.stderr


def test_run_writes_a_complete_new_folder_and_prints_its_path_last(tmp_path: Path) -> None:
    code, out, err = _run(["run", TUTORIAL, "--seed", "1", "--out", str(tmp_path), "--no-plots"])
    assert code == 0, err
    folder = Path(out.strip().splitlines()[-1])
    assert folder.parent == tmp_path / "tutorial-peel"
    for name in (
        "exercise.yaml",
        "effective.yaml",
        "run.json",
        "events.jsonl",
        "kpi_requests.csv",
        "kpi_summary.csv",
    ):
        assert (folder / name).is_file(), name
    assert (folder / "exercise.yaml").read_bytes() == Path(TUTORIAL).read_bytes()
    manifest = json.loads((folder / "run.json").read_text())
    assert manifest["seed"] == 1 and manifest["overrides"] == ["exercise.seed=1"]
    assert "Requests for assistance" in out
    # the effective exercise stands alone: it validates and names the seed
    effective = load_exercise(folder / "effective.yaml")
    assert effective.exercise.seed == 1 and effective.reference == "none"
    assert len(effective.regions) == 25
    # a second identical run gets a new folder and leaves the first untouched
    before = (folder / "events.jsonl").read_bytes()
    code, out2, _ = _run(["run", TUTORIAL, "--seed", "1", "--out", str(tmp_path), "--no-plots"])
    second = Path(out2.strip().splitlines()[-1])
    assert code == 0 and second != folder
    assert (
        (folder / "events.jsonl").read_bytes() == before == (second / "events.jsonl").read_bytes()
    )
    assert not [p for p in (tmp_path / "tutorial-peel").iterdir() if p.name.startswith(".")]


def test_replay_is_identical_and_names_the_first_difference(tmp_path: Path) -> None:
    code, out, err = _run(
        [
            "run",
            TUTORIAL,
            "--seed",
            "4",
            "--set",
            "hub.staff=1",
            "--out",
            str(tmp_path),
            "--no-plots",
        ]
    )
    assert code == 0, err
    folder = out.strip().splitlines()[-1]
    code, out, err = _run(["replay", folder])
    assert code == 0 and "identical" in out, err
    events = Path(folder, "events.jsonl")
    lines = events.read_text().splitlines(keepends=True)
    record = json.loads(lines[5])
    record["t"] += 1.0
    lines[5] = json.dumps(record, sort_keys=True, separators=(",", ":")) + "\n"
    events.write_text("".join(lines))
    code, _, err = _run(["replay", folder])
    assert code == 1 and "line 6" in err
    assert "same model and packages as the run" in err  # the journal was edited, not the model


def test_replay_says_when_the_model_changed_since_the_run(tmp_path: Path) -> None:
    from sim.runs.fingerprint import model_fingerprint

    code, out, err = _run(["run", TUTORIAL, "--seed", "2", "--out", str(tmp_path), "--no-plots"])
    assert code == 0, err
    folder = Path(out.strip().splitlines()[-1])
    manifest_path = folder / "run.json"
    manifest = json.loads(manifest_path.read_text())
    assert manifest["model"] == model_fingerprint()
    # as if an older model had made it: another fingerprint, another numpy, another journal
    manifest["model"] = "0123456789abcdef"
    manifest["versions"]["numpy"] = "1.0.0"
    manifest_path.write_text(json.dumps(manifest))
    events = folder / "events.jsonl"
    events.write_text(events.read_text().replace('"seed":2', '"seed":3', 1))
    code, _, err = _run(["replay", str(folder)])
    assert code == 1 and "line 1" in err
    assert f"model 0123456789abcdef (now {model_fingerprint()})" in err
    assert "numpy 1.0.0" in err and "a difference is expected" in err
    del manifest["model"]  # a run folder from before fingerprints
    manifest_path.write_text(json.dumps(manifest))
    code, _, err = _run(["replay", str(folder)])
    assert code == 1 and "does not record which model made it" in err


def test_overrides_change_the_run_and_are_recorded(tmp_path: Path) -> None:
    code, out, err = _run(
        [
            "run",
            TUTORIAL,
            "--out",
            str(tmp_path),
            "--no-plots",
            "--set",
            "crises.peel.onset=T+03:00",
            "--policy",
            "fifo",
        ]
    )
    assert code == 0, err
    folder = Path(out.strip().splitlines()[-1])
    effective = yaml.safe_load((folder / "effective.yaml").read_text())
    assert effective["crises"][0]["onset"] == "T+03:00"
    assert effective["hub"]["policy"] == "fifo"
    first = json.loads((folder / "events.jsonl").read_text().splitlines()[0])
    assert first["detail"]["policy"] == "fifo"


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["run", "nope.yaml"], "nope.yaml: error: no such file"),
        (["run", TUTORIAL, "--set", "hub.staff=many"], "--set hub.staff=many: error: hub.staff"),
        (["run", TUTORIAL, "--set", "nokey"], "--set nokey: error"),
        (["run", TUTORIAL, "--set", "crises.nope.onset=T+01:00"], "no item 'nope'"),
        (["run", TUTORIAL, "--policy", "random"], "--policy"),
        (["run", TUTORIAL, "--seed", "-3"], "--seed"),
        (["replay", "/nonexistent/run"], "no such run folder"),
    ],
)
def test_bad_input_exits_2_with_a_clear_line(
    args: list[str], fragment: str, tmp_path: Path
) -> None:
    code, _, err = _run([*args, "--out", str(tmp_path)] if args[0] == "run" else args)
    assert code == 2
    assert fragment in err
    assert "Traceback" not in err


def test_out_that_is_a_file_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("x")
    code, _, err = _run(["run", TUTORIAL, "--out", str(target), "--no-plots"])
    assert code == 2 and "--out" in err


def test_replay_of_a_folder_without_run_files_exits_2(tmp_path: Path) -> None:
    code, _, err = _run(["replay", str(tmp_path)])
    assert code == 2 and "run.json" in err


def test_journal_is_byte_identical_under_another_hash_seed(tmp_path: Path) -> None:
    """Same exercise and seed, different PYTHONHASHSEED: the same bytes."""
    outputs = []
    for hash_seed in ("0", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        out = tmp_path / hash_seed
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "sim",
                "run",
                str(ROOT / "exercises" / "national-stress-test.yaml"),
                "--seed",
                "3",
                "--out",
                str(out),
                "--no-plots",
            ],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        assert proc.returncode == 0, proc.stderr
        outputs.append(Path(proc.stdout.strip().splitlines()[-1], "events.jsonl").read_bytes())
    assert outputs[0] == outputs[1]
    assert len(outputs[0].splitlines()) > 200
