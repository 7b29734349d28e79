"""The Formats page: two to four number formats (FP8 ... NF4, INT) on the current tensor.

Reads as its table of contents in :func:`render`: the formats chosen in the sidebar, presets,
one metric column per format, the grids on the histogram and the staircase, the error against
|x|, the codes and bits of one format, bits per value and the frontier of every format, learn.
"""

from __future__ import annotations

import math

import numpy as np
import streamlit as st

from quantviz import present
from quantviz.formats import (
    E8M0_MIN,
    FORMATS,
    NF4_LEVELS,
    NV_SCALE_MIN,
    REFERENCES,
    SCALE_MANTISSA_BITS,
)
from quantviz.studies import formats as format_study
from quantviz.ui import budget, cache, controls, shell
from quantviz.ui.caching import cached
from quantviz.ui.controls import Tensor
from quantviz.ui.i18n import t
from quantviz.ui.state import Control, set_values, widget

# --- caches: bounded, shared by every session (the rules of quantviz.ui.cache) ---
# Bounded caches for the Formats page (same rules as :mod:`quantviz.ui.cache`).
#
# Keys are small (the tensor's key, format names, a worked value); the array is passed as an
# ``_``-prefixed argument that is not hashed. Results are small views, never the tensor.

@cached(16)
def cached_view(source: tuple, fmts: tuple[str, ...], _x: np.ndarray) -> format_study.FormatsView:
    """``format_study.formats_view`` of the tensor ``source`` in ``fmts``; its memory, known
    from the shape, is held from the budget while this run computes it (a cached hit holds
    nothing)."""
    budget.hold(format_study.work_bytes(_x.shape, fmts))
    return format_study.formats_view(_x, fmts)


@cached(16)
def cached_frontier(source: tuple, _x: np.ndarray) -> tuple[format_study.FormatResult, ...]:
    """Every format on ``format_study.frontier_sample`` of the tensor ``source`` (its memory
    held from the budget while computed)."""
    sample = format_study.frontier_sample(_x)
    budget.hold(format_study.work_bytes(sample.shape, tuple(FORMATS)))
    return format_study.frontier(sample)


@cached(32)
def cached_codes(source: tuple, fmt: str, _x: np.ndarray) -> format_study.CodeCounts:
    """Elements per code of ``fmt`` on the tensor ``source`` (its memory held while
    computed)."""
    budget.hold(format_study.work_bytes(_x.shape, (fmt,)))
    return format_study.tensor_code_counts(_x, fmt)


@cached(64)
def cached_layout(fmt: str, x0: float, x_min: float, x_max: float) -> format_study.BitLayout:
    """``format_study.bit_layout`` of the worked value ``x0``."""
    return format_study.bit_layout(fmt, x0, x_min, x_max)


@cached(1)
def cached_lessons() -> tuple[format_study.Lesson, ...]:
    """The learn section's seeded comparisons (the same for every tensor)."""
    return format_study.lessons()


@cached(1)
def cached_nf4_lesson() -> format_study.Nf4Lesson:
    """NF4 against INT4 at the same block size, seeded (the same for every tensor)."""
    return format_study.nf4_lesson()


# --- the page ---

NONE = "none"
_CHOICES = tuple(FORMATS)
#: Formats 1..4 (URL keys fmt1..fmt4); 3 and 4 may be "none".
PICKS = (
    Control("fmt1", "select", "fp8_e4m3", "formats.pick1", options=_CHOICES, option_prefix="fmt"),
    Control("fmt2", "select", "mxfp4", "formats.pick2", options=_CHOICES, option_prefix="fmt"),
    Control("fmt3", "select", "nf4", "formats.pick3", options=(NONE, *_CHOICES),
            option_prefix="fmt"),
    Control("fmt4", "select", "int4_group_fp16", "formats.pick4", options=(NONE, *_CHOICES),
            option_prefix="fmt"),
)
DETAIL = Control("fmtd", "select", "fp8_e4m3", "formats.detail", options=_CHOICES,
                 option_prefix="fmt")
