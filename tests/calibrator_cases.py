"""The inputs and settings on which the percentile, MSE and entropy ranges are pinned.

``scripts/make_calibrator_ranges.py`` ran every case below through the calibrators as they
were before their searches were vectorised (a Python loop over candidates) and wrote the
ranges to ``tests/data/calibrator_ranges.json``; ``tests/library/test_calibrator_ranges.py`` runs
them again and wants the very same float32 ranges. Inputs come from numpy's seeded generator
alone, so they do not move when the app's distributions change.
"""

from __future__ import annotations

import numpy as np

from quantviz.quantize import QuantConfig

F32 = np.float32


def _datasets() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(20261128)
    shapes = {
        "normal": lambda n: rng.standard_normal(n),
        "uniform": lambda n: rng.uniform(-1.0, 3.0, n),
        "laplace": lambda n: rng.laplace(0.0, 0.5, n),
        "relu": lambda n: np.maximum(rng.standard_normal(n), 0.0),
        "student_t": lambda n: rng.standard_t(2.0, n),
        "lognormal": lambda n: rng.lognormal(0.0, 1.0, n),
        "bimodal": lambda n: np.concatenate([rng.normal(-2, 0.3, n // 2),
                                             rng.normal(1.5, 0.5, n - n // 2)]),
        "outliers": lambda n: np.where(rng.random(n) < 0.001, rng.normal(0, 40, n),
                                       rng.normal(0, 1, n)),
        "all_positive": lambda n: rng.uniform(0.5, 2.0, n),
    }
    data: dict[str, np.ndarray] = {}
    for name, draw in shapes.items():
        for n in (5, 200, 5000, 60_000):
            data[f"{name}/{n}"] = draw(n).astype(F32)
    data["normal/100000"] = rng.standard_normal(100_000).astype(F32)
    data["relu/100000"] = np.maximum(rng.standard_normal(100_000), 0).astype(F32)
    # Values on a grid of quarters: many exact ties and midpoints between codes.
    data["grid/3000"] = (rng.integers(-40, 41, 3000) * 0.25).astype(F32)
    data["grid_positive/3000"] = (rng.integers(0, 9, 3000) * 0.5).astype(F32)
    data["zeros/10"] = np.zeros(10, F32)
    data["constant/100"] = np.full(100, 3.0, F32)
    data["negative_constant/7"] = np.full(7, -0.75, F32)
    data["single/1"] = np.array([1.7], F32)
    data["two/2"] = np.array([-1.0, 2.5], F32)
    data["tiny/500"] = (rng.standard_normal(500) * 1e-30).astype(F32)
    data["huge/500"] = (rng.standard_normal(500) * 1e6).astype(F32)
    return data


DATASETS = _datasets()

#: (name, QuantConfig fields) of the schemes: the four integer ranges people meet.
SCHEMES = {
    "asym_u": dict(scheme="asymmetric", signed=False),
    "sym_s": dict(scheme="symmetric", signed=True),
    "sym_u": dict(scheme="symmetric", signed=False),
    "sym_s_narrow": dict(scheme="symmetric", signed=True, narrow_range=True),
}
BITS = (2, 3, 4, 6, 8, 10, 11, 12, 16)
PERCENTILES = (50.0, 90.0, 99.0, 99.9, 99.99, 100.0)
#: Roundings and arithmetics beside the default, on a few inputs.
VARIANTS = (dict(rounding="half_away"), dict(rounding="floor"), dict(arithmetic="textbook"),
            dict(arithmetic="fbgemm"), dict(rounding="stochastic", seed=3))
VARIANT_DATA = ("normal/5000", "student_t/5000", "grid/3000", "relu/5000")


def cases():
    """Every case as ``(case_id, x, method, cfg, params, batches)``."""
    for name, x in DATASETS.items():
        for p in PERCENTILES:
            yield (f"{name}/percentile/{p}", x, "percentile", QuantConfig(),
                   {"percentile": p}, None)
        for scheme, fields in SCHEMES.items():
            for bits in BITS:
                cfg = QuantConfig(bits, **fields)
                for method in ("mse", "entropy"):
                    yield f"{name}/{method}/{scheme}/{bits}", x, method, cfg, {}, None
    for name in VARIANT_DATA:
        x = DATASETS[name]
        for k, fields in enumerate(VARIANTS):
            for bits in (3, 8):
                cfg = QuantConfig(bits, "asymmetric", **fields)
                yield f"{name}/mse/variant{k}/{bits}", x, "mse", cfg, {}, None
                yield f"{name}/entropy/variant{k}/{bits}", x, "entropy", cfg, {}, None
    # Other parameters: candidates, bins, batches and a small sample (the reservoir at work).
    for name in ("normal/5000", "outliers/5000", "grid/3000", "lognormal/5000"):
        x = DATASETS[name]
        for bits in (4, 8):
            cfg = QuantConfig(bits, "symmetric", signed=True)
            for n_cand in (1, 7, 20, 250):
                yield (f"{name}/mse/cand{n_cand}/{bits}", x, "mse", cfg,
                       {"n_candidates": n_cand}, None)
            for bins in (2, 100, 128, 300, 512, 4096):
                yield f"{name}/entropy/bins{bins}/{bits}", x, "entropy", cfg, {"bins": bins}, None
            for method in ("mse", "entropy", "percentile"):
                yield (f"{name}/{method}/batches3/{bits}", x, method, cfg, {}, 3)
                yield (f"{name}/{method}/sample300/{bits}", x, method, cfg,
                       {"max_samples": 300}, 4)
