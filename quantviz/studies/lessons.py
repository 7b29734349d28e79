"""The numbers behind the Learn page: small worked cases of the source notes, computed here.

Each function takes the few values a learner sets (a range, a bit width, one value) and returns
a frozen record of every intermediate number, so the page shows only what the core computed.
The notes' own arithmetic (unsigned grid ``[0, 2^n - 1]``, ``q = round(x/scale) - zp``,
``zp = round(x_min/scale)``, no clamping) is done in float64 with ``rint`` (half to even);
PyTorch's arithmetic comes from :mod:`quantviz.quantize`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from quantviz.quantize import (
    EPS,
    QParams,
    QuantConfig,
    code_range,
    compute_qparams,
    dequantize,
    notes_qparams,
    quantize,
)


def _check_range(x_min: float, x_max: float) -> None:
    if not (np.isfinite(x_min) and np.isfinite(x_max)):
        raise ValueError(f"the range must be finite, got [{x_min}, {x_max}]")
    if not x_min < x_max:
        raise ValueError(f"the range needs x_min < x_max, got [{x_min}, {x_max}]")


def _code(value: float, what: str, x: float) -> int:
    """``rint(value)`` as a Python int; ``value`` too large for any float is refused plainly.

    ``x / scale`` for ``x = 3e38`` and a range ``[-1, 3]`` is about 1.9e40, beyond float32
    (where the kernels compute) and far beyond any integer grid: no code to show.
    """
    if not np.isfinite(value):
        raise ValueError(
            f"x = {x:.6g} is so far outside the range that {what} overflows the float type "
            "(no integer code can be shown); pick a value nearer the range"
        )
    return int(np.rint(value))


def _check_bits(bits: int) -> int:
    QuantConfig(bits=bits)  # validates 2..16 with a message naming the value
    return int(bits)


# ---------------------------------------------------------------------------------------------
# asymmetric and symmetric: the two pictures


@dataclass(frozen=True)
class MappingPicture:
    """How a range ``[data_lo, data_hi]`` lands on the integer grid under one config.

    ``grid_lo``/``grid_hi`` are the float values of ``qmin``/``qmax`` (the ends of the grid:
    ``[x_min', x_max']`` for asymmetric, ``[-amax, +amax]`` or so for symmetric);
    ``code_lo``/``code_hi`` are the codes of the data's ends, ``zero_point`` the code of 0.0.
    ``wasted`` codes lie outside ``[code_lo, code_hi]``: no value of the data can reach them.
    """

    scheme: str
    data_lo: float
    data_hi: float
    grid_lo: float
    grid_hi: float
    qmin: int
    qmax: int
    zero_point: int
    code_lo: int
    code_hi: int
    scale: float

    @property
    def levels(self) -> int:
        return self.qmax - self.qmin + 1

    @property
    def wasted(self) -> int:
        return self.levels - (self.code_hi - self.code_lo + 1)

    @property
    def used(self) -> int:
        """Codes the range can reach: ``levels - wasted``."""
        return self.levels - self.wasted

    @property
    def effective_bits(self) -> float:
        """``log2(used)``: the bits the reachable codes are worth (ReLU under int8: 7)."""
        return math.log2(self.used) if self.used > 1 else 0.0


def mapping_picture(x_min: float, x_max: float, cfg: QuantConfig) -> MappingPicture:
    """:class:`MappingPicture` of ``[x_min, x_max]`` under ``cfg`` (PyTorch's arithmetic).

    Example: ReLU outputs ``[0, 6]``, signed symmetric int8: ``scale = 6/127.5``, codes
    ``0..127`` reachable, the 128 codes ``-128..-1`` wasted. ``x_min <= x_max`` required.
    """
    qp = compute_qparams(x_min, x_max, cfg)
    code_lo, code_hi = code_range(x_min, x_max, qp)
    return MappingPicture(
        scheme=cfg.scheme, data_lo=float(x_min), data_hi=float(x_max), grid_lo=float(qp.x_lo),
        grid_hi=float(qp.x_hi), qmin=qp.qmin, qmax=qp.qmax, zero_point=int(qp.zero_point),
        code_lo=code_lo, code_hi=code_hi, scale=float(qp.scale),
    )


def wasted_code_spans(x_min: float, x_max: float, cfg: QuantConfig) -> tuple[tuple[int, int], ...]:
    """The runs of codes no value in ``[x_min, x_max]`` can reach, as ``(first, last)`` pairs.

    ``[0, 6]`` under signed symmetric int8 gives ``((-128, -1),)``; a range that fills the grid
    gives ``()``.
    """
    pic = mapping_picture(x_min, x_max, cfg)
    spans = []
    if pic.code_lo > pic.qmin:
        spans.append((pic.qmin, pic.code_lo - 1))
    if pic.code_hi < pic.qmax:
        spans.append((pic.code_hi + 1, pic.qmax))
    return tuple(spans)


def wasted_code_choices(cfg: QuantConfig) -> dict[str, tuple[tuple[int, int], ...]]:
    """Candidate answers to "which codes are wasted?", each as the spans it stands for.

    "none", "negative" (``qmin..-1``), "positive" (``1..qmax``), "lowest" (only ``qmin``) and
    "upper_half" (the top half of the codes). The right one is whichever equals
    :func:`wasted_code_spans` for the question's range.
    """
    half = cfg.qmin + cfg.levels // 2
    return {
        "none": (),
        "negative": ((cfg.qmin, -1),) if cfg.qmin < 0 else (),
        "positive": ((1, cfg.qmax),),
        "lowest": ((cfg.qmin, cfg.qmin),),
        "upper_half": ((half, cfg.qmax),),
    }


@dataclass(frozen=True)
class DotTerms:
    """``sum (q_w - Z_w)(q_x - Z_x)`` expanded into its four integer terms.

    ``total = qq - z_x * sum_qw - z_w * sum_qx + n * z_w * z_x``. With a symmetric weight
    (``z_w = 0``) the last two terms vanish; ``z_x * sum_qw`` depends only on the weights and
    can be folded into the bias ahead of time.
    """

    qq: int
    zx_sum_qw: int
    zw_sum_qx: int
    n_zw_zx: int
    total: int
    direct: int
    sum_qw: int
    sum_qx: int
    z_w: int
    z_x: int
    n: int


def dot_terms(q_w: np.ndarray, z_w: int, q_x: np.ndarray, z_x: int) -> DotTerms:
    """Expand an integer dot product with zero points (see :class:`DotTerms`).

    ``direct`` is ``sum (q_w - Z_w)(q_x - Z_x)`` computed as is; ``total`` the sum of the four
    terms; they are equal (the test checks it). Integer arithmetic in int64.
    """
    qw = np.asarray(q_w, dtype=np.int64).reshape(-1)
    qx = np.asarray(q_x, dtype=np.int64).reshape(-1)
    if qw.shape != qx.shape or qw.size == 0:
        raise ValueError(f"q_w and q_x need the same non-zero length, got {qw.size}, {qx.size}")
    qq = int(qw @ qx)
    zx_sum_qw = int(z_x) * int(qw.sum())
    zw_sum_qx = int(z_w) * int(qx.sum())
    n_zw_zx = qw.size * int(z_w) * int(z_x)
    return DotTerms(qq, zx_sum_qw, zw_sum_qx, n_zw_zx, qq - zx_sum_qw - zw_sum_qx + n_zw_zx,
                    int((qw - z_w) @ (qx - z_x)), int(qw.sum()), int(qx.sum()), int(z_w),
                    int(z_x), qw.size)


#: The small weight vector of the integer dot-product example.
DOT_WEIGHTS: tuple[float, ...] = (0.4, -0.9, 0.15, 0.7)


def dot_example(x_min: float, x_max: float, bits: int) -> tuple[DotTerms, DotTerms]:
    """An integer dot product ``w . x`` with asymmetric and with symmetric weights.

    ``x``: 4 values evenly spaced over ``[x_min, x_max]``, unsigned asymmetric (zero point
    ``Z_x``). ``w``: :data:`DOT_WEIGHTS`, once unsigned asymmetric (``Z_w != 0``), once signed
    symmetric (``Z_w = 0``). Returns the :class:`DotTerms` of each; with symmetric weights two
    of the four terms are 0.
    """
    _check_range(x_min, x_max)
    bits = _check_bits(bits)
    x = np.linspace(x_min, x_max, 4, dtype=np.float32)
    qp_x = compute_qparams(x_min, x_max, QuantConfig(bits, "asymmetric", signed=False))
    w = np.array(DOT_WEIGHTS, dtype=np.float32)
    out = []
    for cfg in (QuantConfig(bits, "asymmetric", signed=False),
                QuantConfig(bits, "symmetric", signed=True)):
        qp_w = compute_qparams(float(w.min()), float(w.max()), cfg)
        out.append(dot_terms(quantize(w, qp_w), int(qp_w.zero_point), quantize(x, qp_x),
                             int(qp_x.zero_point)))
    return out[0], out[1]


# ---------------------------------------------------------------------------------------------
# the notes' derivation, step by step


@dataclass(frozen=True)
class NotesSteps:
    """Every number of the derivation (the notes' equations 1 to 4) for one value ``x_f``.

    The page teaches it in PyTorch's convention, zero point added: ``z_exact = -x_min / scale``
    (how many steps 0.0 lies above x_min), ``q3 = round(x_f/scale + z_exact)``, ``z =
    round(z_exact)``, ``q4 = round(x_f/scale) + z``, ``x_hat = scale (q4 - z)``. The notes
    write the same numbers with the opposite sign (``zp = -z``, subtracted); the fields keep
    their form, ``z`` and ``z_exact`` are the page's:

    ``t1 = (x_f - x_min) (2^n - 1) / (x_max - x_min)`` and ``q1 = round(t1)`` (eq. 1);
    ``scale = (x_max - x_min) / (2^n - 1)``; ``x_over_scale = x_f / scale``;
    ``zp_exact = x_min / scale`` and ``t3 = x_over_scale - zp_exact``, ``q3 = round(t3)``
    (eq. 3, the unrounded zero point); ``zp = round(zp_exact)``, ``q4 = round(x_f/scale) - zp``
    (eq. 4); ``x_hat = scale (q4 + zp)`` (dequantize). ``top = 2^n - 1``; ``zero_code = -zp``.
    PyTorch's ``pt_zero_point``/``pt_code`` for the same range and value (unsigned asymmetric,
    float32) sit beside them: ``pt_zero_point == -zp`` whenever the range holds 0 and float32
    rounding does not tip a tie.
    """

    x_f: float
    x_min: float
    x_max: float
    bits: int
    top: int
    t1: float
    q1: int
    scale: float
    x_over_scale: float
    zp_exact: float
    t3: float
    q3: int
    zp: int
    q4: int
    x_hat: float
    zero_code: int
    pt_scale: float
    pt_zero_point: int
    pt_code: int
    pt_x_hat: float

    @property
    def z_exact(self) -> float:
        """``-x_min / scale``, the unrounded zero point with PyTorch's sign (``-zp_exact``;
        ``0.0 - zp_exact`` so that a range starting at 0 gives 0.0, not -0.0)."""
        return 0.0 - self.zp_exact

    @property
    def z(self) -> int:
        """``round(z_exact)`` = ``-zp``: equation (4)'s zero point with PyTorch's sign, on the
        data's own range (PyTorch's ``pt_zero_point`` differs only when the range lacks 0
        or float32 tips a half step)."""
        return -self.zp

    @property
    def in_grid(self) -> bool:
        """Whether ``q4`` fits ``[0, 2^n - 1]`` (the notes never clamp)."""
        return 0 <= self.q4 <= self.top

    @property
    def zero_in_grid(self) -> bool:
        return 0 <= self.zero_code <= self.top


def notes_steps(x_f: float, x_min: float, x_max: float, bits: int) -> NotesSteps:
    """The notes' derivation with numbers (see :class:`NotesSteps`).

    Example: ``[-1, 3]``, 8 bits, ``x_f = 0.5``: ``scale = 4/255 = 0.015686``,
    ``zp_exact = -63.75``, ``zp = -64``, ``x_f/scale = 31.875``, ``q4 = 32 + 64 = 96``,
    ``x_hat = 0.015686 * (96 - 64) = 0.50196``. Needs ``x_min < x_max``, finite.
    """
    _check_range(x_min, x_max)
    bits = _check_bits(bits)
    top = 2**bits - 1
    scale, zp = notes_qparams(x_min, x_max, bits)
    t1 = (x_f - x_min) * top / (x_max - x_min)
    x_over_scale = x_f / scale
    zp_exact = x_min / scale
    t3 = x_over_scale - zp_exact
    q4 = _code(x_over_scale, "x / scale", x_f) - int(zp)
    _code(t1, "(x - x_min) / scale", x_f)
    cfg = QuantConfig(bits=bits, scheme="asymmetric", signed=False)
    qp = compute_qparams(x_min, x_max, cfg)
    pt_code = int(quantize(np.array([x_f], dtype=np.float32), qp)[0])
    pt_x_hat = float(dequantize(np.array([pt_code], dtype=cfg.dtype), qp)[0])
    return NotesSteps(
        x_f=float(x_f), x_min=float(x_min), x_max=float(x_max), bits=bits, top=top,
        t1=float(t1), q1=int(np.rint(t1)), scale=float(scale), x_over_scale=float(x_over_scale),
        zp_exact=float(zp_exact), t3=float(t3), q3=int(np.rint(t3)), zp=int(zp), q4=q4,
        x_hat=float(scale * (q4 + zp)), zero_code=-int(zp), pt_scale=float(qp.scale),
        pt_zero_point=int(qp.zero_point), pt_code=pt_code, pt_x_hat=pt_x_hat,
    )


# ---------------------------------------------------------------------------------------------
# why 0.0 must map exactly: zero padding


#: Kernels of the padding lesson (correlation taps, as in a neural-network convolution).
KERNELS: dict[str, tuple[float, ...]] = {
    "box3": (1 / 3, 1 / 3, 1 / 3),
    "gauss5": (1 / 16, 4 / 16, 6 / 16, 4 / 16, 1 / 16),
    "edge3": (-1.0, 0.0, 1.0),
}
SIGNAL_LENGTH = 24


def padding_signal(offset: float, length: int = SIGNAL_LENGTH) -> np.ndarray:
    """The lesson's 1-D signal: ``offset + sin(2 pi i / 12)`` for ``i = 0 .. length - 1``."""
    if length < 1:
        raise ValueError(f"length must be >= 1, got {length}")
    return offset + np.sin(2 * np.pi * np.arange(length) / 12.0)