#: The worked value: within float32's range, so ``?fx0=1e308`` falls back to the default
#: (``Control.parse`` refuses a URL value outside ``lo``..``hi``) instead of overflowing.
X0 = Control("fx0", "number", 0.01, "formats.x0", fmt="%.6g", step=0.001, lo=-1e30, hi=1e30)
#: On the Bits page: the number formats beside the integer sweep (off: it costs a run of
#: every format the first time).
ON_BITS = Control("bits.fmt", "toggle", False, "formats.on_bits", help="formats.on_bits.help")

#: Standard deviation of the LLM-weights preset.
LLM_STD = 0.02
PRESETS: dict[str, dict] = {
    "llm": {"src": "dist", "dist": "normal", "normal.mean": 0.0, "normal.std": LLM_STD},
    "outliers": {"src": "dist", "dist": "outliers"},
    "relu": {"src": "dist", "dist": "relu"},
}


def pick_formats() -> tuple[str, ...]:
    """The chosen formats, in order, each once (a repeat is said and dropped)."""
    st.sidebar.subheader(t("formats.sidebar"))
    chosen: list[str] = []
    for control in PICKS:
        fmt = widget(control) or control.default
        if fmt == NONE:
            continue
        if fmt in chosen:
            st.sidebar.caption(t("formats.duplicate", name=FORMATS[fmt].label))
            continue
        chosen.append(fmt)
    return tuple(chosen)


def presets() -> None:
    st.write(t("formats.preset.heading"))
    cols = st.columns(len(PRESETS))
    for col, (name, values) in zip(cols, PRESETS.items(), strict=True):
        col.button(t(f"formats.preset.{name}"), key=f"fpreset_{name}",
                   help=t(f"formats.preset.{name}.help", std=LLM_STD,
                          nf4_neg=int(np.count_nonzero(NF4_LEVELS < 0)),
                          nf4_levels=NF4_LEVELS.size), on_click=set_values,
                   args=(values,), use_container_width=True)


def _label(fmt: str) -> str:
    return FORMATS[fmt].label


def metrics(view: format_study.FormatsView) -> None:
    cols = st.columns(len(view.formats))
    for col, fv in zip(cols, view.formats, strict=True):
        r = fv.result
        sqnr = f"{r.sqnr_db:.2f} dB" if math.isfinite(r.sqnr_db) else "∞ dB"
        col.metric(_label(r.fmt), sqnr, help=t("formats.metric.sqnr.help", mse=f"{r.mse:.3g}",
                                                max_err=f"{r.max_abs_error:.3g}",
                                                bpv=f"{r.bits_per_value:.4g}"))
        col.caption(t("formats.metric.bpv_value", bpv=f"{r.bits_per_value:.4g}"))


def _figure(name: str, key: tuple, theme: present.Theme, labels: dict, build) -> None:
    parts = (name, key, theme, tuple(labels.items()))
    shell.figure(cache.figure(parts, lambda: build(labels)), key=f"ffig_{name}")


def grids(view: format_study.FormatsView, theme: present.Theme, key: tuple) -> None:
    left, right = st.columns(2)
    with left:
        _figure("values", key, theme, {
            "title": t("formats.fig.values"), "counts": t("formats.fig.counts"),
            "grid": t("formats.fig.grid", name="{name}", count="{count}"),
            "thinned": t("formats.fig.thinned", k="{k}"), "y": t("formats.fig.count")},
            lambda labels: present.formats_histogram(
                view.values, [(_label(f.result.fmt), f.grid) for f in view.formats],
                theme=theme, labels=labels))
    with right:
        _figure("mapping", key, theme, {"title": t("formats.fig.mapping"),
                                        "identity": t("formats.fig.identity")},
                lambda labels: present.formats_staircase(
                    view.step_x, [(_label(f.result.fmt), f.step_x_hat) for f in view.formats],
                    theme=theme, labels=labels))
    st.caption(t("formats.grid_note", lo=f"{view.data_min:.4g}", hi=f"{view.data_max:.4g}"))


