"""The Calibration page: every observer on one tensor, the clipping trade-off, and a stream.

1. Each calibrator's range on the value histogram, and a table of what each range costs.
2. MSE against the clipping threshold, split into rounding and clipping, calibrators marked.
3. Batch by batch: MinMax against the moving average on a drifting, spiky activation stream.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import streamlit as st

from quantviz import present
from quantviz.observers import OBSERVERS
from quantviz.quantize import QuantConfig
from quantviz.studies import comparisons, sweeps
from quantviz.ui import cache, controls, shell, sweep_cache
from quantviz.ui.controls import Tensor
from quantviz.ui.i18n import t
from quantviz.ui.state import Control, widget

LOG_Y = Control("cal.logy", "toggle", True, "calibration.logy", help="calibration.logy.help")
DRIFT = Control("stream.drift", "float", 0.01, "calibration.drift", lo=-0.05, hi=0.05,
                step=0.005, fmt="%.3f")
SPIKE = Control("stream.spike", "float", 0.1, "calibration.spike", lo=0.0, hi=1.0, step=0.01)
#: The stream's fixed parameters (drift and spike probability come from the controls).
STREAM = {"n_batches": 50, "batch_size": 4096, "spike_size": 8.0, "seed": 0}
#: The stream's own averaging constant: 0.1 follows a drift of 1 % per batch within ~10 batches
#: (PyTorch's default 0.01, the sidebar's, suits thousands of calibration batches).
STREAM_C_DEFAULT = 0.1
STREAM_C = Control("stream.c", "float", STREAM_C_DEFAULT, "calibration.stream_c", lo=0.001,
                   hi=1.0, step=0.001, fmt="%.3f", help="calibration.stream_c.help",
                   help_values=(("c_torch", controls.AVERAGING.default),
                                ("batches", STREAM["n_batches"]),
                                ("c_stream", STREAM_C_DEFAULT)))
BEST = "★"


def scheme() -> tuple[QuantConfig, float, float]:
    """The scheme controls (shared with Explore) and the observers' own parameters:
    ``(cfg, percentile, averaging constant)``."""
    st.sidebar.subheader(t("sidebar.scheme"))
    name = widget(controls.SCHEME) or controls.SCHEME.default
    bits = widget(controls.BITS)
    signed = widget(controls.SIGNED)
    narrow = widget(controls.NARROW)
    reduce = controls.reduce_range(bits)
    st.sidebar.subheader(t("calibration.sidebar"))
    pct = widget(controls.PERCENTILE)
    avg = widget(controls.AVERAGING)
    return QuantConfig(bits, name, signed, narrow, reduce_range=reduce), pct, avg


def label(method: str) -> str:
    return t(f"calib.label.{method}")


def calibrate_all(tensor: Tensor, cfg: QuantConfig, pct: float,
                  avg: float) -> dict[str, tuple[float, float]]:
    """The range every observer of the registry chooses for the tensor."""
    ranges = {}
    for method in OBSERVERS:
        with st.spinner(t("calibration.busy", name=label(method), n=f"{tensor.x.size:,}")):
            ranges[method] = cache.calibrated_range(
                tensor.key, method, controls.observer_params(method, pct, avg), cfg,
                tensor.x)
    return ranges


def ranges_table(tensor: Tensor, cfg: QuantConfig, ranges: Mapping[str, tuple[float, float]]):
    """Range, scale, zero point, MSE, SQNR and clipped share per calibrator, best starred."""
    scores = {m: sweep_cache.range_score(tensor.key, cfg, lo, hi, tensor.x)
              for m, (lo, hi) in ranges.items()}
    cols = {"mse": ("MSE", "min", "{:.4g}"), "sqnr_db": ("SQNR (dB)", "max", "{:.2f}"),
            "fraction_clipped": (t("calibration.col.clipped"), "min", "{:.3f}")}
    marks = {k: comparisons.best_marks([getattr(s, k) for s in scores.values()], goal)
             for k, (_, goal, _) in cols.items()}
    rows, best = [], []
    for i, (m, s) in enumerate(scores.items()):
        row = {t("calibration.col.calibrator"): label(m), "x_min": f"{s.x_min:.4g}",
               "x_max": f"{s.x_max:.4g}", "scale": f"{s.scale:.4g}", "zero_point": s.zero_point}
        mark = [False] * len(row)
        for k, (head, _, fmt) in cols.items():
            v = getattr(s, k) * (100 if k == "fraction_clipped" else 1)
            row[head] = (f"{BEST} " if marks[k][i] else "") + fmt.format(v)
            mark.append(bool(marks[k][i]))
        rows.append(row)
        best.append(mark)
    return pd.DataFrame(rows), best, scores


def _figure(name: str, key: tuple, theme: present.Theme, labels: dict, build) -> None:
    """Draw ``build(labels)``, built once per ``key``, theme and labels (cached, shared)."""
    full = ("calibration", name, key, theme, tuple(labels.items()))
    shell.figure(cache.figure(full, lambda: build(labels)), key=f"cal_{name}")


def tradeoff(tensor: Tensor, cfg: QuantConfig, ranges: Mapping[str, tuple[float, float]],
             theme: present.Theme) -> None:
    """MSE against the clipping threshold on the sample, each calibrator marked."""
    st.subheader(t("calibration.tradeoff"))
    xs = sweep_cache.sorted_sample(tensor.key, tensor.x)
    lo, hi = sweep_cache.data_range(tensor.key, tensor.x)
    with st.spinner(t("calibration.busy", name=t("calibration.fig.tradeoff"), n=f"{xs.size:,}")):
        curve = sweep_cache.threshold_curve(tensor.key, cfg, lo, hi, xs)
    marks = {label(m): (sweeps.threshold_of(a, b),
                        sweep_cache.range_score(("sample", tensor.key), cfg, a, b, xs).mse)
             for m, (a, b) in ranges.items()}
    left, right = st.columns([3, 2])
    with left:
        _figure("tradeoff", (tensor.key, cfg, tuple(marks.items())), theme, {
            "title": t("calibration.fig.tradeoff"), "x": t("calibration.fig.threshold"),
            "total": t("calibration.fig.total"), "rounding": t("calibration.fig.rounding"),
            "clipping": t("calibration.fig.clipping")},
            lambda labels: present.threshold_tradeoff(
                curve.thresholds, curve.rounding_mse, curve.clipping_mse, curve.total_mse,
                marks=marks, focus=curve.focus(), theme=theme, labels=labels))
    with right:
        st.markdown(t("calibration.tradeoff.explain"))
        b = curve.best
        st.markdown(t("calibration.tradeoff.best", t=f"{curve.thresholds[b]:.4g}",
                      alpha=f"{curve.alphas[b]:.3g}", mse=f"{curve.total_mse[b]:.3g}"))
        if not all(sweeps.on_threshold_curve(r, (lo, hi), cfg) for r in ranges.values()):
            st.caption(t("calibration.tradeoff.off"))
        if curve.n < tensor.x.size:
            st.caption(t("calibration.tradeoff.sample", n=f"{curve.n:,}",
                         total=f"{tensor.x.size:,}"))
        else:
            st.caption(t("calibration.tradeoff.whole", n=f"{curve.n:,}"))


def stream_section(cfg: QuantConfig, theme: present.Theme) -> None:
    """MinMax and the moving average batch by batch on an activation stream."""
    st.subheader(t("calibration.stream"))
    st.markdown(t("calibration.stream.explain"))
    cols = st.columns(3)
    drift = widget(DRIFT, cols[0])
    spike = widget(SPIKE, cols[1])
    avg = widget(STREAM_C, cols[2])
    params = tuple(sorted({**STREAM, "drift": drift, "spike_prob": spike}.items()))
    sr = sweep_cache.stream_ranges(params, avg)
    lines = {t("calibration.minmax_line"): sr.minmax_max,
             t("calibration.moving_line", c=f"{avg:g}"): sr.moving_max}
    left, right = st.columns([3, 2])
    with left:
        _figure("stream", (params, avg, tuple(lines)), theme, {
            "title": t("calibration.fig.stream"), "batch": t("calibration.fig.batch"),
            "x": t("calibration.fig.batch_axis")},
            lambda labels: present.stream_ranges(sr.batch_max, lines, theme=theme,
                                                 labels=labels))
        st.caption(t("calibration.stream.caption", batches=STREAM["n_batches"],
                     size=STREAM["batch_size"], spike=f"{STREAM['spike_size']:g}"))
    with right:
        last = sweep_cache.stream(params)[-1]
        st.markdown(t("calibration.last", scheme=f"{t(f'scheme.label.{cfg.scheme}')} "
                                                 f"{comparisons.dtype_name(cfg)}"))
        finals = {t("calibration.minmax_line"): (sr.minmax_min[-1], sr.minmax_max[-1]),
                  t("calibration.moving_line", c=f"{avg:g}"): (sr.moving_min[-1],
                                                                 sr.moving_max[-1])}
        for name, (lo, hi) in finals.items():
            s = sweeps.score_range(last, cfg, lo, hi)
            st.metric(t("calibration.last.metric", name=name), f"{s.sqnr_db:.2f} dB",
                      help=t("calibration.last.help", lo=f"{lo:.4g}", hi=f"{hi:.4g}",
                             pct=f"{100 * s.fraction_clipped:.3f}"))


def render() -> None:
    """The whole Calibration page."""
    theme = shell.page_start("calibration")
    tensor = controls.tensor_source()
    cfg, pct, avg = scheme()
    log_y = widget(LOG_Y)
    st.caption(tensor.label)
    ranges = calibrate_all(tensor, cfg, pct, avg)
    hist = sweep_cache.value_histogram(tensor.key, tensor.x)
    named = {label(m): r for m, r in ranges.items()}
    _figure("ranges", (tensor.key, tuple(named.items()), log_y), theme, {
        "title": t("calibration.fig.ranges"), "counts": t("fig.count_x"), "y": t("fig.count")},
        lambda labels: present.calibrator_ranges(hist, named, log_y=log_y, theme=theme,
                                                 labels=labels))
    st.subheader(t("calibration.table"), help=t("calibration.table.help"))
    frame, best, _ = ranges_table(tensor, cfg, ranges)
    shell.table(frame, best=best)
    tradeoff(tensor, cfg, ranges, theme)
    stream_section(cfg, theme)
    shell.page_end()
