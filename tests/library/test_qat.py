"""quantviz.qat against PyTorch's fake quantizers: goldens, hand-computed cases, properties."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from quantviz import qat

F32 = np.float32
GOLDEN = Path(__file__).resolve().parent.parent / "data" / "golden_qat.npz"


def bits(a) -> np.ndarray:
    return np.asarray(a, dtype=F32).view(np.uint32)


def as_sum(a: np.ndarray) -> np.ndarray:
    """An elementwise gradient as torch's one-element sum reports it (-0.0 becomes 0.0)."""
    return (a + F32(0)).astype(F32)


@pytest.fixture(scope="module")
def golden():
    with np.load(GOLDEN) as f:
        data = {k: f[k] for k in f.files}
    cases = []
    for k, (scale, zp_ste, zp_lsq, qmin, qmax, gf) in enumerate(data["params"]):
        sl = slice(data["start"][k], data["start"][k + 1])
        cases.append((float(scale), int(zp_ste), float(zp_lsq), int(qmin), int(qmax), float(gf),
                      {name: v[sl] for name, v in data.items() if v.shape == data["x"].shape},
                      k))
    return data, cases


# -- goldens (torch 2.13, scripts/make_golden_qat.py) -----------------------------------------


def test_golden_ste_bit_exact(golden):
    _, cases = golden
    for scale, zp, _, qmin, qmax, _, a, k in cases:
        y, dx = qat.fake_quantize_ste(a["x"], scale, zp, qmin, qmax, a["grad"])
        assert np.array_equal(bits(y), bits(a["ste_y"])), k
        assert np.array_equal(bits(dx), bits(a["ste_dx"])), k


def test_golden_lsq_bit_exact(golden):
    data, cases = golden
    for scale, _, zp, qmin, qmax, gf, a, k in cases:
        y, dx, dscale, dzp = qat.fake_quantize_lsq(a["x"], scale, zp, qmin, qmax, a["grad"], gf)
        assert np.array_equal(bits(y), bits(a["lsq_y"])), k
        assert np.array_equal(bits(dx), bits(a["lsq_dx"])), k
        b = qat.lsq_backward(a["x"], scale, zp, qmin, qmax, a["grad"], gf)
        assert np.array_equal(bits(as_sum(b.dscale)), bits(a["lsq_dscale"])), k
        assert np.array_equal(bits(as_sum(b.dzero_point)), bits(a["lsq_dzero_point"])), k
        # torch sums in float32 in its own order: the sums agree to rounding
        assert dscale == pytest.approx(data["sum_dscale"][k], rel=1e-4), k
        assert dzp == pytest.approx(data["sum_dzero_point"][k], rel=1e-4, abs=1e-7), k


def test_golden_lsq_without_fma_bit_exact(golden):
    _, cases = golden
    differ = 0
    for scale, _, zp, qmin, qmax, gf, a, k in cases:
        b = qat.lsq_backward(a["x"], scale, zp, qmin, qmax, a["grad"], gf, fused=False)
        assert np.array_equal(bits(b.dx), bits(a["default_dx"])), k
        assert np.array_equal(bits(as_sum(b.dscale)), bits(a["default_dscale"])), k
        differ += int(np.count_nonzero(bits(a["default_dscale"]) != bits(a["lsq_dscale"])))
    assert differ > 100  # the goldens do tell the two kernels apart


def test_golden_covers_the_corners(golden):
    _, cases = golden
    masks = [qat.lsq_backward(a["x"], s, z, lo, hi, a["grad"], gf)
             for s, _, z, lo, hi, gf, a, _ in cases]
    assert all(m.below.any() and m.above.any() and m.mask.any() for m in masks)
    assert any(np.isnan(a["x"]).any() for *_, a, _ in cases)


# -- hand-computed -----------------------------------------------------------------------------


