"""Quantization-aware fine-tuning of the digits network, in numpy: STE against LSQ.

The digits MLP (:mod:`quantviz.studies.model`) is fine-tuned with fake-quantized weights (per
tensor, symmetric, signed codes) and activations (the network's input and both ReLU outputs,
unsigned codes; the logits stay float32 for the loss and the argmax), every quantizer being
:mod:`quantviz.qat`'s (equal to PyTorch's kernels):

- "ste": scales and zero points fixed at their MinMax values, gradients through the
  straight-through estimator (``dx = grad * mask``);
- "lsq": the same start, and every scale learned with LSQ's gradient (Esser et al., ICLR 2020,
  eq. 3), scaled by ``g = 1/sqrt(N * qmax)`` (section 2.2; ``N`` the weight count, or the
  features per image for an activation), floored at float32's eps as torch's
  ``_LearnableFakeQuantize`` clamps it. Zero points stay at their MinMax values.

The committed data carry no training labels (only 320 unlabelled calibration images and the
labelled test set), so the fine-tuning distils the float network: the loss is the cross
entropy between the float network's softmax (the teacher) and the quantized one's, on the
calibration images; accuracy is measured on the test set. Plain SGD with momentum, batches of
:data:`BATCH` in an order drawn from ``seed``: same arguments, same numbers.

Oscillations (Nagel et al., "Overcoming Oscillations in Quantization-Aware Training", ICML
2022, section 3): a latent weight near a rounding boundary makes its integer code flip back
and forth. An oscillation is a code change opposite in direction to the weight's previous
change (their section 4.2); each epoch counts them and the weights that had one. The damping
option is their iterative weight freezing (section 4.2): an exponential moving average of
oscillation events per weight, ``f = m * o + (1 - m) * f``; a weight whose ``f`` exceeds a
threshold is frozen at its code (the rounded moving average of its codes) and no longer
updated.

The post-training baseline quantizes the same points with MinMax ranges on the calibration
images, weights per tensor or per output channel (as the model study's MinMax weights).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np

from quantviz import qat
from quantviz.quantize import QuantConfig, channel_minmax, compute_qparams, fake_quantize
from quantviz.studies.model import DigitsData, Network, activations, load_study

F32 = np.float32
#: Images per training step (320 calibration images: ten steps an epoch).
BATCH = 32
#: The activation points quantized: the input and the two ReLU outputs (not the logits).
ACT_POINTS = (0, 1, 2)
METHODS = ("ste", "lsq")
#: torch's ``_LearnableFakeQuantize`` keeps a learned scale at or above float32's eps.
SCALE_FLOOR = float(np.finfo(F32).eps)


@dataclass(frozen=True)
class QATConfig:
    """One fine-tuning run. ``bits``: 2..8 for weights and activations alike. ``freeze``:
    Nagel et al.'s weight freezing with moving-average momentum ``freeze_momentum`` and
    threshold ``freeze_threshold`` (oscillations per step)."""

    bits: int = 4
    method: str = "ste"
    epochs: int = 5
    lr: float = 0.01
    momentum: float = 0.9
    seed: int = 0
    freeze: bool = False
    freeze_momentum: float = 0.1
    freeze_threshold: float = 0.1

    def __post_init__(self) -> None:
        if isinstance(self.bits, bool) or not isinstance(self.bits, int) \
                or not 2 <= self.bits <= 8:
            raise ValueError(f"bits={self.bits!r} must be an integer in 2..8")
        if self.method not in METHODS:
            raise ValueError(f"method={self.method!r} is not one of {METHODS}")
        if isinstance(self.epochs, bool) or not isinstance(self.epochs, int) \
                or not 0 <= self.epochs <= 100:
            raise ValueError(f"epochs={self.epochs!r} must be an integer in 0..100")
        for name in ("lr", "momentum", "freeze_momentum", "freeze_threshold"):
            v = getattr(self, name)
            if not (math.isfinite(v) and 0 <= v <= (1 if name != "lr" else 10)):
                raise ValueError(f"{name}={v!r} is out of range")


@dataclass(frozen=True)
class Quantizer:
    """A per-tensor fake quantizer: ``scale`` (float32), ``zero_point``, ``[qmin, qmax]``."""

    scale: float
    zero_point: int
    qmin: int
    qmax: int


def weight_quantizer(w: np.ndarray, bits: int) -> Quantizer:
    """MinMax, symmetric, signed codes (the model study's weights): ``scale = amax / ((qmax -
    qmin) / 2)``, zero point 0."""
    qp = compute_qparams(float(w.min()), float(w.max()), QuantConfig(bits, "symmetric",
                                                                     signed=True))
    return Quantizer(float(qp.scale), int(qp.zero_point), qp.qmin, qp.qmax)


def act_quantizer(x_min: float, x_max: float, bits: int) -> Quantizer:
    """MinMax, asymmetric, unsigned codes (quint8-like) over ``[min(x_min, 0), max(x_max, 0)]``."""
    qp = compute_qparams(x_min, x_max, QuantConfig(bits, "asymmetric", signed=False))
    return Quantizer(float(qp.scale), int(qp.zero_point), qp.qmin, qp.qmax)


def minmax_quantizers(net: Network, calib_x: np.ndarray,
                      bits: int) -> tuple[tuple[Quantizer, ...], tuple[Quantizer, ...]]:
    """``(weights, activations)``: the MinMax starting point (activations of the float network
    on all calibration images)."""
    acts = activations(net, calib_x)
    return (tuple(weight_quantizer(w, bits) for w in net.weights),
            tuple(act_quantizer(float(acts[p].min()), float(acts[p].max()), bits)
                  for p in ACT_POINTS))


def _fq(x: np.ndarray, q: Quantizer) -> tuple[np.ndarray, np.ndarray]:
    return qat.fake_quantize_forward(x, F32(q.scale), q.zero_point, q.qmin, q.qmax)


def quantized_logits(weights, biases, wq, aq, x: np.ndarray) -> np.ndarray:
    """Logits with fake-quantized weights and activations (inference)."""
    h = x
    for i, (w, b) in enumerate(zip(weights, biases, strict=True)):
        h = _fq(h, aq[i])[0]
        h = h @ _fq(w, wq[i])[0].T + b
        if i < len(weights) - 1:
            h = np.maximum(h, F32(0))
    return h


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _grad_factor(numel: int, q: Quantizer) -> float:
    return qat.lsq_grad_factor(numel, q.qmax)


@dataclass
class _State:
    """What a run updates (mutable, private to :func:`fine_tune`)."""

    weights: list
    biases: list
    wq: list
    aq: list
    velocity: dict
    last_code: list
    last_dir: list
    freq: list
    code_avg: list
    frozen: list


def _step(s: _State, cfg: QATConfig, x: np.ndarray, target: np.ndarray) -> list[np.ndarray]:
    """One SGD step on a batch; returns the weights' new codes."""
    n_layers = len(s.weights)
    ins, masks, w_hat, w_mask, pre = [], [], [], [], []
    h = x
    for i in range(n_layers):
        raw_in = h
        h, m = _fq(h, s.aq[i])
        ins.append((raw_in, h))
        masks.append(m)
        wh, wm = _fq(s.weights[i], s.wq[i])
        w_hat.append(wh)
        w_mask.append(wm)
        h = h @ wh.T + s.biases[i]
        pre.append(h)
        if i < n_layers - 1:
            h = np.maximum(h, F32(0))
    grad = ((_softmax(h) - target) / F32(len(x))).astype(F32)
    grads: dict[str, np.ndarray | float] = {}
    for i in reversed(range(n_layers)):
        if i < n_layers - 1:
            grad = grad * (pre[i] > 0)
        raw_in, a_hat = ins[i]
        d_what = grad.T @ a_hat
        grads[f"b{i}"] = grad.sum(axis=0)
        d_a = grad @ w_hat[i]
        grads[f"w{i}"], ds_w = _through(s.weights[i], s.wq[i], d_what, cfg,
                                        s.weights[i].size)
        if cfg.method == "lsq":
            grads[f"sw{i}"] = ds_w
        grad, ds_a = _through(raw_in, s.aq[i], d_a, cfg, raw_in.shape[1])
        if cfg.method == "lsq":
            grads[f"sa{i}"] = ds_a
    _apply(s, cfg, grads)
    return [np.rint(w * (F32(1) / F32(q.scale))).clip(q.qmin, q.qmax)
            for w, q in zip(s.weights, s.wq, strict=True)]


