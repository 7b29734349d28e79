"""Seeded samplers of the tensors the lessons quantize.

Every sampler is a pure function of ``(n, seed, params)``: the same widget values give the same
tensor, hence the same figure. Randomness comes from ``np.random.default_rng(seed)``; draws are
vectorised and made in float32 where numpy offers it, so ten million values take a fraction
of a second.

:data:`DISTRIBUTIONS` maps a key to a :class:`Distribution`: an English label and one-line
description, the parameters with their ranges (:class:`Param`, enough to build the controls)
and the sampler. The UI translates by key. :func:`sample` validates and draws.

Two generators serve particular lessons:

- :func:`weight_matrix`, a weight matrix whose output channels have very different scales (the
  per-channel lesson). It is registered as "uneven_channels", the one 2-D entry
  (``Distribution.ndim == 2``): ``sample("uneven_channels", n, ...)`` returns an array of shape
  ``(rows, in_features)`` with ``rows = max(1, round(n / in_features))``, i.e. ``n`` elements
  rounded to whole rows. Every other entry returns shape ``(n,)``.
- :func:`activation_stream`, a list of activation batches whose scale drifts and which now and
  then carry a spike (the batch-by-batch observer lesson). Not registered: it is not one tensor.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np

#: Largest number of elements a sampler will produce (50M float32 values are 200 MB).
MAX_ELEMENTS = 50_000_000

ParamKind = Literal["float", "int"]
Number = float | int


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(
        value, (bool, np.bool_)
    )


def _check_int(name: str, value: object, lo: int, hi: int) -> int:
    """``value`` as an int in ``[lo, hi]``; ``ValueError`` naming it otherwise (bools refused)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    if not lo <= value <= hi:
        raise ValueError(f"{name}={value!r} is outside {lo}..{hi}")
    return int(value)


def _check_seed(seed: object) -> int:
    """A seed for ``np.random.default_rng``: a non-negative integer."""
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)):
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    if seed < 0:
        raise ValueError(f"seed={seed!r} is negative")
    return int(seed)


@dataclass(frozen=True)
class Param:
    """One parameter of a sampler: its name, English label, default and slider range.

    ``kind`` is "float" or "int". Values outside ``[min, max]`` (inclusive) are refused.
    Edge cases: ``min <= default <= max`` and ``step > 0`` are checked at construction, so a
    registry entry with a bad range fails on import rather than in the UI.
    """

    name: str
    label: str
    default: Number
    min: Number
    max: Number
    step: Number
    kind: ParamKind = "float"

    def __post_init__(self) -> None:
        if self.kind not in ("float", "int"):
            raise ValueError(f"Param {self.name}: kind={self.kind!r} is not one of float, int")
        if not self.min <= self.default <= self.max:
            raise ValueError(
                f"Param {self.name}: default={self.default!r} is outside [{self.min}, {self.max}]"
            )
        if not self.step > 0:
            raise ValueError(f"Param {self.name}: step={self.step!r} must be positive")

    def check(self, value: object) -> Number:
        """``value`` as a float (or int for kind "int") within ``[min, max]``.

        Raises ``ValueError`` naming the parameter and the value for a non-number, a bool, a
        NaN, a non-integer given to an "int" parameter, or anything out of range.
        """
        if self.kind == "int":
            return _check_int(self.name, value, int(self.min), int(self.max))
        if not _is_number(value):
            raise ValueError(f"{self.name} must be a number, got {value!r}")
        if not self.min <= value <= self.max:  # also refuses NaN
            raise ValueError(f"{self.name}={value!r} is outside [{self.min}, {self.max}]")
        return float(value)


def check_params(spec: tuple[Param, ...], values: Mapping[str, object]) -> dict[str, Number]:
    """Fill defaults and validate ``values`` against ``spec``; unknown names raise ValueError."""
    known = {p.name: p for p in spec}
    unknown = [name for name in values if name not in known]
    if unknown:
        raise ValueError(
            f"unknown parameter {unknown[0]!r}; expected one of {', '.join(known) or 'none'}"
        )
    return {p.name: p.check(values[p.name]) if p.name in values else p.default for p in spec}


