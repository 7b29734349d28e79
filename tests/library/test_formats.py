"""Tests for quantviz.formats: goldens, hand-computed references, then properties.

The golden file (scripts/make_golden_formats.py) holds torch's float8 casts, torchao 0.18.0's
MX / NVFP4 / fp6 / fp4 results and bitsandbytes 0.50.2's NF4 on small inputs (ties,
subnormals, saturation, zero blocks, outliers), as bit patterns; these tests read it with numpy.
The live tests at the end compare on fresh data and skip without torch, torchao, bitsandbytes.
"""

from __future__ import annotations

import importlib.util
import json
import math
from pathlib import Path

import ml_dtypes
import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from quantviz.formats import (
    ELEMENTS,
    FORMATS,
    NF4_LEVELS,
    NF4_MIDPOINTS,
    SCALE_FORMATS,
    Encoded,
    _cast,
    bits_per_value,
    code_values,
    encode_format,
    encode_parts,
    fake_quantize_format,
    fake_quantize_parts,
    round_scale,
)

F32 = np.float32
ROOT = Path(__file__).resolve().parents[2]
GOLDEN = np.load(ROOT / "tests" / "data" / "golden_formats.npz")
META = json.loads(str(GOLDEN["meta"]))
PAIRS = [(case, fmt) for case, fmts in META["cases"].items() for fmt in fmts]


def f32(b: np.ndarray) -> np.ndarray:
    return np.asarray(b, dtype=np.uint32).view(F32)


def bits(x) -> np.ndarray:
    return np.ascontiguousarray(x, dtype=F32).view(np.uint32)


def decode(enc: Encoded, shape: tuple) -> np.ndarray:
    """x_hat from the codes and scales alone (a second path to the same numbers)."""
    f = FORMATS[enc.fmt]
    values = code_values(enc.fmt)[enc.codes.astype(np.int64)]
    if enc.block_size is None:
        zp = 0 if enc.zero_points is None else int(enc.zero_points)
        return ((values - F32(zp)) * enc.scales).astype(F32)
    last = shape[-1] if shape else 1
    per_elem = np.repeat(enc.scales.reshape(-1, enc.scales.shape[-1]), enc.block_size,
                         axis=1)[:, :last].reshape(shape)
    if f.kind == "nvfp4":
        per_elem = F32(enc.tensor_scale) * per_elem
    if enc.zero_points is not None:
        zp = np.repeat(enc.zero_points.reshape(-1, enc.zero_points.shape[-1]), enc.block_size,
                       axis=1)[:, :last].reshape(shape)
        values = values - zp.astype(F32)
    return (values * per_elem).astype(F32)


# ---------------------------------------------------------------- goldens


def test_golden_file_covers_every_format_and_its_situations():
    held = {fmt for _, fmt in PAIRS}
    assert held == set(FORMATS)
    assert {"mixed", "ties", "zeros", "tail", "outliers", "llm"} <= set(META["cases"])
    assert META["torchao"].startswith("0.18") and META["bitsandbytes"] == "0.50.2"


@pytest.mark.parametrize("el", sorted(ELEMENTS))
def test_element_casts_equal_torch_and_torchao(el):
    v = f32(GOLDEN[f"casts/{el}/in"])
    assert v.size > 20
    ours = _cast(v.copy(), ELEMENTS[el]).astype(F32)
    np.testing.assert_array_equal(bits(ours), GOLDEN[f"casts/{el}/out"])


@pytest.mark.parametrize(("case", "fmt"), PAIRS)
def test_x_hat_equals_reference_bit_for_bit(case, fmt):
    x = f32(GOLDEN[f"{case}/x"])
    np.testing.assert_array_equal(bits(fake_quantize_format(x, fmt)), GOLDEN[f"{case}/{fmt}/x_hat"])


