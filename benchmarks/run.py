"""Run every benchmark in this folder, one after another (``make bench``).

Each prints its own figures as ratios against a baseline measured in the same process.
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = ("bench_sim", "bench_timeline", "bench_run", "bench_memory")


def main() -> None:
    for name in BENCHMARKS:
        path = HERE / f"{name}.py"
        if not path.exists():
            continue
        print(f"== {name}", flush=True)
        saved = sys.argv
        sys.argv = [str(path)]
        try:
            runpy.run_path(str(path), run_name="__main__")
        finally:
            sys.argv = saved


if __name__ == "__main__":
    main()
