"""The Layer page: one linear layer ``Y = X W^T + b`` computed the way an int8 CPU kernel does.

W is the synthetic layer or a matrix from an uploaded checkpoint, X a distribution or the
activation stream. The page follows the integer pipeline with live numbers (codes, the int32
accumulator, zero-point terms, bias, the two requantizations), shows why x86 kernels take 7-bit
activations (``reduce_range``), and measures the error of Y under each kind of quantization.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from quantviz import present
from quantviz.distributions import DISTRIBUTIONS
from quantviz.layers import INT16_MAX, INT16_MIN, INT32_MAX
from quantviz.loaders import TensorInfo
from quantviz.present import formulas
from quantviz.studies import layer as layer_study
from quantviz.studies.layer import STREAM, Element, LayerStudy
from quantviz.ui import channel_cache, controls, shell
from quantviz.ui.caching import cached, frozen
from quantviz.ui.i18n import has, plain, t
from quantviz.ui.state import Control, widget

# --- caches: bounded, shared by every session (the rules of quantviz.ui.cache) ---
# Bounded caches for the Layer page.
#
# Same rules as :mod:`quantviz.ui.cache`: a small key string, arrays passed as ``_``-prefixed
# arguments that are not hashed, every cache with ``max_entries`` and a ``ttl``.

@cached(6)
def cached_activations(source: str, rows: int, in_features: int, seed: int) -> np.ndarray:
    """``layer_study.activations`` (read-only, shared by every session)."""
    return frozen(layer_study.activations(source, rows, in_features, seed))


@cached(12)
def cached_study(key: str, per_channel: bool, reduce_range: bool, with_bias: bool, seed: int,
          _w: np.ndarray, _x: np.ndarray) -> layer_study.LayerStudy:
    """``layer_study.study_layer`` for the weights and activations that ``key`` names."""
    bias = None
    if with_bias:
        y = _x.astype(np.float64) @ _w.astype(np.float64).T
        bias = layer_study.synthetic_bias(y, seed)
    return layer_study.study_layer(_w, _x, bias, per_channel=per_channel,
                                   reduce_range=reduce_range)


# --- the page ---

#: Activation sources: the 1-D distributions and the drifting activation stream.
X_SOURCES = tuple(k for k, d in DISTRIBUTIONS.items() if d.ndim == 1) + (STREAM,)
#: Largest layer the page runs: the vpmaddubsw model walks every pair of every product.
MAX_OUT, MAX_IN = 512, 4096

W_SOURCE = Control("ly_wsrc", "segmented", "synthetic", "layer.wsrc",
                   options=("synthetic", "upload"))
OUT = Control("ly_out", "int", 64, "layer.out", lo=1, hi=MAX_OUT)
IN = Control("ly_in", "int", 256, "layer.in", lo=1, hi=MAX_IN)
SPREAD = Control("ly_spread", "float", 30.0, "layer.spread", lo=1.0, hi=200.0, step=1.0,
                 help="layer.spread.help")
X_SOURCE = Control("ly_x", "select", "normal", "layer.x", options=X_SOURCES,
                   help="layer.x.help", option_prefix="dist")
ROWS = Control("ly_rows", "int", 64, "layer.rows", lo=1, hi=256, help="layer.rows.help")
GRANULARITY = Control("ly_gran", "segmented", "per_channel", "layer.gran",
                      options=("per_tensor", "per_channel"))
REDUCE = Control("ly_rr", "toggle", False, "layer.rr", help="layer.rr.help", help_values=(
    ("qmin", layer_study.X_CONFIG.qmin), ("qmax", layer_study.X_CONFIG.qmax),
    ("rqmin", layer_study.X_CONFIG_REDUCED.qmin), ("rqmax", layer_study.X_CONFIG_REDUCED.qmax)))
BIAS = Control("ly_bias", "toggle", True, "layer.bias", help="layer.bias.help")

UPLOAD_TEXTS = controls.UploadTexts(label="layer.upload", help="layer.upload.help",
                                    none="layer.upload_none", tensor="layer.tensor")


#: The weight tensor: a page's tensor like any other (``key`` for caches, ``x`` read-only).
Weights = controls.Tensor


def _synthetic(box=None) -> Weights:
    out, inn = widget(OUT, box), widget(IN, box)
    spread, seed = widget(SPREAD, box), widget(controls.SEED, box)
    w = channel_cache.synthetic_weights(out, inn, spread, seed)
    return Weights(("synthetic", out, inn, spread, seed), w,
                   t("layer.synthetic_label", out=out, inn=inn, spread=f"{spread:g}", seed=seed))


def _is_matrix(info: TensorInfo) -> bool:
    return len(info.shape) >= 2


def _upload() -> Weights | None:
    picked = controls.upload_picker("ly_", UPLOAD_TEXTS, prefer=_is_matrix)
    if picked is None:
        return None
    x = picked.x
    if x.ndim < 2:
        st.warning(t("layer.one_d", name=plain(picked.name), shape=list(x.shape)))
        return None
    w = x.reshape(x.shape[0], -1)
    n, k = w.shape
    if k > MAX_IN:
        st.warning(t("layer.too_wide", name=plain(picked.name), k=f"{k:,}", max=f"{MAX_IN:,}"))
        return None
    label = t("layer.upload_label", name=plain(picked.name), file=plain(picked.filename),
              shape=" × ".join(map(str, x.shape)), n=f"{n:,}", k=f"{k:,}")
    if n > MAX_OUT:
        w = w[:MAX_OUT]
        label += " " + t("layer.first_rows", shown=MAX_OUT, n=f"{n:,}")
    return Weights(("upload", picked.digest, picked.filename, picked.name), w, label)


def weights() -> Weights:
    """Draw the weight controls; the synthetic layer stands in until a matrix is uploaded."""
    st.sidebar.subheader(t("layer.sidebar.w"))
    kind = widget(W_SOURCE) or W_SOURCE.default
    if kind == "upload":
        picked = _upload()
        if picked is not None:
            return picked
        st.info(t("layer.fallback"))
        with st.sidebar.expander(t("layer.synthetic_params")):
            return _synthetic(st)
    return _synthetic()


def _x_name(key: str) -> str:
    return t(f"dist.{key}") if has(f"dist.{key}") else DISTRIBUTIONS[key].label


def activations(in_features: int) -> tuple[str, int, np.ndarray, str]:
    """Draw the activation controls; return (source, rows, X, label)."""
    st.sidebar.subheader(t("layer.sidebar.x"))
    source = widget(X_SOURCE)
    rows = widget(ROWS)
    seed = st.session_state.get(controls.SEED.key, controls.SEED.default)
    x = cached_activations(source, rows, in_features, seed)
    name = t("dist.stream") if source == STREAM else _x_name(source)
    return source, rows, x, t("layer.x_label", name=name, rows=rows, k=in_features)


def setting() -> tuple[bool, bool, bool]:
    st.sidebar.subheader(t("layer.sidebar.scheme"))
    per_channel = (widget(GRANULARITY) or GRANULARITY.default) == "per_channel"
    reduce_range = widget(REDUCE)
    with_bias = widget(BIAS)
    return per_channel, reduce_range, with_bias


def _db(v: float) -> str:
    return "∞" if v == np.inf else f"{v:.2f}"


def _range(values: np.ndarray) -> str:
    return f"[{values.min():.4g}, {values.max():.4g}]"


def headline(s: LayerStudy) -> None:
    integer = s.errors[-1]
    cols = st.columns(4)
    cols[0].metric(t("layer.head.sqnr"), f"{_db(integer.sqnr_db)} dB")
    cols[1].metric(t("layer.head.cosine"), f"{integer.cosine:.6f}")
    cols[2].metric(t("layer.head.acc"), t("layer.head.acc_value", bits=s.pipe.acc_bits),
                   help=t("layer.head.acc_help", room=s.pipe.headroom_bits))
    cols[3].metric(t("layer.head.differ"), f"{int(s.fixed.differ.sum()):,} / "
                                           f"{s.fixed.differ.size:,}")


def pipeline(s: LayerStudy) -> None:
    """The integer pipeline, one row per stage, with this layer's numbers."""
    st.subheader(t("layer.pipe.heading"))
    m, k, n = s.shape
    p = s.pipe
    x_codes = p.x_q
    w_scale = p.w_scale
    w_scale_text = f"{w_scale[0]:.6g}" if not s.per_channel else t(
        "layer.pipe.per_channel_scales", n=n, lo=f"{w_scale.min():.4g}", hi=f"{w_scale.max():.4g}")
    rows = [
        (t("layer.pipe.x"), t("layer.pipe.x_value", lo=int(x_codes.min()), hi=int(x_codes.max()),
                                qmax=s.x_qp.qmax, bits=s.x_bits, scale=f"{s.x_qp.scale:.6g}",
                                zp=s.x_qp.zero_point)),
        (t("layer.pipe.w"), t("layer.pipe.w_value", lo=int(p.w_q.min()), hi=int(p.w_q.max()),
                                scale=w_scale_text)),
        (t("layer.pipe.products"), t("layer.pipe.products_value", k=k, r=_range(p.products))),
        (t("layer.pipe.row_term"), t("layer.pipe.row_term_value", r=_range(p.row_term))),
        (t("layer.pipe.col_term"), t("layer.pipe.col_term_value", zp=s.x_qp.zero_point,
                                       r=_range(p.col_term))),
        (t("layer.pipe.acc"), t("layer.pipe.acc_value", lo=f"{p.acc_min:,}", hi=f"{p.acc_max:,}",
                                  bits=p.acc_bits, room=p.headroom_bits,
                                  worst=f"{p.worst_case_acc:,}",
                                  worst_bits=1 + p.worst_case_acc.bit_length(),
                                  int32=f"{INT32_MAX:,}")),
        (t("layer.pipe.bias"), t("layer.pipe.bias_value", r=_range(p.bias_acc))),
        (t("layer.pipe.requant"), t("layer.pipe.requant_value", r=_range(p.multiplier),
                                      scale=f"{s.y_qp.scale:.6g}", zp=s.y_qp.zero_point)),
        (t("layer.pipe.y"), t("layer.pipe.y_value", lo=int(p.y_q.min()), hi=int(p.y_q.max()),
                                m=m, n=n)),
    ]
    st.markdown("\n".join(f"- **{a}**: {b}" for a, b in rows))
    st.markdown(t("layer.pipe.zero_points"))
    st.markdown(t("layer.pipe.formula", y=formulas.fbgemm_output(s.y_qp.qmin, s.y_qp.qmax),
                  bias_tensor=formulas.FBGEMM_BIAS_TENSOR,
                  bias_channel=formulas.FBGEMM_BIAS_CHANNEL))


