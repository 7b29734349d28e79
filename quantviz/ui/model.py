"""The Model page: what quantization does to a real network, the digits MLP.

Sections, in page order: the network (committed, or an uploaded checkpoint of the same layers)
and the current setting's scores; accuracy and agreement against bits; each layer quantized
alone; the images the quantized network gets wrong; the same network in integers (x86 FBGEMM);
every scheme at 8 and 4 bits; the calibrators compared; the notes' advice put to the test.
Every number comes from :mod:`quantviz.studies.model` through the caches below.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import streamlit as st

from quantviz import loaders, present
from quantviz.formats import FORMATS
from quantviz.observers import OBSERVERS
from quantviz.quantize import MAX_BITS, MIN_BITS, SCHEMES
from quantviz.studies import model
from quantviz.studies import ptq as ptq_study
from quantviz.studies import sensitivity as sens
from quantviz.studies.model import MODES, Scheme
from quantviz.ui import cache, controls, shell
from quantviz.ui.caching import cached, frozen, key
from quantviz.ui.i18n import plain, t
from quantviz.ui.state import Control, widget

# --- caches: bounded, shared by every session (the rules of quantviz.ui.cache) ---
# Bounded caches for the Model page, each keyed by what its controls change and nothing else.
#
# The committed network and data are read once per process; an uploaded network is parsed once
# per file (keyed by its digest). The calibration ranges, the current setting's score and
# mistakes, the bit sweep, the per-layer sensitivity, the integer check, the calibrator
# comparison, the advice test and the scheme table each have their own cache, keyed by the
# network and the controls they depend on (see each function): moving the bit width recomputes
# the current score, the sensitivity and the integer check, never the sweep, the calibrator
# comparison, the advice test or the scheme table; each point's range is keyed by
# ``model.point_range_key``, so the weights never recalibrate and a search runs once. Keys are
# one ``repr`` string (:func:`quantviz.ui.caching.key`); the network and schemes themselves are
# passed unhashed.

#: Bit widths of the scheme table, the calibrator comparison and the advice test.
TABLE_BITS = (8, 4)
BUILTIN = "builtin"


@dataclass(frozen=True)
class Net:
    """The network the page works on: ``key`` is "builtin" or an upload's digest."""

    key: str
    net: model.Network


def _freeze_network(net: model.Network) -> model.Network:
    for a in (*net.weights, *net.biases):
        frozen(a)
    return net


@cached(1)
def cached_study() -> tuple[model.Network, model.DigitsData]:
    """The committed network and data, read-only (shared by every session)."""
    net, data = model.load_study()
    for a in (data.calib_x, data.test_images, data.test_x, data.test_labels):
        frozen(a)
    return _freeze_network(net), data


def cached_builtin() -> Net:
    return Net(BUILTIN, cached_study()[0])


def cached_data() -> model.DigitsData:
    return cached_study()[1]


@cached(8)
def cached_uploaded(data_digest: str, filename: str,
             _data: bytes) -> tuple[model.Network | None, str | None]:
    """An uploaded checkpoint as a network like the committed one, or the sentence why not."""
    try:
        tensors = loaders.load_tensors(filename, _data)
        return _freeze_network(model.network_from_tensors(tensors, cached_study()[0])), None
    except (loaders.TensorLoadError, ValueError) as err:
        return None, str(err)


def cached_float_predictions(m: Net) -> np.ndarray:
    return _float_predictions(key(m.key), m.net)


@cached(8)
def _float_predictions(cache_key: str, _net: model.Network) -> np.ndarray:
    return frozen(model.float_predictions(_net, cached_data()))


def cached_ranges(m: Net, scheme: Scheme, bits: int, batches: int) -> tuple:
    """``model.activation_ranges``, each point's range from its own cache entry.

    An entry is keyed by the point, the batches and ``model.point_range_key`` (so the weights'
    scheme, the mode and, for most observers, the bit width never recalibrate, and entropy
    searches with the same number of levels are run once); the input point's values are the
    data's whatever the network, so its ranges are shared by every network.
    """
    values, nonnegative = _calibration_values(key(m.key, batches), m.net, batches)
    return tuple(
        _point_range(key(m.key if p else "input", p, batches,
                         model.point_range_key(scheme, bits, nonnegative[p])),
                     v, scheme, bits)
        for p, v in enumerate(values))


def cached_calibrate(m: Net, batches: int) -> model.Calibrate:
    """The study functions' ``calibrate``, through the shared range caches."""
    return lambda scheme, bits: cached_ranges(m, scheme, bits, batches)