def _through(x: np.ndarray, q: Quantizer, grad: np.ndarray, cfg: QATConfig,
             numel: int) -> tuple[np.ndarray, float]:
    """The gradient through a fake quantizer: STE, or LSQ with its scale's gradient."""
    grad = grad.astype(F32)
    if cfg.method == "ste":
        return qat.fake_quantize_ste(x, q.scale, q.zero_point, q.qmin, q.qmax, grad)[1], 0.0
    b = qat.lsq_backward(x, q.scale, float(q.zero_point), q.qmin, q.qmax, grad,
                         _grad_factor(numel, q))
    return b.dx, float(np.sum(b.dscale, dtype=np.float64))


def _sgd(s: _State, key: str, value, grad, cfg: QATConfig):
    v = cfg.momentum * s.velocity.get(key, 0.0) + grad
    s.velocity[key] = v
    return value - cfg.lr * v


def _apply(s: _State, cfg: QATConfig, grads: dict) -> None:
    for i in range(len(s.weights)):
        w = _sgd(s, f"w{i}", s.weights[i], grads[f"w{i}"], cfg).astype(F32)
        s.weights[i] = np.where(s.frozen[i], s.weights[i], w)
        s.biases[i] = _sgd(s, f"b{i}", s.biases[i], grads[f"b{i}"], cfg).astype(F32)
        if cfg.method == "lsq":
            for key, qs in ((f"sw{i}", s.wq), (f"sa{i}", s.aq)):
                new = _sgd(s, key, qs[i].scale, grads[key], cfg)
                qs[i] = Quantizer(float(F32(max(new, SCALE_FLOOR))), qs[i].zero_point,
                                  qs[i].qmin, qs[i].qmax)


