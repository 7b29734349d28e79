"""A whole checkpoint at a glance: one row per tensor, and which tensors quantize badly.

A checkpoint is a list of :class:`Entry` (name, shape, stored dtype and a function that decodes
that one tensor): from an uploaded file (:func:`file_entries`, the file's headers through
:func:`quantviz.loaders.describe_tensors`, each tensor through
:func:`quantviz.loaders.load_tensor`), or built in (:data:`BUILTINS`: a seeded synthetic
checkpoint with Llama-style names, and the digits model when its file is installed).
:func:`report` decodes one tensor at a time and works on it in chunks of rows, so the memory it
needs beyond the file's bytes is about one decoded tensor plus a few megabytes, whatever the
size of the checkpoint.

Per tensor (:class:`TensorRow`): statistics (min, max, std, kurtosis, share beyond 6 sigma,
the range in sigmas), a binned histogram, and the SQNR with MinMax ranges per tensor, per
channel (axis 0, PyTorch's output channels) and per group of ``group_size`` along the last
axis, plus per tensor with the range clipped at 6 sigma (how much of that error is clipping),
and in a number format of :mod:`quantviz.formats` (NF4, MXFP4, FP8...) when one is chosen.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from quantviz import loaders
from quantviz.formats import FORMATS, bits_per_value, fake_quantize_format, row_local
from quantviz.quantize import QParams, QuantConfig, compute_qparams, fake_quantize
from quantviz.studies.granularity import SCALE_BYTES

#: Values beyond this many standard deviations from the mean count as outliers.
SIGMAS = 6.0
#: Bins of each row's histogram.
HIST_BINS = 24
#: Elements per chunk of the passes over a tensor (float64 temporaries of 8 MB at most).
CHUNK = 1 << 20
#: Peak bytes of the passes over one chunk (its float64 copies, x_hat, the blocks of a format):
#: measured with tracemalloc, under 30 MB per chunk of ``CHUNK`` values in any format.
CHUNK_BYTES = 64 * 2**20
#: Group size by default (consecutive weights along the last axis, as int4 LLM weights use).
GROUP_SIZE = 128
#: How many of the worst tensors in the number format the report also measures in integer
#: groups at the format's own element bits (so that they are compared at the same bits).
WORST = 3
#: One bit of SQNR: 20 log10(2) dB.
DB_PER_BIT = 20.0 * math.log10(2.0)

Progress = Callable[[int, int, str], None]
#: The most tensors a report measures: a tensor costs about a third of a millisecond however
#: small it is, with its row in the table (about 1.3 s for 4,000: with the page's own work,
#: an upload of 20,000 one-value tensors took 3.7 s of CPU), and a 16 MiB header can name
#: about 230,000 (short names). A model's file has hundreds to about a thousand tensors
#: (llama.cpp's loader logs 723 for Llama 3 70B, ollama/ollama#5494; 1,025 for DeepSeek-V3 in
#: GGUF, ggml-org/llama.cpp#10981), so 2,000 measures each of those whole.
MAX_TENSORS = 2_000


@dataclass(frozen=True)
class Entry:
    """One tensor of a checkpoint: header facts and ``load()`` that decodes only it."""

    name: str
    shape: tuple[int, ...]
    dtype_name: str
    load: Callable[[], np.ndarray]

    @property
    def n_elements(self) -> int:
        return math.prod(self.shape)


# ---------------------------------------------------------------------------------------------
# sources


def file_entries(filename: str, data: bytes) -> list[Entry]:
    """The tensors of an uploaded file (any format :mod:`quantviz.loaders` reads), from its
    headers; each ``load()`` decodes one tensor with :func:`loaders.load_tensor`. Raises
    :class:`loaders.TensorLoadError` for a file the loaders refuse."""
    return [Entry(i.name, tuple(i.shape), i.dtype_name, load)
            for i, load in loaders.tensor_loaders(filename, data)]


#: The synthetic checkpoint's architecture (a small Llama: names and layout as Hugging Face's
#: LlamaForCausalLM; weights stored (out_features, in_features) as torch.nn.Linear does).
LLM_VOCAB, LLM_HIDDEN, LLM_INTERMEDIATE, LLM_LAYERS = 2048, 256, 768, 4
#: Base standard deviation of the linear weights (the usual initialisation scale of LLMs).
LLM_STD = 0.02


def synthetic_llm_layout() -> list[tuple[str, tuple[int, ...]]]:
    """``(name, shape)`` of every tensor of the synthetic checkpoint, in file order."""
    h, f = LLM_HIDDEN, LLM_INTERMEDIATE
    names = [("model.embed_tokens.weight", (LLM_VOCAB, h))]
    for i in range(LLM_LAYERS):
        p = f"model.layers.{i}"
        names += [(f"{p}.input_layernorm.weight", (h,))]
        names += [(f"{p}.self_attn.{k}_proj.weight", (h, h)) for k in "qkvo"]
        names += [(f"{p}.post_attention_layernorm.weight", (h,))]
        names += [(f"{p}.mlp.gate_proj.weight", (f, h)), (f"{p}.mlp.up_proj.weight", (f, h)),
                  (f"{p}.mlp.down_proj.weight", (h, f))]
    names += [("model.norm.weight", (h,)), ("lm_head.weight", (LLM_VOCAB, h))]
    return names


#: Hidden channels that carry massive activations in the synthetic model: the columns of
#: the projections that read them are larger, and the norm weights there are too.
LLM_OUTLIER_DIMS = (17, 203)
#: Layer 1's down_proj holds this many single weights ``LLM_HUGE`` times ``LLM_STD``.
LLM_HUGE_WEIGHTS, LLM_HUGE = 3, 100.0


def synthetic_llm_tensor(name: str, shape: tuple[int, ...], seed: int = 0) -> np.ndarray:
    """One tensor of the synthetic checkpoint, float32, seeded by ``(seed, name)``.

    - norm weights: ``1 + 0.05 N(0, 1)``, and 4.0 at the hidden channels
      :data:`LLM_OUTLIER_DIMS` (norms near 1 with a few large gains);
    - linear weights: ``LLM_STD * N(0, 1) * exp(0.35 N(0, 1) - 0.35^2)`` (a scale mixture of
      normals with variance ``LLM_STD^2`` and kurtosis ``3 exp(4 * 0.35^2) = 4.9``: heavier
      tails than a normal), rows scaled by ``exp(0.3 N(0, 1))`` (uneven output channels);
      q/k rows by ``exp(0.6 N(0, 1))`` (rotary pairs of very different size);
      the columns of q/k/v/gate/up at :data:`LLM_OUTLIER_DIMS` 8x larger;
    - layer 1's down_proj holds ``LLM_HUGE_WEIGHTS`` single weights ``LLM_HUGE`` times
      ``LLM_STD`` (a few huge
      entries, as found in trained LLMs);
    - embeddings and lm_head: ``N(0, LLM_STD)`` with rows scaled by ``exp(0.2 N(0, 1))``.
    """
    digest = sum((i + 1) * b for i, b in enumerate(name.encode()))
    rng = np.random.default_rng([seed, digest, len(name)])
    if len(shape) == 1:
        x = 1.0 + 0.05 * rng.standard_normal(shape)
        x[list(LLM_OUTLIER_DIMS)] = 4.0 if "layernorm" in name else x[list(LLM_OUTLIER_DIMS)]
        return x.astype(np.float32)
    rows, cols = shape
    if "embed_tokens" in name or "lm_head" in name:
        x = rng.standard_normal(shape) * LLM_STD
        return (x * np.exp(0.2 * rng.standard_normal((rows, 1)))).astype(np.float32)
    # a normal whose scale s = exp(0.35 N - 0.35^2) varies from weight to weight: E[s^2] = 1,
    # kurtosis 3 E[s^4] / E[s^2]^2 = 3 exp(4 * 0.35^2) = 4.9, for the cost of two normal draws
    x = rng.standard_normal(shape, np.float32) * np.exp(
        0.35 * rng.standard_normal(shape, np.float32) - 0.35**2) * np.float32(LLM_STD)
    spread = 0.6 if ("q_proj" in name or "k_proj" in name) else 0.3
    x *= np.exp(spread * rng.standard_normal((rows, 1)))
    if any(k in name for k in ("q_proj", "k_proj", "v_proj", "gate_proj", "up_proj")):
        x[:, list(LLM_OUTLIER_DIMS)] *= 8.0
    if name == "model.layers.1.mlp.down_proj.weight":
        r = rng.choice(rows, LLM_HUGE_WEIGHTS, replace=False)
        c = rng.choice(cols, LLM_HUGE_WEIGHTS, replace=False)
        x[r, c] = LLM_HUGE * LLM_STD * np.resize([1.0, -1.0], LLM_HUGE_WEIGHTS)
    return x.astype(np.float32)


def synthetic_llm_entries(seed: int = 0) -> list[Entry]:
    """The synthetic checkpoint as entries; each tensor is generated when loaded."""

    def loader(name: str, shape: tuple[int, ...]) -> Callable[[], np.ndarray]:
        return lambda: synthetic_llm_tensor(name, shape, seed)

    return [Entry(n, s, "float32", loader(n, s)) for n, s in synthetic_llm_layout()]


#: Where the digits model's weights are installed (added with the Model page).
DIGITS_PATH = Path(__file__).resolve().parents[1] / "data" / "digits_model.safetensors"


def digits_entries() -> list[Entry]:
    """The digits model's tensors, from :data:`DIGITS_PATH` (missing: ``FileNotFoundError``)."""
    return file_entries(DIGITS_PATH.name, DIGITS_PATH.read_bytes())