@dataclass(frozen=True)
class PaddingResult:
    """A zero-padded signal convolved with a kernel, exactly and after two quantizations.

    Quantization: the notes' unsigned grid on ``[min(x, 0), max(x, 0)]`` (the padded tensor
    holds zeros), ``scale = (hi - lo) / (2^n - 1)``, codes clamped to ``[0, 2^n - 1]``.
    "integer": ``zp = round(lo/scale)``, ``q = round(x/scale) - zp``, ``x_hat = scale (q + zp)``.
    "exact": the unrounded ``zp_exact = lo/scale``, ``q = round(x/scale - zp_exact)``,
    ``x_hat = scale (q + zp_exact)``. ``pad_integer``/``pad_exact`` are what a padded 0.0
    comes back as. Outputs are ``same``-size correlations of the quantized signal padded with
    that value; ``bias_integer``/``bias_exact`` is the part of each output the padding adds:
    the output minus the same quantized signal padded with a true 0.0 (0 away from the
    borders; ``pad * taps on the padding`` at them). ``border`` marks the outputs whose window
    reaches into the padding.
    """

    signal: np.ndarray
    kernel: np.ndarray
    pad: int
    scale: float
    zp: int
    zp_exact: float
    pad_integer: float
    pad_exact: float
    reference: np.ndarray
    out_integer: np.ndarray
    out_exact: np.ndarray
    border: np.ndarray
    bias_integer: np.ndarray
    bias_exact: np.ndarray

    @property
    def z_exact(self) -> float:
        """The unrounded zero point with PyTorch's sign, ``-lo / scale`` (``0.0 - zp_exact``,
        so a range starting at 0 gives 0.0, not -0.0)."""
        return 0.0 - self.zp_exact

    @property
    def z(self) -> int:
        """The rounded zero point with PyTorch's sign, ``round(z_exact) = -zp``."""
        return -self.zp

    @property
    def err_integer(self) -> np.ndarray:
        return self.out_integer - self.reference

    @property
    def err_exact(self) -> np.ndarray:
        return self.out_exact - self.reference


