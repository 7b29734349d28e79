"""What the Start page's steps show, computed: small fixed tensors and the numbers about them.

Each step of the path shows one small case (a few thousand values at most), so every function
here runs in well under a millisecond to a few milliseconds; the page caches the figures.
The path itself (the order of the steps and the case each one links to) is :data:`STEPS`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from quantviz.distributions import sample
from quantviz.observers import calibrate
from quantviz.quantize import QuantConfig
from quantviz.studies import granularity
from quantviz.studies.sweeps import DB_PER_BIT, RangeScore, score_range

#: The steps of the path, in the order of the source notes' story.
STEPS: tuple[str, ...] = ("roundtrip", "scale", "schemes", "zero", "relu", "errors", "bits",
                          "calibration", "per_channel", "practice")

#: The exact case each step's link opens: (page, query parameters of that page's controls).
CASES: dict[str, tuple[tuple[str, dict[str, str]], ...]] = {
    "roundtrip": (("explore", {"dist": "uniform", "bits": "3"}),),
    "scale": (("learn", {"bits": "8"}),),
    "schemes": (("explore", {"dist": "normal", "scheme": "symmetric", "signed": "1"}),
                ("compare", {"dist": "normal"})),
    "zero": (("learn", {"bits": "4"}),),
    "relu": (("explore", {"dist": "relu", "scheme": "symmetric", "signed": "1"}),
             ("explore", {"dist": "relu", "scheme": "asymmetric", "signed": "0"})),
    "errors": (("explore", {"dist": "normal", "bits": "4", "scheme": "symmetric",
                            "signed": "1"}),),
    "bits": (("bits", {"dist": "normal"}),),
    "calibration": (("calibration", {"dist": "outliers"}),),
    "per_channel": (("per_channel", {}),),
    "practice": (),
}

#: The case of the questions of steps 2 and 4 (scale and zero point; 0.0 with an unrounded
#: zero point): data in [x_min, x_max] = [-1, 3], unsigned asymmetric, 8 bits. Their sentences
#: take every number from it (s = 4/255, Z = 63.75 unrounded, 64 rounded).
QUESTION_RANGE: tuple[float, float, int] = (-1.0, 3.0, 8)

#: Sizes and seeds of the steps' tensors (small: each step answers at once).
N_VALUES = 20_000
SEED = 0
#: The per-channel step's weight: rows (output channels) by inputs.
ROWS, COLS = 16, 64


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
