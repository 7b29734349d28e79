"""The Compare page: two to four configs side by side on one tensor, on shared axes.

Each config has its own controls (URL keys ``c1.scheme``, ``c2.bits``, ...); the tensor comes
from the shared sidebar. The page opens on ReLU outputs (the notes' example of a wasted range)
unless the session or the link already chose a tensor.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import pandas as pd
import streamlit as st

from quantviz import present
from quantviz.observers import OBSERVERS
from quantviz.quantize import MAX_BITS, MIN_BITS, SCHEMES, QuantConfig
from quantviz.studies import comparisons, views
from quantviz.studies.comparisons import MetricRow
from quantviz.ui import cache, controls, shell
from quantviz.ui import formats as formats_ui
from quantviz.ui.controls import Tensor
from quantviz.ui.i18n import plain, t
from quantviz.ui.state import Control, drawn_controls, value, widget

COUNT = Control("configs", "segmented", 2, "compare.count", options=(2, 3, 4))
LOG_Y = Control("cmp.logy", "toggle", True, "compare.logy", help="compare.logy.help")
#: The page's own default tensor: ReLU outputs, the notes' example.
PAGE_DIST = replace(controls.DIST, default="relu")

#: Defaults of configs 1..4: (scheme, bits, signed, narrow, calibration).
DEFAULTS: tuple[tuple[str, int, bool, bool, str], ...] = (
    ("asymmetric", 8, False, False, "minmax"),
    ("symmetric", 8, True, False, "minmax"),
    ("asymmetric", 4, False, False, "mse"),
    ("symmetric", 8, True, True, "percentile"),
)
BEST = "★"


@dataclass(frozen=True)
class ConfigControls:
    """The controls of config ``i`` (URL keys ``c{i}.scheme`` ... ``c{i}.avg``)."""

    scheme: Control
    bits: Control
    signed: Control
    narrow: Control
    reduce: Control
    calib: Control
    pct: Control
    avg: Control


def config_controls(i: int) -> ConfigControls:
    """Controls of config ``i`` (1-based) with that config's defaults."""
    scheme, bits, signed, narrow, calib = DEFAULTS[i - 1]
    p = f"c{i}."
    return ConfigControls(
        Control(p + "scheme", "segmented", scheme, "scheme.label", options=SCHEMES),
        Control(p + "bits", "int", bits, "bits.label", lo=MIN_BITS, hi=MAX_BITS),
        Control(p + "signed", "toggle", signed, "signed.label", help="signed.help"),
        Control(p + "narrow", "toggle", narrow, "narrow.label", help="narrow.help",
                help_values=controls.NARROW.help_values),
        Control(p + "reduce", "toggle", False, "reduce.label", help="reduce.help"),
        Control(p + "calib", "select", calib, "calib.label", options=tuple(OBSERVERS),
                help="calib.help", help_values=controls.CALIB.help_values),
        Control(p + "pct", "float", 99.9, "pct.label", lo=90.0, hi=100.0, step=0.01),
        Control(p + "avg", "float", 0.01, "avg.label", lo=0.001, hi=1.0, step=0.001, fmt="%.3f"),
    )


@dataclass(frozen=True)
class Config:
    """One column of the comparison: its number, config and calibration."""

    i: int
    cfg: QuantConfig
    method: str
    params: tuple

    @property
    def name(self) -> str:
        return t("compare.name", i=self.i, scheme=t(f"scheme.label.{self.cfg.scheme}"),
                 dtype=comparisons.dtype_name(self.cfg),
                 narrow=t("compare.narrow") if self.cfg.narrow_range else "",
                 calib=t(f"calib.label.{self.method}"))



def _read(c: ConfigControls, i: int, box) -> Config:
    scheme = widget(c.scheme, box) or c.scheme.default
    bits = widget(c.bits, box)
    signed = widget(c.signed, box)
    narrow = widget(c.narrow, box)
    reduce = widget(c.reduce, box) and bits >= 3  # one bit fewer needs at least 3 bits
    method = widget(c.calib, box)
    pct = widget(c.pct, box) if method == "percentile" else value(c.pct)
    avg = widget(c.avg, box) if method == "moving_average" else value(c.avg)
    return Config(i, QuantConfig(bits, scheme, signed, narrow, reduce_range=reduce), method,
                  controls.observer_params(method, pct, avg))


