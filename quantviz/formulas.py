"""The LaTeX of every formula the app shows, written once (for ``st.latex``).

Constants hold the general formulas; the ``worked_*`` functions fill in the numbers of one
value going through quantize and dequantize, computed by :mod:`quantviz.quantize` so that the
page shows exactly what the code does.
"""

from __future__ import annotations

import numpy as np

from quantviz.quantize import QParams, dequantize, quantize, unclipped_codes, zero_point_forms

# --- PyTorch / ONNX / TFLite convention: q = round(x / scale) + zero_point -------------------
QUANTIZE = (r"q = \operatorname{clip}\!\left(\operatorname{round}\!\left(\frac{x}{s}\right)"
            r" + Z,\ q_{\min},\ q_{\max}\right)")
DEQUANTIZE = r"\hat{x} = (q - Z)\cdot s"
RANGE_WITH_ZERO = (r"x_{\min}' = \min(x_{\min}, 0),\qquad x_{\max}' = \max(x_{\max}, 0)")
SCALE_ASYMMETRIC = r"s = \frac{x_{\max}' - x_{\min}'}{q_{\max} - q_{\min}}"
ZERO_POINT_ASYMMETRIC = (r"Z = \operatorname{clip}\!\left(q_{\min} - "
                         r"\operatorname{round}\!\left(\frac{x_{\min}'}{s}\right),"
                         r"\ q_{\min},\ q_{\max}\right)")
SCALE_SYMMETRIC = (r"s = \frac{\max(|x_{\min}'|, |x_{\max}'|)}{(q_{\max} - q_{\min})/2},"
                   r"\qquad Z = 0")
INT_RANGE_SIGNED = r"q \in [-2^{b-1},\ 2^{b-1}-1]"
INT_RANGE_NARROW = r"q \in [-2^{b-1}+1,\ 2^{b-1}-1]"
INT_RANGE_UNSIGNED = r"q \in [0,\ 2^{b}-1]"

# --- the source notes' derivation (unsigned grid, zp = round(x_min / scale)) -----------------
NOTES_1 = (r"x_q = \operatorname{round}\!\left((x_f - x_f^{\min})\,"
           r"\frac{2^n-1}{x_f^{\max} - x_f^{\min}}\right)")
NOTES_SCALE = r"scale = \frac{x_f^{\max} - x_f^{\min}}{2^n - 1}"
NOTES_2 = (r"x_q = \operatorname{round}\!\left(\frac{x_f - x_f^{\min}}{scale}\right)"
           r" = \operatorname{round}\!\left(\frac{x_f}{scale} - \frac{x_f^{\min}}{scale}\right)")
NOTES_ZP = r"zp = \frac{x_f^{\min}}{scale}"
NOTES_3 = r"x_q = \operatorname{round}\!\left(\frac{x_f}{scale} - zp\right)"
NOTES_4 = (r"zp \leftarrow \operatorname{round}(zp):\quad x_q = "
           r"\operatorname{round}\!\left(\frac{x_f}{scale}\right) - zp")
NOTES_DEQUANTIZE = r"x_f = scale \times (x_q + zp) = scale \times x_q + bias"
NOTES_ZERO = (r"0.0 \xrightarrow{\text{quantize}} -zp \xrightarrow{\text{dequantize}} 0.0")
CONVENTION_LINK = r"zp = -Z"

# --- error measures ---------------------------------------------------------------------
MSE = r"\mathrm{MSE} = \frac{1}{N}\sum_i (\hat{x}_i - x_i)^2"
SQNR = (r"\mathrm{SQNR} = 20\log_{10}\frac{\lVert x\rVert_2}{\lVert x - \hat{x}\rVert_2}"
        r"\ \mathrm{dB}")
UNIFORM_NOISE = r"\mathbb{E}\left[(\hat{x} - x)^2\right] \approx \frac{s^2}{12}"
SQNR_PER_BIT = r"\mathrm{SQNR} \approx 6.02\,b + c\ \mathrm{dB}"
EFFECTIVE_BITS = r"b_{\mathrm{eff}} = \log_2(\text{codes used})"


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


def worked_quantize(x0: float, qp: QParams) -> list[str]:
    """LaTeX lines taking ``x0`` through quantize and dequantize with ``qp``'s numbers.

    Follows the code path exactly: ``t = x0 * (1/s)`` (the reciprocal PyTorch multiplies by),
    ``round``, ``+ Z``, ``clip``; then ``x_hat = (q - Z) * s`` and the error. Per-tensor only.
    """
    forms = zero_point_forms(qp)
    x = np.array([x0], dtype=np.float32)
    q = int(quantize(x, qp)[0])
    x_hat = float(dequantize(np.array([q], dtype=qp.config.dtype), qp)[0])
    if qp.config.arithmetic == "textbook":
        t = float(x[0]) / forms.scale
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
        rf"\right) {'-' if zp >= 0 else '+'} {abs(zp)} = {_num(unclipped)}",
    ]
    if unclipped != q:
        lines.append(rf"\operatorname{{clip}}({_num(unclipped)},\ {qp.qmin},\ {qp.qmax}) = {q}")
    lines.append(rf"x_f = {_num(forms.scale)} \times ({q} {'+' if zp >= 0 else '-'} {abs(zp)})"
                 rf" = {_num(x_hat)}")
    return lines
