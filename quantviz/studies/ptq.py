"""One layer, rounded four ways: RTN, GPTQ, AWQ and HQQ on a weight and its real inputs.

A :class:`LayerCase` is a linear layer's weight ``W`` (out, in) and calibration inputs ``X``
(samples, in), so that the layer computes ``Y = X W^T``: a layer of the digits network with
the activations the float network feeds it on the calibration images
(:func:`digits_layer`), the synthetic LLM layer of :mod:`quantviz.studies.outliers` with a
few massive input channels (:func:`outlier_layer`), or an uploaded ``.npz`` holding ``W`` and
``X`` (:func:`upload_layer`).

:func:`lab` rounds ``W`` with every method of :data:`METHODS` (all asymmetric, per output row
and group of ``group_size`` inputs, :mod:`quantviz.ptq`) and measures each twice: the weight
error ``mean (W - w_hat)^2`` and the output error ``mean (X W^T - X w_hat^T)^2`` (float64),
with the weights whose rounded value differs from RTN's. GPTQ and AWQ look at ``X``; RTN and
HQQ do not: the method with the smallest weight error is usually not the one with the
smallest output error.

:func:`gptq_steps` replays GPTQ column by column for a scrubber, and :func:`awq_view` keeps
AWQ's ratio curve and the channels its scales protect.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from quantviz import ptq
from quantviz.studies import model, outliers

#: The methods compared, in table order ("gptq_act" is GPTQ with act_order).
METHODS: tuple[str, ...] = ("rtn", "gptq", "gptq_act", "awq", "hqq")
#: Bit widths offered: those every method supports (hqq has no 7-bit grid).
BITS: tuple[int, ...] = (2, 3, 4, 5, 6, 8)
#: Largest layer an upload may hold: GPTQ's inverse is ``in^3`` work and its column loop
#: ``in`` steps of ``out`` values; AWQ's search runs ``X W^T`` 20 times and its clip search
#: more. At 1024 x 1024 with 4096 samples one upload cost a shared server 10 s of CPU; at
#: these sizes every method together stays within about 2 s.
MAX_INPUTS = 512
MAX_OUTPUTS = 512
MAX_SAMPLES = 2048
#: Bytes of the largest upload once decoded (float32 W and X).
MAX_BYTES = 4 * MAX_INPUTS * (MAX_OUTPUTS + MAX_SAMPLES)
#: The synthetic layer's size (tokens, channels, outputs): small enough to round in a second.
OUTLIER_SHAPE = (512, 128, 128)
#: AWQ's salient channels: the paper's 1 % of input channels with the largest mean |x|, and
#: at least this many.
SALIENT_MIN = 3


@dataclass(frozen=True)
class LayerCase:
    """A weight ``w`` (out, in) and its inputs ``x`` (samples, in), float32; ``name`` says
    where they come from."""

    name: str
    w: np.ndarray
    x: np.ndarray

    @property
    def shape(self) -> tuple[int, int, int]:
        """``(samples, in, out)``."""
        return self.x.shape[0], self.w.shape[1], self.w.shape[0]


def digits_layer(index: int, net: model.Network | None = None,
                 data: model.DigitsData | None = None) -> LayerCase:
    """Layer ``index`` of the digits network with its float inputs on all 320 calibration
    images (the network's input, or the ReLU output before it: :func:`model.activations`)."""
    if net is None or data is None:
        net, data = model.load_study()
    if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < len(net.names):
        raise ValueError(f"index={index!r} is not a layer of {net.names}")
    x = model.activations(net, data.calib_x)[index]
    return LayerCase(net.names[index], net.weights[index], np.ascontiguousarray(x))


def outlier_layer(count: int = 4, magnitude: float = 100.0, seed: int = 0) -> LayerCase:
    """The synthetic LLM layer of :func:`outliers.make_layer` (:data:`OUTLIER_SHAPE`), its
    ``x @ w`` layout turned into ``W = w^T``."""
    tokens, channels, outputs = OUTLIER_SHAPE
    lay = outliers.make_layer(tokens, channels, outputs, count, magnitude, seed)
    return LayerCase("synthetic", np.ascontiguousarray(lay.w.T), lay.x)


def check_shape(name: str, shape: tuple[int, ...]) -> None:
    """``ValueError`` unless ``shape`` is a 2-D shape this page takes for ``W`` or ``X``: at
    most :data:`MAX_OUTPUTS` x :data:`MAX_INPUTS` (W) or :data:`MAX_SAMPLES` x
    :data:`MAX_INPUTS` (X), at least 2 x 2."""
    if len(shape) != 2:
        raise ValueError(f"{name} must be 2-D, it has shape {list(shape)}")
    rows = ("W outputs", MAX_OUTPUTS) if name == "W" else ("X samples", MAX_SAMPLES)
    for (what, most), n in zip((rows, (f"{name} inputs", MAX_INPUTS)), shape, strict=True):
        if not 2 <= n <= most:
            raise ValueError(f"{what} = {n}: this page takes 2 to {most}")


def upload_layer(tensors: dict[str, np.ndarray]) -> LayerCase:
    """``W`` (out, in) and ``X`` (samples, in) from an uploaded file's tensors.

    Needs tensors named ``W`` and ``X`` (case as written), 2-D, finite, with ``in`` matching,
    at most :data:`MAX_OUTPUTS` x :data:`MAX_INPUTS` and :data:`MAX_SAMPLES` samples, and
    at least 2 inputs and 2 samples; otherwise ``ValueError`` with the reason.
    """
    for name in ("W", "X"):
        if name not in tensors:
            found = ", ".join(sorted(tensors)[:8]) or "none"
            raise ValueError(f"the file needs a tensor named {name!r} (it has: {found})")
    w, x = np.asarray(tensors["W"]), np.asarray(tensors["X"])
    check_shape("W", w.shape)
    check_shape("X", x.shape)
    if x.shape[1] != w.shape[1]:
        raise ValueError(f"X has {x.shape[1]} input channels, W has {w.shape[1]}")
    with np.errstate(over="ignore", invalid="ignore"):
        w32, x32 = w.astype(np.float32), x.astype(np.float32)
    for name, a in (("W", w32), ("X", x32)):
        if not np.all(np.isfinite(a)):
            raise ValueError(f"{name} holds values that are not finite in float32")
    return LayerCase("upload", w32, x32)


def group_sizes(inputs: int) -> tuple[int, ...]:
    """The group sizes offered for a layer of ``inputs`` inputs: -1 (one group per row) and
    each of 32, 64, 128 that divides ``inputs`` and is smaller (AWQ needs a divisor)."""
    return (-1, *(g for g in (32, 64, 128) if g < inputs and inputs % g == 0))


# -------------------------------------------------------------------------- the four methods


def quantize(method: str, w: np.ndarray, x: np.ndarray, bits: int,
             group_size: int) -> np.ndarray:
    """``w_hat`` of one method of :data:`METHODS` (asymmetric grids; see :mod:`quantviz.ptq`).

    hqq with ``group_size=-1`` quantizes each row as one group (the package's axis=1 with the
    row as the group).
    """
    if method == "rtn":
        return ptq.rtn(w, bits=bits, group_size=group_size)
    if method in ("gptq", "gptq_act"):
        return ptq.gptq(w, x, bits=bits, group_size=group_size, act_order=method == "gptq_act")
    if method == "awq":
        return ptq.awq(w, x, bits=bits, group_size=group_size)
    if method == "hqq":
        return ptq.hqq(w, bits=bits, group_size=w.shape[1] if group_size == -1 else group_size)
    raise ValueError(f"method={method!r} is not one of {METHODS}")


@dataclass(frozen=True)
class MethodResult:
    """One method on the layer: ``weight_mse = mean (W - w_hat)^2``, ``output_mse = mean (Y -
    Y_hat)^2`` over samples and outputs (float64), ``output_energy = mean Y^2``, ``changed``
    the weights whose value differs from RTN's ``w_hat`` (of ``n``)."""

    method: str
    weight_mse: float
    output_mse: float
    output_energy: float
    weight_energy: float
    changed: int
    n: int

    @property
    def output_sqnr(self) -> float:
        """``10 log10(mean Y^2 / output_mse)`` dB (inf when exact)."""
        return _db(self.output_energy, self.output_mse)

    @property
    def weight_sqnr(self) -> float:
        return _db(self.weight_energy, self.weight_mse)


def _db(signal: float, noise: float) -> float:
    return math.inf if noise == 0 else 10 * math.log10(signal / noise)


def measure(method: str, w: np.ndarray, x: np.ndarray, w_hat: np.ndarray,
            w_rtn: np.ndarray) -> MethodResult:
    """The errors of ``w_hat`` (see :class:`MethodResult`)."""
    w64, x64 = w.astype(np.float64), x.astype(np.float64)
    y = x64 @ w64.T
    dy = x64 @ (w64 - w_hat.astype(np.float64)).T
    return MethodResult(method, float(np.mean((w64 - w_hat) ** 2)), float(np.mean(dy ** 2)),
                        float(np.mean(y ** 2)), float(np.mean(w64 ** 2)),
                        int(np.count_nonzero(w_hat != w_rtn)), int(w.size))


@dataclass(frozen=True)
class Lab:
    """Every method on one layer at ``bits`` and ``group_size`` (in :data:`METHODS` order)."""

    bits: int
    group_size: int
    results: tuple[MethodResult, ...]

    def by(self, method: str) -> MethodResult:
        return next(r for r in self.results if r.method == method)

    @property
    def least_weight_error(self) -> MethodResult:
        """The smallest weight error (the first of ties in table order)."""
        return min(self.results, key=lambda r: r.weight_mse)

    @property
    def least_output_error(self) -> MethodResult:
        return min(self.results, key=lambda r: r.output_mse)


def lab(case: LayerCase, bits: int, group_size: int, progress=None) -> Lab:
    """Every method of :data:`METHODS` on ``case`` (see :class:`MethodResult`).

    ``progress(done, total, method)`` is called before each method and once at the end.
    """
    if group_size not in group_sizes(case.w.shape[1]):
        raise ValueError(f"group_size={group_size} is not one of "
                         f"{group_sizes(case.w.shape[1])} for {case.w.shape[1]} inputs")
    w_hats = {}
    for k, method in enumerate(METHODS):
        if progress is not None:
            progress(k, len(METHODS), method)
        w_hats[method] = quantize(method, case.w, case.x, bits, group_size)
    if progress is not None:
        progress(len(METHODS), len(METHODS), "")
    w_rtn = w_hats["rtn"]
    return Lab(bits, group_size, tuple(measure(m, case.w, case.x, w_hats[m], w_rtn)
                                       for m in METHODS))


# ------------------------------------------------------------------------- GPTQ step by step


@dataclass(frozen=True)
class GPTQSteps:
    """GPTQ's run as a sequence of column steps (the processing order ``perm``).

    ``err`` (out, in): the scaled errors ``(w - q) / d`` of step ``k`` in column ``k`` (the
    reference's ``Err1``), so that the weight of the column rounded at step ``j`` had been
    moved by ``-sum_{k<j} err[:, k] U[k, j]`` before it was rounded; ``hinv`` = U.
    ``rounding_rms[k]``: RMS over rows of ``w - q`` for the column rounded at step ``k`` (the
    weight as the earlier updates left it); ``loss[k]`` its column of ``Losses``, summed;
    ``error`` the sum (what IST-DASLab/gptq prints). Since ``sum Losses = ||E||^2 / 2 =
    tr((W - Q) H_damped (W - Q)^T) / 2`` and ``H = 2 X^T X / n``, ``error = output_term +
    damp_term`` with ``output_term = ||X (W - Q)^T||^2 / n`` (the output's squared error per
    sample, summed over outputs) and ``damp_term = damp ||W - Q||^2 / 2`` (up to rounding);
    ``groups`` the group of each original column (the checkpoint's ``g_idx``) and
    ``scattered`` how many columns sit in another group than ``column // group_size``;
    ``diag_h`` diag(H) in processing order (dead inputs at 1, what act_order sorts);
    ``dead[k]``: the input of step ``k`` is 0 on every sample (its weights are set to 0).
    """

    perm: np.ndarray
    err: np.ndarray
    hinv: np.ndarray
    rounding_rms: np.ndarray
    loss: np.ndarray
    error: float
    samples: int
    output_term: float
    damp_term: float
    groups: np.ndarray
    scattered: int
    diag_h: np.ndarray
    dead: np.ndarray


def gptq_steps(case: LayerCase, bits: int, group_size: int, act_order: bool) -> GPTQSteps:
    """Run :func:`ptq.gptq_trace` and recover each step's update.

    GPTQ subtracts ``err_k U[k, j]`` from every column ``j`` after ``k``, so ``W - Q = E U``
    with ``U`` upper triangular (both in processing order): ``E = (W - Q) U^-1`` (float64,
    equal to the run's errors up to rounding; ``E^2 / 2`` is its ``Losses``).
    """
    w, x = case.w, case.x
    trace = ptq.gptq_trace(w, x, bits=bits, group_size=group_size, act_order=act_order)
    h = ptq.gptq_hessian(x)
    prep = ptq.gptq_prepare(h, act_order=act_order)
    perm = trace.perm
    w_p = w.astype(np.float64)[:, perm]
    w_p[:, prep.dead[perm]] = 0
    diff = w_p - trace.w_hat.astype(np.float64)[:, perm]
    u = prep.hinv.astype(np.float64)
    err = np.linalg.solve(u.T, diff.T).T
    # the column at step k before rounding: w - sum_{j<k} err_j U[j, k]; its rounding error
    moved = err @ np.triu(u, 1)
    rounding = diff - moved
    cols = w.shape[1]
    gs = cols if group_size == -1 else group_size
    position = np.empty(cols, dtype=np.int64)
    position[perm] = np.arange(cols)
    groups = position // gs
    out_sq = float(np.sum((x.astype(np.float64)[:, perm] @ diff.T) ** 2) / x.shape[0])
    return GPTQSteps(
        perm=perm, err=err.astype(np.float32), hinv=prep.hinv,
        rounding_rms=np.sqrt(np.mean(rounding ** 2, axis=0)), loss=trace.column_loss,
        error=trace.error, samples=int(x.shape[0]), output_term=out_sq,
        damp_term=float(prep.damp * np.sum(diff ** 2) / 2), groups=groups,
        scattered=int(np.count_nonzero(groups != np.arange(cols) // gs)),
        diag_h=np.where(prep.dead, 1.0, np.diag(h).astype(np.float64))[perm],
        dead=prep.dead[perm])


@dataclass(frozen=True)
class Step:
    """What step ``k`` did: ``spread[j]`` the RMS over rows of the update it made to the
    column of step ``j`` (0 for ``j <= k``: already rounded), ``moved[j]`` how far (RMS) the
    column of step ``j`` has moved from the original weight after steps ``0..k``."""

    k: int
    column: int
    spread: np.ndarray
    moved: np.ndarray


def step(steps: GPTQSteps, k: int) -> Step:
    """The update of step ``k`` (processing order) and the movement so far."""
    cols = steps.perm.size
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or not 0 <= k < cols:
        raise ValueError(f"k={k!r} is not a step in 0..{cols - 1}")
    k = int(k)
    err = steps.err.astype(np.float64)
    u = steps.hinv.astype(np.float64)
    spread = np.sqrt(np.mean(err[:, k] ** 2)) * np.abs(u[k])
    spread[:k + 1] = 0
    total = err[:, :k + 1] @ u[:k + 1]
    moved = np.sqrt(np.mean(total ** 2, axis=0))
    moved[:k + 1] = 0
    return Step(k, int(steps.perm[k]), spread, moved)


# ------------------------------------------------------------------------------------- AWQ


@dataclass(frozen=True)
class AWQView:
    """AWQ's search: ``ratios``/``losses`` (the output MSE of ``Q(W s) / s`` at each ratio),
    the chosen ``ratio``, the scales ``s`` and mean ``|x|`` per input, the ``salient`` inputs
    (largest mean |x| first) and the loss at ratio 0 (plain rounding on AWQ's grid)."""

    ratios: np.ndarray
    losses: np.ndarray
    ratio: float
    scales: np.ndarray
    x_mean: np.ndarray
    salient: tuple[int, ...]

    @property
    def gain(self) -> float:
        """``loss(0) / loss(chosen)``: how much the scales cut the output error."""
        best = float(self.losses.min())
        return math.inf if best == 0 else float(self.losses[0]) / best


def awq_view(case: LayerCase, bits: int, group_size: int) -> AWQView:
    """:func:`ptq.awq_search` without clipping (the scale search alone) on ``case``."""
    s = ptq.awq_search(case.w, case.x, bits=bits, group_size=group_size, clip=False)
    count = max(SALIENT_MIN, math.ceil(0.01 * case.w.shape[1]))
    order = np.argsort(-s.x_max, kind="stable")[:count]
    return AWQView(s.ratios, s.losses, s.ratio, s.scales, s.x_max,
                   tuple(int(i) for i in order))