def _track(s: _State, cfg: QATConfig, codes: list[np.ndarray]) -> tuple[int, np.ndarray]:
    """Oscillation events this step (Nagel et al., section 4.2) and which weights had one;
    freezes weights whose moving-average frequency passes the threshold when asked."""
    events, who = 0, []
    for i, c in enumerate(codes):
        change = np.sign(c - s.last_code[i])
        osc = (change != 0) & (s.last_dir[i] != 0) & (change != s.last_dir[i])
        osc &= ~s.frozen[i]
        s.last_dir[i] = np.where(change != 0, change, s.last_dir[i])
        s.last_code[i] = c
        m = cfg.freeze_momentum
        s.freq[i] = m * osc + (1 - m) * s.freq[i]
        s.code_avg[i] = m * c + (1 - m) * s.code_avg[i]
        if cfg.freeze:
            new = (s.freq[i] > cfg.freeze_threshold) & ~s.frozen[i]
            q = s.wq[i]
            fixed = (np.rint(s.code_avg[i]) * F32(q.scale)).astype(F32)
            s.weights[i] = np.where(new, fixed, s.weights[i])
            s.frozen[i] = s.frozen[i] | new
        events += int(osc.sum())
        who.append(osc)
    return events, np.concatenate([o.ravel() for o in who])


@dataclass(frozen=True)
class QATResult:
    """A run's course. ``accuracy[e]``: test accuracy after ``e`` epochs (``[0]`` is the
    MinMax start, the per-tensor post-training baseline). ``oscillations[e]``: events in
    epoch ``e + 1``; ``oscillating[e]``: weights with at least one; ``frozen``: weights frozen
    at the end. Scales: learned (or kept) and the MinMax ones, weights per layer, then
    activations per point."""

    config: QATConfig
    accuracy: tuple[float, ...]
    oscillations: tuple[int, ...]
    oscillating: tuple[int, ...]
    frozen: int
    weight_scales: tuple[float, ...]
    minmax_weight_scales: tuple[float, ...]
    act_scales: tuple[float, ...]
    minmax_act_scales: tuple[float, ...]


def accuracy(weights, biases, wq, aq, data: DigitsData) -> float:
    pred = np.argmax(quantized_logits(weights, biases, wq, aq, data.test_x), axis=1)
    return float(np.count_nonzero(pred == data.test_labels) / data.test_labels.size)


@dataclass
class Training:
    """A run that can stop after any epoch and resume (mutable; :func:`start`,
    :func:`train_epoch`, :func:`result`). ``epochs_done`` epochs of ``config`` have run; the
    batch order of the next comes from ``rng``, so stopping and resuming gives the numbers of
    one uninterrupted :func:`fine_tune`."""

    config: QATConfig
    state: _State
    rng: np.random.Generator
    target: np.ndarray
    start_wq: tuple
    start_aq: tuple
    accuracy: list
    oscillations: list
    oscillating: list

    @property
    def epochs_done(self) -> int:
        return len(self.oscillations)