def test_ste_hand_computed():
    # scale 0.5 (inv_scale 2), zero_point 1, codes 0..3:
    # x * 2 = [-1.5, -0.5, 0.5, 1.5, 2.5, 4]; rint (half to even) = [-2, -0, 0, 2, 2, 4];
    # + 1 = [-1, 1, 1, 3, 3, 5]; clip = [0, 1, 1, 3, 3, 3]; y = (q - 1) * 0.5
    x = np.array([-0.75, -0.25, 0.25, 0.75, 1.25, 2.0], dtype=F32)
    grad = np.array([1, 2, 3, 4, 5, -6], dtype=F32)
    y, dx = qat.fake_quantize_ste(x, 0.5, 1, 0, 3, grad)
    assert y.tolist() == [-0.5, 0.0, 0.0, 1.0, 1.0, 1.0]
    # mask: -1 and 5 fall outside [0, 3]; -6 * 0 is -0.0, as torch's dY * mask
    assert bits(dx).tolist() == bits([0, 2, 3, 4, 5, -0.0]).tolist()


def test_ste_nan_and_infinities():
    # NaN: fmax(NaN, qmin) = qmin, y = (0 - 1) * 0.5; +-inf clip to the ends; all masked
    y, dx = qat.fake_quantize_ste([np.nan, np.inf, -np.inf], 0.5, 1, 0, 3, [1.0, 1.0, 1.0])
    assert y.tolist() == [-0.5, 1.0, -0.5]
    assert dx.tolist() == [0.0, 0.0, 0.0]


def test_lsq_hand_computed_inside():
    # x = 0.3f, scale 0.25 (inv 4), zero_point 0: x * 4 = 1.2 -> q = 1, x_hat = 0.25;
    # dscale = grad * (x_hat - x) / scale = 2 * (0.25 - 0.3f) * 4 (the difference is exact,
    # Sterbenz): 0.3f = 0.300000011920928955078125, 2 * -0.050000011920928955078125 * 4
    x = np.array([0.3], dtype=F32)
    y, dx, dscale, dzp = qat.fake_quantize_lsq(x, 0.25, 0.0, -4, 3, np.array([2.0], dtype=F32))
    assert y.tolist() == [0.25]
    assert dx.tolist() == [2.0]
    assert dscale == F32(2) * (F32(0.25) - F32(0.3)) * F32(4)
    assert float(dscale) == -0.400000095367431640625
    assert dzp == 0.0


def test_lsq_hand_computed_clipped():
    # x = [2, -3], scale 0.25, zero_point 0, codes -4..3, grad_factor 0.5:
    # 2 * 4 = 8 > 3: dscale = g * (qmax - z) * 0.5 = 1 * 3 * 0.5 = 1.5, dzp = -1 * 0.25 * 0.5
    # -3 * 4 = -12 < -4: dscale = 2 * (-4 - 0) * 0.5 = -4, dzp = -2 * 0.25 * 0.5 = -0.25
    b = qat.lsq_backward([2.0, -3.0], 0.25, 0.0, -4, 3, [1.0, 2.0], grad_factor=0.5)
    assert b.dscale.tolist() == [1.5, -4.0]
    assert b.dzero_point.tolist() == [-0.125, -0.25]
    assert b.dx.tolist() == [0.0, 0.0]
    _, _, dscale, dzp = qat.fake_quantize_lsq([2.0, -3.0], 0.25, 0.0, -4, 3, [1.0, 2.0], 0.5)
    assert (dscale, dzp) == (-2.5, -0.375)


def test_lsq_fma_decides_the_mask():
    # scale 0.1f has the float32 reciprocal 10.0 exactly; x = 0.25 + 2^-25, zero_point 2:
    # exact x * 10 + 2 = 4.5 + 1.25 * 2^-22, past the midpoint 4.5 + 2^-22 of float32 (ulp 2^-21
    # there): the FMA gives 4.5 + 2^-21, rint 5 > qmax 4, clipped. Rounded first, x * 10 =
    # 2.5 + 2^-22 (ulp 2^-22 at 2.5), + 2 = 4.5 + 2^-22, a tie, to even: 4.5, rint 4, inside.
    x = np.array([0.25 + 2.0**-25], dtype=F32)
    fused = qat.lsq_backward(x, 0.1, 2.0, 0, 4, [1.0])
    plain = qat.lsq_backward(x, 0.1, 2.0, 0, 4, [1.0], fused=False)
    assert (fused.codes[0], fused.dx[0], fused.dscale[0]) == (5, 0.0, 2.0)  # qmax - z = 2
    assert (plain.codes[0], plain.dx[0]) == (4, 1.0)