Sampler = Callable[..., np.ndarray]


@dataclass(frozen=True)
class Distribution:
    """A registered sampler: ``sampler(rng, n, **params) -> np.ndarray`` (float32).

    ``key`` is what the UI translates by; ``label`` and ``description`` are English.
    ``ndim`` is the number of dimensions ``sample`` returns (1, or 2 for "uneven_channels").
    ``less_than`` lists parameter pairs ``(a, b)`` that must satisfy ``a < b``.
    """

    key: str
    label: str
    description: str
    params: tuple[Param, ...]
    sampler: Sampler
    ndim: int = 1
    less_than: tuple[tuple[str, str], ...] = ()

    def defaults(self) -> dict[str, Number]:
        """The default value of every parameter, by name."""
        return {p.name: p.default for p in self.params}

    def check(self, values: Mapping[str, object]) -> dict[str, Number]:
        """All parameters, defaults filled, validated (ranges, names and ``less_than``)."""
        full = check_params(self.params, values)
        for a, b in self.less_than:
            if not full[a] < full[b]:
                raise ValueError(f"{self.key}: {a}={full[a]!r} must be below {b}={full[b]!r}")
        return full


# -- samplers: sampler(rng, n, **params), float32 out ------------------------------------------


def _normal(rng: np.random.Generator, n: int, mean: float, std: float) -> np.ndarray:
    """``x = mean + std * z``, ``z ~ N(0, 1)``. ``std = 0`` gives the constant ``mean``."""
    x = rng.standard_normal(n, dtype=np.float32)
    x *= np.float32(std)
    x += np.float32(mean)
    return x


def _uniform(rng: np.random.Generator, n: int, low: float, high: float) -> np.ndarray:
    """``x = low + (high - low) * u``, ``u ~ U[0, 1)``, then capped at ``high``.

    The cap only matters when float32 rounding of the product lands one step above ``high``;
    ``x >= low`` holds exactly because ``(high - low) * u >= 0``.
    """
    x = rng.random(n, dtype=np.float32)
    x *= np.float32(high - low)
    x += np.float32(low)
    np.minimum(x, np.float32(high), out=x)
    return x


def _laplace(rng: np.random.Generator, n: int, loc: float, scale: float) -> np.ndarray:
    """``x = loc + scale * s * e`` with ``e ~ Exp(1)`` and a fair random sign ``s``."""
    x = rng.standard_exponential(n, dtype=np.float32)
    negative = rng.integers(0, 2, n, dtype=np.int8).astype(bool)
    np.negative(x, out=x, where=negative)
    x *= np.float32(scale)
    x += np.float32(loc)
    return x


def _relu(rng: np.random.Generator, n: int, mean: float, std: float) -> np.ndarray:
    """``x = max(mean + std * z, 0)``: with ``mean = 0`` half the values are exactly 0."""
    x = _normal(rng, n, mean, std)
    np.maximum(x, np.float32(0), out=x)
    return x


def _student_t(rng: np.random.Generator, n: int, df: float, scale: float) -> np.ndarray:
    """``x = scale * t``, ``t`` Student's t with ``df`` degrees of freedom.

    Drawn in float64 (numpy has no float32 path) and cast. The excess kurtosis is
    ``6 / (df - 4)`` for ``df > 4`` and infinite below: the smaller ``df``, the heavier the tails
    (``df = 1`` is the Cauchy distribution).
    """
    return (rng.standard_t(df, n) * scale).astype(np.float32)


def _lognormal(rng: np.random.Generator, n: int, mean: float, sigma: float) -> np.ndarray:
    """``x = exp(mean + sigma * z)``: always positive; the median is ``exp(mean)``."""
    x = _normal(rng, n, mean, sigma)
    np.exp(x, out=x)
    return x


def _bimodal(rng: np.random.Generator, n: int, separation: float, std: float) -> np.ndarray:
    """Even mixture of ``N(-separation/2, std)`` and ``N(+separation/2, std)``."""
    x = _normal(rng, n, 0.0, std)
    side = rng.integers(0, 2, n, dtype=np.int8).astype(np.float32)  # 0 or 1
    side -= np.float32(0.5)  # -0.5 or +0.5
    side *= np.float32(separation)
    x += side
    return x


