"""The PTQ page: one layer, rounded four ways (RTN, GPTQ, AWQ, HQQ), GPTQ step by step, the
loss GPTQ logs, act_order, and AWQ's search.

Every number comes from :mod:`quantviz.studies.ptq` through the caches below.
"""

from __future__ import annotations

import math
import threading

import numpy as np
import streamlit as st

from quantviz import loaders, present
from quantviz.studies import ptq as lab
from quantviz.studies.ptq import LayerCase
from quantviz.ui import budget, controls, shell
from quantviz.ui.caching import cached, frozen, key
from quantviz.ui.i18n import plain, t
from quantviz.ui.state import Control, widget

# --- caches: bounded, shared by every session (the rules of quantviz.ui.cache) ---
# A layer is made once per source (digits layer, synthetic settings, an upload's digest); the
# lab, GPTQ's replay and AWQ's view are each keyed by the layer's key and the controls they
# read. The lab, the slowest (AWQ's clipping search), is kept in a slot so the page can draw a
# progress bar while it runs: nothing Streamlit draws happens inside a cached call.


def _freeze(case: LayerCase) -> LayerCase:
    frozen(case.w), frozen(case.x)
    return case


@cached(3)
def cached_digits_layer(index: int) -> LayerCase:
    return _freeze(lab.digits_layer(index))


@cached(4)
def cached_outlier_layer(count: int, magnitude: float, seed: int) -> LayerCase:
    return _freeze(lab.outlier_layer(count, magnitude, seed))


@cached(4)
def cached_upload(digest: str, filename: str, _data: bytes) -> tuple[LayerCase | None, str | None]:
    """An uploaded ``.npz``/``.safetensors`` with ``W`` and ``X``, or the sentence why not.

    The shapes are read from the file's headers and checked against the page's limits
    (:data:`lab.MAX_INPUTS` ...) before anything is decoded.
    """
    try:
        infos = {i.name: i for i in loaders.describe_tensors(filename, _data)}
        for name in ("W", "X"):
            if name in infos:
                lab.check_shape(name, infos[name].shape)
        tensors = {n: loaders.load_tensor(filename, _data, n) for n in ("W", "X") if n in infos}
        return _freeze(lab.upload_layer(tensors)), None
    except (loaders.TensorLoadError, ValueError) as err:
        return None, str(err)


@cached(16)
def cached_lab_slot(cache_key: str) -> dict:
    """An empty dict per lab key, with a lock; the page stores the lab in it once."""
    return {"lock": threading.Lock()}


@cached(16)
def cached_steps(cache_key: str, _case: LayerCase, _bits: int, _group: int,
                 _act_order: bool) -> lab.GPTQSteps:
    steps = lab.gptq_steps(_case, _bits, _group, _act_order)
    frozen(steps.err), frozen(steps.hinv)
    return steps


@cached(64)
def cached_step(cache_key: str, _steps: lab.GPTQSteps, _k: int) -> lab.Step:
    return lab.step(_steps, _k)


@cached(16)
def cached_awq(cache_key: str, _case: LayerCase, _bits: int, _group: int) -> lab.AWQView:
    return lab.awq_view(_case, _bits, _group)


# --- the page ---

SOURCE = Control("pq_src", "segmented", "digits", "ptq.source",
                 options=("digits", "synthetic", "upload"))
LAYER = Control("pq_layer", "segmented", 0, "ptq.layer", options=(0, 1, 2))
BITS = Control("pq_bits", "select", 3, "ptq.bits", options=lab.BITS, help="ptq.bits.help")
GROUP = Control("pq_group", "select", -1, "ptq.group", options=(-1, 32, 64, 128),
                help="ptq.group.help")
ACT_ORDER = Control("pq_act", "toggle", False, "ptq.act_order", help="ptq.act_order.help")
COUNT = Control("pq_count", "int", 4, "ptq.count", lo=0, hi=16)
STEP_KEY = "pq_step"
LAYER_NAMES = ("fc1", "fc2", "fc3")