def test_lsq_zero_points_forward_and_backward_part():
    # forward: clip(rint(z)); backward: trunc(clip(z + 0.5))
    assert qat.lsq_zero_points(2.5, 0, 3) == (2, 3)      # rint(2.5) = 2; trunc(3.0) = 3
    assert qat.lsq_zero_points(-0.7, -2, 1) == (-1, 0)   # rint = -1; trunc(-0.2) = 0
    assert qat.lsq_zero_points(1.5, -2, 1) == (1, 1)     # rint 2, clip 1; trunc(clip(2)) = 1
    assert qat.lsq_zero_points(-2.3, -8, 7) == (-2, -1)  # trunc(-1.8) = -1
    assert qat.lsq_zero_points(np.inf, 0, 3) == (3, 3)


def test_lsq_huge_and_nan_count_below():
    # codes beyond int64 (1e30 * 4) and NaN become INT64_MIN in the kernel: below qmin
    b = qat.lsq_backward([1e30, np.nan, np.inf, -1e30], 0.25, 1.0, 0, 3, [1.0] * 4)
    assert b.below.tolist() == [True] * 4
    assert b.dscale.tolist() == [-1.0] * 4  # (qmin - z) = -1


def test_fma32_double_rounding_corner():
    # a = 1 + 2^-23, b = 2^-24 (1 - 2^-23), c = 1 + 2^-23: a * b = 2^-24 (1 - 2^-46) exactly;
    # exact sum 1 + 3 * 2^-24 - 2^-70. In float64 that is the float32 midpoint 1 + 3 * 2^-24,
    # which float32 breaks to even (1 + 2^-22); the exact value lies below it: 1 + 2^-23.
    a, b, c = F32(1 + 2.0**-23), F32(2.0**-24 * (1 - 2.0**-23)), F32(1 + 2.0**-23)
    naive = F32(np.float64(a) * np.float64(b) + np.float64(c))
    assert float(naive) == 1 + 2.0**-22
    assert float(qat.fma32(a, b, c)) == 1 + 2.0**-23


def test_lsq_grad_factor():
    # 1 / sqrt(256 * 7) = 1 / sqrt(1792) = 0.023623...
    assert qat.lsq_grad_factor(256, 7) == pytest.approx(1 / 1792**0.5)
    with pytest.raises(ValueError, match="numel=0"):
        qat.lsq_grad_factor(0, 7)


@pytest.mark.parametrize("kwargs, match", [
    ({"scale": 0.0}, "scale=0.0"),
    ({"scale": -0.1}, "scale=-0.1"),
    ({"scale": float("nan")}, "scale=nan"),
    ({"scale": 1e-45}, "scale=1e-45"),
    ({"qmin": 4, "qmax": 3}, "qmin=4"),
    ({"zero_point": 9}, "zero_point=9"),
    ({"grad": [1.0, 2.0]}, "grad has shape"),
])
def test_ste_refuses(kwargs, match):
    args = {"x": [0.0], "scale": 0.1, "zero_point": 0, "qmin": -4, "qmax": 3, "grad": [1.0]}
    with pytest.raises(ValueError, match=match):
        qat.fake_quantize_ste(**{**args, **kwargs})


@pytest.mark.parametrize("kwargs, match", [
    ({"scale": 0.0}, "scale=0.0"),
    ({"qmin": 1, "qmax": 3}, "must include 0"),
    ({"zero_point": float("nan")}, "zero_point=nan"),
    ({"qmin": 4, "qmax": 3}, "qmin=4"),
])
def test_lsq_refuses(kwargs, match):
    args = {"x": [0.0], "scale": 0.1, "zero_point": 0.0, "qmin": -4, "qmax": 3, "grad": [1.0]}
    with pytest.raises(ValueError, match=match):
        qat.fake_quantize_lsq(**{**args, **kwargs})


# -- properties --------------------------------------------------------------------------------