def start(net: Network, data: DigitsData, cfg: QATConfig) -> Training:
    """A run of ``cfg`` on a copy of ``net`` before its first epoch (``cfg.epochs`` is not
    read: :func:`train_epoch` runs one more each call)."""
    wq0, aq0 = minmax_quantizers(net, data.calib_x, cfg.bits)
    codes0 = [np.rint(w * (F32(1) / F32(q.scale))).clip(q.qmin, q.qmax)
              for w, q in zip(net.weights, wq0, strict=True)]
    s = _State([w.copy() for w in net.weights], [b.copy() for b in net.biases], list(wq0),
               list(aq0), {}, codes0, [np.zeros_like(c) for c in codes0],
               [np.zeros_like(c) for c in codes0], [c.copy() for c in codes0],
               [np.zeros(c.shape, bool) for c in codes0])
    target = _softmax(activations(net, data.calib_x)[-1]).astype(F32)
    return Training(cfg, s, np.random.default_rng(cfg.seed), target, wq0, aq0,
                    [accuracy(s.weights, s.biases, s.wq, s.aq, data)], [], [])


def train_epoch(run: Training, data: DigitsData) -> None:
    """One more epoch of ``run`` (batches of :data:`BATCH` in a fresh order from its rng);
    appends the test accuracy and the epoch's oscillation counts."""
    s, cfg = run.state, run.config
    order = run.rng.permutation(len(data.calib_x))
    events, seen = 0, None
    for k in range(0, len(order), BATCH):
        idx = order[k:k + BATCH]
        codes = _step(s, cfg, data.calib_x[idx], run.target[idx])
        e, who = _track(s, cfg, codes)
        events += e
        seen = who if seen is None else seen | who
    run.accuracy.append(accuracy(s.weights, s.biases, s.wq, s.aq, data))
    run.oscillating.append(int(seen.sum()) if seen is not None else 0)
    run.oscillations.append(events)


def result(run: Training) -> QATResult:
    """The course of ``run`` so far (its config with ``epochs`` set to the epochs done)."""
    s = run.state
    cfg = dataclasses.replace(run.config, epochs=run.epochs_done)
    return QATResult(cfg, tuple(run.accuracy), tuple(run.oscillations),
                     tuple(run.oscillating), int(sum(f.sum() for f in s.frozen)),
                     tuple(q.scale for q in s.wq), tuple(q.scale for q in run.start_wq),
                     tuple(q.scale for q in s.aq), tuple(q.scale for q in run.start_aq))


def fine_tune(net: Network, data: DigitsData, cfg: QATConfig) -> QATResult:
    """Fine-tune a copy of ``net`` as ``cfg`` says (see the module docstring):
    :func:`start`, ``cfg.epochs`` times :func:`train_epoch`, :func:`result`."""
    run = start(net, data, cfg)
    for _ in range(cfg.epochs):
        train_epoch(run, data)
    return result(run)


@dataclass(frozen=True)
class PTQBaseline:
    """Test accuracy after post-training quantization with MinMax ranges, weights per tensor
    and per output channel (activations per tensor as in :func:`fine_tune`)."""

    bits: int
    per_tensor: float
    per_channel: float


def ptq_baseline(net: Network, data: DigitsData, bits: int) -> PTQBaseline:
    """:class:`PTQBaseline` at ``bits``: no training, the quantizers :func:`fine_tune` starts
    from; per channel through :func:`quantviz.quantize.fake_quantize` (same kernel, one range
    per row)."""
    wq, aq = minmax_quantizers(net, data.calib_x, bits)
    per_tensor = accuracy(net.weights, net.biases, wq, aq, data)
    cfg = QuantConfig(bits, "symmetric", signed=True)
    w_pc = tuple(fake_quantize(w, compute_qparams(*channel_minmax(w, axis=0), cfg), axis=0)
                 for w in net.weights)
    h = data.test_x
    for i, (w, b) in enumerate(zip(w_pc, net.biases, strict=True)):
        h = _fq(h, aq[i])[0] @ w.T + b
        if i < len(w_pc) - 1:
            h = np.maximum(h, F32(0))
    per_channel = float(np.count_nonzero(np.argmax(h, axis=1) == data.test_labels)
                        / data.test_labels.size)
    return PTQBaseline(bits, per_tensor, per_channel)


def compare(bits: tuple[int, ...] = (2, 3, 4), seeds: tuple[int, ...] = (0, 1, 2),
            epochs: int = 5) -> dict:
    """PTQ, STE and LSQ at each of ``bits`` (STE and LSQ once per seed): ``{bits: {"ptq":
    PTQBaseline, "ste": [QATResult...], "lsq": [...]}}``."""
    net, data = load_study()
    out = {}
    for b in bits:
        out[b] = {"ptq": ptq_baseline(net, data, b)}
        for m in METHODS:
            out[b][m] = [fine_tune(net, data, QATConfig(b, m, epochs, seed=s)) for s in seeds]
    return out