@pytest.mark.parametrize(("case", "fmt"), [p for p in PAIRS if f"{p[0]}/{p[1]}/scales" in GOLDEN])
def test_scales_equal_reference(case, fmt):
    enc = encode_format(f32(GOLDEN[f"{case}/x"]), fmt)
    np.testing.assert_array_equal(bits(enc.scales.reshape(-1)), GOLDEN[f"{case}/{fmt}/scales"])


@pytest.mark.parametrize(("case", "fmt"), [p for p in PAIRS if f"{p[0]}/{p[1]}/codes" in GOLDEN])
def test_codes_equal_reference(case, fmt):
    enc = encode_format(f32(GOLDEN[f"{case}/x"]), fmt)
    np.testing.assert_array_equal(enc.codes, GOLDEN[f"{case}/{fmt}/codes"])


# ---------------------------------------------------------------- facts


@pytest.mark.parametrize(("fmt", "max_value", "min_normal", "min_sub", "inf", "nan"), [
    ("fp8_e4m3", 448.0, 2.0**-6, 2.0**-9, False, True),      # E4M3FN: no inf, S.1111.111 NaN
    ("fp8_e5m2", 57344.0, 2.0**-14, 2.0**-16, True, True),   # IEEE-like: 1.75 * 2^15
    ("fp6_e3m2", 28.0, 2.0**-2, 2.0**-4, False, False),      # 1.75 * 2^4
    ("fp6_e2m3", 7.5, 1.0, 2.0**-3, False, False),           # 1.875 * 2^2
    ("fp4_e2m1", 6.0, 1.0, 0.5, False, False),               # 1.5 * 2^2
])
def test_float_facts(fmt, max_value, min_normal, min_sub, inf, nan):
    f = FORMATS[fmt]
    assert (f.max_value, f.min_normal, f.min_subnormal, f.has_inf, f.has_nan) == \
        (max_value, min_normal, min_sub, inf, nan)


def test_block_facts():
    assert [FORMATS[k].block for k in ("mxfp4", "nvfp4", "nf4", "int4_group_fp16", "int8")] == \
        [32, 16, 64, 128, None]
    assert FORMATS["mxfp4"].max_value == 6.0 and FORMATS["mxfp6_e2m3"].bits == 6


def test_e4m3_codes_that_exist():
    v = code_values("fp8_e4m3")
    assert np.isnan(v[[0x7F, 0xFF]]).all() and np.isnan(v).sum() == 2
    assert not np.isinf(v).any()
    assert v[0x80] == 0 and np.signbit(v[0x80])  # negative zero
    assert v[0x7E] == 448.0  # 0 1111 110 = 1.75 * 2^8


def test_e5m2_has_infinities():
    v = code_values("fp8_e5m2")
    assert v[0x7C] == np.inf and v[0xFC] == -np.inf and np.isnan(v).sum() == 6


def test_int4_code_values_are_twos_complement():
    np.testing.assert_array_equal(code_values("int4"), [0, 1, 2, 3, 4, 5, 6, 7,
                                                        -8, -7, -6, -5, -4, -3, -2, -1])


@pytest.mark.parametrize(("fmt", "shape", "expected"), [
    ("mxfp4", (4, 4096), 4 + 8 / 32),                        # 4.25
    ("nvfp4", (4, 4096), 4 + 8 / 16 + 32 / 16384),           # + one fp32 tensor scale
    ("nf4", (1, 4096), 4 + 32 / 64),                         # fp32 absmax per 64
    ("int4_group_fp16", (2, 256), 4 + (16 + 4) / 128),       # fp16 scale + int4 zero point
    ("int4_group_e8m0", (2, 256), 4 + (8 + 4) / 128),
    ("fp8_e4m3", (1000,), 8 + 32 / 1000),
    ("int8", (1000,), 8 + (32 + 8) / 1000),
    ("mxfp8_e4m3", (40,), 8 + 8 * 2 / 40),                   # 40 = 32 + a short block of 8
])
def test_bits_per_value(fmt, shape, expected):
    assert bits_per_value(fmt, shape) == pytest.approx(expected, rel=1e-12)


