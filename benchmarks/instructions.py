"""Instruction counts (valgrind's callgrind) for benchmarks on a noisy machine.

CPU time on a shared virtual machine drifts by tens of percent between runs of the same code;
the number of instructions a program executes does not (none between processes, once the hash
seed is fixed and numpy's OpenBLAS runs one thread: see below). ``instructions(args)`` runs a Python
command under callgrind and returns its instruction count; a benchmark runs its setup alone and
setup + part, and subtracts. Roughly fifty times slower than running normally.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

__all__ = ["available", "instructions", "instructions_of_parts"]

_COLLECTED = re.compile(r"Collected\s*:\s*(\d+)")


def available() -> bool:
    return shutil.which("valgrind") is not None


def instructions(args: list[str]) -> int:
    """Instructions executed by ``python args...`` (the whole process)."""
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [
            "valgrind",
            "--tool=callgrind",
            f"--callgrind-out-file={Path(tmp) / 'callgrind.out'}",
            sys.executable,
            *args,
        ]
        # a fixed hash seed: str hashes, and with them set and dict orders, vary per process
        # otherwise, and the count of a setup-heavy part moves by several percent
        # and one OpenBLAS thread: numpy starts a pool of them at import, and their spinning
        # adds a few million instructions that depend on scheduling (a 3 % spread between two
        # counts of the same part when two run at once; none with one thread)
        env = {**os.environ, "PYTHONHASHSEED": "0", "OPENBLAS_NUM_THREADS": "1"}
        done = subprocess.run(cmd, capture_output=True, text=True, check=False, env=env)
    found = _COLLECTED.search(done.stderr)
    if done.returncode != 0 or found is None:
        raise RuntimeError(f"callgrind failed ({done.returncode}): {done.stderr[-2000:]}")
    return int(found.group(1))


def instructions_of_parts(
    script: str, parts: list[str], workers: int = 2, setups: dict[str, str] | None = None
) -> dict[str, int]:
    """Instructions of each ``part`` of ``script`` beyond its setup part.

    The script must accept ``--part NAME`` and run its setup, then that part once
    (``--part setup``: the setup only). ``setups`` names another setup part for a part
    (``{"national": "setup-national"}``): a part's count is the difference of two whole
    processes, and each total moves by a few million instructions with incidental process
    state (the size of the environment, say: glibc's heap starts elsewhere), so a setup much
    larger than its part makes the difference noisy; each part should load only what it needs.
    """
    setup_of = {p: (setups or {}).get(p, "setup") for p in parts}
    names = sorted({*setup_of.values(), *parts})
    with ThreadPoolExecutor(max_workers=workers) as pool:
        counts = dict(
            zip(names, pool.map(lambda p: instructions([script, "--part", p]), names), strict=True)
        )
    return {p: counts[p] - counts[setup_of[p]] for p in parts}