@dataclass(frozen=True)
class Builtin:
    """A built-in checkpoint: its entries, and whether it is available in this install."""

    entries: Callable[[], list[Entry]]
    available: Callable[[], bool]


BUILTINS: dict[str, Builtin] = {
    "synthetic_llm": Builtin(synthetic_llm_entries, lambda: True),
    "digits": Builtin(digits_entries, lambda: DIGITS_PATH.is_file()),
}


def available_builtins() -> tuple[str, ...]:
    """The keys of :data:`BUILTINS` whose data is present (the digits model may not be)."""
    return tuple(k for k, b in BUILTINS.items() if b.available())


def builtin_entries(key: str) -> list[Entry]:
    """The entries of the built-in checkpoint ``key``; unknown or missing: ``ValueError``."""
    if key not in available_builtins():
        raise ValueError(f"no built-in checkpoint {key!r}; there are {available_builtins()}")
    return BUILTINS[key].entries()


def builtin_tensor(key: str, name: str) -> np.ndarray:
    """One tensor of a built-in checkpoint (for the Explore and Per-channel pages)."""
    for entry in builtin_entries(key):
        if entry.name == name:
            return entry.load()
    raise ValueError(f"the built-in checkpoint {key!r} has no tensor {name!r}")


# ---------------------------------------------------------------------------------------------
# one tensor