def element(e: Element, heading: str) -> None:
    """One output followed through FBGEMM's float requantization and TFLite's fixed point."""
    st.markdown(heading)
    st.markdown(t(
        "layer.elem.fbgemm", i=e.i, j=e.j, products=f"{e.products:,}", row=f"{e.row_term:,}",
        col=f"{e.col_term:,}", const=f"{e.const_term:,}", acc=f"{e.acc:,}",
        bias=f"{e.bias:.6g}", bias_acc=f"{e.bias_acc:.6g}", mult=f"{e.multiplier:.9g}",
        v=f"{e.scaled:.9g}", r=int(np.rint(e.scaled)), zp=e.y_zero_point, y=e.y_q,
        exact=f"{e.exact:.9g}"))
    st.markdown(t(
        "layer.elem.fixed", bias_q=f"{e.bias_q:,}", total=f"{e.acc + e.bias_q:,}", m0=f"{e.m0:,}",
        shift=e.shift, m=f"{e.m0 * 2.0 ** (e.shift - 31):.12g}", zp=e.y_zero_point,
        y=e.fixed_y_q))


def requantization(s: LayerStudy) -> None:
    st.subheader(t("layer.req.heading"))
    f = s.fixed
    rel = np.abs(f.fixed_multiplier - s.pipe.multiplier.astype(np.float64)) / f.real_multiplier
    rel_fixed = np.abs(f.fixed_multiplier - f.real_multiplier) / f.real_multiplier
    rel_float = np.abs(s.pipe.multiplier.astype(np.float64) - f.real_multiplier) / \
        f.real_multiplier
    st.markdown(t("layer.req.explain", m0=f"{int(f.m0[0]):,}", shift=int(f.shift[0]),
                  real=f"{f.real_multiplier[0]:.12g}", float=f"{s.pipe.multiplier[0]:.9g}",
                  err_float=f"{rel_float.max():.2g}", err_fixed=f"{rel_fixed.max():.2g}",
                  err=f"{rel.max():.2g}"))
    element(s.example, t("layer.elem.heading", i=s.example.i, j=s.example.j))
    n_differ = int(f.differ.sum())
    if n_differ == 0:
        st.success(t("layer.req.same", n=f"{f.differ.size:,}"))
        return
    gap = np.abs(f.y_q.astype(np.int64) - s.pipe.y_q.astype(np.int64)).max()
    st.markdown(t("layer.req.differ", n=f"{n_differ:,}", total=f"{f.differ.size:,}", d=int(gap)))
    rows = [{
        "i, j": f"{e.i}, {e.j}", "acc": e.acc, t("layer.req.col.bias_acc"): f"{e.bias_acc:.6g}",
        "bias_q": e.bias_q, t("layer.req.col.exact"): f"{e.exact:.6f}",
        "FBGEMM": e.y_q, "TFLite": e.fixed_y_q} for e in s.disagreements]
    shell.table(rows)
    element(s.disagreements[0], t("layer.elem.heading_differ", i=s.disagreements[0].i,
                                  j=s.disagreements[0].j))


