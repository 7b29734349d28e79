"""The Outliers page: a layer Y = X W whose activations have a few massive channels, the
scales one could pick, and SmoothQuant, rotation and mixed precision side by side."""

from __future__ import annotations

import numpy as np
import streamlit as st

from quantviz import present
from quantviz.present import formulas
from quantviz.studies import outliers
from quantviz.studies.outliers import Layer
from quantviz.ui import controls, shell
from quantviz.ui.caching import cached, frozen
from quantviz.ui.i18n import t
from quantviz.ui.state import Control, set_values, widget

TOKENS = Control("ol_tokens", "select", 512, "outliers.tokens", options=(128, 256, 512, 1024))
CHANNELS = Control("ol_channels", "select", 256, "outliers.channels",
                   options=(64, 96, 128, 256, 512))
COUNT = Control("ol_count", "int", 4, "outliers.count", lo=0, hi=16, help="outliers.count.help")
MAGNITUDE = Control("ol_mag", "float", 100.0, "outliers.magnitude", lo=1.0, hi=200.0, step=1.0,
                    help="outliers.magnitude.help")
X_KIND = Control("ol_x", "segmented", "tensor", "outliers.x_kind",
                 options=outliers.FOLDABLE)
ALPHA = Control("ol_alpha", "float", 0.5, "outliers.alpha", lo=0.0, hi=1.0, step=0.05,
                help="outliers.alpha.help")
ROTATION = Control("ol_rot", "segmented", "hadamard", "outliers.rotation",
                   options=outliers.ROTATIONS)
THRESHOLD = Control("ol_thr", "float", outliers.LLM_INT8_THRESHOLD, "outliers.threshold",
                    lo=1.0, hi=50.0, step=0.5)
OUTPUTS = 256

#: One-click presets: the control values each sets.
PRESETS: dict[str, dict] = {
    "smoothquant": {"ol_count": 4, "ol_mag": 100.0, "ol_alpha": 0.5, "ol_x": "tensor"},
    "llm_int8": {"ol_count": 6, "ol_mag": 20.0, "ol_thr": outliers.LLM_INT8_THRESHOLD,
                 "ol_x": "token"},
    "none": {"ol_count": 0},
}


@cached(8)
def layer(tokens: int, channels: int, count: int, magnitude: float, seed: int) -> Layer:
    made = outliers.make_layer(tokens, channels, OUTPUTS, min(count, channels), magnitude, seed)
    frozen(made.x), frozen(made.w)
    return made


@cached(16)
def granularity_rows(key: tuple, _layer: Layer) -> tuple:
    return outliers.granularity_rows(_layer)


@cached(16)
def smooth_curve(key: tuple, x_kind: str, _layer: Layer) -> tuple:
    return outliers.smooth_curve(_layer, x_kind=x_kind)


@cached(32)
def smooth_point(key: tuple, alpha: float, x_kind: str, _layer: Layer):
    return outliers.smooth_point(_layer, alpha, x_kind)


@cached(32)
def smooth_check(key: tuple, alpha: float, _layer: Layer) -> outliers.SmoothCheck:
    check = outliers.smooth_check(_layer, alpha)
    frozen(check.absmax_after)
    return check


@cached(16)
def rotate(key: tuple, kind: str, x_kind: str, seed: int, _layer: Layer):
    return outliers.rotate(_layer, kind, x_kind, seed=seed)


@cached(16)
def mixed(key: tuple, threshold: float, _layer: Layer):
    return outliers.mixed_precision(_layer, threshold)


def presets() -> None:
    st.write(t("outliers.preset.heading"))
    cols = st.columns(len(PRESETS))
    for col, (name, values) in zip(cols, PRESETS.items(), strict=True):
        facts = {"count": values.get("ol_count"), "magnitude": f"{values.get('ol_mag', 0):g}",
                 "alpha": values.get("ol_alpha"), "threshold": values.get("ol_thr")}
        col.button(t(f"outliers.preset.{name}"), key=f"ol_preset_{name}",
                   help=t(f"outliers.preset.{name}.help", **facts), on_click=set_values,
                   args=(values,), width="stretch")