@cached(32)
def _calibration_values(cache_key: str, _net: model.Network,
                        _batches: int) -> tuple[tuple, tuple[bool, ...]]:
    """The float network's values at every point on the calibration batches (read-only, at
    most 10 x 32 images x 170 values), and whether each point's values are all >= 0."""
    values = model.calibration_values(_net, cached_data().calib_x, _batches)
    for point in values:
        for v in point:
            frozen(v)
    return values, tuple(model.all_nonnegative(v) for v in values)


@cached(2048)
def _point_range(cache_key: str, _values: tuple, _scheme: Scheme,
                 _bits: int) -> tuple[float, float]:
    return model.point_range(_values, _scheme, _bits)


@dataclass(frozen=True)
class Current:
    """The current setting's score, its mistakes and the quantized answers (read-only)."""

    score: model.Score
    mistakes: model.Mistakes
    predictions: np.ndarray


def cached_current(m: Net, scheme: Scheme, bits: int, mode: str, batches: int) -> Current:
    return _current(key(m.key, scheme, bits, mode, batches), m, scheme, bits, mode, batches)


@cached(64)
def _current(cache_key: str, _m: Net, _scheme: Scheme, _bits: int, _mode: str,
             _batches: int) -> Current:
    d = cached_data()
    pred = model.predictions(_m.net, d, _scheme, _bits, _mode, _batches,
                             ranges=cached_ranges(_m, _scheme, _bits, _batches))
    float_pred = cached_float_predictions(_m)
    return Current(model.score(pred, float_pred, d.test_labels),
                   model.mistakes(pred, float_pred, d.test_labels), frozen(pred))


def cached_sweep(m: Net, scheme: Scheme, batches: int) -> model.BitSweep:
    """Every bit width of ``model.SWEEP_BITS``, three modes (not keyed by bits or mode)."""
    return _sweep(key(m.key, scheme, batches), m, scheme, batches)


@cached(32)
def _sweep(cache_key: str, _m: Net, _scheme: Scheme, _batches: int) -> model.BitSweep:
    return model.bit_sweep(_m.net, cached_data(), _scheme, _batches,
                           calibrate=cached_calibrate(_m, _batches))


def cached_formats(m: Net) -> tuple[model.FormatScore, ...]:
    """``model.format_sweep`` of the network: keyed by the network only (a format's scales come
    from the values they scale, so no control but the network changes it)."""
    return _formats(key(m.key), m.net)


@cached(8)
def _formats(cache_key: str, _net: model.Network) -> tuple[model.FormatScore, ...]:
    return model.format_sweep(_net, cached_data())


def cached_sensitivity(m: Net, scheme: Scheme, bits: int,
                batches: int) -> tuple[model.LayerScore, ...]:
    return _sensitivity(key(m.key, scheme, bits, batches), m, scheme, bits, batches)


@cached(64)
def _sensitivity(cache_key: str, _m: Net, _scheme: Scheme, _bits: int,
                 _batches: int) -> tuple[model.LayerScore, ...]:
    return model.layer_sensitivity(_m.net, cached_data(), _scheme, _bits, _batches,
                                   cached_ranges(_m, _scheme, _bits, _batches))


def cached_calibrators(m: Net, scheme: Scheme,
                batches: int) -> dict[int, tuple[model.CalibratorScore, ...]]:
    """Every calibrator at each of ``TABLE_BITS`` (not keyed by the observer, bits or mode)."""
    base = Scheme(scheme.weight_scheme, scheme.per_channel, scheme.act_scheme)
    return _calibrators(key(m.key, base, batches), m, base, batches)


@cached(16)
def _calibrators(cache_key: str, _m: Net, _scheme: Scheme,
                 _batches: int) -> dict[int, tuple[model.CalibratorScore, ...]]:
    return {b: model.compare_calibrators(_m.net, cached_data(), _scheme, b, _batches,
                                         cached_calibrate(_m, _batches))
            for b in TABLE_BITS}


def cached_advice(m: Net, batches: int) -> model.AdviceTest:
    """The advice test (keyed by the network and the number of calibration batches only)."""
    return _advice(key(m.key, batches), m, batches)


@cached(10)
def _advice(cache_key: str, _m: Net, _batches: int) -> model.AdviceTest:
    return model.advice_test(_m.net, cached_data(), _batches, TABLE_BITS,
                             cached_calibrate(_m, _batches))


def cached_table(m: Net, observer: str, params: tuple, batches: int) -> dict:
    """Every scheme of ``model.TABLE_SCHEMES`` at ``TABLE_BITS`` with this calibration."""
    return _table(key(m.key, observer, params, batches), m, observer, params, batches)


@cached(16)
def _table(cache_key: str, _m: Net, _observer: str, _params: tuple, _batches: int) -> dict:
    return model.scheme_table(_m.net, cached_data(), _observer, _params, _batches, TABLE_BITS,
                              cached_calibrate(_m, _batches))


