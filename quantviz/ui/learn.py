"""The Learn page: the source notes in order, in our words, with every number computed live.

Sections follow the notes: the two schemes and their pictures, the derivation of scale and
zero point, dequantization, why 0.0 must map exactly (a padded convolution), the zero-point
conventions, then what the notes leave out, the practical advice and the sources. One
convention is taught throughout, PyTorch's (``q = round(x / s) + Z``); the notes' ``zp``
(subtracted) and the other toolchains' forms wait in section 5's "Other conventions" expander.
Three "predict, then reveal" questions ask before they tell; their answers come from the core.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import streamlit as st

from quantviz import present
from quantviz.present import formulas
from quantviz.quantize import EPS, FLOAT32_MAX, QuantConfig, compute_qparams, zero_point_forms
from quantviz.studies import lessons
from quantviz.ui import controls, shell
from quantviz.ui.i18n import formula_words, t
from quantviz.ui.state import Control, widget

PAGES = Path(__file__).resolve().parents[2] / "pages"

EX_MIN = Control("ex_min", "number", -1.0, "learn.ex_min", lo=-FLOAT32_MAX, hi=FLOAT32_MAX,
                   fmt="%.6g", step=0.1)
EX_MAX = Control("ex_max", "number", 3.0, "learn.ex_max", lo=-FLOAT32_MAX, hi=FLOAT32_MAX,
                   fmt="%.6g", step=0.1)
EX_X = Control("ex_x", "number", 0.5, "learn.ex_x", lo=-FLOAT32_MAX, hi=FLOAT32_MAX,
                   fmt="%.6g", step=0.1)
PAD_KERNEL = Control("pad_kernel", "select", "box3", "learn.pad_kernel",
                     options=tuple(lessons.KERNELS), option_prefix="learn.kernel")
PAD_OFFSET = Control("pad_offset", "float", 0.4, "learn.pad_offset", lo=-1.0, hi=1.0, step=0.05)
PAD_BITS = Control("pad_bits", "int", 4, "learn.pad_bits", lo=2, hi=8)
GAP_MIN = Control("gap_min", "number", 1.0, "learn.gap_min", lo=-FLOAT32_MAX, hi=FLOAT32_MAX,
                   fmt="%.6g", step=0.1)
GAP_MAX = Control("gap_max", "number", 3.0, "learn.gap_max", lo=-FLOAT32_MAX, hi=FLOAT32_MAX,
                   fmt="%.6g", step=0.1)
CLAMP_X = Control("clamp_x", "number", 4.0, "learn.clamp_x", lo=-FLOAT32_MAX, hi=FLOAT32_MAX,
                   fmt="%.6g", step=0.1)
SYM_AMAX = Control("sym_amax", "number", 3.0, "learn.sym_amax", lo=1e-6, hi=1e30, fmt="%.6g",
                   step=0.5)
QUIZ_CODES = Control("quiz_codes", "radio", None, "learn.q1.choice",
                     options=("none", "negative", "positive", "lowest", "upper_half"),
                     option_prefix="learn.quiz1")
QUIZ_RANGE = Control("quiz_range", "segmented", "a", "learn.q2.range", options=("a", "b", "c"),
                     option_prefix="learn.q2.range")
QUIZ_ZP = Control("quiz_zp", "int", 128, "learn.q2.guess", lo=0, hi=255)
QUIZ_CASE = Control("quiz_case", "select", "notes_pos", "learn.q3.case",
                    options=("notes_pos", "pytorch_pos", "unrounded"),
                    option_prefix="learn.q3.case")
QUIZ_ZERO = Control("quiz_zero", "radio", None, "learn.q3.choice", options=("yes", "no"),
                    option_prefix="learn.q3.answer")

#: The bit width of the zero-point and "does 0.0 survive" questions (unsigned asymmetric).
QUIZ_BITS = 8
#: The ranges of the zero-point question (unsigned asymmetric, :data:`QUIZ_BITS`).
QUIZ_RANGES: dict[str, tuple[float, float]] = {"a": (-1.0, 3.0), "b": (-0.5, 2.0),
                                               "c": (-4.2, 1.3)}
#: The situations of the "does 0.0 survive" question: (method, x_min, x_max), QUIZ_BITS.
QUIZ_CASES: dict[str, tuple[str, float, float]] = {
    "notes_pos": ("notes", 1.0, 3.0),
    "pytorch_pos": ("pytorch", 1.0, 3.0),
    "unrounded": ("unrounded", -1.0, 3.0),
}
#: ReLU6 outputs, the range of the wasted-codes question.
RELU_RANGE = (0.0, 6.0)


def _num(v: float) -> str:
    return f"{v:.6g}"


@dataclass(frozen=True)
class Example:
    """The learner's example: a range, a value to follow, and the bit width."""

    x_min: float
    x_max: float
    x: float
    bits: int

    @property
    def asym(self) -> QuantConfig:
        return QuantConfig(self.bits, "asymmetric", signed=False)

    @property
    def sym(self) -> QuantConfig:
        return QuantConfig(self.bits, "symmetric", signed=True)