def _db(v: float) -> str:
    return "∞" if v == np.inf else f"{v:.2f}"


def _list(indices: tuple[int, ...], limit: int = 12) -> str:
    if not indices:
        return t("outliers.none_picked")
    shown = ", ".join(map(str, indices[:limit]))
    return shown + (", …" if len(indices) > limit else "")


def section_layer(lay: Layer, key: tuple, theme: present.Theme) -> None:
    tokens, channels, _, magnitude, seed = key
    st.markdown(t("outliers.layer", tokens=tokens, channels=channels,
                  bulk=f"{outliers.BULK_STD:g}", picked=_list(lay.outlier_channels),
                  magnitude=f"{magnitude:g}", outputs=OUTPUTS, seed=seed,
                  qmax=outliers.INT8.qmax))


def absmax_figure(curves: dict, theme: present.Theme, fig_key: str) -> None:
    first = next(iter(curves.values()))
    shell.figure_of(
        present.channel_errors, np.arange(first.size), curves, log_y=True, y_title="max |x|",
        theme=theme, labels={"title": t("outliers.fig.absmax"), "x": t("outliers.fig.channel")},
        key=fig_key)


def section_granularity(lay: Layer, key: tuple) -> None:
    st.subheader(t("outliers.h.granularity"))
    rows = granularity_rows(key, lay)
    shell.table([{t("outliers.col.kind"): t(f"outliers.x_kind.{r.kind}"),
                   t("outliers.col.sqnr_x"): _db(r.sqnr_x),
                   t("outliers.col.sqnr_y"): _db(r.sqnr_y),
                   t("outliers.col.integer"): t("outliers.yes" if r.integer else "outliers.no")}
                  for r in rows])
    by = {r.kind: _db(r.sqnr_y) for r in rows}
    st.markdown(t("outliers.granularity.say", **by))
    if lay.outlier_channels:
        sqnr = {r.kind: r.sqnr_y for r in rows}
        st.markdown(t("outliers.granularity.why",
                      gain=f"{sqnr['token'] - sqnr['tensor']:.2f}",
                      share=f"{outliers.token_max_in(lay.x, lay.outlier_channels):.0%}"))
    st.markdown(t("outliers.fold"))
    st.latex(formulas.FOLD_TOKEN)
    st.caption(t("outliers.fold.token"))
    st.latex(formulas.FOLD_CHANNEL)
    st.caption(t("outliers.fold.channel"))
    st.markdown(t("outliers.fold.after"))


def section_smooth(lay: Layer, key: tuple, x_kind: str, theme: present.Theme) -> None:
    st.subheader(t("outliers.h.smooth"))
    st.markdown(t("outliers.smooth.source"))
    st.latex(formulas.SMOOTH)
    alpha = widget(ALPHA, st)
    point = smooth_point(key, alpha, x_kind, lay)
    cols = st.columns(3)
    cols[0].metric(t("outliers.m.sqnr_x"), f"{_db(point.sqnr_x)} dB")
    cols[1].metric(t("outliers.m.sqnr_w"), f"{_db(point.sqnr_w)} dB")
    cols[2].metric(t("outliers.m.sqnr_y"), f"{_db(point.sqnr_y)} dB")
    curve = smooth_curve(key, x_kind, lay)
    best = outliers.best_alpha(curve)
    plain = next(r for r in granularity_rows(key, lay) if r.kind == x_kind)
    st.markdown(t("outliers.smooth.say", best=f"{best.alpha:g}", best_db=_db(best.sqnr_y),
                  plain=_db(plain.sqnr_y)))
    check = smooth_check(key, alpha, lay)
    left, right = st.columns(2)
    with left:
        shell.figure_of(
            present.alpha_curve, [p.alpha for p in curve],
            {t("outliers.fig.alpha.x"): [p.sqnr_x for p in curve],
             t("outliers.fig.alpha.w"): [p.sqnr_w for p in curve],
             t("outliers.fig.alpha.y"): [p.sqnr_y for p in curve]},
            highlight=alpha, theme=theme, labels={"title": t("outliers.fig.alpha")},
            key="ol_fig_alpha")
    with right:
        absmax_figure({t("outliers.fig.x"): outliers.channel_absmax(lay.x),
                       t("outliers.fig.xs"): check.absmax_after}, theme, "ol_fig_absmax")
    st.caption(t("outliers.smooth.invariant", dy=check.max_dy, ymax=check.max_y))