def cached_integer(m: Net, scheme: Scheme, bits: int, batches: int) -> model.IntegerCheck | None:
    """The integer-only network beside the fake-quantized one (None where there is no
    integer kernel: see ``model.integer_problem``). Not keyed by the mode: both are quantized."""
    if model.integer_problem(scheme, bits) is not None:
        return None
    return _integer(key(m.key, scheme, bits, batches), m, scheme, bits, batches)


@cached(32)
def _integer(cache_key: str, _m: Net, _scheme: Scheme, _bits: int,
             _batches: int) -> model.IntegerCheck:
    return model.integer_check(_m.net, cached_data(), _scheme, _bits, _batches,
                               cached_ranges(_m, _scheme, _bits, _batches))


def cached_hurt(m: Net, bits: int, group: int, method: str) -> tuple[sens.LayerRow, ...]:
    """Each layer's weights rounded alone by ``method`` (keyed by the network and the
    section's own controls: the sidebar never recomputes it)."""
    return _hurt(key(m.key, bits, group, method), m, bits, group, method)


@cached(32)
def _hurt(cache_key: str, _m: Net, _bits: int, _group: int,
          _method: str) -> tuple[sens.LayerRow, ...]:
    return sens.layer_sensitivity(_m.net, cached_data(), _bits, _group, _method)


@cached(16)
def cached_hurt_slot(cache_key: str) -> dict:
    """An empty dict per budget or method-table key, with a lock: the page stores the result
    in it once, drawing a progress bar while it is computed (both take seconds)."""
    return {"lock": threading.Lock()}


# --- the page ---

MODE = Control("mmode", "segmented", "both", "model.mode.label", options=MODES,
               help="model.mode.help")
BITS = Control("mbits", "int", 4, "model.bits.label", lo=MIN_BITS, hi=MAX_BITS,
               help="model.bits.help")
WSCHEME = Control("wscheme", "segmented", "symmetric", "model.wscheme.label", options=SCHEMES,
                  option_prefix="scheme.label", help="model.wscheme.help")
PER_CHANNEL = Control("perch", "toggle", False, "model.perch.label", help="model.perch.help")
ASCHEME = Control("ascheme", "segmented", "asymmetric", "model.ascheme.label", options=SCHEMES,
                  option_prefix="scheme.label", help="model.ascheme.help")
OBSERVER = Control("acalib", "select", "moving_average", "model.calib.label",
                   options=tuple(OBSERVERS), option_prefix="calib.label", help="model.calib.help")
BATCHES = Control("ncal", "int", 4, "model.ncal.label", lo=1, hi=10, help="model.ncal.help")
NETWORK = Control("net", "segmented", "builtin", "model.net.label", options=("builtin", "upload"),
                  help="model.net.help")
#: Mistakes shown at most, six to a row.
MISTAKES = 12
#: "Keeps the float accuracy" means at most this many test images fewer.
SLACK = 1


def network() -> Net:
    """The committed network, or an uploaded checkpoint of the same layers.

    A file that cannot be used shows the reason and the committed network stays.
    """
    st.sidebar.subheader(t("model.net.heading"))
    if (widget(NETWORK) or NETWORK.default) == "builtin":
        return cached_builtin()
    file = st.sidebar.file_uploader(t("model.net.upload"), type=controls.UPLOAD_TYPES,
                                    key="model_upload", help=t("model.net.upload.help"))
    if file is None:
        st.sidebar.info(t("model.net.none"))
        return cached_builtin()
    data = file.getvalue()
    digest = controls.upload_digest(file, "model_")
    net, error = cached_uploaded(digest, file.name, data)
    if net is None:
        st.sidebar.error(t("model.net.refused", reason=plain(error)))
        st.info(t("model.net.kept"))
        return cached_builtin()
    st.sidebar.success(t("model.net.loaded", name=plain(file.name)))
    return Net(digest, net)


def sidebar() -> tuple[Scheme, int, str, int]:
    """Draw the controls; return the scheme, bits, mode and number of calibration batches."""
    st.sidebar.subheader(t("model.sidebar"))
    mode = widget(MODE) or MODE.default
    bits = widget(BITS)
    weight_scheme = widget(WSCHEME) or WSCHEME.default
    per_channel = widget(PER_CHANNEL)
    act_scheme = widget(ASCHEME) or ASCHEME.default
    observer = widget(OBSERVER)
    params: tuple = ()
    if observer == "percentile":
        params = (("percentile", widget(controls.PERCENTILE)),)
    elif observer == "moving_average":
        params = (("averaging_constant", widget(controls.AVERAGING)),)
    batches = widget(BATCHES)
    return Scheme(weight_scheme, per_channel, act_scheme, observer, params), bits, mode, batches