def upload_case() -> tuple[str, LayerCase] | None:
    """The uploaded layer (key, case), or None with the reason shown in the sidebar."""
    file = st.sidebar.file_uploader(t("ptq.upload"), type=["npz", "safetensors"],
                                    key="pq_upload", help=t("ptq.upload.help",
                                                            out=lab.MAX_OUTPUTS,
                                                            inp=lab.MAX_INPUTS,
                                                            n=lab.MAX_SAMPLES))
    if file is None:
        st.sidebar.info(t("ptq.upload.none"))
        return None
    data = file.getvalue()
    digest = controls.upload_digest(file, "pq_")
    loaded = st.session_state.setdefault("_pq_loaded", set())
    if digest not in loaded:  # shapes are checked before decoding: at most MAX_BYTES decoded
        try:
            budget.hold(budget.cost(lab.MAX_BYTES))
        except budget.OverBudget:
            st.sidebar.error(t("ptq.upload.busy"))
            return None
    case, error = cached_upload(digest, file.name, data)
    if case is None:
        st.sidebar.error(t("ptq.upload.refused", reason=plain(error)))
        return None
    loaded.add(digest)
    st.sidebar.success(t("ptq.upload.loaded", name=plain(file.name)))
    return digest, case


def layer_source() -> tuple[tuple, LayerCase]:
    """Draw the source controls; return the layer's cache key and the layer."""
    st.sidebar.subheader(t("ptq.sidebar.layer"))
    kind = widget(SOURCE) or SOURCE.default
    if kind == "upload":
        picked = upload_case()
        if picked is not None:
            return ("upload", picked[0]), picked[1]
        st.info(t("ptq.upload.kept"))
        kind = "digits"
    if kind == "synthetic":
        count, seed = widget(COUNT), widget(controls.SEED)
        return ("synthetic", count, seed), cached_outlier_layer(count, 100.0, seed)
    index = widget(LAYER)
    index = LAYER.default if index is None else index
    return ("digits", index), cached_digits_layer(index)


def settings(case: LayerCase) -> tuple[int, int]:
    """Draw bits and group size; a group that does not divide the layer falls back to rows."""
    st.sidebar.subheader(t("ptq.sidebar.grid"))
    bits = widget(BITS)
    group = widget(GROUP)
    group = GROUP.default if group is None else group
    allowed = lab.group_sizes(case.w.shape[1])
    if group not in allowed:
        st.sidebar.caption(t("ptq.group.fallback", group=group, inputs=case.w.shape[1]))
        group = -1
    return bits, group


def group_name(group: int) -> str:
    return t("ptq.group.-1") if group == -1 else str(group)


def method_name(method: str) -> str:
    return t(f"ptq.method.{method}")


def compute_lab(layer_key: tuple, case: LayerCase, bits: int, group: int) -> lab.Lab:
    """The lab, from its slot or computed now with a progress bar."""
    slot = cached_lab_slot(key(layer_key, bits, group))
    with slot["lock"]:
        if "lab" not in slot:
            bar = st.progress(0.0)

            def progress(done: int, total: int, method: str) -> None:
                bar.progress(done / total, text=t("ptq.progress", method=method_name(method))
                             if method else None)

            slot["lab"] = lab.lab(case, bits, group, progress)
            bar.empty()
    return slot["lab"]


def _e(v: float) -> str:
    return f"{v:.3g}"


def _db(v: float) -> str:
    return "∞" if math.isinf(v) else f"{v:.2f}"


