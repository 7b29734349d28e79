"""The Start page: what quantization is, then the path through the notes' story, one step a view.

Without ``?step=`` the page shows the three-line introduction and the list of steps; with it, one
step: the idea in plain words, a figure with its own control, a question to check yourself, links
that open the exact case the step talks about, and "next". The step lives in the URL only, so
"next" is a link (``st.page_link`` to this page with ``step`` set) and a shared link opens the
same step. The figure and the question of a step are fragments: moving the step's control reruns
that step alone. Step 7 also holds the live figure, in the same fragment, with keys of its own.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from quantviz import present
from quantviz.quantize import MAX_BITS, MIN_BITS, SCHEMES, QuantConfig, compute_qparams
from quantviz.studies import lessons, views
from quantviz.studies import start as path
from quantviz.ui import cache, explore, learn, live_figure, shell
from quantviz.ui.caching import cached
from quantviz.ui.controls import Scheme, Tensor
from quantviz.ui.i18n import has, t
from quantviz.ui.state import Control

PAGE = "pages/start.py"
#: The practitioner pages, in the order of the last step's list.
PRACTICE = ("learn", "explore", "compare", "bits", "calibration", "per_channel", "toolchains",
            "formats", "layer", "model", "outliers", "checkpoint")
#: The answers of each step's question (text keys ``start.<step>.a.<answer>``) and the right one.
QUESTIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "roundtrip": ((str(path.ROUNDTRIP[2]), str(2 ** path.ROUNDTRIP[2]), "256", "any"),
                  str(2 ** path.ROUNDTRIP[2])),
    "scale": (("0", "64", "128", "255"), "64"),
    "schemes": (("asym", "sym", "both"), "both"),
    "zero": (("yes", "no"), "no"),
    "relu": (("none", "one", "quarter", "half"), "half"),
    "errors": (("both_down", "trade", "reverse", "same"), "trade"),
    "bits": (("6", "12", "24", "48"), "24"),
    "calibration": (("all", "few", "clipped"), "few"),
    "per_channel": (("wide", "narrow", "equal"), "narrow"),
}


def _num(v: float, digits: int = 4) -> str:
    return f"{v:.{digits}g}"


@cached(16)
def cached_errors(sigmas: float) -> views.ExploreView:
    """The errors step's view: the normal sample, symmetric signed ``path.ERRORS_BITS`` bits,
    range +-sigmas std."""
    x = _tensor("normal")
    lo, hi = path.clipped_range(x, sigmas)
    return views.explore_for_range(x, lo, hi,
                                   QuantConfig(path.ERRORS_BITS, "symmetric", signed=True))


@cached(8)
def cached_bits(dist: str) -> tuple[path.BitsCurve, path.BitsCurve]:
    """The bits step's two curves (symmetric signed, asymmetric unsigned) on ``dist``."""
    x = _tensor(dist)
    return path.bits_curve(x, "symmetric", True), path.bits_curve(x, "asymmetric", False)


@cached(32)
def cached_calibration(percentile: float) -> path.CalibrationCase:
    return path.calibration_case(_tensor("outliers"), percentile)


@cached(32)
def cached_channels(spread: float) -> path.ChannelCase:
    return path.channel_case(spread)


def _tensor(dist: str):
    return cache.distribution_tensor(dist, path.N_VALUES, path.SEED, ())


def current_step() -> str | None:
    """The step the URL names (``?step=``), or None for the overview (unknown names too)."""
    raw = st.query_params.get("step")
    return raw if raw in path.STEPS else None


def step_name(step: str) -> str:
    return f"{path.STEPS.index(step) + 1}. {t(f'start.step.{step}')}"


def step_link(step: str, label: str, icon: str | None = None) -> None:
    """A link to this page showing ``step``."""
    st.page_link(PAGE, label=label, icon=icon, query_params={"step": step})


def overview() -> None:
    """The list of steps, each a link."""
    st.header(t("start.path"))
    st.markdown(t("start.path_help"))
    for step in path.STEPS:
        step_link(step, step_name(step))
    step_link(path.STEPS[0], t("start.begin"), icon="▶️")


# ---------------------------------------------------------------------------------------------
# the steps' figures (each with its own control)


def _mapping(pic: lessons.MappingPicture, title: str, theme: present.Theme, key: str) -> None:
    labels = {"data": t("learn.fig.data"), "reached": t("learn.fig.reached"),
              "wasted": t("learn.fig.wasted"), "join": t("learn.fig.join"), "title": title}
    shell.figure_of(present.range_mapping, pic, theme=theme, labels=labels, key=key)