def table(data: dict[str, list]) -> None:
    """A table with every float shown to two decimals (percentages)."""
    shell.table(data, number="{:,.2f}")


def pct(score: model.Score) -> str:
    return f"{100 * score.accuracy:.2f} %"


def headline(current: Current, float_correct: int, n: int) -> None:
    s = current.score
    cols = st.columns(4)
    cols[0].metric(t("model.metric.float"), f"{100 * float_correct / n:.2f} %",
                   help=t("model.metric.float.help", correct=float_correct, n=n))
    d = s.correct - float_correct
    cols[1].metric(t("model.metric.quant"), pct(s),
                   delta=t("model.metric.delta", d=f"{d:+d}") if d else None,
                   help=t("model.metric.quant.help", correct=s.correct, n=n))
    cols[2].metric(t("model.metric.agree"), f"{100 * s.agreement:.2f} %",
                   help=t("model.metric.agree.help", agree=s.agree, n=n))
    cols[3].metric(t("model.metric.flipped"), f"{current.mistakes.flipped}",
                   help=t("model.metric.flipped.help"))


def _figure(name: str, parts: tuple, theme: present.Theme, labels: dict, build) -> None:
    """Draw ``build(labels)``, built once per ``parts``, theme and labels (cached, shared)."""
    full = ("model", name, parts, theme, tuple(labels.items()))
    shell.figure(cache.figure(full, lambda: build(labels)), key=f"model_{name}")


def mode_name(mode: str) -> str:
    return t(f"model.mode.label.{mode}")


def sweep_charts(m: Net, scheme: Scheme, batches: int, bits: int,
                 float_correct: int, n: int, theme: present.Theme) -> None:
    sweep = cached_sweep(m, scheme, batches)
    fmts = cached_formats(m)
    st.subheader(t("model.sweep.heading"))
    common = {"x": t("model.fig.bits"), "reference": t("model.fig.float"),
              "formats": t("model.fig.formats"), "bpv": t("model.fig.bpv")}
    parts = (m.key, scheme, batches, bits)
    for col, field, title, y in zip(
            st.columns(2), ("accuracy", "agreement"),
            (t("model.fig.accuracy"), t("model.fig.agreement")),
            (t("model.fig.accuracy_y"), t("model.fig.agreement_y")), strict=True):
        ref = 100 * float_correct / n if field == "accuracy" else 100.0
        curves = {mode_name(m): [100 * v for v in sweep.series(m, field)] for m in MODES}
        axis = model.percent_axis(curves, ref, sweep.bits)
        with col:
            _figure(f"sweep_{field}", parts, theme, {**common, "title": title},
                    lambda labels, field=field, ref=ref, y=y, curves=curves, axis=axis:
                    present.sweep_with_formats(
                        sweep.bits, curves, format_points(fmts, field),
                        reference=[ref] * len(sweep.bits), highlight=bits,
                        y_range=(axis.lo, axis.hi), theme=theme, y_title=y, labels=labels))
            axis_note(axis, "model.axis.below_bits")
    lows = {m: sweep.lowest_bits_within(m, float_correct, SLACK) for m in MODES}
    st.markdown(t("model.sweep.lowest", slack=SLACK,
                  **{m: lows[m] if lows[m] else "—" for m in MODES}))
    format_table(m, float_correct, n)


def axis_note(axis: model.PercentAxis, below_key: str) -> None:
    """Say under a chart that its y axis does not start at 0, and what falls below it (nothing
    when the axis does start at 0: a network whose float accuracy is low)."""
    if axis.lo <= 0:
        return
    text = t("model.axis.zoom", lo=f"{axis.lo:.1f}", hi=f"{axis.hi:.1f}")
    if axis.below:
        text += " " + t(below_key, keys=", ".join(plain(str(k)) for k in axis.below),
                        lowest=f"{axis.lowest:.1f}")
    st.caption(text)


def format_points(fmts: tuple[model.FormatScore, ...],
                  field: str) -> dict[str, list[tuple[str, float, float]]]:
    """``(label, bits per weight, percent)`` of each format, per mode it is scored in."""
    return {mode_name(m): [(t(f"fmt.{f.fmt}"), f.bits_per_value,
                            100 * getattr(f.scores[m], field))
                           for f in fmts if m in f.scores] for m in model.FORMAT_MODES}