def _current(c: ConfigControls, i: int) -> Config:
    """The config as the controls hold it now (before they are drawn)."""
    method = value(c.calib)
    return Config(i, QuantConfig(value(c.bits), value(c.scheme) or c.scheme.default,
                                 value(c.signed), value(c.narrow),
                                 reduce_range=bool(value(c.reduce)) and value(c.bits) >= 3),
                  method, controls.observer_params(method, value(c.pct), value(c.avg)))


def config_panel(count: int) -> list[Config]:
    """One expander of controls per config, in columns."""
    cols = st.columns(count)
    configs = []
    for i, col in enumerate(cols, start=1):
        c = config_controls(i)
        # keyed: the label names the config, and a new label would fold the open panel
        # under the hand moving its slider
        box = col.expander(_current(c, i).name, expanded=False, key=f"cmp_panel{i}")
        configs.append(_read(c, i, box))
    return configs


def page_tensor() -> Tensor:
    """The shared tensor source, opening on ReLU outputs on a first visit.

    On the session's first visit to this page, a distribution still at the app's default and
    not named by the link becomes ReLU outputs; the URL sync then treats ReLU as this page's
    default, so a link to this page names any other distribution.
    """
    if not st.session_state.get("_compare_seen"):
        st.session_state["_compare_seen"] = True
        if "dist" not in st.query_params and \
                st.session_state.get("dist", controls.DIST.default) == controls.DIST.default:
            st.session_state["dist"] = PAGE_DIST.default
    tensor = controls.tensor_source()
    st.session_state["_controls"] = [PAGE_DIST if c == controls.DIST else c
                                     for c in drawn_controls()]
    return tensor


def compute(tensor: Tensor, configs: Sequence[Config]) -> list[views.ExploreView]:
    """Calibrate and quantize the tensor once per config (cached per tensor and config)."""
    out = []
    for c in configs:
        with st.spinner(t("compare.busy", n=f"{tensor.x.size:,}", i=c.i)):
            x_min, x_max = cache.calibrated_range(tensor.key, c.method, c.params, c.cfg, tensor.x)
            out.append(cache.explore_view(tensor.key, c.cfg, x_min, x_max, tensor.x))
    return out


def _cell(key: str, v: float) -> str:
    if key == "fraction_clipped":
        return f"{100 * v:.3f}"
    if key in ("zero_point", "codes_used"):
        return f"{int(v)}"
    if key in ("sqnr_db", "effective_bits"):
        return f"{v:.2f}"
    return f"{v:.4g}"


def table(rows: Sequence[MetricRow], names: Sequence[str]) -> None:
    """The measures as a table: best cells starred, bold and shaded. The configs' names come
    from the URL, so the headers carry them as plain text."""
    index = [t(f"compare.metric.{r.key}") for r in rows]
    cells = [[(f"{BEST} " if b else "") + _cell(r.key, v) for v, b in zip(r.values, r.best,
                                                                        strict=True)]
             for r in rows]
    frame = pd.DataFrame(cells, index=index, columns=[plain(n) for n in names])
    frame.index.name = t("compare.measure")
    shell.table(frame, best=[list(r.best) for r in rows])


def verdict(rows: Sequence[MetricRow], configs: Sequence[Config],
            vs: Sequence[views.ExploreView]) -> None:
    """One sentence on the winner, and one per config that cannot reach part of its codes."""
    by_key = {r.key: r for r in rows}
    mse, sqnr = by_key["mse"], by_key["sqnr_db"]
    if any(mse.best):
        win = mse.best.index(True)
        others = [s for k, s in enumerate(sqnr.values) if not mse.best[k]]
        gap = sqnr.values[win] - max(others)
        st.markdown(t("compare.verdict", name=configs[win].name, sqnr=f"{sqnr.values[win]:.2f}",
                      gap=f"{gap:.2f}"))
    else:
        st.markdown(t("compare.verdict_tie"))
    for c, v in zip(configs, vs, strict=True):
        u = v.summary.usage
        if u.unreachable:
            st.info(t("compare.unreachable", name=c.name, k=u.unreachable, levels=u.levels,
                      bits=f"{u.effective_bits:.2f}", total=c.cfg.bits))


def _y_range(span: tuple[float, float], log_y: bool) -> tuple[float, float]:
    if log_y:
        return comparisons.log_range(*span)
    return 0.0, span[1] * 1.05 if span[1] > 0 else 1.0


def _margins(theme: present.Theme, right: bool = False) -> tuple[int, int, int]:
    """Fixed margins (left, right, bottom) so the figures of a row line up: room for tick
    labels and the axis title on the left (and right), three legend rows below."""
    unit = theme.font_size
    return 5 * unit, (5 * unit if right else unit), 10 * unit