def figure_roundtrip(theme: present.Theme) -> None:
    lo, hi, start_bits = path.ROUNDTRIP
    bits = st.slider(t("start.roundtrip.bits"), 2, 8, start_bits, key="start_rt_bits")
    qp = compute_qparams(lo, hi, QuantConfig(bits, "asymmetric", signed=False))
    sc = views.staircase(lo - 0.3, hi + 0.3, qp, points=400)
    shell.figure_of(present.mapping_staircase, sc.x, sc.q, sc.x_hat, x_lo=float(qp.x_lo),
                    x_hi=float(qp.x_hi), qmin=qp.qmin, qmax=qp.qmax, theme=theme,
                    labels={"title": t("start.roundtrip.fig", lo=_num(lo), hi=_num(hi),
                                       bits=bits),
                            "q": t("start.roundtrip.q"), "x_hat": t("start.roundtrip.x_hat"),
                            "identity": t("start.roundtrip.identity")}, key="start_fig_rt")
    st.markdown(t("start.roundtrip.read", bits=bits, levels=qp.qmax - qp.qmin + 1,
                  step=_num(float(qp.scale))))


def figure_scale(theme: present.Theme) -> None:
    lo = st.slider(t("start.scale.x_min"), -3.0, -0.25, -1.0, step=0.25, key="start_sc_min")
    hi = 3.0
    cfg = QuantConfig(8, "asymmetric", signed=False)
    pic = lessons.mapping_picture(lo, hi, cfg)
    _mapping(pic, t("start.scale.fig", lo=_num(lo), hi=_num(hi)), theme, "start_fig_scale")
    st.markdown(t("start.scale.read", lo=_num(lo), hi=_num(hi), scale=_num(pic.scale),
                  ratio=_num(-lo / pic.scale), Z=pic.zero_point))


def _scheme_config(scheme: str) -> QuantConfig:
    return QuantConfig(8, scheme, signed=scheme == "symmetric")


def _scheme_pick(key: str) -> str:
    picked = st.segmented_control(t("start.schemes.pick"), ("asymmetric", "symmetric"),
                                  format_func=lambda s: t(f"start.schemes.pick.{s}"),
                                  default="symmetric", key=key)
    return picked or "symmetric"


def figure_schemes(theme: present.Theme) -> None:
    scheme = _scheme_pick("start_sch_pick")
    pic = lessons.mapping_picture(-1.0, 3.0, _scheme_config(scheme))
    _mapping(pic, t("start.schemes.fig", name=t(f"start.schemes.pick.{scheme}")), theme,
             "start_fig_schemes")
    st.markdown(t("start.schemes.read", lo=pic.code_lo, hi=pic.code_hi, used=pic.used,
                  levels=pic.levels, wasted=pic.wasted))


def figure_zero(theme: present.Theme) -> None:
    case = path.PADDING
    offset = st.slider(t("start.zero.offset"), -1.0, 1.0, case.offset, step=0.05,
                       key="start_zero_off")
    r = lessons.padded_convolution(lessons.padding_signal(offset),
                                   np.array(lessons.KERNELS[case.kernel]), case.bits)
    learn.padding_figure(r, theme, "start_fig_zero")
    bias = max(abs(float(b)) for b in r.bias_exact)
    st.markdown(t("start.zero.read", bits=case.bits, pad_int=_num(r.pad_integer),
                  pad_exact=_num(r.pad_exact), z_exact=_num(r.z_exact), bias=_num(bias)))


def figure_relu(theme: present.Theme) -> None:
    scheme = _scheme_pick("start_relu_pick")
    pic = lessons.mapping_picture(0.0, 6.0, _scheme_config(scheme))
    _mapping(pic, t("start.relu.fig", name=t(f"start.schemes.pick.{scheme}")), theme,
             "start_fig_relu")
    st.markdown(t("start.relu.read", lo=pic.code_lo, hi=pic.code_hi, used=pic.used,
                  levels=pic.levels, wasted=pic.wasted, eff=f"{pic.effective_bits:.2f}"))