def format_table(m: Net, float_correct: int, n: int) -> None:
    """The formats of the bit-width view in a table, and which keep the float accuracy."""
    fmts = cached_formats(m)
    st.markdown(t("model.fmt.intro", weight_only=", ".join(
        t(f"fmt.{f}") for f in model.WEIGHT_ONLY_FORMATS),
        inputs=max(w.shape[1] for w in m.net.weights), nf4_block=FORMATS["nf4"].block,
        group=FORMATS["int4_group_fp16"].block))

    def cell(f: model.FormatScore, mode: str, field: str) -> str:
        s = f.scores.get(mode)
        return "—" if s is None else f"{100 * getattr(s, field):.2f}"

    data: dict[str, list] = {
        t("model.fmt.col.format"): [t(f"fmt.{f.fmt}") for f in fmts],
        t("model.fmt.col.bpv"): [f.bits_per_value for f in fmts]}
    for mode in model.FORMAT_MODES:
        data[t("model.fmt.col.acc", mode=mode_name(mode))] = [
            cell(f, mode, "accuracy") for f in fmts]
        data[t("model.fmt.col.agree", mode=mode_name(mode))] = [
            cell(f, mode, "agreement") for f in fmts]
    table(data)
    for mode in model.FORMAT_MODES:
        kept = sorted((f for f in fmts if mode in f.scores
                       and f.scores[mode].correct >= float_correct - SLACK),
                      key=lambda f: f.bits_per_value)
        if kept:
            st.markdown(t("model.fmt.kept", mode=mode_name(mode), k=len(kept),
                          total=sum(mode in f.scores for f in fmts), slack=SLACK,
                          fmt=t(f"fmt.{kept[0].fmt}"), bpv=f"{kept[0].bits_per_value:.3f}",
                          acc=pct(kept[0].scores[mode])))
        else:
            st.markdown(t("model.fmt.none_kept", mode=mode_name(mode), slack=SLACK))


def scheme_label(w: str, per_channel: bool, a: str) -> str:
    return t("model.scheme.row", w=t(f"model.kind.{w}"),
             g=t("model.perch.on" if per_channel else "model.perch.off"),
             a=t(f"model.kind.{a}"))


def scheme_table(m: Net, scheme: Scheme, batches: int) -> None:
    st.subheader(t("model.table.heading"))
    st.caption(t("model.table.intro", observer=t(f"calib.label.{scheme.observer}"),
                 batches=batches))
    rows = cached_table(m, scheme.observer, scheme.params, batches)
    data: dict[str, list] = {t("model.table.scheme"): [scheme_label(*k) for k in rows]}
    for k, b in enumerate(TABLE_BITS):
        for m in MODES:
            data[t("model.table.col", mode=mode_name(m), bits=b)] = [
                100 * r[m][k].accuracy for r in rows.values()]
    table(data)


def sensitivity(m: Net, scheme: Scheme, bits: int, batches: int,
                float_correct: int, n: int, theme: present.Theme) -> None:
    st.subheader(t("model.layers.heading", bits=bits))
    layers = cached_sensitivity(m, scheme, bits, batches)
    series = {mode_name(m): [100 * getattr(s, m).accuracy for s in layers] for m in MODES}
    float_pct = 100 * float_correct / n
    axis = model.percent_axis(series, float_pct, [s.name for s in layers])
    _figure("layers", (m.key, scheme, bits, batches), theme,
            {"title": t("model.fig.layers"), "x": t("model.fig.layer"),
             "y": t("model.fig.accuracy_y"), "reference": t("model.fig.float")},
            lambda labels: present.layer_bars([s.name for s in layers], series,
                                              reference=float_pct, y_range=(axis.lo, axis.hi),
                                              theme=theme, labels=labels))
    axis_note(axis, "model.axis.below_layers")
    worst = model.most_sensitive(layers)
    if worst.both.agree == n:
        st.markdown(t("model.layers.none", bits=bits, n=n))
    else:
        st.markdown(t("model.layers.worst", name=plain(worst.name), bits=bits, acc=pct(worst.both),
                      lost=float_correct - worst.both.correct, agree=worst.both.agree, n=n))
    st.caption(t("model.layers.how"))


def calibrator_table(m: Net, scheme: Scheme, batches: int) -> None:
    st.subheader(t("model.calib.heading"))
    st.caption(t("model.calib.intro", batches=batches, images=batches * model.BATCH))
    results = cached_calibrators(m, scheme, batches)
    low = TABLE_BITS[-1]
    names = [c.observer for c in results[low]]
    data: dict[str, list] = {t("model.calib.col.name"): [t(f"calib.label.{o}") for o in names]}
    for b in TABLE_BITS:
        for m in ("activations", "both"):
            data[t("model.table.col", mode=mode_name(m), bits=b)] = [
                100 * getattr(c, m).accuracy for c in results[b]]
    for p, point in enumerate(model.POINTS):
        data[t(f"model.point.{point}", bits=low)] = [
            f"[{lo:.3g}, {hi:.3g}]" for lo, hi in (c.ranges[p] for c in results[low])]
    table(data)
    best = max(results[low], key=lambda c: (c.both.correct, c.both.agree))
    worst = min(results[low], key=lambda c: (c.both.correct, c.both.agree))
    st.markdown(t("model.calib.result", bits=low, best=t(f"calib.label.{best.observer}"),
                  best_acc=pct(best.both), worst=t(f"calib.label.{worst.observer}"),
                  worst_acc=pct(worst.both), d=best.both.correct - worst.both.correct))
    minmax = next(c for c in results[low] if c.observer == "minmax")
    p, share = model.narrowest_range(worst.ranges, minmax.ranges)
    if share < 1:
        lo, hi = worst.ranges[p]
        mlo, mhi = minmax.ranges[p]
        st.markdown(t("model.calib.clip", worst=t(f"calib.label.{worst.observer}"),
                      point=t(f"model.point.{model.POINTS[p]}.name"), lo=f"{lo:.3g}",
                      hi=f"{hi:.3g}", mlo=f"{mlo:.3g}", mhi=f"{mhi:.3g}",
                      share=f"{100 * share:.1f}"))


