"""The Model page: what quantization does to a real network, the digits MLP.

Sections, in page order: the network (committed, or an uploaded checkpoint of the same layers)
and the current setting's scores; accuracy and agreement against bits; each layer quantized
alone; the images the quantized network gets wrong; the same network in integers (x86 FBGEMM);
every scheme at 8 and 4 bits; the calibrators compared; the notes' advice put to the test.
Every number comes from :mod:`quantviz.studies.model` through :mod:`quantviz.ui.model_cache`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from quantviz import present
from quantviz.formats import FORMATS
from quantviz.observers import OBSERVERS
from quantviz.quantize import MAX_BITS, MIN_BITS, SCHEMES
from quantviz.studies import model
from quantviz.studies.model import MODES, Scheme
from quantviz.ui import cache, controls, model_cache, shell
from quantviz.ui.i18n import plain, t
from quantviz.ui.model_cache import TABLE_BITS
from quantviz.ui.state import Control, widget

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


def network() -> model_cache.Net:
    """The committed network, or an uploaded checkpoint of the same layers.

    A file that cannot be used shows the reason and the committed network stays.
    """
    st.sidebar.subheader(t("model.net.heading"))
    if (widget(NETWORK) or NETWORK.default) == "builtin":
        return model_cache.builtin()
    file = st.sidebar.file_uploader(t("model.net.upload"), type=controls.UPLOAD_TYPES,
                                    key="model_upload", help=t("model.net.upload.help"))
    if file is None:
        st.sidebar.info(t("model.net.none"))
        return model_cache.builtin()
    data = file.getvalue()
    digest = controls.upload_digest(file, "model_")
    net, error = model_cache.uploaded(digest, file.name, data)
    if net is None:
        st.sidebar.error(t("model.net.refused", reason=plain(error)))
        st.info(t("model.net.kept"))
        return model_cache.builtin()
    st.sidebar.success(t("model.net.loaded", name=plain(file.name)))
    return model_cache.Net(digest, net)


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
    """A table with every float column shown to two decimals (percentages)."""
    frame = pd.DataFrame(data)
    formats = {c: st.column_config.NumberColumn(format="%.2f") for c in frame.columns
               if frame[c].dtype.kind == "f"}
    st.dataframe(frame, hide_index=True, width="stretch", column_config=formats)


def pct(score: model.Score) -> str:
    return f"{100 * score.accuracy:.2f} %"


def headline(current: model_cache.Current, float_correct: int, n: int) -> None:
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


def sweep_charts(m: model_cache.Net, scheme: Scheme, batches: int, bits: int,
                 float_correct: int, n: int, theme: present.Theme) -> None:
    sweep = model_cache.sweep(m, scheme, batches)
    fmts = model_cache.formats(m)
    st.subheader(t("model.sweep.heading"))
    common = {"x": t("model.fig.bits"), "reference": t("model.fig.float"),
              "formats": t("model.fig.formats"), "bpv": t("model.fig.bpv")}
    parts = (m.key, scheme, batches, bits)
    for col, field, title, y in zip(
            st.columns(2), ("accuracy", "agreement"),
            (t("model.fig.accuracy"), t("model.fig.agreement")),
            (t("model.fig.accuracy_y"), t("model.fig.agreement_y")), strict=True):
        ref = 100 * float_correct / n if field == "accuracy" else 100.0
        with col:
            _figure(f"sweep_{field}", parts, theme, {**common, "title": title},
                    lambda labels, field=field, ref=ref, y=y: present.sweep_with_formats(
                        sweep.bits,
                        {mode_name(m): [100 * v for v in sweep.series(m, field)] for m in MODES},
                        format_points(fmts, field),
                        reference=[ref] * len(sweep.bits), highlight=bits, theme=theme,
                        y_title=y, labels=labels))
    lows = {m: sweep.lowest_bits_within(m, float_correct, SLACK) for m in MODES}
    st.markdown(t("model.sweep.lowest", slack=SLACK,
                  **{m: lows[m] if lows[m] else "—" for m in MODES}))
    format_table(m, float_correct, n)


def format_points(fmts: tuple[model.FormatScore, ...],
                  field: str) -> dict[str, list[tuple[str, float, float]]]:
    """``(label, bits per weight, percent)`` of each format, per mode it is scored in."""
    return {mode_name(m): [(t(f"fmt.{f.fmt}"), f.bits_per_value,
                            100 * getattr(f.scores[m], field))
                           for f in fmts if m in f.scores] for m in model.FORMAT_MODES}


def format_table(m: model_cache.Net, float_correct: int, n: int) -> None:
    """The formats of the bit-width view in a table, and which keep the float accuracy."""
    fmts = model_cache.formats(m)
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


def scheme_table(m: model_cache.Net, scheme: Scheme, batches: int) -> None:
    st.subheader(t("model.table.heading"))
    st.caption(t("model.table.intro", observer=t(f"calib.label.{scheme.observer}"),
                 batches=batches))
    rows = model_cache.table(m, scheme.observer, scheme.params, batches)
    data: dict[str, list] = {t("model.table.scheme"): [scheme_label(*k) for k in rows]}
    for k, b in enumerate(TABLE_BITS):
        for m in MODES:
            data[t("model.table.col", mode=mode_name(m), bits=b)] = [
                100 * r[m][k].accuracy for r in rows.values()]
    table(data)


def sensitivity(m: model_cache.Net, scheme: Scheme, bits: int, batches: int,
                float_correct: int, n: int, theme: present.Theme) -> None:
    st.subheader(t("model.layers.heading", bits=bits))
    layers = model_cache.sensitivity(m, scheme, bits, batches)
    series = {mode_name(m): [100 * getattr(s, m).accuracy for s in layers] for m in MODES}
    low = min(min(v) for v in series.values())
    float_pct = 100 * float_correct / n
    y_range = (max(0.0, min(low, float_pct) - 3), 101.5)
    _figure("layers", (m.key, scheme, bits, batches), theme,
            {"title": t("model.fig.layers"), "x": t("model.fig.layer"),
             "y": t("model.fig.accuracy_y"), "reference": t("model.fig.float")},
            lambda labels: present.layer_bars([s.name for s in layers], series,
                                              reference=float_pct, y_range=y_range,
                                              theme=theme, labels=labels))
    worst = model.most_sensitive(layers)
    if worst.both.agree == n:
        st.markdown(t("model.layers.none", bits=bits, n=n))
    else:
        st.markdown(t("model.layers.worst", name=worst.name, bits=bits, acc=pct(worst.both),
                      lost=float_correct - worst.both.correct, agree=worst.both.agree, n=n))
    st.caption(t("model.layers.how"))


def calibrator_table(m: model_cache.Net, scheme: Scheme, batches: int) -> None:
    st.subheader(t("model.calib.heading"))
    st.caption(t("model.calib.intro", batches=batches, images=batches * model.BATCH))
    results = model_cache.calibrators(m, scheme, batches)
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


def advice(m: model_cache.Net, batches: int, n: int) -> None:
    st.subheader(t("model.advice.heading"))
    st.markdown(t("model.advice.intro"))
    test = model_cache.advice(m, batches)
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


def mistakes(current: model_cache.Current, theme: present.Theme, parts: tuple) -> None:
    data = model_cache.data()
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


def integer(m: model_cache.Net, scheme: Scheme, bits: int, batches: int, n: int) -> None:
    """The integer-only network (x86 FBGEMM) beside the fake-quantized one."""
    st.subheader(t("model.int.heading", bits=bits))
    check = model_cache.integer(m, scheme, bits, batches)
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


def render() -> None:
    """The whole Model page."""
    theme = shell.page_start("model")
    m = network()
    scheme, bits, mode, batches = sidebar()
    data = model_cache.data()
    n = data.test_labels.size
    float_correct = int(np.count_nonzero(model_cache.float_predictions(m) == data.test_labels))
    arch = "-".join(str(v) for v in (m.net.weights[0].shape[1],
                                     *(w.shape[0] for w in m.net.weights)))
    st.markdown(t("model.data", arch=arch, n=n, calib=data.calib_x.shape[0], batch=model.BATCH,
                  batches=data.calib_x.shape[0] // model.BATCH))
    if m.key != model_cache.BUILTIN:
        st.caption(t("model.net.uploaded"))
    current = model_cache.current(m, scheme, bits, mode, batches)
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
    with st.expander(t("model.how.heading")):
        st.markdown(t("model.how"))
    shell.page_end()