# -- the teaching picture -----------------------------------------------------------------------


@dataclass(frozen=True)
class Landscape:
    """The loss ``L = (x_hat(w) - target)^2 / 2`` along one weight ``w`` through a fake
    quantizer, and the gradients each rule gives (float32 arrays over ``w``)."""

    w: np.ndarray
    x_hat: np.ndarray
    loss: np.ndarray
    true_grad: np.ndarray
    ste_grad: np.ndarray
    lsq_scale_grad: np.ndarray
    mask: np.ndarray
    jumps: np.ndarray


def loss_landscape(w: np.ndarray, scale: float, qmin: int, qmax: int, zero_point: int = 0,
                   target: float = 0.0) -> Landscape:
    """Loss along ``w`` (sorted float32 grid) of ``L = (x_hat - target)^2 / 2`` with
    ``x_hat = fake_quantize(w)``.

    ``true_grad``: ``dL/dw`` is 0 almost everywhere (``x_hat`` is a staircase; at the steps,
    listed in ``jumps`` as the grid points where ``x_hat`` changes, it does not exist).
    ``ste_grad``: ``(x_hat - target) * mask`` (:func:`quantviz.qat.fake_quantize_ste`).
    ``lsq_scale_grad``: ``dL/dscale`` per point, ``(x_hat - target) * dx_hat/dscale``
    (:func:`quantviz.qat.lsq_backward`, grad factor 1). ``mask``: inside the clip range.
    Arguments are validated by :mod:`quantviz.qat` (``ValueError``).
    """
    w = np.asarray(w, dtype=F32)
    qat.fake_quantize_ste(w, scale, zero_point, qmin, qmax, w)  # validates the arguments
    x_hat, mask = qat.fake_quantize_forward(w, F32(scale), zero_point, qmin, qmax)
    dl = (x_hat - F32(target)).astype(F32)
    _, ste = qat.fake_quantize_ste(w, scale, zero_point, qmin, qmax, dl)
    b = qat.lsq_backward(w, scale, float(zero_point), qmin, qmax, dl)
    jumps = w[1:][np.diff(x_hat) != 0] if w.size > 1 else w[:0]
    return Landscape(w, x_hat, (dl * dl / F32(2)).astype(F32), np.zeros_like(w), ste,
                     b.dscale, mask, jumps)


#: The one-weight picture: the weight axis spans [-LANDSCAPE_SPAN, LANDSCAPE_SPAN] in
#: LANDSCAPE_POINTS samples; the loss pulls x_hat toward LANDSCAPE_TARGET.
LANDSCAPE_SPAN = 1.5
LANDSCAPE_POINTS = 1201
LANDSCAPE_TARGET = 0.3


@dataclass(frozen=True)
class OneWeight:
    """One weight through a signed symmetric fake quantizer of ``bits`` (zero point 0): the
    landscape over the weight axis and its values ``at`` the weight ``w`` (one-point arrays)."""

    bits: int
    scale: float
    qmin: int
    qmax: int
    target: float
    curve: Landscape
    at: Landscape

    @property
    def clip_range(self) -> tuple[float, float]:
        """``(qmin * scale, qmax * scale)`` in float32: the weights that are not clipped."""
        return float(F32(self.qmin) * F32(self.scale)), float(F32(self.qmax) * F32(self.scale))


def one_weight(bits: int, scale: float, w: float) -> OneWeight:
    """:func:`loss_landscape` on the page's weight axis and at ``w``, signed symmetric codes
    (``qmin = -2^(bits-1)``, ``qmax = 2^(bits-1) - 1``), target :data:`LANDSCAPE_TARGET`."""
    cfg = QuantConfig(bits, "symmetric", signed=True)
    grid = np.linspace(-LANDSCAPE_SPAN, LANDSCAPE_SPAN, LANDSCAPE_POINTS, dtype=F32)
    curve = loss_landscape(grid, scale, cfg.qmin, cfg.qmax, target=LANDSCAPE_TARGET)
    at = loss_landscape(np.array([w], dtype=F32), scale, cfg.qmin, cfg.qmax,
                        target=LANDSCAPE_TARGET)
    return OneWeight(bits, float(F32(scale)), cfg.qmin, cfg.qmax, LANDSCAPE_TARGET, curve, at)
