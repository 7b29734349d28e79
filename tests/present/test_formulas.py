"""The LaTeX of the formulas and the worked example: the numbers it shows are the code's own."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quantviz.present import formulas
from quantviz.present.formulas import _num, worked_notes, worked_quantize
from quantviz.quantize import (
    ARITHMETICS,
    QuantConfig,
    compute_qparams,
    dequantize,
    quantize,
    unclipped_codes,
)

#: The words inside formulas as the English page passes them, and as the Chinese one does.
WORDS_EN = {"quantize": "quantize", "dequantize": "dequantize", "signed": "signed",
            "codes_used": "codes used"}
WORDS_ZH = {"quantize": "量化", "dequantize": "反量化", "signed": "有符号",
            "codes_used": "已用码数"}

CONSTANTS = {name: value for name, value in vars(formulas).items()
             if name.isupper() and isinstance(value, str)}


def _last_number(line: str) -> str:
    """The text after the last ``=`` of a LaTeX line or stacked block (the result it states)."""
    return line.rsplit("=", 1)[1].strip().removesuffix(r"\end{gathered}")


def _balanced(latex: str) -> bool:
    depth = 0
    for ch in latex.replace(r"\{", "").replace(r"\}", ""):
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0


def test_every_formula_constant_has_balanced_braces():
    assert len(CONSTANTS) >= 20
    for name, latex in CONSTANTS.items():
        assert _balanced(latex), name
        # \left( pairs with \right) (not \leftarrow / \rightarrow)
        lefts = re.findall(r"\\left(?![a-z])", latex)
        assert len(lefts) == len(re.findall(r"\\right(?![a-z])", latex)), name


def test_the_notes_and_pytorch_zero_points_are_linked_by_a_sign():
    assert formulas.CONVENTION_LINK == "zp = -Z"
    assert "+ Z" in formulas.QUANTIZE
    assert "- zp" in formulas.NOTES_4


def test_the_taught_derivation_adds_z_and_never_names_zp():
    # the Learn page teaches one convention: equations (3) and (4) add Z, as PyTorch does
    taught = {name: latex for name, latex in CONSTANTS.items()
              if name.startswith("DERIVE_") or name in ("CLAMP_UNSIGNED", "PADDING_ZERO")}
    assert len(taught) == 9
    assert r"\frac{x}{s} + Z" in formulas.DERIVE_3
    assert r"\right) + Z" in formulas.DERIVE_4 and r"\right) + Z" in formulas.CLAMP_UNSIGNED
    assert formulas.DERIVE_Z == r"Z = -\frac{x_{\min}}{s}"
    for name, latex in taught.items():
        assert "zp" not in latex and "scale" not in latex and "x_f" not in latex, name


@pytest.mark.parametrize("value, text", [
    (0.5, "0.5"),
    (3.0, "3"),
    (-2.5e-12, r"-2.5\times 10^{-12}"),
    (3e38, r"3\times 10^{38}"),
    (float("inf"), r"\infty"),
    (float("-inf"), r"-\infty"),
])
def test_num_writes_floats_as_latex(value, text):
    assert _num(value) == text


def test_worked_quantize_by_hand_uint8_minus_one_to_one():
    # PyTorch in float32: scale = f32(2/255) = 0.00784313772; -1/scale = -127.49999 (float32
    # rounding), rint -> -127, so Z = 0 - (-127) = 127. 1/scale in float32 = 127.499992.
    # x = 0.5: 0.5 * 127.499992 = 63.7499962 -> round 64 -> q = 64 + 127 = 191;
    # x_hat = (191 - 127) * scale = 64 * 0.00784313772 = 0.501960814.
    qp = compute_qparams(-1.0, 1.0, QuantConfig())
    lines = worked_quantize(0.5, qp)
    assert lines[0] == (r"s = 0.00784313772,\quad Z = 127,\quad [q_{\min}, q_{\max}] = "
                        r"[0, 255]")
    assert lines[1] == r"\frac{x}{s} = 0.5 \times 127.499992 = 63.7499962"
    assert _last_number(lines[2]) == "64"
    assert lines[3] == r"q = \operatorname{clip}(64 + 127,\ 0,\ 255) = 191"
    assert _last_number(lines[4]) == "0.501960814"
    assert _last_number(lines[5]) == "0.001960814"


def test_worked_quantize_textbook_divides_in_float64():
    # float64: scale = 2/255 = 0.00784313725..., -1/scale = -127.5 exactly, rint -> -128 (half
    # to even), Z = 128: one more than PyTorch's float32 path. 0.5 / scale = 63.75 -> 64.
    qp = compute_qparams(-1.0, 1.0, QuantConfig(arithmetic="textbook"))
    lines = worked_quantize(0.5, qp)
    assert r"Z = 128" in lines[0]
    assert lines[1] == r"\frac{x}{s} = \frac{0.5}{0.00784313725} = 63.75"
    assert _last_number(lines[3]) == "192"


def test_worked_notes_by_hand_shows_the_missing_clamp():
    # Same parameters; x = 3: 3 * 127.499992 = 382.49997 -> 382, + 127 = 509 > 255. The notes
    # have no clamp, so their x_q is 509; kernels clip it to 255; x_f = 128 * scale.
    qp = compute_qparams(-1.0, 1.0, QuantConfig())
    lines = worked_notes(3.0, qp)
    assert lines[0] == "zp = -Z = -127"
    assert _last_number(lines[1]) == "509"
    assert lines[2] == r"\operatorname{clip}(509,\ 0,\ 255) = 255"
    assert lines[3] == r"x_f = 0.00784313772 \times (255 + (-127)) = 1.00392163"


def test_worked_notes_writes_the_notes_own_signs():
    # uint8 [-1, 3]: s = 4/255, Z = 64, the notes' zp = -64. x = 0.5: 0.5 / s = 31.875 -> 32;
    # the notes: x_q = 32 - zp = 32 - (-64) = 96, x_f = s * (x_q + zp) = s * (96 + (-64)) =
    # 32 * 0.0156862754 = 0.501960814. The old line read "+ 64" and "(96 - 64)": PyTorch's
    # signs, the very thing this line is there to contrast.
    qp = compute_qparams(-1.0, 3.0, QuantConfig())
    lines = worked_notes(0.5, qp)
    assert lines == [
        "zp = -Z = -64",
        r"x_q = \operatorname{round}\!\left(\frac{0.5}{0.0156862754}\right) - (-64) = 96",
        r"x_f = 0.0156862754 \times (96 + (-64)) = 0.501960814",
    ]
    # a signed grid gives a positive zp, written plainly: int8 [-1, 3], Z = -128 - round(-1 / s)
    # = -128 - round(-63.75) = -128 + 64 = -64, so zp = 64; 0.5 -> 32 - 64 = -32, and back
    # s * (-32 + 64) = 0.501960814
    qp = compute_qparams(-1.0, 3.0, QuantConfig(signed=True))
    assert int(qp.zero_point) == -64
    lines = worked_notes(0.5, qp)
    assert lines[1].endswith(r"\right) - 64 = -32")
    assert lines[2] == r"x_f = 0.0156862754 \times (-32 + 64) = 0.501960814"


def test_worked_notes_has_no_clip_line_inside_the_range():
    qp = compute_qparams(-1.0, 1.0, QuantConfig())
    lines = worked_notes(0.5, qp)
    assert len(lines) == 3
    assert not any("clip" in line for line in lines)


def test_a_value_that_overflows_float32_is_shown_as_infinity():
    qp = compute_qparams(-1.0, 1.0, QuantConfig())
    with np.errstate(over="ignore"):
        lines = worked_quantize(3e38, qp)
        notes = worked_notes(-3e38, qp)
    assert _last_number(lines[3]) == "255"
    assert r"\infty" in lines[1] and r"\infty" in notes[1]
    assert _last_number(notes[2]) == "0"


configs = st.builds(
    QuantConfig,
    bits=st.integers(2, 16),
    scheme=st.sampled_from(("asymmetric", "symmetric")),
    signed=st.booleans(),
    narrow_range=st.booleans(),
    rounding=st.sampled_from(("half_even", "half_away", "floor")),
    arithmetic=st.sampled_from(ARITHMETICS),
)
finite = st.floats(-1e4, 1e4, allow_nan=False, allow_infinity=False, width=32)


@settings(max_examples=150, deadline=None)
@given(cfg=configs, a=finite, b=finite, x0=finite)
def test_worked_example_states_quantize_and_dequantize_results(cfg, a, b, x0):
    qp = compute_qparams(min(a, b), max(a, b), cfg)
    x = np.array([x0], dtype=np.float32)
    q = int(quantize(x, qp)[0])
    x_hat = dequantize(np.array([q], dtype=cfg.dtype), qp)[0]
    unclipped = float(unclipped_codes(x, qp)[0])

    lines = worked_quantize(x0, qp)
    assert rf"Z = {int(qp.zero_point)}," in lines[0]
    assert _last_number(lines[2]) == _num(unclipped - int(qp.zero_point))
    assert int(_last_number(lines[3])) == q
    assert _last_number(lines[4]) == _num(x_hat)
    assert _last_number(lines[5]) == _num(np.float32(x_hat) - x[0])

    notes = worked_notes(x0, qp)
    assert notes[0] == f"zp = -Z = {-int(qp.zero_point)}"
    assert _last_number(notes[1]) == _num(unclipped)
    assert (len(notes) == 4) == (unclipped != q)
    assert _last_number(notes[-1]) == _num(x_hat)
    # the notes' own sign: "- zp" and "+ zp" with zp = -Z written as it is, a negative zp in
    # parentheses ("- (-64)"): the line never turns it into "+ 64"
    zp = -int(qp.zero_point)
    shown = f"({zp})" if zp < 0 else f"{zp}"
    assert rf"\right) - {shown} = " in notes[1]
    assert rf"({q} + {shown}) = " in notes[-1]
    for line in lines + notes:
        assert _balanced(line), line


# ---------------------------------------------------------------- the Learn page's lines


def test_worked_derivation_by_hand():
    from quantviz.present.formulas import worked_derivation
    from quantviz.studies.lessons import notes_steps

    # [-1, 3], 8 bits, x = 0.5: s = 4/255 = 0.0156862745, Z = -(-1) / s = 63.75 -> 64,
    # x/s = 31.875 -> 32, q = 32 + 64 = 96, x_hat = 0.0156862745 * (96 - 64) = 0.50196
    lines = worked_derivation(notes_steps(0.5, -1.0, 3.0, 8), WORDS_EN)
    assert _last_number(lines["1"]) == "96"
    assert _last_number(lines["scale"]) == "0.0156862745"
    assert lines["scale"].startswith("s = ")
    assert _last_number(lines["2"]) == "63.75"  # -x_min / s, the value Z takes next
    assert lines["z"] == r"Z = -\frac{-1}{0.0156862745} = 63.75"
    assert r"\operatorname{round}(31.875 + 63.75)" in lines["3"]
    assert _last_number(lines["3"]) == "96"
    assert r"Z = \operatorname{round}(63.75) = 64" in lines["4"]
    assert r"\operatorname{round}(31.875) + 64 = 96" in lines["4"]
    assert r"(96 - 64) = 0.501960784" in lines["dequantize"]
    # the constant -s Z = -64 * 4/255 = -1.00392157 (the notes' "bias")
    assert _last_number(lines["dequantize"]) == "-1.00392157"
    assert "Z = 64" in lines["zero"] and "(64 - 64) = 0" in lines["zero"]
    assert "Z = 64" in lines["pytorch"]
    assert not any("zp" in line for line in lines.values())
    for line in lines.values():
        assert _balanced(line)
        assert not re.search(r"\\q?quad[A-Za-z]", line)  # "\quadx" would not render


def test_worked_padding_by_hand():
    from quantviz.present.formulas import worked_padding
    from quantviz.studies.lessons import padded_convolution

    # signal [-0.5, 2.5], 2 bits: s = 3 / 3 = 1, Z = -(-0.5) / 1 = 0.5 left unrounded;
    # 0.0 -> round(0 + 0.5) = 0 (half to even) -> 1 * (0 - 0.5) = -0.5
    r = padded_convolution(np.array([-0.5, 2.5]), np.array([1.0, 1.0, 1.0]), 2)
    assert worked_padding(r) == r"\hat{0} = 1 \times (0 - 0.5) = -0.5"


def test_worked_conventions_state_one_code_and_one_value():
    from quantviz.present.formulas import worked_conventions

    # uint8 [-1, 3]: Z = 64, x = 0.5 -> round(31.875) + 64 = 96; NNCF counts from qmin = 0
    qp = compute_qparams(-1.0, 3.0, QuantConfig(8, "asymmetric"))
    lines = worked_conventions(0.5, qp)
    assert set(lines) == {"pytorch", "notes", "aimet", "multiplier", "nncf"}
    x_hat = formulas._num(float(dequantize(np.array([96], dtype=np.uint8), qp)[0]))
    for key in ("pytorch", "notes", "aimet"):
        assert _last_number(lines[key]) == x_hat, key
    assert "+ 64 = 96" in lines["pytorch"] and "- -64" not in lines["notes"]
    assert "offset = -64" in lines["aimet"].replace(r"\mathrm{offset}", "offset")
    # each convention in its own form, zp = offset = -Z = -64: the notes subtract zp and add it
    # back, AIMET adds its offset, the multiplier form subtracts zp; never "+ 64" or "(96 - 64)"
    assert r"\right) - (-64) = 96" in lines["notes"]
    assert r"\times(96 + (-64)) = 0.501960814" in lines["notes"]
    # quantize and dequantize on two lines of one block: the notes' pair does not fit one line
    # of a page 1280 px wide
    assert lines["notes"].startswith(r"\begin{gathered}x_q = ") and r" \\[0.4em] x_f = " in \
        lines["notes"]
    assert r"(96 + (-64))\times 0.0156862754" in lines["aimet"]
    assert r"\times 0.5 - (-64)) = 96" in lines["multiplier"]
    for key in ("notes", "aimet", "multiplier"):
        assert "+ 64" not in lines[key] and "96 - 64" not in lines[key], key
    assert _last_number(lines["multiplier"]) == "96"
    assert _last_number(lines["nncf"]) == "96"
    # beyond the grid: 4.0 -> round(255.0) + 64 = 319, clamped to 255
    assert r"319 \to 255" in worked_conventions(4.0, qp)["pytorch"]


def test_worked_dot_states_every_term():
    from quantviz.present.formulas import worked_dot
    from quantviz.studies.lessons import dot_terms

    # (1-1)(4-2) + (2-1)(5-2) + (3-1)(6-2) = 11 = 32 - 2*6 - 1*15 + 3*1*2
    line = worked_dot(dot_terms(np.array([1, 2, 3]), 1, np.array([4, 5, 6]), 2))
    assert line == r"11 = 32 - 2\times 6 - 1\times 15 + 3\times 1\times 2"


def test_stacked_joins_lines_into_one_gathered_block():
    from quantviz.present.formulas import stacked

    block = stacked(["a = 1", "b = 2"])
    assert block == r"\begin{gathered}a = 1 \\[0.4em] b = 2\end{gathered}"


@pytest.mark.parametrize(
    ("cfg", "present", "absent"),
    [
        # uint8 affine: [0, 255], scale over the widened range, zero point by rounding
        (QuantConfig(8, "asymmetric"), ["INT_RANGE_UNSIGNED", "ZERO_POINT_ASYMMETRIC"],
         ["scale_symmetric", "ZERO_POINT_SYMMETRIC_UNSIGNED"]),
        # int8 symmetric: Z = 0, no zero-point formula
        (QuantConfig(8, "symmetric", True), ["INT_RANGE_SIGNED", "scale_symmetric"],
         ["ZERO_POINT_ASYMMETRIC", "ZERO_POINT_SYMMETRIC_UNSIGNED"]),
        (QuantConfig(8, "symmetric", True, True), ["INT_RANGE_NARROW"], ["INT_RANGE_SIGNED"]),
        # unsigned symmetric: the midpoint zero point
        (QuantConfig(8, "symmetric", False), ["ZERO_POINT_SYMMETRIC_UNSIGNED"],
         ["ZERO_POINT_ASYMMETRIC"]),
        (QuantConfig(8, "asymmetric", False, True), ["INT_RANGE_UNSIGNED_NARROW"],
         ["INT_RANGE_UNSIGNED"]),
    ],
)
def test_definitions_follow_the_config(cfg, present, absent):
    from quantviz.present import formulas

    def formula(name: str) -> str:
        value = getattr(formulas, name)
        return value if isinstance(value, str) else value(WORDS_EN)

    lines = formulas.definitions(cfg, WORDS_EN)
    for name in present:
        assert formula(name) in lines
    for name in absent:
        assert formula(name) not in lines
    for shared in ("QUANTIZE", "DEQUANTIZE", "MSE", "SQNR", "UNIFORM_NOISE", "effective_bits"):
        assert formula(shared) in lines


# ---------------------------------------------------------------- words inside formulas


def test_no_formula_constant_carries_a_word():
    # a word in \text{...} would show in English on the Chinese page: words are passed in
    for name, latex in CONSTANTS.items():
        assert r"\text{" not in latex, name


def _every_worded_formula(words: dict) -> list[str]:
    from quantviz.present.formulas import definitions, effective_bits, scale_symmetric, zero_trip
    from quantviz.studies.lessons import notes_steps

    return (definitions(QuantConfig(8, "symmetric", True), words)
            + list(formulas.worked_derivation(notes_steps(0.5, -1.0, 3.0, 8), words).values())
            + [zero_trip(words), scale_symmetric(words), effective_bits(words)])


def test_the_chinese_words_replace_every_english_one():
    shown = "\n".join(_every_worded_formula(WORDS_ZH))
    texts = re.findall(r"\\text\{([^}]*)\}", shown)
    # signed, codes used, and the two arrows of 0.0 twice (the notes' line and the worked one)
    assert sorted(texts) == sorted(["有符号", "已用码数", "已用码数", "量化", "反量化",
                                    "量化", "反量化", "有符号"])
    for word in WORDS_EN.values():
        assert word not in shown
    english = "\n".join(_every_worded_formula(WORDS_EN))
    assert r"\xrightarrow{\text{quantize}}" in english and r"\text{signed}" in english


def test_a_missing_word_is_a_value_error_naming_it():
    with pytest.raises(ValueError, match="codes_used"):
        formulas.effective_bits({"quantize": "q"})


def test_the_sqnr_slope_is_20_log10_2():
    # 20 * log10(2) = 6.0206 dB per bit, to two decimals 6.02
    assert r"\approx 6.02\," in formulas.SQNR_PER_BIT