def _error_sentence(fv: format_study.FormatView) -> str:
    e = fv.errors
    lo, hi = e.low, e.high
    centers = e.centers
    values = {"name": _label(fv.result.fmt), "x_lo": f"{centers[lo]:.3g}",
              "x_hi": f"{centers[hi]:.3g}", "a_lo": f"{e.rms_abs[lo]:.3g}",
              "a_hi": f"{e.rms_abs[hi]:.3g}", "r_lo": f"{100 * e.rms_rel[lo]:.3g} %",
              "r_hi": f"{100 * e.rms_rel[hi]:.3g} %"}
    kind = FORMATS[fv.result.fmt].kind
    return t(f"formats.err.{format_study.flatness(e)}", kind=t(f"formats.kind.{kind}"),
             **values)


def errors(view: format_study.FormatsView, theme: present.Theme, key: tuple,
           zeros: int) -> None:
    st.subheader(t("formats.err.heading"))
    profiled = [f for f in view.formats if f.errors is not None]
    if not profiled:
        st.info(t("formats.err.none"))
        return
    edges = profiled[0].errors.edges
    left, right = st.columns(2)
    with left:
        _figure("abs", key, theme, {"title": t("formats.fig.abs"), "y": t("formats.fig.abs_y")},
                lambda labels: present.error_vs_magnitude(
                    edges, [(_label(f.result.fmt), f.errors.rms_abs) for f in profiled],
                    theme=theme, labels=labels))
    with right:
        _figure("rel", key, theme, {"title": t("formats.fig.rel"), "y": t("formats.fig.rel_y")},
                lambda labels: present.error_vs_magnitude(
                    edges, [(_label(f.result.fmt), f.errors.rms_rel) for f in profiled],
                    theme=theme, labels=labels))
    for fv in profiled:
        st.markdown(_error_sentence(fv))
    low, high = (f"{100 * q:g}" for q in format_study.READ_QUANTILES)
    st.caption(t("formats.err.rule", ratio=f"{format_study.FLAT_RATIO:g}", low=low, high=high))
    if zeros:
        st.caption(t("formats.err.zeros", zeros=f"{zeros:,}"))


def _facts(fmt: str, counts: format_study.CodeCounts) -> str:
    f = FORMATS[fmt]
    if f.element is None:
        return t("formats.codes.facts_plain", name=f.label, bits=f.bits, existing=counts.existing)
    nan = ", ".join(f"0x{c:02X}" for c in counts.nan_codes) or t("formats.no")
    inf = ", ".join(f"0x{c:02X}" for c in counts.inf_codes) or t("formats.no")
    negzero = f"0x{counts.negative_zero:02X}" if counts.negative_zero is not None else "-"
    return t("formats.codes.facts", name=f.label, bits=f.bits, total=len(counts.counts),
             max=f"{f.max_value:g}",
             normal=f"{f.min_normal:g}", sub=f"{f.min_subnormal:g}", inf=inf, nan=nan,
             negzero=negzero)


def codes_and_bits(tensor: Tensor, view: format_study.FormatsView, theme: present.Theme) -> None:
    st.subheader(t("formats.codes.heading"))
    fmt = widget(DETAIL, st) or DETAIL.default
    counts = cached_codes(tensor.key, fmt, tensor.x)
    name = _label(fmt)
    left, right = st.columns(2)
    with left:
        title = t("formats.fig.codes", name=name, used=counts.used, existing=counts.existing)
        _figure("codes", (tensor.key, fmt), theme, {
            "title": title, "x": t("formats.fig.codes_x"), "counts": t("formats.fig.per_code"),
            "nan": t("formats.fig.nan"), "inf": t("formats.fig.inf"),
            "negzero": t("formats.fig.negzero"), "y": t("formats.fig.count")},
            lambda labels: present.format_codes(
                counts.counts, counts.values, nan_codes=counts.nan_codes,
                inf_codes=counts.inf_codes, negative_zero=counts.negative_zero,
                theme=theme, labels=labels))
        st.caption(_facts(fmt, counts))
    with right:
        st.markdown(f"**{t('formats.layout.heading')}**")
        x0 = widget(X0, st)
        if x0 is None or not math.isfinite(x0):
            x0 = X0.default
        lay = cached_layout(fmt, float(x0), view.data_min, view.data_max)
        st.markdown(_layout_text(lay))