def section_four_ways(result: lab.Lab, case: LayerCase, theme: present.Theme) -> None:
    st.subheader(t("ptq.h.four"))
    st.markdown(t("ptq.four.intro"))
    rows = result.results
    shell.table([{t("ptq.col.method"): method_name(r.method),
                   t("ptq.col.weight_mse"): _e(r.weight_mse),
                   t("ptq.col.weight_sqnr"): _db(r.weight_sqnr),
                   t("ptq.col.output_mse"): _e(r.output_mse),
                   t("ptq.col.output_sqnr"): _db(r.output_sqnr),
                   t("ptq.col.changed"): f"{r.changed:,} / {r.n:,}"} for r in rows])
    w_best, y_best = result.least_weight_error, result.least_output_error
    rtn = result.by("rtn")
    key_name = "ptq.four.point" if w_best.method != y_best.method else "ptq.four.same"
    st.markdown(t(key_name, w=method_name(w_best.method), w_mse=_e(w_best.weight_mse),
                  w_y=_e(w_best.output_mse), y=method_name(y_best.method),
                  y_mse=_e(y_best.output_mse), y_w=_e(y_best.weight_mse),
                  times=f"{rtn.output_mse / y_best.output_mse:.1f}"
                  if y_best.output_mse > 0 else "∞"))
    shell.figure_of(present.method_errors, [method_name(r.method) for r in rows],
                    [r.weight_mse for r in rows], [r.output_mse for r in rows], theme=theme,
                    labels={"title": t("ptq.fig.four"), "weight": t("ptq.fig.weight"),
                            "output": t("ptq.fig.output"), "x": t("ptq.col.method"),
                            "y": t("ptq.fig.times_rtn")}, key="pq_fig_four")
    st.caption(t("ptq.four.changed"))


def first_live(steps: lab.GPTQSteps) -> int:
    """The first step whose column is not dead (0 when all are)."""
    live = np.flatnonzero(~steps.dead)
    return int(live[0]) if live.size else 0


def section_steps(layer_key: tuple, case: LayerCase, bits: int, group: int,
                  theme: present.Theme) -> lab.GPTQSteps:
    st.subheader(t("ptq.h.steps"))
    st.markdown(t("ptq.steps.intro"))
    act_order = widget(ACT_ORDER, st)
    steps = cached_steps(key(layer_key, bits, group, act_order), case, bits, group, act_order)
    cols = case.w.shape[1]
    if st.session_state.get(STEP_KEY, cols) >= cols:  # first view, or a narrower layer
        st.session_state[STEP_KEY] = first_live(steps)
    k = st.slider(t("ptq.step"), 0, cols - 1, key=STEP_KEY, help=t("ptq.step.help"))
    s = cached_step(key(layer_key, bits, group, act_order, k), steps, k)
    later = s.spread[k + 1:]
    if steps.dead[k]:
        text = t("ptq.steps.dead", k=k, column=s.column)
    else:
        text = t("ptq.steps.say", k=k, column=s.column, rms=f"{steps.rounding_rms[k]:.3g}",
                 loss=f"{steps.loss[k]:.3g}")
    if k == cols - 1:
        text += " " + t("ptq.steps.last")
    elif later.max() > 0:
        j = k + 1 + int(np.argmax(later))
        text += " " + t("ptq.steps.spread", j=j, target=int(steps.perm[j]),
                        most=f"{later.max():.3g}", n=later.size)
    else:
        text += " " + t("ptq.steps.none")
    st.markdown(text)
    shell.figure_of(present.gptq_step, steps.rounding_rms, s.spread, s.moved, k,
                    columns=steps.perm, theme=theme,
                    labels={"title": t("ptq.fig.steps"), "rounding": t("ptq.fig.rounding"),
                            "spread": t("ptq.fig.spread"), "moved": t("ptq.fig.moved"),
                            "x": t("ptq.fig.step_x"), "y": t("ptq.fig.rms")},
                    key="pq_fig_steps")
    return steps


