"""The sidebar controls shared by the pages: where the tensor comes from, and the scheme.

:func:`tensor_source` returns a :class:`Tensor` (a small hashable key plus the cached array);
:func:`scheme` returns a ``QuantConfig`` and the calibration choice; :func:`upload_picker` is the
file uploader and tensor picker that every page with an upload shares. Every control is a
:class:`~quantviz.ui.state.Control`, so the URL carries it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
import streamlit as st

from quantviz.distributions import DISTRIBUTIONS
from quantviz.loaders import ACCEPTED_EXTENSIONS, TensorInfo, decoded_nbytes
from quantviz.observers import OBSERVERS
from quantviz.quantize import (
    ARITHMETICS,
    MAX_BITS,
    MIN_BITS,
    REDUCE_RANGE_MIN_BITS,
    ROUNDINGS,
    SCHEMES,
    QuantConfig,
)
from quantviz.studies.checkpoint import available_builtins
from quantviz.ui import budget, cache, checkpoint_cache, shell
from quantviz.ui.i18n import has, plain, t
from quantviz.ui.state import Control, init, value, widget

SIZES = (1_000, 10_000, 100_000, 1_000_000, 10_000_000)

SOURCE = Control("src", "segmented", "dist", "source.label", options=("dist", "upload", "ckpt"))
DIST = Control("dist", "select", "normal", "dist.label", options=tuple(DISTRIBUTIONS),
               help="dist.help", option_prefix="dist")
N = Control("n", "select", 100_000, "n.label", options=SIZES)
SEED = Control("seed", "int", 0, "seed.label", lo=0, hi=999)
DROP = Control("drop", "toggle", False, "drop.label", help="drop.help")

SCHEME = Control("scheme", "segmented", "asymmetric", "scheme.label", options=SCHEMES)
BITS = Control("bits", "int", 8, "bits.label", lo=MIN_BITS, hi=MAX_BITS)
SIGNED = Control("signed", "toggle", False, "signed.label", help="signed.help")
_INT8_NARROW = QuantConfig(8, "symmetric", signed=True, narrow_range=True)
NARROW = Control("narrow", "toggle", False, "narrow.label", help="narrow.help",
                 help_values=(("qmin", _INT8_NARROW.qmin), ("qmax", _INT8_NARROW.qmax)))
REDUCE = Control("reduce", "toggle", False, "reduce.label", help="reduce.help")
ROUNDING = Control("rounding", "select", "half_even", "rounding.label", options=ROUNDINGS)
ARITH = Control("arith", "segmented", "pytorch", "arith.label", options=ARITHMETICS,
                help="arith.help")
#: Observers that see the tensor as a stream of batches (the rest see it whole).
BATCHES = 32
CALIB = Control("calib", "select", "minmax", "calib.label", options=tuple(OBSERVERS),
                help="calib.help", help_values=(("batches", BATCHES),))
PERCENTILE = Control("pct", "float", 99.9, "pct.label", lo=90.0, hi=100.0, step=0.01)
AVERAGING = Control("avg", "float", 0.01, "avg.label", lo=0.001, hi=1.0, step=0.001,
                    fmt="%.3f")

#: Pickled checkpoints: the uploader takes them only so that the loader can say why it refuses
#: them and what to upload instead (a browser-side refusal would not say).
PICKLES = (".pt", ".pth", ".ckpt", ".pkl", ".pickle", ".bin")
#: What every uploader lets through: the loaders' formats, and pickles so that the loader says
#: why it refuses them (a type the uploader filtered would raise inside Streamlit instead).
UPLOAD_TYPES = [e.lstrip(".") for e in ACCEPTED_EXTENSIONS + PICKLES]


@dataclass(frozen=True)
class Tensor:
    """The tensor the page works on: ``key`` identifies it in caches, ``x`` is read-only."""

    key: tuple
    x: np.ndarray
    label: str


def param_controls(dist_key: str) -> list[Control]:
    """One slider per parameter of the distribution ``dist_key`` (URL key ``dist.param``).

    Its label is the text ``param.<dist>.<name>`` (where a parameter means something of its
    own there, like the log-normal's mean of the log), else ``param.<name>``.
    """
    controls = []
    for p in DISTRIBUTIONS[dist_key].params:
        kind = "int" if p.kind == "int" else "float"
        label = next((k for k in (f"param.{dist_key}.{p.name}", f"param.{p.name}") if has(k)),
                     "param.generic")
        controls.append(Control(f"{dist_key}.{p.name}", kind, p.default, label, lo=p.min,
                                hi=p.max, step=p.step,
                                fmt=None if kind == "int" else step_format(p.step)))
    return controls


def step_format(step: float) -> str:
    """A printf format that shows every digit of ``step`` (0.0001 -> "%.4f"), so that a
    slider never shows 0.00 for 0.001."""
    exponent = Decimal(str(step)).normalize().as_tuple().exponent
    return f"%.{max(2, -int(exponent))}f"


def _distribution() -> Tensor | None:
    key = widget(DIST)
    dist_text = f"dist.{key}.desc"
    st.sidebar.caption(t(dist_text) if has(dist_text) else DISTRIBUTIONS[key].description)
    params = tuple((c.key.split(".", 1)[1], widget(c)) for c in param_controls(key))
    n = widget(N)
    seed = widget(SEED)
    source = ("dist", key, n, seed, params)
    try:
        with shell.busy(t("busy.sample", n=f"{n:,}"), n):
            x = cache.distribution_tensor(key, n, seed, params)
    except ValueError as err:  # parameters the sampler refuses, e.g. low >= high
        st.sidebar.error(str(err))
        return None
    return Tensor(source, x, t("tensor.dist_label", name=_dist_name(key), n=f"{x.size:,}"))


def _dist_name(key: str) -> str:
    return t(f"dist.{key}") if has(f"dist.{key}") else DISTRIBUTIONS[key].label


@dataclass(frozen=True)
class UploadTexts:
    """The text keys of an upload picker: uploader label and help, the no-file note, picker."""

    label: str = "upload.label"
    help: str = "upload.help"
    none: str = "upload.none"
    tensor: str = "upload.tensor"


@dataclass(frozen=True)
class Upload:
    """The tensor picked from an uploaded file: where it came from, and its read-only array."""

    digest: str
    filename: str
    name: str
    drop: bool
    x: np.ndarray


def describe(info: TensorInfo) -> str:
    """A tensor's line in the picker: name, shape and dtype, read from the file's header."""
    return f"{info.name}  {list(info.shape)}  {info.dtype_name}"


def upload_picker(
    key_prefix: str = "",
    texts: UploadTexts = UploadTexts(),
    *,
    prefer: Callable[[TensorInfo], bool] | None = None,
    drop: Control | None = None,
    container: Any = None,
) -> Upload | None:
    """Draw a file uploader and a picker of the tensors in the file; return the picked one.

    Widget keys: ``{key_prefix}upload`` (the file) and ``{key_prefix}tensor`` (its picked
    tensor); the file's digest is remembered per session under ``_{key_prefix}digests``, so a
    rerun does not hash the bytes again. The picker starts on the first tensor that ``prefer``
    accepts (the first of all when none does or no ``prefer`` is given). ``drop``, when given,
    is the drop-non-finite switch, drawn under the picker. Errors (an unreadable file, a tensor
    that cannot be decoded) are shown in ``container`` (the sidebar by default) and give None.
    """
    box = container if container is not None else st.sidebar
    file = box.file_uploader(t(texts.label), type=UPLOAD_TYPES,
                             key=f"{key_prefix}upload", help=t(texts.help))
    if file is None:
        box.info(t(texts.none))
        return None
    data = file.getvalue()
    data_digest = upload_digest(file, key_prefix)
    infos, error = cache.upload_catalog(data_digest, file.name, data)
    if error:
        box.error(t("upload.refused", reason=plain(error)))
        return None
    name = _pick(box, infos, f"{key_prefix}tensor", texts, prefer)
    info = next(i for i in infos if i.name == name)
    if info.note:
        box.caption(t("upload.flat", n=f"{info.n_elements:,}"))
    drop_nonfinite = widget(drop, box) if drop is not None else False
    try:
        loaded = cache.upload_tensor(data_digest, file.name, name, drop_nonfinite, None)
    except cache.UploadGone:  # not decoded yet: hold its memory first
        if not _hold_memory(box, info):
            return None
        with st.spinner(t("busy.load", name=plain(name))):
            loaded = cache.upload_tensor(data_digest, file.name, name, drop_nonfinite, data)
    if loaded.beyond_float32 is not None:
        count, example = loaded.beyond_float32
        box.error(t("upload.refused", reason=t(
            "upload.beyond_f32", name=plain(name), count=f"{count:,}", example=f"{example:.6g}",
            largest=f"{float(np.finfo(np.float32).max):.7g}")))
        return None
    if loaded.error:
        box.error(t("upload.refused", reason=plain(loaded.error)))
        if loaded.nonfinite and drop is not None:
            box.caption(t("drop.hint"))
        return None
    return Upload(data_digest, file.name, name, drop_nonfinite, loaded.x)


def _hold_memory(box: Any, info: TensorInfo) -> bool:
    """Hold the budget for decoding and quantizing ``info``'s tensor; say why when refused."""
    need = budget.cost(decoded_nbytes(info))
    waiting = box.empty()
    try:
        budget.hold(need, on_wait=lambda: waiting.info(t(
            "budget.wait", need=_mb(need), held=_mb(budget.held()),
            budget=_mb(budget.BUDGET_BYTES))))
    except budget.OverBudget as over:
        key = "budget.busy" if over.busy else "budget.refused"
        waiting.empty()
        box.error(t(key, name=plain(info.name), size=_mb(decoded_nbytes(info)),
                    need=_mb(over.need), budget=_mb(over.budget),
                    factor=budget.COST_FACTOR, wait=f"{budget.WAIT_SECONDS:g}"))
        return False
    waiting.empty()
    return True


def _mb(nbytes: int) -> str:
    return f"{nbytes / 1e6:,.0f} MB"


#: A file with more tensors than this gets a search box; the picker lists the first matches.
PICKER_MAX = 200


def _pick(box: Any, infos: tuple, tensor_key: str, texts: UploadTexts,
          prefer: Callable[[TensorInfo], bool] | None) -> str:
    """The picked tensor's name: a list of all of them, or a search over a big checkpoint.

    A selectbox sends every option to the browser on every rerun; for 100,000 tensors that
    is megabytes. Above :data:`PICKER_MAX` a text box filters the names (substring, case
    ignored) and the selectbox lists the first ``PICKER_MAX`` matches.
    """
    names = [info.name for info in infos]
    if st.session_state.get(tensor_key) not in names:
        preferred = next((i.name for i in infos if prefer is None or prefer(i)), names[0])
        st.session_state[tensor_key] = preferred
    current = st.session_state[tensor_key]
    shown = infos
    if len(infos) > PICKER_MAX:
        query = box.text_input(t("upload.search"), key=f"{tensor_key}_find",
                               help=t("upload.search.help", n=f"{len(infos):,}"))
        needle = query.strip().lower()
        matches = [i for i in infos if needle in i.name.lower()] if needle else list(infos)
        shown = matches[:PICKER_MAX]
        box.caption(t("upload.matches", shown=f"{len(shown):,}", matched=f"{len(matches):,}",
                      total=f"{len(infos):,}"))
        if all(i.name != current for i in shown):
            shown = [next(i for i in infos if i.name == current), *shown]
    described = {info.name: describe(info) for info in shown}
    return box.selectbox(t(texts.tensor), list(described), key=tensor_key,
                         format_func=described.get)


def _upload() -> Tensor | None:
    picked = upload_picker(drop=DROP)
    if picked is None:
        return None
    source = ("upload", picked.digest, picked.filename, picked.name, picked.drop)
    return Tensor(source, picked.x, t("tensor.upload_label", name=plain(picked.name),
                                      file=plain(picked.filename), n=f"{picked.x.size:,}"))


#: A built-in checkpoint (the checkpoint report links to its tensors with these two keys).
CKPT = Control("ckpt", "select", "synthetic_llm", "ckpt.label", options=available_builtins(),
               help="ckpt.help")


@dataclass(frozen=True)
class Builtin:
    """A tensor of a built-in checkpoint: checkpoint key, tensor name, read-only array."""

    key: str
    name: str
    x: np.ndarray


def builtin_picker(container: Any = None,
                   prefer: Callable[[tuple[int, ...]], bool] | None = None) -> Builtin:
    """Draw the built-in checkpoint and tensor pickers (URL keys ``ckpt``, ``ckpt_t``).

    The tensor picker starts on the first tensor whose shape ``prefer`` accepts (the first of
    all without ``prefer``), and falls back to it when the URL names no tensor of the file.
    """
    box = container if container is not None else st.sidebar
    key = widget(CKPT, box) or CKPT.default
    layout = checkpoint_cache.builtin_layout(key)
    names = tuple(name for name, _, _ in layout)
    first = next((n for n, shape, _ in layout if prefer is None or prefer(shape)), names[0])
    picker = Control("ckpt_t", "select", first, "ckpt.tensor", options=names)
    init(picker)  # from the URL the first time; a name of another checkpoint falls back
    if st.session_state[picker.key] not in names:
        st.session_state[picker.key] = first
    name = widget(picker, box)
    return Builtin(key, name, checkpoint_cache.builtin_tensor(key, name))


def _builtin() -> Tensor:
    picked = builtin_picker()
    source = ("ckpt", picked.key, picked.name)
    return Tensor(source, picked.x, t("tensor.ckpt_label", name=picked.name,
                                      ckpt=t(f"ckpt.label.{picked.key}"),
                                      n=f"{picked.x.size:,}"))


def upload_digest(file: Any, key_prefix: str) -> str:
    """The content digest of an uploaded ``file``, hashed once per upload (not per rerun).

    Kept in session state under ``_{key_prefix}digests`` for the current upload only, so a
    100 MB file is hashed when it arrives and never again while it stays.
    """
    memo = st.session_state.setdefault(f"_{key_prefix}digests", {})
    if file.file_id not in memo:
        memo.clear()
        memo[file.file_id] = cache.digest(file.getvalue())
    return memo[file.file_id]


def tensor_source() -> Tensor:
    """Draw the source controls; return the chosen tensor.

    When an upload fails or the sampler refuses the parameters (say low >= high), the error is
    shown and the previous good tensor stays (if it is still cached); failing that, the default
    distribution.
    """
    st.sidebar.subheader(t("sidebar.tensor"))
    kind = widget(SOURCE) or SOURCE.default
    tensor = {"dist": _distribution, "upload": _upload, "ckpt": _builtin}[kind]()
    if tensor is not None:
        st.session_state["_last_source"] = (tensor.key, tensor.label)
        return tensor
    last = st.session_state.get("_last_source")
    if last and last[0][0] == "upload":
        _, data_digest, filename, name, drop = last[0]
        try:
            loaded = cache.upload_tensor(data_digest, filename, name, drop, None)
        except cache.UploadGone:
            loaded = None
        if loaded is not None and loaded.x is not None:
            st.info(t("tensor.kept", label=last[1]))
            return Tensor(last[0], loaded.x, last[1])
    if last and last[0][0] == "dist":
        _, key, n, seed, params = last[0]
        st.info(t("tensor.kept", label=last[1]))
        return Tensor(last[0], cache.distribution_tensor(key, n, seed, params), last[1])
    key = DIST.default
    params = tuple((p.name, p.default) for p in DISTRIBUTIONS[key].params)
    source = ("dist", key, N.default, SEED.default, params)
    x = cache.distribution_tensor(key, N.default, SEED.default, params)
    return Tensor(source, x, t("tensor.dist_label", name=_dist_name(key), n=f"{x.size:,}"))


def reduce_range(bits: int, container=None) -> bool:
    """The reduce_range switch (PyTorch's one bit fewer); with under
    ``REDUCE_RANGE_MIN_BITS`` bits it is ignored, with a note."""
    box = container if container is not None else st.sidebar
    on = widget(REDUCE, box)
    if on and bits < REDUCE_RANGE_MIN_BITS:
        box.caption(t("reduce.needs_bits", bits=bits, min_bits=REDUCE_RANGE_MIN_BITS))
        return False
    return bool(on)


def observer_params(method: str, pct: float | None, avg: float | None) -> tuple:
    """The observer parameters every page passes to the calibration cache, in one form.

    One form, so a calibration Explore made is the one Compare, Bits and Calibration find in
    the cache. The moving average sees the tensor as :data:`BATCHES` batches; the cache caps
    that at the number of values (a 10-value upload is 10 batches).
    """
    if method == "percentile":
        return (("percentile", pct),)
    if method == "moving_average":
        return (("averaging_constant", avg), ("batches", BATCHES))
    return ()


@dataclass(frozen=True)
class Scheme:
    """The chosen config and calibration method with its parameters."""

    cfg: QuantConfig
    method: str
    params: tuple


def chosen_scheme() -> Scheme:
    """The scheme the sidebar's controls hold now, read from session state without drawing
    them: what :func:`scheme` returns for the same state (a fragment's rerun, which may not
    draw in the sidebar, computes with it). Reduce-range under ``REDUCE_RANGE_MIN_BITS`` bits
    is ignored, as there."""
    bits = value(BITS)
    method = value(CALIB)
    params = observer_params(method, value(PERCENTILE) if method == "percentile" else None,
                             value(AVERAGING) if method == "moving_average" else None)
    reduce = bool(value(REDUCE)) and bits >= REDUCE_RANGE_MIN_BITS
    cfg = QuantConfig(bits, value(SCHEME) or SCHEME.default, value(SIGNED), value(NARROW),
                      value(ROUNDING), value(ARITH) or ARITH.default, reduce_range=reduce)
    return Scheme(cfg, method, params)


def scheme(container=None) -> Scheme:
    """Draw the scheme controls; return the config and the calibration choice (read from the
    keys the widgets hold, as :func:`chosen_scheme` reads them without drawing)."""
    box = container if container is not None else st.sidebar
    box.subheader(t("sidebar.scheme"))
    widget(SCHEME, box)
    bits = widget(BITS, box)
    widget(SIGNED, box)
    widget(NARROW, box)
    reduce_range(bits, box)  # its note under REDUCE_RANGE_MIN_BITS bits
    method = widget(CALIB, box)
    if method == "percentile":
        widget(PERCENTILE, box)
    elif method == "moving_average":
        widget(AVERAGING, box)
    with box.expander(t("sidebar.advanced")):
        widget(ROUNDING, st)
        widget(ARITH, st)
    return chosen_scheme()
