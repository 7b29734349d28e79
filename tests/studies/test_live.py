"""The live figure's payload: a fine histogram, exact against its float32 edges, bounded."""

from __future__ import annotations

import base64
import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quantviz.quantize import QuantConfig, compute_qparams
from quantviz.studies.live import (
    LIVE_BINS,
    FineHistogram,
    browser_edges,
    config_payload,
    exact_numbers,
    fine_histogram,
    histogram_payload,
)
from quantviz.studies.views import explore_view


def bins_of(x: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Reference: the bin of each value, ``edges[i] <= v < edges[i + 1]``, last bin closed."""
    x = np.asarray(x, dtype=np.float32).ravel()
    idx = np.searchsorted(edges, x, side="right") - 1
    idx[x == edges[-1]] = edges.size - 2
    return np.bincount(idx, minlength=edges.size - 1)


def test_hand_computed_bins():
    # x = 0, 1, 2, 3, 4 in 4 bins over [0, 4]: edges 0, 1, 2, 3, 4 (width 1);
    # [0,1) holds 0, [1,2) holds 1, [2,3) holds 2, [3,4] holds 3 and 4 (last bin closed)
    h = fine_histogram(np.array([0, 1, 2, 3, 4], dtype=np.float32), bins=4)
    assert h.edges.tolist() == [0.0, 1.0, 2.0, 3.0, 4.0]
    assert h.counts.tolist() == [1, 1, 1, 2]
    assert (h.x_min, h.x_max, h.n) == (0.0, 4.0, 5)
    assert h.edges.dtype == np.float32 and h.counts.dtype == np.uint32


def test_constant_tensor_is_widened():
    # 3.0 five times: h = max(0.5, 3/1024) = 0.5, so the range is [2.5, 3.5]; 3.0 is the
    # left edge of bin 2 of 4 (edges 2.5, 2.75, 3.0, 3.25, 3.5)
    h = fine_histogram(np.full(5, 3.0, dtype=np.float32), bins=4)
    assert h.edges.tolist() == [2.5, 2.75, 3.0, 3.25, 3.5]
    assert h.counts.tolist() == [0, 0, 5, 0]
    # 1e30: h = 1e30 / 1024, relative, so the edges stay distinct in float32
    big = fine_histogram(np.full(3, 1e30, dtype=np.float32), bins=4)
    assert big.edges[0] < big.edges[-1] and int(big.counts.sum()) == 3


def test_range_too_narrow_for_distinct_edges_repeats_them():
    # 50 consecutive float32 values above 1.0: 4,096 bins cannot all have distinct float32
    # edges, so some repeat; every value still lies in the bin its edges say
    x = np.float32(1) + np.arange(50, dtype=np.float32) * np.float32(2.0**-23)
    h = fine_histogram(x)
    assert np.all(np.diff(h.edges) >= 0) and np.any(np.diff(h.edges) == 0)
    assert np.array_equal(h.counts, bins_of(x, h.edges))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-1e6, 1e6, width=32), min_size=1, max_size=300),
       st.integers(1, 64))
def test_every_value_counts_in_the_bin_its_float32_edges_give(values, bins):
    x = np.array(values, dtype=np.float32)
    # the edges themselves as values: the case where a value sits exactly on an edge
    h0 = fine_histogram(x, bins=bins)
    x = np.concatenate([x, h0.edges])
    h = fine_histogram(x, bins=bins)
    assert int(h.counts.sum()) == x.size
    assert np.array_equal(h.counts, bins_of(x, h.edges))
    assert h.x_min == float(x.min()) and h.x_max == float(x.max())


def test_payload_size_does_not_grow_with_the_tensor():
    rng = np.random.default_rng(0)
    sizes = []
    for n in (1_000, 1_000_000):
        payload = histogram_payload(fine_histogram(rng.standard_normal(n)))
        sizes.append(len(json.dumps(payload)))
        assert payload["bins"] == LIVE_BINS and payload["n"] == n
    # the counts are 4,096 two-byte numbers in base64 whatever n is (no bin of a million
    # normal values reaches 65,536), the edges derived from the two ends: only the printed
    # digits of x_min, x_max and n differ
    assert abs(sizes[0] - sizes[1]) < 40
    assert sizes[0] < 12_000


def decoded(p: dict) -> tuple[np.ndarray, np.ndarray]:
    """What the browser decodes (live_figure.js render): counts as their type says, edges
    sent or derived from the two ends."""
    counts = np.frombuffer(base64.b64decode(p["counts"]), dtype=f"<{p['counts_type']}")
    edges = (np.frombuffer(base64.b64decode(p["edges"]), dtype="<f4") if "edges" in p
             else browser_edges(p["first"], p["last"], p["bins"]))
    return edges, counts


def test_payload_decodes_to_the_histogram():
    h = fine_histogram(np.linspace(-2, 5, 1001, dtype=np.float32), bins=16)
    p = histogram_payload(h)
    edges, counts = decoded(p)
    assert np.array_equal(edges, h.edges) and np.array_equal(counts, h.counts)
    assert "edges" not in p and p["counts_type"] == "u2"  # derived, and small counts
    assert len(p["key"]) == 16
    other = histogram_payload(fine_histogram(np.linspace(-2, 6, 1001, dtype=np.float32), 16))
    assert other["key"] != p["key"]


def test_browser_edges_by_hand():
    # [0, 1] in 4 bins: step = 1 / 4 = 0.25 exactly; edges i * 0.25 + 0
    assert browser_edges(0.0, 1.0, 4).tolist() == [0.0, 0.25, 0.5, 0.75, 1.0]
    # [-1, 2] in 3: step 1; -1, 0, 1, 2
    assert browser_edges(-1.0, 2.0, 3).tolist() == [-1.0, 0.0, 1.0, 2.0]


def test_edges_the_browser_cannot_derive_are_sent():
    # edges 0, 1, 3 are not equal steps: the rule would give 0, 1.5, 3, so they go as they are
    h = FineHistogram(np.array([0, 1, 3], np.float32), np.array([2, 1], np.uint32), 0.0, 3.0, 3)
    p = histogram_payload(h)
    assert "edges" in p
    assert np.array_equal(decoded(p)[0], h.edges)


def test_a_bin_of_65536_values_sends_uint32_counts():
    h = fine_histogram(np.zeros(2**16, np.float32), bins=4)  # every value in one bin
    p = histogram_payload(h)
    assert p["counts_type"] == "u4" and int(decoded(p)[1].max()) == 2**16
    assert histogram_payload(fine_histogram(np.zeros(2**16 - 1, np.float32), bins=4))[
        "counts_type"] == "u2"


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.floats(-30, 30), st.sampled_from([1, 2, 7, 4096]))
def test_every_payload_decodes_to_its_histogram(seed, log_scale, bins):
    rng = np.random.default_rng(seed)
    x = (rng.standard_normal(500) * 10.0 ** (log_scale / 3) + rng.integers(-3, 4)
         * 10.0 ** (log_scale / 3)).astype(np.float32)
    h = fine_histogram(x, bins=bins)
    edges, counts = decoded(histogram_payload(h))
    assert np.array_equal(edges.view(np.uint32), h.edges.view(np.uint32))
    assert np.array_equal(counts, h.counts)


def test_config_payload_carries_the_integer_range():
    # signed narrow 4 bits: qmin = -2^3 + 1 = -7, qmax = 2^3 - 1 = 7
    cfg = QuantConfig(4, "symmetric", signed=True, narrow_range=True)
    p = config_payload(cfg)
    assert (p["qmin"], p["qmax"], p["bits"], p["scheme"]) == (-7, 7, 4, "symmetric")


def test_exact_numbers_are_the_views_and_valid_json():
    x = np.array([0.0, 0.5, 1.0], dtype=np.float32)
    cfg = QuantConfig(8)
    view = explore_view(x, compute_qparams(0.0, 1.0, cfg), 0.0, 1.0)
    numbers = exact_numbers(view)
    # scale = fl(1/255) = 0.003921569; its float32 reciprocal is 254.99998, so 0.5 maps to
    # rint(127.49999) = 127, 0 to 0 and 1 to 255: three codes used, SQNR finite
    assert numbers["scale"] == float(np.float32(1) / np.float32(255))
    assert numbers["zero_point"] == 0 and numbers["codes_used"] == 3
    assert numbers["levels"] == 256
    json.loads(json.dumps(numbers, allow_nan=False))
    exact = explore_view(np.zeros(4, np.float32), compute_qparams(0.0, 0.0, cfg), 0.0, 0.0)
    # all zeros quantize exactly: SQNR = 10 log10(0 / 0) is not finite, sent as text
    assert isinstance(exact_numbers(exact)["sqnr_db"], str)
    json.loads(json.dumps(exact_numbers(exact), allow_nan=False))


@pytest.mark.parametrize("bad", [np.array([]), np.array([1.0, np.nan]), np.array([np.inf]),
                                 np.array(["a"])])
def test_bad_input_is_refused_naming_it(bad):
    with pytest.raises(ValueError):
        fine_histogram(bad)


@pytest.mark.parametrize("bins", [0, -1, 2.5, True])
def test_bad_bins_are_refused(bins):
    with pytest.raises(ValueError, match="bins"):
        fine_histogram(np.ones(3), bins=bins)


def test_config_ranged_names_exactly_the_observers_whose_range_follows_the_bits():
    from quantviz.observers import OBSERVERS, calibrate
    from quantviz.studies.live import CONFIG_RANGED

    x = np.random.default_rng(3).standard_normal(20_000).astype(np.float32)
    x[:5] *= 8  # outliers: clipping ranges then depend on how fine the grid is
    configs = [QuantConfig(3), QuantConfig(8), QuantConfig(8, "symmetric", signed=True),
               QuantConfig(4, signed=True), QuantConfig(12)]
    follows = {name for name in OBSERVERS
               if len({calibrate(name, x, cfg) for cfg in configs}) > 1}
    assert follows == set(CONFIG_RANGED)