def section_loss(steps: lab.GPTQSteps, case: LayerCase, energy: float) -> None:
    """The loss GPTQ logs; ``energy`` is ``mean Y^2`` over samples and outputs."""
    st.subheader(t("ptq.h.loss"))
    n = steps.samples
    cols = st.columns(3)
    cols[0].metric(t("ptq.loss.ist"), f"{steps.error:.4g}", help=t("ptq.loss.ist.help"))
    cols[1].metric(t("ptq.loss.auto"), f"{steps.error / n:.4g}", help=t("ptq.loss.auto.help"))
    cols[2].metric(t("ptq.loss.model"), f"{steps.error / n:.4g}",
                   help=t("ptq.loss.model.help"))
    st.markdown(t("ptq.loss.what", error=f"{steps.error:.4g}", out=f"{steps.output_term:.4g}",
                  damp=f"{steps.damp_term:.4g}", n=n,
                  share=f"{100 * steps.damp_term / steps.error:.1f}" if steps.error else "0"))
    st.markdown(t("ptq.loss.tools"))
    per_sample = energy * case.w.shape[0]
    st.markdown(t("ptq.loss.magnitude", energy=f"{per_sample:.4g}",
                  rel=f"{100 * steps.output_term / per_sample:.2f}" if per_sample else "—"))


def section_act_order(layer_key: tuple, case: LayerCase, result: lab.Lab, bits: int,
                      group: int) -> None:
    st.subheader(t("ptq.h.act"))
    plain_y, act_y = result.by("gptq").output_mse, result.by("gptq_act").output_mse
    st.markdown(t("ptq.act.why"))
    st.markdown(t("ptq.act.here", plain=_e(plain_y), act=_e(act_y),
                  ratio=f"{plain_y / act_y:.2f}" if act_y > 0 else "∞"))
    if group == -1:
        st.markdown(t("ptq.act.rows"))
        return
    steps = cached_steps(key(layer_key, bits, group, True), case, bits, group, True)
    st.markdown(t("ptq.act.groups", group=group, scattered=steps.scattered,
                  cols=case.w.shape[1], groups=case.w.shape[1] // group))


def section_awq(layer_key: tuple, case: LayerCase, bits: int, group: int,
                theme: present.Theme) -> None:
    st.subheader(t("ptq.h.awq"))
    st.markdown(t("ptq.awq.intro"))
    view = cached_awq(key(layer_key, bits, group), case, bits, group)
    st.markdown(t("ptq.awq.say", ratio=f"{view.ratio:g}", gain=f"{view.gain:.2f}",
                  salient=", ".join(map(str, view.salient)),
                  s=", ".join(f"{view.scales[i]:.2f}" for i in view.salient)))
    left, right = st.columns(2)
    with left:
        shell.figure_of(present.awq_curve, view.ratios, view.losses, view.ratio, theme=theme,
                        labels={"title": t("ptq.fig.awq"), "x": t("ptq.fig.ratio"),
                                "y": t("ptq.fig.awq_y"), "loss": t("ptq.fig.awq_y"),
                                "chosen": t("ptq.fig.chosen")}, key="pq_fig_awq")
    with right:
        shell.figure_of(present.channel_scales, view.x_mean, view.scales, view.salient,
                        theme=theme, labels={"title": t("ptq.fig.scales"),
                                             "x": t("ptq.fig.channel"), "y": "mean |x|",
                                             "x_mean": "mean |x|", "scale": "s", "y2": "s"},
                        key="pq_fig_scales")


def describe(layer_key: tuple, case: LayerCase) -> None:
    samples, inputs, outputs = case.shape
    kind = layer_key[0]
    name = LAYER_NAMES[layer_key[1]] if kind == "digits" else kind
    st.markdown(t(f"ptq.layer.{kind}", name=name, out=outputs, inp=inputs, n=samples))


def render() -> None:
    """The whole PTQ page."""
    theme = shell.page_start("ptq")
    layer_key, case = layer_source()
    bits, group = settings(case)
    describe(layer_key, case)
    st.caption(t("ptq.setting", bits=bits, group=group_name(group)))
    result = compute_lab(layer_key, case, bits, group)
    section_four_ways(result, case, theme)
    steps = section_steps(layer_key, case, bits, group, theme)
    section_loss(steps, case, result.by("rtn").output_energy)
    section_act_order(layer_key, case, result, bits, group)
    section_awq(layer_key, case, bits, group, theme)
    shell.page_end()