# ---------------------------------------------------------------- hand-computed references


def test_e4m3_of_0_3():
    # amax = 448 -> s = 1. 0.3 = 1.2 * 2^-2; E4M3 steps of 2^-2/8 = 0.03125 there:
    # 0.28125 and 0.3125, 0.3 is nearer 0.3125 (0.0125 < 0.01875).
    # 0.3125 = 1.25 * 2^-2: sign 0, exponent -2 + 7 = 5 = 0101, mantissa 0.25 * 8 = 010.
    x = np.array([448.0, 0.3], F32)
    assert fake_quantize_format(x, "fp8_e4m3")[1] == F32(0.3125)
    assert encode_format(x, "fp8_e4m3").codes[1] == 0b0_0101_010


def test_per_tensor_scale_and_all_zero():
    # amax = 12 -> s = 12 / 6 = 2; 5 / 2 = 2.5 -> FP4 grid 2, 3: tie -> even mantissa 2 -> 4.
    x = np.array([12.0, 5.0, -1.0], F32)
    np.testing.assert_array_equal(fake_quantize_format(x, "fp4_e2m1"), [12.0, 4.0, -1.0])
    assert float(encode_format(x, "fp4_e2m1").scales) == 2.0
    z = np.zeros(5, F32)
    assert float(encode_format(z, "fp8_e4m3").scales) == 1.0  # s = 1 when amax = 0
    np.testing.assert_array_equal(fake_quantize_format(z, "fp8_e4m3"), z)


def test_mxfp4_block_scales():
    # block 0: amax 0.3, floor(log2 0.3) = -2, minus emax 2 -> 2^-4; 0.3 * 16 = 4.8 -> 4 -> 0.25
    # block 1: amax 7.99, floor(log2) = 2 -> 2^0; 7.99 saturates to 6; 2.5 is a tie -> 2
    # block 2: all zero -> exponent clamps to -127
    x = np.zeros((1, 96), F32)
    x[0, 0], x[0, 1] = 0.3, -0.1      # -0.1 * 16 = -1.6 -> -1.5 -> -0.09375
    x[0, 32], x[0, 33] = 7.99, 2.5
    enc = encode_format(x, "mxfp4")
    np.testing.assert_array_equal(enc.scales, [[2.0**-4, 1.0, 2.0**-127]])
    x_hat = fake_quantize_format(x, "mxfp4")
    np.testing.assert_array_equal(x_hat[0, [0, 1, 32, 33]], [0.25, -0.09375, 6.0, 2.0])
    assert not x_hat[0, 64:].any()


def test_mx_tiny_block_comes_back_halved_as_in_torchao():
    # amax = 2^-126: floor(log2) = -126, minus emax 8 = -134, clamped to -127. torchao divides
    # by max(2^-127, 2^-126) = 2^-126 (element 1.0) and multiplies back by 2^-127.
    x = np.full((1, 32), 2.0**-126, F32)
    np.testing.assert_array_equal(fake_quantize_format(x, "mxfp8_e4m3"), x / 2)


def test_nvfp4_two_level_scale():
    # amax = 2688 -> g = 2688 / (448 * 6) = 1. Block 0: amax 2688 -> 448 = E4M3 max;
    # 100 * (1/448) = 0.2232 -> FP4 0 (below 0.25), 1000/448 = 2.232 -> 2 -> 896.
    # Block 1: amax 3 -> 0.5; 1.3 / 0.5 = 2.6 -> 3 -> 1.5.
    x = np.zeros((1, 32), F32)
    x[0, :3] = [2688.0, 100.0, 1000.0]
    x[0, 16:18] = [3.0, 1.3]
    enc = encode_format(x, "nvfp4")
    assert enc.tensor_scale == 1.0
    np.testing.assert_array_equal(enc.scales, [[448.0, 0.5]])
    np.testing.assert_array_equal(fake_quantize_format(x, "nvfp4")[0, [0, 1, 2, 16, 17]],
                                  [2688.0, 0.0, 896.0, 3.0, 1.5])


