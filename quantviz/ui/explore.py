"""The sections of the Explore page: presets, metrics, the four views, the worked example,
what the notes leave out, and downloads."""

from __future__ import annotations

import io
import json

import numpy as np
import streamlit as st

from quantviz import present
from quantviz.distributions import DISTRIBUTIONS
from quantviz.present import formulas
from quantviz.quantize import (
    EPS,
    FLOAT32_MAX,
    QParams,
    dequantize,
    notes_qparams,
    quantize,
    zero_point_forms,
)
from quantviz.studies.views import ExploreView
from quantviz.ui import cache, controls, live_figure, shell
from quantviz.ui.controls import Scheme, Tensor
from quantviz.ui.i18n import formula_words, t
from quantviz.ui.state import Control, set_values, widget

LOG_Y = Control("logy", "toggle", False, "explore.logy", help="explore.logy.help")
X0 = Control("x0", "number", 0.5, "worked.x0", lo=-FLOAT32_MAX, hi=FLOAT32_MAX,
             fmt="%.6g", step=0.01)

#: One-click presets: the control values each sets.
PRESETS: dict[str, dict] = {
    "weights": {"src": "dist", "dist": "normal", "scheme": "symmetric", "signed": True,
                "narrow": False, "calib": "minmax", "bits": 8},
    "activations": {"src": "dist", "dist": "relu", "scheme": "asymmetric", "signed": False,
                    "narrow": False, "calib": "moving_average", "bits": 8},
    "relu_signed": {"src": "dist", "dist": "relu", "scheme": "symmetric", "signed": True,
                    "narrow": False, "calib": "minmax", "bits": 8},
    "all_positive": {"src": "dist", "dist": "all_positive", "scheme": "asymmetric",
                     "signed": False, "narrow": False, "calib": "minmax", "bits": 8},
    "outliers": {"src": "dist", "dist": "outliers", "scheme": "asymmetric", "signed": False,
                 "narrow": False, "calib": "minmax", "bits": 8},
}


def presets() -> None:
    """A row of one-click presets (they set controls in a callback, before the rerun)."""
    st.write(t("preset.heading"))
    row = shell.row()
    for name, values in PRESETS.items():
        row.button(t(f"preset.{name}"), key=f"preset_{name}",
                   help=t(f"preset.{name}.help", **preset_help_values(values)),
                   on_click=set_values, args=(values,), width="stretch")


def preset_help_values(values: dict) -> dict:
    """The numbers a preset's help states: the default parameters of its distribution."""
    dist = DISTRIBUTIONS.get(values.get("dist"))
    return {p.name: f"{p.default:g}" for p in dist.params} if dist else {}


def compute(tensor: Tensor, choice: Scheme) -> ExploreView:
    """Calibrate and quantize through the caches (with a spinner for big tensors)."""
    with shell.busy(t("busy.quantize", n=f"{tensor.x.size:,}"), tensor.x.size):
        x_min, x_max = cache.calibrated_range(tensor.key, choice.method, choice.params,
                                              choice.cfg, tensor.x)
        return cache.explore_view(tensor.key, choice.cfg, x_min, x_max, tensor.x)


def metrics(view: ExploreView) -> None:
    s = view.summary
    forms = zero_point_forms(view.qp)
    row1 = shell.row()
    row1.metric("scale", f"{forms.scale:.6g}")
    row1.metric(t("metric.zero_point"), f"Z = {forms.zero_point}",
                help=t("metric.zero_point.help", zp=forms.zp_notes))
    row1.metric(t("metric.range"), f"[{view.x_min:.3g}, {view.x_max:.3g}]",
                help=t("metric.range.help", lo=f"{view.x_min:.9g}", hi=f"{view.x_max:.9g}"))
    row1.metric(t("metric.codes_used"), f"{s.usage.used} / {s.usage.levels}",
                help=t("metric.codes_used.help"))
    row2 = shell.row()
    row2.metric("SQNR", f"{s.sqnr_db:.2f} dB")
    row2.metric("MSE", f"{s.mse:.3g}", help=t("metric.mse.help",
                                             rounding=f"{s.split.rounding_mse:.3g}",
                                             clipping=f"{s.split.clipping_mse:.3g}",
                                             uniform=f"{s.uniform_noise_mse:.3g}"))
    row2.metric(t("metric.max_error"), f"{s.max_abs_error:.3g}")
    row2.metric(t("metric.clipped"), f"{100 * s.fraction_clipped:.3f} %")
    st.caption(t("metric.effective_bits", bits=f"{s.usage.effective_bits:.2f}",
                 total=view.qp.config.bits, unused=f"{100 * s.usage.unused_fraction:.1f}"))
    box = shell.lazy_expander(t("defs.heading"), "open_defs")
    if box.open:  # typeset only when someone reads it: a KaTeX block of ~1,200 nodes
        box.latex(formulas.stacked(formulas.definitions(view.qp.config, formula_words())))