def _outliers(
    rng: np.random.Generator, n: int, std: float, fraction: float, magnitude: float
) -> np.ndarray:
    """``x = std * z``, then each element, with probability ``fraction``, replaced by
    ``+magnitude`` or ``-magnitude`` (fair sign).

    The outliers sit exactly at ``+-magnitude``, so they set ``x_min``/``x_max`` whenever
    ``magnitude`` exceeds the bulk. The number of outliers is Binomial(n, fraction).
    """
    x = _normal(rng, n, 0.0, std)
    hit = np.flatnonzero(rng.random(n) < fraction)
    sign = rng.integers(0, 2, hit.size, dtype=np.int8).astype(np.float32) * 2 - 1
    x[hit] = sign * np.float32(magnitude)
    return x


# -- weight matrix and activation stream ---------------------------------------------------------

#: One output channel in this many carries an outlier weight in :func:`weight_matrix`.
OUTLIER_CHANNEL_EVERY = 8
#: Size of that outlier weight, in units of its channel's standard deviation.
OUTLIER_SIZE = 8.0

WEIGHT_PARAMS: tuple[Param, ...] = (
    Param("out_channels", "output channels", 64, 1, 4096, 1, "int"),
    Param("in_features", "input features per channel", 256, 1, 65536, 1, "int"),
    Param("spread", "ratio of the largest to the smallest channel std", 30.0, 1.0, 1000.0, 1.0),
)