def _correlate_same(x: np.ndarray, kernel: np.ndarray, pad: int, pad_value: float) -> np.ndarray:
    padded = np.concatenate([np.full(pad, pad_value), x, np.full(pad, pad_value)])
    return np.correlate(padded, kernel, mode="valid")


def padded_convolution(signal: np.ndarray, kernel: np.ndarray, bits: int) -> PaddingResult:
    """Convolve ``signal`` (zero padding, ``same`` size) exactly and after quantization.

    The kernel needs an odd length (``pad = len // 2`` on each side); the signal at least one
    value and finite. See :class:`PaddingResult` for the two quantizations. Example: signal
    ``[1, 2]``, kernel ``[1, 1, 1]``, 2 bits: the range is ``[0, 2]`` so ``zp = zp_exact = 0``
    and 0.0 survives either way; shift the signal below 0 and ``zp_exact`` turns fractional.
    """
    x = np.asarray(signal, dtype=np.float64).reshape(-1)
    k = np.asarray(kernel, dtype=np.float64).reshape(-1)
    if x.size == 0 or not np.all(np.isfinite(x)):
        raise ValueError(f"signal must be non-empty and finite, got {x!r}")
    if k.size % 2 == 0 or not np.all(np.isfinite(k)):
        raise ValueError(f"kernel must have an odd length and finite taps, got {k!r}")
    bits = _check_bits(bits)
    top = 2**bits - 1
    pad = k.size // 2
    lo, hi = min(float(x.min()), 0.0), max(float(x.max()), 0.0)
    scale = max((hi - lo) / top, EPS)
    zp_exact = lo / scale
    zp = int(np.rint(zp_exact))

    def integer(v: np.ndarray) -> np.ndarray:
        return scale * (np.clip(np.rint(v / scale) - zp, 0, top) + zp)

    def exact(v: np.ndarray) -> np.ndarray:
        return scale * (np.clip(np.rint(v / scale - zp_exact), 0, top) + zp_exact)

    pad_integer = float(integer(np.zeros(1))[0])
    pad_exact = float(exact(np.zeros(1))[0])
    x_integer, x_exact = integer(x), exact(x)
    out_integer = _correlate_same(x_integer, k, pad, pad_integer)
    out_exact = _correlate_same(x_exact, k, pad, pad_exact)
    return PaddingResult(
        signal=x, kernel=k, pad=pad, scale=scale, zp=zp, zp_exact=zp_exact,
        pad_integer=pad_integer, pad_exact=pad_exact,
        reference=_correlate_same(x, k, pad, 0.0),
        out_integer=out_integer,
        out_exact=out_exact,
        border=_correlate_same(np.zeros(x.size), np.ones(k.size), pad, 1.0) > 0,
        bias_integer=out_integer - _correlate_same(x_integer, k, pad, 0.0),
        bias_exact=out_exact - _correlate_same(x_exact, k, pad, 0.0),
    )