@dataclass(frozen=True)
class Moments:
    """Mean, std (population), kurtosis ``E[d^4] / var^2`` (3 for a normal; 0 when constant),
    and the share of elements with ``|x - mean| > SIGMAS * std``; all over the whole tensor."""

    x_min: float
    x_max: float
    mean: float
    std: float
    kurtosis: float
    beyond: float


def _chunks(flat: np.ndarray) -> Iterable[np.ndarray]:
    for start in range(0, flat.size, CHUNK):
        yield flat[start:start + CHUNK].astype(np.float64)


def moments(x: np.ndarray) -> Moments:
    """:class:`Moments` of ``x`` in float64, without a full-size float64 temporary.

    ``min``, ``max`` and ``sum`` (accumulated in float64) over the whole array; then, chunk
    by chunk, ``sum d^2`` and ``sum d^4`` with ``d = x - mean``; then a count of the values
    outside ``mean +- SIGMAS * std`` (two comparisons per chunk). Empty: ``ValueError``.
    """
    flat = np.asarray(x).reshape(-1)
    if flat.size == 0:
        raise ValueError("moments of an empty tensor")
    mean = float(flat.sum(dtype=np.float64)) / flat.size
    s2 = s4 = 0.0
    for c in _chunks(flat):
        c -= mean
        c *= c
        s2 += float(c.sum())
        s4 += float(np.dot(c, c))
    var = s2 / flat.size
    std = math.sqrt(var)
    beyond = 0
    if std > 0:
        lo, hi = mean - SIGMAS * std, mean + SIGMAS * std
        with np.errstate(over="ignore"):  # a bound beyond float32 compares as infinite
            for start in range(0, flat.size, CHUNK):
                c = flat[start:start + CHUNK]
                beyond += int(np.count_nonzero(c < lo)) + int(np.count_nonzero(c > hi))
    kurt = (s4 / flat.size) / var**2 if var > 0 else 0.0
    return Moments(float(flat.min()), float(flat.max()), mean, std, kurt, beyond / flat.size)


@dataclass(frozen=True)
class Sums:
    """``sum x^2`` and ``sum (x - x_hat)^2`` (float64), the latter split into clipped elements
    (those outside the grid) and the rest (rounding); ``n_params`` scale/zero-point pairs."""

    x_sumsq: float
    sse: float
    sse_clipped: float
    n_params: int

    @property
    def sqnr_db(self) -> float:
        """``10 log10(sum x^2 / sse)``: inf when exact, -inf for noise without signal."""
        if self.sse == 0:
            return math.inf
        if self.x_sumsq == 0:
            return -math.inf
        return 10.0 * math.log10(self.x_sumsq / self.sse)