def _layout_text(lay: format_study.BitLayout) -> str:
    zp_part = t("formats.layout.zp", zp=lay.zero_point) if lay.kind == "int" else ""
    head = t("formats.layout.scale", mult=f"{lay.multiplier:.6g}", zp_part=zp_part,
             scaled=f"{lay.scaled:.6g}")
    common = {"code": f"{lay.code} (0x{lay.code:02X})", "element": f"{lay.element:g}",
              "mult": f"{lay.multiplier:.6g}", "x_hat": f"{lay.x_hat:.6g}"}
    if lay.kind == "float":
        m = len(lay.mantissa)
        sign = "-" if lay.sign == "1" else ""
        mant = int(lay.mantissa, 2) if m else 0
        if lay.subnormal:
            formula = f"{sign}2^{lay.exponent_value} × {mant}/{2**m}"
        else:
            formula = f"{sign}2^({int(lay.exponent, 2)} - {lay.bias}) × (1 + {mant}/{2**m})"
        body = t("formats.layout.float", sign=lay.sign, exp=lay.exponent, man=lay.mantissa,
                 kind=t("formats.layout.subnormal" if lay.subnormal else "formats.layout.normal"),
                 formula=formula, **common)
    elif lay.kind == "nf4":
        body = t("formats.layout.nf4", bits=lay.mantissa, index=lay.code,
                 levels=len(NF4_LEVELS), **common)
    else:
        body = t("formats.layout.int", bits=lay.mantissa, zp=lay.zero_point, **common)
    return f"{t('formats.layout.x', x=f'{lay.x0:.6g}')}{head}\n\n{body}"


def _scale_words(fmt: str) -> str:
    f = FORMATS[fmt]
    if f.kind == "int" and f.block is not None:
        return t("formats.scale.int_group", scale=f.scale_format, bits=f.bits)
    return t(f"formats.scale.{f.kind}")


def frontier(tensor: Tensor, view: format_study.FormatsView, theme: present.Theme) -> tuple:
    st.subheader(t("formats.bpv.heading"))
    sample_n = format_study.frontier_sample(tensor.x).size
    with shell.busy(t("formats.busy_frontier", n=f"{sample_n:,}", k=len(FORMATS)), sample_n):
        results = cached_frontier(tensor.key, tensor.x)
    front = format_study.pareto_front(results)
    chosen = [f.result.fmt for f in view.formats]
    points = [(_label(r.fmt), r.bits_per_value, r.sqnr_db) for r in results]
    _figure("frontier", (tensor.key, tuple(chosen)), theme, {
        "title": t("formats.fig.frontier"), "x": t("formats.fig.frontier_x"),
        "front": t("formats.fig.front"), "others": t("formats.fig.others"),
        "selected": t("formats.fig.selected"), "y": "SQNR (dB)"},
        lambda labels: present.format_frontier(
            points, front=[_label(f) for f in front], selected=[_label(f) for f in chosen],
            theme=theme, labels=labels))
    st.markdown(t("formats.bpv.front", front=t("formats.sep").join(_label(f) for f in front)))
    rows = [f"| {_label(r.fmt)} | {FORMATS[r.fmt].bits} | {_scale_words(r.fmt)} | "
            f"{FORMATS[r.fmt].block or t('formats.bpv.tensor')} | {r.bits_per_value:.4f} | "
            f"{r.sqnr_db:.2f} dB |" for r in results]
    st.markdown("\n".join([t("formats.bpv.table"), "|---|---|---|---|---|---|", *rows]))
    if sample_n < tensor.x.size:
        st.caption(t("formats.bpv.sample", n=f"{sample_n:,}", total=f"{tensor.x.size:,}",
                     k=len(FORMATS)))
    return results