# ---------------------------------------------------------------------------------------------
# what the notes leave out


@dataclass(frozen=True)
class ZeroOutside:
    """The notes' formula and PyTorch's on one range, seen from 0.0.

    Notes: ``scale``, ``zp = round(x_min/scale)``; 0.0 gets code ``zero_code = -zp``, which
    lies outside ``[0, top]`` when the range does not hold 0; clamped into the grid it comes
    back as ``zero_hat_clamped = scale (clip(-zp) + zp)``, not 0.0. PyTorch's observers widen
    the range to hold 0 (``_calculate_qparams``; the quantize kernel itself does not):
    ``pt_scale``, ``pt_zero_point`` (0.0 comes back exactly), and ``wasted`` codes that no value
    of ``[x_min, x_max]`` reaches.
    """

    x_min: float
    x_max: float
    bits: int
    top: int
    scale: float
    zp: int
    zero_code: int
    zero_hat_clamped: float
    pt_scale: float
    pt_zero_point: int
    pt_zero_hat: float
    wasted: int

    @property
    def zero_in_grid(self) -> bool:
        return 0 <= self.zero_code <= self.top


def zero_outside(x_min: float, x_max: float, bits: int) -> ZeroOutside:
    """:class:`ZeroOutside` for ``[x_min, x_max]`` (finite, ``x_min < x_max``) and ``bits``.

    Example ``[1, 3]``, 8 bits: ``scale = 2/255``, ``zp = round(127.5) = 128`` (half to even),
    0.0 -> code -128, outside ``[0, 255]``; clamped to 0 it returns ``128 * 2/255 = 1.0039``.
    PyTorch: ``[0, 3]``, ``scale = 3/255``, ``Z = 0``, codes 0..84 wasted (1.0 -> 85).
    """
    _check_range(x_min, x_max)
    bits = _check_bits(bits)
    top = 2**bits - 1
    scale, zp_f = notes_qparams(x_min, x_max, bits)
    zp = int(zp_f)
    cfg = QuantConfig(bits=bits, scheme="asymmetric", signed=False)
    qp = compute_qparams(x_min, x_max, cfg)
    z_code = quantize(np.zeros(1, dtype=np.float32), qp)
    return ZeroOutside(
        x_min=float(x_min), x_max=float(x_max), bits=bits, top=top, scale=float(scale), zp=zp,
        zero_code=-zp, zero_hat_clamped=float(scale * (min(max(-zp, 0), top) + zp)),
        pt_scale=float(qp.scale), pt_zero_point=int(qp.zero_point),
        pt_zero_hat=float(dequantize(z_code, qp)[0]),
        wasted=mapping_picture(x_min, x_max, cfg).wasted,
    )