def _windows(rows: int, cols: int, unit: int) -> Iterable[tuple[slice, slice]]:
    """``(rows, columns)`` blocks of about ``CHUNK`` elements of a ``(rows, cols)`` view, in
    order: whole rows, ``CHUNK // cols`` at a time, when a row holds at most ``CHUNK`` values;
    else pieces of one row, each a multiple of ``unit`` (a group, a block) wide, so that no
    group or block is cut."""
    if cols <= CHUNK:
        step = max(1, CHUNK // max(cols, 1))
        for start in range(0, rows, step):
            yield slice(start, min(start + step, rows)), slice(0, cols)
        return
    width = max(unit, CHUNK // unit * unit)
    for r in range(rows):
        for c in range(0, cols, width):
            yield slice(r, r + 1), slice(c, min(c + width, cols))


def _slice_qp(qp: QParams, rows: slice, cols: slice, group: int | None) -> QParams:
    """The parameters of the block ``[rows, cols]``: per row (channels) or per row and group."""
    if qp.per_tensor:
        return qp
    scale, zp = qp.scale[rows], qp.zero_point[rows]
    if group:
        groups = slice(cols.start // group, -(-cols.stop // group))
        scale, zp = scale[:, groups], zp[:, groups]
    return QParams(scale, zp, qp.qmin, qp.qmax, qp.config)


def _rows(x: np.ndarray, kind: str, group_size: int) -> np.ndarray:
    """The 2-D view whose rows are quantized together: channels (axis 0) or rows of groups."""
    if kind == "group":
        return x.reshape(-1, x.shape[-1])
    return x.reshape(x.shape[0], -1) if x.ndim >= 1 else x.reshape(1, 1)


#: Rows whose per-channel parameters are computed at once (:func:`_per_row_fake_quantize`).
PARAM_ROWS = 1 << 17


def _per_row_fake_quantize(block: np.ndarray, cfg: QuantConfig) -> np.ndarray:
    """``fake_quantize`` of whole rows, each with its own MinMax parameters, computed
    ``PARAM_ROWS`` rows at a time: the parameters and their float64 temporaries cost tens of
    bytes a row, so a window of a million one-value rows would hold about 90 MB for them. Each
    row's parameters and values are its own, so the result is the whole window's."""
    x_hat = np.empty(block.shape, dtype=np.float32)
    for r in range(0, block.shape[0], PARAM_ROWS):
        sub = block[r:r + PARAM_ROWS]
        x_hat[r:r + PARAM_ROWS] = fake_quantize(
            sub, compute_qparams(sub.min(axis=1), sub.max(axis=1), cfg), 0, None)
    return x_hat


def quant_sums(x: np.ndarray, cfg: QuantConfig, kind: str, group_size: int = GROUP_SIZE,
               clip_at: tuple[float, float] | None = None) -> Sums:
    """Fake-quantize ``x`` with MinMax ranges per ``kind`` and sum the errors, chunk by chunk.

    ``kind``: "tensor" (one range ``[min, max]``, or ``clip_at`` when given: values beyond it
    saturate), "channel" (one range per index of axis 0) or "group" (``group_size``
    consecutive values along the last axis; it must divide it). The parameters are computed
    for the whole tensor first; the quantization then runs over blocks of about ``CHUNK``
    elements (:func:`_windows`: whole rows, or whole groups of a row longer than ``CHUNK``),
    so temporaries stay small. ``ValueError`` for an unknown kind, a 1-D
    tensor per channel, or a group size that does not divide the last axis.
    """
    x = np.asarray(x)
    if kind == "tensor":
        lo, hi = clip_at if clip_at is not None else (float(x.min()), float(x.max()))
        qp, rows, group = compute_qparams(lo, hi, cfg), _rows(x, kind, 0), None
    elif kind == "channel":
        if x.ndim < 2:
            raise ValueError(f"per channel needs 2 or more dimensions, got shape {x.shape}")
        rows, group = _rows(x, kind, 0), None
        # a window of whole rows gets its rows' parameters when it is reached: the parameters
        # of ten million one-value channels at once took 600 MB (they are per row, so the same
        # numbers); rows longer than a window need theirs first (a few rows, then)
        qp = None if rows.shape[1] <= CHUNK else \
            compute_qparams(rows.min(axis=1), rows.max(axis=1), cfg)
    elif kind == "group":
        if x.ndim < 1 or x.shape[-1] % group_size:
            raise ValueError(f"group_size={group_size} does not divide the last axis of "
                             f"shape {x.shape}")
        rows, group = _rows(x, kind, group_size), group_size
        grouped = rows.reshape(rows.shape[0], -1, group_size)
        qp = compute_qparams(grouped.min(axis=2), grouped.max(axis=2), cfg)
    else:
        raise ValueError(f"kind={kind!r} is not one of tensor, channel, group")
    x_sumsq = sse = sse_clipped = 0.0
    n_params = rows.shape[0] if qp is None else int(np.size(qp.scale))
    with np.errstate(over="ignore", invalid="ignore"):  # checked below: sse is finite
        if clip_at is not None:
            lo_grid, hi_grid = np.asarray(qp.x_lo), np.asarray(qp.x_hi)
        for rs, cs in _windows(*rows.shape, group or 1):
            block = rows[rs, cs]
            if qp is None:
                x_hat = _per_row_fake_quantize(block, cfg)
            else:
                part = _slice_qp(qp, rs, cs, group)
                axis = None if part.per_tensor or group else 0
                x_hat = fake_quantize(block, part, axis, group)
            xs = block.astype(np.float64)
            err = xs - x_hat
            err *= err
            x_sumsq += float(np.einsum("ij,ij->", xs, xs))
            sse += float(err.sum())
            if clip_at is not None:
                clipped = (block < lo_grid) | (block > hi_grid)
                sse_clipped += float(err.sum(where=clipped))
    if not math.isfinite(sse):
        raise ValueError(f"quantizing {kind} gives non-finite values: the range "
                         f"[{float(x.min()):.4g}, {float(x.max()):.4g}] is wider than float32 "
                         "can hold in one scale")
    return Sums(x_sumsq, sse, sse_clipped, n_params)


def format_sums(x: np.ndarray, fmt: str) -> Sums:
    """``sum x^2`` and ``sum (x - x_hat)^2`` with ``x_hat = fake_quantize_format(x, fmt)``.

    Blocks run along the last axis (a 0-d or 1-D tensor is one row). The rows go through in
    chunks of about ``CHUNK`` elements (:func:`_windows`: whole rows, or whole blocks of a row
    longer than ``CHUNK``), with the whole tensor's ``(x_min, x_max)`` for a format with a
    tensor scale (``tensor_range``), so each chunk gets the ``x_hat`` the whole tensor has.
    ``n_params`` counts the stored scales: one per block of each row, plus one per
    tensor where the format has a tensor scale (NVFP4, per-tensor formats). An unknown format,
    or values float32 cannot hold: ``ValueError``.
    """
    if fmt not in FORMATS:
        raise ValueError(f"fmt={fmt!r} is not one of {', '.join(FORMATS)}")
    f = FORMATS[fmt]
    x = np.asarray(x)
    rows = x.reshape(-1, x.shape[-1]) if x.ndim >= 1 else x.reshape(1, 1)
    n_blocks = rows.shape[0] * -(-rows.shape[1] // f.block) if f.block else 0
    n_params = n_blocks + (1 if f.tensor_bits else 0)
    tensor = None if row_local(fmt) else (float(rows.min()), float(rows.max()))
    x_sumsq = sse = 0.0
    for rs, cs in _windows(*rows.shape, f.block or 1):
        block = rows[rs, cs]
        x_hat = fake_quantize_format(block, fmt, tensor_range=tensor)
        xs = block.astype(np.float64)
        err = xs - x_hat
        err *= err
        x_sumsq += float(np.einsum("ij,ij->", xs, xs))
        sse += float(err.sum())
    return Sums(x_sumsq, sse, 0.0, n_params)


@dataclass(frozen=True)
class TensorRow:
    """One tensor of the report. SQNRs in dB; ``None`` where a scheme does not apply (per
    channel of a 1-D tensor, groups that do not divide the last axis). ``hist_counts`` has
    ``HIST_BINS`` counts over ``[x_min, x_max]``. ``clip_sqnr``: per tensor with the range
    clipped to ``mean +- SIGMAS std``; ``clip_share``: the part of that error from clipping.
    ``fmt``: the error in the report's number format (None when no format was chosen).
    ``fmt_group``: integer groups of the report's group size at the format's element bits
    (NF4: 4), measured for the :data:`WORST` tensors in the format only (None elsewhere)."""

    name: str
    shape: tuple[int, ...]
    dtype_name: str
    n: int
    stats: Moments
    hist_counts: tuple[int, ...]
    tensor: Sums
    channel: Sums | None
    group: Sums | None
    clipped: Sums | None
    fmt: Sums | None = None
    fmt_group: Sums | None = None

    @property
    def range_sigmas(self) -> float:
        """``max(|x_max - mean|, |x_min - mean|) / std``: how far the range reaches (inf if
        constant)."""
        s = self.stats
        reach = max(abs(s.x_max - s.mean), abs(s.x_min - s.mean))
        return reach / s.std if s.std > 0 else math.inf

    @property
    def hist_log(self) -> tuple[float, ...]:
        """``log10(1 + count)`` per bin, to 3 decimals: a rare outlier's bin stays visible."""
        return tuple(round(math.log10(1 + c), 3) for c in self.hist_counts)

    @property
    def sqnr_tensor(self) -> float:
        return self.tensor.sqnr_db

    @property
    def sqnr_channel(self) -> float | None:
        return None if self.channel is None else self.channel.sqnr_db

    @property
    def sqnr_group(self) -> float | None:
        return None if self.group is None else self.group.sqnr_db

    @property
    def sqnr_format(self) -> float | None:
        return None if self.fmt is None else self.fmt.sqnr_db

    @property
    def sqnr_fmt_group(self) -> float | None:
        return None if self.fmt_group is None else self.fmt_group.sqnr_db

    @property
    def clip_sqnr(self) -> float | None:
        return None if self.clipped is None else self.clipped.sqnr_db

    @property
    def clip_share(self) -> float | None:
        c = self.clipped
        return None if c is None or c.sse == 0 else c.sse_clipped / c.sse


def work_bytes(n_elements: int) -> int:
    """Peak bytes of :func:`report` beyond the file: the largest tensor decoded (float64 at
    most, ``8 n``) and one chunk's :data:`CHUNK_BYTES`; known from the headers alone."""
    return 8 * int(n_elements) + CHUNK_BYTES


def histogram_counts(x: np.ndarray, x_min: float, x_max: float,
                     bins: int = HIST_BINS) -> tuple[int, ...]:
    """Counts in ``bins`` equal bins over ``[x_min, x_max]``, accumulated chunk by chunk."""
    flat = np.asarray(x).reshape(-1)
    width = (x_max - x_min) / bins if x_max > x_min else 1.0 / bins
    counts = np.zeros(bins, np.int64)
    for start in range(0, flat.size, CHUNK):
        # bin i holds [x_min + i w, x_min + (i+1) w); x_max goes to the last bin
        idx = ((flat[start:start + CHUNK].astype(np.float64) - x_min) / width).astype(np.int64)
        np.clip(idx, 0, bins - 1, out=idx)
        counts += np.bincount(idx, minlength=bins)
    return tuple(int(c) for c in counts)


def tensor_row(name: str, x: np.ndarray, dtype_name: str, cfg: QuantConfig,
               group_size: int = GROUP_SIZE, fmt: str | None = None) -> TensorRow:
    """Every measure of one tensor (see :class:`TensorRow`), in the format ``fmt`` too when
    given (:func:`format_sums`).

    A range wider than float32 can hold overflows the scale: the non-finite error that
    follows is refused by :func:`quant_sums` with a ``ValueError`` (numpy's warnings on the
    way are silenced).
    """
    x = np.asarray(x)
    with np.errstate(over="ignore", invalid="ignore"):
        return _tensor_row(name, x, dtype_name, cfg, group_size, fmt)


def _tensor_row(name: str, x: np.ndarray, dtype_name: str, cfg: QuantConfig,
                group_size: int, fmt: str | None) -> TensorRow:
    stats = moments(x)
    clipped = None
    if stats.std > 0:
        lo = max(stats.x_min, stats.mean - SIGMAS * stats.std)
        hi = min(stats.x_max, stats.mean + SIGMAS * stats.std)
        if lo > stats.x_min or hi < stats.x_max:
            clipped = quant_sums(x, cfg, "tensor", clip_at=(lo, hi))
    divides = x.ndim >= 1 and x.shape[-1] % group_size == 0
    return TensorRow(
        name=name, shape=tuple(x.shape), dtype_name=dtype_name, n=int(x.size), stats=stats,
        hist_counts=histogram_counts(x, stats.x_min, stats.x_max),
        tensor=quant_sums(x, cfg, "tensor"),
        channel=quant_sums(x, cfg, "channel") if x.ndim >= 2 else None,
        group=quant_sums(x, cfg, "group", group_size) if divides else None,
        clipped=clipped, fmt=format_sums(x, fmt) if fmt is not None else None)


# ---------------------------------------------------------------------------------------------
# the whole checkpoint


@dataclass(frozen=True)
class SchemeTotal:
    """One scheme over the whole checkpoint: parameter pairs (for a number format: its stored
    scales), bytes (codes + parameters), ``bits_per_value = 8 * bytes / values`` and the SQNR
    of all tensors together (``10 log10(sum x^2 / sum err^2)`` over every element).

    Tensors the scheme does not apply to fall back: per channel -> per tensor (1-D tensors),
    groups -> per channel, then per tensor. A number format applies to every tensor.

    ``sqnr_db`` weighs each tensor by its signal and error energy, so a small tensor of large
    values (a norm weight near 1) can outweigh a large matrix of small ones; ``mean_db`` is
    the plain mean of the tensors' own SQNRs (each tensor counts once; exact tensors, whose
    SQNR is infinite, are left out; inf when every tensor is exact)."""

    name: str
    n_params: int
    bytes: int
    sqnr_db: float
    bits_per_value: float
    mean_db: float = math.nan


def _mean_db(chosen: Sequence[Sums]) -> float:
    finite = [s.sqnr_db for s in chosen if math.isfinite(s.sqnr_db)]
    return float(np.mean(finite)) if finite else math.inf


@dataclass(frozen=True)
class Failed:
    """A tensor the loaders refused (NaN, a size limit...): its name and the sentence why."""

    name: str
    reason: str


@dataclass(frozen=True)
class Report:
    """The rows (file order), the tensors that failed, the scheme they were measured at and
    the number format (None: none chosen)."""

    rows: tuple[TensorRow, ...]
    failed: tuple[Failed, ...]
    cfg: QuantConfig
    group_size: int
    fmt: str | None = None

    @property
    def n_params(self) -> int:
        return sum(r.n for r in self.rows)

    def stored_bytes(self) -> int:
        """Bytes of the tensors as stored (their dtype's item size)."""
        return sum(r.n * np.dtype(_numpy_dtype(r.dtype_name)).itemsize for r in self.rows)

    def worst(self, k: int = 3) -> tuple[TensorRow, ...]:
        """The ``k`` rows with the lowest per-tensor SQNR (ties by file order)."""
        return tuple(sorted(self.rows, key=lambda r: r.sqnr_tensor)[:k])

    def worst_in_format(self, k: int = 3) -> tuple[TensorRow, ...]:
        """The ``k`` rows with the lowest SQNR in the report's format (none without one)."""
        if self.fmt is None:
            return ()
        return tuple(sorted(self.rows, key=lambda r: r.sqnr_format)[:k])

    def totals(self) -> tuple[SchemeTotal, ...]:
        """Per tensor, per channel and per group over the whole checkpoint (see
        :class:`SchemeTotal`); bytes = ``n * bits / 8`` (rounded up per tensor) plus
        ``n_params * (4 + zero-point bytes)``, zero-point bytes 0 for symmetric schemes.
        Then the report's number format, if any: bytes = ``n * bits_per_value(fmt, shape) /
        8`` rounded up per tensor (:func:`quantviz.formats.bits_per_value`: element codes and
        every stored scale, in the format's own scale type)."""
        zp = 0 if self.cfg.scheme == "symmetric" else self.cfg.dtype.itemsize
        picks = {
            "tensor": lambda r: r.tensor,
            "channel": lambda r: r.channel or r.tensor,
            "group": lambda r: r.group or r.channel or r.tensor,
        }
        out = []
        for name, pick in picks.items():
            chosen = [pick(r) for r in self.rows]
            params = sum(s.n_params for s in chosen)
            code_bytes = sum(math.ceil(r.n * self.cfg.bits / 8) for r in self.rows)
            signal = sum(s.x_sumsq for s in chosen)
            noise = sum(s.sse for s in chosen)
            sqnr = Sums(signal, noise, 0.0, params).sqnr_db
            size = code_bytes + params * (SCALE_BYTES + zp)
            out.append(SchemeTotal(name, params, size, sqnr, 8 * size / max(self.n_params, 1),
                                   _mean_db(chosen)))
        if self.fmt is not None:
            chosen = [r.fmt for r in self.rows]
            params = sum(s.n_params for s in chosen)
            # bits_per_value * n is a whole number of bits (codes + scales), up to rounding
            size = sum(math.ceil(round(bits_per_value(self.fmt, r.shape) * r.n) / 8)
                       for r in self.rows)
            sqnr = Sums(sum(s.x_sumsq for s in chosen), sum(s.sse for s in chosen), 0.0,
                        params).sqnr_db
            out.append(SchemeTotal("format", params, size, sqnr,
                                   8 * size / max(self.n_params, 1), _mean_db(chosen)))
        return tuple(out)

    def error_ranking(self, k: int = 5) -> tuple[tuple[TensorRow, float, float], ...]:
        """Which tensor hurts, by weight error only: the ``k`` rows adding the most squared
        error to the checkpoint with groups (per channel, then per tensor where groups do not
        apply, as :meth:`totals`), each with its share of the total and its SQNR (dB).

        Weight error is not output error: it does not see the inputs that multiply each
        weight (GPTQ and AWQ weigh errors by them), nor what follows a tensor in the network,
        and a large tensor adds much error by its size alone.
        """
        picked = [(r, r.group or r.channel or r.tensor) for r in self.rows]
        total = sum(s.sse for _, s in picked)
        ranked = sorted(picked, key=lambda p: -p[1].sse)[:k]
        return tuple((r, s.sse / total if total > 0 else 0.0, s.sqnr_db) for r, s in ranked)

    def median_sqnr(self) -> float:
        """The median of the rows' per-tensor SQNR (dB); ``ValueError`` without rows."""
        if not self.rows:
            raise ValueError("the report has no rows")
        return float(np.median([r.sqnr_tensor for r in self.rows]))

    def below_median(self, margin_db: float = DB_PER_BIT) -> tuple[TensorRow, ...]:
        """Rows whose per-tensor SQNR is more than ``margin_db`` (one bit) below the median:
        a few such tensors point at outliers; many, at the bit width."""
        if not self.rows:
            return ()
        median = self.median_sqnr()
        return tuple(r for r in self.rows if r.sqnr_tensor < median - margin_db)


def _numpy_dtype(name: str) -> np.dtype:
    try:
        return np.dtype(name)
    except TypeError:
        import ml_dtypes

        return np.dtype(getattr(ml_dtypes, name))


def report(entries: Sequence[Entry], cfg: QuantConfig, group_size: int = GROUP_SIZE,
           progress: Progress | None = None, fmt: str | None = None) -> Report:
    """:func:`tensor_row` for each entry (in the number format ``fmt`` too, when given),
    loading one tensor at a time.

    ``progress(done, total, name)`` is called before each tensor (and once at the end with
    ``done == total``); ``done``/``total`` count elements, so big tensors move the bar more.
    A tensor the loaders refuse, or one that cannot be quantized (a ``ValueError``: say a
    range wider than float32 can hold), becomes a :class:`Failed` and the report goes on.
    """
    if isinstance(group_size, bool) or not isinstance(group_size, int) or group_size < 1:
        raise ValueError(f"group_size must be a positive integer, got {group_size!r}")
    if fmt is not None and fmt not in FORMATS:
        raise ValueError(f"fmt={fmt!r} is not one of {', '.join(FORMATS)}")
    total = sum(e.n_elements for e in entries)
    done = 0
    rows, failed = [], []
    for e in entries:
        if progress is not None:
            progress(done, total, e.name)
        try:
            x = e.load()
            rows.append(tensor_row(e.name, x, e.dtype_name, cfg, group_size, fmt))
            del x
        except ValueError as err:  # TensorLoadError included; or values the grid cannot hold
            failed.append(Failed(e.name, str(err)))
        done += e.n_elements
    if fmt is not None:
        rows = _with_fmt_groups(rows, entries, cfg, group_size, fmt)
    if progress is not None:
        progress(total, total, "")
    return Report(tuple(rows), tuple(failed), cfg, group_size, fmt)


def _with_fmt_groups(rows: list[TensorRow], entries: Sequence[Entry], cfg: QuantConfig,
                     group_size: int, fmt: str) -> list[TensorRow]:
    """The :data:`WORST` rows in ``fmt`` get ``fmt_group``: their tensors loaded again and
    measured in integer groups at the format's element bits (the rest keep None)."""
    worst = Report(tuple(rows), (), cfg, group_size, fmt).worst_in_format(WORST)
    by_name = {e.name: e for e in entries}
    same_bits = replace(cfg, bits=FORMATS[fmt].bits)
    chosen = {id(r) for r in worst if r.shape and r.shape[-1] % group_size == 0}
    return [replace(r, fmt_group=quant_sums(by_name[r.name].load(), same_bits, "group",
                                            group_size)) if id(r) in chosen else r
            for r in rows]