def figure_errors(theme: present.Theme) -> None:
    sigmas = st.slider(t("start.errors.sigmas"), 1.0, 5.0, path.ERRORS_SIGMAS, step=0.25,
                       key="start_err_sig")
    view = cached_errors(sigmas)
    e, s = view.errors, view.summary
    shell.figure_of(present.error_histogram, e.rounding, e.clipped, scale=float(view.qp.scale),
                    uniform_count=e.uniform_count, theme=theme,
                    labels={"title": t("start.errors.fig", sigmas=f"{sigmas:g}",
                                       bits=path.ERRORS_BITS),
                            "rounding": t("fig.rounding"), "clipping": t("fig.clipping"),
                            "uniform": t("fig.uniform"), "y": t("fig.count")},
                    key="start_fig_errors")
    st.markdown(t("start.errors.read", half=_num(float(view.qp.scale) / 2),
                  clipped=f"{100 * s.fraction_clipped:.2f}", worst=_num(s.max_abs_error),
                  rounding=_num(s.split.rounding_mse, 3), clipping=_num(s.split.clipping_mse, 3)))


def figure_bits(theme: present.Theme) -> None:
    dist = st.segmented_control(t("start.bits.dist"), ("normal", "uniform", "relu"),
                                format_func=lambda d: t(f"dist.{d}"), default="normal",
                                key="start_bits_dist") or "normal"
    sym, asym = cached_bits(dist)
    shell.figure_of(present.sweep_lines, sym.bits,
                    {t("start.bits.sym"): sym.sqnr_db, t("start.bits.asym"): asym.sqnr_db},
                    reference=path.reference_line(sym), theme=theme,
                    labels={"title": t("start.bits.fig"), "x": t("start.bits.x"),
                            "reference": t("start.bits.reference")}, key="start_fig_bits")
    st.markdown(t("start.bits.read", gain=f"{sym.gain(4, 8):.1f}"))
    live_bits(dist)


#: The bits step's live figure: its own bits and scheme (the sidebar's are Explore's), signed
#: codes with symmetric and unsigned with asymmetric as in steps 3 and 5; the range is the
#: data's min/max, as in the step's sentences.
LIVE = live_figure.Binding(
    "start_live",
    (("bits", Control("start_live_bits", "int", 8, "bits.label", lo=MIN_BITS, hi=MAX_BITS)),
     ("scheme", Control("start_live_scheme", "segmented", "symmetric", "scheme.label",
                        options=SCHEMES)),
     ("signed", Control("start_live_signed", "toggle", True, "signed.label")),
     ("calib", Control("start_live_calib", "select", "minmax", "calib.label",
                       options=("minmax",)))),
    ("bits", "scheme"), ("minmax",), "start.live", False, signed_follows_scheme=True)


def live_scheme() -> Scheme:
    """The scheme the bits step's live figure holds (min/max calibration)."""
    now = live_figure.controls_of(LIVE)
    cfg = QuantConfig(now["bits"], now["scheme"] or "symmetric", signed=now["signed"])
    return Scheme(cfg, "minmax", ())


def live_bits(dist: str) -> None:
    """The live figure on the step's tensor; a move of it reruns the step's fragment, which
    computes its exact numbers (no other part of the page depends on them)."""
    tensor = Tensor(("dist", dist, path.N_VALUES, path.SEED, ()), _tensor(dist),
                    t("tensor.dist_label", name=t(f"dist.{dist}"), n=f"{path.N_VALUES:,}"))
    live_figure.take_move(LIVE)
    live_figure.render(tensor, explore.compute(tensor, live_scheme()), binding=LIVE)


def figure_calibration(theme: present.Theme) -> None:
    pct = st.slider(t("start.calibration.pct"), 99.0, 100.0, path.CALIBRATION_PERCENTILE,
                    step=0.01, key="start_cal_pct")
    case = cached_calibration(pct)
    mm, pc = case.minmax, case.percentile
    x = _tensor("outliers")
    qp = compute_qparams(pc.x_min, pc.x_max, QuantConfig(8, "asymmetric", signed=False))
    hist = cache.explore_view(("dist", "outliers", path.N_VALUES, path.SEED, ()), qp.config,
                              pc.x_min, pc.x_max, x).values
    shell.figure_of(present.value_histogram, hist, grid=views.grid_values(qp),
                    x_lo=float(qp.x_lo), x_hi=float(qp.x_hi),
                    ranges={t("start.calibration.minmax"): (mm.x_min, mm.x_max),
                            t("start.calibration.percentile"): (pc.x_min, pc.x_max)},
                    theme=theme,
                    labels={"title": t("start.calibration.fig"),
                            "counts": t("start.calibration.counts"),
                            "grid": t("start.calibration.grid"), "thinned": t("fig.thinned"),
                            "y": t("start.calibration.count")}, key="start_fig_cal")
    st.markdown(t("start.calibration.read", mm_lo=_num(mm.x_min), mm_hi=_num(mm.x_max),
                  mm_s=_num(mm.scale), mm_used=mm.codes_used, mm_db=f"{mm.sqnr_db:.1f}",
                  pc_lo=_num(pc.x_min), pc_hi=_num(pc.x_max), pc_s=_num(pc.scale),
                  pc_used=pc.codes_used, pc_clip=f"{100 * pc.fraction_clipped:.2f}",
                  pc_db=f"{pc.sqnr_db:.1f}"))