@dataclass(frozen=True)
class Clamping:
    """One value beyond the range, through the notes' formula with and without a clamp.

    ``code = round(x/scale) - zp`` (unclamped); stored in an unsigned ``bits``-bit integer
    without a clamp it wraps to ``code mod 2^bits`` (``wrapped``, back as ``x_hat_wrapped``);
    clamped to ``[0, 2^bits - 1]`` it saturates (``clamped``, ``x_hat_clamped``), and the
    error ``x - x_hat_clamped`` is clipping error, not rounding error.
    """

    x: float
    x_min: float
    x_max: float
    bits: int
    scale: float
    zp: int
    code: int
    wrapped: int
    clamped: int
    x_hat_wrapped: float
    x_hat_clamped: float

    @property
    def fits(self) -> bool:
        return self.code == self.clamped


def clamping(x: float, x_min: float, x_max: float, bits: int) -> Clamping:
    """:class:`Clamping` for ``x`` and the notes' parameters of ``[x_min, x_max]``.

    Example ``[-1, 3]``, 8 bits, ``x = 4``: ``4/scale = 255``, ``code = 255 + 64 = 319``,
    wraps to ``63`` (``x_hat = -0.0157``), clamps to ``255`` (``x_hat = 3.0``).
    """
    _check_range(x_min, x_max)
    if not np.isfinite(x):
        raise ValueError(f"x must be finite, got {x}")
    bits = _check_bits(bits)
    top = 2**bits - 1
    scale, zp_f = notes_qparams(x_min, x_max, bits)
    zp = int(zp_f)
    code = _code(x / scale, "x / scale", x) - zp
    wrapped = code % (top + 1)
    clamped = min(max(code, 0), top)
    return Clamping(
        x=float(x), x_min=float(x_min), x_max=float(x_max), bits=bits, scale=float(scale),
        zp=zp, code=code, wrapped=wrapped, clamped=clamped,
        x_hat_wrapped=float(scale * (wrapped + zp)), x_hat_clamped=float(scale * (clamped + zp)),
    )


@dataclass(frozen=True)
class SymmetricEnds:
    """``+amax`` and ``-amax`` through signed symmetric quantization, full or narrow range.

    ``divisor = (qmax - qmin) / 2`` (int8: 127.5 full, 127 narrow); ``t_pos``/``t_neg`` are
    ``+-amax * (1/scale)`` before rounding (float32, as PyTorch), ``q_pos``/``q_neg`` the
    clipped codes and ``x_hat_pos``/``x_hat_neg`` their values.
    """

    narrow: bool
    qmin: int
    qmax: int
    divisor: float
    scale: float
    t_pos: float
    q_pos: int
    x_hat_pos: float
    t_neg: float
    q_neg: int
    x_hat_neg: float