def _finite(value: float | None, default: float) -> float:
    return float(value) if value is not None and math.isfinite(value) else default


def example() -> Example:
    """The sidebar controls of the example; an empty or inverted range falls back to default."""
    st.sidebar.subheader(t("learn.sidebar.example"))
    st.sidebar.caption(t("learn.sidebar.example_help"))
    lo = _finite(widget(EX_MIN), EX_MIN.default)
    hi = _finite(widget(EX_MAX), EX_MAX.default)
    x = _finite(widget(EX_X), EX_X.default)
    bits = widget(controls.BITS)
    if not lo < hi:
        st.warning(t("learn.ex_bad", lo=_num(lo), hi=_num(hi)))
        lo, hi = EX_MIN.default, EX_MAX.default
    return Example(lo, hi, x, bits)


# ---------------------------------------------------------------------------------------------
# predict, then reveal


def _revealed(qid: tuple) -> bool:
    """Draw the reveal button of question ``qid``; True once it was pressed for this question."""
    shown = st.session_state.setdefault("_learn_revealed", set())
    st.button(t("learn.quiz.reveal"), key=f"reveal_{qid[0]}", on_click=shown.add, args=(qid,))
    return qid in shown


def _verdict(guess, right: bool) -> str:
    if guess is None:
        return t("learn.quiz.no_guess")
    return t("learn.quiz.right") if right else t("learn.quiz.wrong")


def _spans(spans: tuple[tuple[int, int], ...]) -> str:
    if not spans:
        return t("learn.quiz.no_codes")
    return ", ".join(f"{a}..{b}" if a != b else f"{a}" for a, b in spans)


def quiz_wasted(ex: Example) -> None:
    with st.container(border=True):
        st.markdown(t("learn.q1.heading"))
        cfg = ex.sym
        st.markdown(t("learn.q1.question", bits=ex.bits, qmin=cfg.qmin, qmax=cfg.qmax,
                      lo=_num(RELU_RANGE[0]), hi=_num(RELU_RANGE[1])))
        guess = widget(QUIZ_CODES, st)
        if not _revealed(("q1", ex.bits)):
            return
        lo, hi = RELU_RANGE
        spans = lessons.wasted_code_spans(lo, hi, cfg)
        pic = lessons.mapping_picture(lo, hi, cfg)
        choices = lessons.wasted_code_choices(cfg)
        right = guess is not None and choices[guess] == spans
        st.markdown(t("learn.q1.answer", verdict=_verdict(guess, right),
                      div=_num((cfg.qmax - cfg.qmin) / 2), scale=_num(pic.scale),
                      bottom=_num(lo), top=_num(hi),
                      lo=pic.code_lo, hi=pic.code_hi, spans=_spans(spans), wasted=pic.wasted,
                      levels=pic.levels))


def quiz_zero_point() -> None:
    with st.container(border=True):
        st.markdown(t("learn.q2.heading"))
        key = widget(QUIZ_RANGE, st) or QUIZ_RANGE.default
        lo, hi = QUIZ_RANGES[key]
        st.markdown(t("learn.q2.question", lo=_num(lo), hi=_num(hi), bits=QUIZ_BITS))
        guess = widget(QUIZ_ZP, st)
        if not _revealed(("q2", key)):
            return
        qp = compute_qparams(lo, hi, QuantConfig(QUIZ_BITS, "asymmetric", signed=False))
        z = int(qp.zero_point)
        st.markdown(t("learn.q2.answer", verdict=_verdict(guess, guess == z), lo=_num(lo),
                      hi=_num(hi), scale=_num(float(qp.scale)), levels=qp.qmax - qp.qmin,
                      qmin=qp.qmin,
                      ratio=_num(lo / float(qp.scale)), Z=z))