def reduce_range(s: LayerStudy, theme: present.Theme) -> None:
    st.subheader(t("layer.rr.heading"))
    full, reduced = s.saturation_full, s.saturation_reduced
    xmax, rmax = layer_study.X_CONFIG.qmax, layer_study.X_CONFIG_REDUCED.qmax
    wmin = layer_study.W_CONFIG.qmin
    st.markdown(t("layer.rr.explain", full=f"{2 * xmax * wmin:,}", reduced=f"{2 * rmax * wmin:,}",
                  xmax=xmax, rmax=rmax, wmin=wmin, lo=f"{INT16_MIN:,}", hi=f"{INT16_MAX:,}"))
    cols = st.columns(3)
    cols[0].metric(t("layer.rr.sat_full"), f"{full.saturated:,}",
                   help=t("layer.rr.sat_help", pairs=f"{full.pairs:,}"))
    cols[1].metric(t("layer.rr.sat_reduced"), f"{reduced.saturated:,}")
    cols[2].metric(t("layer.rr.changed"), f"{full.outputs_changed:,} / {full.outputs:,}")
    if s.saturation_rows < s.shape[0]:
        st.caption(t("layer.rr.rows", r=s.saturation_rows, m=s.shape[0],
                     pairs=f"{layer_study.MAX_PAIRS:,}"))
    st.markdown(t("layer.rr.result", exact=_db(s.sqnr_exact_full), avx2=_db(s.sqnr_avx2_full),
                  reduced=_db(s.sqnr_reduced), err=f"{full.max_acc_error:,}"))
    shell.figure_of(
        present.integer_histogram, s.pair_edges,
        {t("layer.rr.fig.full"): s.pair_counts_full,
         t("layer.rr.fig.reduced"): s.pair_counts_reduced},
        limits=(INT16_MIN, INT16_MAX), log_y=True, theme=theme,
        labels={"title": t("layer.rr.fig.title"), "x": t("layer.rr.fig.x"),
                "y": t("layer.fig.count")}, key="ly_fig_pairs")