def symmetric_ends(amax: float, bits: int) -> tuple[SymmetricEnds, SymmetricEnds]:
    """Full and narrow signed symmetric quantization of ``[-amax, +amax]`` (``amax > 0``).

    int8, full range: ``scale = amax/127.5``, so ``+-amax`` land on ``+-127.5``, a half step,
    up to the last bit of the float32 reciprocal: ``amax = 3`` gives ``t = +-127.5``, so ``+3``
    rounds to 128 and saturates at 127 (``x_hat = 2.98824``) while ``-3`` reaches -128
    (``x_hat = -3.01176``): both ends sit half a step off the grid. ``amax = 1`` gives
    ``t = +-127.49999``, so both ends come back as ``+-127/127.5`` and -128 is never used.
    Narrow range: ``scale = amax/127``, ``+-amax -> +-127``, back exactly.
    """
    if not (np.isfinite(amax) and amax > 0):
        raise ValueError(f"amax must be positive and finite, got {amax}")
    bits = _check_bits(bits)
    out = []
    for narrow in (False, True):
        cfg = QuantConfig(bits=bits, scheme="symmetric", signed=True, narrow_range=narrow)
        qp = compute_qparams(-amax, amax, cfg)
        ends = np.array([amax, -amax], dtype=np.float32)
        t = ends * (np.float32(1) / np.float32(qp.scale))  # PyTorch's reciprocal multiply
        q = quantize(ends, qp)
        x_hat = dequantize(q, qp)
        out.append(SymmetricEnds(
            narrow=narrow, qmin=qp.qmin, qmax=qp.qmax, divisor=(qp.qmax - qp.qmin) / 2,
            scale=float(qp.scale), t_pos=float(t[0]), q_pos=int(q[0]),
            x_hat_pos=float(x_hat[0]), t_neg=float(t[1]), q_neg=int(q[1]),
            x_hat_neg=float(x_hat[1]),
        ))
    return out[0], out[1]


#: The degenerate and awkward tensors of the edge-case gallery.
EDGE_CASES: dict[str, tuple[float, ...]] = {
    "all_zeros": (0.0, 0.0, 0.0, 0.0),
    "constant": (0.5, 0.5, 0.5, 0.5),
    "constant_negative": (-2.0, -2.0, -2.0),
    "single": (0.3,),
    "small": (1e-6, 2e-6, 3e-6),
    "tiny": (1e-9, 2e-9, 3e-9),
    "all_positive": (1.0, 2.0, 3.0),
}


@dataclass(frozen=True)
class EdgeCase:
    """One gallery tensor through ``cfg``: parameters, codes, reconstruction and the notes.

    ``eps_floor``: the scale was raised to ``eps = 2^-23``. ``notes_scale`` is the notes'
    ``(x_max - x_min)/(2^n - 1)``, or None where it is 0 and their formula divides by zero.
    """

    key: str
    x: tuple[float, ...]
    scale: float
    zero_point: int
    eps_floor: bool
    q: tuple[int, ...]
    x_hat: tuple[float, ...]
    max_abs_error: float
    notes_scale: float | None

    @property
    def exact(self) -> bool:
        return self.max_abs_error == 0.0


def edge_case(key: str, cfg: QuantConfig) -> EdgeCase:
    """Quantize the gallery tensor ``EDGE_CASES[key]`` with MinMax and ``cfg``."""
    if key not in EDGE_CASES:
        raise ValueError(f"key={key!r} is not one of {', '.join(EDGE_CASES)}")
    x = np.array(EDGE_CASES[key], dtype=np.float32)
    lo, hi = float(x.min()), float(x.max())
    qp = compute_qparams(lo, hi, cfg)
    q = quantize(x, qp)
    x_hat = dequantize(q, qp)
    notes_scale = notes_qparams(lo, hi, cfg.bits)[0] if lo < hi else None
    return EdgeCase(
        key=key, x=tuple(float(v) for v in x), scale=float(qp.scale),
        zero_point=int(qp.zero_point), eps_floor=float(qp.scale) == float(np.float32(EPS)),
        q=tuple(int(v) for v in q), x_hat=tuple(float(v) for v in x_hat),
        max_abs_error=float(np.max(np.abs(x_hat.astype(np.float64) - x))),
        notes_scale=notes_scale,
    )


def edge_case_gallery(cfg: QuantConfig) -> tuple[EdgeCase, ...]:
    """:func:`edge_case` for every entry of :data:`EDGE_CASES`, in order."""
    return tuple(edge_case(key, cfg) for key in EDGE_CASES)


# ---------------------------------------------------------------------------------------------
# predict, then reveal


@dataclass(frozen=True)
class ZeroTrip:
    """0.0 through quantize and dequantize under one method: its code and what comes back."""

    method: str
    code: int
    x_hat: float
    in_grid: bool

    @property
    def survives(self) -> bool:
        return self.in_grid and self.x_hat == 0.0


#: The methods :func:`zero_trip` knows.
ZERO_METHODS: tuple[str, ...] = ("notes", "pytorch", "unrounded")


def zero_trip(method: str, x_min: float, x_max: float, bits: int) -> ZeroTrip:
    """Send 0.0 through one method's quantize and dequantize on ``[x_min, x_max]``.

    "notes": ``zp = round(x_min/scale)`` on the data's own range, code ``-zp`` (clamped into
    ``[0, 2^n - 1]`` to dequantize). "pytorch": ``compute_qparams`` (range widened to hold 0).
    "unrounded": equation (3), the zero point :func:`unrounded_zero_point` left fractional
    (range widened to hold 0): code ``round(Z)``, back as ``scale (round(Z) - Z)``.
    """
    _check_range(x_min, x_max)
    bits = _check_bits(bits)
    top = 2**bits - 1
    if method == "notes":
        z = zero_outside(x_min, x_max, bits)
        return ZeroTrip(method, z.zero_code, z.zero_hat_clamped, z.zero_in_grid)
    if method == "pytorch":
        z = zero_outside(x_min, x_max, bits)
        return ZeroTrip(method, z.pt_zero_point, z.pt_zero_hat, True)
    if method == "unrounded":
        scale = (max(x_max, 0.0) - min(x_min, 0.0)) / top
        z_exact = unrounded_zero_point(x_min, x_max, bits)
        code = int(np.rint(z_exact))
        return ZeroTrip(method, code, float(scale * (code - z_exact)), 0 <= code <= top)
    raise ValueError(f"method={method!r} is not one of {', '.join(ZERO_METHODS)}")