def quiz_zero() -> None:
    with st.container(border=True):
        st.markdown(t("learn.q3.heading"))
        case = widget(QUIZ_CASE, st) or QUIZ_CASE.default
        st.markdown(t("learn.q3.question"))
        guess = widget(QUIZ_ZERO, st)
        if not _revealed(("q3", case)):
            return
        method, lo, hi = QUIZ_CASES[case]
        trip = lessons.zero_trip(method, lo, hi, QUIZ_BITS)
        right = guess is not None and (guess == "yes") == trip.survives
        where = "learn.q3.in_grid" if trip.in_grid else "learn.q3.out_grid"
        st.markdown(t(where, verdict=_verdict(guess, right), code=trip.code,
                      x_hat=_num(trip.x_hat), top=2**QUIZ_BITS - 1))


# ---------------------------------------------------------------------------------------------
# 1. the two schemes


def _picture_caption(pic: lessons.MappingPicture) -> str:
    return t("learn.s1.caption", scale=_num(pic.scale), Z=pic.zero_point, lo=pic.code_lo,
             hi=pic.code_hi, used=pic.used, levels=pic.levels, wasted=pic.wasted)


def section_schemes(ex: Example, theme: present.Theme) -> None:
    st.header(t("learn.s1.heading"))
    st.markdown(t("learn.s1.asym"))
    st.markdown(t("learn.s1.sym"))
    pics = (lessons.mapping_picture(ex.x_min, ex.x_max, ex.asym),
            lessons.mapping_picture(ex.x_min, ex.x_max, ex.sym))
    labels = {"data": t("learn.fig.data"), "reached": t("learn.fig.reached"),
              "wasted": t("learn.fig.wasted"), "join": t("learn.fig.join")}
    cols = st.columns(2)
    for col, pic, name in zip(cols, pics, ("asym", "sym"), strict=True):
        with col:
            shell.figure_of(present.range_mapping, pic, theme=theme,
                            labels={**labels, "title": t(f"learn.s1.fig_{name}", bits=ex.bits)},
                            key=f"learn_fig_{name}")
            st.caption(_picture_caption(pic))
    quiz_wasted(ex)
    st.subheader(t("learn.s1.compare_heading"))
    asym, sym = pics
    st.markdown(t("learn.s1.full", used_a=asym.used, levels_a=asym.levels,
                  used_s=sym.used, levels_s=sym.levels))
    relu = lessons.mapping_picture(*RELU_RANGE, ex.sym)
    st.markdown(t("learn.s1.relu", bits=ex.bits, lo=relu.code_lo, hi=relu.code_hi,
                  r_lo=_num(RELU_RANGE[0]), r_hi=_num(RELU_RANGE[1]),
                  wasted=relu.wasted, levels=relu.levels, eff=f"{relu.effective_bits:.2f}"))
    st.markdown(t("learn.s1.simple"))
    st.latex(formulas.MATMUL_EXPANSION)
    d_asym, d_sym = lessons.dot_example(ex.x_min, ex.x_max, ex.bits)
    st.markdown(t("learn.s1.terms", n=d_asym.n))
    st.markdown(t("learn.s1.simple2", w=", ".join(map(str, lessons.DOT_WEIGHTS))))
    st.markdown(t("learn.s1.dot_asym", zw=d_asym.z_w))
    st.latex(formulas.worked_dot(d_asym))
    st.markdown(t("learn.s1.dot_sym"))
    st.latex(formulas.worked_dot(d_sym))


# ---------------------------------------------------------------------------------------------
# 2-4. the derivation, dequantization, the zero point


