"""What quantization does to a real network: the digits MLP, float and fake-quantized.

The network (trained by ``scripts/train_digits_model.py``, committed under ``quantviz/data/``)
is an MLP 64-64-32-10 with ReLU on the UCI ML hand-written digits data set (E. Alpaydin and
C. Kaynak, 1998), as scikit-learn ships and credits it: 8x8 images whose pixels count the set
pixels of a 4x4 block (0..16); the input is ``pixels / 16``. Weights are float32 in PyTorch's
``nn.Linear`` layout: ``y = x W^T + b``.

Quantization is simulated as PyTorch's fake quantization does it (eager mode, fused
Linear+ReLU): every number stays float32 but passes through ``x_hat = dequantize(quantize(x))``
(:func:`quantviz.quantize.fake_quantize`, equal to ``torch.fake_quantize_per_*_affine`` bit for
bit) at these points:

- the weights of each layer (MinMax range, per tensor or per output channel, signed codes,
  symmetric or asymmetric, as PyTorch's weight observers),
- four activation points: the network's input, the two ReLU outputs and the logits (what a
  QuantStub and each fused LinearReLU's output observer see), calibrated by an observer from
  :mod:`quantviz.observers` on ``batches`` calibration batches of :data:`BATCH` images from
  the training split, run through the float network (PyTorch's post-training calibration:
  observers watch float activations). Asymmetric activations use unsigned codes (quint8),
  symmetric ones signed codes (qint8).

The bias stays float32 and is added to the float32 product, as in the fake-quantized model.
Predictions are the argmax of the logits (the first of tied maxima, as ``numpy.argmax`` and
``torch.argmax``).

Beside it, :func:`integer_forward` computes the same network with integers only, as PyTorch's
converted model does on x86 (FBGEMM): uint8 activation codes in, int8 weight codes,
:func:`quantviz.layers.quantized_linear` per layer, uint8 codes out. Checked code for code
against torch 2.13's quantized modules (``tests/data/golden_model.npz``, from
``scripts/make_golden_model.py``), with exact (VNNI) and AVX2-saturating pair sums;
:func:`integer_check` shows where it and the fake-quantized network part.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

import numpy as np

from quantviz import loaders
from quantviz.formats import FORMATS, bits_per_value, fake_quantize_format, row_local
from quantviz.layers import INT16_MAX, count_pair_saturation, quantized_linear
from quantviz.observers import entropy_levels, make_observer
from quantviz.quantize import (
    QParams,
    QuantConfig,
    channel_minmax,
    compute_qparams,
    dequantize,
    fake_quantize,
    quantize,
)

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
MODEL_FILE = "digits_model.safetensors"
DATA_FILE = "digits_data.npz"
#: Images per calibration batch; the calibration set holds 320 images, ten batches.
BATCH = 32
#: Pixel values run 0..16 (counts of set pixels in a 4x4 block); the input is ``pixels / 16``.
PIXEL_MAX = 16
#: The activation points, in order: the input of each layer, then the logits.
POINTS = ("input", "fc1_relu", "fc2_relu", "logits")
#: Bit widths of the sweeps.
SWEEP_BITS = (2, 3, 4, 5, 6, 7, 8, 10, 12, 16)
#: Observers whose range depends only on every value seen (not on the order or the batches):
#: fed all calibration activations in one update, which gives the range batch-by-batch
#: updates give while their bounded sample holds every value (it holds 2^20).
WHOLE_SAMPLE_OBSERVERS = ("percentile", "mse", "entropy")

Mode = Literal["weights", "activations", "both"]
MODES: tuple[str, ...] = ("weights", "activations", "both")


@dataclass(frozen=True)
class Network:
    """The MLP: ``weights[i]`` is (out, in) float32, ``biases[i]`` (out,); ReLU after all but
    the last layer."""

    names: tuple[str, ...]
    weights: tuple[np.ndarray, ...]
    biases: tuple[np.ndarray, ...]


@dataclass(frozen=True)
class DigitsData:
    """Calibration images (training split), test images and labels; ``images`` are uint8
    pixel counts 0..16 of shape (n, 8, 8), ``x`` the float32 inputs (n, 64)."""

    calib_x: np.ndarray
    test_images: np.ndarray
    test_x: np.ndarray
    test_labels: np.ndarray
    float_test_correct: int


def inputs(images: np.ndarray) -> np.ndarray:
    """The network's input ``pixels / 16`` as float32 rows of 64 values."""
    images = np.asarray(images)
    return images.reshape(len(images), -1).astype(np.float32) / np.float32(PIXEL_MAX)


def load_network(path: Path | None = None) -> Network:
    """Read the committed weights with the app's own safetensors reader (float32 arrays)."""
    path = Path(path) if path is not None else DATA_DIR / MODEL_FILE
    tensors = loaders.load_tensors(path.name, path.read_bytes())
    names = tuple(sorted({k.split(".")[0] for k in tensors}))
    return Network(names, tuple(tensors[f"{n}.weight"].astype(np.float32) for n in names),
                   tuple(tensors[f"{n}.bias"].astype(np.float32) for n in names))


