"""Layer 3: the SimPy model. Knows SimPy; never files, plots, wall-clock time or the terminal."""

from sim.model.world import World, simulate

__all__ = ["World", "simulate"]
