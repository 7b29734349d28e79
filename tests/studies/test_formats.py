"""Tests for quantviz.studies.formats: what the Formats page computes, by hand and by property."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from quantviz.formats import FORMATS, NF4_LEVELS, encode_format, fake_quantize_format
from quantviz.metrics import sqnr_db
from quantviz.studies import formats as fv

F32 = np.float32


def _result(fmt: str, bpv: float, sqnr: float) -> fv.FormatResult:
    return fv.FormatResult(fmt, bpv, sqnr, 0.0, 0.0)


def test_pareto_front_by_hand():
    # b (4.5, 20) beats c (4.5, 18) and d (5, 19); a (4, 15) and e (8, 30) are beaten by none
    results = (_result("e", 8, 30), _result("d", 5, 19), _result("c", 4.5, 18),
               _result("b", 4.5, 20), _result("a", 4, 15))
    assert fv.pareto_front(results) == ("a", "b", "e")


def test_pareto_front_keeps_ties_once_each():
    assert fv.pareto_front((_result("a", 4, 15), _result("b", 4, 15))) == ("a", "b")


def test_grid_of_fp4_per_tensor():
    # x in [-6, 12]: amax 12, s = 12 / 6 = 2; FP4 magnitudes 0 .5 1 1.5 2 3 4 6 times 2
    expected = np.array([0, 1, 2, 3, 4, 6, 8, 12], F32)
    np.testing.assert_array_equal(fv.grid(-6.0, 12.0, "fp4_e2m1"),
                                  np.concatenate([-expected[:0:-1], expected]))


def test_grid_of_nf4_is_the_levels_times_absmax():
    np.testing.assert_array_equal(fv.grid(-2.0, 1.0, "nf4"), NF4_LEVELS * F32(2.0))


def test_grid_of_int4_group_counts_its_zero_point():
    # range [0, 1]: scale fp16(1/15) = 0.066650390625, zero point -8: grid (q + 8) * scale
    g = fv.grid(0.0, 1.0, "int4_group_fp16")
    np.testing.assert_array_equal(g, np.arange(16, dtype=F32) * F32(0.066650390625))


def test_staircase_equals_the_format_on_the_data_range():
    x = np.linspace(-3, 5, 64, dtype=F32)
    assert fv.view_range(-3.0, 5.0) == (-3.0, 5.0)
    points = fv.staircase_points(-3.0, 5.0, 64)
    np.testing.assert_array_equal(points, x)
    np.testing.assert_array_equal(fv.staircase(-3.0, 5.0, "fp8_e4m3", points),
                                  fake_quantize_format(x, "fp8_e4m3"))


def test_view_range_of_a_constant_tensor_is_not_empty():
    assert fv.view_range(2.0, 2.0) == (0.0, 4.0)  # 2 -+ max(|2|, 1)
    assert fv.view_range(0.0, 0.0) == (-1.0, 1.0)


def test_code_counts_of_e4m3():
    x = np.array([448.0, -0.0001, 0.0, 1.0, 1.0], F32)  # s = 1; -0.0001 rounds to -0
    counts = fv.code_counts(encode_format(x, "fp8_e4m3").codes, "fp8_e4m3")
    assert counts.nan_codes == (0x7F, 0xFF) and counts.inf_codes == ()
    assert counts.negative_zero == 0x80 and counts.counts[0x80] == 1
    assert counts.existing == 254 and counts.used == 4  # 448, -0, 0, 1
    assert counts.counts[0x38] == 2  # 1.0 = 0 0111 000


def test_bit_layout_of_0_3_in_e4m3():
    # data [-448, 448]: s = 1. 0.3 -> 0.3125 = 2^(5-7) * (1 + 2/8): code 0 0101 010 = 42
    lay = fv.bit_layout("fp8_e4m3", 0.3, -448.0, 448.0)
    assert (lay.code, lay.sign, lay.exponent, lay.mantissa) == (42, "0", "0101", "010")
    assert (lay.exponent_value, lay.bias, lay.subnormal) == (-2, 7, False)
    assert lay.element == 0.3125 and lay.x_hat == pytest.approx(0.3125)


def test_bit_layout_of_a_subnormal():
    # data [-448, 448], s = 1: 0.005 = 2.56 * 2^-9 -> 3 * 2^-9 (0 0000 011), subnormal
    lay = fv.bit_layout("fp8_e4m3", 0.005, -448.0, 448.0)
    assert (lay.exponent, lay.mantissa, lay.subnormal, lay.exponent_value) == \
        ("0000", "011", True, -6)
    assert lay.element == 3 * 2.0**-9


def test_bit_layout_of_nf4_and_int():
    lay = fv.bit_layout("nf4", 0.5, -1.0, 1.0)  # absmax 1: 0.5 -> level 12
    assert (lay.kind, lay.code, lay.mantissa, lay.element) == ("nf4", 12, "1100",
                                                                float(NF4_LEVELS[12]))
    lay = fv.bit_layout("int4", -1.0, -1.0, 1.0)  # scale 2/15, zero point -1 -> q = -8: 1000
    assert (lay.kind, lay.mantissa, lay.element, lay.zero_point) == ("int", "1000", -8.0, -1)
    with pytest.raises(ValueError, match="finite"):
        fv.bit_layout("int4", math.nan, -1.0, 1.0)


def test_error_profile_by_hand():
    # two values per bin at |x| = 1 and 100 with errors 0.1 and 10: relative error 10 % in both
    x = np.array([1, -1, 100, -100], F32)
    x_hat = np.array([1.1, -1.1, 110, -110], F32)
    edges = np.array([0.5, 2, 50, 200])
    bins = fv.MagnitudeBins(edges, np.array([0, 0, 2, 2], np.int8), 0, 2)
    p = fv.error_profile(x, x_hat, bins)
    np.testing.assert_array_equal(p.counts, [2, 0, 2])
    np.testing.assert_allclose(p.rms_abs[[0, 2]], [0.1, 10], rtol=1e-6)
    np.testing.assert_allclose(p.rms_rel[[0, 2]], [0.1, 0.1], rtol=1e-6)
    assert np.isnan(p.rms_abs[1])
    assert fv.flatness(p) == "relative"


def test_ints_flat_absolute_floats_flat_relative_on_normal_data():
    x = np.random.default_rng(0).standard_normal(200_000).astype(F32)
    bins = fv.magnitude_bins(x)
    profile = {fmt: fv.error_profile(x, fake_quantize_format(x, fmt), bins)
               for fmt in ("int8", "int4_group_fp16", "fp8_e4m3", "int4")}
    assert fv.flatness(profile["int8"]) == "absolute"
    assert fv.flatness(profile["int4_group_fp16"]) == "absolute"
    assert fv.flatness(profile["fp8_e4m3"]) == "relative"
    # INT4 with one scale rounds the small values to 0: their error is |x| itself
    assert fv.flatness(profile["int4"]) == "neither"


def test_magnitude_bins_by_hand():
    # 1 % quantile of |x| = 1..100 is 1.99, max 100: 0 and 1 fall outside, 100 in the last bin
    x = np.concatenate([[0.0], np.arange(1, 101)]).astype(F32)
    bins = fv.magnitude_bins(x, bins=4)
    assert bins.index[0] == -1 and bins.index[1] == -1 and bins.index[-1] == 3
    assert (np.diff(bins.index[2:]) >= 0).all()  # |x| grows, so does its bin
    # edges 1.99 * (100 / 1.99)^(k/4): 1.99, 5.30, 14.1, 37.5, 100
    np.testing.assert_allclose(bins.edges, [1.99, 5.30, 14.1, 37.5, 100.0], rtol=3e-3)
    assert [int(bins.index[v]) for v in (5, 6, 14, 15, 37, 38)] == [0, 1, 1, 2, 2, 3]
    assert (bins.low, bins.high) == (1, 3)  # 10th percentile 10.9, 90th 90.1


def test_error_profile_sums_across_chunks(monkeypatch):
    x = np.random.default_rng(4).standard_normal(5000).astype(F32)
    x_hat = fake_quantize_format(x, "fp8_e4m3")
    bins = fv.magnitude_bins(x)
    whole = fv.error_profile(x, x_hat, bins)
    monkeypatch.setattr(fv, "PROFILE_CHUNK", 333)
    chunked = fv.error_profile(x, x_hat, bins)
    np.testing.assert_array_equal(whole.counts, chunked.counts)
    np.testing.assert_allclose(whole.rms_abs, chunked.rms_abs, rtol=1e-12)


def test_magnitude_bins_none_without_two_magnitudes():
    assert fv.magnitude_bins(np.zeros(5, F32)) is None
    assert fv.magnitude_bins(np.array([0, 2, -2], F32)) is None
    assert fv.magnitude_bins(np.array([1, 2], F32)).edges[-1] >= 2


def test_formats_view_is_small_and_complete():
    x = np.random.default_rng(1).standard_normal((64, 256)).astype(F32)
    v = fv.formats_view(x, ("fp8_e4m3", "mxfp4", "nf4", "int4"))
    assert [f.result.fmt for f in v.formats] == ["fp8_e4m3", "mxfp4", "nf4", "int4"]
    assert v.n == x.size and v.shape == x.shape and v.zeros == 0
    for f in v.formats:
        assert f.result.sqnr_db == pytest.approx(sqnr_db(x, fake_quantize_format(x, f.result.fmt)))
        assert f.step_x_hat.shape == v.step_x.shape == (fv.STAIRCASE_POINTS,)
        assert f.grid.size <= 256
    assert v.formats[1].result.bits_per_value == 4.25


def test_frontier_covers_every_format():
    x = np.random.default_rng(2).standard_normal(4096).astype(F32)
    results = fv.frontier(x)
    assert [r.fmt for r in results] == list(FORMATS)
    front = fv.pareto_front(results)
    assert "int8" in front  # the most SQNR of all
    assert results[list(FORMATS).index("mxfp4")].bits_per_value == 4.25


def test_frontier_sample_keeps_whole_rows_in_order():
    x = np.arange(10 * 300, dtype=F32).reshape(10, 300)
    s = fv.frontier_sample(x, max_values=1000)
    assert s.shape == (3, 300) and s[0, 0] == 0
    one_d = fv.frontier_sample(np.arange(5000, dtype=F32), max_values=1000)
    assert one_d.size == 896 and one_d[0] == 0  # 1000 - 1000 % 128
    assert fv.frontier_sample(x, max_values=10_000) is x


def test_lessons_nf4_beats_int4_on_normal_but_not_on_uniform():
    by = {lesson.data: lesson.sqnr for lesson in fv.lessons(n=1 << 14)}
    assert by["normal"]["nf4"] > by["normal"]["int4_group_fp16"]
    assert by["uniform"]["nf4"] < by["uniform"]["int4_group_fp16"]
    assert by["outliers"]["mxfp4"] > by["outliers"]["fp4_e2m1"]  # a scale per block


def test_nf4_lesson_is_at_nf4s_block_with_the_bits_of_each():
    lesson = fv.nf4_lesson()
    # NF4: 4 + 32/64 = 4.5; INT4 group 64, float16 scale + 4-bit zero point: 4 + 20/64
    assert (lesson.block, lesson.nf4_bits, lesson.int_bits) == (64, 4.5, 4.3125)
    x = fv.lesson_samples()["normal"]
    assert lesson.sqnr["normal"][1] == sqnr_db(
        x, fake_quantize_format(x, "int4_group_fp16", block_size=64))
    assert lesson.sqnr["normal"][1] != sqnr_db(x, fake_quantize_format(x, "int4_group_fp16"))
    # the levels' shares of 65,536 normal values: far from the 6.25 % each of an equal split
    assert round(lesson.usage_min, 1) == 1.7 and round(lesson.usage_max, 1) == 9.3
    counts = np.bincount(encode_format(x, "nf4").codes.ravel(), minlength=16)
    assert lesson.usage_max == 100 * counts.max() / x.size


def test_float_step_of_e4m3():
    s = fv.float_step("fp8_e4m3")
    # 3 mantissa bits: step 1/8, half of it 1/16; 448 / 2^-9 = 229376 -> 107.2 dB
    assert (s.relative_step, s.max_relative_error) == (0.125, 0.0625)
    assert s.dynamic_range_db == pytest.approx(20 * math.log10(448 * 512))


@settings(max_examples=25, deadline=None)
@given(x=hnp.arrays(F32, st.integers(2, 300), elements=st.floats(-100, 100, width=32)),
       fmt=st.sampled_from(sorted(FORMATS)))
def test_grid_holds_every_x_hat_of_the_full_range_block(x, fmt):
    lo, hi = fv.view_range(float(x.min()), float(x.max()))
    points = fv.staircase_points(lo, hi, 50)
    g = fv.grid(lo, hi, fmt)
    assert np.isin(fv.staircase(lo, hi, fmt, points) + F32(0), g).all()


def test_error_summary_is_the_three_measures_in_one_pass():
    from quantviz.metrics import error_summary, max_abs_error, mse

    x = np.random.default_rng(6).standard_normal(3000).astype(F32)
    x_hat = fake_quantize_format(x, "nf4")
    e = error_summary(x, x_hat)
    assert (e.mse, e.sqnr_db, e.max_abs_error) == (mse(x, x_hat), sqnr_db(x, x_hat),
                                                   max_abs_error(x, x_hat))
    assert error_summary(np.zeros(3, F32), np.zeros(3, F32)).sqnr_db == math.inf


# ---------------------------------------------------------------------------- a part at a time


def _whole_view(x, fmts):
    """formats_view's numbers computed the old way, on the whole x_hat of each format."""
    bins = fv.magnitude_bins(x)
    out = []
    for fmt in fmts:
        x_hat = fake_quantize_format(x, fmt)
        out.append((fv.format_result(x, fmt, x_hat), fv.error_profile(x, x_hat, bins)))
    return out


