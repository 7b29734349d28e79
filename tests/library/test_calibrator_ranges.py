"""The percentile, MSE and entropy observers choose the very ranges they chose before.

``tests/data/calibrator_ranges.json`` was written by ``scripts/make_calibrator_ranges.py``
with the candidate searches as Python loops (every candidate scored one by one). The searches
are now array operations over the sorted sample and the histogram's cumulative sums; every
case of ``tests/calibrator_cases.py`` (distributions x sizes x bits x schemes, roundings,
arithmetics, candidates, bins, batches and small samples) must give the same float32 range,
bit for bit.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from quantviz import observers
from quantviz.observers import calibrate, clipping_mse, kl_divergences
from quantviz.quantize import QuantConfig
from tests.calibrator_cases import cases

RANGES = json.loads((Path(__file__).parents[1] / "data" / "calibrator_ranges.json").read_text())
CASES = list(cases())


def test_every_case_is_pinned():
    assert len(RANGES) == len(CASES) > 3000
    assert {c[0] for c in CASES} == set(RANGES)


@pytest.mark.parametrize("method", ["percentile", "mse", "entropy"])
def test_ranges_are_identical_to_the_loops(method):
    differ = []
    for case_id, x, m, cfg, params, batches in CASES:
        if m != method:
            continue
        lo, hi = calibrate(m, x, cfg, batches, **params)
        if [float(lo).hex(), float(hi).hex()] != RANGES[case_id]:
            differ.append((case_id, (lo, hi), [float.fromhex(v) for v in RANGES[case_id]]))
    assert not differ, differ[:5]


@pytest.mark.parametrize("cfg", [QuantConfig(8), QuantConfig(4, "symmetric", signed=True),
                                 QuantConfig(6, rounding="half_away"),
                                 QuantConfig(5, arithmetic="textbook")])
def test_mse_curve_is_the_direct_score_of_every_candidate(cfg):
    # The curve kept for the figure: each entry within 1e-9 of scoring the candidate directly,
    # and the chosen one (the least) scored directly.
    x = np.random.default_rng(7).standard_t(3, 30_000).astype(np.float32)
    obs = observers.MSEObserver(cfg).update(x)
    lo, hi = float(x.min()), float(x.max())
    direct = np.array([clipping_mse(x, np.float32(a * lo), np.float32(a * hi), cfg)
                       for a in obs.alphas])
    np.testing.assert_allclose(obs.mse_curve, direct, rtol=1e-9)
    best = int(np.argmin(direct))
    assert obs.mse_curve[best] == direct[best]
    assert (obs.x_min, obs.x_max) == (float(np.float32(obs.alphas[best] * lo)),
                                      float(np.float32(obs.alphas[best] * hi)))


@pytest.mark.parametrize("levels", [2, 3, 7, 128, 300])
def test_kl_divergences_equal_the_term_by_term_sum(levels):
    # Sparse counts with empty bins and a heavy tail: every estimate within 1e-9 of the
    # term-by-term definition, which the least candidates are recomputed with.
    rng = np.random.default_rng(levels)
    hist = rng.poisson(rng.exponential(30, 600)) * (rng.random(600) < 0.8)
    hist[0] = 5
    candidates, kl = kl_divergences(hist, levels, start=10)
    h = hist.astype(np.float64)
    outliers = np.concatenate([np.cumsum(h[::-1])[::-1], [0.0]])
    exact = np.array([observers._kl_at(h, int(i), levels, outliers, h != 0) for i in candidates])
    assert np.array_equal(np.isinf(kl), np.isinf(exact))
    finite = np.isfinite(exact)
    np.testing.assert_allclose(kl[finite], exact[finite], rtol=1e-9, atol=1e-12)
    last_best = candidates.size - 1 - int(np.argmin(exact[::-1]))
    assert kl[last_best] == exact[last_best]
    assert candidates.size - 1 - int(np.argmin(kl[::-1])) == last_best
