"""Named random streams, one ``numpy.random.Generator`` each, all spawned from one seed.

A stream is keyed by a stable name (``"escalation/peel"``), not by creation order, so adding a
crisis or changing a policy does not shift the draws of anything else (common random numbers):
differences between two runs then come from decisions, not from reshuffled luck.
"""

from __future__ import annotations

import zlib

import numpy as np

__all__ = ["Streams"]


class Streams:
    """Lazily created generators per name for one run's seed."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._streams: dict[str, np.random.Generator] = {}

    def __call__(self, name: str) -> np.random.Generator:
        rng = self._streams.get(name)
        if rng is None:
            key = zlib.crc32(name.encode("utf-8"))
            rng = np.random.Generator(
                np.random.PCG64(np.random.SeedSequence(self.seed, spawn_key=(key,)))
            )
            self._streams[name] = rng
        return rng
