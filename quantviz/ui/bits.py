"""The Bit-width page: SQNR, MSE and effective bits of every scheme from 2 to 16 bits.

The sweep (3 schemes x 15 bit widths) runs on a bounded sample of the tensor, one cached
point at a time, with a progress bar while points are computed.
"""

from __future__ import annotations

import time
from dataclasses import replace

import pandas as pd
import streamlit as st

from quantviz import observers, present
from quantviz.quantize import MAX_BITS, MIN_BITS
from quantviz.studies import sweeps
from quantviz.studies.sweeps import SWEEP_BITS, SWEEP_SCHEMES, BitSweep
from quantviz.ui import cache, controls, shell, sweep_cache
from quantviz.ui import formats as formats_ui
from quantviz.ui.controls import Tensor
from quantviz.ui.i18n import t
from quantviz.ui.state import Control, widget

#: The shared bit width, here the one whose numbers are read off.
HIGHLIGHT = Control("bits", "int", 8, "bits.highlight", lo=MIN_BITS, hi=MAX_BITS)
NARROW = replace(controls.NARROW, help="bits.narrow.help")
#: The reference line goes through a point at this many bits, if rounding dominates there.
ANCHOR_BITS = 8
#: The reference line's slope as the texts state it (20 log10(2) dB per bit).
SLOPE = f"{sweeps.DB_PER_BIT:.2f}"
#: Two symmetric lines closer than this (dB) at every width are said to lie on each other.
SAME_DB = 0.01
#: Redraw the progress bar at most this often (cached points take microseconds).
PROGRESS_EVERY = 0.1


def calibration() -> tuple[str, tuple]:
    """Draw the calibration controls; return the method and its observer parameters."""
    method = widget(controls.CALIB)
    pct = widget(controls.PERCENTILE) if method == "percentile" else None
    avg = widget(controls.AVERAGING) if method == "moving_average" else None
    return method, controls.observer_params(method, pct, avg)


def compute(tensor: Tensor, method: str, params: tuple, narrow: bool) -> BitSweep:
    """Every sweep point through the cache, with a progress bar while points are computed."""
    xs = sweep_cache.sample(tensor.key, tensor.x)
    params = cache.fit_batches(params, xs.size)
    points = [(s, b) for s in SWEEP_SCHEMES for b in SWEEP_BITS]
    bar = st.empty()
    scores: dict[str, list[sweeps.RangeScore]] = {s.key: [] for s in SWEEP_SCHEMES}
    last = time.perf_counter()
    for done, (scheme, b) in enumerate(points, start=1):
        scores[scheme.key].append(
            sweep_cache.sweep_point(tensor.key, scheme, b, method, params, narrow, xs))
        if time.perf_counter() - last > PROGRESS_EVERY:
            last = time.perf_counter()
            bar.progress(done / len(points), text=t("bits.busy", n=f"{xs.size:,}",
                                                      total=len(points), done=done))
    bar.empty()
    return BitSweep(SWEEP_BITS, {k: tuple(v) for k, v in scores.items()}, int(xs.size))


def name(key: str) -> str:
    return t(f"bits.scheme.{key}")


def reference(sweep: BitSweep) -> list[float] | None:
    """The 6.02 dB-per-bit line through a point where rounding dominates (see
    ``sweeps.reference_anchor``)."""
    anchor = sweeps.reference_anchor(sweep, ANCHOR_BITS)
    return None if anchor is None else sweeps.reference_line(sweep.bits, *anchor)


def readout(sweep: BitSweep, bits: int) -> None:
    """SQNR of each scheme at the chosen bit width."""
    st.subheader(t("bits.at", bits=bits))
    i = sweep.bits.index(bits)
    for col, s in zip(st.columns(len(SWEEP_SCHEMES)), SWEEP_SCHEMES, strict=True):
        score = sweep.scores[s.key][i]
        col.metric(name(s.key), f"{score.sqnr_db:.2f} dB", help=t(
            "bits.metric.help", mse=f"{score.mse:.3g}", clip=f"{score.clipping_mse:.3g}",
            eff=f"{score.effective_bits:.2f}"))