RANGES = st.sampled_from([(0, 255), (-128, 127), (-8, 7), (0, 15), (-2, 1), (0, 3)])
VALUES = hnp.arrays(F32, st.integers(1, 40), elements=st.floats(-1e3, 1e3, width=32))
SCALES = st.floats(2.0**-13, 10.0, width=32)


@st.composite
def settings_(draw):
    qmin, qmax = draw(RANGES)
    return draw(SCALES), draw(st.integers(qmin, qmax)), qmin, qmax


@given(VALUES, settings_(), st.integers(0, 2**32 - 1))
@settings(max_examples=150, deadline=None)
def test_ste_gradient_is_grad_times_mask(x, p, seed):
    scale, zp, qmin, qmax = p
    grad = np.random.default_rng(seed).normal(size=x.shape).astype(F32)
    _, dx = qat.fake_quantize_ste(x, scale, zp, qmin, qmax, grad)
    code = np.rint(x * (F32(1) / F32(scale))) + zp
    mask = (code >= qmin) & (code <= qmax)
    assert np.array_equal(bits(dx), bits(grad * mask.astype(F32)))


@given(VALUES, settings_())
@settings(max_examples=150, deadline=None)
def test_ste_output_lies_on_the_grid(x, p):
    scale, zp, qmin, qmax = p
    y, _ = qat.fake_quantize_ste(x, scale, zp, qmin, qmax, np.zeros_like(x))
    k = np.rint(y.astype(np.float64) / float(F32(scale)))
    assert np.all((k >= qmin - zp) & (k <= qmax - zp))
    assert np.array_equal(bits(y), bits(k.astype(F32) * F32(scale)))


@given(VALUES, settings_(), st.floats(0.01, 2.0))
@settings(max_examples=150, deadline=None)
def test_lsq_forward_is_ste_and_zero_point_gradient_is_outside_only(x, p, gf):
    scale, zp, qmin, qmax = p
    grad = np.ones_like(x)
    y_ste, _ = qat.fake_quantize_ste(x, scale, zp, qmin, qmax, grad)
    y, _, _, _ = qat.fake_quantize_lsq(x, scale, float(zp), qmin, qmax, grad, gf)
    assert np.array_equal(bits(y), bits(y_ste))
    b = qat.lsq_backward(x, scale, float(zp), qmin, qmax, grad, gf)
    assert np.all(b.dzero_point[b.mask] == 0)
    assert np.array_equal(b.dzero_point[~b.mask],
                          np.full((~b.mask).sum(), -F32(scale) * F32(gf), dtype=F32))
    # inside, |dscale| <= 1/2 * grad * gf (LSQ's -x/s + round(x/s)), up to float32 rounding
    assert np.all(np.abs(b.dscale[b.mask]) <= 0.5 * F32(gf) * (1 + 1e-5))


def round_to_float32(v: Fraction) -> float:
    """``v`` rounded once to float32, half to even, by exact comparison."""
    r = F32(float(v))
    lo, hi = np.nextafter(r, F32(-np.inf)), np.nextafter(r, F32(np.inf))
    cands = sorted((abs(Fraction(float(c)) - v), int(F32(c).view(np.uint32)) & 1, float(c))
                   for c in (r, lo, hi))
    return cands[0][2]


FLOATS = st.floats(-1e6, 1e6, width=32, allow_subnormal=False)


@given(FLOATS, FLOATS, st.integers(-300, 300))
@example(1 + 2.0**-23, 2.0**-24 * (1 - 2.0**-23), 1 + 2.0**-23)
@example(0.25 + 2.0**-25, 10.0, 2)
@settings(max_examples=300, deadline=None)
def test_fma32_is_one_rounding(a, b, c):
    exact = Fraction(float(F32(a))) * Fraction(float(F32(b))) + Fraction(float(F32(c)))
    assert float(qat.fma32(F32(a), F32(b), F32(c))) == round_to_float32(exact)


# -- live --------------------------------------------------------------------------------------