def test_nvfp4_block_scale_floor_is_e4m3_smallest_normal():
    # Block 1's amax 1e-4 gives 1e-4 / 6 / g far below 2^-6: torchao clamps it to 2^-6.
    x = np.zeros((1, 32), F32)
    x[0, 0], x[0, 16] = 2688.0, 1e-4
    assert encode_format(x, "nvfp4").scales[0, 1] == 2.0**-6


def test_nf4_nearest_level_and_ties_down():
    # absmax 1: 0.5 lies below the midpoint 0.50166 of 0.4407 and 0.5626 -> 0.4407 (code 12)
    x = np.zeros(64, F32)
    x[:4] = [1.0, 0.5, -0.25, F32(NF4_MIDPOINTS[12])]
    enc = encode_format(x, "nf4")
    assert list(enc.codes[:4]) == [15, 12, 4, 12]  # the midpoint itself goes to the lower level
    x_hat = fake_quantize_format(x, "nf4")
    assert x_hat[1] == NF4_LEVELS[12] and x_hat[3] == NF4_LEVELS[12]
    assert x_hat[2] == NF4_LEVELS[4]  # -0.25: between -0.2844 and -0.1848, nearer -0.2844


def test_nf4_is_not_sign_symmetric():
    x = np.zeros(64, F32)
    x[:2] = [1.0, 0.1]
    # 0.1 -> 0.0796 (code 8) but -0.1 -> -0.0911 (code 6): the levels are not mirror images
    assert fake_quantize_format(x, "nf4")[1] == NF4_LEVELS[8]
    assert fake_quantize_format(-x, "nf4")[1] == NF4_LEVELS[6]


def test_int4_group_scale_rounding_is_counted():
    # group [0, 1, 0...]: range 0..1, int4 -8..7 -> scale 1/15 = 0.0666667
    # fp16 stores 0.066650390625 (0x2C44); zero point -8 - rint(0) = -8;
    # 1 / 0.06665039 = 15.004 -> 15 - 8 = 7 -> x_hat = 15 * 0.066650390625 = 0.999755859375
    x = np.zeros((1, 128), F32)
    x[0, 1] = 1.0
    assert encode_format(x, "int4_group_fp16").scales[0, 0] == F32(0.066650390625)
    assert fake_quantize_format(x, "int4_group_fp16")[0, 1] == F32(0.999755859375)
    # E8M0 rounds 1/15 up to 2^-3 = 0.125: 1 / 0.125 = 8 -> code 0, (0 + 8) * 0.125 = 1.0
    assert encode_format(x, "int4_group_e8m0").scales[0, 0] == 0.125
    assert fake_quantize_format(x, "int4_group_e8m0")[0, 1] == 1.0


def test_scale_mantissa_bits():
    from quantviz.formats import SCALE_MANTISSA_BITS

    assert SCALE_MANTISSA_BITS == {"fp16": 10, "bf16": 7, "e8m0": 0}


def test_round_scale():
    s = np.array([1 / 15, 0.25, 1e-30, 1e6], F32)
    np.testing.assert_array_equal(round_scale(s, "e8m0"), [0.125, 0.25, 2.0**-99, 2.0**20])
    np.testing.assert_array_equal(round_scale(s, "fp16")[2:], [2.0**-24, 65504.0])
    assert round_scale(s, "bf16")[0] == F32(ml_dtypes.bfloat16(1 / 15))
    with pytest.raises(ValueError, match="fp8"):
        round_scale(s, "fp8")


def test_short_last_block_has_its_own_scale():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((3, 40)).astype(F32)
    x_hat = fake_quantize_format(x, "mxfp4")
    np.testing.assert_array_equal(x_hat[:, :32], fake_quantize_format(x[:, :32], "mxfp4"))
    np.testing.assert_array_equal(x_hat[:, 32:], fake_quantize_format(x[:, 32:], "mxfp4"))
    assert encode_format(x, "mxfp4").scales.shape == (3, 2)