def figure_per_channel(theme: present.Theme) -> None:
    spread = st.select_slider(t("start.per_channel.spread"), (1, 2, 5, 10, 20, 50, 100),
                              value=path.CHANNEL_SPREAD, key="start_pc_spread")
    case = cached_channels(float(spread))
    w = case.weight
    rows = list(range(w.shape[0]))
    shell.figure_of(present.channel_ranges, rows, w.min(axis=1), w.max(axis=1),
                    tensor_range=(float(w.min()), float(w.max())), theme=theme,
                    labels={"title": t("start.per_channel.fig"), "x": t("start.per_channel.x"),
                            "x_min": t("start.per_channel.x_min"),
                            "x_max": t("start.per_channel.x_max"),
                            "tensor": t("start.per_channel.tensor"), "y": "x"},
                    key="start_fig_pc")
    st.markdown(t("start.per_channel.read", tensor=f"{case.tensor_db:.1f}",
                  channel=f"{case.channel_db:.1f}", narrow_t=f"{case.narrow_tensor_db:.1f}",
                  narrow_c=f"{case.narrow_channel_db:.1f}"))


FIGURES = {"roundtrip": figure_roundtrip, "scale": figure_scale, "schemes": figure_schemes,
           "zero": figure_zero, "relu": figure_relu, "errors": figure_errors,
           "bits": figure_bits, "calibration": figure_calibration,
           "per_channel": figure_per_channel}


# ---------------------------------------------------------------------------------------------
# the questions: the explanation of each answer, with the numbers from the core


def why(step: str) -> str:
    """The sentence that explains the right answer of ``step``'s question (live numbers)."""
    key = f"start.{step}.why"
    if step == "roundtrip":
        return t(key, bits=path.ROUNDTRIP[2], levels=2 ** path.ROUNDTRIP[2])
    if step == "scale":
        lo, hi, bits = path.QUESTION_RANGE
        qp = compute_qparams(lo, hi, QuantConfig(bits, "asymmetric", signed=False))
        return t(key, **question_fields(step), scale=_num(float(qp.scale)),
                 ratio=_num(-lo / float(qp.scale)), Z=int(qp.zero_point))
    if step == "schemes":
        pic = lessons.mapping_picture(-0.5, 0.5, _scheme_config("symmetric"))
        return t(key, used=pic.used, levels=pic.levels)
    if step == "zero":
        trip = lessons.zero_trip("unrounded", *path.QUESTION_RANGE)
        z_exact = lessons.unrounded_zero_point(*path.QUESTION_RANGE)
        return t(key, **question_fields(step), code=trip.code, x_hat=_num(trip.x_hat),
                 frac=_num(abs(trip.code - z_exact)))
    if step == "relu":
        pic = lessons.mapping_picture(0.0, 6.0, _scheme_config("symmetric"))
        return t(key, wasted=pic.wasted, levels=pic.levels, lo=pic.qmin, hi=pic.code_lo - 1,
                 eff=f"{pic.effective_bits:.2f}")
    if step == "errors":
        wide, narrow = cached_errors(4.0).summary.split, cached_errors(2.0).summary.split
        return t(key, bits=path.ERRORS_BITS, r4=_num(wide.rounding_mse, 3),
                 r2=_num(narrow.rounding_mse, 3),
                 c4=_num(wide.clipping_mse, 3), c2=_num(narrow.clipping_mse, 3))
    if step == "bits":
        return t(key, gain=f"{cached_bits('normal')[0].gain(4, 8):.1f}")
    if step == "calibration":
        mm = cached_calibration(path.CALIBRATION_PERCENTILE).minmax
        return t(key, lo=_num(mm.x_min), hi=_num(mm.x_max), used=mm.codes_used,
                 eff=f"{mm.effective_bits:.2f}")
    if step == "per_channel":
        case = cached_channels(float(path.CHANNEL_SPREAD))
        return t(key, narrow_t=f"{case.narrow_tensor_db:.1f}",
                 narrow_c=f"{case.narrow_channel_db:.1f}")
    raise ValueError(f"step={step!r} has no question")


