"""Files in and out: nothing is renamed over what is not ours, nothing is read before it is
known to be a regular file of a sane size, and every failure is one line with exit code 2.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from sim.cli import _register_optional, cli
from sim.exercise import ExerciseFileError, load_exercise
from sim.exercise.schema import schema_text
from sim.fileio import UnreadableFile, read_bytes_limited, write_bytes_atomic

ROOT = Path(__file__).resolve().parent.parent
TUTORIAL = ROOT / "exercises" / "tutorial.yaml"
_register_optional()  # ttx msel, plot, report, as the console script has them


def _one_error_line(result: object, fragment: str) -> str:
    assert result.exit_code == 2, result.output  # type: ignore[attr-defined]
    lines = result.stderr.strip().splitlines()  # type: ignore[attr-defined]
    assert len(lines) == 1, lines
    assert fragment in lines[0], lines[0]
    assert "Traceback" not in result.stderr  # type: ignore[attr-defined]
    return lines[0]


# --- writing ----------------------------------------------------------------------------------


def test_a_regular_file_is_replaced_whole_and_create_refuses_an_existing_one(
    tmp_path: Path,
) -> None:
    target = tmp_path / "out" / "a.txt"
    assert write_bytes_atomic(target, b"one") is False
    assert write_bytes_atomic(target, b"two") is False
    assert target.read_bytes() == b"two"
    with pytest.raises(FileExistsError):
        write_bytes_atomic(target, b"three", replace=False)
    assert target.read_bytes() == b"two"
    assert sorted(p.name for p in target.parent.iterdir()) == ["a.txt"], "no temporary left"


def test_a_symlink_keeps_pointing_at_its_replaced_target(tmp_path: Path) -> None:
    real, link = tmp_path / "real.txt", tmp_path / "link.txt"
    real.write_bytes(b"old")
    link.symlink_to(real)
    write_bytes_atomic(link, b"new")
    assert link.is_symlink() and real.read_bytes() == b"new"
    with pytest.raises(FileExistsError):
        write_bytes_atomic(link, b"x", replace=False)


def test_a_link_to_nothing_a_folder_and_a_socket_are_refused(tmp_path: Path) -> None:
    dangling = tmp_path / "dangling"
    dangling.symlink_to(tmp_path / "missing")
    with pytest.raises(OSError, match="does not exist"):
        write_bytes_atomic(dangling, b"x")
    assert not (tmp_path / "missing").exists()
    with pytest.raises(OSError, match="folder"):
        write_bytes_atomic(tmp_path, b"x")
    import socket

    sock_path = tmp_path / "s.sock"
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(sock_path))
        with pytest.raises(OSError, match="socket"):
            write_bytes_atomic(sock_path, b"x")


def test_character_devices_are_written_as_streams_never_replaced() -> None:
    before = os.stat("/dev/null")
    assert write_bytes_atomic(Path("/dev/null"), b"x" * 10) is True
    after = os.stat("/dev/null")
    assert (before.st_ino, before.st_rdev) == (after.st_ino, after.st_rdev)
    with pytest.raises(OSError) as info:
        write_bytes_atomic(Path("/dev/full"), b"x")
    assert info.value.strerror == os.strerror(28)  # ENOSPC, not "I/O operation on closed file"
    assert Path("/dev/full").is_char_device()


def test_a_fifo_nobody_reads_is_an_error_not_a_hang_and_one_with_a_reader_is_written(
    tmp_path: Path,
) -> None:
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    with pytest.raises(OSError, match="no process reads"):
        write_bytes_atomic(fifo, b"x")
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    for _ in range(200):  # the reader opens the pipe a moment later
        try:
            write_bytes_atomic(fifo, b"hello")
            break
        except OSError:
            threading.Event().wait(0.01)
    reader.join(5)
    assert got == [b"hello"] and fifo.is_fifo()


def test_fd_paths_are_written_through_the_descriptor(tmp_path: Path) -> None:
    target = tmp_path / "log.txt"
    target.write_bytes(b"kept\n")
    with open(target, "ab") as fh:
        assert write_bytes_atomic(Path(f"/dev/fd/{fh.fileno()}"), b"added\n") is True
    assert target.read_bytes() == b"kept\nadded\n", "appended as a shell's >> would, not replaced"


def test_ttx_schema_output_contract(tmp_path: Path) -> None:
    out = tmp_path / "schema.json"
    out.write_text("mine", encoding="utf-8")
    result = CliRunner().invoke(cli, ["schema", "-o", str(out)])
    _one_error_line(result, "exists; use --force to overwrite it")
    assert out.read_text(encoding="utf-8") == "mine"
    result = CliRunner().invoke(cli, ["schema", "-o", str(out), "--force"])
    assert result.exit_code == 0 and result.stdout.strip() == str(out)
    assert out.read_text(encoding="utf-8") == schema_text()
    result = CliRunner().invoke(cli, ["schema", "-o", "/dev/full"])
    _one_error_line(result, "/dev/full: error: cannot write: No space left on device")
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    result = CliRunner().invoke(cli, ["schema", "-o", str(blocker / "schema.json")])
    _one_error_line(result, "cannot write: Not a directory")
    result = CliRunner().invoke(cli, ["schema", "-o", str(tmp_path / ("x" * 300))])
    _one_error_line(result, "cannot write: File name too long")


def test_ttx_schema_to_dev_stdout_is_a_stream() -> None:
    """A real process: /dev/stdout is our pipe. The link stays, the pipe gets the schema only."""
    proc = subprocess.run(
        [sys.executable, "-m", "sim", "schema", "-o", "/dev/stdout"],
        capture_output=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.decode("utf-8") == schema_text()
    assert os.path.islink("/dev/stdout")


# --- reading ----------------------------------------------------------------------------------


def test_only_regular_files_within_the_limit_are_read(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    sparse = tmp_path / "sparse.csv"
    with open(sparse, "wb") as fh:
        fh.truncate(4 * 1024**3)  # 4 GB that takes no disk
    cases = {
        fifo: "named pipe (FIFO)",
        Path("/dev/zero"): "character device",
        tmp_path: "folder",
        tmp_path / "missing": "no such file",
        sparse: "file is 4,294,967,296 bytes; the limit is 1,000",
    }
    for path, fragment in cases.items():
        with pytest.raises(UnreadableFile) as info:
            read_bytes_limited(path, 1_000)
        assert fragment in info.value.reason, (path, info.value.reason)
    small = tmp_path / "small"
    small.write_bytes(b"x" * 1_000)
    assert read_bytes_limited(small, 1_000) == b"x" * 1_000


def _zero_link(tmp_path: Path, name: str) -> Path:
    link = tmp_path / name
    link.symlink_to("/dev/zero")
    return link


@pytest.mark.parametrize("kind", ["fifo", "zero", "sparse"])
def test_exercise_files_that_are_not_files_are_refused_at_once(kind: str, tmp_path: Path) -> None:
    if kind == "fifo":
        path = tmp_path / "x.yaml"
        os.mkfifo(path)
    elif kind == "zero":
        path = _zero_link(tmp_path, "x.yaml")
    else:
        path = tmp_path / "x.yaml"
        with open(path, "wb") as fh:
            fh.truncate(4 * 1024**3)
    with pytest.raises(ExerciseFileError) as info:
        load_exercise(path)
    assert len(info.value.issues) == 1 and str(path) in str(info.value)
    result = CliRunner().invoke(cli, ["validate", str(path)])
    _one_error_line(result, str(path))


@pytest.mark.parametrize("kind", ["fifo", "zero", "sparse", "folder"])
@pytest.mark.parametrize("role", ["sheet", "into"])
def test_msel_import_refuses_non_files_as_sheet_and_as_into(
    kind: str, role: str, tmp_path: Path
) -> None:
    name = "msel.csv" if role == "sheet" else "into.yaml"
    path = tmp_path / name
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "zero":
        path = _zero_link(tmp_path, "zero-" + name)
    elif kind == "sparse":
        with open(path, "wb") as fh:
            fh.truncate(4 * 1024**3)
    else:
        path.mkdir()
    sheet = tmp_path / "good.csv"
    sheet.write_text("number,scenario time,type\n1,T+01:00,information\n", encoding="utf-8")
    args = ["msel", "import", str(path if role == "sheet" else sheet)]
    if role == "into":
        args += ["--into", str(path)]
    result = CliRunner().invoke(cli, [*args, "-o", str(tmp_path / "new.yaml")])
    _one_error_line(result, str(path))
    assert not (tmp_path / "new.yaml").exists()


def test_msel_export_never_replaces_a_file_without_force_and_streams_to_a_fifo(
    tmp_path: Path,
) -> None:
    out = tmp_path / "msel.csv"
    out.write_text("mine", encoding="utf-8")
    result = CliRunner().invoke(cli, ["msel", "export", str(TUTORIAL), "-o", str(out)])
    _one_error_line(result, "exists; use --force")
    assert out.read_text(encoding="utf-8") == "mine"
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    result = CliRunner().invoke(cli, ["msel", "export", str(TUTORIAL), "-o", str(fifo)])
    _one_error_line(result, "no process reads this named pipe")
    assert fifo.is_fifo()