def unrounded_zero_point(x_min: float, x_max: float, bits: int) -> float:
    """The zero point left as a fraction, PyTorch's sign: ``Z = -x_min' / s`` on the range
    widened to hold 0, ``x_min' = min(x_min, 0)``, ``s = (max(x_max, 0) - x_min') / (2^n - 1)``
    (float64). It is what equation (3) adds and what :func:`zero_trip` ``"unrounded"`` rounds.

    Example: [-1, 3] at 8 bits: ``s = 4/255``, ``Z = 1 / (4/255) = 63.75``. A range starting at
    0 gives 0.0 (not -0.0). Bad ranges or bit widths raise ValueError.
    """
    _check_range(x_min, x_max)
    bits = _check_bits(bits)
    lo, hi = min(x_min, 0.0), max(x_max, 0.0)
    scale = (hi - lo) / (2**bits - 1)
    return 0.0 - lo / scale


# ---------------------------------------------------------------------------------------------
# symmetric scale: who divides amax by what


#: The scale floor of PyTorch's fused C++ observer (``FusedMovingAvgObsFakeQuantize``, the QAT
#: default): ``SMALL_SCALE_THRESHOLD`` of ATen's ``ChooseQuantizationParams``. Found by running
#: ``torch.fused_moving_avg_obs_fake_quant`` (torch 2.13): amax = 1e-4 at 8 bits gives
#: ``scale = float32(6.1e-5)``, where the Python observers give ``1e-4 / 127.5``.
FUSED_SCALE_FLOOR = 6.1e-5

#: ONNX Runtime's symmetric integer ranges (``quant_utils.get_qmin_qmax_for_qType`` with
#: ``symmetric=True``): INT8 and INT16 drop their lowest code; INT4 keeps ``-8..7``.
ORT_SYMMETRIC_RANGES: dict[int, tuple[int, int]] = {4: (-8, 7), 8: (-127, 127),
                                                     16: (-32767, 32767)}

#: The rules :func:`symmetric_rules` computes, in the order a page shows them.
SYMMETRIC_RULES: tuple[str, ...] = ("pytorch_observer", "pytorch_fused", "onnxruntime",
                                    "tensorrt")


@dataclass(frozen=True)
class SymmetricRule:
    """One toolchain's signed symmetric parameters for ``[-amax, amax]``.

    ``divisor`` is what the rule divides ``amax`` by (before any floor), ``scale`` the stored
    (float32) scale, ``qmin``/``qmax`` the codes the scale is computed for, ``steps`` where
    ``+amax`` lands: ``amax / scale`` in float64 (127.5 for PyTorch's Python observers at 8 bits,
    127 for the others). ``qp`` carries them for :func:`quantviz.quantize.quantize`.
    """

    key: str
    qmin: int
    qmax: int
    divisor: float
    scale: float
    zero_point: int
    steps: float
    qp: QParams


def _rule(key: str, divisor: float, scale: float, qmin: int, qmax: int, bits: int,
          amax: float) -> SymmetricRule:
    cfg = QuantConfig(bits, "symmetric", signed=True, narrow_range=qmin == -(2 ** (bits - 1)) + 1)
    return SymmetricRule(key=key, qmin=qmin, qmax=qmax, divisor=float(divisor), scale=scale,
                         zero_point=0, steps=float(np.float64(np.float32(amax)) / scale),
                         qp=QParams(scale, 0, qmin, qmax, cfg))