def section_derivation(ex: Example) -> lessons.NotesSteps:
    st.header(t("learn.s2.heading"))
    steps = lessons.notes_steps(ex.x, ex.x_min, ex.x_max, ex.bits)
    lines = formulas.worked_derivation(steps, formula_words())
    st.markdown(t("learn.s2.intro", lo=_num(ex.x_min), hi=_num(ex.x_max), bits=ex.bits,
                  x=_num(ex.x), top=steps.top))
    for key, formula in (("1", formulas.DERIVE_1), ("scale", formulas.DERIVE_SCALE),
                         ("2", formulas.DERIVE_2), ("z", formulas.DERIVE_Z),
                         ("3", formulas.DERIVE_3), ("4", formulas.DERIVE_4)):
        st.markdown(t(f"learn.s2.eq{key}"))
        st.latex(formula)
        st.latex(lines[key])
    if steps.q3 == steps.q4:
        st.markdown(t("learn.s2.same", q=steps.q4))
    else:
        st.markdown(t("learn.s2.differ", q3=steps.q3, q4=steps.q4,
                      frac=_num(abs(steps.z_exact - steps.z))))
    if not steps.in_grid:
        st.warning(t("learn.s2.outside", q=steps.q4, top=steps.top))
    st.caption(t("learn.s2.credit"))
    st.markdown(t("learn.s2.pytorch"))
    for formula in (formulas.RANGE_WITH_ZERO, formulas.SCALE_ASYMMETRIC,
                    formulas.ZERO_POINT_ASYMMETRIC, formulas.QUANTIZE):
        st.latex(formula)
    st.markdown(t("learn.s2.pytorch_numbers"))
    st.latex(lines["pytorch"])
    st.markdown(pytorch_against_derivation(steps))
    with st.expander(t("learn.s2.widening_heading")):
        st.markdown(t("learn.s2.widening"))
    quiz_zero_point()
    return steps


def pytorch_against_derivation(steps: lessons.NotesSteps) -> str:
    """Whether PyTorch's Z equals equation (4)'s, and if not which of the two causes it is:
    a range without 0 (PyTorch widens it) or a half step that float32 tips."""
    if steps.pt_zero_point == steps.z:
        return t("learn.s2.link_same", Z=steps.pt_zero_point)
    if steps.x_min > 0 or steps.x_max < 0:
        return t("learn.s2.link_widened", Z=steps.pt_zero_point, z=steps.z)
    return t("learn.s2.link_tie", Z=steps.pt_zero_point, z=steps.z,
             exact=_num(steps.z_exact))


def section_dequantize(steps: lessons.NotesSteps) -> None:
    st.header(t("learn.s3.heading"))
    st.markdown(t("learn.s3.intro"))
    st.latex(formulas.DERIVE_DEQUANTIZE)
    st.latex(formulas.worked_derivation(steps, formula_words())["dequantize"])
    err = steps.x_hat - steps.x_f
    key = "learn.s3.error" if steps.in_grid else "learn.s3.error_out"
    st.markdown(t(key, x_hat=_num(steps.x_hat), err=_num(err), half=_num(steps.scale / 2),
                  q=steps.q4, top=steps.top))


def section_zero(steps: lessons.NotesSteps, theme: present.Theme) -> None:
    st.header(t("learn.s4.heading"))
    st.markdown(t("learn.s4.intro", Z=steps.z))
    st.latex(formulas.zero_trip(formula_words()))
    st.latex(formulas.worked_derivation(steps, formula_words())["zero"])
    if not steps.zero_in_grid:
        st.warning(t("learn.s4.outside", Z=steps.z, top=steps.top))
    st.markdown(t("learn.s4.why"))
    quiz_zero()
    padding_demo(theme)
    st.caption(t("learn.s4.credit"))


def notes_zero_point(steps: lessons.NotesSteps) -> None:
    """The notes' zp (subtracted) against PyTorch's Z (added): ``Z = -zp`` and the two cases
    where they part, then the notes' own slip."""
    text = t("learn.s5.notes_zp", zp=steps.zp, Z=steps.pt_zero_point)
    if steps.pt_zero_point != -steps.zp:
        if steps.x_min > 0 or steps.x_max < 0:
            text += " " + t("learn.s5.notes_widened", code=steps.zero_code, top=steps.top,
                            Z=steps.pt_zero_point)
        else:
            text += " " + t("learn.s5.notes_tie", exact=_num(steps.zp_exact))
    st.markdown(text)
    st.latex(formulas.CONVENTION_LINK)
    st.info(t("learn.s5.slip"))


