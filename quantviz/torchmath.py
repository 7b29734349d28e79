"""``torch.Tensor.pow`` as PyTorch's CPU kernel computes it on float32, in numpy, bit for bit.

``x.pow(exponent)`` with a float32 tensor ``x`` and a Python float ``exponent`` (what AWQ's
``x_max.pow(ratio)`` and HQQ's ``torch.pow(|x|, lp_norm - 1)`` run) is neither numpy's float32
``power`` nor a correctly rounded power. PyTorch (``aten/src/ATen/native/cpu/PowKernel.cpp``,
``pow_tensor_scalar_kernel`` / ``pow_tensor_scalar_optimized_kernel``, torch 2.x) dispatches:

- exponent 0.5, -0.5, -1 to the sqrt, rsqrt and reciprocal kernels (float32 ``sqrt(x)``,
  ``1 / sqrt(x)``, ``1 / x``); 2 and 3 to ``x * x`` and ``x * x * x``; 0 (``pow_out``) to ones;
- any other exponent to ``cpu_kernel_vec``: whole vectors of ``2 * Vectorized<float>::size()``
  elements (32 with the AVX512 kernels, 16 with AVX2) go through ``Vectorized<float>::pow``,
  which is SLEEF's ``Sleef_powf16_u10`` / ``Sleef_powf8_u10`` with the exponent rounded to
  float32; the elements left over at the end of the loop go through the scalar lambda
  ``std::pow(base, exp)`` with ``exp`` a *double*: the C library's double ``pow`` of the
  widened float, rounded to float32.

:func:`sleef_powf` transcribes SLEEF's ``xpowf`` (``src/libm/sleefsimdsp.c``: ``logkf``,
``expkf``, the double-float helpers of ``src/common/df.h`` in their ``ENABLE_FMA_SP`` form,
shibatch/sleef, commit 7623d6cfa2712462880fa63a4d0f0b5f775d1a83; the algorithm is unchanged
since SLEEF 3.x). Both the AVX2 and the AVX512F builds define ``ENABLE_FMA_SP`` and use fused
multiply-adds; AVX512F takes the exponent and mantissa with ``getexp``/``getmant`` where AVX2
uses integer bit operations, which give the same ``e`` and ``m`` for every positive finite
float32 (checked against torch under both kernels). Every float32 operation is done by numpy in
float32 (IEEE round to nearest even), and each fused multiply-add exactly by :func:`fma32`.

The scalar tail uses :func:`math.pow`, which is the same C library ``pow`` as the one PyTorch
calls (numpy's float64 ``power`` is not: it differs in the last bit for a few % of inputs).
"""

from __future__ import annotations

import math

import numpy as np

F32 = np.float32
I32 = np.int32

#: ``2 * Vectorized<float>::size()`` of the CPU kernels torch picks: AVX512 (32) or AVX2 (16).
VECTOR_BLOCK = {"avx512": 32, "avx2": 16}
#: ``at::internal::GRAIN_SIZE``: below this many elements an elementwise kernel runs serially.
GRAIN_SIZE = 32768
#: Exponents torch's CPU ``pow`` sends to their own kernels (``pow_tensor_scalar_optimized``).
SPECIAL_EXPONENTS = (0.0, 1.0, 0.5, -0.5, -1.0, 2.0, 3.0, -2.0)

_L2U = F32(0.693145751953125)           # SLEEF's L2Uf + L2Lf = ln 2 in two pieces
_L2L = F32(1.428606765330187045e-06)
_R_LN2 = F32(1.442695040888963407359924681001892137426645954152985934135449406931)
_LN2_HI = F32(0.69314718246459960938)    # logkf's ln 2 as a double-float
_LN2_LO = F32(-1.904654323148236017e-09)
_LOW29 = np.int64((1 << 29) - 1)          # float64 mantissa bits below float32's last bit
_HALF29 = np.int64(1 << 28)               # ...holding exactly half a float32 ulp
_F32_TINY = float(np.finfo(F32).tiny)


