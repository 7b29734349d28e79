"""The QAT page: training with quantization in the loop, the gradient made visible.

Sections, in page order: one weight through one fake quantizer (the loss staircase, the true
gradient, the STE's and LSQ's); training the digits network live (a progress bar, stop and
resume) against post-training quantization, its learned scales and its oscillations; where
this sits in PyTorch, torchao and ModelOpt. Every number comes from
:mod:`quantviz.studies.qat` through the caches below.
"""

from __future__ import annotations

import streamlit as st

from quantviz import present
from quantviz.present import formulas
from quantviz.studies import qat as qat_study
from quantviz.studies.model import POINTS, load_study
from quantviz.ui import shell
from quantviz.ui.caching import cached, frozen, key
from quantviz.ui.i18n import t
from quantviz.ui.state import Control, widget

# --- caches: bounded, shared by every session ---
# The digits network and data are read once; the PTQ baselines per bit width; the one-weight
# picture per (bits, scale, weight); each finished run's result in a box keyed by (bits,
# method, epochs, seed), filled by whichever session trains it first (a result is immutable
# and the same for every session: runs are seeded). A live run is the session's own.

#: The page's training methods: STE, LSQ, LSQ with Nagel et al.'s freezing.
METHODS = ("ste", "lsq", "lsq_freeze")
#: A run of at most this many epochs is computed on sight (0.1 to 0.4 s an epoch); a longer
#: one waits for the Train button and its progress bar.
AUTO_EPOCHS = 3
#: Session state: the session's live run (a :class:`qat_study.Training`).
LIVE = "qat.live"
#: Session state: the button pressed for this run ("start", "stop" or "resume").
COMMAND = "qat.command"


@cached(1)
def cached_digits():
    net, data = load_study()
    for a in (*net.weights, *net.biases, data.calib_x, data.test_x, data.test_labels):
        frozen(a)
    return net, data


@cached(8)
def cached_ptq(bits: int) -> qat_study.PTQBaseline:
    return qat_study.ptq_baseline(*cached_digits(), bits)


@cached(64)
def cached_one_weight(bits: int, scale: float, w: float) -> qat_study.OneWeight:
    return qat_study.one_weight(bits, scale, w)


@cached(64)
def _box(cache_key: str) -> dict:
    """A holder for the result of one (bits, method, epochs, seed): empty until trained."""
    return {}


def config(bits: int, method: str, epochs: int, seed: int) -> qat_study.QATConfig:
    return qat_study.QATConfig(bits, "ste" if method == "ste" else "lsq", epochs, seed=seed,
                               freeze=method == "lsq_freeze")


def method_of(cfg: qat_study.QATConfig) -> str:
    return "lsq_freeze" if cfg.freeze else cfg.method


def cached_result(bits: int, method: str, epochs: int, seed: int,
                  compute: bool) -> qat_study.QATResult | None:
    """The stored run, or (``compute``) a new one stored; None when neither."""
    box = _box(key(bits, method, epochs, seed))
    if "result" not in box and compute:
        box["result"] = qat_study.fine_tune(*cached_digits(), config(bits, method, epochs, seed))
    return box.get("result")


def store(run: qat_study.Training) -> qat_study.QATResult:
    """Put the live run's result so far into the cache (it equals an uninterrupted run)."""
    res = qat_study.result(run)
    c = res.config
    _box(key(c.bits, method_of(c), c.epochs, c.seed))["result"] = res
    return res


# --- controls ---

FBITS = Control("fq.bits", "int", 3, "qat.one.bits", lo=2, hi=8, help="qat.one.bits.help")
FSCALE = Control("fq.scale", "float", 0.2, "qat.one.scale", lo=0.05, hi=0.5, step=0.01,
                 help="qat.one.scale.help")
FW = Control("fq.w", "float", 0.47, "qat.one.w", lo=-qat_study.LANDSCAPE_SPAN,
             hi=qat_study.LANDSCAPE_SPAN, step=0.01, help="qat.one.w.help")
BITS = Control("qat.bits", "int", 2, "qat.train.bits", lo=2, hi=4, help="qat.train.bits.help")
METHOD = Control("qat.method", "segmented", "ste", "qat.train.method", options=METHODS,
                 help="qat.train.method.help")
EPOCHS = Control("qat.epochs", "int", 3, "qat.train.epochs", lo=1, hi=20,
                 help="qat.train.epochs.help", help_values=(("auto", AUTO_EPOCHS),))
SEED = Control("qat.seed", "int", 0, "qat.train.seed", lo=0, hi=9, help="qat.train.seed.help")


def _num(v: float) -> str:
    return f"{v:.4g}"