def padding_demo(theme: present.Theme) -> None:
    st.subheader(t("learn.s4.demo_heading"))
    st.markdown(t("learn.s4.demo"))
    cols = st.columns(3)
    kernel = widget(PAD_KERNEL, cols[0])
    offset = widget(PAD_OFFSET, cols[1])
    bits = widget(PAD_BITS, cols[2])
    r = lessons.padded_convolution(lessons.padding_signal(offset),
                                   np.array(lessons.KERNELS[kernel]), bits)
    st.markdown(t("learn.s4.z", lo=_num(float(min(r.signal.min(), 0.0))), scale=_num(r.scale),
                  z_exact=_num(r.z_exact), Z=r.z))
    st.latex(formulas.PADDING_ZERO)
    st.latex(formulas.worked_padding(r))
    inside = r.err_integer[~r.border]
    bias = float(np.max(np.abs(r.bias_exact)))
    m = st.columns(4)
    m[0].metric(t("learn.s4.m_pad_integer"), _num(r.pad_integer))
    m[1].metric(t("learn.s4.m_pad_exact"), _num(r.pad_exact))
    m[2].metric(t("learn.s4.m_bias"), _num(bias))
    m[3].metric(t("learn.s4.m_rounding"),
                _num(float(np.sqrt(np.mean(inside**2)))) if inside.size else "—")
    st.markdown(t("learn.s4.rms"))
    padding_figure(r, theme, "learn_fig_padding")
    if r.pad_exact == 0.0:
        st.markdown(t("learn.s4.result_none", z_exact=_num(r.z_exact)))
    else:
        st.markdown(t("learn.s4.result", pad=_num(r.pad_exact), bias=_num(bias)))


# ---------------------------------------------------------------------------------------------
# 5. conventions


CONVENTION_FORMULAS = {
    "pytorch": (formulas.QUANTIZE, formulas.DEQUANTIZE),
    "notes": (formulas.NOTES_4, formulas.NOTES_DEQUANTIZE),
    "aimet": (formulas.AIMET_DEQUANTIZE,),
    "multiplier": (formulas.MULTIPLIER_QUANTIZE,),
    "nncf": (formulas.NNCF_QUANTIZE,),
}


def section_conventions(ex: Example, steps: lessons.NotesSteps) -> None:
    """One convention taught (PyTorch's Z, added); the others, the notes' slip included, in a
    section of their own that a reader opens on request."""
    st.header(t("learn.s5.heading"))
    qp = compute_qparams(ex.x_min, ex.x_max, ex.asym)
    lines = formulas.worked_conventions(ex.x, qp)
    st.markdown(t("learn.s5.main", Z=int(qp.zero_point), x=_num(ex.x)))
    for formula in CONVENTION_FORMULAS["pytorch"]:
        st.latex(formula)
    st.latex(lines["pytorch"])
    with st.expander(t("learn.s5.others")):
        other_conventions(ex, qp, lines, steps)


def other_conventions(ex: Example, qp, lines: dict, steps: lessons.NotesSteps) -> None:
    """The notes' zp and their slip, then AIMET's offset, the multiplier form and NNCF's range."""
    f = zero_point_forms(qp)
    notes_zero_point(steps)
    st.markdown(t("learn.s5.intro", bits=ex.bits, x=_num(ex.x)))
    rows = [
        ("pytorch", "scale, Z", f"{_num(f.scale)}, {f.zero_point}"),
        ("notes", "scale, zp", f"{_num(f.scale)}, {f.zp_notes}"),
        ("aimet", "scale, offset", f"{_num(f.scale)}, {f.offset_aimet}"),
        ("multiplier", "m = 1/scale, zp", f"{f.multiplier:.9g}, {f.zp_notes}"),
        ("nncf", "input_low, input_high, levels",
         f"{_num(f.input_low)}, {_num(f.input_high)}, {f.levels}"),
    ]
    shell.table([{t("learn.col.convention"): t(f"learn.conv.{key}"),
                   t("learn.col.parameter"): names, t("learn.col.value"): value}
                  for key, names, value in rows])
    for key in CONVENTION_FORMULAS:
        if key == "pytorch":
            continue
        st.markdown(f"**{t(f'learn.conv.{key}')}**")
        for formula in CONVENTION_FORMULAS[key]:
            st.latex(formula)
        st.latex(lines[key])
    st.caption(t("learn.s5.nvidia"))