def _listed(items: list[model.Versus]) -> str:
    return t("model.advice.sep").join(
        t("model.advice.item", name=t(f"model.advice.{v.name}"), d=v.difference,
          se=f"{v.noise:.1f}") for v in items)


def advice(m: Net, batches: int, n: int) -> None:
    st.subheader(t("model.advice.heading"))
    st.markdown(t("model.advice.intro"))
    test = cached_advice(m, batches)
    data: dict[str, list] = {t("model.advice.col.variant"): [
        t(f"model.advice.{name}") for name in test.scores]}
    for k, b in enumerate(test.bits):
        data[t("model.advice.col.acc", bits=b)] = [100 * s[k].accuracy
                                                   for s in test.scores.values()]
        data[t("model.advice.col.agree", bits=b)] = [100 * s[k].agreement
                                                     for s in test.scores.values()]
    table(data)
    any_better = False
    for k, b in enumerate(test.bits):
        vs = [v[k] for v in test.versus.values()]
        better = [v for v in vs if v.beyond_noise and v.difference > 0]
        worse = [v for v in vs if v.beyond_noise and v.difference < 0]
        same = [v for v in vs if not v.beyond_noise]
        any_better = any_better or bool(better)
        parts = [t("model.advice.verdict", bits=b, a=test.scores["advice"][k].correct, n=n)]
        parts.append(t("model.advice.better", items=_listed(better)) if better
                     else t("model.advice.no_better"))
        if worse:
            parts.append(t("model.advice.worse", items=_listed(worse)))
        if same:
            parts.append(t("model.advice.same", items=_listed(same)))
        st.markdown(" ".join(parts))
    st.caption(t("model.advice.how"))
    if any_better:
        st.warning(t("model.advice.some_better"))
    else:
        st.info(t("model.advice.none_better"))


def mistakes(current: Current, theme: present.Theme, parts: tuple) -> None:
    data = cached_data()
    m = current.mistakes
    st.subheader(t("model.mistakes.heading"))
    st.caption(t("model.mistakes.count", total=m.total, flipped=m.flipped, shown=m.index.size,
                 n=current.score.n))
    images = [data.test_images[i] for i in m.index]
    titles = [t("model.mistakes.title", label=int(lab), q=int(q), f=int(f))
              for lab, q, f in zip(m.labels, m.quant_pred, m.float_pred, strict=True)]
    _figure("mistakes", parts, theme, {"title": t("model.fig.mistakes"),
                                       "empty": t("model.fig.no_mistakes")},
            lambda labels: present.digit_grid(images, titles, columns=MISTAKES // 2,
                                              theme=theme, labels=labels))


def integer(m: Net, scheme: Scheme, bits: int, batches: int, n: int) -> None:
    """The integer-only network (x86 FBGEMM) beside the fake-quantized one."""
    st.subheader(t("model.int.heading", bits=bits))
    check = cached_integer(m, scheme, bits, batches)
    if check is None:
        st.info(t(f"model.int.no.{model.integer_problem(scheme, bits)}",
                  max=model.INTEGER_MAX_BITS))
        return
    st.markdown(t("model.int.intro"))
    cols = st.columns(3)
    cols[0].metric(t("model.int.metric.acc"), pct(check.integer),
                   help=t("model.int.metric.acc.help", fake=pct(check.fake)))
    cols[1].metric(t("model.int.metric.agree"), f"{check.agree} / {n}")
    cols[2].metric(t("model.int.metric.codes"), f"{sum(check.equal):,} / {sum(check.total):,}",
                   help=t("model.int.metric.codes.help"))
    table({
        t("model.fig.layer"): list(m.net.names),
        t("model.int.col.equal"): list(check.equal),
        t("model.int.col.total"): list(check.total),
        t("model.int.col.diff"): list(check.max_diff),
    })
    if all(e == tot for e, tot in zip(check.equal, check.total, strict=True)):
        st.markdown(t("model.int.same"))
    else:
        st.markdown(t("model.int.differ", count=sum(check.total) - sum(check.equal),
                      diff=max(check.max_diff)))
    if check.saturated_pairs:
        st.markdown(t("model.int.avx2", sat=f"{check.saturated_pairs:,}",
                      pairs=f"{check.pairs:,}", acc=pct(check.avx2), correct=check.avx2.correct,
                      exact=check.integer.correct))
    else:
        st.markdown(t("model.int.avx2_none", bits=bits, pairs=f"{check.pairs:,}"))


