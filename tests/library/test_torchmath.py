"""quantviz.torchmath against torch's CPU pow (goldens: scripts/make_golden_torch_pow.py)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quantviz import torchmath
from quantviz.torchmath import torch_pow, torch_pow_rows

GOLDEN = np.load(Path(__file__).resolve().parent.parent / "data" / "golden_torch_pow.npz")
F32 = np.float32


def _f32(lo: float, hi: float, **kw) -> st.SearchStrategy[float]:
    """float32 values in [lo, hi] (bounds rounded to float32, as hypothesis requires)."""
    return st.floats(float(F32(lo)), float(F32(hi)), width=32, **kw)


def _bits(a: np.ndarray) -> np.ndarray:
    return np.asarray(a, F32).view(np.uint32)


def test_fma32_rounds_once_where_float64_rounds_twice():
    # a = b = 1 + 2^-12, c = 2^-60:  a * b + c = 1 + 2^-11 + 2^-24 + 2^-60 exactly.
    # float64 drops 2^-60 and lands on 1 + 2^-11 + 2^-24, the midpoint between the float32
    # neighbours 1 + 2^-11 and 1 + 2^-11 + 2^-23; ties-to-even then picks 1 + 2^-11. The
    # exact value is above the midpoint, so one rounding gives 1 + 2^-11 + 2^-23.
    a = F32(1 + 2.0**-12)
    c = F32(2.0**-60)
    assert F32(float(a) * float(a) + float(c)) == F32(1 + 2.0**-11)          # twice: wrong
    assert torchmath.fma32(a, a, c) == F32(1 + 2.0**-11 + 2.0**-23)
    # and below: c = -2^-60 -> exact value under the midpoint -> 1 + 2^-11 either way
    assert torchmath.fma32(a, a, -c) == F32(1 + 2.0**-11)


@given(_f32(-1e18, 1e18), _f32(-1e18, 1e18), _f32(-1e36, 1e36))
@settings(max_examples=300, deadline=None)
def test_fma32_is_the_exactly_rounded_sum(a, b, c):
    from fractions import Fraction
    exact = Fraction(a) * Fraction(b) + Fraction(c)
    got = float(torchmath.fma32(F32(a), F32(b), F32(c)))
    lo, hi = np.nextafter(F32(got), F32(-np.inf)), np.nextafter(F32(got), F32(np.inf))
    # got is the nearest float32: each neighbour is at least as far from the exact value
    assert abs(Fraction(float(lo)) - exact) >= abs(Fraction(got) - exact)
    assert abs(Fraction(float(hi)) - exact) >= abs(Fraction(got) - exact)


@pytest.mark.parametrize("i", range(len(GOLDEN["exponents"])))
def test_torch_pow_matches_torch_bit_for_bit(i):
    exponent = float(GOLDEN["exponents"][i])
    got = torchmath.torch_pow(GOLDEN["x"], exponent)
    np.testing.assert_array_equal(_bits(got), _bits(GOLDEN["pow"][i]))


def test_golden_covers_the_tail_and_the_edges():
    x = GOLDEN["x"]
    assert x.size % 32 == 13                         # 13 elements take the scalar C pow
    assert {0.0, np.inf, 2.0**-149, 1.0} <= set(x.tolist())
    # the tail really differs from SLEEF somewhere in the golden: both halves are tested
    tail_is_libm = [np.array_equal(GOLDEN["pow"][i][-13:],
                                   torchmath.sleef_powf(x[-13:], float(e)))
                    for i, e in enumerate(GOLDEN["exponents"])]
    assert not all(tail_is_libm)


def test_sleef_hand_checked_values():
    # exact powers of two stay exact: 4^0.25 = sqrt(2) rounded; 16^0.25 = 2; 2^-149^0.05
    # is a normal number (2^-7.45); 0^y = 0 (y > 0), inf (y < 0); inf^-0.3 = 0; 1^y = 1
    x = np.array([16.0, 4.0, 0.0, np.inf, 1.0], F32)
    np.testing.assert_array_equal(torchmath.sleef_powf(x, 0.25),
                                  [2.0, F32(math.sqrt(2.0)), 0.0, np.inf, 1.0])
    np.testing.assert_array_equal(torchmath.sleef_powf(x, -0.3)[2:], [np.inf, 0.0, 1.0])
    assert np.isnan(torchmath.sleef_powf(np.array([-2.0], F32), 0.3)[0])
    assert torchmath.sleef_powf(np.array([-2.0], F32), 3.0)[0] == -8.0


@given(_f32(1e-6, 1e6), st.sampled_from([i / 20 for i in range(1, 20)]
                                                          + [0.7 - 1, -1.7, 2.5]))
@settings(max_examples=400, deadline=None)
def test_sleef_within_one_ulp_of_the_true_power(x, y):
    got = torchmath.sleef_powf(np.array([x], F32), y)[0]
    true = math.pow(float(F32(x)), float(F32(y)))        # float64: 2^-29 float32 ulps off
    assert abs(float(got) - true) <= float(np.spacing(F32(true))) * 1.0001


@given(st.lists(_f32(1e-6, 1e4), min_size=2, max_size=64),
       st.sampled_from([0.05, 0.35, 0.95, 0.7 - 1]))
@settings(max_examples=200, deadline=None)
def test_sleef_monotone_in_x(xs, y):
    x = np.sort(np.array(xs, F32))
    got = torchmath.sleef_powf(x, y).astype(np.float64)
    steps = np.diff(got)
    assert np.all(steps >= 0) if y > 0 else np.all(steps <= 0)


@pytest.mark.parametrize("bad", [dict(capability="sse"), dict(threads=0),
                                 dict(threads=True)])
def test_torch_pow_rejects_bad_settings(bad):
    with pytest.raises(ValueError, match=next(iter(bad))):
        torchmath.torch_pow(np.ones(4, F32), 0.3, **bad)


def test_parallel_chunks_follow_at_parallel_for():
    # below the grain size one chunk; 100003 elements on 2 threads: ceil(100003 / 2) = 50002
    assert torchmath._chunks(1000, 8) == [(0, 1000)]
    assert torchmath._chunks(100_003, 2) == [(0, 50_002), (50_002, 100_003)]
    # 40000 elements on 8 threads: only ceil(40000 / 32768) = 2 threads are used
    assert torchmath._chunks(40_000, 8) == [(0, 20_000), (20_000, 40_000)]


def test_torch_pow_matches_torch_live():
    torch = pytest.importorskip("torch")
    capability = torch.backends.cpu.get_cpu_capability().lower()
    if capability not in torchmath.VECTOR_BLOCK:
        pytest.skip(f"torch runs its {capability} kernels here")
    rng = np.random.default_rng()
    torch.set_num_threads(1)
    for n in (1, 31, 64, 77, 4099):
        x = (10.0 ** rng.uniform(-8, 4, n)).astype(F32)
        x[rng.random(n) < 0.02] = 0
        for exponent in (0.05, 0.35, 0.65, 0.95, 0.7 - 1):
            ref = torch.from_numpy(x).pow(exponent).numpy()
            got = torchmath.torch_pow(x, exponent, capability=capability)
            np.testing.assert_array_equal(_bits(got), _bits(ref))


def test_meta_names_the_reference():
    meta = json.loads(str(GOLDEN["meta"]))
    assert meta["torch"].startswith("2.13") and meta["threads"] == 1


def test_minus_two_is_one_over_the_square():
    # torch sends exponent -2 to its own kernel, 1 / (x * x): e.g. x = 3 -> 1 / 9 in float32
    x = np.array([3.0, 0.1, 1e-20, 7e18], F32)
    assert np.array_equal(torch_pow(x, -2.0), F32(1) / (x * x))


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 200), st.integers(0, 2**32 - 1))
def test_rows_of_powers_equal_each_power_alone(n, seed):
    rng = np.random.default_rng(seed)
    x = (np.abs(rng.standard_normal(n)) * 10.0 ** rng.uniform(-6, 3, n)).astype(F32)
    x[rng.random(n) < 0.05] = 0.0
    exponents = np.concatenate([np.arange(20) / 20, [-0.3, -2.0, 3.0, 2.5]])
    rows = torch_pow_rows(x, exponents)
    for k, e in enumerate(exponents):
        assert np.array_equal(rows[k], torch_pow(x, float(e)), equal_nan=True), e
