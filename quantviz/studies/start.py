"""What the Start page's steps show, computed: small fixed tensors and the numbers about them.

Each step of the path shows one small case (ten thousand values at most), so every function
here runs in well under a millisecond to a few milliseconds; the page caches the figures.
The path itself is :data:`STEPS`; the case each step's links open is :data:`CASES`, written as
the target pages' URL state from the same constants the steps compute with.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from quantviz.distributions import DISTRIBUTIONS, sample
from quantviz.observers import calibrate
from quantviz.quantize import QuantConfig
from quantviz.studies import granularity
from quantviz.studies.sweeps import DB_PER_BIT, RangeScore, score_range

#: The steps of the path, in the order of the source notes' story.
STEPS: tuple[str, ...] = ("roundtrip", "scale", "schemes", "zero", "relu", "errors", "bits",
                          "calibration", "per_channel", "practice")

#: Step 1's staircase: data in [x_min, x_max] = [-1, 3] (uniform data on it in the link) at
#: 3 bits, unsigned asymmetric; its slider starts at these bits.
ROUNDTRIP: tuple[float, float, int] = (-1.0, 3.0, 3)

#: The case of the questions of steps 2 and 4 (scale and zero point; 0.0 with an unrounded
#: zero point): data in [x_min, x_max] = [-1, 3], unsigned asymmetric, 8 bits. Their sentences
#: take every number from it (s = 4/255, Z = 63.75 unrounded, 64 rounded).
QUESTION_RANGE: tuple[float, float, int] = (-1.0, 3.0, 8)

#: Size and seed of the steps' tensors: small, so each step answers at once, and one of the
#: sizes the pages offer, so that a link opens the very tensor the step showed.
N_VALUES = 10_000
SEED = 0
#: The per-channel step's weight: rows (output channels) by inputs.
ROWS, COLS = 16, 64


@dataclass(frozen=True)
class PaddingCase:
    """The padded convolution of step 4: a kernel of ``lessons.KERNELS``, the shift of the
    signal (``lessons.padding_signal``) and the bit width."""

    kernel: str
    offset: float
    bits: int


#: Step 4's padded convolution (the Learn page's padding demo opens on the same one).
PADDING = PaddingCase("box3", 0.4, 4)
#: Step 6's range, in standard deviations either side of the mean (its slider starts here).
ERRORS_SIGMAS = 2.0
#: Step 6's bit width (signed symmetric).
ERRORS_BITS = 4
#: Step 8's percentile observer keeps this percentile (its slider starts here).
CALIBRATION_PERCENTILE = 99.9
#: Step 9's ratio of the widest row's standard deviation to the narrowest's (slider start).
CHANNEL_SPREAD = 20


def _g(v: float) -> str:
    """A number as a URL value: ``-1.0`` -> ``"-1"``, ``0.4`` -> ``"0.4"``."""
    return f"{v:g}"


def tensor_state(dist: str, **params: float) -> dict[str, str]:
    """The URL state of a page's tensor controls that opens the steps' sample of ``dist``
    (:func:`tensor`): generated, ``dist`` with its default parameters (those in ``params``
    replaced), :data:`N_VALUES` values, seed :data:`SEED`. A page given it works on exactly the
    tensor the step showed. An unknown parameter name raises ValueError."""
    names = {p.name for p in DISTRIBUTIONS[dist].params}
    if not set(params) <= names:
        raise ValueError(f"params={sorted(set(params) - names)!r} are not parameters of {dist!r}")
    params = {f"{dist}.{p.name}": _g(params.get(p.name, p.default))
              for p in DISTRIBUTIONS[dist].params}
    return {"src": "dist", "dist": dist, **params, "n": str(N_VALUES), "seed": str(SEED)}


def scheme_state(scheme: str, signed: bool, bits: int, prefix: str = "",
                 reduce: bool = True) -> dict[str, str]:
    """The URL state of a page's scheme controls for ``scheme`` / ``signed`` / ``bits`` with the
    full integer range: no narrow range and (for a page with that switch, ``reduce``) no
    reduce_range. ``prefix`` names one config of the Compare page (``"c1."``)."""
    state = {"scheme": scheme, "signed": "1" if signed else "0", "bits": str(bits),
             "narrow": "0", **({"reduce": "0"} if reduce else {})}
    return {prefix + k: v for k, v in state.items()}


def normal_percentile(sigmas: float) -> float:
    """The percentile of a normal distribution ``sigmas`` standard deviations above its mean,
    ``100 * Phi(sigmas)``, to 0.01 (the percentile observer's step): 2 -> 97.72.

    A percentile observer keeping it cuts a normal sample at about ``mean +- sigmas * std``,
    the range of step 6.
    """
    if not (math.isfinite(sigmas) and sigmas > 0):
        raise ValueError(f"sigmas={sigmas!r} must be positive and finite")
    return round(50 * (1 + math.erf(sigmas / math.sqrt(2))), 2)


def _minmax_explore(dist: str, scheme: str, signed: bool, bits: int) -> dict[str, str]:
    return {**tensor_state(dist), **scheme_state(scheme, signed, bits), "calib": "minmax"}


def _learn_example() -> dict[str, str]:
    """Learn's example set to the questions' case (:data:`QUESTION_RANGE`)."""
    lo, hi, bits = QUESTION_RANGE
    return {"ex_min": _g(lo), "ex_max": _g(hi), "bits": str(bits)}


#: The exact case each step's links open: (page, URL state of that page's controls). Every
#: value comes from the constants the step computes with, so a link opens what the step shows
#: even after an earlier visit left other values in the session (a link's values win).
CASES: dict[str, tuple[tuple[str, dict[str, str]], ...]] = {
    "roundtrip": (("explore", {**tensor_state("uniform", low=ROUNDTRIP[0], high=ROUNDTRIP[1]),
                               **scheme_state("asymmetric", False, ROUNDTRIP[2]),
                               "calib": "minmax"}),),
    "scale": (("learn", _learn_example()),),
    "schemes": (("explore", _minmax_explore("normal", "symmetric", True, 8)),
                ("compare", {**tensor_state("normal"), "configs": "2",
                             **scheme_state("asymmetric", False, 8, "c1."), "c1.calib": "minmax",
                             **scheme_state("symmetric", True, 8, "c2."), "c2.calib": "minmax"})),
    "zero": (("learn", {**_learn_example(), "pad_kernel": PADDING.kernel,
                        "pad_offset": _g(PADDING.offset), "pad_bits": str(PADDING.bits)}),),
    "relu": (("explore", _minmax_explore("relu", "symmetric", True, 8)),
             ("explore", _minmax_explore("relu", "asymmetric", False, 8))),
    "errors": (("explore", {**tensor_state("normal"),
                            **scheme_state("symmetric", True, ERRORS_BITS),
                            "calib": "percentile",
                            "pct": _g(normal_percentile(ERRORS_SIGMAS))}),),
    "bits": (("bits", {**tensor_state("normal"), "calib": "minmax", "narrow": "0"}),),
    "calibration": (("calibration", {**tensor_state("outliers"),
                                     **scheme_state("asymmetric", False, 8),
                                     "pct": _g(CALIBRATION_PERCENTILE)}),),
    "per_channel": (("per_channel", {"pc_src": "synthetic", "pc_spread": str(CHANNEL_SPREAD),
                                     **scheme_state("symmetric", True, 8, reduce=False)}),),
    "practice": (),
}


def next_step(step: str) -> str | None:
    """The step after ``step``, or None after the last; an unknown step raises ValueError."""
    if step not in STEPS:
        raise ValueError(f"step={step!r} is not one of {STEPS}")
    i = STEPS.index(step)
    return STEPS[i + 1] if i + 1 < len(STEPS) else None


def previous_step(step: str) -> str | None:
    """The step before ``step``, or None before the first."""
    if step not in STEPS:
        raise ValueError(f"step={step!r} is not one of {STEPS}")
    i = STEPS.index(step)
    return STEPS[i - 1] if i > 0 else None


def tensor(dist: str) -> np.ndarray:
    """The steps' sample of distribution ``dist``: :data:`N_VALUES` float32 values, seed 0."""
    return np.asarray(sample(dist, N_VALUES, SEED), dtype=np.float32)


def clipped_range(x: np.ndarray, sigmas: float) -> tuple[float, float]:
    """``[mean - sigmas * std, mean + sigmas * std]`` of ``x`` (a range that clips the tails).

    ``sigmas`` must be positive and finite; example: x = [-1, 1], sigmas = 2 -> (-2, 2).
    """
    if not (math.isfinite(sigmas) and sigmas > 0):
        raise ValueError(f"sigmas={sigmas!r} must be positive and finite")
    mean, std = float(np.mean(x)), float(np.std(x))
    return mean - sigmas * std, mean + sigmas * std


@dataclass(frozen=True)
class BitsCurve:
    """SQNR (dB) of one tensor at each bit width under one config family."""

    bits: tuple[int, ...]
    sqnr_db: tuple[float, ...]

    def gain(self, lo: int, hi: int) -> float:
        """SQNR at ``hi`` bits minus SQNR at ``lo`` bits (dB)."""
        return self.sqnr_db[self.bits.index(hi)] - self.sqnr_db[self.bits.index(lo)]


def bits_curve(x: np.ndarray, scheme: str, signed: bool, bits=tuple(range(2, 9))) -> BitsCurve:
    """Min/max range of ``x`` scored at each bit width: ``sweeps.score_range`` per width.

    The range is the data's own ``[min, max]``, so only rounding error is left and each bit
    should add about ``DB_PER_BIT`` = 20 log10(2) = 6.02 dB.
    """
    lo, hi = float(np.min(x)), float(np.max(x))
    scores = [score_range(x, QuantConfig(b, scheme, signed=signed), lo, hi) for b in bits]
    return BitsCurve(tuple(bits), tuple(s.sqnr_db for s in scores))


def reference_line(curve: BitsCurve, anchor: int = 8) -> list[float]:
    """The ideal 6.02 dB per bit through the curve's point at ``anchor`` bits."""
    y = curve.sqnr_db[curve.bits.index(anchor)]
    return [y + DB_PER_BIT * (b - anchor) for b in curve.bits]


@dataclass(frozen=True)
class CalibrationCase:
    """The range two observers choose on one tensor, and how each range scores at 8 bits."""

    minmax: RangeScore
    percentile: RangeScore


def calibration_case(x: np.ndarray, percentile: float, bits: int = 8) -> CalibrationCase:
    """Min/max and percentile ranges of ``x`` (unsigned asymmetric ``bits``), scored."""
    cfg = QuantConfig(bits, "asymmetric", signed=False)
    mm = calibrate("minmax", x, cfg)
    pc = calibrate("percentile", x, cfg, percentile=percentile)
    return CalibrationCase(score_range(x, cfg, *mm), score_range(x, cfg, *pc))


def channel_weight(spread: float) -> np.ndarray:
    """A :data:`ROWS` x :data:`COLS` weight whose row ``i`` has standard deviation
    ``spread ** (i / (ROWS - 1))``: row 0 has 1, the last row ``spread`` (spread >= 1)."""
    if not (math.isfinite(spread) and spread >= 1):
        raise ValueError(f"spread={spread!r} must be finite and >= 1")
    rng = np.random.default_rng(SEED)
    std = spread ** (np.arange(ROWS) / (ROWS - 1))
    return (rng.standard_normal((ROWS, COLS)) * std[:, None]).astype(np.float32)


@dataclass(frozen=True)
class ChannelCase:
    """Per-tensor against per-channel on :func:`channel_weight`: SQNR of the whole and of the
    narrowest row (row 0), 8-bit signed symmetric."""

    weight: np.ndarray
    tensor_db: float
    channel_db: float
    narrow_tensor_db: float
    narrow_channel_db: float


def channel_case(spread: float, bits: int = 8) -> ChannelCase:
    """:func:`granularity.measure` per tensor and per row (axis 0) of the weight."""
    w = channel_weight(spread)
    cfg = QuantConfig(bits, "symmetric", signed=True)
    per_tensor = granularity.measure(w, cfg, "tensor", 0)
    per_channel = granularity.measure(w, cfg, "channel", 0)
    return ChannelCase(w, per_tensor.sqnr_db, per_channel.sqnr_db,
                       float(per_tensor.channel_sqnr_db[0]),
                       float(per_channel.channel_sqnr_db[0]))
