"""numpy's ``SeedSequence(seed, spawn_key=(k1, k2))`` state, computed for many keys of one seed.

A run creates a generator per stream name (rng.py), a hundred or more per run, and numpy's
``SeedSequence`` takes about as long to build as 27 bare SimPy events (it coerces and mixes the
whole entropy every time): about 8 % of a national run's CPU time, though only 2 % of its
instructions. Every stream of
a run shares its seed, so the part of the mixing that depends only on the seed is done once here,
and each stream mixes in just its two spawn-key words, with the hash constants (which depend
only on position) precomputed. The result is numpy's own algorithm (``bit_generator.pyx``:
``mix_entropy`` and ``generate_state``), which numpy keeps stable across versions; the tests
compare it with ``SeedSequence`` over many seeds and keys, and seeds it does not cover (more
than 128 bits) go to numpy itself.
"""

from __future__ import annotations

import operator
from functools import cache
from typing import Any

import numpy as np
from numpy.random.bit_generator import ISeedSequence

__all__ = ["PresetSeed", "spawn_state"]

_M = 0xFFFFFFFF
_INIT_A, _MULT_A = 0x43B0D7E5, 0x931E8875
_INIT_B, _MULT_B = 0x8B51F9DD, 0x58F38DED
_MIX_L, _MIX_R = 0xCA01F9DD, 0x4973F715
_POOL = 4  # SeedSequence's default pool size (32-bit words)


def _constants(init: int, mult: int, skip: int, n: int) -> tuple[tuple[int, int], ...]:
    """(xor, multiplier) of the ``skip``-th to ``skip + n``-th hashmix: the hash constant moves
    on by one multiplication per hashmix whatever the data, so it is known in advance."""
    h = init
    for _ in range(skip):
        h = (h * mult) & _M
    out = []
    for _ in range(n):
        before, h = h, (h * mult) & _M
        out.append((before, h))
    return tuple(out)


_RUN = _constants(_INIT_A, _MULT_A, 0, _POOL + _POOL * (_POOL - 1))
_KEY = _constants(_INIT_A, _MULT_A, len(_RUN), 2 * _POOL)  # two spawn-key words after the run
_OUT = _constants(_INIT_B, _MULT_B, 0, 8)  # four 64-bit words out, as eight 32-bit ones


def _hashmix(value: int, constants: tuple[int, int]) -> int:
    xor, mult = constants
    value = ((value ^ xor) * mult) & _M
    return value ^ (value >> 16)


def _mix(x: int, y: int) -> int:
    r = (_MIX_L * x - _MIX_R * y) & _M
    return r ^ (r >> 16)


@cache
def _run_pool(seed: int) -> tuple[int, ...]:
    """The entropy pool after the seed's words (zero-padded to the pool, as numpy does when a
    spawn key follows) are mixed in."""
    words = []
    while seed:
        words.append(seed & _M)
        seed >>= 32
    words += [0] * (_POOL - len(words))
    consts = iter(_RUN)
    pool = [_hashmix(w, next(consts)) for w in words]
    for src in range(_POOL):
        for dst in range(_POOL):
            if src != dst:
                pool[dst] = _mix(pool[dst], _hashmix(pool[src], next(consts)))
    return tuple(pool)


def spawn_state(seed: int, k1: int, k2: int) -> np.ndarray:
    """``SeedSequence(seed, spawn_key=(k1, k2)).generate_state(4, np.uint64)``, with 32-bit
    ``k1``/``k2``."""
    seed, k1, k2 = operator.index(seed), operator.index(k1), operator.index(k2)  # numpy ints too
    if not 0 <= seed < 1 << (32 * _POOL) or not (0 <= k1 <= _M and 0 <= k2 <= _M):
        return np.random.SeedSequence(seed, spawn_key=(k1, k2)).generate_state(4, np.uint64)
    p = list(_run_pool(seed))
    # the hashmix and mix steps of numpy's mix_entropy and generate_state, written out: this
    # runs once per stream, and calls cost more than the arithmetic
    for word, base in ((k1, 0), (k2, _POOL)):
        for dst in range(_POOL):
            xor, mult = _KEY[base + dst]
            v = ((word ^ xor) * mult) & _M
            r = (_MIX_L * p[dst] - _MIX_R * (v ^ (v >> 16))) & _M
            p[dst] = r ^ (r >> 16)
    s = []
    for i, (xor, mult) in enumerate(_OUT):
        v = ((p[i % _POOL] ^ xor) * mult) & _M
        s.append(v ^ (v >> 16))
    return np.array(
        [s[0] | s[1] << 32, s[2] | s[3] << 32, s[4] | s[5] << 32, s[6] | s[7] << 32],
        dtype=np.uint64,
    )


class PresetSeed(ISeedSequence):
    """A seed sequence whose state is already known: a bit generator built from it starts where
    one built from the matching ``SeedSequence`` would."""

    __slots__ = ("state",)

    def __init__(self, state: np.ndarray) -> None:
        self.state = state

    def generate_state(self, n_words: int, dtype: Any = np.uint32) -> np.ndarray:
        if n_words != len(self.state) or np.dtype(dtype) != self.state.dtype:
            raise ValueError("a preset seed gives only the state it was made with")
        return self.state