def _figure(name: str, view_key: tuple, theme: present.Theme, labels: dict, build,
            summary: str | None = None) -> None:
    """Draw the figure ``build(labels)``, built once per view, theme and labels (cached)."""
    key = (name, view_key, theme, tuple(labels.items()))
    shell.figure(cache.figure(key, lambda: build(labels)), key=f"fig_{name}", summary=summary)


def error_words(view: ExploreView) -> str:
    """The error histogram in words, with this tensor's numbers: rounding error is bounded by
    half a step and close to uniform (variance ``scale^2/12``); clipped values apart.

    The rounding MSE is the one of the values in range (``split.rounding_mse`` is over all
    ``n`` values, so it is divided by the in-range share).
    """
    s, scale = view.summary, float(view.qp.scale)
    inside = 1.0 - s.fraction_clipped
    rounding = s.split.rounding_mse / inside if inside > 0 else 0.0
    text = t("explore.errors.words", scale=f"{scale:.4g}", half=f"{scale / 2:.4g}",
             uniform=f"{s.uniform_noise_mse:.3g}", rounding=f"{rounding:.3g}")
    if s.fraction_clipped > 0:
        clipped = round(s.fraction_clipped * view.n)
        h = view.errors.clipped
        filled = np.flatnonzero(np.asarray(h.counts))
        edges = np.asarray(h.edges)
        worst = (float(max(abs(edges[filled[0]]), abs(edges[filled[-1] + 1])))
                 if filled.size else s.max_abs_error)
        return text + " " + t("explore.errors.clipped", k=f"{clipped:,}",
                              pct=f"{100 * s.fraction_clipped:.3f}",
                              worst=f"{worst:.3g}",
                              clipping=f"{s.split.clipping_mse:.3g}",
                              total=f"{s.mse:.3g}")
    return text + " " + t("explore.errors.none")


def views(view: ExploreView, theme: present.Theme, view_key: tuple) -> None:
    """The four views of the design, two by two (``view_key`` identifies ``view``)."""
    qp = view.qp
    x_lo, x_hi = float(qp.x_lo), float(qp.x_hi)
    sc, e = view.staircase, view.errors
    log_y = bool(widget(LOG_Y, st))
    top = st.columns(2)
    with top[0]:
        _figure("values", (*view_key, log_y), theme, {
            "title": t("fig.values"), "counts": t("fig.count_x"), "grid": t("fig.grid"),
            "thinned": t("fig.thinned"), "y": t("fig.count")},
            lambda labels: present.value_histogram(
                view.values, grid=view.grid, x_lo=x_lo, x_hi=x_hi, log_y=log_y, theme=theme,
                labels=labels))
    with top[1]:
        _figure("mapping", view_key, theme, {"title": t("fig.mapping")},
                lambda labels: present.mapping_staircase(
                    sc.x, sc.q, sc.x_hat, x_lo=x_lo, x_hi=x_hi, qmin=qp.qmin, qmax=qp.qmax,
                    theme=theme, labels=labels))
    bottom = st.columns(2)
    with bottom[0]:
        _figure("codes", view_key, theme, {
            "title": t("fig.codes"), "unreachable": t("fig.unreachable"),
            "empty": t("fig.empty"), "counts": t("fig.per_code"), "per_bar": t("fig.per_bar"),
            "y": t("fig.count")},
            lambda labels: present.code_usage(view.summary.usage, theme=theme, labels=labels))
    with bottom[1]:
        _figure("errors", view_key, theme, {
            "title": t("fig.errors"), "rounding": t("fig.rounding"),
            "clipping": t("fig.clipping"), "uniform": t("fig.uniform"), "y": t("fig.count")},
            lambda labels: present.error_histogram(
                e.rounding, e.clipped, scale=float(qp.scale), uniform_count=e.uniform_count,
                theme=theme, labels=labels), summary=error_words(view))


def worked_example(view: ExploreView) -> None:
    """One value through the convention the app teaches (PyTorch's Z, added); the notes' form
    (zp subtracted) only on request, typeset only while its expander is open."""
    st.subheader(t("worked.heading"))
    x0 = widget(X0, st)
    if x0 is None or not np.isfinite(x0):
        x0 = X0.default
    st.markdown(t("worked.pytorch"))
    st.latex(formulas.stacked(formulas.worked_quantize(x0, view.qp)))
    box = shell.lazy_expander(t("worked.others"), "open_worked_notes")
    if box.open:
        box.markdown(t("worked.notes"))
        box.latex(formulas.stacked(formulas.worked_notes(x0, view.qp)))