# ---------------------------------------------------------------------------------------------
# 6. what the notes leave out


def gap_zero(bits: int) -> None:
    st.subheader(t("learn.s6.zero.heading"))
    st.markdown(t("learn.s6.zero.text", bits=bits))
    cols = st.columns(3)
    lo = _finite(widget(GAP_MIN, cols[0]), GAP_MIN.default)
    hi = _finite(widget(GAP_MAX, cols[1]), GAP_MAX.default)
    if not lo < hi:
        st.warning(t("learn.ex_bad", lo=_num(lo), hi=_num(hi)))
        lo, hi = GAP_MIN.default, GAP_MAX.default
    z = lessons.zero_outside(lo, hi, bits)
    if z.zero_in_grid:
        st.info(t("learn.s6.zero.inside", code=z.zero_code, top=z.top))
    else:
        st.warning(t("learn.s6.zero.notes", scale=_num(z.scale), code=z.zero_code,
                     top=z.top, hat=_num(z.zero_hat_clamped)))
    st.markdown(t("learn.s6.zero.pytorch", scale=_num(z.pt_scale), Z=z.pt_zero_point,
                  hat=_num(z.pt_zero_hat), wasted=z.wasted, levels=z.top + 1))


def gap_clamp(ex: Example) -> None:
    st.subheader(t("learn.s6.clamp.heading"))
    st.markdown(t("learn.s6.clamp.text", lo=_num(ex.x_min), hi=_num(ex.x_max)))
    x = _finite(widget(CLAMP_X, st), CLAMP_X.default)
    st.latex(formulas.CLAMP_UNSIGNED)
    c = lessons.clamping(x, ex.x_min, ex.x_max, ex.bits)
    if c.fits:
        st.info(t("learn.s6.clamp.fits", x=_num(x), code=c.code, lo=_num(ex.x_min),
                  hi=_num(ex.x_max)))
        return
    st.markdown(t("learn.s6.clamp.result", x=_num(x), code=c.code, bits=ex.bits,
                  wrapped=c.wrapped, wrapped_hat=_num(c.x_hat_wrapped), top=2**ex.bits - 1,
                  clamped=c.clamped, clamped_hat=_num(c.x_hat_clamped),
                  err=_num(x - c.x_hat_clamped)))


def gap_symmetric(ex: Example) -> None:
    st.subheader(t("learn.s6.sym.heading"))
    full_cfg = QuantConfig(ex.bits, "symmetric", signed=True)
    narrow_cfg = QuantConfig(ex.bits, "symmetric", signed=True, narrow_range=True)
    st.markdown(t("learn.s6.sym.text", bits=ex.bits, qmin=full_cfg.qmin, qmax=full_cfg.qmax,
                  nmin=narrow_cfg.qmin, div_full=_num((full_cfg.qmax - full_cfg.qmin) / 2),
                  div_narrow=_num((narrow_cfg.qmax - narrow_cfg.qmin) / 2)))
    amax = _finite(widget(SYM_AMAX, st), SYM_AMAX.default)
    full, narrow = lessons.symmetric_ends(amax, ex.bits)
    rows = []
    for end in (full, narrow):
        rows.append({
            t("learn.col.range"): t("learn.s6.sym.narrow" if end.narrow else "learn.s6.sym.full",
                                    qmin=end.qmin, qmax=end.qmax),
            t("learn.col.divisor"): _num(end.divisor), "scale": f"{end.scale:.9g}",
            "+max · (1/scale)": f"{end.t_pos:.9g}", "q(+max)": end.q_pos,
            "x_hat(+max)": f"{end.x_hat_pos:.9g}", "−max · (1/scale)": f"{end.t_neg:.9g}",
            "q(−max)": end.q_neg, "x_hat(−max)": f"{end.x_hat_neg:.9g}",
        })
    shell.table(rows)
    reach = "learn.s6.sym.reaches" if full.q_neg == full.qmin else "learn.s6.sym.misses"
    exact = narrow.x_hat_pos == float(np.float32(amax)) == -narrow.x_hat_neg
    st.markdown(" ".join((
        t("learn.s6.sym.after", pos=f"{full.x_hat_pos:.9g}", neg=f"{full.x_hat_neg:.9g}",
          amax=_num(amax)),
        t("learn.s6.sym.narrow_exact" if exact else "learn.s6.sym.narrow_near", qmin=full.qmin,
          nmax=narrow.qmax, pos=f"{narrow.x_hat_pos:.9g}", neg=f"{narrow.x_hat_neg:.9g}"),
        t(reach, qmin=full.qmin, t=f"{full.t_neg:.9g}", half=_num(-full.divisor)))))
    symmetric_rules_table(amax, ex.bits)