def learn(results: tuple) -> None:
    st.subheader(t("formats.learn.heading"))
    step = format_study.float_step("fp8_e4m3")
    st.markdown(t("formats.learn.float", name=_label("fp8_e4m3"), m=step.mantissa_bits,
                  steps=2**step.mantissa_bits, step=f"{100 * step.relative_step:g} %",
                  half=f"{100 * step.max_relative_error:g} %",
                  range_db=f"{step.dynamic_range_db:.0f}",
                  normal=f"{FORMATS['fp8_e4m3'].min_normal:g}"))
    lessons = {lesson.data: lesson for lesson in cached_lessons()}
    sq = {name: {fmt: f"{v:.1f}" for fmt, v in lesson.sqnr.items()}
          for name, lesson in lessons.items()}
    nf4 = cached_nf4_lesson()
    pair = {name: (f"{a:.2f}", f"{b:.2f}") for name, (a, b) in nf4.sqnr.items()}
    st.markdown(t("formats.learn.nf4", levels=len(NF4_LEVELS), n=f"{nf4.n:,}",
                  usage_min=f"{nf4.usage_min:.1f}", usage_max=f"{nf4.usage_max:.1f}",
                  block=nf4.block, nf4_bits=f"{nf4.nf4_bits:g}",
                  int_bits=f"{nf4.int_bits:g}",
                  nf4_normal=pair["normal"][0], int_normal=pair["normal"][1],
                  nf4_uniform=pair["uniform"][0], int_uniform=pair["uniform"][1],
                  nf4_outliers=pair["outliers"][0], int_outliers=pair["outliers"][1],
                  every=f"{format_study.OUTLIER_EVERY:,}",
                  sigma=f"{format_study.OUTLIER_SIGMA:g}"))
    mx = FORMATS["mxfp4"]
    st.markdown(t("formats.learn.shared", block=mx.block, scale_bits=mx.scale_bits,
                  cost=f"{mx.scale_bits / mx.block:g}",
                  fp4_outliers=sq["outliers"]["fp4_e2m1"], mx_outliers=sq["outliers"]["mxfp4"],
                  fp4_normal=sq["normal"]["fp4_e2m1"], mx_normal=sq["normal"]["mxfp4"]))
    by_fmt = {r.fmt: r for r in results}
    g16, gbf, ge8 = (by_fmt[k] for k in ("int4_group_fp16", "int4_group_bf16",
                                          "int4_group_e8m0"))
    fewer = SCALE_MANTISSA_BITS["fp16"] - SCALE_MANTISSA_BITS["bf16"]
    st.markdown(t("formats.learn.scale", group=FORMATS["int4_group_fp16"].block,
                  fp16=f"{g16.sqnr_db:.2f}", bf16=f"{gbf.sqnr_db:.2f}", e8m0=f"{ge8.sqnr_db:.2f}",
                  fewer=fewer, saved=f"{g16.bits_per_value - ge8.bits_per_value:.4g}"))
    st.caption(t("formats.learn.refs", torch=REFERENCES["torch"], torchao=REFERENCES["torchao"],
                 bnb=REFERENCES["bitsandbytes"], nf4_block=FORMATS["nf4"].block,
                 e8m0_min=f"2^{E8M0_MIN}", e4m3_min=f"2^{int(math.log2(NV_SCALE_MIN))}"))


ON_COMPARE = Control("cmp.fmt", "toggle", False, "formats.on_compare",
                    help="formats.on_bits.help")


def _formats_beside(tensor: Tensor, name: str, lines: dict, theme: present.Theme,
                    caption: str, **caption_values) -> None:
    """Every format's SQNR against bits per value, with ``lines`` (name -> (bits per value,
    SQNR)) of the calling page beside them, and a caption naming the formats' Pareto front."""
    sample_n = format_study.frontier_sample(tensor.x).size
    with shell.busy(t("formats.busy_frontier", n=f"{sample_n:,}", k=len(FORMATS)), sample_n):
        try:
            results = cached_frontier(tensor.key, tensor.x)
        except ValueError as err:
            st.error(t("formats.refused", reason=str(err)))
            return
    front = format_study.pareto_front(results)
    points = [(_label(r.fmt), r.bits_per_value, r.sqnr_db) for r in results]
    key = (tensor.key, tuple((k, tuple(xs), tuple(ys)) for k, (xs, ys) in lines.items()))
    _figure(name, key, theme, {
        "title": t("formats.bits.fig"), "x": t("formats.fig.frontier_x"),
        "front": t("formats.fig.front"), "others": t("formats.fig.others"),
        "selected": t("formats.fig.selected"), "y": "SQNR (dB)"},
        lambda labels: present.format_frontier(points, front=[_label(f) for f in front],
                                               lines=lines, theme=theme, labels=labels))
    st.caption(t(caption, n=f"{sample_n:,}", front=t("formats.sep").join(_label(f) for f in front),
                 **caption_values))


