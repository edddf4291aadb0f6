"""``seedmix`` gives numpy's own ``SeedSequence`` states, so streams are numpy's streams."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.model.rng import Streams
from sim.model.seedmix import PresetSeed, spawn_state

WORD = st.integers(min_value=0, max_value=2**32 - 1)


@settings(max_examples=400, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**140), k1=WORD, k2=WORD)
def test_state_is_numpys_seed_sequence(seed: int, k1: int, k2: int) -> None:
    expected = np.random.SeedSequence(seed, spawn_key=(k1, k2)).generate_state(4, np.uint64)
    assert spawn_state(seed, k1, k2).tolist() == expected.tolist()


@pytest.mark.parametrize("seed", [0, 1, 7, 2**32 - 1, 2**32, 2**64 + 5, 2**128 - 1, 2**128])
def test_edges_of_the_seed_words(seed: int) -> None:
    for key in [(0, 0), (0, 1), (2**32 - 1, 2**32 - 1)]:
        expected = np.random.SeedSequence(seed, spawn_key=key).generate_state(4, np.uint64)
        assert spawn_state(seed, *key).tolist() == expected.tolist()


def test_a_stream_draws_what_numpy_would() -> None:
    streams = Streams(2021)
    name = "request/peel/VR22/fire_buckets/1"
    import hashlib

    digest = hashlib.blake2b(name.encode(), digest_size=8).digest()
    key = (int.from_bytes(digest[:4], "little"), int.from_bytes(digest[4:], "little"))
    numpy_own = np.random.Generator(np.random.PCG64(np.random.SeedSequence(2021, spawn_key=key)))
    assert streams(name).random(5).tolist() == numpy_own.random(5).tolist()


def test_a_preset_seed_refuses_another_shape() -> None:
    with pytest.raises(ValueError, match="only the state"):
        PresetSeed(spawn_state(1, 2, 3)).generate_state(8, np.uint32)