@pytest.mark.parametrize("bad", [
    dict(x=[1.0, np.nan], fmt="mxfp4", match="1 NaN or infinite"),
    dict(x=[1.0, np.inf, -np.inf], fmt="fp8_e4m3", match="2 NaN or infinite"),
    dict(x=np.zeros(0), fmt="nf4", match="empty"),
    dict(x=[1.0], fmt="fp9", match="fp9"),
    dict(x=np.array([1.0, 1e300]), fmt="nf4", match="1 values beyond float32's largest"),
    dict(x=["a"], fmt="nf4", match="real numbers"),
    dict(x=[1.0], fmt="fp8_e4m3", block_size=32, match="one scale per tensor"),
    dict(x=[1.0], fmt="mxfp4", block_size=0, match="block_size"),
])
def test_bad_input_raises_value_error(bad):
    bad = dict(bad)
    match = bad.pop("match")
    with pytest.raises(ValueError, match=match):
        fake_quantize_format(np.asarray(bad.pop("x")), **bad)


# ---------------------------------------------------------------- properties

finite = st.floats(-1e4, 1e4, width=32, allow_nan=False, allow_infinity=False)
arrays = hnp.arrays(F32, hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=70),
                    elements=finite)
SYMMETRIC = [k for k, f in FORMATS.items() if f.kind in ("float", "mx", "nvfp4")]
IDEMPOTENT = [k for k, f in FORMATS.items() if f.kind in ("mx", "nf4")]
# Idempotence holds away from the E8M0 exponent clamp (a block below 2^(emax-126) comes back
# halved each time, as in torchao: see test_mx_tiny_block_comes_back_halved_as_in_torchao).
not_tiny = st.one_of(st.just(0.0), st.floats(F32(1e-20), 1e4, width=32),
                     st.floats(-1e4, F32(-1e-20), width=32))
not_tiny_arrays = hnp.arrays(F32, hnp.array_shapes(min_dims=1, max_dims=3, min_side=1,
                                                   max_side=70), elements=not_tiny)


@settings(max_examples=40, deadline=None)
@given(x=arrays, fmt=st.sampled_from(sorted(FORMATS)))
def test_shape_dtype_and_decode_agree(x, fmt):
    x_hat = fake_quantize_format(x, fmt)
    assert x_hat.dtype == F32 and x_hat.shape == x.shape and np.isfinite(x_hat).all()
    enc = encode_format(x, fmt)
    assert enc.codes.shape == x.shape and enc.codes.dtype == np.uint8
    assert int(enc.codes.max()) < 2 ** FORMATS[fmt].bits
    np.testing.assert_allclose(decode(enc, x.shape), x_hat, rtol=1e-6, atol=1e-30)


@settings(max_examples=40, deadline=None)
@given(x=arrays, fmt=st.sampled_from(SYMMETRIC))
def test_sign_symmetry(x, fmt):
    np.testing.assert_array_equal(fake_quantize_format(-x, fmt), -fake_quantize_format(x, fmt))


@settings(max_examples=40, deadline=None)
@given(x=not_tiny_arrays, fmt=st.sampled_from(IDEMPOTENT))
def test_idempotent(x, fmt):
    once = fake_quantize_format(x, fmt)
    np.testing.assert_array_equal(fake_quantize_format(once, fmt), once)


def _block_amax(x: np.ndarray, block: int | None) -> np.ndarray:
    """max |x| of each element's block, broadcast to x's shape."""
    if block is None:
        return np.full(x.shape, np.abs(x).max(), F32)
    last = x.shape[-1]
    a = np.abs(x).reshape(-1, last)
    out = np.empty_like(a)
    for start in range(0, last, block):
        out[:, start:start + block] = a[:, start:start + block].max(axis=1, keepdims=True)
    return out.reshape(x.shape)