def test_live_against_torch():
    torch = pytest.importorskip("torch")
    fused = torch.backends.cpu.get_cpu_capability() != "DEFAULT"
    rng = np.random.default_rng(7)
    for scale, zp, qmin, qmax in [(0.02, 0, -8, 7), (0.013, 130, 0, 255), (0.3, 1, 0, 3)]:
        s64 = float(F32(scale))
        half = ((np.arange(qmin - zp - 2, qmax - zp + 2) + 0.5) * s64).astype(F32)
        x = np.concatenate([half, np.nextafter(half, F32(1e9)), np.nextafter(half, F32(-1e9)),
                            (rng.normal(size=500) * s64 * (qmax - qmin) / 3)]).astype(F32)
        g = rng.normal(size=x.size).astype(F32)
        gf = qat.lsq_grad_factor(x.size, qmax)
        xt = torch.tensor(x, requires_grad=True)
        y = torch.fake_quantize_per_tensor_affine(xt, s64, zp, qmin, qmax)
        y.backward(torch.tensor(g))
        y_np, dx_np = qat.fake_quantize_ste(x, scale, zp, qmin, qmax, g)
        assert np.array_equal(bits(y_np), bits(y.detach().numpy()))
        assert np.array_equal(bits(dx_np), bits(xt.grad.numpy()))
        xt = torch.tensor(x, requires_grad=True)
        st_ = torch.tensor([F32(scale)], requires_grad=True)
        zt = torch.tensor([F32(zp)], requires_grad=True)
        y = torch._fake_quantize_learnable_per_tensor_affine(xt, st_, zt, qmin, qmax, gf)
        y.backward(torch.tensor(g))
        y_np, dx_np, ds, dz = qat.fake_quantize_lsq(x, scale, float(zp), qmin, qmax, g, gf,
                                                    fused=fused)
        assert np.array_equal(bits(y_np), bits(y.detach().numpy()))
        assert np.array_equal(bits(dx_np), bits(xt.grad.numpy()))
        assert ds == pytest.approx(st_.grad.item(), rel=1e-4)
        assert dz == pytest.approx(zt.grad.item(), rel=1e-4, abs=1e-7)


def test_live_what_the_qat_page_says_of_pytorch_and_torchao():
    # qat.where.pytorch: use_grad_scaling=True scales the scale's gradient by
    # g = 1 / sqrt(numel * quant_max); prepare_qat is deprecated towards torchao.
    # qat.where.torchao: _Round's backward is the identity; range_learning is opt-in.
    import warnings

    torch = pytest.importorskip("torch")
    from torch.ao import quantization as tq
    from torch.ao.quantization._learnable_fake_quantize import _LearnableFakeQuantize

    x = torch.linspace(-0.3, 2.0, 50)  # beyond the grid's top: a non-zero scale gradient

    def scale_grad(use_grad_scaling: bool) -> float:
        fq = _LearnableFakeQuantize(tq.MovingAverageMinMaxObserver, quant_min=0, quant_max=255,
                                    scale=0.01, zero_point=128.0,
                                    use_grad_scaling=use_grad_scaling)
        fq.enable_param_learning()
        fq(x.clone().requires_grad_()).sum().backward()
        return fq.scale.grad.item()

    assert scale_grad(True) / scale_grad(False) == pytest.approx(1 / (50 * 255) ** 0.5,
                                                                 rel=1e-5)
    model = torch.nn.Sequential(torch.nn.Linear(2, 2))
    model.qconfig = tq.get_default_qat_qconfig("x86")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        tq.prepare_qat(model.train())
    assert any("torchao" in str(w.message) for w in caught)

    torchao_qat = pytest.importorskip("torchao.quantization.qat")
    from torchao.quantization.quant_primitives import _Round

    v = torch.tensor([0.2, 1.7, -2.5], requires_grad=True)
    _Round.apply(v * 3).sum().backward()
    np.testing.assert_array_equal(v.grad.numpy(), [3.0, 3.0, 3.0])  # d(3v)/dv, rounding passed
    assert torchao_qat.IntxFakeQuantizeConfig(torch.int4, group_size=32).range_learning is False
    assert callable(torchao_qat.initialize_fake_quantizers)
    assert {"prepare", "convert"} <= {s.value for s in torchao_qat.QATStep}
