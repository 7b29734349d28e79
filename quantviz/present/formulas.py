"""The LaTeX of every formula the app shows, written once (for ``st.latex``).

Constants hold the general formulas; the ``worked_*`` functions fill in the numbers of one
value going through quantize and dequantize, computed by :mod:`quantviz.quantize` so that the
page shows exactly what the code does.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from quantviz.quantize import (
    QParams,
    QuantConfig,
    dequantize,
    quantize,
    unclipped_codes,
    zero_point_forms,
)

# --- PyTorch / ONNX / TFLite convention: q = round(x / scale) + zero_point -------------------
QUANTIZE = (r"q = \operatorname{clip}\!\left(\operatorname{round}\!\left(\frac{x}{s}\right)"
            r" + Z,\ q_{\min},\ q_{\max}\right)")
DEQUANTIZE = r"\hat{x} = (q - Z)\cdot s"
RANGE_WITH_ZERO = (r"x_{\min}' = \min(x_{\min}, 0),\qquad x_{\max}' = \max(x_{\max}, 0)")
SCALE_ASYMMETRIC = r"s = \frac{x_{\max}' - x_{\min}'}{q_{\max} - q_{\min}}"
ZERO_POINT_ASYMMETRIC = (r"Z = \operatorname{clip}\!\left(q_{\min} - "
                         r"\operatorname{round}\!\left(\frac{x_{\min}'}{s}\right),"
                         r"\ q_{\min},\ q_{\max}\right)")
INT_RANGE_SIGNED = r"q \in [-2^{b-1},\ 2^{b-1}-1]"
INT_RANGE_NARROW = r"q \in [-2^{b-1}+1,\ 2^{b-1}-1]"
INT_RANGE_UNSIGNED = r"q \in [0,\ 2^{b}-1]"
INT_RANGE_UNSIGNED_NARROW = r"q \in [1,\ 2^{b}-1]"
ZERO_POINT_SYMMETRIC_UNSIGNED = r"Z = \left\lfloor (q_{\min} + q_{\max}) / 2 \right\rfloor"

# --- the derivation the Learn page teaches (the notes' equations 1-4, zero point added) -----
#: Eq. (1): shift x_min to 0, stretch onto [0, 2^n - 1], round.
DERIVE_1 = (r"q = \operatorname{round}\!\left((x - x_{\min})\,"
            r"\frac{2^n-1}{x_{\max} - x_{\min}}\right)")
DERIVE_SCALE = r"s = \frac{x_{\max} - x_{\min}}{2^n - 1}"
DERIVE_2 = (r"q = \operatorname{round}\!\left(\frac{x - x_{\min}}{s}\right)"
            r" = \operatorname{round}\!\left(\frac{x}{s} - \frac{x_{\min}}{s}\right)")
#: The zero point with PyTorch's sign: how many steps 0.0 lies above x_min.
DERIVE_Z = r"Z = -\frac{x_{\min}}{s}"
DERIVE_3 = r"q = \operatorname{round}\!\left(\frac{x}{s} + Z\right)"
DERIVE_4 = (r"Z \leftarrow \operatorname{round}(Z):\quad q = "
            r"\operatorname{round}\!\left(\frac{x}{s}\right) + Z")
DERIVE_DEQUANTIZE = r"\hat{x} = s\cdot(q - Z) = s\cdot q - s\cdot Z"
#: Eq. (4) with the clamp real kernels add, on the unsigned grid.
CLAMP_UNSIGNED = (r"q = \operatorname{clip}\!\left(\operatorname{round}\!\left(\frac{x}{s}"
                  r"\right) + Z,\ 0,\ 2^n - 1\right)")

# --- the source notes' own form (zp = round(x_min / scale), subtracted): "Other conventions" -
NOTES_4 = (r"zp \leftarrow \operatorname{round}(zp):\quad x_q = "
           r"\operatorname{round}\!\left(\frac{x_f}{scale}\right) - zp")
NOTES_DEQUANTIZE = r"x_f = scale \times (x_q + zp) = scale \times x_q + bias"
CONVENTION_LINK = r"zp = -Z"

# --- error measures ---------------------------------------------------------------------
MSE = r"\mathrm{MSE} = \frac{1}{N}\sum_i (\hat{x}_i - x_i)^2"
SQNR = (r"\mathrm{SQNR} = 20\log_{10}\frac{\lVert x\rVert_2}{\lVert x - \hat{x}\rVert_2}"
        r"\ \mathrm{dB}")
UNIFORM_NOISE = r"\mathbb{E}\left[(\hat{x} - x)^2\right] \approx \frac{s^2}{12}"
#: 20 log10(2) dB per bit: one more bit halves the step and the error's RMS
SQNR_PER_BIT = rf"\mathrm{{SQNR}} \approx {20 * np.log10(2):.2f}\,b + c\ \mathrm{{dB}}"

# --- training with quantization (quantviz.qat; Esser et al. 2020; Nagel et al. 2022) -----
#: The fake quantizer's forward: quantize, clip, dequantize in one step (float in, float out).
FAKE_QUANTIZE = (r"\hat{x} = \left(\operatorname{clip}\!\left(q,\ q_{\min},\ q_{\max}\right)"
                 r" - Z\right) s,\qquad q = \operatorname{round}\!\left(\frac{x}{s}\right) + Z")
#: round() is flat between half steps: its derivative is 0 wherever it exists.
ROUND_DERIVATIVE = (r"\frac{d}{du}\operatorname{round}(u) = 0\quad"
                    r"\left(u \notin \mathbb{Z} + \tfrac{1}{2}\right)")
#: The straight-through estimator: round passed as the identity, the clip kept as a mask.
STE_GRADIENT = (r"\frac{\partial \hat{x}}{\partial x} \approx "
                r"\mathbb{1}\!\left[q_{\min} \le q \le q_{\max}\right]")
#: LSQ's gradient of the output with respect to the scale (Esser et al., ICLR 2020, eq. 3,
#: with PyTorch's zero point Z; quantviz.qat.lsq_backward).
LSQ_SCALE_GRADIENT = (r"\frac{\partial \hat{x}}{\partial s} = \begin{cases} q_{\min} - Z & "
                      r"q < q_{\min} \\ \operatorname{round}\!\left(\frac{x}{s}\right) - "
                      r"\frac{x}{s} & q_{\min} \le q \le q_{\max} \\ q_{\max} - Z & q > q_{\max}"
                      r"\end{cases}")
#: LSQ's gradient scale (Esser et al., section 2.2): N values share one scale.
LSQ_GRAD_SCALE = (r"\frac{\partial L}{\partial s} \leftarrow g\,\frac{\partial L}{\partial s},"
                  r"\qquad g = \frac{1}{\sqrt{N\, q_{\max}}}")
#: Nagel et al. (ICML 2022, section 4.2): an oscillation's moving-average frequency per weight.
FREEZE_FREQUENCY = r"f \leftarrow m\, o + (1 - m)\, f,\qquad f > f_{\mathrm{th}}"

# --- formulas that carry words: the ui passes them in the page's language -----------------
#: The keys of the ``words`` every function below needs (the ui's texts hold each word).
WORDS = ("quantize", "dequantize", "signed", "codes_used")


def _word(words: Mapping[str, str], key: str) -> str:
    """``words[key]`` set as upright text inside a formula; a missing word is a ValueError."""
    if key not in words:
        raise ValueError(f"formula word {key!r} missing from words {sorted(words)}")
    return rf"\text{{{words[key]}}}"


def scale_symmetric(words: Mapping[str, str]) -> str:
    """Symmetric scale ``s = max(|x_min'|, |x_max'|) / ((qmax - qmin) / 2)`` and ``Z = 0``
    for a signed range (``words["signed"]`` names that case)."""
    return (r"s = \frac{\max(|x_{\min}'|, |x_{\max}'|)}{(q_{\max} - q_{\min})/2},"
            rf"\qquad Z = 0\ ({_word(words, 'signed')})")


def zero_trip(words: Mapping[str, str]) -> str:
    """0.0 quantizes to the code ``Z`` (no rounding: ``0 / s = 0``) and dequantizes back to
    ``s (Z - Z) = 0.0``."""
    return (rf"0.0 \xrightarrow{{{_word(words, 'quantize')}}} Z "
            rf"\xrightarrow{{{_word(words, 'dequantize')}}} s\cdot(Z - Z) = 0.0")


def effective_bits(words: Mapping[str, str]) -> str:
    """``b_eff = log2(codes used)``: the bits the distinct codes that occur would need."""
    return rf"b_{{\mathrm{{eff}}}} = \log_2({_word(words, 'codes_used')})"


def _num(v: float) -> str:
    """A float as LaTeX, with enough digits to show float32 values faithfully (``inf`` as
    ``\\infty``: a huge value times ``1/s`` can overflow float32)."""
    if np.isinf(v):
        return r"\infty" if v > 0 else r"-\infty"
    text = f"{float(v):.9g}"
    if "e" not in text:
        return text
    mantissa, exponent = text.split("e")
    return rf"{mantissa}\times 10^{{{int(exponent)}}}"


def definitions(cfg: QuantConfig, words: Mapping[str, str]) -> list[str]:
    """The formulas behind every number of the Explore page, for ``cfg``'s scheme and range.

    The integer range of this config (signed or not, narrow or not), the range widened to hold
    0, scale and zero point (asymmetric, or symmetric with Z = 0 signed and the midpoint
    unsigned), quantize and dequantize with the notes' ``zp = -Z``, and the error measures.
    ``words`` holds the :data:`WORDS` in the page's language.
    """
    ranges = {(True, False): INT_RANGE_SIGNED, (True, True): INT_RANGE_NARROW,
              (False, False): INT_RANGE_UNSIGNED, (False, True): INT_RANGE_UNSIGNED_NARROW}
    lines = [ranges[(cfg.signed, cfg.narrow_range)], RANGE_WITH_ZERO]
    if cfg.scheme == "asymmetric":
        lines += [SCALE_ASYMMETRIC, ZERO_POINT_ASYMMETRIC]
    else:
        lines.append(scale_symmetric(words))
        if not cfg.signed:
            lines.append(ZERO_POINT_SYMMETRIC_UNSIGNED)
    return lines + [QUANTIZE, DEQUANTIZE, CONVENTION_LINK, MSE, SQNR, SQNR_PER_BIT,
                    UNIFORM_NOISE, effective_bits(words)]


def stacked(lines: list[str]) -> str:
    """Several LaTeX lines as one centred block (one element on the page instead of many)."""
    return r"\begin{gathered}" + r" \\[0.4em] ".join(lines) + r"\end{gathered}"


def worked_quantize(x0: float, qp: QParams) -> list[str]:
    """LaTeX lines taking ``x0`` through quantize and dequantize with ``qp``'s numbers.

    Follows the code path exactly: ``t = x0 * (1/s)`` (the reciprocal PyTorch multiplies by),
    ``round``, ``+ Z``, ``clip``; then ``x_hat = (q - Z) * s`` and the error. Per-tensor only.
    """
    forms = zero_point_forms(qp)
    x = np.array([x0], dtype=np.float32)
    q = int(quantize(x, qp)[0])
    x_hat = float(dequantize(np.array([q], dtype=qp.config.dtype), qp)[0])
    if qp.config.arithmetic in ("textbook", "onnxruntime"):
        t = float(x[0]) / forms.scale
        if qp.config.arithmetic == "onnxruntime":
            t = float(np.float32(x[0]) / np.float32(forms.scale))
        step = rf"\frac{{x}}{{s}} = \frac{{{_num(x[0])}}}{{{_num(forms.scale)}}} = {_num(t)}"
    else:
        t = float(np.float32(x[0]) * np.float32(forms.multiplier))
        step = rf"\frac{{x}}{{s}} = {_num(x[0])} \times {_num(forms.multiplier)} = {_num(t)}"
    zp = forms.zero_point
    rounded = _num(float(unclipped_codes(x, qp, None, None)[0]) - zp)
    return [
        rf"s = {_num(forms.scale)},\quad Z = {zp},\quad [q_{{\min}}, q_{{\max}}] = "
        rf"[{qp.qmin}, {qp.qmax}]",
        step,
        rf"\operatorname{{round}}({_num(t)}) = {rounded}",
        rf"q = \operatorname{{clip}}({rounded} {'+' if zp >= 0 else '-'} {abs(zp)},\ "
        rf"{qp.qmin},\ {qp.qmax}) = {q}",
        rf"\hat{{x}} = ({q} {'-' if zp >= 0 else '+'} {abs(zp)}) \times {_num(forms.scale)}"
        rf" = {_num(x_hat)}",
        rf"\hat{{x}} - x = {_num(np.float32(x_hat) - x[0])}",
    ]


def worked_notes(x0: float, qp: QParams) -> list[str]:
    """The same value in the notes' convention: ``q = round(x/s) - zp``, ``zp = -Z``.

    The notes do not clamp: their ``x_q`` is the unclipped code. When it lies outside
    ``[qmin, qmax]`` a line shows the clip that real kernels add; ``x_f`` is then computed from
    the clipped code, as :func:`quantviz.quantize.dequantize` does.
    """
    forms = zero_point_forms(qp)
    x = np.array([x0], dtype=np.float32)
    q = int(quantize(x, qp)[0])
    unclipped = float(unclipped_codes(x, qp, None, None)[0])
    x_hat = float(dequantize(np.array([q], dtype=qp.config.dtype), qp)[0])
    zp = forms.zp_notes
    lines = [
        rf"zp = -Z = {zp}",
        rf"x_q = \operatorname{{round}}\!\left(\frac{{{_num(x[0])}}}{{{_num(forms.scale)}}}"
        rf"\right) - {_operand(zp)} = {_num(unclipped)}",
    ]
    if unclipped != q:
        lines.append(rf"\operatorname{{clip}}({_num(unclipped)},\ {qp.qmin},\ {qp.qmax}) = {q}")
    lines.append(rf"x_f = {_num(forms.scale)} \times ({q} + {_operand(zp)}) = {_num(x_hat)}")
    return lines


def _operand(v: int) -> str:
    """``v`` written after an operator that a formula fixes: a negative number in parentheses.

    The notes subtract zp and add it back (``x_q = round(x_f / scale) - zp``,
    ``x_f = scale * (x_q + zp)``); with zp = -64 the worked line reads ``- (-64)`` and
    ``(96 + (-64))``, so the sign the convention is about stays in view (``+ 64`` would hide
    it). Example: ``_operand(-64) == "(-64)"``, ``_operand(64) == "64"``.
    """
    return f"({v})" if v < 0 else f"{v}"


# --- the Learn page: the conventions, integer matmuls, zero padding --------------------------
MATMUL_EXPANSION = (r"\sum_i (q_{w,i} - Z_w)(q_{x,i} - Z_x) = \sum_i q_{w,i}\,q_{x,i}"
                    r" - Z_x \sum_i q_{w,i} - Z_w \sum_i q_{x,i} + N Z_w Z_x")
AIMET_DEQUANTIZE = r"\hat{x} = (q + \mathrm{offset})\cdot s,\qquad \mathrm{offset} = -Z"
MULTIPLIER_QUANTIZE = (r"q = \operatorname{round}(m \cdot x - zp),\qquad m = 1/s,"
                       r"\quad zp = -Z")
NNCF_QUANTIZE = (r"q - q_{\min} = \operatorname{round}\!\left(\frac{\operatorname{clip}(x,\ "
                 r"\ell,\ h) - \ell}{h - \ell}\,(\mathrm{levels} - 1)\right)")
#: What a padded 0.0 comes back as when Z is left unrounded (eq. 3): ``s (round(Z) - Z)``.
PADDING_ZERO = r"\hat{0} = s\cdot(\operatorname{round}(Z) - Z)"


def _signed(v: float) -> str:
    """`` + v`` or `` - |v|`` for the middle of a LaTeX sum."""
    return f" + {_num(v)}" if v >= 0 else f" - {_num(-v)}"


def worked_derivation(steps, words: Mapping[str, str]) -> dict[str, str]:
    """The derivation's equations (1)-(4), dequantization and 0.0 with ``steps``'s numbers,
    zero point added (PyTorch's sign: ``Z = -x_min / s``).

    ``steps`` is a :class:`quantviz.studies.lessons.NotesSteps`; the keys are "1", "scale",
    "2", "z", "3", "4", "dequantize", "zero" and "pytorch" (PyTorch's ``Z`` and code beside
    them). Equation (4) has no clamp, so "4" states the bare code even when it leaves
    ``[0, 2^n - 1]``. ``words`` holds the :data:`WORDS` in the page's language (the arrows of
    "zero").
    """
    s = steps
    return {
        "1": (rf"q = \operatorname{{round}}\!\left(({_num(s.x_f)}{_signed(-s.x_min)})"
              rf"\times\frac{{{s.top}}}{{{_num(s.x_max)}{_signed(-s.x_min)}}}\right)"
              rf" = \operatorname{{round}}({_num(s.t1)}) = {s.q1}"),
        "scale": (rf"s = \frac{{{_num(s.x_max)}{_signed(-s.x_min)}}}{{{s.top}}}"
                  rf" = {_num(s.scale)}"),
        "2": (rf"\frac{{x}}{{s}} = {_num(s.x_over_scale)},\qquad "
              rf"-\frac{{x_{{\min}}}}{{s}} = {_num(s.z_exact)}"),
        "z": rf"Z = -\frac{{{_num(s.x_min)}}}{{{_num(s.scale)}}} = {_num(s.z_exact)}",
        "3": (rf"q = \operatorname{{round}}({_num(s.x_over_scale)}{_signed(s.z_exact)})"
              rf" = \operatorname{{round}}({_num(s.t3)}) = {s.q3}"),
        "4": (rf"Z = \operatorname{{round}}({_num(s.z_exact)}) = {s.z},\quad "
              rf"q = \operatorname{{round}}({_num(s.x_over_scale)}){_signed(s.z)}"
              rf" = {s.q4}"),
        "dequantize": (rf"\hat{{x}} = {_num(s.scale)} \times ({s.q4}{_signed(-s.z)})"
                       rf" = {_num(s.x_hat)},\qquad -s\cdot Z"
                       rf" = {_num(-s.scale * s.z)}"),
        "zero": (rf"0.0 \xrightarrow{{{_word(words, 'quantize')}}} Z = {s.z}"
                 rf" \xrightarrow{{{_word(words, 'dequantize')}}} {_num(s.scale)}"
                 rf" \times ({s.z}{_signed(-s.z)})"
                 rf" = {_num(s.scale * (s.z - s.z))}"),
        "pytorch": (rf"s = {_num(s.pt_scale)},\quad Z = {s.pt_zero_point},\quad "
                    rf"q = {s.pt_code},\quad \hat{{x}} = {_num(s.pt_x_hat)}"),
    }


def worked_conventions(x0: float, qp: QParams) -> dict[str, str]:
    """One value ``x0`` quantized and dequantized in every zero-point convention.

    Keys "pytorch", "notes", "aimet", "multiplier", "nncf"; every line states the same code
    ``q`` (NNCF's codes start at 0, so it states ``q - qmin``) and the same ``x_hat``, both
    computed by :mod:`quantviz.quantize`. A value beyond the grid shows its unclipped code
    an arrow to the clamped one (``+\\infty`` when ``x0 / scale`` overflows float32, as
    ``3e38 / (4/255)`` does). The two lines of PyTorch's and the notes' (quantize, then
    dequantize) are stacked, so neither runs off a page. Each line keeps its convention's own
    operator: the notes'
    ``- zp`` and ``+ zp``, AIMET's ``+ offset``, the multiplier form's ``- zp``, a negative
    number in parentheses (``- (-64)``, see :func:`_operand`). Per-tensor ``qp`` only.
    """
    f = zero_point_forms(qp)
    x = np.array([x0], dtype=np.float32)
    q = int(quantize(x, qp)[0])
    with np.errstate(over="ignore"):  # x0 = 3e38 over a small scale: x0 / scale is inf
        u_f = float(unclipped_codes(x, qp, None, None)[0])
    u = int(u_f) if np.isfinite(u_f) else (r"+\infty" if u_f > 0 else r"-\infty")
    code = f"{q}" if u == q else rf"{u} \to {q}"
    x_hat = _num(float(dequantize(np.array([q], dtype=qp.config.dtype), qp)[0]))
    xs, s = _num(x[0]), _num(f.scale)
    frac = rf"\operatorname{{round}}\!\left(\frac{{{xs}}}{{{s}}}\right)"
    return {
        "pytorch": stacked([rf"q = {frac}{_signed(f.zero_point)} = {code}",
                            rf"\hat{{x}} = ({q}{_signed(-f.zero_point)})\times {s} = {x_hat}"]),
        "notes": stacked([rf"x_q = {frac} - {_operand(f.zp_notes)} = {code}",
                          rf"x_f = {s}\times({q} + {_operand(f.zp_notes)}) = {x_hat}"]),
        "aimet": (rf"\mathrm{{offset}} = {f.offset_aimet},\quad \hat{{x}} = ({q}"
                  rf" + {_operand(f.offset_aimet)})\times {s} = {x_hat}"),
        "multiplier": (rf"m = {_num(f.multiplier)},\quad q = \operatorname{{round}}"
                       rf"({_num(f.multiplier)}\times {xs} - {_operand(f.zp_notes)}) = {code}"),
        "nncf": (rf"\ell = {_num(f.input_low)},\ h = {_num(f.input_high)},\ "
                 rf"\mathrm{{levels}} = {f.levels}:\quad q - q_{{\min}} = {q - qp.qmin}"),
    }


def worked_dot(terms) -> str:
    """:data:`MATMUL_EXPANSION` with the numbers of a :class:`quantviz.studies.lessons.DotTerms`."""
    t = terms
    return (rf"{t.direct} = {t.qq} - {t.z_x}\times {t.sum_qw} - {t.z_w}\times {t.sum_qx}"
            rf" + {t.n}\times {t.z_w}\times {t.z_x}")


def worked_padding(result) -> str:
    """:data:`PADDING_ZERO` with the numbers of a
    :class:`quantviz.studies.lessons.PaddingResult` (``Z`` unrounded, PyTorch's sign)."""
    r = result
    code = int(np.rint(r.z_exact))
    return (rf"\hat{{0}} = {_num(r.scale)} \times ({code}{_signed(-r.z_exact)})"
            rf" = {_num(r.pad_exact)}")

# --- Outliers page: scales inside and outside the integer sum, SmoothQuant, rotation --------
# (their notes, in each language, are the page's text: outliers.fold.token / .channel)
FOLD_TOKEN = r"Y_{ik} \approx \sum_j (a_i\,q_{ij})(t_k\,r_{jk}) = a_i\,t_k \sum_j q_{ij}\,r_{jk}"
FOLD_CHANNEL = (r"Y_{ik} \approx \sum_j (c_j\,q_{ij})(t_k\,r_{jk}) = "
                r"t_k \sum_j c_j\,q_{ij}\,r_{jk}")
SMOOTH = (r"s_j = \frac{\max_i |X_{ij}|^{\alpha}}{\max_k |W_{jk}|^{1-\alpha}},\qquad "
          r"Y = \left(X\,\mathrm{diag}(s)^{-1}\right)\left(\mathrm{diag}(s)\,W\right)")
ROTATE = r"Y = X W = (X R)(R^{\top} W),\qquad R R^{\top} = I"


# --- Layer page: FBGEMM's requantization, as run (PyTorch 2.13 quantized Linear on x86) ------
FBGEMM_BIAS_TENSOR = r"b' = b \cdot \mathrm{fl}(1/(x_s w_s))"
FBGEMM_BIAS_CHANNEL = r"b / (x_s w_{s,j})"


def fbgemm_output(qmin: int, qmax: int) -> str:
    """FBGEMM's output code ``y_q = clip(rint(fl(fl(acc + b') * M)) + y_zp, qmin, qmax)``,
    every step in float32 (``fl``), clipped to the output's integer range ``[qmin, qmax]``."""
    return (r"y_q = \mathrm{clip}(\mathrm{rint}(\mathrm{fl}(\mathrm{fl}(\mathrm{acc} + b')"
            rf" \cdot M)) + y_{{zp}},\ {qmin},\ {qmax})")