def one_weight(theme: present.Theme) -> None:
    st.header(t("qat.one.heading"))
    cols = st.columns(3)
    bits, scale, w = widget(FBITS, cols[0]), widget(FSCALE, cols[1]), widget(FW, cols[2])
    one = cached_one_weight(bits, scale, w)
    lo, hi = one.clip_range
    st.markdown(t("qat.one.intro", target=one.target, qmin=one.qmin, qmax=one.qmax,
                  lo=_num(lo), hi=_num(hi)))
    at = one.at
    row = shell.row()
    row.metric("x_hat", _num(at.x_hat[0]), width="stretch")
    row.metric(t("qat.one.m.loss"), _num(at.loss[0]), width="stretch")
    row.metric(t("qat.one.m.true"), "0", width="stretch")
    row.metric(t("qat.one.m.ste"), _num(at.ste_grad[0]), width="stretch")
    row.metric(t("qat.one.m.lsq"), _num(at.lsq_scale_grad[0]), width="stretch")
    c = one.curve
    left, right = st.columns(2)
    with left:
        shell.figure_of(present.qat_landscape, c.w, c.loss, c.mask, w0=w, loss0=float(at.loss[0]),
                        labels={"title": t("qat.fig.landscape"), "loss": t("qat.fig.loss"),
                                "clip": t("qat.fig.clip"), "w0": t("qat.fig.w0")},
                        theme=theme, key="qat_landscape")
    with right:
        shell.figure_of(present.qat_gradients, c.w, c.ste_grad, c.lsq_scale_grad, c.mask,
                        c.jumps, w0=w,
                        labels={"title": t("qat.fig.gradients"), "true": t("qat.fig.true"),
                                "spike": t("qat.fig.spike"), "ste": t("qat.fig.ste"),
                                "lsq": t("qat.fig.lsq"), "clip": t("qat.fig.clip"),
                                "y": t("qat.fig.gradient")},
                        theme=theme, key="qat_gradients")
    st.caption(t("qat.one.alt", steps=c.jumps.size, lo=_num(lo), hi=_num(hi), w=_num(w),
                 x_hat=_num(at.x_hat[0]), ste=_num(at.ste_grad[0]),
                 lsq=_num(at.lsq_scale_grad[0])))
    if not at.mask[0]:
        st.info(t("qat.one.clipped", w=_num(w), lsq=_num(at.lsq_scale_grad[0])))
    st.markdown(t("qat.one.round"))
    st.latex(formulas.FAKE_QUANTIZE)
    st.latex(formulas.ROUND_DERIVATIVE)
    st.markdown(t("qat.one.ste"))
    st.latex(formulas.STE_GRADIENT)
    st.markdown(t("qat.one.lsq"))
    st.latex(formulas.LSQ_SCALE_GRADIENT)
    st.latex(formulas.LSQ_GRAD_SCALE)


def _matches(run, bits: int, method: str, seed: int) -> bool:
    c = run.config
    return (c.bits, method_of(c), c.seed) == (bits, method, seed)


def _progress(bar, done: int, epochs: int):
    """``bar`` (or a new progress bar, ``bar=None``) at ``done`` of ``epochs`` epochs."""
    text = t("qat.train.progress", done=done, epochs=epochs)
    value = min(done / epochs, 1.0)
    return st.progress(value, text=text) if bar is None else bar.progress(value, text=text)


def _train(run, epochs: int, bar) -> None:
    """Epochs until ``epochs`` are done, the bar and the cache updated after each. A click
    (Stop, or any control) reruns the page and ends this loop at the bar's next update; the
    epochs done so far stay in the session's run. Done, the page reruns once so that the
    buttons drawn before the loop say what is possible now (Resume off)."""
    data = cached_digits()[1]
    while run.epochs_done < epochs:
        qat_study.train_epoch(run, data)
        store(run)
        _progress(bar, run.epochs_done, epochs)
    st.rerun()


def _command(name: str) -> None:
    """A button's callback: the command this run carries out (a callback, not the button's
    return value, so a click is seen whatever rerun it lands in)."""
    st.session_state[COMMAND] = name


def training(theme: present.Theme) -> None:
    st.header(t("qat.train.heading"))
    st.markdown(t("qat.train.intro", batch=qat_study.BATCH))
    cols = st.columns(4)
    bits, method = widget(BITS, cols[0]), widget(METHOD, cols[1]) or METHOD.default
    epochs, seed = widget(EPOCHS, cols[2]), widget(SEED, cols[3])
    live = st.session_state.get(LIVE)
    mine = live if live is not None and _matches(live, bits, method, seed) else None
    row = shell.row()
    for name, disabled in (("start", False), ("stop", False),
                           ("resume", mine is None or mine.epochs_done >= epochs)):
        row.button(t(f"qat.train.{name}", epochs=epochs), key=f"qat.{name}", width="stretch",
                   type="primary" if name == "start" else "secondary", disabled=disabled,
                   on_click=_command, args=(name,))
    command = st.session_state.pop(COMMAND, None)
    bar = _progress(None, mine.epochs_done if mine else 0, epochs)
    if command == "start":
        mine = qat_study.start(*cached_digits(), config(bits, method, epochs, seed))
        st.session_state[LIVE] = mine
        _train(mine, epochs, bar)
    elif command == "resume" and mine is not None:
        _train(mine, epochs, bar)
    if mine is not None and mine.epochs_done <= epochs:
        res = qat_study.result(mine)
        if mine.epochs_done < epochs:
            st.caption(t("qat.train.stopped" if command == "stop" else "qat.train.partial",
                         done=mine.epochs_done, epochs=epochs))
    else:
        res = cached_result(bits, method, epochs, seed, compute=epochs <= AUTO_EPOCHS)
    if res is None:
        st.info(t("qat.train.press", epochs=epochs, auto=AUTO_EPOCHS))
        return
    results(res, theme)