# --- which layer hurts (weights only, the PTQ methods) ---

HURT_BITS = Control("mh_bits", "select", 3, "model.hurt.bits", options=(2, 3, 4))
HURT_GROUP = Control("mh_group", "select", -1, "model.hurt.group", options=(-1, 32),
                     option_prefix="ptq.group")
HURT_METHOD = Control("mh_method", "select", "rtn", "model.hurt.method",
                      options=ptq_study.METHODS, option_prefix="ptq.method")


def _slot_compute(name: str, slot_key: str, work: Callable) -> object | None:
    """``work(progress)`` once per ``slot_key``, with a progress bar while it runs.

    It takes seconds, so it runs when a student asks (a button), not on every first visit;
    once computed, every session shows it at once. ``None`` until then."""
    slot = cached_hurt_slot(slot_key)
    asked = f"mh_asked_{name}"
    if "value" not in slot and not st.session_state.get(asked):
        # a callback, as the other pages' buttons: it holds across the rerun it starts
        st.button(t(f"model.hurt.run.{name}"), key=f"mh_run_{name}",
                  on_click=st.session_state.__setitem__, args=(asked, True))
        return None
    with slot["lock"]:
        if "value" not in slot:
            bar = st.progress(0.0)

            def progress(done: int, total: int, what: str) -> None:
                bar.progress(done / total, text=t(f"model.hurt.progress.{name}", what=what)
                             if what else None)

            slot["value"] = work(progress)
            bar.empty()
    return slot["value"]


def hurt(m: Net, theme: present.Theme) -> None:
    """Which layer hurts: one layer's weights at a time, ranked by llama.cpp's measures."""
    st.subheader(t("model.hurt.heading"))
    st.markdown(t("model.hurt.intro", floor=f"{sens.LOG_P_FLOOR:g}"))
    cols = st.columns(3)
    bits = widget(HURT_BITS, cols[0])
    group = widget(HURT_GROUP, cols[1])
    group = HURT_GROUP.default if group is None else group
    method = widget(HURT_METHOD, cols[2]) or HURT_METHOD.default
    rows = cached_hurt(m, bits, group, method)
    table({
        t("model.fig.layer"): [r.name for r in rows],
        t("model.hurt.col.acc"): [100 * r.score.accuracy for r in rows],
        t("model.hurt.col.kl"): [f"{r.score.mean_kl:.5f}" for r in rows],
        t("model.hurt.col.same"): [100 * r.score.same_top for r in rows],
        t("model.hurt.col.dp"): [100 * r.score.delta_p for r in rows],
        t("model.hurt.col.wsqnr"): [r.weight_sqnr for r in rows],
        t("model.hurt.col.kurt"): [r.stats.kurtosis for r in rows],
        t("model.hurt.col.outliers"): [r.stats.outlier_channels for r in rows],
    })
    worst = {k: sens.most_sensitive(rows, k).name for k in (*sens.MEASURES, "weight")}
    st.markdown(t("model.hurt.worst", bits=bits, **worst))
    by_kl = sens.most_sensitive(rows, "kl")
    st.markdown(t("model.hurt.explain" if worst["weight"] != by_kl.name
                  else "model.hurt.explain_same", kl=by_kl.name, weight=worst["weight"],
                  kurt=f"{by_kl.stats.kurtosis:.2f}", out=by_kl.stats.outlier_channels,
                  sigmas=f"{sens.SIGMAS:g}"))
    _figure("hurt_kl", (m.key, bits, group, method), theme,
            {"title": t("model.hurt.fig.kl"), "x": t("model.fig.layer"),
             "y": t("model.hurt.fig.kl_y")},
            lambda labels: present.layer_bars(
                [r.name for r in rows],
                {t("model.hurt.fig.kl_y"): [1000 * r.score.mean_kl for r in rows]},
                theme=theme, labels=labels))
    budget_section(m, group, theme)
    methods_section(m, group)


def _bits_label(bits: tuple[int, ...], names: tuple[str, ...]) -> str:
    return " ".join(f"{n}:{b}" for n, b in zip(names, bits, strict=True))