def _growth(fmt: str) -> float:
    """How far above its block's amax a value may round, relative to that amax: half a step
    of the element grid (2^-(mantissa+1)) for floats; for NVFP4 up to double, since a block
    whose scale clamps at 2^-6 puts its elements among FP4's subnormals, where 0.26 rounds
    to 0.5; for integers one step (half from x, half from the rounded
    zero point), and a step is at most 2 amax / (2^bits - 1), twice that when E8M0 rounds
    the scale up to a power of two."""
    f = FORMATS[fmt]
    if f.kind in ("float", "mx"):
        return 2.0 ** -(ELEMENTS[f.element].mantissa_bits + 1)
    if f.kind == "int":
        return (2 if f.scale_format == "e8m0" else 1) * 2 / (2**f.bits - 1) * (1 + 1e-3)
    return {"nvfp4": 1.0, "nf4": 0.0}[f.kind]


@settings(max_examples=40, deadline=None)
@given(x=arrays, fmt=st.sampled_from(sorted(FORMATS)))
@example(x=np.array([6144.0, -9217.0], F32), fmt="int4_group_e8m0")  # zero point rounds out
@example(x=np.array([[1.953125e-02], [4201.0]], F32), fmt="nvfp4")  # block scale clamped
@example(x=np.array([1e-7, -1e-9], F32), fmt="int4_group_fp16")  # subnormal stored scale
def test_x_hat_stays_within_its_block_amax(x, fmt):
    x_hat = fake_quantize_format(x, fmt)
    bound = _block_amax(x, FORMATS[fmt].block).astype(np.float64) * (1 + _growth(fmt)) * (1 + 1e-6)
    # a scale stored among its format's subnormals (fp16 below 2^-14) is off by up to half its
    # spacing, or raised to the smallest one, 2^-24: over 2^bits codes that adds at most
    # 2^bits smallest scales (x = 1e-7 in fp16: scale 2^-24, code 2, x_hat 1.19e-7 > 1.13e-7)
    f = FORMATS[fmt]
    slack = 2.0**f.bits * SCALE_FORMATS[f.scale_format][1] if f.scale_format else 0.0
    assert (np.abs(x_hat) <= bound + slack + 1e-37).all()


@settings(max_examples=30, deadline=None)
@given(x=arrays)
def test_per_tensor_floats_keep_relative_error_within_half_a_step(x):
    # away from the subnormals a float grid's error is at most 2^-(m+1) of |x|
    for fmt in ("fp8_e4m3", "fp8_e5m2", "fp6_e2m3"):
        f = FORMATS[fmt]
        s = np.abs(x).max() / f.max_value
        if s == 0:
            continue
        normal = np.abs(x) >= 2 * f.min_normal * s
        if not normal.any():
            continue
        rel = np.abs(fake_quantize_format(x, fmt) - x)[normal] / np.abs(x)[normal]
        assert rel.max() <= 2.0 ** -(ELEMENTS[f.element].mantissa_bits + 1) * (1 + 1e-5)


# ---------------------------------------------------------------- live references