def _weight_matrix(
    rng: np.random.Generator, out_channels: int, in_features: int, spread: float
) -> np.ndarray:
    """Channel ``c`` is ``N(0, std_c)`` with ``std_c = spread^(u_c - 1/2) / sqrt(in_features)``.

    The exponents ``u_c`` are evenly spaced over [0, 1] and shuffled over the channels, so the
    channel stds are log-uniform and the largest is exactly ``spread`` times the smallest
    (one channel: ``u = 0``). Then ``out_channels // 8`` distinct channels each get one weight
    replaced by ``+-8 std_c``: an outlier that sets that channel's range.
    """
    u = rng.permutation(np.linspace(0.0, 1.0, out_channels))
    std = spread ** (u - 0.5) / math.sqrt(in_features)
    w = rng.standard_normal((out_channels, in_features), dtype=np.float32)
    w *= std.astype(np.float32)[:, None]
    rows = rng.choice(out_channels, out_channels // OUTLIER_CHANNEL_EVERY, replace=False)
    cols = rng.integers(0, in_features, rows.size)
    sign = rng.integers(0, 2, rows.size) * 2 - 1
    w[rows, cols] = (sign * OUTLIER_SIZE * std[rows]).astype(np.float32)
    return w


def weight_matrix(
    out_channels: int = 64, in_features: int = 256, spread: float = 30.0, seed: int = 0
) -> np.ndarray:
    """A float32 ``(out_channels, in_features)`` weight matrix with very uneven channel scales.

    Channel stds are log-uniform over a ratio of exactly ``spread`` around
    ``1 / sqrt(in_features)``, and one channel in eight holds an outlier of 8 of its stds (see
    ``_weight_matrix``). A per-tensor range is set by the widest channel, so the narrow channels
    get only a few codes; per-channel quantization gives each its own scale.

    Edge cases: ``spread = 1`` makes every channel the same scale; fewer than 8 channels means
    no outlier. Arguments out of :data:`WEIGHT_PARAMS` ranges, a bad seed, or more than
    :data:`MAX_ELEMENTS` elements raise ``ValueError`` naming the value.
    """
    p = check_params(
        WEIGHT_PARAMS,
        {"out_channels": out_channels, "in_features": in_features, "spread": spread},
    )
    size = p["out_channels"] * p["in_features"]
    if size > MAX_ELEMENTS:
        raise ValueError(f"out_channels * in_features = {size} exceeds {MAX_ELEMENTS}")
    return _weight_matrix(np.random.default_rng(_check_seed(seed)), **p)


def _uneven_channels(
    rng: np.random.Generator, n: int, in_features: int, spread: float
) -> np.ndarray:
    """:func:`weight_matrix` with ``max(1, round(n / in_features))`` rows."""
    rows = max(1, round(n / in_features))
    return _weight_matrix(rng, rows, in_features, spread)


STREAM_PARAMS: tuple[Param, ...] = (
    Param("n_batches", "batches", 50, 1, 1000, 1, "int"),
    Param("batch_size", "values per batch", 4096, 1, 1_000_000, 1, "int"),
    Param("drift", "log-scale drift per batch", 0.02, -0.05, 0.05, 0.005),
    Param("spike_prob", "probability of a spike per batch", 0.1, 0.0, 1.0, 0.01),
    Param("spike_size", "spike size, in units of the batch scale", 8.0, 0.0, 100.0, 0.5),
)


def activation_stream(
    n_batches: int = 50,
    batch_size: int = 4096,
    drift: float = 0.02,
    spike_prob: float = 0.1,
    spike_size: float = 8.0,
    seed: int = 0,
) -> list[np.ndarray]:
    """A stream of ReLU activation batches whose scale drifts, with occasional spikes.

    Batch ``t`` (``t = 0 .. n_batches-1``) is ``x = max(s_t * z, 0)`` with
    ``s_t = exp(drift * t)``: the scale grows (``drift > 0``) or shrinks by the factor
    ``exp(drift)`` per batch. Each batch independently, with probability ``spike_prob``, has one
    element (at a random position) replaced by the spike ``spike_size * s_t``; a batch's own
    maximum is near ``3.5 s_t`` for 4096 values, so the default spike of ``8 s_t`` stands out.
    A MinMax observer keeps the spike forever; a moving average forgets it.

    Edge cases: ``spike_prob = 0`` gives no spike, ``1`` a spike in every batch. Arguments out
    of :data:`STREAM_PARAMS` ranges, a bad seed, or more than :data:`MAX_ELEMENTS` values in
    total raise ``ValueError`` naming the value. Returns a list of float32 arrays of shape
    ``(batch_size,)``.
    """
    p = check_params(
        STREAM_PARAMS,
        {
            "n_batches": n_batches,
            "batch_size": batch_size,
            "drift": drift,
            "spike_prob": spike_prob,
            "spike_size": spike_size,
        },
    )
    total = p["n_batches"] * p["batch_size"]
    if total > MAX_ELEMENTS:
        raise ValueError(f"n_batches * batch_size = {total} exceeds {MAX_ELEMENTS}")
    rng = np.random.default_rng(_check_seed(seed))
    spiky = rng.random(p["n_batches"]) < p["spike_prob"]
    batches = []
    for t in range(p["n_batches"]):
        s_t = math.exp(p["drift"] * t)
        x = _relu(rng, p["batch_size"], 0.0, s_t)
        if spiky[t]:
            x[rng.integers(0, p["batch_size"])] = np.float32(p["spike_size"] * s_t)
        batches.append(x)
    return batches


# -- the registry ----------------------------------------------------------------------------

_MEAN = Param("mean", "mean", 0.0, -10.0, 10.0, 0.1)
_STD = Param("std", "standard deviation", 1.0, 0.0, 10.0, 0.05)

_ENTRIES: tuple[Distribution, ...] = (
    Distribution(
        "normal",
        "Normal",
        "Bell curve around the mean, the usual picture of trained weights; std 0 gives a "
        "constant tensor",
        (_MEAN, _STD),
        _normal,
    ),
    Distribution(
        "uniform",
        "Uniform",
        "Flat between low and high: every code gets about the same share, the best case for "
        "a linear grid",
        (
            Param("low", "low", -1.0, -10.0, 10.0, 0.1),
            Param("high", "high", 1.0, -10.0, 10.0, 0.1),
        ),
        _uniform,
        less_than=(("low", "high"),),
    ),
    Distribution(
        "laplace",
        "Laplace",
        "Sharp peak at loc with exponential tails, closer to real weights than a normal: "
        "most values crowd into a few codes",
        (
            Param("loc", "location", 0.0, -10.0, 10.0, 0.1),
            Param("scale", "scale", 1.0, 0.0, 10.0, 0.05),
        ),
        _laplace,
    ),
    Distribution(
        "relu",
        "ReLU outputs",
        "ReLU outputs: a normal with the negatives set to 0; signed symmetric quantization "
        "wastes half its codes on it",
        (_MEAN, _STD),
        _relu,
    ),
    Distribution(
        "student_t",
        "Heavy tails (Student's t)",
        "Student's t: rare large values stretch the range and leave few codes for the bulk; "
        "smaller df, heavier tails",
        (
            Param("df", "degrees of freedom", 3.0, 1.0, 100.0, 0.5),
            Param("scale", "scale", 1.0, 0.0, 10.0, 0.05),
        ),
        _student_t,
    ),
    Distribution(
        "lognormal",
        "Log-normal",
        "exp of a normal: positive and skewed to the right, like attention scores or "
        "variances",
        (
            Param("mean", "mean of the log", 0.0, -3.0, 3.0, 0.1),
            Param("sigma", "standard deviation of the log", 1.0, 0.0, 3.0, 0.05),
        ),
        _lognormal,
    ),
    Distribution(
        "bimodal",
        "Bimodal",
        "Two normal bumps at -separation/2 and +separation/2: the codes between them go "
        "unused",
        (
            Param("separation", "distance between the modes", 4.0, 0.0, 20.0, 0.1),
            Param("std", "standard deviation of each mode", 0.5, 0.0, 10.0, 0.05),
        ),
        _bimodal,
    ),
    Distribution(
        "outliers",
        "Normal with outliers",
        "A normal where a small fraction of values sit at +-magnitude: a min/max range "
        "follows the few outliers and the bulk gets coarse steps",
        (
            Param("std", "standard deviation of the bulk", 1.0, 0.0, 10.0, 0.05),
            Param("fraction", "fraction of outliers", 0.001, 0.0, 0.2, 0.0001),
            Param("magnitude", "size of the outliers", 20.0, 0.0, 1000.0, 1.0),
        ),
        _outliers,
    ),
    Distribution(
        "all_positive",
        "All positive (no 0)",
        "Uniform on [low, high] with low > 0: the data does not contain 0, so the notes' "
        "formula puts 0.0 outside the integer range",
        (
            Param("low", "low", 1.0, 0.01, 100.0, 0.1),
            Param("high", "high", 3.0, 0.01, 100.0, 0.1),
        ),
        _uniform,
        less_than=(("low", "high"),),
    ),
    Distribution(
        "uneven_channels",
        "Uneven channels (2-D weights)",
        "Weight matrix whose output channels differ in scale by up to spread times, some with "
        "an outlier: one range for all starves the narrow channels",
        WEIGHT_PARAMS[1:],
        _uneven_channels,
        ndim=2,
    ),
)

#: The registry: key -> :class:`Distribution`, in the order the UI lists them.
DISTRIBUTIONS: dict[str, Distribution] = {d.key: d for d in _ENTRIES}


def get_distribution(key: str) -> Distribution:
    """The registry entry for ``key``; ``ValueError`` naming the key if there is none."""
    if key not in DISTRIBUTIONS:
        known = ", ".join(DISTRIBUTIONS)
        raise ValueError(f"unknown distribution {key!r}; expected one of {known}")
    return DISTRIBUTIONS[key]


def sample(key: str, n: int, seed: int = 0, **params: object) -> np.ndarray:
    """Draw ``n`` float32 values from the distribution ``key`` with ``np.random.default_rng(seed)``.

    Parameters not given take their defaults. The same ``(key, n, seed, params)`` always give
    the same values. Shape ``(n,)``, except "uneven_channels" (``ndim == 2``):
    ``(max(1, round(n / in_features)), in_features)``, ``n`` rounded to whole rows.

    Raises ``ValueError`` naming the value for an unknown key, ``n`` outside
    ``1..MAX_ELEMENTS``, a bad seed, an unknown parameter name, a parameter outside its range,
    or a ``less_than`` pair out of order (``low >= high``).
    """
    dist = get_distribution(key)
    n = _check_int("n", n, 1, MAX_ELEMENTS)
    full = dist.check(params)
    rng = np.random.default_rng(_check_seed(seed))
    return dist.sampler(rng, n, **full)
