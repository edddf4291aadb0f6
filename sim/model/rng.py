"""Named random streams, one ``numpy.random.Generator`` each, all spawned from one seed.

A stream is keyed by a stable name (``"escalation/peel"``), not by creation order, so adding a
crisis or changing a policy does not shift the draws of anything else (common random numbers):
differences between two runs then come from decisions, not from reshuffled luck. Draws that
belong to one request or one unit come from that request's or unit's own stream
(``request/<crisis>/<region>/<tag>/<n>``, ``notice/<unit>``): whichever order a policy handles
requests in, each request sees the same hub step times and each unit the same notice.

The name is hashed to 64 bits (BLAKE2b) for the seed's spawn key: with a few hundred
per-request streams, a 32-bit CRC would give two names the same stream about once in 100,000
runs (300 names); 64 bits make that negligible. Each generator starts in the
state of numpy's ``PCG64(SeedSequence(seed, spawn_key=key))`` and draws the same numbers;
``seedmix`` computes that state without building a ``SeedSequence`` per stream (about 8 % of a
national run's CPU time). The generators carry no seed sequence, so ``Generator.spawn`` is not
available: the model never spawns, it names its streams.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from sim.model.seedmix import PresetSeed, fits, key_terms, spawn_state, state_from_terms

if TYPE_CHECKING:
    from sim.exercise.distributions import Distribution

__all__ = ["Streams"]


_KEYS: dict[str, tuple[int, int, tuple[int, ...]]] = {}
"""Stream name -> its spawn key and the key's ``key_terms``, shared by a sweep's runs."""
_KEYS_LIMIT = 100_000


def _spawn_key(name: str) -> tuple[int, int, tuple[int, ...]]:
    """The two 32-bit spawn-key words of a stream name (BLAKE2b) and their mixing terms,
    remembered across runs."""
    key = _KEYS.get(name)
    if key is None:
        digest = hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest()
        k1, k2 = int.from_bytes(digest[:4], "little"), int.from_bytes(digest[4:], "little")
        key = (k1, k2, key_terms(k1, k2))
        if len(_KEYS) >= _KEYS_LIMIT:
            _KEYS.clear()
        _KEYS[name] = key
    return key


class Streams:
    """Lazily created generators per name for one run's seed."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._fits = type(seed) is int and fits(seed)  # else spawn_state checks and converts
        self._streams: dict[str, np.random.Generator] = {}
        # id(distribution) -> (the distribution, its value if it has only one, its sampler);
        # holding the distribution keeps its id from being reused while it is cached
        self._draws: dict[int, tuple[Distribution, float | None, Callable[[Any], float]]] = {}

    def __call__(self, name: str) -> np.random.Generator:
        rng = self._streams.get(name)
        if rng is None:
            k1, k2, terms = _spawn_key(name)
            state = (
                state_from_terms(self.seed, terms) if self._fits else spawn_state(self.seed, k1, k2)
            )
            seed = cast(Any, PresetSeed(state))  # numpy's stub: SeedSequence
            rng = np.random.Generator(np.random.PCG64(seed))
            self._streams[name] = rng
        return rng

    def draw(self, dist: Distribution, name: str) -> float:
        """One draw of ``dist`` from stream ``name``. A distribution with one possible value
        draws nothing, so its stream is not created: a generator costs more to create than
        fifty draws, and many notice, sortie and rest times are fixed."""
        hit = self._draws.get(id(dist))
        if hit is None:
            lo, hi = dist.bounds
            hit = self._draws[id(dist)] = (dist, lo if lo == hi else None, dist.sampler())
        _, only, sample = hit
        if only is not None:
            return only
        rng = self._streams.get(name)
        return sample(rng if rng is not None else self(name))