def question_fields(step: str) -> dict[str, str]:
    """The numbers the idea and the question of ``step`` name, computed from the questions' case
    :data:`quantviz.studies.start.QUESTION_RANGE` (empty for a step whose texts name none)."""
    if step == "roundtrip":
        return {"bits": str(path.ROUNDTRIP[2])}
    if step == "calibration":
        return {"tail": _num(100 - path.CALIBRATION_PERCENTILE, 3)}
    if step not in ("scale", "zero"):
        return {}
    lo, hi, bits = path.QUESTION_RANGE
    fields = {"lo": _num(lo), "hi": _num(hi), "bits": str(bits), "top": str(2**bits - 1)}
    if step == "zero":
        fields["z_exact"] = _num(lessons.unrounded_zero_point(lo, hi, bits))
    return fields


def question(step: str) -> None:
    """The step's question as a radio without a preselected answer, and feedback once picked."""
    answers, right = QUESTIONS[step]
    st.subheader(t("start.check"))
    st.markdown(t(f"start.{step}.q_text", **question_fields(step)))
    picked = st.radio(t("start.answer"), answers, index=None, key=f"start_q_{step}",
                      format_func=lambda a: t(f"start.{step}.a.{a}") if has(f"start.{step}.a.{a}")
                      else a)
    if picked is None:
        return
    if picked == right:
        st.success(t("start.right", why=why(step)))
    else:
        st.info(t("start.wrong", why=why(step)))


def case_links(step: str) -> None:
    """Links that open the exact case the step talks about (the target page's URL state,
    :data:`quantviz.studies.start.CASES`); a label names the case with the link's own values."""
    extra = {"sigmas": f"{path.ERRORS_SIGMAS:g}"} if step == "errors" else {}
    for i, (page, query) in enumerate(path.CASES[step]):
        st.page_link(f"pages/{page}.py", icon="🔗", query_params=query,
                     label=t(f"start.{step}.link.{i}", **link_fields(query), **extra))


def link_fields(query: dict[str, str]) -> dict[str, str]:
    """A link's URL values as text fields (``c1.bits`` -> ``c1_bits``), plus ``tail``: the
    share of values a percentile leaves out at each end (``pct=97.72`` -> ``2.28``)."""
    fields = {k.replace(".", "_"): v for k, v in query.items()}
    if "pct" in query:
        fields["tail"] = f"{100 - float(query['pct']):.2f}"
    return fields


def practice() -> None:
    st.markdown(t("start.practice.idea"))
    for page in PRACTICE:
        st.page_link(f"pages/{page}.py", label=t(f"start.practice.{page}"), icon="➡️")


@st.fragment
def try_it(step: str, theme: present.Theme) -> None:
    """The step's figure and its control: moving the control reruns this step only."""
    FIGURES[step](theme)


@st.fragment
def check(step: str) -> None:
    question(step)


def show_step(step: str, theme: present.Theme) -> None:
    i = path.STEPS.index(step)
    st.caption(t("start.step_of", i=i + 1, n=len(path.STEPS)))
    st.page_link(PAGE, label=t("start.overview"), icon="🧭")
    st.header(step_name(step), anchor=f"step-{step}")
    if step == "practice":
        practice()
    else:
        st.markdown(t(f"start.{step}.idea", **question_fields(step)))
        st.subheader(t("start.try"))
        try_it(step, theme)
        check(step)
        if path.CASES[step]:
            st.subheader(t("start.open"))
            case_links(step)
    navigation(step)


def navigation(step: str) -> None:
    """"Back" and "Next" links; after the last step a closing line."""
    before, after = path.previous_step(step), path.next_step(step)
    if after is not None:
        step_link(after, t("start.next", name=step_name(after)), icon="➡️")
    else:
        st.markdown(t("start.done"))
    if before is not None:
        step_link(before, t("start.previous", name=step_name(before)), icon="⬅️")


def render() -> None:
    """The whole Start page."""
    theme = shell.page_start("start")
    step = current_step()
    if step is None:
        overview()
    else:
        show_step(step, theme)
    shell.page_end()