def on_bits_page(tensor: Tensor, sweep_bits: tuple[int, ...], sqnr: dict[str, list[float]],
                 sweep_n: int, theme: present.Theme) -> None:
    """The Bits page's section "number formats on the same axes", behind a toggle.

    ``sqnr`` maps each integer scheme's name to its SQNR at ``sweep_bits`` (on the sweep's
    sample of ``sweep_n`` values); they are drawn against bits per value with the per-tensor
    scale and zero point counted, beside every format of :data:`FORMATS`.
    """
    if not widget(ON_BITS, st):
        return
    xs = [format_study.per_tensor_int_bits(b, sweep_n) for b in sweep_bits]
    _formats_beside(tensor, "on_bits", {k: (xs, ys) for k, ys in sqnr.items()}, theme,
                    "formats.bits.caption", sweep_n=f"{sweep_n:,}")


def on_compare_page(tensor: Tensor, configs: list[tuple[str, int, float]],
                    theme: present.Theme) -> None:
    """The Compare page's section "number formats on the same axes", behind a toggle:
    each config ``(name, bits, sqnr_db)`` (per tensor, on the whole tensor) as a point at its
    bits per value, beside every format of :data:`FORMATS`."""
    if not widget(ON_COMPARE, st):
        return
    n = tensor.x.size
    lines = {name: ([format_study.per_tensor_int_bits(bits, n)], [sqnr])
             for name, bits, sqnr in configs}
    _formats_beside(tensor, "on_compare", lines, theme, "formats.compare.caption",
                    total=f"{n:,}")


def same_bits_points(key: tuple, x: np.ndarray, bits: int) -> list[tuple[str, float, float]]:
    """For the Per-channel page's trade-off: ``(name, overhead bits per value, SQNR)`` of the
    float and NF4 formats whose elements have ``bits`` bits (overhead = bits per value - bits:
    what their scales cost), on ``format_study.frontier_sample`` of ``x``. The integer formats
    are left out: the page shows its own integer scheme at every granularity. Empty when no
    format has ``bits``-bit elements or the values cannot be put through the formats."""
    if not any(f.bits == bits for f in FORMATS.values()):
        return []
    try:
        results = cached_frontier(key, x)
    except ValueError:
        return []
    return [(_label(r.fmt), r.bits_per_value - bits, r.sqnr_db) for r in results
            if FORMATS[r.fmt].bits == bits and FORMATS[r.fmt].kind != "int"]


def same_bits_caption(points: list, bits: int, x: np.ndarray) -> None:
    """Say which formats the trade-off chart gained and on how many values."""
    if points:
        st.caption(t("formats.per_channel", bits=bits,
                     names=t("formats.sep").join(p[0] for p in points),
                     n=f"{format_study.frontier_sample(x).size:,}"))


def render() -> None:
    """The whole Formats page."""
    theme = shell.page_start("formats")
    tensor = controls.tensor_source()
    fmts = pick_formats()
    presets()
    st.caption(tensor.label)
    try:
        with shell.busy(t("formats.busy", n=f"{tensor.x.size:,}", k=len(fmts)), tensor.x.size):
            view = cached_view(tensor.key, fmts, tensor.x)
    except ValueError as err:
        st.error(t("formats.refused", reason=str(err)))
        shell.page_end()
        return
    key = (tensor.key, fmts)
    metrics(view)
    grids(view, theme, key)
    errors(view, theme, key, view.zeros)
    codes_and_bits(tensor, view, theme)
    results = frontier(tensor, view, theme)
    learn(results)
    shell.page_end()