def network_from_tensors(tensors: dict[str, np.ndarray], like: Network) -> Network:
    """A network with ``like``'s layers from named tensors (an uploaded checkpoint).

    Needs ``{name}.weight`` and ``{name}.bias`` for every layer name of ``like``, each of the
    same shape (other tensors are ignored: a checkpoint may hold more). Values become float32;
    a missing tensor, another shape or a value float32 cannot hold (NaN, infinite, beyond its
    range) raises ``ValueError`` naming the tensor.
    """
    weights, biases = [], []
    for name, w, b in zip(like.names, like.weights, like.biases, strict=True):
        for suffix, ref, out in (("weight", w, weights), ("bias", b, biases)):
            tensor_name = f"{name}.{suffix}"
            if tensor_name not in tensors:
                found = ", ".join(sorted(tensors)[:8]) or "none"
                raise ValueError(f"the checkpoint has no tensor {tensor_name!r} (it has: {found})")
            x = np.asarray(tensors[tensor_name])
            if x.shape != ref.shape:
                raise ValueError(f"{tensor_name} has shape {list(x.shape)}, this network needs "
                                 f"{list(ref.shape)}")
            with np.errstate(over="ignore"):
                x32 = x.astype(np.float32)
            if not np.all(np.isfinite(x32)):
                raise ValueError(f"{tensor_name} holds values that are not finite in float32")
            out.append(x32)
    return Network(like.names, tuple(weights), tuple(biases))


def load_data(path: Path | None = None) -> DigitsData:
    """Read the committed images and labels with numpy (``allow_pickle=False``)."""
    path = Path(path) if path is not None else DATA_DIR / DATA_FILE
    with np.load(path, allow_pickle=False) as f:
        calib, test, labels = f["calib_images"], f["test_images"], f["test_labels"]
        correct = int(f["float_test_correct"])
    return DigitsData(inputs(calib), test.reshape(-1, 8, 8), inputs(test),
                      labels.astype(np.int64), correct)


def load_study() -> tuple[Network, DigitsData]:
    """The committed network and data (about 50 kB in all)."""
    return load_network(), load_data()


def forward(net: Network, x: np.ndarray) -> np.ndarray:
    """Float logits: ``h = relu(h W^T + b)`` layer by layer, no ReLU after the last."""
    return activations(net, x)[-1]


def activations(net: Network, x: np.ndarray) -> list[np.ndarray]:
    """The values at the four :data:`POINTS`: the input, each ReLU output, the logits."""
    h = np.asarray(x, dtype=np.float32)
    out = [h]
    last = len(net.weights) - 1
    for i, (w, b) in enumerate(zip(net.weights, net.biases, strict=True)):
        h = h @ w.T + b
        if i < last:
            h = np.maximum(h, np.float32(0))
        out.append(h)
    return out


# -- schemes and the quantized network ----------------------------------------------------------


@dataclass(frozen=True)
class Scheme:
    """How weights and activations are quantized (the bit width is given apart).

    Weights: ``weight_scheme`` ("symmetric" | "asymmetric"), signed codes, MinMax range per
    tensor or per output channel (``per_channel``). Activations: ``act_scheme``
    ("asymmetric": unsigned codes; "symmetric": signed codes, zero point 0), range from the
    observer ``observer`` with ``params`` (name/value pairs for its constructor).
    """

    weight_scheme: str = "symmetric"
    per_channel: bool = False
    act_scheme: str = "asymmetric"
    observer: str = "moving_average"
    params: tuple = ()

    def __post_init__(self) -> None:
        for name in ("weight_scheme", "act_scheme"):
            if getattr(self, name) not in ("symmetric", "asymmetric"):
                raise ValueError(f"{name}={getattr(self, name)!r} is not symmetric or asymmetric")

    def weight_config(self, bits: int) -> QuantConfig:
        return QuantConfig(bits, self.weight_scheme, signed=True)

    def act_config(self, bits: int) -> QuantConfig:
        return QuantConfig(bits, self.act_scheme, signed=self.act_scheme == "symmetric")


#: The notes' advice: weights symmetric with MinMax, activations asymmetric with the moving
#: average (PyTorch's default averaging constant 0.01).
ADVICE = Scheme("symmetric", False, "asymmetric", "moving_average",
                (("averaging_constant", 0.01),))


def _check_batches(batches: int, available: int) -> int:
    if isinstance(batches, bool) or not isinstance(batches, (int, np.integer)) \
            or not 1 <= batches <= available:
        raise ValueError(f"batches={batches!r} must be an integer in 1..{available}")
    return int(batches)