def section_rotate(lay: Layer, key: tuple, x_kind: str, theme: present.Theme) -> None:
    st.subheader(t("outliers.h.rotate"))
    st.markdown(t("outliers.rotate.source"))
    st.latex(formulas.ROTATE)
    kind = widget(ROTATION, st) or ROTATION.default
    channels = lay.x.shape[1]
    if kind in ("hadamard", "randomized_hadamard") and channels & (channels - 1):
        st.info(t("outliers.rotation.no_hadamard", channels=channels))
        kind = "random"
    r = rotate(key, kind, x_kind, key[-1], lay)
    cols = st.columns(3)
    cols[0].metric(t("outliers.m.kurt"), f"{r.kurtosis_before:.1f} → {r.kurtosis_after:.2f}")
    cols[1].metric(t("outliers.m.rot_x"), f"{_db(r.sqnr_x_before)} → {_db(r.sqnr_x_after)} dB")
    cols[2].metric(t("outliers.m.rot_y"), f"{_db(r.sqnr_y_before)} → {_db(r.sqnr_y_after)} dB")
    st.markdown(t("outliers.rotate.say", normal=f"{outliers.NORMAL_KURTOSIS:g}",
                  before=f"{r.kurtosis_before:.1f}",
                  after=f"{r.kurtosis_after:.2f}", dy=r.max_dy))
    shell.figure_of(
        present.histogram_pair, r.hist_before, r.hist_after, theme=theme,
        labels={"title": t("outliers.fig.hist"), "before": t("outliers.fig.before"),
                "after": t("outliers.fig.after"), "y": t("outliers.fig.count")},
        key="ol_fig_hist")


def section_mixed(lay: Layer, key: tuple) -> None:
    st.subheader(t("outliers.h.mixed"))
    st.markdown(t("outliers.mixed.source", paper=f"{outliers.LLM_INT8_THRESHOLD:g}"))
    threshold = widget(THRESHOLD, st)
    m = mixed(key, threshold, lay)
    cols = st.columns(3)
    cols[0].metric(t("outliers.m.kept"), f"{len(m.kept)} / {lay.x.shape[1]}")
    cols[1].metric(t("outliers.m.mixed"), f"{_db(m.sqnr_y)} dB")
    cols[2].metric(t("outliers.m.int8"), f"{_db(m.sqnr_y_int8)} dB")
    if m.kept:
        st.markdown(t("outliers.mixed.say", n=len(m.kept), channels=lay.x.shape[1],
                      share=f"{m.share_kept:.1%}", kept=_list(m.kept), int8=_db(m.sqnr_y_int8),
                      mixed=_db(m.sqnr_y)))
    else:
        st.markdown(t("outliers.mixed.none", int8=_db(m.sqnr_y_int8)))


def render() -> None:
    """The whole Outliers page."""
    theme = shell.page_start("outliers")
    st.sidebar.subheader(t("outliers.sidebar.layer"))
    tokens, channels = widget(TOKENS), widget(CHANNELS)
    count, magnitude, seed = widget(COUNT), widget(MAGNITUDE), widget(controls.SEED)
    x_kind = widget(X_KIND) or X_KIND.default
    presets()
    key = (tokens, channels, min(count, channels), magnitude, seed)
    with st.spinner(t("outliers.busy")):
        lay = layer(*key)
        section_layer(lay, key, theme)
        absmax_figure({t("outliers.fig.x"): outliers.channel_absmax(lay.x)}, theme,
                      "ol_fig_channels")
        section_granularity(lay, key)
        section_smooth(lay, key, x_kind, theme)
        section_rotate(lay, key, x_kind, theme)
        section_mixed(lay, key)
    shell.page_end()