def _pct(v: float) -> str:
    return f"{100 * v:.1f} %"


def method_name(m: str) -> str:
    return t(f"qat.train.method.{m}")


def results(res: qat_study.QATResult, theme: present.Theme) -> None:
    c = res.config
    net, data = cached_digits()
    ptq = cached_ptq(c.bits)
    float_acc = data.float_test_correct / data.test_labels.size
    method = method_of(c)
    row = shell.row()
    row.metric(t("qat.m.ptq", bits=c.bits), _pct(ptq.per_tensor), width="stretch")
    row.metric(t("qat.m.ptq_channel", bits=c.bits), _pct(ptq.per_channel), width="stretch")
    row.metric(t("qat.m.qat", method=method_name(method), epochs=c.epochs),
               _pct(res.accuracy[-1]), width="stretch")
    row.metric(t("qat.m.float"), _pct(float_acc), width="stretch")
    curves = {}
    for m in METHODS:
        other = res if m == method else cached_result(c.bits, m, c.epochs, c.seed, False)
        if other is not None:
            curves[method_name(m)] = [100 * a for a in other.accuracy]
    refs = {t("qat.fig.ptq"): 100 * ptq.per_tensor,
            t("qat.fig.ptq_channel"): 100 * ptq.per_channel, t("qat.fig.float"): 100 * float_acc}
    st.subheader(t("qat.acc.heading", bits=c.bits, seed=c.seed))
    shell.figure_of(present.qat_accuracy, curves, references=refs,
                    labels={"title": t("qat.fig.accuracy"), "x": t("qat.fig.epoch"),
                            "y": t("qat.fig.accuracy_y")}, theme=theme, key="qat_accuracy")
    st.caption(t("qat.acc.alt", method=method_name(method), epochs=c.epochs,
                 start=_pct(res.accuracy[0]), end=_pct(res.accuracy[-1]),
                 best=_pct(max(res.accuracy)), ptq_c=_pct(ptq.per_channel)))
    missing = [method_name(m) for m in METHODS if method_name(m) not in curves]
    if missing:
        st.caption(t("qat.acc.missing", methods=", ".join(missing)))
    scales(res, net.names, theme)
    oscillations(res, theme)


def scales(res: qat_study.QATResult, names: tuple, theme: present.Theme) -> None:
    st.subheader(t("qat.scales.heading"))
    labels = [t("qat.scales.weight", name=n) for n in names] + [
        t(f"qat.point.{POINTS[p]}") for p in qat_study.ACT_POINTS]
    minmax = (*res.minmax_weight_scales, *res.minmax_act_scales)
    learned = (*res.weight_scales, *res.act_scales)
    shell.figure_of(present.qat_scales, labels, minmax, learned,
                    labels={"title": t("qat.fig.scales"), "x": t("qat.fig.quantizer"),
                            "minmax": "MinMax", "learned": t("qat.fig.learned")},
                    theme=theme, key="qat_scales")
    if res.config.method == "ste":
        st.caption(t("qat.scales.ste"))
    else:
        st.caption(t("qat.scales.alt", pairs="; ".join(
            f"{n} {_num(a)} → {_num(b)}" for n, a, b in zip(labels, minmax, learned,
                                                             strict=True))))


def oscillations(res: qat_study.QATResult, theme: present.Theme) -> None:
    st.subheader(t("qat.osc.heading"))
    st.markdown(t("qat.osc.intro"))
    if not res.oscillations:
        return
    shell.figure_of(present.qat_oscillations,
                    {t("qat.fig.events"): res.oscillations,
                     t("qat.fig.oscillating"): res.oscillating},
                    labels={"title": t("qat.fig.oscillations"), "x": t("qat.fig.epoch"),
                            "y": t("qat.fig.count")}, theme=theme, key="qat_oscillations")
    c = res.config
    st.caption(t("qat.osc.alt", events=sum(res.oscillations), epochs=c.epochs,
                 last=res.oscillations[-1], weights=res.oscillating[-1],
                 total=sum(w.size for w in cached_digits()[0].weights)))
    if c.freeze:
        st.markdown(t("qat.osc.frozen", frozen=res.frozen, m=c.freeze_momentum,
                      th=c.freeze_threshold))
    st.markdown(t("qat.osc.damp"))
    st.latex(formulas.FREEZE_FREQUENCY)


def toolchains() -> None:
    st.header(t("qat.where.heading"))
    st.markdown(t("qat.where.pytorch"))
    st.markdown(t("qat.where.torchao"))
    st.markdown(t("qat.where.modelopt"))


def render() -> None:
    """The whole QAT page."""
    theme = shell.page_start("qat")
    one_weight(theme)
    training(theme)
    toolchains()
    shell.page_end()