def symmetric_rules(amax: float, bits: int = 8) -> tuple[SymmetricRule, ...]:
    """Signed symmetric scale of ``[-amax, amax]`` under each toolchain's own rule.

    With ``h = 2^(bits-1)`` (int8: 128):

    - "pytorch_observer": PyTorch's Python observers (``MinMaxObserver``,
      ``MovingAverageMinMaxObserver``, qint8 ``-h..h-1``): ``_calculate_qparams`` in
      torch/ao/quantization/observer.py, ``scale = max(amax / ((qmax - qmin) / 2), eps)``,
      float32: int8 divides by 127.5. Computed by :func:`compute_qparams`.
    - "pytorch_fused": PyTorch's fused C++ observer of quantization-aware training
      (``FusedMovingAvgObsFakeQuantize`` / ``torch.fused_moving_avg_obs_fake_quant``, codes
      ``-h..h-1``): ATen's ``ChooseQuantizationParams`` with ``preserve_sparsity``, which maps
      ``[-amax, amax]`` onto ``[-h, h-1]`` by the larger of ``amax/h`` and ``amax/(h-1)``:
      ``scale = max(amax / (h - 1), 6.1e-5)``, float32 (int8: 127). Found by running it in
      torch 2.13: bit for bit on 2013 random 8-bit ranges and at 2, 4, 8, 12 and 16 bits.
    - "onnxruntime": ONNX Runtime's ``quant_utils.compute_scale_zp(-amax, amax, qmin, qmax,
      symmetric=True)`` with ``get_qmin_qmax_for_qType(..., symmetric=True)``: int8
      ``-127..127``, int16 ``-32767..32767``, int4 ``-8..7``; ``scale = 2 amax / (qmax - qmin)``
      in float64, stored as float32 (a scale below float32's smallest normal becomes 1.0).
      Only for 4, 8 and 16 bits (the integer types ONNX Runtime quantizes to); absent otherwise.
    - "tensorrt": NVIDIA's pytorch-quantization (tensor_quant.py ``_tensor_quant``): the kernel
      multiplies by ``(h - 1) / amax``; calibrated values land on ``-(h-1)..h-1``, the range
      given here. The clamp differs by entry point: ``TensorQuantFunction`` defaults to
      ``narrow_range=True`` (clamp ``-(h-1)``), ``QuantDescriptor`` (which ``TensorQuantizer``
      passes to the fake-quant op, as ModelOpt does) to ``narrow_range=False`` (clamp ``-h``),
      which only a value beyond amax reaches (TensorRT repository, tools/pytorch-quantization
      2.2.1). Exported to ONNX its scale is ``amax / (h - 1)``, float32 (int8: 127).

    Zero point 0 in all. Example ``amax = 3``, 8 bits: 3/127.5 = 0.0235294122 for PyTorch's
    observers and 3/127 = 0.0236220472 for the other three. ``amax`` must be positive, finite.
    """
    if not (np.isfinite(amax) and amax > 0):
        raise ValueError(f"amax must be positive and finite, got {amax}")
    bits = _check_bits(bits)
    h = 2 ** (bits - 1)
    a32 = np.float32(amax)
    full = QuantConfig(bits, "symmetric", signed=True)
    py = compute_qparams(-float(a32), float(a32), full)
    rules = [_rule("pytorch_observer", (full.qmax - full.qmin) / 2, float(py.scale),
                   full.qmin, full.qmax, bits, amax)]
    fused = max(float(a32 / np.float32(h - 1)), float(np.float32(FUSED_SCALE_FLOOR)))
    rules.append(_rule("pytorch_fused", h - 1, fused, -h, h - 1, bits, amax))
    if bits in ORT_SYMMETRIC_RANGES:
        qmin, qmax = ORT_SYMMETRIC_RANGES[bits]
        scale = np.float64(2 * np.float64(a32)) / np.float64(qmax - qmin)
        ort = float(np.float32(scale))
        if scale < np.finfo(np.float32).tiny:
            ort = 1.0
        rules.append(_rule("onnxruntime", (qmax - qmin) / 2, ort, qmin, qmax, bits, amax))
    trt = float(a32 / np.float32(h - 1))
    rules.append(_rule("tensorrt", h - 1, trt, -(h - 1), h - 1, bits, amax))
    return tuple(rules)


# ---------------------------------------------------------------------------------------------
# what PyTorch itself uses by default


@dataclass(frozen=True)
class ObserverDefault:
    """One observer of a PyTorch default qconfig: which stage and tensor, with what settings.

    ``qmin``/``qmax`` are the codes it quantizes to (``reduce_range`` drops one bit).
    """

    stage: str
    tensor: str
    observer: str
    dtype: str
    qscheme: str
    reduce_range: bool
    averaging_constant: float | None
    qmin: int
    qmax: int


def _default(stage: str, tensor: str, observer: str, dtype: str, qscheme: str,
             reduce_range: bool, averaging_constant: float | None) -> ObserverDefault:
    signed = dtype == "qint8"
    bits = 7 if reduce_range else 8
    cfg = QuantConfig(bits, "asymmetric", signed=signed)
    return ObserverDefault(stage, tensor, observer, dtype, qscheme, reduce_range,
                           averaging_constant, cfg.qmin, cfg.qmax)


#: PyTorch 2.13's x86 defaults, read by running ``get_default_qconfig("x86")`` (post-training)
#: and ``get_default_qat_qconfig("x86")`` (quantization-aware training) and instantiating their
#: ``activation`` and ``weight`` (for QAT, the ``activation_post_process`` inside the
#: ``FusedMovingAvgObsFakeQuantize``): observer class, dtype, qscheme, reduce_range,
#: quant_min..quant_max and averaging_constant as printed.
PYTORCH_X86_DEFAULTS: tuple[ObserverDefault, ...] = (
    _default("ptq", "activation", "HistogramObserver", "quint8", "per_tensor_affine", True, None),
    _default("ptq", "weight", "PerChannelMinMaxObserver", "qint8", "per_channel_symmetric",
             False, None),
    _default("qat", "activation", "MovingAverageMinMaxObserver", "quint8", "per_tensor_affine",
             True, 0.01),
    _default("qat", "weight", "MovingAveragePerChannelMinMaxObserver", "qint8",
             "per_channel_symmetric", False, 0.01),
)
