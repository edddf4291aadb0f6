"""Layer 3: the SimPy model. Knows SimPy; never files, plots, wall-clock time or the terminal."""

from sim.model.world import World, build_world, simulate

__all__ = ["World", "build_world", "simulate"]