def symmetric_rules_table(amax: float, bits: int) -> None:
    """Each toolchain's symmetric scale for ``amax``, from :func:`lessons.symmetric_rules`."""
    st.markdown(t("learn.s6.rules.heading") + " " + t("learn.s6.rules.text", amax=_num(amax),
                                                        bits=bits))
    rules = {r.key: r for r in lessons.symmetric_rules(amax, bits)}
    shell.table([{t("learn.col.toolchain"): t(f"learn.rule.{r.key}"),
                   t("learn.col.range"): f"{r.qmin} … {r.qmax}",
                   t("learn.col.divisor"): _num(r.divisor), "scale": f"{r.scale:.9g}",
                   "Z": r.zero_point, t("learn.col.steps"): f"{r.steps:.6f}"}
                  for r in rules.values()])
    observer, fused = rules["pytorch_observer"], rules["pytorch_fused"]
    notes = [t("learn.s6.rules.after", div_observer=_num(observer.divisor),
               div_fused=_num(fused.divisor), qmin=fused.qmin, qmax=fused.qmax,
               ratio=f"{fused.scale / observer.scale:.6f}")]
    if fused.scale == float(np.float32(lessons.FUSED_SCALE_FLOOR)):
        notes.append(t("learn.s6.rules.floor", floor=f"{fused.scale:.6g}", eps=f"{EPS:.6g}",
                       steps=f"{fused.steps:.6g}"))
    ort = rules.get("onnxruntime")
    if ort is None:
        notes.append(t("learn.s6.rules.no_ort", bits=bits,
                       ort_bits=", ".join(map(str, lessons.ORT_SYMMETRIC_RANGES))))
    elif ort.qmin > observer.qmin:
        notes.append(t("learn.s6.rules.ort", ort_min=ort.qmin, ort_max=ort.qmax))
    st.markdown(" ".join(notes))
    st.caption(t("learn.s6.rules.sources"))


def gap_degenerate(bits: int) -> None:
    st.subheader(t("learn.s6.edge.heading"))
    st.markdown(t("learn.s6.edge.text", eps=f"{EPS:.6g}"))
    cols = st.columns(3, vertical_alignment="bottom")
    name = widget(controls.SCHEME, cols[0]) or controls.SCHEME.default
    signed = widget(controls.SIGNED, cols[1])
    cfg = QuantConfig(bits, name, signed)
    rows = []
    gallery = lessons.edge_case_gallery(cfg)
    for e in gallery:
        rows.append({
            t("learn.col.case"): t(f"learn.edge.{e.key}"),
            "x": ", ".join(f"{v:.3g}" for v in e.x),
            "scale": f"{e.scale:.4g}", "Z": e.zero_point,
            t("learn.col.eps"): "✓" if e.eps_floor else "",
            "q": ", ".join(map(str, e.q)),
            "x_hat": ", ".join(f"{v:.4g}" for v in e.x_hat),
            t("learn.col.error"): f"{e.max_abs_error:.3g}",
            t("learn.col.notes_scale"): (t("learn.edge.undefined") if e.notes_scale is None
                                         else f"{e.notes_scale:.4g}"),
        })
    shell.table(rows)
    by_key = {e.key: e for e in gallery}
    small, tiny = by_key["small"], by_key["tiny"]
    st.markdown(t("learn.s6.edge.after", eps=f"{EPS:.3g}", half_eps=f"{EPS / 2:.3g}",
                  small=", ".join(f"{v:.3g}" for v in small.x),
                  small_scale=f"{small.scale:.3g}", small_q=", ".join(map(str, small.q)),
                  tiny=", ".join(f"{v:.3g}" for v in tiny.x)))