def _reference_module():
    pytest.importorskip("torch")
    pytest.importorskip("torchao")
    pytest.importorskip("bitsandbytes")
    spec = importlib.util.spec_from_file_location("make_golden_formats",
                                                  ROOT / "scripts" / "make_golden_formats.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_live_against_references(fmt):
    ref = _reference_module()
    import torch

    rng = np.random.default_rng(7)
    x = (rng.standard_normal((32, 256)) * rng.choice([0.02, 1.0, 30.0], (32, 1))).astype(F32)
    t = torch.from_numpy(x.copy())
    f = FORMATS[fmt]
    if f.kind == "float":
        theirs = ref.ref_per_tensor(t, f.element)
    elif f.kind == "mx":
        theirs = ref.ref_mx(t, f.element)[0]
    elif f.kind == "nvfp4":
        theirs = ref.ref_nvfp4(t)[0]
    elif f.kind == "nf4":
        theirs = ref.ref_nf4(t)[0]
    else:
        theirs = ref.ref_int(t, fmt)[0]
    np.testing.assert_array_equal(bits(fake_quantize_format(x, fmt)), bits(theirs.numpy()))


def test_live_nf4_tail_block_matches_bitsandbytes():
    ref = _reference_module()
    import torch

    x = np.random.default_rng(8).standard_normal(1000).astype(F32)  # 15 blocks and 40 left
    theirs = ref.ref_nf4(torch.from_numpy(x.copy()))[0]
    np.testing.assert_array_equal(bits(fake_quantize_format(x, "nf4")), bits(theirs.numpy()))
    assert math.isclose(1000 % 64, 40)


def test_nf4_in_chunks_equals_the_formula_in_one_go():
    # more than NF4_CHUNK values and a tail of 300_000 % 64 = 32: bitsandbytes' formula, whole
    from quantviz.formats import NF4_ABSMAX_FLOOR, NF4_CHUNK

    x = np.random.default_rng(11).standard_normal(300_000).astype(F32)
    assert x.size > NF4_CHUNK
    full = x[:299_968].reshape(-1, 64)
    absmax = np.abs(full).max(axis=1)
    scaled = np.clip(full * (F32(1) / np.maximum(absmax, NF4_ABSMAX_FLOOR))[:, None], -1, 1)
    tail = x[299_968:]
    t_absmax = np.abs(tail).max()
    t_scaled = np.clip(tail / max(t_absmax, NF4_ABSMAX_FLOOR), -1, 1)
    q = np.searchsorted(NF4_MIDPOINTS, np.concatenate([scaled.reshape(-1), t_scaled]))
    expected = NF4_LEVELS[q] * np.concatenate([np.repeat(absmax, 64), np.full(32, t_absmax)])
    np.testing.assert_array_equal(bits(fake_quantize_format(x, "nf4")), bits(expected))


@pytest.mark.parametrize("fmt", [f for f in FORMATS if FORMATS[f].block])
def test_a_column_costs_its_values_not_a_block_per_value(fmt):
    # (N, 1): each row is one short block. Padded to full blocks it was block x N values
    # (NF4: 64 x 200,000 x 4 bytes = 51 MB per temporary); laid out at its length it stays a
    # few times the tensor (200,000 x 4 = 0.8 MB), and each row is the same as alone.
    import tracemalloc

    x = np.random.default_rng(3).standard_normal((200_000, 1)).astype(F32)
    tracemalloc.start()
    out = fake_quantize_format(x, fmt)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 40 * x.nbytes, peak  # one 64-value block per row would be 64 x 4 x at least
    if FORMATS[fmt].tensor_bits == 0:  # row-local: a row alone is the row in the tensor
        rows = np.concatenate([fake_quantize_format(x[i:i + 1], fmt)
                               for i in range(0, 2000, 97)])
        np.testing.assert_array_equal(bits(out[0:2000:97]), bits(rows))
    else:  # NVFP4: the tensor scale from all rows; padding the row changes nothing
        padded = np.zeros((x.shape[0], FORMATS[fmt].block), dtype=F32)
        padded[:, :1] = x
        np.testing.assert_array_equal(bits(out), bits(fake_quantize_format(padded, fmt)[:, :1]))


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_a_0d_tensor_is_one_value(fmt):
    # () is one row of one value: the same x_hat as shape (1,), the same codes
    x = np.array(0.3, dtype=F32)
    assert fake_quantize_format(x, fmt).shape == ()
    np.testing.assert_array_equal(bits(fake_quantize_format(x, fmt).reshape(1)),
                                  bits(fake_quantize_format(x.reshape(1), fmt)))
    assert encode_format(x, fmt).codes.shape == ()


# ---------------------------------------------------------------------------- a part at a time


_PART_SHAPES = [(), (1,), (7,), (100,), (3, 1), (5, 17), (4, 64), (3, 130), (2, 3, 50), (9, 33)]


@pytest.mark.parametrize("fmt", list(FORMATS))
@pytest.mark.parametrize("part", [1, 5, 32, 100, 1 << 20])
def test_parts_are_the_whole_tensors_values_bit_for_bit(fmt, part):
    # a part starts and ends inside blocks (part 5 in blocks of 16..128), inside rows (5, 17),
    # across rows, on a short last block (130 = 128 + 2) and on rows shorter than a block
    rng = np.random.default_rng(part)
    for shape in _PART_SHAPES:
        x = (rng.standard_normal(shape) * rng.choice([1e-3, 1.0, 50.0])).astype(np.float32)
        whole = fake_quantize_format(x, fmt).reshape(-1)
        parts = list(fake_quantize_parts(x, fmt, part=part))
        assert [s for s, _ in parts] == list(range(0, x.size, part))
        got = np.concatenate([p for _, p in parts])
        assert got.view(np.uint32).tolist() == whole.view(np.uint32).tolist(), (shape, fmt)
        codes = np.concatenate([c for _, c in encode_parts(x, fmt, part=part)])
        assert codes.tolist() == encode_format(x, fmt).codes.reshape(-1).tolist(), (shape, fmt)


def test_parts_keep_a_chosen_block_size():
    x = np.random.default_rng(3).standard_normal((3, 200)).astype(np.float32)
    whole = fake_quantize_format(x, "nf4", block_size=48).reshape(-1)
    got = np.concatenate([p for _, p in fake_quantize_parts(x, "nf4", part=70, block_size=48)])
    assert np.array_equal(got, whole)


def test_a_tensor_range_gives_a_part_the_whole_tensors_scale():
    # per tensor FP4 E2M1: s = amax / 6 = 6 / 6 = 1 on the whole [-6, 1]; the part [0.5, 1]
    # alone would get s = 1 / 6 and come back exact; with the tensor's range 0.5 -> 0.5, 1 -> 1
    x = np.array([-6.0, 0.5, 1.0], np.float32)
    part = x[1:]
    assert fake_quantize_format(part, "fp4_e2m1", tensor_range=(-6.0, 1.0)).tolist() == [0.5, 1.0]
    assert np.array_equal(fake_quantize_format(part, "int8", tensor_range=(-6.0, 1.0)),
                          fake_quantize_format(x, "int8")[1:])
    assert not np.array_equal(fake_quantize_format(part, "int8"),
                              fake_quantize_format(x, "int8")[1:])


@pytest.mark.parametrize("bad", [(1.0,), (2.0, 1.0), (0.0, math.inf), "ab"])
def test_a_bad_tensor_range_is_refused(bad):
    with pytest.raises(ValueError, match="tensor_range"):
        fake_quantize_format(np.ones(3, np.float32), "fp8_e4m3", tensor_range=bad)


@pytest.mark.parametrize("part", [0, -1, 1.5, True])
def test_a_bad_part_is_refused_before_any_part(part):
    with pytest.raises(ValueError, match="part"):
        fake_quantize_parts(np.ones(3, np.float32), "nf4", part=part)


def test_the_nf4_search_counts_the_midpoints_below_as_the_binary_search_does():
    # every midpoint, the float32 values on either side of it, the ends and both zeros: a value
    # equal to a midpoint takes the lower level (searchsorted side="left")
    from quantviz.formats import NF4_MIDPOINTS, _nf4_search

    m = NF4_MIDPOINTS.astype(F32)
    t = np.concatenate([m, np.nextafter(m, F32(-2)), np.nextafter(m, F32(2)),
                        np.array([-1, 1, 0, -0.0], F32),
                        np.random.default_rng(5).uniform(-1, 1, 10_000).astype(F32)])
    got = _nf4_search(t)
    assert got.dtype == np.uint8
    np.testing.assert_array_equal(got, np.searchsorted(NF4_MIDPOINTS, t, side="left"))
    assert _nf4_search(m).tolist() == list(range(15))