def arithmetics(tensor: Tensor, view: ExploreView) -> None:
    """Where PyTorch's two kernels and the textbook give different codes on this tensor."""
    cfg = view.qp.config
    found = cache.disagreements(tensor.key, cfg, view.x_min, view.x_max, tensor.x)
    # keyed: the label counts the disagreements, and a new label would fold an open expander
    with st.expander(t("arith.heading", total=sum(d.count for d in found)), key="arith_box"):
        st.markdown(t("arith.intro"))
        for d in found:
            names = {"mine": t(f"arith.label.{cfg.arithmetic}"),
                     "other": t(f"arith.label.{d.other}"), "count": f"{d.count:,}",
                     "n": f"{view.n:,}", "zp": d.zero_point}
            if d.zero_points_differ:
                st.markdown(t("arith.zero_point", zp_other=d.zero_point_other, **names))
            else:
                st.markdown(t("arith.count", ties=f"{d.ties:,}", **names))
            if d.count:
                rows = [f"| {x:.9g} | {s:.9f} | {q} | {qo} |"
                        for x, s, q, qo in zip(d.x, d.scaled, d.q, d.q_other, strict=True)]
                st.markdown("\n".join([t("arith.table"), "|---|---|---|---|", *rows]))


def notes_gaps(view: ExploreView) -> None:
    """Where the source notes' formula and PyTorch part ways on this tensor."""
    cfg = view.qp.config
    if view.data_min > 0 or view.data_max < 0:
        if view.data_max > view.data_min:
            scale, zp = notes_qparams(view.data_min, view.data_max, cfg.bits)
            st.warning(t("gap.zero_outside", lo=f"{view.data_min:.4g}", hi=f"{view.data_max:.4g}",
                         zp=int(zp), code=int(-zp), top=2**cfg.bits - 1, Z=int(view.qp.zero_point),
                         scale=f"{scale:.4g}"))
    if view.summary.fraction_clipped > 0:
        st.info(t("gap.clipping", pct=f"{100 * view.summary.fraction_clipped:.3f}"))
    if cfg.scheme == "symmetric" and cfg.signed and not cfg.narrow_range:
        st.info(t("gap.full_range", denom=(cfg.qmax - cfg.qmin) / 2, narrow=cfg.qmax))
    if float(view.qp.scale) <= EPS:
        st.info(t("gap.degenerate", eps=f"{EPS:.6g}"))


def _npy(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return buffer.getvalue()


def params_json(qp: QParams) -> str:
    forms = zero_point_forms(qp)
    cfg = qp.config
    return json.dumps({
        "bits": cfg.bits, "scheme": cfg.scheme, "signed": cfg.signed,
        "narrow_range": cfg.narrow_range, "reduce_range": cfg.reduce_range,
        "rounding": cfg.rounding,
        "arithmetic": cfg.arithmetic, "qmin": qp.qmin, "qmax": qp.qmax,
        "scale": forms.scale, "zero_point": forms.zero_point, "zp_notes": forms.zp_notes,
        "offset_aimet": forms.offset_aimet, "multiplier": forms.multiplier,
        "nncf": {"input_low": forms.input_low, "input_high": forms.input_high,
                 "levels": forms.levels},
    }, indent=2)


def downloads(tensor: Tensor, view: ExploreView) -> None:
    """Codes and x_hat as .npy (built only when clicked), parameters as JSON."""
    qp, x = view.qp, tensor.x
    st.subheader(t("download.heading"))
    row = shell.row()
    row.download_button(t("download.codes"), data=lambda: _npy(quantize(x, qp)),
                        file_name="q.npy", mime="application/octet-stream",
                        on_click="ignore", key="dl_codes", width="stretch")
    row.download_button(t("download.x_hat"),
                        data=lambda: _npy(dequantize(quantize(x, qp), qp)),
                        file_name="x_hat.npy", mime="application/octet-stream",
                        on_click="ignore", key="dl_x_hat", width="stretch")
    row.download_button(t("download.params"), data=lambda: params_json(qp),
                        file_name="qparams.json", mime="application/json",
                        on_click="ignore", key="dl_params", width="stretch")


def render() -> None:
    """The whole Explore page."""
    theme = shell.page_start("explore")
    live_figure.page_run()  # before the sidebar: a move of the figure that came with this run
    tensor = controls.tensor_source()
    choice = controls.scheme()
    presets()
    st.caption(tensor.label)
    view = compute(tensor, choice)
    metrics(view)
    # the live figure sits above the four charts and is sent after them, so that its element
    # never holds up their drawing on a move of the sidebar (30 ms of a Bits move, measured);
    # a move of its own reruns it alone first (a fragment), then the page
    live = st.container()
    views(view, theme, (tensor.key, choice.cfg, view.x_min, view.x_max))
    with live:
        live_figure.section(tensor, choice, view, compute)
    notes_gaps(view)
    arithmetics(tensor, view)
    worked_example(view)
    downloads(tensor, view)
    shell.page_end()