def budget_section(m: Net, group: int, theme: present.Theme) -> None:
    st.subheader(t("model.budget.heading"))
    st.markdown(t("model.budget.intro", levels=", ".join(map(str, sens.BUDGET_BITS)),
                  count=len(sens.BUDGET_BITS) ** len(m.net.weights),
                  overhead=sens.GROUP_OVERHEAD_BITS))
    result = _slot_compute("budget", key("budget", m.key, group),
                           lambda progress: sens.budget(m.net, cached_data(), group,
                                                        progress=progress))
    if result is None:
        return
    names = m.net.names

    def point(c: sens.Choice) -> tuple[float, float, str]:
        return (c.bits_per_weight, c.score.mean_kl,
                f"{_bits_label(c.bits, names)} · {c.bits_per_weight:.2f} b/w · "
                f"KL {c.score.mean_kl:.4f} · {100 * c.score.accuracy:.1f} %")

    _figure("budget", (m.key, group), theme,
            {"title": t("model.budget.fig"), "x": t("model.budget.bpw"),
             "y": t("model.hurt.col.kl"), "all": t("model.budget.all"),
             "front": t("model.budget.front"), "greedy": t("model.budget.greedy")},
            lambda labels: present.budget_scatter(
                [point(c) for c in result.choices], [point(c) for c in result.front],
                [point(c) for c in result.greedy], theme=theme, labels=labels))
    on_front = sum(c in result.front for c in result.greedy)
    st.markdown(t("model.budget.say", front=len(result.front), total=len(result.choices),
                  greedy=len(result.greedy), on_front=on_front))
    table({
        t("model.budget.col.bits"): [_bits_label(c.bits, names) for c in result.front],
        t("model.budget.bpw"): [c.bits_per_weight for c in result.front],
        t("model.hurt.col.kl"): [f"{c.score.mean_kl:.5f}" for c in result.front],
        t("model.hurt.col.acc"): [100 * c.score.accuracy for c in result.front],
    })


def methods_section(m: Net, group: int) -> None:
    st.subheader(t("model.methods.heading"))
    st.markdown(t("model.methods.intro"))
    scores = _slot_compute("methods", key("methods", m.key, group),
                           lambda progress: sens.method_table(m.net, cached_data(), group,
                                                              progress=progress))
    if scores is None:
        return
    data: dict[str, list] = {t("ptq.col.method"): [t(f"ptq.method.{x}")
                                                   for x in ptq_study.METHODS]}
    for b in sens.TABLE_BITS:
        data[t("model.methods.col.acc", bits=b)] = [100 * scores[x, b].accuracy
                                                    for x in ptq_study.METHODS]
        data[t("model.methods.col.kl", bits=b)] = [f"{scores[x, b].mean_kl:.5f}"
                                                   for x in ptq_study.METHODS]
    table(data)
    parts = []
    for b in sens.TABLE_BITS:
        best = min(ptq_study.METHODS, key=lambda x: scores[x, b].mean_kl)
        parts.append(t("model.methods.best", bits=b, method=t(f"ptq.method.{best}"),
                       kl=f"{scores[best, b].mean_kl:.5f}",
                       rtn=f"{scores['rtn', b].mean_kl:.5f}"))
    st.markdown(" ".join(parts))


def render() -> None:
    """The whole Model page."""
    theme = shell.page_start("model")
    m = network()
    scheme, bits, mode, batches = sidebar()
    data = cached_data()
    n = data.test_labels.size
    float_correct = int(np.count_nonzero(cached_float_predictions(m) == data.test_labels))
    arch = "-".join(str(v) for v in (m.net.weights[0].shape[1],
                                     *(w.shape[0] for w in m.net.weights)))
    st.markdown(t("model.data", arch=arch, n=n, calib=data.calib_x.shape[0], batch=model.BATCH,
                  batches=data.calib_x.shape[0] // model.BATCH))
    if m.key != BUILTIN:
        st.caption(t("model.net.uploaded"))
    current = cached_current(m, scheme, bits, mode, batches)
    st.caption(t("model.setting", mode=mode_name(mode), bits=bits,
                 w=scheme_label(scheme.weight_scheme, scheme.per_channel, scheme.act_scheme),
                 observer=t(f"calib.label.{scheme.observer}"), batches=batches))
    headline(current, float_correct, n)
    sweep_charts(m, scheme, batches, bits, float_correct, n, theme)
    sensitivity(m, scheme, bits, batches, float_correct, n, theme)
    mistakes(current, theme, (m.key, scheme, bits, mode, batches))
    integer(m, scheme, bits, batches, n)
    scheme_table(m, scheme, batches)
    calibrator_table(m, scheme, batches)
    advice(m, batches, n)
    hurt(m, theme)
    with st.expander(t("model.how.heading")):
        st.markdown(t("model.how"))
    shell.page_end()
