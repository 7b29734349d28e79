"""Which layer hurts: the digits network with one layer's weights rounded at a time.

Each layer's weights are quantized alone (the other layers and every activation stay float32)
with a method of :mod:`quantviz.studies.ptq` at a low bit width, and the network's output on
the test images is compared with the float network's, as llama.cpp's ``llama-perplexity
--kl-divergence`` compares a quantized model with its base (ggml-org/llama.cpp
``tools/perplexity/perplexity.cpp``, ``log_softmax`` and ``kl_divergence``, commit
050fc7f32de16858ac667d775b43a51ed8976e6f), one test image standing for one scored token:

- mean KL divergence ``KL(p_float || p_quant) = sum_i p_float(i) (log p_float(i) - log
  p_quant(i))`` (natural log), the classes with ``log p_float(i) <= -16`` left out of the sum
  as llama.cpp leaves them out ("Mean KLD");
- same top-1: the share of images whose most probable class (the first of tied maxima) is
  the float network's ("Same top p");
- delta p: the mean of ``p_quant(label) - p_float(label)``, the change of the probability of
  the right answer ("Mean Δp");
- and the accuracy.

llama.cpp stores the base log-probabilities as 16-bit codes in its ``--kl-divergence-base``
file and sums in float; here both softmaxes are float64 from the float32 logits.

Beside each layer, its weight statistics (kurtosis, outlier input channels), so the ranking
explains itself. :func:`budget` tries every per-layer bit choice (mixed precision), with the
Pareto front and a greedy allocation; :func:`method_table` rounds the whole network with each
method.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np

from quantviz.studies import model
from quantviz.studies import ptq as lab
from quantviz.studies.checkpoint import SIGMAS
from quantviz.studies.outliers import kurtosis

#: Classes whose float log-probability is at most this are left out of the KL sum (llama.cpp).
LOG_P_FLOOR = -16.0
#: The measures a layer can be ranked by.
MEASURES: tuple[str, ...] = ("accuracy", "kl", "same_top", "delta_p")
#: Bit widths a layer may get in the mixed-precision budget.
BUDGET_BITS: tuple[int, ...] = (2, 3, 4, 8)
#: Bits stored per group besides the codes: a float16 scale and a float16 zero point.
GROUP_OVERHEAD_BITS = 32
#: Bit widths of the whole-network method table.
TABLE_BITS: tuple[int, ...] = (3, 4)


# --------------------------------------------------------------------------- output measures


def log_softmax(logits: np.ndarray) -> np.ndarray:
    """``z - max z - log sum exp(z - max z)`` per row, in float64."""
    z = np.asarray(logits, dtype=np.float64)
    z = z - z.max(axis=1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=1, keepdims=True))


@dataclass(frozen=True)
class OutputScore:
    """A network's outputs against the float network's on ``n`` images (see the module)."""

    correct: int
    n: int
    mean_kl: float
    same_top: float
    delta_p: float

    @property
    def accuracy(self) -> float:
        return self.correct / self.n


def output_score(base_logits: np.ndarray, logits: np.ndarray,
                 labels: np.ndarray) -> OutputScore:
    """Mean KL, same top-1 and delta p of ``logits`` against ``base_logits`` (the float
    network), llama.cpp's definitions (module docstring); accuracy against ``labels``."""
    base, quant = log_softmax(base_logits), log_softmax(logits)
    if base.shape != quant.shape or base.shape[0] != len(labels) or not len(labels):
        raise ValueError(f"shapes {base.shape}, {quant.shape} and {len(labels)} labels differ")
    kept = base > LOG_P_FLOOR
    kl = np.where(kept, np.exp(base) * (base - quant), 0.0).sum(axis=1)
    rows = np.arange(len(labels))
    top = np.argmax(logits, axis=1)
    dp = np.exp(quant[rows, labels]) - np.exp(base[rows, labels])
    return OutputScore(int(np.count_nonzero(top == labels)), int(len(labels)),
                       float(kl.mean()), float(np.mean(top == np.argmax(base_logits, axis=1))),
                       float(dp.mean()))


# ----------------------------------------------------------------------------- weight facts


@dataclass(frozen=True)
class WeightStats:
    """``kurtosis`` of all the layer's weights (3 for a normal distribution),
    ``outlier_channels``: input channels holding a weight beyond :data:`SIGMAS` standard
    deviations from the mean, ``reach``: the largest ``|w - mean| / std``."""

    kurtosis: float
    outlier_channels: int
    reach: float


def weight_stats(w: np.ndarray) -> WeightStats:
    w64 = np.asarray(w, dtype=np.float64)
    std = float(w64.std())
    dev = np.abs(w64 - w64.mean()) / std if std > 0 else np.zeros_like(w64)
    return WeightStats(kurtosis(w64), int(np.count_nonzero((dev > SIGMAS).any(axis=0))),
                       float(dev.max()))