def _figure(name: str, key: tuple, theme: present.Theme, labels: dict, build) -> None:
    """Draw ``build(labels)``, built once per ``key``, theme and labels (cached, shared)."""
    full = ("compare", name, key, theme, tuple(labels.items()))
    shell.figure(cache.figure(full, lambda: build(labels), spec_only=False), key=f"cmp_{name}")


def figure_rows(tensor: Tensor, configs: Sequence[Config], vs: Sequence[views.ExploreView],
                theme: present.Theme, log_y: bool) -> None:
    """Three rows (codes, errors, mapping), one column per config, axes shared per row.

    A figure depends on its own view and on the shared axes (so on every config), hence its
    cache key holds both.
    """
    dens = [comparisons.error_density(v.errors, v.n) for v in vs]
    axes = comparisons.shared_axes(vs, dens)
    keys = [(tensor.key, c.cfg, v.x_min, v.x_max, axes, log_y) for c, v in
            zip(configs, vs, strict=True)]
    count_y = _y_range((max(axes.counts[0] * 0.5, 0.5), axes.counts[1]), log_y)
    st.subheader(t("compare.row.codes"))
    for k, (col, v) in enumerate(zip(st.columns(len(vs)), vs, strict=True)):
        with col:
            _figure(f"codes_{k}", keys[k], theme, {
                "title": t("compare.fig.codes"), "unreachable": t("compare.fig.unreachable"),
                "empty": t("compare.fig.empty"), "counts": t("compare.fig.per_code"),
                "y": t("fig.count")},
                lambda labels, v=v: present.share_axes(
                    present.code_usage(v.summary.usage, theme=theme, labels=labels),
                    y=count_y, log_y=log_y, margins=_margins(theme)))
    st.subheader(t("compare.row.errors"), help=t("compare.row.errors.help"))
    dens_y = _y_range(axes.density, log_y)
    for k, (col, v, d) in enumerate(zip(st.columns(len(vs)), vs, dens, strict=True)):
        scale = float(v.qp.scale)
        with col:
            _figure(f"errors_{k}", keys[k], theme, {
                "title": t("compare.fig.errors", scale=f"{scale:.4g}"),
                "rounding": t("compare.fig.rounding"), "clipping": t("compare.fig.clipping"),
                "uniform": t("compare.fig.uniform"), "y": t("compare.fig.density")},
                lambda labels, d=d, scale=scale: present.share_axes(
                    present.error_density(d.rounding, d.clipped, scale=scale, uniform=d.uniform,
                                          theme=theme, labels=labels),
                    x=axes.error, y=dens_y, log_y=log_y, margins=_margins(theme)))
    st.subheader(t("compare.row.mapping"))
    for k, (col, v) in enumerate(zip(st.columns(len(vs)), vs, strict=True)):
        with col:
            _figure(f"mapping_{k}", keys[k], theme, {"title": t("compare.fig.mapping")},
                    lambda labels, qp=v.qp: _mapping(qp, axes.x, theme, labels))


def _mapping(qp, x_range: tuple[float, float], theme: present.Theme, labels: dict):
    sc = views.staircase(*x_range, qp)
    fig = present.mapping_staircase(sc.x, sc.q, sc.x_hat, x_lo=float(qp.x_lo),
                                    x_hi=float(qp.x_hi), qmin=qp.qmin, qmax=qp.qmax,
                                    theme=theme, labels=labels)
    return present.share_axes(fig, margins=_margins(theme, right=True))


def render() -> None:
    """The whole Compare page."""
    theme = shell.page_start("compare")
    tensor = page_tensor()
    st.sidebar.subheader(t("compare.sidebar"))
    count = widget(COUNT) or COUNT.default
    log_y = widget(LOG_Y)
    st.caption(tensor.label)
    configs = config_panel(count)
    vs = compute(tensor, configs)
    rows = comparisons.metric_rows([v.summary for v in vs])
    names = [c.name for c in configs]
    st.subheader(t("compare.table"), help=t("compare.table.help"))
    table(rows, names)
    verdict(rows, configs, vs)
    figure_rows(tensor, configs, vs, theme, log_y)
    formats_ui.on_compare_page(tensor, [(c.name, c.cfg.bits, v.summary.sqnr_db)
                                        for c, v in zip(configs, vs, strict=True)], theme)
    shell.page_end()