def _figure(name: str, key: tuple, theme: present.Theme, labels: dict, build) -> None:
    """Draw ``build(labels)``, built once per ``key``, theme and labels (cached, shared)."""
    full = ("bits", name, key, theme, tuple(labels.items()))
    shell.figure(cache.figure(full, lambda: build(labels)), key=f"bits_{name}")


def charts(sweep: BitSweep, key: tuple, bits: int, theme: present.Theme,
           narrow: bool = False) -> None:
    """SQNR and MSE side by side, effective bits below (``key`` identifies ``sweep``, run with
    ``narrow``)."""
    names = {s.key: name(s.key) for s in SWEEP_SCHEMES}
    marked = {names[k]: sweep.clipping_dominates(k) for k in names}
    common = {"x": t("bits.fig.bits"), "marked": t("bits.fig.marked")}
    key = (*key, bits)

    def lines(field: str) -> dict[str, list[float]]:
        return {names[k]: sweep.series(k, field) for k in names}

    left, right = st.columns(2)
    with left:
        _figure("sqnr", key, theme, {**common, "title": t("bits.fig.sqnr"),
                                     "reference": t("bits.fig.reference", slope=SLOPE)},
                lambda labels: present.sweep_lines(
                    sweep.bits, lines("sqnr_db"), marked=marked, reference=reference(sweep),
                    highlight=bits, theme=theme, y_title="SQNR (dB)", labels=labels))
    with right:
        gaps = {names[k]: sweeps.sqnr_gap(sweep, k) for k in names}
        lo, hi = sweeps.gap_range(list(gaps.values()))
        one_bit = [-sweeps.DB_PER_BIT] * len(sweep.bits) if lo < -sweeps.DB_PER_BIT else None
        _figure("gap", key, theme, {**common, "title": t("bits.fig.gap"),
                                    "reference": t("bits.fig.one_bit", slope=SLOPE)},
                lambda labels: present.sweep_lines(
                    sweep.bits, gaps, reference=one_bit, highlight=bits, y_range=(lo, hi),
                    theme=theme, y_title=t("bits.fig.gap_y"), labels=labels))
        gap_notes(sweep, bits, narrow=narrow)
    left, right = st.columns(2)
    with left:
        _figure("eff", key, theme, {**common, "title": t("bits.fig.eff"),
                                    "reference": t("bits.fig.diagonal")},
                lambda labels: present.sweep_lines(
                    sweep.bits, lines("effective_bits"),
                    reference=[float(b) for b in sweep.bits], highlight=bits, theme=theme,
                    y_title=t("bits.fig.eff_y"), labels=labels))
        cap = sweep.max_effective_bits
        if cap < MAX_BITS:
            st.caption(t("bits.cap", cap=f"{cap:.2f}", n=f"{sweep.n:,}"))
    with right:
        notes(sweep)
        st.markdown(t("bits.explain", slope=SLOPE))


def gap_notes(sweep: BitSweep, bits: int, narrow: bool = False) -> None:
    """What the difference chart shows at ``bits``, with the step ratio that explains it
    (``narrow`` as the sweep was run)."""
    signed = sweeps.scheme_gap(sweep, "symmetric_signed", bits, narrow=narrow)
    unsigned = sweeps.scheme_gap(sweep, "symmetric_unsigned", bits, narrow=narrow)
    text = t("bits.gap.explain", bits=bits, scheme=name("symmetric_signed"),
             gap=f"{signed.gap_db:+.2f}", share=f"{abs(signed.gap_db) / sweeps.DB_PER_BIT:.2f}",
             steps=signed.steps, base_steps=signed.base_steps, amax=f"{signed.amax:.4g}",
             lo=f"{signed.base_lo:.4g}", hi=f"{signed.base_hi:.4g}",
             ratio=f"{signed.ratio:.3f}", predicted=f"{signed.predicted_db:+.2f}")
    same = all(abs(a - b) < SAME_DB for a, b in zip(
        sweeps.sqnr_gap(sweep, "symmetric_signed"), sweeps.sqnr_gap(sweep, "symmetric_unsigned"),
        strict=True))
    text += " " + (t("bits.gap.same", scheme=name("symmetric_unsigned")) if same else
                   t("bits.gap.unsigned", scheme=name("symmetric_unsigned"),
                     gap=f"{unsigned.gap_db:+.2f}"))
    st.markdown(text)