def accumulator(s: LayerStudy, theme: present.Theme) -> None:
    h = s.acc_hist
    worst = s.pipe.worst_case_acc
    shell.figure_of(
        present.integer_histogram, h.edges, {"acc": h.counts}, theme=theme,
        labels={"title": t("layer.acc.title", worst=f"{worst:,}"), "x": t("layer.acc.x"),
                "y": t("layer.fig.count")}, key="ly_fig_acc")


def errors(s: LayerStudy, theme: present.Theme) -> None:
    st.subheader(t("layer.err.heading"))
    rows = [{t("layer.err.col.what"): t(f"layer.err.{e.what}"), "SQNR (dB)": _db(e.sqnr_db),
             t("layer.err.col.cosine"): f"{e.cosine:.6f}"} for e in s.errors]
    shell.table(rows)
    weights_only, acts_only = s.errors[0], s.errors[1]
    worse = "weights" if weights_only.sqnr_db < acts_only.sqnr_db else "activations"
    st.markdown(t(f"layer.err.worse.{worse}", w=_db(weights_only.sqnr_db),
                  x=_db(acts_only.sqnr_db), both=_db(s.errors[2].sqnr_db),
                  integer=_db(s.errors[3].sqnr_db)))
    n = s.shape[2]
    channel = np.arange(n)
    curves = {t(f"layer.err.{e.what}"): e.channel_sqnr_db for e in s.errors}
    shell.figure_of(
        present.channel_errors, channel, curves, y_title="SQNR (dB)", theme=theme,
        labels={"title": t("layer.err.fig.title"), "x": t("layer.err.fig.x")},
        key="ly_fig_channels")
    both, integer = s.errors[2].channel_sqnr_db, s.errors[3].channel_sqnr_db
    j_both, j_int = int(np.argmin(both)), int(np.argmin(integer))
    st.caption(t("layer.err.worst", j=j_both, db=_db(float(both[j_both])), j_int=j_int,
                 db_int=_db(float(integer[j_int]))))


def render() -> None:
    """The whole Layer page."""
    theme = shell.page_start("layer")
    w = weights()
    source, rows, x, x_label = activations(w.x.shape[1])
    per_channel, rr, with_bias = setting()
    st.caption(w.label + " " + x_label)
    seed = st.session_state.get(controls.SEED.key, controls.SEED.default)
    key = repr((w.key, source, rows, seed))
    with st.spinner(t("layer.busy")):
        study = cached_study(key, per_channel, rr, with_bias, seed, w.x, x)
    headline(study)
    pipeline(study)
    accumulator(study, theme)
    requantization(study)
    reduce_range(study, theme)
    errors(study, theme)
    st.markdown(t("layer.sources"))
    shell.page_end()