def calibration_batches(calib_x: np.ndarray, batches: int) -> list[np.ndarray]:
    """The first ``batches`` consecutive batches of :data:`BATCH` calibration images."""
    n = _check_batches(batches, len(calib_x) // BATCH)
    return [calib_x[i * BATCH:(i + 1) * BATCH] for i in range(n)]


def calibration_values(net: Network, calib_x: np.ndarray,
                       batches: int) -> tuple[tuple[np.ndarray, ...], ...]:
    """``values[p][k]``: the float network's values at point ``p`` (:data:`POINTS`) on
    calibration batch ``k`` of :func:`calibration_batches`."""
    acts = [activations(net, b) for b in calibration_batches(calib_x, batches)]
    return tuple(tuple(a[p] for a in acts) for p in range(len(net.weights) + 1))


def point_range(values: tuple[np.ndarray, ...], scheme: Scheme,
                bits: int) -> tuple[float, float]:
    """``(x_min, x_max)`` of one activation point after calibration on its batches ``values``.

    The point's own observer ``scheme.observer`` (with ``scheme.params`` and the activation
    config at ``bits``, which the MSE and entropy searches use) is updated batch by batch; the
    observers of :data:`WHOLE_SAMPLE_OBSERVERS` get all batches in one update (the same range,
    one search instead of ``batches``).
    """
    obs = make_observer(scheme.observer, scheme.act_config(bits), **dict(scheme.params))
    if scheme.observer in WHOLE_SAMPLE_OBSERVERS:
        obs.update(np.concatenate([v.ravel() for v in values]))
    else:
        for v in values:
            obs.update(v)
    return obs.x_min, obs.x_max


def activation_ranges(net: Network, calib_x: np.ndarray, scheme: Scheme, bits: int,
                      batches: int) -> tuple[tuple[float, float], ...]:
    """:func:`point_range` of each activation point, the float network run on ``batches``
    calibration batches."""
    return tuple(point_range(v, scheme, bits)
                 for v in calibration_values(net, calib_x, batches))


def all_nonnegative(values: tuple[np.ndarray, ...]) -> bool:
    """Whether every value of a point's batches is ``>= 0`` (ReLU outputs, the pixels)."""
    return min(float(v.min()) for v in values) >= 0


#: Observers whose range ignores the config: it depends on the values seen only.
CONFIG_FREE_OBSERVERS = ("minmax", "moving_average", "percentile")

Calibrate = Callable[[Scheme, int], tuple]


def point_range_key(scheme: Scheme, bits: int, nonnegative: bool) -> tuple:
    """What :func:`point_range` depends on besides the point's values (and so its batches).

    MinMax, moving average and percentile ranges depend on the values seen only. The entropy
    search sees the config only through its number of levels,
    :func:`quantviz.observers.entropy_levels` of the values' signs (``EntropyObserver``): on
    non-negative values (ReLU outputs, the pixels) signed symmetric ``b`` bits and unsigned
    asymmetric ``b - 1`` bits both have ``2^(b-1)`` levels and share one search. MSE (and any
    other observer) scores candidates on the whole grid: the activation scheme and the bit
    width. Weights never enter.
    """
    if scheme.observer in CONFIG_FREE_OBSERVERS:
        return (scheme.observer, scheme.params)
    if scheme.observer == "entropy":
        return (scheme.observer, scheme.params,
                entropy_levels(scheme.act_config(bits), nonnegative=nonnegative))
    return (scheme.observer, scheme.params, scheme.act_scheme, bits)


def calibrator(net: Network, data: DigitsData, batches: int,
               calibrate: Calibrate | None = None) -> Calibrate:
    """``calibrate`` or, when None, ``(scheme, bits) -> activation_ranges(...)`` on ``batches``.

    The study functions take a ``calibrate`` so that a caller can share ranges between them
    (the app caches each point's range by :func:`point_range_key`).
    """
    if calibrate is not None:
        return calibrate
    return lambda scheme, bits: activation_ranges(net, data.calib_x, scheme, bits, batches)


def weight_qparams(w: np.ndarray, cfg: QuantConfig, per_channel: bool) -> QParams:
    """MinMax parameters of a weight matrix: one range, or one per output channel (row)."""
    if per_channel:
        return compute_qparams(*channel_minmax(w, axis=0), cfg)
    return compute_qparams(float(w.min()), float(w.max()), cfg)


@dataclass(frozen=True)
class Plan:
    """Which weights (one flag per layer) and activation points (one per :data:`POINTS`)
    are quantized."""

    weights: tuple[bool, ...]
    points: tuple[bool, ...]


def plan(mode: str, layers: tuple[int, ...] | None = None, n_layers: int = 3) -> Plan:
    """The quantizers ``mode`` switches on, for every layer or only ``layers``.

    ``mode``: "weights" (weights only, W{b}A32), "activations" (activations only, W32A{b}) or
    "both". Quantizing layer ``i`` alone means, as AIMET's quant analyzer does it
    (``perform_per_layer_analysis_by_enabling_quant_wrappers``: one layer's parameter and
    activation quantizers on, all others off): its weights and its output (point ``i + 1``),
    plus the network's input for the first layer.
    """
    if mode not in MODES:
        raise ValueError(f"mode={mode!r} is not one of {', '.join(MODES)}")
    chosen = tuple(range(n_layers)) if layers is None else tuple(layers)
    for i in chosen:
        if not 0 <= i < n_layers:
            raise ValueError(f"layer {i} does not exist (the network has {n_layers})")
    w = tuple(mode != "activations" and i in chosen for i in range(n_layers))
    points = [False] * (n_layers + 1)
    if mode != "weights":
        for i in chosen:
            points[i + 1] = True
        points[0] = 0 in chosen
    return Plan(w, tuple(points))


@dataclass(frozen=True)
class QuantizedNetwork:
    """Fake-quantized weights and the activation parameters (None where a point stays float)."""

    net: Network
    weights: tuple[np.ndarray, ...]
    weight_qparams: tuple[QParams | None, ...]
    act_qparams: tuple[QParams | None, ...]


def quantize_network(net: Network, scheme: Scheme, bits: int,
                     ranges: tuple[tuple[float, float], ...], which: Plan) -> QuantizedNetwork:
    """The network with ``which`` quantizers on at ``bits`` (weights and activations alike)."""
    wcfg, acfg = scheme.weight_config(bits), scheme.act_config(bits)
    ws, wqps = [], []
    for w, on in zip(net.weights, which.weights, strict=True):
        if on:
            qp = weight_qparams(w, wcfg, scheme.per_channel)
            ws.append(fake_quantize(w, qp, axis=0 if scheme.per_channel else None))
            wqps.append(qp)
        else:
            ws.append(w)
            wqps.append(None)
    aqps = tuple(compute_qparams(lo, hi, acfg) if on else None
                 for (lo, hi), on in zip(ranges, which.points, strict=True))
    return QuantizedNetwork(net, tuple(ws), tuple(wqps), aqps)


def quantized_forward(qnet: QuantizedNetwork, x: np.ndarray) -> np.ndarray:
    """Fake-quantized logits: each active point's values pass through ``fake_quantize``."""
    return _fake_chain(qnet, x)[0]


def _fake_chain(qnet: QuantizedNetwork,
                x: np.ndarray) -> tuple[np.ndarray, list[np.ndarray | None]]:
    """The fake-quantized logits and the codes at each point (None where a point is float).

    ``fake_quantize(h) = dequantize(quantize(h))``; the codes are the ``quantize`` step.
    """
    codes: list[np.ndarray | None] = []

    def fq(h: np.ndarray, p: int) -> np.ndarray:
        qp = qnet.act_qparams[p]
        if qp is None:
            codes.append(None)
            return h
        q = quantize(h, qp)
        codes.append(q)
        return dequantize(q, qp)

    h = fq(np.asarray(x, dtype=np.float32), 0)
    last = len(qnet.weights) - 1
    for i, (w, b) in enumerate(zip(qnet.weights, qnet.net.biases, strict=True)):
        h = h @ w.T + b
        if i < last:
            h = np.maximum(h, np.float32(0))
        h = fq(h, i + 1)
    return h, codes


# -- evaluations --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Score:
    """Correct answers and agreement with the float model on ``n`` test images."""

    correct: int
    agree: int
    n: int

    @property
    def accuracy(self) -> float:
        return self.correct / self.n

    @property
    def agreement(self) -> float:
        return self.agree / self.n


def float_predictions(net: Network, data: DigitsData) -> np.ndarray:
    """The float network's answers on the test images."""
    return np.argmax(forward(net, data.test_x), axis=1)


def predictions(net: Network, data: DigitsData, scheme: Scheme, bits: int, mode: str,
                batches: int, layers: tuple[int, ...] | None = None,
                ranges: tuple | None = None) -> np.ndarray:
    """The quantized network's answers on the test images (``ranges`` from
    :func:`activation_ranges` when already known)."""
    if ranges is None:
        ranges = activation_ranges(net, data.calib_x, scheme, bits, batches)
    qnet = quantize_network(net, scheme, bits, ranges, plan(mode, layers, len(net.weights)))
    return np.argmax(quantized_forward(qnet, data.test_x), axis=1)


def score(pred: np.ndarray, float_pred: np.ndarray, labels: np.ndarray) -> Score:
    return Score(int(np.count_nonzero(pred == labels)),
                 int(np.count_nonzero(pred == float_pred)), int(labels.size))


def evaluate(net: Network, data: DigitsData, scheme: Scheme, bits: int, mode: str,
             batches: int, layers: tuple[int, ...] | None = None,
             calibrate: Calibrate | None = None) -> Score:
    """Accuracy and agreement of the network quantized by ``scheme`` at ``bits``."""
    ranges = calibrator(net, data, batches, calibrate)(scheme, bits)
    pred = predictions(net, data, scheme, bits, mode, batches, layers, ranges)
    return score(pred, float_predictions(net, data), data.test_labels)


@dataclass(frozen=True)
class BitSweep:
    """``scores[mode][k]``: the score at ``bits[k]`` with ``mode`` quantized."""

    bits: tuple[int, ...]
    scores: dict[str, tuple[Score, ...]]

    def series(self, mode: str, field: str) -> list[float]:
        return [getattr(s, field) for s in self.scores[mode]]

    def lowest_bits_within(self, mode: str, correct: int, slack: int = 1) -> int | None:
        """The fewest bits from which on every width keeps at least ``correct - slack`` right
        answers (None if even the widest does not)."""
        found = None
        for b, s in zip(reversed(self.bits), reversed(self.scores[mode]), strict=True):
            if s.correct < correct - slack:
                break
            found = b
        return found


def bit_sweep(net: Network, data: DigitsData, scheme: Scheme, batches: int,
              bits: tuple[int, ...] = SWEEP_BITS,
              calibrate: Calibrate | None = None) -> BitSweep:
    """Score of weights only, activations only and both at every bit width of ``bits``."""
    calibrate = calibrator(net, data, batches, calibrate)
    float_pred = float_predictions(net, data)
    scores: dict[str, list[Score]] = {m: [] for m in MODES}
    for b in bits:
        ranges = calibrate(scheme, b)
        for m in MODES:
            pred = predictions(net, data, scheme, b, m, batches, ranges=ranges)
            scores[m].append(score(pred, float_pred, data.test_labels))
    return BitSweep(tuple(bits), {m: tuple(v) for m, v in scores.items()})


#: A chart of percentages shows at least this many points below its reference (the float
#: network's accuracy, or 100 % agreement): differences of a point or two between schemes stay
#: visible, and values further down leave the chart (the tables hold them).
FOCUS_POINTS = 10.0
#: Room above and below the values on such a chart, in points (bar labels sit above).
FOCUS_PAD = 1.5


@dataclass(frozen=True)
class PercentAxis:
    """The y range ``[lo, hi]`` of a chart of percentages, and what falls below it.

    ``below`` holds the x keys (bit widths, layer names) with a value under ``lo``;
    ``lowest`` is the smallest value of all (``nan`` with no finite value).
    """

    lo: float
    hi: float
    below: tuple
    lowest: float


def percent_axis(series: dict[str, list[float]], reference: float, keys: tuple | list,
                 focus: float = FOCUS_POINTS, pad: float = FOCUS_PAD) -> PercentAxis:
    """A y range read from the data instead of 0..100 %, so that a few points show.

    ``series[name][i]`` is a percentage at ``keys[i]``. With ``m`` the smallest finite value
    and ``M`` the largest (``reference`` counted in both):
    ``lo = max(0, max(m, reference - focus) - pad)``, ``hi = M + pad``. Values under ``lo``
    (only when ``m < reference - focus``) leave the chart; their keys are ``below``.
    E.g. float 96.9 %, values from 15 to 97.2: ``lo = 86.9 - 1.5 = 85.4``, ``hi = 98.7``.
    Non-finite values are ignored; ``focus < 0`` or ``pad < 0`` raise ``ValueError``.
    """
    if not (focus >= 0 and pad >= 0):
        raise ValueError(f"focus={focus!r} and pad={pad!r} must be >= 0")
    values = [float(v) for ys in series.values() for v in ys if np.isfinite(v)]
    lowest = min(values) if values else float("nan")
    m = min([*values, float(reference)])
    top = max([*values, float(reference)])
    lo = max(0.0, max(m, reference - focus) - pad)
    below = tuple(k for i, k in enumerate(keys)
                  if any(np.isfinite(ys[i]) and ys[i] < lo for ys in series.values()))
    return PercentAxis(lo, top + pad, below, lowest)


# -- number formats on the bit-width axis -------------------------------------------------------

#: The formats of :mod:`quantviz.formats` the bit-width view places beside the integer lines.
FORMAT_CHOICES = ("fp8_e4m3", "fp8_e5m2", "mxfp8_e4m3", "mxfp6_e2m3", "mxfp4", "nvfp4", "nf4",
                  "int4_group_fp16")
#: Weight-only formats: their kernels (bitsandbytes' NF4, int4-group GEMMs such as GPTQ's and
#: AWQ's) dequantize the weights to 16-bit floats and multiply 16-bit activations, so their
#: activations are never in the format.
WEIGHT_ONLY_FORMATS = ("nf4", "int4_group_fp16")


#: The modes formats are scored in: weights only (the model's size) and weights with
#: activations (what a matrix unit taking both operands in the format computes).
FORMAT_MODES = ("weights", "both")


def format_modes(fmt: str) -> tuple[str, ...]:
    """The modes a format is scored in: weights only for :data:`WEIGHT_ONLY_FORMATS`, both of
    :data:`FORMAT_MODES` otherwise (FP8, MX and NVFP4 have matrix units that take both
    operands)."""
    return ("weights",) if fmt in WEIGHT_ONLY_FORMATS else FORMAT_MODES


def weights_bits_per_value(net: Network, fmt: str) -> float:
    """Stored bits per weight of the whole network in ``fmt``, scales counted:
    ``sum_i bits_per_value(fmt, W_i.shape) * W_i.size / sum_i W_i.size``."""
    n = sum(w.size for w in net.weights)
    return sum(bits_per_value(fmt, w.shape) * w.size for w in net.weights) / n


def format_activation(h: np.ndarray, fmt: str) -> np.ndarray:
    """Activations ``h`` (images x features) in ``fmt``, scaled at run time, image by image.

    Blocks run along the features (the next layer's reduction axis, as MX and NVFP4 matrix
    units take them); each image gets its own scales: for a :func:`quantviz.formats.row_local`
    format that is the whole batch at once, for per-tensor formats and NVFP4 each row goes
    through on its own (per-token dynamic scaling), so an image's result never depends on
    the other images of the batch.
    """
    h = np.asarray(h, dtype=np.float32)
    if row_local(fmt):
        return fake_quantize_format(h, fmt)
    return np.stack([fake_quantize_format(row, fmt) for row in h])


def format_logits(net: Network, x: np.ndarray, fmt: str, which: Plan) -> np.ndarray:
    """Logits with ``which`` quantizers on in ``fmt``: weights through
    ``fake_quantize_format`` (blocks along the input features), activation points through
    :func:`format_activation`; bias, products and ReLU in float32 as in :func:`forward`."""
    ws = [fake_quantize_format(w, fmt) if on else w
          for w, on in zip(net.weights, which.weights, strict=True)]
    h = np.asarray(x, dtype=np.float32)
    h = format_activation(h, fmt) if which.points[0] else h
    last = len(ws) - 1
    for i, (w, b) in enumerate(zip(ws, net.biases, strict=True)):
        h = h @ w.T + b
        if i < last:
            h = np.maximum(h, np.float32(0))
        if which.points[i + 1]:
            h = format_activation(h, fmt)
    return h


@dataclass(frozen=True)
class FormatScore:
    """One format on the network: bits per weight (scales counted) and the score per mode
    (only the modes of :func:`format_modes`)."""

    fmt: str
    bits_per_value: float
    scores: dict[str, Score]


def format_sweep(net: Network, data: DigitsData,
                 fmts: tuple[str, ...] = FORMAT_CHOICES) -> tuple[FormatScore, ...]:
    """Each format of ``fmts`` in each of its modes. No calibration: every scale comes from
    the values it scales (weights when quantized, activations at run time)."""
    for fmt in fmts:
        if fmt not in FORMATS:
            raise ValueError(f"fmt={fmt!r} is not one of {', '.join(FORMATS)}")
    float_pred = float_predictions(net, data)
    out = []
    for fmt in fmts:
        scores = {}
        for m in format_modes(fmt):
            logits = format_logits(net, data.test_x, fmt, plan(m, n_layers=len(net.weights)))
            scores[m] = score(np.argmax(logits, axis=1), float_pred, data.test_labels)
        out.append(FormatScore(fmt, weights_bits_per_value(net, fmt), scores))
    return tuple(out)


@dataclass(frozen=True)
class LayerScore:
    """One layer quantized alone: its weights, its activations, and both."""

    name: str
    weights: Score
    activations: Score
    both: Score


def layer_sensitivity(net: Network, data: DigitsData, scheme: Scheme, bits: int,
                      batches: int, ranges: tuple | None = None) -> tuple[LayerScore, ...]:
    """Each layer quantized alone (see :func:`plan`), every other layer in float
    (``ranges`` from :func:`activation_ranges` when already known)."""
    if ranges is None:
        ranges = activation_ranges(net, data.calib_x, scheme, bits, batches)
    float_pred = float_predictions(net, data)
    out = []
    for i, name in enumerate(net.names):
        s = {m: score(predictions(net, data, scheme, bits, m, batches, (i,), ranges),
                      float_pred, data.test_labels) for m in MODES}
        out.append(LayerScore(name, s["weights"], s["activations"], s["both"]))
    return tuple(out)


def most_sensitive(layers: tuple[LayerScore, ...]) -> LayerScore:
    """The layer whose quantization alone loses the most accuracy (weights and activations);
    ties go to the one that agrees least with the float model, then to the first."""
    return min(layers, key=lambda s: (s.both.correct, s.both.agree))


@dataclass(frozen=True)
class CalibratorScore:
    """An observer's activation ranges and the scores they give."""

    observer: str
    ranges: tuple[tuple[float, float], ...]
    activations: Score
    both: Score


#: The calibrators compared, with the parameters the comparison uses.
CALIBRATORS: tuple[tuple[str, tuple], ...] = (
    ("minmax", ()),
    ("moving_average", (("averaging_constant", 0.01),)),
    ("percentile", (("percentile", 99.99),)),
    ("mse", ()),
    ("entropy", ()),
)


def compare_calibrators(net: Network, data: DigitsData, scheme: Scheme, bits: int,
                        batches: int,
                        calibrate: Calibrate | None = None) -> tuple[CalibratorScore, ...]:
    """Every observer of :data:`CALIBRATORS` for the activations, the rest of ``scheme`` kept."""
    calibrate = calibrator(net, data, batches, calibrate)
    float_pred = float_predictions(net, data)
    out = []
    for name, params in CALIBRATORS:
        s = replace(scheme, observer=name, params=params)
        ranges = calibrate(s, bits)
        a, both = (score(predictions(net, data, s, bits, m, batches, ranges=ranges), float_pred,
                         data.test_labels) for m in ("activations", "both"))
        out.append(CalibratorScore(name, ranges, a, both))
    return tuple(out)


def narrowest_range(ranges: tuple[tuple[float, float], ...],
                    reference: tuple[tuple[float, float], ...]) -> tuple[int, float]:
    """The point whose range is the smallest share of the reference's: ``(point, share)``.

    ``share = (x_max - x_min) / (ref_max - ref_min)`` (1 where the reference range is empty);
    the first point wins a tie. With MinMax as the reference, where a calibrator clips most.
    """
    shares = [(hi - lo) / (rhi - rlo) if rhi > rlo else 1.0
              for (lo, hi), (rlo, rhi) in zip(ranges, reference, strict=True)]
    p = int(np.argmin(shares))
    return p, float(shares[p])


#: The notes' advice and what it is tested against: one choice changed at a time.
ADVICE_VARIANTS: dict[str, Scheme] = {
    "advice": ADVICE,
    "weights_asymmetric": replace(ADVICE, weight_scheme="asymmetric"),
    "weights_per_channel": replace(ADVICE, per_channel=True),
    "activations_minmax": replace(ADVICE, observer="minmax", params=()),
    "activations_symmetric": replace(ADVICE, act_scheme="symmetric"),
}


@dataclass(frozen=True)
class Versus:
    """A variant against the advice on the same test images, at one bit width.

    ``gained``: images the variant gets right and the advice wrong; ``lost``: the reverse.
    McNemar's test: ``difference = gained - lost`` has the standard error ``noise =
    sqrt(gained + lost)`` when the two are equally good; beyond noise when ``|difference| >
    2 noise`` (about the 95 % level). Images both get right, or both wrong, say nothing.
    """

    name: str
    bits: int
    score: Score
    gained: int
    lost: int

    @property
    def difference(self) -> int:
        return self.gained - self.lost

    @property
    def noise(self) -> float:
        return float(np.sqrt(self.gained + self.lost))

    @property
    def beyond_noise(self) -> bool:
        return abs(self.difference) > 2 * self.noise


@dataclass(frozen=True)
class AdviceTest:
    """Scores of the advice and each variant (``scores[name][k]`` at ``bits[k]``), and each
    variant against the advice (``versus[name][k]``)."""

    bits: tuple[int, ...]
    scores: dict[str, tuple[Score, ...]]
    versus: dict[str, tuple[Versus, ...]]


def versus(name: str, bits: int, pred: np.ndarray, advice_pred: np.ndarray,
           float_pred: np.ndarray, labels: np.ndarray) -> Versus:
    """``pred`` against ``advice_pred`` on the same images (see :class:`Versus`)."""
    right, advice_right = pred == labels, advice_pred == labels
    return Versus(name, bits, score(pred, float_pred, labels),
                  int(np.count_nonzero(right & ~advice_right)),
                  int(np.count_nonzero(advice_right & ~right)))


def advice_test(net: Network, data: DigitsData, batches: int,
                bits: tuple[int, ...] = (8, 4),
                calibrate: Calibrate | None = None) -> AdviceTest:
    """The advice and each variant (weights and activations quantized) at each of ``bits``."""
    calibrate = calibrator(net, data, batches, calibrate)
    float_pred = float_predictions(net, data)
    preds = {name: [predictions(net, data, s, b, "both", batches, ranges=calibrate(s, b))
                    for b in bits] for name, s in ADVICE_VARIANTS.items()}
    scores = {name: tuple(score(p, float_pred, data.test_labels) for p in ps)
              for name, ps in preds.items()}
    vs = {name: tuple(versus(name, b, p, preds["advice"][k], float_pred, data.test_labels)
                      for k, (b, p) in enumerate(zip(bits, ps, strict=True)))
          for name, ps in preds.items() if name != "advice"}
    return AdviceTest(tuple(bits), scores, vs)


#: Every scheme of the scheme table: weights {symmetric, asymmetric} x {per tensor, per
#: channel}, activations {asymmetric, symmetric}.
TABLE_SCHEMES: tuple[tuple[str, bool, str], ...] = tuple(
    (w, pc, a) for w in ("symmetric", "asymmetric") for pc in (False, True)
    for a in ("asymmetric", "symmetric"))


def scheme_table(net: Network, data: DigitsData, observer: str, params: tuple, batches: int,
                 bits: tuple[int, ...] = (8, 4), calibrate: Calibrate | None = None,
                 ) -> dict[tuple[str, bool, str], dict[str, tuple[Score, ...]]]:
    """Scores of every :data:`TABLE_SCHEMES` entry, per mode, at each of ``bits``."""
    calibrate = calibrator(net, data, batches, calibrate)
    float_pred = float_predictions(net, data)
    out = {}
    for w, pc, a in TABLE_SCHEMES:
        s = Scheme(w, pc, a, observer, params)
        per_mode: dict[str, list[Score]] = {m: [] for m in MODES}
        for b in bits:
            ranges = calibrate(s, b)
            for m in MODES:
                pred = predictions(net, data, s, b, m, batches, ranges=ranges)
                per_mode[m].append(score(pred, float_pred, data.test_labels))
        out[(w, pc, a)] = {m: tuple(v) for m, v in per_mode.items()}
    return out


@dataclass(frozen=True)
class Mistakes:
    """Test images the quantized network gets wrong, those the float network got right first.

    ``index`` into the test set, with the label, the float and the quantized answer; at most
    ``limit`` of them (``total`` is how many there are, ``flipped`` how many of those the
    float network answered correctly).
    """

    index: np.ndarray
    labels: np.ndarray
    float_pred: np.ndarray
    quant_pred: np.ndarray
    total: int
    flipped: int


def mistakes(quant_pred: np.ndarray, float_pred: np.ndarray, labels: np.ndarray,
             limit: int = 12) -> Mistakes:
    """The quantized network's wrong answers, flipped ones (float right) first, in test order."""
    wrong = np.flatnonzero(quant_pred != labels)
    flipped = float_pred[wrong] == labels[wrong]
    order = np.concatenate([wrong[flipped], wrong[~flipped]])[:limit]
    return Mistakes(order, labels[order], float_pred[order], quant_pred[order],
                    int(wrong.size), int(np.count_nonzero(flipped)))


# -- the integer-only network (x86 FBGEMM) ------------------------------------------------------

#: The integer kernels take uint8 activations and int8 weights: at most 8 bits.
INTEGER_MAX_BITS = 8


def integer_problem(scheme: Scheme, bits: int) -> str | None:
    """Why the integer path cannot run this setting (None when it can).

    "activations": FBGEMM's quantized linear takes unsigned (quint8) activations only, so
    symmetric signed activations have no integer kernel there. "bits": codes wider than 8
    bits do not fit uint8/int8.
    """
    if scheme.act_scheme != "asymmetric":
        return "activations"
    if bits > INTEGER_MAX_BITS:
        return "bits"
    return None


def integer_layer(qnet: QuantizedNetwork, i: int, x_q: np.ndarray, *,
                  saturate: bool = False) -> np.ndarray:
    """Output codes of layer ``i`` from its input codes ``x_q``, integers only.

    ``quantized_linear`` (FBGEMM's arithmetic: int32 accumulation of uint8 x int8 products,
    float32 bias and requantization; ReLU fused into the clamp for every layer but the last),
    with the weight codes of ``qnet``'s parameters. Below 8 bits the uint8 output codes are
    then clamped to the activation range ``[qmin, qmax]`` (FBGEMM itself always stores 8-bit
    codes; at 8 bits the clamp changes nothing). ``saturate=True`` models AVX2 without VNNI.
    """
    wqp, x_qp, y_qp = qnet.weight_qparams[i], qnet.act_qparams[i], qnet.act_qparams[i + 1]
    if wqp is None or x_qp is None or y_qp is None:
        raise ValueError(f"layer {i} needs its weights, input and output quantized")
    axis = None if wqp.per_tensor else 0
    w_q = quantize(qnet.net.weights[i], wqp, axis=axis)
    last = i == len(qnet.weights) - 1
    y_q = quantized_linear(x_q, x_qp, w_q, wqp, qnet.net.biases[i], y_qp, relu=not last,
                           saturate=saturate)
    return np.clip(y_q, y_qp.qmin, y_qp.qmax).astype(np.uint8)


def integer_forward(qnet: QuantizedNetwork, x: np.ndarray, *,
                    saturate: bool = False) -> list[np.ndarray]:
    """Codes at every point of the integer-only network (input, each ReLU output, logits).

    The input is quantized as ``torch.quantize_per_tensor`` does on x86 (the "fbgemm"
    arithmetic: zero point added before the one rounding); everything after it is integer
    codes in, integer codes out (:func:`integer_layer`).
    """
    qp0 = qnet.act_qparams[0]
    if qp0 is None:
        raise ValueError("the integer path needs the input quantized")
    fused = replace(qp0, config=replace(qp0.config, arithmetic="fbgemm"))
    codes = [quantize(np.asarray(x, dtype=np.float32), fused).astype(np.uint8)]
    for i in range(len(qnet.weights)):
        codes.append(integer_layer(qnet, i, codes[-1], saturate=saturate))
    return codes


@dataclass(frozen=True)
class IntegerCheck:
    """The integer-only network beside the fake-quantized one, at one setting.

    Per layer, fed the same input codes (the fake path's): ``equal[i]`` of ``total[i]`` output
    codes agree, the largest difference is ``max_diff[i]`` codes; ``chain_equal[p]`` counts
    equal codes at point ``p`` when each path runs on its own outputs. Scores of both paths
    and ``agree`` (the two give the same answer). ``saturated_pairs`` of ``pairs`` AVX2 pair
    sums leave int16 over the whole test set; ``avx2`` scores the network computed that way.
    """

    bits: int
    equal: tuple[int, ...]
    total: tuple[int, ...]
    max_diff: tuple[int, ...]
    chain_equal: tuple[int, ...]
    fake: Score
    integer: Score
    agree: int
    pairs: int
    saturated_pairs: int
    avx2: Score


def integer_check(net: Network, data: DigitsData, scheme: Scheme, bits: int, batches: int,
                  ranges: tuple | None = None) -> IntegerCheck:
    """Run both paths with weights and activations quantized (see :class:`IntegerCheck`)."""
    problem = integer_problem(scheme, bits)
    if problem is not None:
        raise ValueError(f"no integer path for this setting ({problem}): "
                         f"act_scheme={scheme.act_scheme!r}, bits={bits}")
    if ranges is None:
        ranges = activation_ranges(net, data.calib_x, scheme, bits, batches)
    qnet = quantize_network(net, scheme, bits, ranges, plan("both", n_layers=len(net.weights)))
    logits, fake_codes = _fake_chain(qnet, data.test_x)
    int_codes = integer_forward(qnet, data.test_x)
    equal, total, max_diff = [], [], []
    pairs = saturated = 0
    # a pair sum reaches at most 2 * qmax * 128 in magnitude (int8 weights reach -128): below
    # 8 bits it stays inside int16 and AVX2 computes what VNNI does
    can_saturate = 2 * scheme.act_config(bits).qmax * 128 > INT16_MAX
    for i in range(len(net.weights)):
        x_q = fake_codes[i].astype(np.uint8)
        y_int = integer_layer(qnet, i, x_q).astype(np.int64)
        y_fake = fake_codes[i + 1].astype(np.int64)
        equal.append(int(np.count_nonzero(y_int == y_fake)))
        total.append(int(y_fake.size))
        max_diff.append(int(np.max(np.abs(y_int - y_fake))))
        if can_saturate:
            w_q = quantize(net.weights[i], qnet.weight_qparams[i],
                           axis=None if qnet.weight_qparams[i].per_tensor else 0)
            sat = count_pair_saturation(int_codes[i], w_q)
            pairs += sat.pairs
            saturated += sat.saturated
        else:
            out_features, in_features = net.weights[i].shape
            pairs += len(data.test_x) * out_features * -(-in_features // 2)
    chain_equal = tuple(int(np.count_nonzero(a.astype(np.int64) == b.astype(np.int64)))
                        for a, b in zip(int_codes, fake_codes, strict=True))
    float_pred = float_predictions(net, data)
    fake_pred = np.argmax(logits, axis=1)
    int_pred = np.argmax(int_codes[-1], axis=1)
    avx2_pred = int_pred
    if saturated:
        avx2_pred = np.argmax(integer_forward(qnet, data.test_x, saturate=True)[-1], axis=1)
    return IntegerCheck(bits, tuple(equal), tuple(total), tuple(max_diff), chain_equal,
                        score(fake_pred, float_pred, data.test_labels),
                        score(int_pred, float_pred, data.test_labels),
                        int(np.count_nonzero(fake_pred == int_pred)), pairs, saturated,
                        score(avx2_pred, float_pred, data.test_labels))