# --------------------------------------------------------------------- quantizing the network


def layer_group(group_size: int, inputs: int) -> int:
    """The group size a layer of ``inputs`` inputs gets: -1 when ``group_size`` is -1 or
    reaches the whole row; ``ValueError`` when it does not divide ``inputs``."""
    if group_size == -1 or group_size >= inputs:
        return -1
    if group_size < 1 or inputs % group_size:
        raise ValueError(f"group_size={group_size} does not divide a layer's {inputs} inputs")
    return group_size


def logits_with(net: model.Network, weights: list[np.ndarray], x: np.ndarray) -> np.ndarray:
    """The float network's logits with ``weights`` in place of its own."""
    return model.forward(model.Network(net.names, tuple(weights), net.biases), x)


def quantized_weights(net: model.Network, calib_x: np.ndarray, method: str,
                      bits: tuple[int | None, ...], group_size: int) -> list[np.ndarray]:
    """The network's weights with layer ``i`` rounded by ``method`` at ``bits[i]`` (None:
    float).

    Calibration inputs: GPTQ's reference quantizes layer after layer, each fed the outputs of
    the layers already quantized (IST-DASLab/gptq's sequential loop), and so here; AWQ
    (llm-awq's ``run_awq``) and the one-layer-at-a-time studies see the float network's
    inputs; RTN and HQQ see none.
    """
    if len(bits) != len(net.weights):
        raise ValueError(f"bits has {len(bits)} entries for {len(net.weights)} layers")
    weights = list(net.weights)
    h = np.asarray(calib_x, dtype=np.float32)
    float_h = h
    last = len(net.weights) - 1
    for i, b in enumerate(bits):
        w = net.weights[i]
        if b is not None:
            x = h if method.startswith("gptq") else float_h
            weights[i] = lab.quantize(method, w, x, b, layer_group(group_size, w.shape[1]))
        h = h @ weights[i].T + net.biases[i]
        float_h = float_h @ w.T + net.biases[i]
        if i < last:
            h, float_h = np.maximum(h, np.float32(0)), np.maximum(float_h, np.float32(0))
    return weights


@dataclass(frozen=True)
class LayerRow:
    """One layer rounded alone: its output score, weight SQNR (dB) and weight facts."""

    name: str
    index: int
    score: OutputScore
    weight_sqnr: float
    stats: WeightStats


def layer_sensitivity(net: model.Network, data: model.DigitsData, bits: int,
                      group_size: int = -1, method: str = "rtn",
                      progress=None) -> tuple[LayerRow, ...]:
    """Each layer's weights rounded alone by ``method`` at ``bits`` (see the module)."""
    base = model.forward(net, data.test_x)
    rows = []
    for i, name in enumerate(net.names):
        if progress is not None:
            progress(i, len(net.names), name)
        plan = tuple(bits if j == i else None for j in range(len(net.names)))
        weights = quantized_weights(net, data.calib_x, method, plan, group_size)
        w, w_hat = net.weights[i].astype(np.float64), weights[i]
        noise = float(np.sum((w - w_hat) ** 2))
        sqnr = math.inf if noise == 0 else 10 * math.log10(float(np.sum(w ** 2)) / noise)
        score = output_score(base, logits_with(net, weights, data.test_x), data.test_labels)
        rows.append(LayerRow(name, i, score, sqnr, weight_stats(net.weights[i])))
    return tuple(rows)


def _badness(row: LayerRow, measure: str) -> tuple:
    s = row.score
    # smaller is worse: fewest correct, largest KL, fewest same top-1, most negative delta p,
    # lowest weight SQNR
    keys = {"accuracy": s.correct, "kl": -s.mean_kl, "same_top": s.same_top,
            "delta_p": s.delta_p, "weight": row.weight_sqnr}
    if measure not in keys:
        raise ValueError(f"measure={measure!r} is not one of {(*MEASURES, 'weight')}")
    return (keys[measure], -s.mean_kl, row.index)


def ranking(rows: tuple[LayerRow, ...], measure: str) -> tuple[LayerRow, ...]:
    """The layers, the one that hurts most by ``measure`` first: fewest correct, largest KL,
    lowest same top-1, most negative delta p, or ("weight") lowest weight SQNR; ties by KL,
    then layer order."""
    return tuple(sorted(rows, key=lambda r: _badness(r, measure)))


def most_sensitive(rows: tuple[LayerRow, ...], measure: str) -> LayerRow:
    return ranking(rows, measure)[0]


# ------------------------------------------------------------------------ mixed precision