def section_gaps(ex: Example) -> None:
    st.header(t("learn.s6.heading"))
    st.markdown(t("learn.s6.intro"))
    gap_zero(ex.bits)
    gap_clamp(ex)
    gap_symmetric(ex)
    gap_degenerate(ex.bits)
    st.subheader(t("learn.s6.relu.heading"))
    relu = lessons.mapping_picture(*RELU_RANGE, ex.sym)
    st.markdown(t("learn.s6.relu.text", bits=ex.bits, used=relu.used,
                  levels=relu.levels, eff=f"{relu.effective_bits:.2f}"))
    link("explore", "learn.link.explore")


# ---------------------------------------------------------------------------------------------
# 7-8. practice and sources


def link(page: str, label_key: str) -> None:
    """``st.page_link`` to ``pages/<page>.py`` if that page exists now, plain text otherwise."""
    if (PAGES / f"{page}.py").exists():
        st.page_link(f"pages/{page}.py", label=t(label_key), icon="➡️")
    else:
        st.markdown(t("learn.link.missing", label=t(label_key)))


def section_practice() -> None:
    st.header(t("learn.s7.heading"))
    st.markdown(t("learn.s7.text"))
    st.markdown(t("learn.s7.weights"))
    st.markdown(t("learn.s7.activations"))
    pytorch_defaults()
    st.markdown(t("learn.s7.see"))
    for page in ("per_channel", "calibration", "compare", "explore"):
        link(page, f"learn.link.{page}")


def pytorch_defaults() -> None:
    """PyTorch's x86 defaults beside the notes' advice (:data:`lessons.PYTORCH_X86_DEFAULTS`)."""
    rows = lessons.PYTORCH_X86_DEFAULTS
    reduced = next(d for d in rows if d.reduce_range)
    st.markdown(t("learn.s7.defaults", r_min=reduced.qmin, r_max=reduced.qmax))
    shell.table([{t("learn.col.stage"): t(f"learn.stage.{d.stage}"),
                   t("learn.col.tensor"): t(f"learn.tensor.{d.tensor}"),
                   t("learn.col.observer"): d.observer, "dtype": d.dtype, "qscheme": d.qscheme,
                   "reduce_range": d.reduce_range, t("learn.col.codes"): f"{d.qmin} … {d.qmax}",
                   t("learn.col.averaging"): "—" if d.averaging_constant is None
                   else _num(d.averaging_constant)}
                  for d in rows])


def section_sources() -> None:
    st.header(t("learn.s8.heading"))
    st.markdown(t("learn.s8.text"))


def render() -> None:
    """The whole Learn page."""
    theme = shell.page_start("learn")
    ex = example()
    section_schemes(ex, theme)
    steps = section_derivation(ex)
    section_dequantize(steps)
    section_zero(steps, theme)
    section_conventions(ex, steps)
    section_gaps(ex)
    section_practice()
    section_sources()
    shell.page_end()


def padding_figure(r, theme: present.Theme, key: str) -> None:
    """The padded convolution's outputs, integer zero point against exact (``r`` is a
    :class:`quantviz.studies.lessons.PaddingResult`); Learn and Start draw it."""
    names = (t("learn.fig.pad.integer"), t("learn.fig.pad.exact"))
    shell.figure_of(
        present.padding_outputs, r.reference,
        dict(zip(names, (r.out_integer, r.out_exact), strict=True)),
        dict(zip(names, (r.bias_integer, r.bias_exact), strict=True)), r.border, theme=theme,
        labels={"title": t("learn.fig.pad.title"), "reference": t("learn.fig.pad.reference"),
                "x": t("learn.fig.pad.x"), "y": t("learn.fig.pad.y"),
                "bias": t("learn.fig.pad.bias")}, key=key)