def test_the_view_computed_a_part_at_a_time_is_the_whole_tensors_bit_for_bit():
    # 2.5 parts of 2^20 values, 1000 per row: parts cut rows and blocks (1000 = 7 x 128 + 104)
    from quantviz.formats import PART

    x = np.random.default_rng(2).standard_normal((PART * 5 // 2) // 1000 * 1000)
    x = (x * np.exp(x / 3)).astype(np.float32).reshape(-1, 1000)
    fmts = ("fp8_e4m3", "nvfp4", "nf4", "int4_group_fp16")
    view = fv.formats_view(x, fmts)
    for fview, (result, profile) in zip(view.formats, _whole_view(x, fmts), strict=True):
        assert fview.result == result
        assert fview.errors.counts.tolist() == profile.counts.tolist()
        assert fview.errors.rms_abs.tolist() == profile.rms_abs.tolist()
        assert fview.errors.rms_rel.tolist() == profile.rms_rel.tolist()
    assert fv.format_result(x, "nvfp4") == view.formats[1].result
    counts = fv.tensor_code_counts(x, "nf4")
    assert counts.counts.tolist() == fv.code_counts(encode_format(x, "nf4").codes,
                                                    "nf4").counts.tolist()


def test_the_view_needs_no_more_memory_than_work_bytes_says():
    # 3 million values: the old whole-tensor pass took 72 bytes a value (216 MB); now 6 bytes a
    # value and one part: 18 MB + 64 MB
    import tracemalloc

    x = np.random.default_rng(4).standard_normal(3_000_000).astype(np.float32)
    fmts = ("fp8_e4m3", "mxfp4", "nf4", "int4_group_fp16")
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        fv.formats_view(x, fmts)
        fv.tensor_code_counts(x, "nf4")
        peak = tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()
    assert peak <= fv.work_bytes(x.shape, fmts) < 100 * 2**20
