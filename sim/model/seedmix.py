"""numpy's ``SeedSequence(seed, spawn_key=(k1, k2))`` state, computed for many keys of one seed.

A run creates a generator per stream name (rng.py), a hundred or more per run, and numpy's
``SeedSequence`` takes about as long to build as 14 bare SimPy events by instructions (it
coerces and mixes the whole entropy every time). Every stream of a run shares its seed, so the
part of the mixing that depends only on the seed is done once per seed here, the part that
depends only on the stream's spawn key once per name (``key_terms``), and each stream mixes the
two in straight-line arithmetic with the hash constants (which depend only on position)
precomputed: about 25,000 instructions a stream (the looped form took 72,000, the
``SeedSequence`` 168,000; measured with callgrind). The result is numpy's own algorithm
(``bit_generator.pyx``: ``mix_entropy`` and ``generate_state``), which numpy keeps stable
across versions; the tests compare it with ``SeedSequence`` over many seeds and keys, and seeds
it does not cover (more than 128 bits) go to numpy itself.
"""

from __future__ import annotations

import operator
from functools import cache
from typing import Any

import numpy as np
from numpy.random.bit_generator import ISeedSequence

__all__ = ["PresetSeed", "fits", "key_terms", "spawn_state", "state_from_terms"]

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


def key_terms(k1: int, k2: int) -> tuple[int, ...]:
    """What the two spawn-key words add to each pool word, as ``_MIX_R * hashmix(word)``
    (masked): it depends on the key alone, so a stream name's terms are computed once and
    reused for every seed (rng.py remembers them with the name's key)."""
    out = []
    for word, base in ((k1, 0), (k2, _POOL)):
        for dst in range(_POOL):
            out.append((_MIX_R * _hashmix(word, _KEY[base + dst])) & _M)
    return tuple(out)


def state_from_terms(seed: int, terms: tuple[int, ...]) -> np.ndarray:
    """``spawn_state`` for a seed of at most 128 bits and a key's ``key_terms``.

    Written out as straight-line arithmetic: this runs once per stream, a hundred or more
    times a run, and the loops, index look-ups and tuple unpacking of the general form cost
    more than the arithmetic (about 70,000 instructions a stream in the looped form).
    """
    m, ml = _M, _MIX_L
    p0, p1, p2, p3 = _run_pool(seed)
    t0, t1, t2, t3, u0, u1, u2, u3 = terms
    # mix_entropy: each pool word mixes in the first key word's hash, then the second's
    r = (ml * p0 - t0) & m
    r ^= r >> 16
    r = (ml * r - u0) & m
    p0 = r ^ (r >> 16)
    r = (ml * p1 - t1) & m
    r ^= r >> 16
    r = (ml * r - u1) & m
    p1 = r ^ (r >> 16)
    r = (ml * p2 - t2) & m
    r ^= r >> 16
    r = (ml * r - u2) & m
    p2 = r ^ (r >> 16)
    r = (ml * p3 - t3) & m
    r ^= r >> 16
    r = (ml * r - u3) & m
    p3 = r ^ (r >> 16)
    # generate_state: eight 32-bit words, the pool's words in turn, hashed with _OUT
    (x0, m0), (x1, m1), (x2, m2), (x3, m3), (x4, m4), (x5, m5), (x6, m6), (x7, m7) = _OUT
    s0 = ((p0 ^ x0) * m0) & m
    s1 = ((p1 ^ x1) * m1) & m
    s2 = ((p2 ^ x2) * m2) & m
    s3 = ((p3 ^ x3) * m3) & m
    s4 = ((p0 ^ x4) * m4) & m
    s5 = ((p1 ^ x5) * m5) & m
    s6 = ((p2 ^ x6) * m6) & m
    s7 = ((p3 ^ x7) * m7) & m
    return np.array(
        [
            (s0 ^ (s0 >> 16)) | (s1 ^ (s1 >> 16)) << 32,
            (s2 ^ (s2 >> 16)) | (s3 ^ (s3 >> 16)) << 32,
            (s4 ^ (s4 >> 16)) | (s5 ^ (s5 >> 16)) << 32,
            (s6 ^ (s6 >> 16)) | (s7 ^ (s7 >> 16)) << 32,
        ],
        dtype=np.uint64,
    )


def fits(seed: int) -> bool:
    """Whether ``state_from_terms`` takes this seed (at most 128 bits, as numbers are)."""
    return 0 <= seed < 1 << (32 * _POOL)


def spawn_state(seed: int, k1: int, k2: int) -> np.ndarray:
    """``SeedSequence(seed, spawn_key=(k1, k2)).generate_state(4, np.uint64)``, with 32-bit
    ``k1``/``k2``."""
    seed, k1, k2 = operator.index(seed), operator.index(k1), operator.index(k2)  # numpy ints too
    if not fits(seed) or not (0 <= k1 <= _M and 0 <= k2 <= _M):
        return np.random.SeedSequence(seed, spawn_key=(k1, k2)).generate_state(4, np.uint64)
    return state_from_terms(seed, key_terms(k1, k2))


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
