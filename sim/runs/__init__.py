"""Layer 5: runs. One run to a results folder, replay; later sweeps and live sessions."""

from sim.runs.replay import ReplayResult, RunFolderError, replay
from sim.runs.single import RunResult, run_exercise

__all__ = ["ReplayResult", "RunFolderError", "RunResult", "replay", "run_exercise"]
