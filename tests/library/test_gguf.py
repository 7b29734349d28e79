"""quantviz.gguf against ggml's own bytes (goldens from ggml 0.15.3 via ggml-python 0.0.45)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quantviz import gguf

F32 = np.float32
ROOT = Path(__file__).resolve().parents[2]
GOLDEN = np.load(ROOT / "tests" / "data" / "golden_gguf.npz")
META = json.loads(bytes(GOLDEN["meta"]).decode())
ROWS = META["rows"]
TYPES = META["types"]


def _golden(tensor: str) -> tuple[np.ndarray, np.ndarray]:
    return GOLDEN[tensor].view(F32), GOLDEN[f"imatrix_{tensor}"].view(F32)


# ------------------------------------------------------------------------ goldens


def test_goldens_cover_every_type():
    assert sorted(TYPES) == sorted(gguf.QTYPES)


@pytest.mark.parametrize("mode", ["none", "imatrix"])
@pytest.mark.parametrize("qtype", TYPES)
def test_bytes_equal_ggml_on_every_golden_row(qtype, mode):
    x, imatrix = _golden("x")
    ours = gguf.quantize(x, qtype, imatrix=imatrix if mode == "imatrix" else None)
    theirs = GOLDEN[f"x/{qtype}/{mode}"]
    assert ours.dtype == np.uint8 and ours.shape == theirs.shape
    bad = [ROWS[i] for i in range(len(ROWS)) if not np.array_equal(ours[i], theirs[i])]
    assert bad == []


@pytest.mark.parametrize("mode", ["none", "imatrix"])
@pytest.mark.parametrize("qtype", TYPES)
def test_bytes_equal_ggml_on_wide_rows(qtype, mode):
    # 1024 per row: several blocks share one row's statistics (Q4_0..Q5_1 imatrix sigma2)
    x, imatrix = _golden("wide")
    ours = gguf.quantize(x, qtype, imatrix=imatrix if mode == "imatrix" else None)
    np.testing.assert_array_equal(ours, GOLDEN[f"wide/{qtype}/{mode}"])


def test_one_row_alone_gives_the_same_bytes_as_in_the_tensor():
    x, imatrix = _golden("x")
    i = ROWS.index("student_t")
    for qtype in ("Q4_0", "Q4_K", "IQ4_XS"):
        np.testing.assert_array_equal(gguf.quantize(x[i], qtype, imatrix=imatrix)[0],
                                      GOLDEN[f"x/{qtype}/imatrix"][i])


def test_the_imatrix_changes_the_bytes_only_where_ggml_uses_it():
    x, imatrix = _golden("x")
    for qtype in TYPES:
        same = np.array_equal(GOLDEN[f"x/{qtype}/none"], GOLDEN[f"x/{qtype}/imatrix"])
        assert same == (qtype in ("Q8_0", "TQ1_0", "TQ2_0")), qtype
        np.testing.assert_array_equal(gguf.quantize(x, qtype, imatrix=imatrix),
                                      GOLDEN[f"x/{qtype}/imatrix"])


# ---------------------------------------------------------------- hand-computed


def test_q8_0_block_by_hand():
    # amax = 127 -> d = 127 / 127 = 1.0 -> fp16 0x3c00 -> bytes 00 3c; id = 1 / d = 1.
    # q = roundf(x * 1), half away from zero (not to even):
    #   127 -> 127 (0x7f), -63.5 -> -64 (0xc0), 0.5 -> 1, 1.5 -> 2, 2.5 -> 3, -0.5 -> -1 (0xff),
    #   -2.5 -> -3 (0xfd), 0.49 -> 0, then 24 zeros.
    x = np.zeros(32, dtype=F32)
    x[:8] = [127, -63.5, 0.5, 1.5, 2.5, -0.5, -2.5, 0.49]
    expected = [0x00, 0x3C, 0x7F, 0xC0, 0x01, 0x02, 0x03, 0xFF, 0xFD, 0x00] + [0] * 24
    assert gguf.quantize(x, "Q8_0")[0].tolist() == expected


def test_q8_0_scale_rounds_to_fp16():
    # amax = 1 -> d = 1/127 = 0.0078740157 (float32) -> fp16 nearest: 0x2008 = 0.0078735...
    # (0x2008 = 2^-7 * (1 + 8/1024) = 0.00787353515625; 0x2009 = 0.0078811...; 0.0078740 is
    # nearer 0x2008). x = 1 -> 1 * (1 / d) = 127.
    x = np.zeros(32, dtype=F32)
    x[0] = 1.0
    out = gguf.quantize(x, "Q8_0")[0]
    assert out[:3].tolist() == [0x08, 0x20, 127]


def test_nearest_int_rounds_half_to_even():
    # 12582912 = 1.5 * 2^23: the float addition rounds the fraction away, ties to even
    v = np.array([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4999998, 7.0, -4194303.0], dtype=F32)
    assert gguf.nearest_int(v).tolist() == [0, 2, 2, 0, -2, -2, 2, 7, -4194303]


def test_fp32_to_fp16_by_hand():
    # 1.0 -> 0x3c00; 65504 (max half) -> 0x7bff; 65520 rounds up to inf 0x7c00;
    # 2^-24 (smallest subnormal) -> 0x0001; 2^-25 is a tie with 0 -> even -> 0x0000;
    # -0.0 -> 0x8000; NaN -> 0x7e00
    v = np.array([1.0, 65504.0, 65520.0, 2.0 ** -24, 2.0 ** -25, -0.0, np.nan], dtype=F32)
    assert gguf.fp32_to_fp16_bits(v).tolist() == [0x3C00, 0x7BFF, 0x7C00, 0x0001, 0x0000,
                                                  0x8000, 0x7E00]


@settings(max_examples=50, deadline=None)
@given(st.integers(0, 2 ** 32 - 1))
def test_fp32_to_fp16_equals_numpy_rounding_on_finite_floats(seed):
    bits = np.random.default_rng(seed).integers(0, 2 ** 32, 4096, dtype=np.uint64)
    f = bits.astype(np.uint32).view(F32)
    f = f[np.isfinite(f)]
    with np.errstate(over="ignore"):
        theirs = f.astype(np.float16).view(np.uint16)
    assert np.array_equal(gguf.fp32_to_fp16_bits(f), theirs)


def test_table_and_bits_per_weight():
    # bits per weight = 8 * bytes / block: Q8_0 8*34/32 = 8.5, Q4_K 8*144/256 = 4.5,
    # Q6_K 8*210/256 = 6.5625, TQ1_0 8*54/256 = 1.6875, IQ4_XS 8*136/256 = 4.25
    assert gguf.bits_per_weight("Q8_0") == 8.5
    assert gguf.bits_per_weight("Q4_K") == 4.5
    assert gguf.bits_per_weight("Q6_K") == 6.5625
    assert gguf.bits_per_weight("TQ1_0") == 1.6875
    assert gguf.bits_per_weight("IQ4_XS") == 4.25
    for name, q in gguf.QTYPES.items():
        assert q.name == name and q.bits_per_weight == 8 * q.bytes_per_block / q.block_size


# ---------------------------------------------------------------- properties, errors


@settings(max_examples=30, deadline=None)
@given(qtype=st.sampled_from(TYPES), rows=st.integers(1, 3), blocks=st.integers(1, 2),
       seed=st.integers(0, 2 ** 31), use_imatrix=st.booleans())
def test_shape_dtype_and_determinism(qtype, rows, blocks, seed, use_imatrix):
    spec = gguf.QTYPES[qtype]
    n = spec.block_size * blocks
    rng = np.random.default_rng(seed)
    x = (rng.standard_normal((rows, n)) * 10.0 ** rng.uniform(-4, 4)).astype(F32)
    imatrix = rng.chisquare(1.0, n).astype(F32) if use_imatrix else None
    out = gguf.quantize(x, qtype, imatrix=imatrix)
    assert out.dtype == np.uint8
    assert out.shape == (rows, blocks * spec.bytes_per_block)
    np.testing.assert_array_equal(out, gguf.quantize(x.copy(), qtype, imatrix=imatrix))


@settings(max_examples=20, deadline=None)
@given(qtype=st.sampled_from(TYPES), extra=st.integers(1, 31))
def test_n_not_a_multiple_of_the_block_is_refused(qtype, extra):
    n = gguf.QTYPES[qtype].block_size + extra
    with pytest.raises(ValueError, match=rf"n = {n}.*{gguf.QTYPES[qtype].block_size}"):
        gguf.quantize(np.zeros(n, dtype=F32), qtype)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_input_is_refused(bad):
    x = np.zeros(256, dtype=F32)
    x[3] = bad
    with pytest.raises(ValueError, match="non-finite"):
        gguf.quantize(x, "Q4_K")


def test_bad_type_and_imatrix_are_refused():
    x = np.zeros(256, dtype=F32)
    with pytest.raises(ValueError, match="Q7_K"):
        gguf.quantize(x, "Q7_K")
    with pytest.raises(ValueError, match="128"):
        gguf.quantize(x, "Q4_K", imatrix=np.ones(128, dtype=F32))


# ----------------------------------------------------------------- search trace


def test_search_trace_reproduces_the_q4_k_super_block_scale():
    # the eight traced scales/mins give ggml's d = fp16(max scale / 63), dmin = fp16(max min/63)
    x, _ = _golden("x")
    i = ROWS.index("normal")
    traces = [gguf.kquant_search_trace(x[i, 32 * j:32 * j + 32]) for j in range(8)]
    max_scale = max(F32(t.scale) for t in traces)
    max_min = max(F32(-t.min) for t in traces)
    d = gguf.fp32_to_fp16_bits(np.array([max_scale / F32(63), max_min / F32(63)], F32))
    assert GOLDEN["x/Q4_K/none"][i, :4].tolist() == d.astype("<u2").view(np.uint8).tolist()


def test_search_trace_grid_and_choice():
    x = np.random.default_rng(3).standard_normal(32).astype(F32)
    t = gguf.kquant_search_trace(x)
    lo = min(float(x.min()), 0.0)
    # naive: (max - min') / 15; first candidate iscale = (-1 + 0 + 15) / (max - min')
    assert t.naive_scale == pytest.approx((x.max() - lo) / 15, rel=1e-6)
    assert t.iscales[0] == pytest.approx(14 / (x.max() - lo), rel=1e-6)
    assert len(t.iscales) == 21 and t.L.shape == (32,)
    assert t.error <= t.naive_error
    if t.kept.any():
        k = np.nonzero(t.kept)[0][-1]
        assert (t.scale, t.min) == (t.candidate_scales[k], t.candidate_mins[k])
        assert np.all(np.diff(t.candidate_errors[t.kept]) < 0)
    else:
        assert (t.scale, t.min) == (t.naive_scale, t.naive_min)


def test_search_trace_of_a_constant_block_tries_nothing():
    t = gguf.kquant_search_trace(np.full(32, -2.0, dtype=F32))
    assert t.scale == 0.0 and not t.kept.any() and not t.solvable.any()


# ------------------------------------------------------------------- live ggml


def _reference_module():
    pytest.importorskip("ggml")
    spec = importlib.util.spec_from_file_location("make_golden_gguf",
                                                  ROOT / "scripts" / "make_golden_gguf.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.parametrize("qtype", TYPES)
def test_live_against_ggml(qtype):
    ref = _reference_module()
    import ggml

    rng = np.random.default_rng()
    x = (rng.standard_t(4, (24, 512)) * rng.choice([1e-3, 1.0, 50.0], (24, 1))).astype(F32)
    x[3] = np.round(x[3] * 4) / 4
    imatrix = np.where(rng.random(512) < 0.2, 0.0, rng.chisquare(1.0, 512)).astype(F32)
    for im in (None, imatrix):
        np.testing.assert_array_equal(gguf.quantize(x, qtype, imatrix=im),
                                      ref.ggml_quantize(ggml, qtype, x, im))