def notes(sweep: BitSweep) -> None:
    """Where clipping takes over, scheme by scheme."""
    said = False
    for s in SWEEP_SCHEMES:
        flags = sweep.clipping_dominates(s.key)
        if any(flags):
            first = sweep.bits[flags.index(True)]
            st.markdown(t("bits.clip_from", scheme=name(s.key), bits=first,
                          sqnr=f"{sweep.scores[s.key][-1].sqnr_db:.2f}"))
            said = True
    if not said:
        st.markdown(t("bits.no_clip", slope=SLOPE))


def entropy_notes(sweep: BitSweep, xs) -> None:
    """Why the entropy calibrator's SQNR falls or jumps as bits are added, with its numbers."""
    found = sweeps.entropy_bits(sweep, xs)
    lines = []
    for s in SWEEP_SCHEMES:
        e = found[s.key]
        if e.drops:
            items = "; ".join(t("bits.entropy.drop_item", bits=b, before=f"{a:.2f}",
                                after=f"{c:.2f}") for b, a, c in e.drops)
            lines.append(t("bits.entropy.drop", scheme=name(s.key), drops=items))
        if e.jump is not None:
            lines.append(t("bits.entropy.full", scheme=name(s.key), bits=e.full_bits,
                           levels=f"{e.levels:,}", bins=f"{observers.ENTROPY_BINS:,}",
                           before=f"{e.jump[0]:.2f}", after=f"{e.jump[1]:.2f}"))
    if lines:
        st.markdown("\n\n".join([t("bits.entropy.head", bins=f"{observers.ENTROPY_BINS:,}"),
                                   *lines]))


def table(sweep: BitSweep) -> pd.DataFrame:
    """Every number of the sweep, one row per bit width."""
    data: dict[str, list] = {t("bits.col.bits"): list(sweep.bits)}
    for s in SWEEP_SCHEMES:
        label = name(s.key)
        data[t("bits.col.sqnr", scheme=label)] = [round(v, 2) for v in
                                                  sweep.series(s.key, "sqnr_db")]
        data[t("bits.col.mse", scheme=label)] = [f"{v:.3g}" for v in sweep.series(s.key, "mse")]
        data[t("bits.col.eff", scheme=label)] = [round(v, 2) for v in
                                                 sweep.series(s.key, "effective_bits")]
        data[t("bits.col.clip", scheme=label)] = sweep.clipping_dominates(s.key)
    return pd.DataFrame(data)


def render() -> None:
    """The whole Bit-width page."""
    theme = shell.page_start("bits", lo=SWEEP_BITS[0], hi=SWEEP_BITS[-1], slope=SLOPE)
    tensor = controls.tensor_source()
    st.sidebar.subheader(t("bits.sidebar"))
    method, params = calibration()
    narrow = widget(NARROW)
    bits = widget(HIGHLIGHT)
    st.caption(tensor.label)
    sweep = compute(tensor, method, params, narrow)
    if sweep.n < tensor.x.size:
        st.caption(t("bits.sample", n=f"{sweep.n:,}", total=f"{tensor.x.size:,}",
                     points=len(SWEEP_BITS) * len(SWEEP_SCHEMES)))
    else:
        st.caption(t("bits.whole", n=f"{sweep.n:,}"))
    readout(sweep, bits)
    charts(sweep, (tensor.key, method, params, narrow), bits, theme, narrow)
    if method == "entropy":
        entropy_notes(sweep, sweep_cache.sample(tensor.key, tensor.x))
    formats_ui.on_bits_page(tensor, sweep.bits, {name(s.key): sweep.series(s.key, "sqnr_db")
                                                 for s in SWEEP_SCHEMES}, sweep.n, theme)
    with st.expander(t("bits.table")):
        shell.table(table(sweep), number="{:.2f}")
    shell.page_end()
