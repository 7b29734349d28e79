"""Training with quantization: the straight-through estimator and learned scales (numpy only).

Two per-tensor fake quantizers with their backward passes, float32, equal to PyTorch's CPU
kernels bit for bit (torch 2.13; ``aten/src/ATen/native/quantized/FakeQuantPerTensorAffine.cpp``
and the CPU kernels ``_fake_quantize_tensor_helper`` /
``fake_quantize_learnable_tensor_grad_kernel_cpu`` in ``native/quantized/cpu/``):

- :func:`fake_quantize_ste`: ``torch.fake_quantize_per_tensor_affine`` and its gradient, the
  straight-through estimator (Bengio et al., 2013) with the clip mask: ``dx = grad * mask``.
- :func:`fake_quantize_lsq`: ``torch._fake_quantize_learnable_per_tensor_affine`` with the
  gradients of scale (LSQ, Esser et al., "Learned Step Size Quantization", ICLR 2020, eq. 3)
  and zero point (LSQ+, Bhalgat et al., CVPR-W 2020). :func:`lsq_backward` gives the
  elementwise gradients whose sums those are.

Notation: ``inv_scale = 1/scale`` in float32, ``q = rint(x * inv_scale) + zero_point`` (round half
to even), ``x_hat = (clip(q, qmin, qmax) - zero_point) * scale``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

F32 = np.float32
#: A float32 code at or beyond 2^63 does not fit int64: the kernel's conversion gives INT64_MIN.
INT64_LIMIT = 2.0**63


def _scale32(scale: float) -> tuple[np.float32, np.float32]:
    """``(scale, 1/scale)`` in float32; a scale that is not positive, or whose float32 value
    or reciprocal is not finite and positive, raises ``ValueError``."""
    s = float(scale)
    with np.errstate(over="ignore", divide="ignore"):
        s32 = F32(s)
        inv = F32(1) / s32 if s32 > 0 else F32(np.inf)
    if not (math.isfinite(s) and s > 0 and np.isfinite(s32) and s32 > 0 and np.isfinite(inv)):
        raise ValueError(f"scale={scale!r} must be positive with a finite float32 value and "
                         "reciprocal")
    return s32, inv


def _check_range(qmin: int, qmax: int) -> tuple[int, int]:
    for name, v in (("qmin", qmin), ("qmax", qmax)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
            raise ValueError(f"{name}={v!r} must be an integer")
    if qmin > qmax:
        raise ValueError(f"qmin={qmin} must not exceed qmax={qmax}")
    if max(abs(int(qmin)), abs(int(qmax))) > 2**24:
        raise ValueError(f"qmin={qmin}, qmax={qmax}: codes beyond 2^24 are not exact in float32")
    return int(qmin), int(qmax)


def _arrays(x: object, grad: object) -> tuple[np.ndarray, np.ndarray]:
    x32 = np.asarray(x, dtype=F32)
    g32 = np.asarray(grad, dtype=F32)
    if g32.shape != x32.shape:
        raise ValueError(f"grad has shape {list(g32.shape)}, x has {list(x32.shape)}")
    return x32, g32


def fake_quantize_forward(x: np.ndarray, scale: float, zero_point: int, qmin: int,
                          qmax: int) -> tuple[np.ndarray, np.ndarray]:
    """``(x_hat, mask)`` as PyTorch's CPU kernel computes them (float32 throughout).

    ``q_f = float32(zero_point) + rint(x * inv_scale)`` (a float32 sum, exact while
    ``|q_f| < 2^24``), ``x_hat = (clip(q_f, qmin, qmax) - zero_point) * scale``,
    ``mask = qmin <= q_f <= qmax``. Edge cases as the kernel: NaN gives ``(qmin -
    zero_point) * scale`` (``fmax`` drops the NaN) with mask False; +-inf clip to the ends with
    mask False. ``x`` is float32 (other dtypes are converted first); validation is the
    caller's (:func:`fake_quantize_ste`).
    """
    with np.errstate(invalid="ignore", over="ignore"):
        q_f = F32(zero_point) + np.rint(x * inv_of(scale))
        mask = (q_f >= qmin) & (q_f <= qmax)
        q = np.fmin(np.fmax(q_f, F32(qmin)), F32(qmax))
    x_hat = (q - F32(zero_point)) * F32(scale)
    return x_hat.astype(F32), mask


def inv_of(scale: float) -> np.float32:
    """``1.0f / scale`` in float32 (the kernels multiply by it, never divide)."""
    return F32(1) / F32(scale)


def fake_quantize_ste(x: object, scale: float, zero_point: int, qmin: int, qmax: int,
                      grad: object) -> tuple[np.ndarray, np.ndarray]:
    """Forward and backward of ``torch.fake_quantize_per_tensor_affine``: ``(y, dx)``.

    Forward (:func:`fake_quantize_forward`): ``y = (clip(rint(x * inv_scale) + zero_point, qmin,
    qmax) - zero_point) * scale``. Backward, the straight-through estimator: the rounding is
    passed as the identity and the clip is not, ``dx = grad * mask`` with ``mask = (qmin <=
    rint(x * inv_scale) + zero_point <= qmax)`` (``fake_quantize_per_tensor_affine_cachemask
    _backward``: ``dY * mask``, so a negative grad outside gives -0.0 and a NaN grad stays NaN).

    ``x``, ``grad``: same shape, made float32. ``scale``: positive, made float32 (``ValueError``
    when it is not positive or its float32 reciprocal overflows). ``zero_point``: an integer in
    ``[qmin, qmax]``; ``qmin <= qmax`` (torch refuses the rest too; ``ValueError`` here). NaN
    inputs: ``y = (qmin - zero_point) * scale``, ``dx = grad * 0``.
    """
    qmin, qmax = _check_range(qmin, qmax)
    if isinstance(zero_point, bool) or not isinstance(zero_point, (int, np.integer)) \
            or not qmin <= zero_point <= qmax:
        raise ValueError(f"zero_point={zero_point!r} must be an integer in [{qmin}, {qmax}]")
    s32, _ = _scale32(scale)
    x32, g32 = _arrays(x, grad)
    y, mask = fake_quantize_forward(x32, s32, int(zero_point), qmin, qmax)
    return y, (g32 * mask.astype(F32)).astype(F32)


# -- LSQ --------------------------------------------------------------------------------------


def fma32(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """``fmaf(a, b, c)``: ``a * b + c`` computed exactly, rounded once to float32.

    Proof of the emulation. For float32 ``a, b`` the float64 product ``p = a * b`` is exact
    (24 + 24 significant bits <= 53). ``s = fl64(p + c)`` and TwoSum's ``e`` give ``p + c = s +
    e`` exactly (Knuth, TAOCP vol. 2, 4.2.2; no overflow for float32 inputs). Rounding ``s`` to
    float32 (``r``) can differ from rounding ``s + e`` only when a float32 midpoint ``m`` lies
    between them or on ``s``: strictly between is impossible, since every float32 midpoint is a
    float64 and ``s`` is the float64 nearest to ``s + e``; so only ``s == m`` with ``e != 0``
    (the double-rounding case). Then the exact value lies on ``e``'s side of the midpoint: it
    rounds to the float32 neighbour of ``r`` toward ``s`` when ``e`` has the sign of ``s - r``,
    and to ``r`` otherwise. With ``e == 0`` the tie is the float32 tie, which ``astype``
    breaks to even, as ``fmaf`` does. NaN and infinities propagate as in ``fmaf``.
    """
    a64, b64, c64 = (np.asarray(v, dtype=np.float64) for v in (a, b, c))
    with np.errstate(invalid="ignore", over="ignore"):
        p = a64 * b64
        s = p + c64
        bb = s - p
        e = (p - (s - bb)) + (c64 - bb)
        r = s.astype(F32)
        d = s - r.astype(np.float64)
        toward = np.nextafter(r, np.where(d > 0, F32(np.inf), F32(-np.inf)).astype(F32))
        midpoint = (d != 0) & (s == (r.astype(np.float64) + toward.astype(np.float64)) / 2)
        past = midpoint & (e != 0) & (np.sign(e) == np.sign(d))
    return np.where(past, toward, r).astype(F32)


def lsq_zero_points(zero_point: float, qmin: int, qmax: int) -> tuple[int, int]:
    """``(forward, backward)`` integer zero points PyTorch reads from a float ``zero_point``.

    ``_get_zero_point_from_tensor``: the forward rounds, ``clip(rint(zero_point), qmin, qmax)``;
    the backward truncates ``clip(zero_point + 0.5f, qmin, qmax)`` toward zero (float32 sum).
    They part on half values (2.5: forward 2, backward 3) and on negative ones (-0.7: forward
    -1, backward 0). NaN raises ``ValueError`` (torch fails on it too); +-inf clip.
    """
    z = F32(zero_point)
    if np.isnan(z):
        raise ValueError(f"zero_point={zero_point!r} is NaN")
    fwd = int(np.clip(np.rint(z), qmin, qmax))
    bwd = int(np.trunc(np.clip(z + F32(0.5), F32(qmin), F32(qmax))))
    return fwd, bwd


@dataclass(frozen=True)
class LSQBackward:
    """Elementwise gradients of the learnable fake quantizer (float32, ``x``'s shape).

    ``dx``: ``grad * mask``; ``dscale``, ``dzero_point``: each element's share (PyTorch returns
    their sums); ``codes``: ``rint(x * inv_scale + zero_point)`` (the backward's code, before
    the clip; ``below``/``above`` mark codes under ``qmin`` / over ``qmax``).
    """

    dx: np.ndarray
    dscale: np.ndarray
    dzero_point: np.ndarray
    codes: np.ndarray
    below: np.ndarray
    above: np.ndarray

    @property
    def mask(self) -> np.ndarray:
        return ~(self.below | self.above)


def _check_lsq(scale: float, zero_point: float, qmin: int, qmax: int):
    qmin, qmax = _check_range(qmin, qmax)
    if not qmin <= 0 <= qmax:
        raise ValueError(f"[qmin, qmax] = [{qmin}, {qmax}] must include 0 (torch's learnable "
                         "backward requires it)")
    s32, inv = _scale32(scale)
    return qmin, qmax, s32, inv, lsq_zero_points(zero_point, qmin, qmax)


def lsq_backward(x: object, scale: float, zero_point: float, qmin: int, qmax: int,
                 grad: object, grad_factor: float = 1.0, *, fused: bool = True) -> LSQBackward:
    """The elementwise backward of ``torch._fake_quantize_learnable_per_tensor_affine``.

    With ``z`` the backward zero point (:func:`lsq_zero_points`) and ``g`` = ``grad_factor``
    (float32):

    - code: ``q = rint(fmaf(x, inv_scale, z))``; one rounding of ``x * inv_scale + z``, not two:
      GCC contracts ``zero_point + x * inv_scale`` into a fused multiply-add in the AVX2/AVX512
      kernels (the default, ``fused=True``); the kernel without FMA (``ATEN_CPU_CAPABILITY=
      default``) rounds the product first (``fused=False``). At half steps this decides the
      clip mask and the sign of the scale gradient. A code at or beyond 2^63 (and NaN,
      +-inf) converts to INT64_MIN in the kernel: it counts as below ``qmin``.
    - ``dx = grad * (qmin <= q <= qmax)``.
    - below ``qmin``: ``dscale = grad * (qmin - z) * g``, ``dzero_point = -grad * scale * g``;
      above ``qmax``: ``dscale = grad * (qmax - z) * g``, the same ``dzero_point``;
    - inside: ``dscale = grad * fmaf(q - z, scale, -x) * inv_scale * g`` (LSQ's ``-x/s +
      round(x/s)``; the subtraction ``x_hat - x`` is contracted into one FMA too),
      ``dzero_point = 0``.

    Products run left to right in float32, as in the kernel. ``scale``: positive (else
    ``ValueError``); ``qmin <= 0 <= qmax`` (torch's check).
    """
    qmin, qmax, s32, inv, (_, z) = _check_lsq(scale, zero_point, qmin, qmax)
    x32, g32 = _arrays(x, grad)
    gf = F32(grad_factor)
    with np.errstate(invalid="ignore", over="ignore"):
        v = fma32(x32, inv, F32(z)) if fused else F32(z) + x32 * inv
        codes = np.rint(v).astype(F32)
        fits = codes < INT64_LIMIT
        below = (codes < qmin) | ~fits
        above = (codes > qmax) & fits
        inside = ~(below | above)
        k = (np.clip(np.where(inside, codes, F32(qmin)), qmin, qmax) - F32(z)).astype(F32)
        diff = fma32(k, s32, -x32) if fused else (k * s32).astype(F32) - x32
        ds_in = ((g32 * diff) * inv) * gf
        ds_out = np.where(below, g32 * F32(qmin - z), g32 * F32(qmax - z)) * gf
        dscale = np.where(inside, ds_in, ds_out).astype(F32)
        dzp = np.where(inside, F32(0), ((-g32) * s32) * gf).astype(F32)
    dx = (g32 * inside.astype(F32)).astype(F32)
    return LSQBackward(dx, dscale, dzp, codes, below, above)


def fake_quantize_lsq(x: object, scale: float, zero_point: float, qmin: int, qmax: int,
                      grad: object, grad_factor: float = 1.0, *, fused: bool = True,
                      ) -> tuple[np.ndarray, np.ndarray, np.float32, np.float32]:
    """Forward and backward of ``torch._fake_quantize_learnable_per_tensor_affine``:
    ``(y, dx, dscale, dzero_point)``.

    Forward: ``fake_quantize_per_tensor_affine`` with the float ``zero_point`` rounded and
    clipped, ``clip(rint(zero_point), qmin, qmax)`` (:func:`lsq_zero_points`), as
    :func:`fake_quantize_ste`'s forward. Backward: :func:`lsq_backward`, whose elementwise
    ``dscale`` and ``dzero_point`` are summed here (in float64, then float32; PyTorch sums in
    float32 in its own order: the sums agree to rounding, rtol 1e-4 in the tests). LSQ's
    gradient scale ``grad_factor = 1/sqrt(numel * qmax)`` (what ``_LearnableFakeQuantize``
    passes with ``use_grad_scaling``) is the caller's choice; 1.0 is torch's default.

    Edge cases: ``scale <= 0`` or with an overflowing float32 reciprocal, ``qmin > qmax``, a range
    without 0, a NaN ``zero_point``: ``ValueError``. NaN in ``x``: forward as
    :func:`fake_quantize_ste`, backward counts it below ``qmin``.
    """
    qmin, qmax, s32, _, (z_fwd, _) = _check_lsq(scale, zero_point, qmin, qmax)
    x32, _ = _arrays(x, grad)
    y, _ = fake_quantize_forward(x32, s32, z_fwd, qmin, qmax)
    b = lsq_backward(x32, scale, zero_point, qmin, qmax, grad, grad_factor, fused=fused)
    return (y, b.dx, F32(np.sum(b.dscale, dtype=np.float64)),
            F32(np.sum(b.dzero_point, dtype=np.float64)))


def lsq_grad_factor(numel: int, qmax: int) -> float:
    """LSQ's gradient scale ``g = 1 / sqrt(numel * qmax)`` (Esser et al., section 2.2; torch's
    ``_LearnableFakeQuantize`` with ``use_grad_scaling=True``). ``numel, qmax >= 1``."""
    if numel < 1 or qmax < 1:
        raise ValueError(f"numel={numel}, qmax={qmax} must both be at least 1")
    return 1.0 / math.sqrt(numel * qmax)