def fma32(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """``round_f32(a * b + c)`` with one rounding, as the FMA instructions compute it.

    ``p = a * b`` of two float32 is exact in float64 (24 + 24 significant bits <= 53, and
    ``|p| >= 2^-298`` stays normal), so ``s = fl64(p + c)`` has one rounding, and
    ``float32(s)`` a second one. The two agree with a single rounding of ``p + c`` unless
    ``s`` landed exactly on a float32 midpoint (its 29 bits below float32's last are
    ``1000...0``) or in float32's subnormal range; only those elements are redone: Knuth's
    TwoSum gives the exact error ``t`` of ``s``, and ``s`` moves one float64 step towards
    ``t`` when ``t != 0`` and ``s``'s last bit is even (round to odd). Rounding a
    round-to-odd value of 53 bits to 24 (or fewer) bits equals rounding the exact ``p + c``
    once (Boldo & Melquiond, "Emulation of FMA and correctly rounded sums: proved algorithms
    using rounding to odd", IEEE Trans. Computers 57(4), 2008: needs 53 >= 24 + 2).
    Infinities and NaN pass through as float64 arithmetic gives them.
    """
    p = np.asarray(a, F32).astype(np.float64) * np.asarray(b, F32).astype(np.float64)
    c64 = np.asarray(c, F32).astype(np.float64)
    with np.errstate(invalid="ignore", over="ignore"):
        s = np.asarray(p + c64)  # an array even for scalars (it is written to below)
        redo = (s.view(np.int64) & _LOW29) == _HALF29
        redo |= np.abs(s) < _F32_TINY
        if np.any(redo):
            p, c64 = np.broadcast_to(p, s.shape)[redo], np.broadcast_to(c64, s.shape)[redo]
            r = s[redo]
            bb = r - p
            t = (p - (r - bb)) + (c64 - bb)
            fix = (t != 0) & ((r.view(np.int64) & 1) == 0) & np.isfinite(r)
            s = s.copy()
            s[redo] = np.where(fix, np.nextafter(r, np.where(t > 0, np.inf, -np.inf)), r)
        return s.astype(F32)


# ------------------------------------------------------------------- double-float helpers
# A double-float is a pair (x, y) of float32 arrays with value x + y (SLEEF's vfloat2).


def _add(a, b):
    return a + b


def _df_add2_ff(x, y):
    """``dfadd2_vf2_vf_vf``: TwoSum of two floats."""
    s = x + y
    v = s - x
    return s, (x - (s - v)) + (y - v)


def _df_add_df_df(x, y):
    """``dfadd_vf2_vf2_vf2`` (|x| >= |y|): ``s = x.x + y.x``, tail summed left to right."""
    s = x[0] + y[0]
    return s, (((x[0] - s) + y[0]) + x[1]) + y[1]


def _df_add2_df_df(x, y):
    """``dfadd2_vf2_vf2_vf2``."""
    s = x[0] + y[0]
    v = s - x[0]
    t = (x[0] - (s - v)) + (y[0] - v)
    return s, t + (x[1] + y[1])


def _df_add2_df_f(x, y):
    """``dfadd2_vf2_vf2_vf``."""
    s = x[0] + y
    v = s - x[0]
    t = (x[0] - (s - v)) + (y - v)
    return s, t + x[1]


def _df_add_f_df(x, y):
    """``dfadd_vf2_vf_vf2`` (|x| >= |y|)."""
    s = x + y[0]
    return s, ((x - s) + y[0]) + y[1]


def _df_scale(x, s):
    """``dfscale_vf2_vf2_vf``."""
    return x[0] * s, x[1] * s


def _df_normalize(x):
    """``dfnormalize_vf2_vf2``."""
    s = x[0] + x[1]
    return s, (x[0] - s) + x[1]


def _df_mul_df_f(x, y):
    """``dfmul_vf2_vf2_vf`` (FMA): ``s = x.x y``, ``fma(x.y, y, fma(x.x, y, -s))``."""
    s = x[0] * y
    return s, fma32(x[1], y, fma32(x[0], y, -s))


def _df_mul_df_df(x, y):
    """``dfmul_vf2_vf2_vf2`` (FMA)."""
    s = x[0] * y[0]
    return s, fma32(x[0], y[1], fma32(x[1], y[0], fma32(x[0], y[0], -s)))


def _df_squ(x):
    """``dfsqu_vf2_vf2`` (FMA): ``fma(x.x + x.x, x.y, fma(x.x, x.x, -s))``."""
    s = x[0] * x[0]
    return s, fma32(x[0] + x[0], x[1], fma32(x[0], x[0], -s))


def _df_div(n, d):
    """``dfdiv_vf2_vf2_vf2`` (FMA)."""
    t = F32(1) / d[0]
    s = n[0] * t
    u = fma32(t, n[0], -s)
    v = fma32(-d[1], t, fma32(-d[0], t, np.ones_like(t)))
    return s, fma32(s, v, fma32(n[1], t, u))


# ---------------------------------------------------------------------- SLEEF's powf


def _ldexp(x: np.ndarray, q: np.ndarray) -> np.ndarray:
    """``vldexp_vf_vf_vi2``: ``x * 2^q`` by four multiplications by ``2^m`` and one by ``2^q'``
    (integer steps transcribed as written; shifts are arithmetic on int32)."""
    m = q >> 31
    m = (((m + q) >> 6) - m) << 4
    q = q - (m << 2)
    m = m + 0x7F
    m = np.where(m > 0, m, 0)
    m = np.where(m > 0xFF, 0xFF, m)
    u = (m.astype(I32) << 23).view(F32)
    x = (((x * u) * u) * u) * u
    u = ((q + 0x7F).astype(I32) << 23).view(F32)
    return x * u


def _logkf(d: np.ndarray):
    """SLEEF ``logkf``: ``ln d`` as a double-float for positive finite float32 ``d``.

    ``d = m 2^e`` with ``m`` in [0.75, 1.5) (subnormals scaled by 2^64 first);
    ``x = (m - 1) / (m + 1)`` in double-float; ``ln d = e ln2 + 2x + x^3 (c + x^2 t(x^2))``.
    """
    small = d < F32(np.finfo(F32).tiny)
    d = np.where(small, d * F32(2.0**64), d)
    e = ((((d * F32(1.0 / 0.75)).view(I32)) >> 23) & 0xFF) - 0x7F
    m = (d.view(I32) + ((-e).astype(I32) << 23)).view(F32)       # vldexp3: add to the exponent
    e = np.where(small, e - 64, e)

    x = _df_div(_df_add2_ff(F32(-1), m), _df_add2_ff(F32(1), m))
    x2 = _df_squ(x)
    t = F32(0.240320354700088500976562)
    t = fma32(t, x2[0], F32(0.285112679004669189453125))
    t = fma32(t, x2[0], F32(0.400007992982864379882812))
    c = (F32(0.66666662693023681640625), F32(3.69183861259614332084311e-09))
    s = _df_mul_df_f((_LN2_HI, _LN2_LO), e.astype(F32))
    s = _df_add_df_df(s, _df_scale(x, F32(2)))
    return _df_add_df_df(s, _df_mul_df_df(_df_mul_df_df(x2, x),
                                          _df_add2_df_df(_df_mul_df_f(x2, t), c)))


def _expkf(d) -> np.ndarray:
    """SLEEF ``expkf``: ``exp(d.x + d.y)`` in float32; 0 when ``d.x < -104``."""
    u = (d[0] + d[1]) * _R_LN2
    inside = np.abs(u) < F32(2.0**31)                    # cvtps_epi32: nearest even, else
    q = np.where(inside, np.rint(np.where(inside, u, 0)), -(2.0**31)).astype(I32)  # INT_MIN
    qf = q.astype(F32)
    s = _df_add2_df_f(d, qf * -_L2U)
    s = _df_add2_df_f(s, qf * -_L2L)
    s = _df_normalize(s)
    u = F32(0.00136324646882712841033936)
    u = fma32(u, s[0], F32(0.00836596917361021041870117))
    u = fma32(u, s[0], F32(0.0416710823774337768554688))
    u = fma32(u, s[0], F32(0.166665524244308471679688))
    u = fma32(u, s[0], F32(0.499999850988388061523438))
    t = _df_add_df_df(s, _df_mul_df_f(_df_squ(s), u))
    t = _df_add_f_df(F32(1), t)
    u = _ldexp(t[0] + t[1], q)
    return np.where(d[0] < F32(-104), F32(0), u)


def sleef_powf(x: object, y: object) -> np.ndarray:
    """SLEEF's ``xpowf`` (``Sleef_powf8_u10`` / ``Sleef_powf16_u10``): ``x^y`` in float32.

    ``x^y = expkf(logkf(|x|) * y)`` with the product in double-float; then the C99 special
    cases in SLEEF's order: a NaN result becomes +inf; negative ``x`` gives the sign of an odd
    integer ``y`` or NaN for a non-integer ``y``; ``x`` = +-0 or +-inf gives 0 or inf (signed
    for odd ``y``); NaN in ``x`` or ``y`` gives NaN; ``y = 0`` or ``x = 1`` gives 1. ``y`` is
    rounded to float32 first (torch's ``Vectorized<float>(exp)``). Within 1 ulp of the true
    power (SLEEF's documented bound, u10 = 1.0 ulp); not always correctly rounded. ``y`` may be
    an array broadcast against ``x`` (each element as its own scalar call: all of SLEEF's
    operations are lane by lane).
    """
    x = np.asarray(x, dtype=F32)
    yf = np.asarray(y, dtype=F32)
    with np.errstate(all="ignore"):
        ax = np.abs(x)
        safe = np.where((ax > 0) & np.isfinite(ax), ax, F32(1))
        lg = _logkf(safe)
        result = _expkf(_df_mul_df_f(lg, yf))
        result = np.where(np.isnan(result), F32(np.inf), result)
        y_int = (np.trunc(yf) == yf) | (np.abs(yf) > 2**24)
        y_odd = y_int & (np.abs(yf) < 2**24) & (np.fmod(np.trunc(yf), 2) != 0)
        sign = np.where(y_odd, F32(-1), np.where(y_int, F32(1), F32(np.nan)))
        result = result * np.where(x > 0, F32(1), sign)
        efx = (ax - F32(1)) * np.copysign(F32(1), yf)
        at_inf = np.where(efx < 0, F32(0), np.where(efx == 0, F32(1), F32(np.inf)))
        result = np.where(np.isinf(yf), at_inf, result)
        zero_or_inf = np.isinf(x) | (x == 0)
        big = np.where(np.signbit(yf) ^ (x == 0), F32(0), F32(np.inf))
        edge = np.copysign(big, np.where(y_odd, x, F32(1)))
        result = np.where(zero_or_inf, edge, result)
        result = np.where(np.isnan(x) | np.isnan(yf), F32(np.nan), result)
        result = np.where((yf == 0) | (x == 1), F32(1), result)
    return result.astype(F32)


# ----------------------------------------------------------------- torch's dispatch


def _libm_pow(base: float, exponent: float) -> float:
    """The C library's double ``pow`` (``std::pow(double, double)``), without Python's raises."""
    try:
        return math.pow(base, exponent)
    except OverflowError:
        return math.inf
    except ValueError:      # 0 to a negative power, or a negative base to a fraction
        if base == 0:
            odd = float(exponent).is_integer() and int(exponent) % 2 == 1
            return math.copysign(math.inf, base) if odd else math.inf
        return math.nan


def _chunks(n: int, threads: int) -> list[tuple[int, int]]:
    """``at::parallel_for`` over ``[0, n)`` (OpenMP backend): ``min(threads, ceil(n / grain))``
    threads, each a ``ceil(n / threads)`` chunk; one chunk below the grain size."""
    if n < GRAIN_SIZE or threads <= 1:
        return [(0, n)]
    used = min(threads, -(-n // GRAIN_SIZE))
    size = -(-n // used)
    return [(b, min(n, b + size)) for b in range(0, n, size)]


def torch_pow(x: object, exponent: float, *, capability: str = "avx512",
              threads: int = 1) -> np.ndarray:
    """``torch.as_tensor(x, dtype=float32).pow(exponent)`` on the CPU, bit for bit (float32).

    Formula (see the module docstring for the source): exponent 0 -> 1; 1 -> ``x``; 0.5 ->
    ``sqrt(x)``; -0.5 -> ``1 / sqrt(x)``; -1 -> ``1 / x``; 2 -> ``x * x``; 3 -> ``x * x * x``;
    -2 -> ``1 / (x * x)``;
    otherwise, over the flattened (C-order) array cut into ``threads`` chunks as
    ``at::parallel_for`` cuts it, each chunk's leading multiple of ``block`` elements
    (``block = 32`` for ``capability="avx512"``, 16 for ``"avx2"``) get
    :func:`sleef_powf` ``(x, float32(exponent))`` and its remaining ``< block`` elements
    ``float32(pow(double(x), exponent))`` (C library ``pow``, exponent in double).

    Edge cases: 0 and +-inf follow SLEEF (vector) or C99 ``pow`` (tail), both IEEE's pow:
    ``0^-0.3 = inf``, ``inf^-0.3 = 0``, ``x^0 = 1``; subnormal ``x`` is exact input, not
    flushed. ``capability`` is what ``torch.backends.cpu.get_cpu_capability()`` reports
    (AVX512 on CPUs with AVX512 F/BW/VL/DQ, else AVX2 on x86-64); the per-element results
    are the same under both, only the tail length differs. ``threads`` matters only from
    ``GRAIN_SIZE`` elements on (torch's ``get_num_threads()``).
    """
    if capability not in VECTOR_BLOCK:
        raise ValueError(f"capability must be one of {sorted(VECTOR_BLOCK)}, got {capability!r}")
    if isinstance(threads, bool) or not isinstance(threads, int) or threads < 1:
        raise ValueError(f"threads must be a positive integer, got {threads!r}")
    exponent = float(exponent)
    x = np.asarray(x, dtype=F32)
    with np.errstate(all="ignore"):
        special = {0.0: lambda v: np.ones_like(v), 1.0: lambda v: v.copy(),
                   0.5: np.sqrt, -0.5: lambda v: F32(1) / np.sqrt(v),
                   -1.0: lambda v: F32(1) / v, 2.0: lambda v: v * v,
                   3.0: lambda v: v * v * v, -2.0: lambda v: F32(1) / (v * v)}
        if exponent in special:
            return special[exponent](x).astype(F32)
    flat = x.reshape(-1)
    out = np.empty_like(flat)
    block = VECTOR_BLOCK[capability]
    for begin, end in _chunks(flat.size, threads):
        cut = begin + (end - begin) // block * block
        out[begin:cut] = sleef_powf(flat[begin:cut], exponent)
        out[cut:end] = [_libm_pow(float(v), exponent) for v in flat[cut:end]]
    return out.reshape(x.shape)


def torch_pow_rows(x: object, exponents: object, *, capability: str = "avx512") -> np.ndarray:
    """``[torch_pow(x, e) for e in exponents]`` stacked, for a 1-D ``x`` below ``GRAIN_SIZE``
    values (one thread's chunk), computed in one pass: row ``k`` equals
    :func:`torch_pow` ``(x, exponents[k])`` bit for bit (the special exponents take their own
    kernel, the others share one :func:`sleef_powf` call and the C ``pow`` tail). AWQ's grid
    asks for 20 powers of the same ``x_max``; one pass costs what one call costs."""
    if capability not in VECTOR_BLOCK:
        raise ValueError(f"capability must be one of {sorted(VECTOR_BLOCK)}, got {capability!r}")
    x = np.asarray(x, dtype=F32)
    if x.ndim != 1 or x.size >= GRAIN_SIZE:
        raise ValueError(f"x must be 1-D with fewer than {GRAIN_SIZE} values, got {x.shape}")
    exponents = [float(e) for e in np.ravel(exponents)]
    out = np.empty((len(exponents), x.size), F32)
    general = [k for k, e in enumerate(exponents) if e not in SPECIAL_EXPONENTS]
    for k, e in enumerate(exponents):
        if e in SPECIAL_EXPONENTS:
            out[k] = torch_pow(x, e, capability=capability)
    if general:
        cut = x.size // VECTOR_BLOCK[capability] * VECTOR_BLOCK[capability]
        ys = np.array([exponents[k] for k in general])[:, None]
        out[general, :cut] = sleef_powf(x[None, :cut], ys)
        for k in general:
            out[k, cut:] = [_libm_pow(float(v), exponents[k]) for v in x[cut:]]
    return out
