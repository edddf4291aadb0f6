"""The model's speed shortcuts give exactly what the plain code gives: the same floats from
``round6``/``round3`` as ``round``, the same draws from ``Streams.draw`` (a distribution's
``sampler``) as from numpy's own ``triangular``, ``uniform`` and ``exponential``, and the same
journals from a pure decider the hub skips asking as from one it asks every time."""

from __future__ import annotations

import math
import struct
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.decisionlog import DecisionLog
from sim.exercise import load_exercise
from sim.exercise.distributions import Distribution, dist
from sim.journal import Journal
from sim.model import simulate
from sim.model.deciders import PolicyDecider
from sim.model.rng import Streams
from sim.model.rounding import round3, round6

EXERCISES = Path(__file__).resolve().parent.parent / "exercises"

FORMS = [
    "4h",
    {"fixed": "0m"},
    {"triangular": ["30m", "1h", "3h"]},
    {"triangular": ["1h", "1h", "1h"]},
    {"triangular": ["0m", "0m", "2h"]},
    {"triangular": ["10m", "2h", "2h"]},
    {"triangular": ["7m", "13m", "1h"]},
    {"uniform": ["10m", "50m"]},
    {"uniform": ["20m", "20m"]},
    {"exponential": "45m"},
    {"exponential": "0m"},
]


def _numpys(d: Distribution, rng: np.random.Generator) -> float:
    """The draw numpy's own methods give for ``d`` (what ``Distribution`` used to call)."""
    if d.fixed is not None:
        return d.fixed
    if d.triangular is not None:
        lo, mode, hi = d.triangular
        return lo if lo == hi else float(rng.triangular(lo, mode, hi))
    if d.uniform is not None:
        return float(rng.uniform(*d.uniform))
    assert d.exponential is not None
    return float(rng.exponential(d.exponential)) if d.exponential > 0 else 0.0


def _bits(x: float | int) -> tuple[type, bytes]:
    """Type and exact bits: tells 0.0 from -0.0 and 3 from 3.0, as the journal's JSON does."""
    return (type(x), struct.pack("<d", x) if isinstance(x, float) else str(x).encode())


@settings(max_examples=600, deadline=None)
@given(
    x=st.one_of(
        st.floats(allow_nan=False),
        st.floats(min_value=-2.0, max_value=2.0),
        st.integers(min_value=-(10**6), max_value=10**6),
        st.sampled_from([0.0, -0.0, 0.5, 2.5e-7, 1 / 3, 0.1 + 0.2, math.inf, -math.inf]),
    )
)
def test_remembered_rounding_is_round(x: float) -> None:
    for _ in range(2):  # the second call comes from the memo
        assert _bits(round6(x)) == _bits(round(x, 6))
        assert _bits(round3(x)) == _bits(round(x, 3))


def test_an_int_is_not_taken_for_the_float_it_equals() -> None:
    for value in (3.0, 3, 0.0, 0, -0.0):  # equal dict keys, different JSON
        assert _bits(round6(value)) == _bits(round(value, 6))


def test_remembered_rounding_of_nan_is_nan() -> None:
    assert math.isnan(round6(math.nan)) and math.isnan(round6(math.nan))


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**64), form=st.sampled_from(FORMS))
def test_a_streams_draw_is_numpys_draw(seed: int, form: object) -> None:
    d = dist(form)
    streams = Streams(seed)
    drawn = [streams.draw(d, "request/x/VR01/t/1") for _ in range(200)]
    lo, hi = d.bounds
    if lo == hi:  # one possible value: nothing drawn, no stream made
        assert drawn == [lo] * 200
        return
    fresh = Streams(seed)("request/x/VR01/t/1")
    assert drawn == [_numpys(d, fresh) for _ in range(200)]  # numpy's own methods, bit for bit


@settings(max_examples=300, deadline=None)
@given(
    seed=st.integers(min_value=0, max_value=2**32),
    a=st.floats(min_value=0, max_value=5000),
    b=st.floats(min_value=0, max_value=5000),
    c=st.floats(min_value=0.001, max_value=5000),
)
def test_samplers_transform_one_draw_as_numpy_does(seed: int, a: float, b: float, c: float) -> None:
    lo, mode, hi = a, a + b, a + b + c
    build = Distribution.model_construct  # minutes as floats, as the loader leaves them
    for d in (
        build(triangular=[lo, mode, hi]),
        build(triangular=[lo, lo, hi]),
        build(triangular=[lo, hi, hi]),
        build(uniform=[lo, hi]),
        build(exponential=hi),
    ):
        ours, numpys = np.random.default_rng(seed), np.random.default_rng(seed)
        sample = d.sampler()
        assert [sample(ours) for _ in range(50)] == [_numpys(d, numpys) for _ in range(50)]
        assert d.sample(np.random.default_rng(seed)) == _numpys(d, np.random.default_rng(seed))


def test_draws_of_two_distributions_on_one_stream_interleave_as_numpys() -> None:
    a, b = dist({"triangular": ["1h", "2h", "4h"]}), dist({"exponential": "30m"})
    streams = Streams(11)
    drawn = [streams.draw(d, "s") for d in (a, b, a, a, b)]
    rng = np.random.Generator(np.random.PCG64(0))  # a different stream: the draws differ
    fresh = Streams(11)("s")
    assert drawn == [_numpys(d, fresh) for d in (a, b, a, a, b)]
    assert drawn != [_numpys(d, rng) for d in (a, b, a, a, b)]


class _AskingAlways(PolicyDecider):
    """The same policy, declared impure: the hub asks it at every re-examination."""

    pure = False


@pytest.mark.parametrize("policy", ["priority", "fair-share"])
@pytest.mark.parametrize(
    "name", ["national-stress-test", "wildfires-unclear", "hybrid-hns", "river-flood"]
)
def test_skipping_a_pure_deciders_unchanged_answers_changes_nothing(name: str, policy: str) -> None:
    """The hourly round reuses a queued request's candidates while its epochs stay the same and
    asks a pure decider only about reallocation: journals and decision logs are those of a
    decider asked every time."""
    ex = load_exercise(EXERCISES / f"{name}.yaml", [("hub.policy", policy)])
    params = {str(k): v for k, v in ex.hub.policy_params.items()}
    for seed in (1, 2, 3):
        texts = []
        for decider in (PolicyDecider(policy, params), _AskingAlways(policy, params)):
            journal, decisions = Journal(), DecisionLog()
            simulate(ex, journal, seed=seed, decider=decider, decisions=decisions)
            texts.append((journal.text(), decisions.lines))
        assert texts[0] == texts[1]