def bits_per_weight(net: model.Network, bits: tuple[int, ...], group_size: int) -> float:
    """``sum_i n_i (b_i + 32 / g_i) / sum_i n_i``: codes plus a float16 scale and zero point
    per group of ``g_i`` weights (the row when ``group_size`` is -1)."""
    total = stored = 0.0
    for w, b in zip(net.weights, bits, strict=True):
        g = layer_group(group_size, w.shape[1])
        g = w.shape[1] if g == -1 else g
        total += w.size
        stored += w.size * (b + GROUP_OVERHEAD_BITS / g)
    return stored / total


@dataclass(frozen=True)
class Choice:
    """Per-layer bits, the bits per weight they store and the network's score."""

    bits: tuple[int, ...]
    bits_per_weight: float
    score: OutputScore


@dataclass(frozen=True)
class Budget:
    """Every per-layer choice of :data:`BUDGET_BITS`, the Pareto front (no other choice has
    both fewer bits per weight and a smaller KL) in order of bits, and the greedy path."""

    choices: tuple[Choice, ...]
    front: tuple[Choice, ...]
    greedy: tuple[Choice, ...]


def pareto_front(choices: tuple[Choice, ...]) -> tuple[Choice, ...]:
    """Choices not beaten on both axes: by bits per weight, each with a smaller KL than
    every cheaper one (the first of equal points)."""
    out: list[Choice] = []
    for c in sorted(choices, key=lambda c: (c.bits_per_weight, c.score.mean_kl)):
        if not out or c.score.mean_kl < out[-1].score.mean_kl:
            out.append(c)
    return tuple(out)


def greedy_path(choices: dict[tuple[int, ...], Choice],
                levels: tuple[int, ...]) -> tuple[Choice, ...]:
    """From every layer at ``levels[0]``, raise one layer one level at a time: the step that
    cuts the KL most per added bit per weight (ties: the first layer), until all are at the
    top."""
    current = tuple(levels[0] for _ in next(iter(choices)))
    path = [choices[current]]
    while any(b != levels[-1] for b in current):
        best, best_gain = None, -math.inf
        for i, b in enumerate(current):
            if b == levels[-1]:
                continue
            nxt = current[:i] + (levels[levels.index(b) + 1],) + current[i + 1:]
            here, there = choices[current], choices[nxt]
            gain = (here.score.mean_kl - there.score.mean_kl) / (
                there.bits_per_weight - here.bits_per_weight)
            if gain > best_gain:
                best, best_gain = nxt, gain
        current = best
        path.append(choices[current])
    return tuple(path)


def budget(net: model.Network, data: model.DigitsData, group_size: int = -1,
           method: str = "rtn", levels: tuple[int, ...] = BUDGET_BITS,
           progress=None) -> Budget:
    """Every per-layer choice of ``levels`` (``len(levels) ** layers`` networks) rounded with
    ``method``, each layer's rounding done once per bit width (one layer at a time, so the
    calibration inputs are the float network's)."""
    base = model.forward(net, data.test_x)
    n = len(net.weights)
    rounded = {}
    for k, (i, b) in enumerate(itertools.product(range(n), levels)):
        if progress is not None:
            progress(k, n * len(levels), net.names[i])
        plan = tuple(b if j == i else None for j in range(n))
        rounded[i, b] = quantized_weights(net, data.calib_x, method, plan, group_size)[i]
    if progress is not None:
        progress(n * len(levels), n * len(levels), "")
    choices = {}
    for bits in itertools.product(levels, repeat=n):
        weights = [rounded[i, b] for i, b in enumerate(bits)]
        choices[bits] = Choice(bits, bits_per_weight(net, bits, group_size),
                               output_score(base, logits_with(net, weights, data.test_x),
                                            data.test_labels))
    every = tuple(choices.values())
    return Budget(every, pareto_front(every), greedy_path(choices, tuple(levels)))


# ----------------------------------------------------------------------- the whole network


def method_table(net: model.Network, data: model.DigitsData, group_size: int = -1,
                 bits: tuple[int, ...] = TABLE_BITS,
                 progress=None) -> dict[tuple[str, int], OutputScore]:
    """Every method of :data:`quantviz.studies.ptq.METHODS` on all layers at each of
    ``bits`` (weights only; activations float): ``{(method, bits): score}``."""
    base = model.forward(net, data.test_x)
    out = {}
    runs = [(m, b) for b in bits for m in lab.METHODS]
    for k, (m, b) in enumerate(runs):
        if progress is not None:
            progress(k, len(runs), m)
        weights = quantized_weights(net, data.calib_x, m, (b,) * len(net.weights), group_size)
        out[m, b] = output_score(base, logits_with(net, weights, data.test_x), data.test_labels)
    if progress is not None:
        progress(len(runs), len(runs), "")
    return out
