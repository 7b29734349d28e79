"""The Per-channel page: one weight tensor quantized per tensor, per channel and per group.

The tensor is the synthetic layer with uneven channel scales or a tensor picked from an
uploaded checkpoint. The page compares the three granularities on error (SQNR, MSE, error per
channel) and on what their parameters cost, with figures that pool thousands of channels.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from quantviz import present
from quantviz.distributions import OUTLIER_CHANNEL_EVERY, WEIGHT_PARAMS
from quantviz.loaders import TensorInfo
from quantviz.quantize import QuantConfig
from quantviz.studies import granularity
from quantviz.studies.granularity import GROUP_SIZES, Comparison, GranularityResult
from quantviz.ui import channel_cache, controls, shell
from quantviz.ui import formats as formats_ui
from quantviz.ui.i18n import plain, t, t_count
from quantviz.ui.state import Control, set_values, widget

_WEIGHT = {p.name: p for p in WEIGHT_PARAMS}
SOURCE = Control("pc_src", "segmented", "synthetic", "per_channel.source",
                 options=("synthetic", "upload", "ckpt"))
OUT = Control("pc_out", "int", 64, "per_channel.out", lo=1, hi=4096, help="per_channel.out.help")
IN = Control("pc_in", "int", 256, "per_channel.in", lo=1, hi=4096, help="per_channel.in.help")
SPREAD = Control("pc_spread", "float", _WEIGHT["spread"].default, "per_channel.spread",
                 lo=1.0, hi=200.0, step=1.0, help="per_channel.spread.help")
GROUP = Control("group", "select", 128, "per_channel.group", options=GROUP_SIZES,
                help="per_channel.group.help")
METRIC = Control("pc_metric", "segmented", "sqnr", "per_channel.metric", options=("sqnr", "mse"))
SORT = Control("pc_sort", "toggle", True, "per_channel.sort", help="per_channel.sort.help")

#: One-click presets: the control values each sets.
PRESETS: dict[str, dict] = {
    "int8_sym": {"scheme": "symmetric", "signed": True, "narrow": False, "bits": 8},
    "int4_groups": {"scheme": "symmetric", "signed": True, "narrow": False, "bits": 4,
                    "group": 128},
    "uint8_asym": {"scheme": "asymmetric", "signed": False, "narrow": False, "bits": 8},
}


def axis_control(ndim: int) -> Control:
    """The channel axis, one option per dimension (0: output channels in PyTorch's layout)."""
    return Control("axis", "select", 0, "per_channel.axis", options=tuple(range(ndim)),
                   help="per_channel.axis.help")


#: The weight tensor: a page's tensor like any other (``key`` for caches, ``x`` read-only).
Weights = controls.Tensor


def _synthetic(box=None) -> Weights:
    """The synthetic layer, its controls drawn in ``box`` (the sidebar by default)."""
    out, inn = widget(OUT, box), widget(IN, box)
    spread, seed = widget(SPREAD, box), widget(controls.SEED, box)
    x = channel_cache.synthetic_weights(out, inn, spread, seed)
    label = t("per_channel.synthetic_label", out=out, inn=inn, spread=f"{spread:g}", seed=seed,
              every=OUTLIER_CHANNEL_EVERY)
    return Weights(("synthetic", out, inn, spread, seed), x, label)


#: The per-channel page's own wording for the upload picker.
UPLOAD_TEXTS = controls.UploadTexts(label="per_channel.upload", help="per_channel.upload.help",
                                    none="per_channel.upload_none", tensor="per_channel.tensor")


def _is_matrix(info: TensorInfo) -> bool:
    return len(info.shape) >= 2


def _upload() -> Weights | None:
    picked = controls.upload_picker("pc_", UPLOAD_TEXTS, prefer=_is_matrix)
    if picked is None:
        return None
    label = t("per_channel.upload_label", name=plain(picked.name), file=plain(picked.filename),
              shape=" × ".join(map(str, picked.x.shape)), n=f"{picked.x.size:,}")
    return Weights(("upload", picked.digest, picked.filename, picked.name), picked.x, label)


def source() -> Weights:
    """Draw the source controls; the synthetic layer stands in until a file is uploaded."""
    st.sidebar.subheader(t("per_channel.sidebar.weights"))
    kind = widget(SOURCE) or SOURCE.default
    if kind == "ckpt":
        picked = controls.builtin_picker(prefer=lambda shape: len(shape) >= 2)
        label = t("per_channel.upload_label", name=picked.name,
                  file=t(f"ckpt.label.{picked.key}"),
                  shape=" × ".join(map(str, picked.x.shape)), n=f"{picked.x.size:,}")
        return Weights(("ckpt", picked.key, picked.name), picked.x, label)
    if kind == "upload":
        weights = _upload()
        if weights is not None:
            return weights
        st.info(t("per_channel.fallback"))
        with st.sidebar.expander(t("per_channel.synthetic_params")):
            return _synthetic(st)
    return _synthetic()


def scheme() -> QuantConfig:
    """The scheme controls shared with the other pages (bits, scheme, signed, narrow)."""
    st.sidebar.subheader(t("sidebar.scheme"))
    name = widget(controls.SCHEME) or controls.SCHEME.default
    bits = widget(controls.BITS)
    signed = widget(controls.SIGNED)
    narrow = widget(controls.NARROW)
    return QuantConfig(bits, name, signed, narrow)


def presets() -> None:
    st.write(t("per_channel.preset.heading"))
    cols = st.columns(len(PRESETS))
    for col, (name, values) in zip(cols, PRESETS.items(), strict=True):
        col.button(t(f"per_channel.preset.{name}", **values), key=f"pc_preset_{name}",
                   help=t(f"per_channel.preset.{name}.help", **values), on_click=set_values,
                   args=(values,), width="stretch")


def choice_name(result: GranularityResult) -> str:
    if result.kind == "group":
        return t("per_channel.choice.group", g=result.group_size)
    return t(f"per_channel.choice.{result.kind}")


def _fmt_db(v: float) -> str:
    return "∞" if v == np.inf else f"{v:.2f}"


def table(results: list[GranularityResult], cfg: QuantConfig) -> None:
    """One row per granularity: parameters, their bytes, overhead, SQNR and MSE."""
    rows = []
    for r in results:
        c = r.cost
        rows.append({
            t("per_channel.col.choice"): choice_name(r),
            t("per_channel.col.params"): c.n_params,
            t("per_channel.col.bytes"): f"{c.n_params:,} × ({c.scale_bytes} + "
                                        f"{c.zero_point_bytes}) = {c.total_bytes:,}",
            t("per_channel.col.overhead"): f"{c.bits_per_weight:.4g}",
            "SQNR (dB)": _fmt_db(r.sqnr_db),
            "MSE": f"{r.mse:.4g}",
        })
    shell.table(rows)
    n = results[0].cost.n_weights
    zp = results[0].cost.zero_point_bytes
    weight_bytes = n * cfg.bits / 8
    st.caption(t("per_channel.cost_note_sym" if zp == 0 else "per_channel.cost_note",
                 zp=t_count("per_channel.bytes", zp), bits=cfg.bits,
                 weights=t_count("per_channel.bytes", weight_bytes, f"{weight_bytes:,.0f}"),
                 scale_bytes=results[0].cost.scale_bytes))


def headline(comp: Comparison, group: GranularityResult | None) -> None:
    cols = st.columns(3)
    tensor, channel = comp.per_tensor, comp.per_channel
    cols[0].metric(t("per_channel.head.tensor"), f"{_fmt_db(tensor.sqnr_db)} dB")
    cols[1].metric(t("per_channel.head.channel"), f"{_fmt_db(channel.sqnr_db)} dB",
                   delta=_delta(channel.sqnr_db, tensor.sqnr_db))
    if group is not None:
        cols[2].metric(t("per_channel.head.group", g=group.group_size),
                       f"{_fmt_db(group.sqnr_db)} dB",
                       delta=_delta(group.sqnr_db, tensor.sqnr_db))
    else:
        cols[2].metric(t("per_channel.head.group_none"), "—")


def _delta(value: float, base: float) -> str | None:
    if not (np.isfinite(value) and np.isfinite(base)):
        return None
    return t("per_channel.delta", d=f"{value - base:+.2f}")


def group_message(comp: Comparison, group: int, last: int) -> None:
    fits = [str(r.group_size) for r in comp.per_group]
    text = t("per_channel.group_bad", g=group, last=last, whole=last // group, rest=last % group)
    if fits:
        text += " " + t("per_channel.group_fits", fits=", ".join(fits))
    else:
        text += " " + t("per_channel.group_none_fit", sizes=", ".join(map(str, GROUP_SIZES)))
    st.warning(text)


def _ordered(values: np.ndarray, order: np.ndarray | None) -> np.ndarray:
    return values if order is None else values[order]


def range_figure(rng: granularity.ChannelRanges, sort: bool, theme: present.Theme) -> None:
    order = rng.order if sort else None
    lo = granularity.pool(_ordered(rng.x_min, order), "min")
    hi = granularity.pool(_ordered(rng.x_max, order), "max")
    x_title = t("per_channel.fig.sorted" if sort else "per_channel.fig.channel")
    shell.figure_of(
        present.channel_ranges, lo.start, lo.values, hi.values,
        tensor_range=(float(rng.x_min.min()), float(rng.x_max.max())), theme=theme,
        labels={"title": t("per_channel.fig.ranges"), "x_min": t("per_channel.fig.x_min"),
                "x_max": t("per_channel.fig.x_max"), "tensor": t("per_channel.fig.tensor_range"),
                "x": x_title, "y": "x"}, key="pc_fig_ranges")
    if lo.k > 1:
        st.caption(t("per_channel.fig.pooled_range", k=lo.k, n=f"{rng.x_min.size:,}"))


def error_figure(results: list[GranularityResult], rng: granularity.ChannelRanges, sort: bool,
                 metric: str, theme: present.Theme) -> None:
    order = rng.order if sort else None
    curves, k, start = {}, 1, None
    for r in results:
        values = r.channel_mse if metric == "mse" else r.channel_sqnr_db
        pooled = granularity.pool(_ordered(values, order), "max" if metric == "mse" else "min")
        curves[choice_name(r)] = pooled.values
        k, start = pooled.k, pooled.start
    x_title = t("per_channel.fig.sorted" if sort else "per_channel.fig.channel")
    shell.figure_of(
        present.channel_errors, start, curves, log_y=metric == "mse",
        y_title="MSE" if metric == "mse" else "SQNR (dB)", theme=theme,
        labels={"title": t(f"per_channel.fig.errors.{metric}"), "x": x_title},
        key="pc_fig_errors")
    if k > 1:
        st.caption(t(f"per_channel.fig.pooled_{metric}", k=k))


def tradeoff_points(comp: Comparison) -> list[tuple[str, float, float]]:
    """``(name, bits per weight, SQNR)`` per choice; choices that coincide share one point.

    A group as long as the last axis of a 2-D tensor quantized along axis 0 is per channel
    under another name: same parameters, same error.
    """
    merged: dict[tuple[float, float], list[str]] = {}
    for r in comp.all:
        merged.setdefault((r.cost.bits_per_weight, r.sqnr_db), []).append(short_name(r))
    return [(" = ".join(names), bits, sqnr) for (bits, sqnr), names in merged.items()]


def short_name(result: GranularityResult) -> str:
    if result.kind == "group":
        return t("per_channel.short.group", g=result.group_size)
    return t(f"per_channel.short.{result.kind}")


def tradeoff_figure(comp: Comparison, group: int, theme: present.Theme,
                    weights: Weights | None = None, bits: int | None = None) -> None:
    shown = [comp.per_tensor, comp.per_channel, comp.group(group)]
    wanted = {short_name(r) for r in shown if r is not None}
    points = tradeoff_points(comp)
    formats = formats_ui.same_bits_points(weights.key, weights.x, bits) if weights else []
    selected = [p[0] for p in points if wanted & set(p[0].split(" = "))]
    shell.figure_of(
        present.granularity_tradeoff, points, selected=tuple(selected), extra=formats,
        theme=theme,
        labels={"title": t("per_channel.fig.tradeoff"), "x": t("per_channel.fig.overhead"),
                "selected": t("per_channel.fig.selected"), "others": t("per_channel.fig.others"),
                "extra": t("formats.per_channel.legend")},
        key="pc_fig_tradeoff")
    if weights is not None:
        formats_ui.same_bits_caption(formats, bits, weights.x)


def heatmap_figure(weights: Weights, group: int, theme: present.Theme) -> None:
    gm = channel_cache.group_map(weights.key, group, weights.x)
    shell.figure_of(
        present.group_heatmap, gm.cells, row_step=gm.row_step, col_step=gm.col_step,
        theme=theme,
        labels={"title": t("per_channel.fig.heatmap", g=group), "x": t("per_channel.fig.group"),
                "y": t("per_channel.fig.row")}, key="pc_fig_heatmap")
    if gm.row_step > 1 or gm.col_step > 1:
        st.caption(t("per_channel.fig.pooled_map", rows=t_count("per_channel.rows", gm.row_step),
                     cols=t_count("per_channel.groups", gm.col_step)))


def render() -> None:
    """The whole Per-channel page."""
    theme = shell.page_start("per_channel")
    weights = source()
    cfg = scheme()
    presets()
    st.caption(weights.label)
    x = weights.x
    if x.ndim < 2:
        st.info(t("per_channel.one_d", shape=list(x.shape)))
        shell.page_end()
        return
    st.sidebar.subheader(t("per_channel.sidebar.granularity"))
    axis = widget(axis_control(x.ndim))
    group = widget(GROUP)
    channels = x.shape[axis]
    st.markdown(t("per_channel.layout", shape=" × ".join(map(str, x.shape)), axis=axis,
                  channels=f"{channels:,}", per=f"{x.size // channels:,}", last=x.shape[-1]))
    with st.spinner(t("per_channel.busy", n=f"{x.size:,}")):
        comp = channel_cache.comparison(weights.key, cfg, axis, x)
        rng = channel_cache.ranges(weights.key, axis, x)
    chosen = comp.group(group)
    if chosen is None:
        group_message(comp, group, x.shape[-1])
    headline(comp, chosen)
    results = [comp.per_tensor, comp.per_channel] + ([chosen] if chosen else [])
    table(results, cfg)
    switches = st.columns(2, vertical_alignment="center")
    sort = widget(SORT, switches[0])
    metric = widget(METRIC, switches[1]) or METRIC.default
    top = st.columns(2)
    with top[0]:
        range_figure(rng, sort, theme)
    with top[1]:
        error_figure(results, rng, sort, metric, theme)
    bottom = st.columns(2)
    with bottom[0]:
        tradeoff_figure(comp, group, theme, weights, cfg.bits)
    with bottom[1]:
        if chosen is not None:
            heatmap_figure(weights, group, theme)
        else:
            st.info(t("per_channel.no_heatmap"))
    st.markdown(t("per_channel.explain"))
    shell.page_end()
