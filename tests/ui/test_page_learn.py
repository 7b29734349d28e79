"""The Learn page under Streamlit's AppTest: every control, the three questions, links, languages.

Expected numbers come from the core (quantviz.studies.lessons, quantviz.present.formulas), so each
test checks that the page shows what the core computes for the controls it was given.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from quantviz.present import formulas
from quantviz.quantize import QuantConfig, compute_qparams
from quantviz.studies import lessons
from quantviz.ui.i18n import TABLE
from tests.helpers import charts_by_title, en, english_in_formulas, markdown, metric, ok, zh


@pytest.fixture
def page(run_page):
    """``page(**query)`` runs the Learn page with the query string ``query``."""
    return lambda **query: run_page("learn", query)


#: The words inside the formulas, as the English page passes them.
WORDS_EN = {word: en(f"formula.{word}") for word in formulas.WORDS}


def latex(at) -> list[str]:
    """The LaTeX bodies on the page (``st.latex`` wraps them in ``$$``)."""
    return [m.value.strip().strip("$").strip() for m in at.latex]


def table(at, i: int) -> list[dict]:
    return at.table[i].value.to_dict("records")


# --- the default view ------------------------------------------------------------------------


def test_default_run_follows_the_notes_with_the_cores_numbers(page):
    at = page()
    lines = formulas.worked_derivation(lessons.notes_steps(0.5, -1.0, 3.0, 8), WORDS_EN)
    shown = latex(at)
    for key in ("1", "scale", "2", "z", "3", "4", "dequantize", "zero", "pytorch"):
        assert lines[key] in shown, key
    for constant in ("DERIVE_1", "DERIVE_SCALE", "DERIVE_2", "DERIVE_Z", "DERIVE_3", "DERIVE_4",
                     "DERIVE_DEQUANTIZE", "QUANTIZE", "DEQUANTIZE", "NOTES_4", "NOTES_DEQUANTIZE",
                     "MATMUL_EXPANSION", "CLAMP_UNSIGNED", "PADDING_ZERO", "CONVENTION_LINK"):
        assert getattr(formulas, constant) in shown, constant
    assert formulas.zero_trip(WORDS_EN) in shown
    headers = [h.value for h in at.header]
    assert headers == [en(f"learn.s{i}.heading") for i in range(1, 9)]
    assert set(charts_by_title(at)) == {"Asymmetric, unsigned 8-bit", "Symmetric, signed 8-bit",
                                        en("learn.fig.pad.title")}
    assert at.query_params == {}


def _main_path(at) -> str:
    """Every sentence and formula of the page outside the "Other conventions" expander."""
    others = [e for e in at.expander if e.label == en("learn.s5.others")]
    assert len(others) == 1
    inside = {m.value for m in others[0].markdown} | {m.value for m in others[0].latex}
    inside |= {i.value for i in others[0].info} | {c.value for c in others[0].caption}
    shown = [m.value for m in at.markdown] + [m.value for m in at.latex]
    shown += [i.value for i in at.info] + [w.value for w in at.warning]
    return "\n".join(v for v in shown if v not in inside)


@pytest.mark.parametrize("query", [{}, {"ex_min": 1, "ex_max": 3}, {"ex_min": -1, "ex_max": 1}])
def test_one_convention_on_the_main_path_the_notes_zp_only_on_request(page, query):
    # the page teaches PyTorch's Z, added; the notes' zp (subtracted) lives in the expander
    at = page(**query)
    main = _main_path(at)
    assert re.search(r"\bzp\b", main) is None, re.findall(r".{60}\bzp\b.{20}", main)
    assert "x_f" not in main and "x_q" not in main
    # section 2's equations (3) and (4) add Z; their first formula carries no sign at all
    shown = latex(at)
    eq = {key: shown.index(getattr(formulas, f"DERIVE_{key}")) for key in ("1", "3", "4")}
    assert eq["1"] < eq["3"] < eq["4"]
    assert r"\frac{x}{s} + Z" in shown[eq["3"]] and r"\right) + Z" in shown[eq["4"]]
    assert "- zp" not in "".join(shown[:eq["4"] + 2])
    # the expander holds the notes' zp with its exact link to Z
    others = next(e for e in at.expander if e.label == en("learn.s5.others"))
    inner = "\n".join(m.value for m in others.markdown)
    assert "**The notes' zp.**" in inner and formulas.CONVENTION_LINK in [
        m.value.strip().strip("$").strip() for m in others.latex]


def test_terms_are_defined_before_the_page_uses_them(page):
    # reading top to bottom: code, step, scale and Z are defined (in bold) in section 1
    # before the first caption or formula that uses them
    at = page()
    first = at.markdown[[m.value for m in at.markdown].index(en("learn.s1.asym"))].value
    for term in ("**code**", "**step**", "**scale**", "**zero point** Z"):
        assert term in first, term
    texts = [m.value for m in at.markdown]
    assert texts.index(en("learn.s1.asym")) < texts.index(en("learn.s2.eqz"))


def test_the_two_pictures_state_the_cores_mapping(page):
    at = page()
    for cfg, title in ((QuantConfig(8, "asymmetric"), "Asymmetric, unsigned 8-bit"),
                       (QuantConfig(8, "symmetric", signed=True), "Symmetric, signed 8-bit")):
        pic = lessons.mapping_picture(-1.0, 3.0, cfg)
        caption = en("learn.s1.caption", scale=f"{pic.scale:.6g}", Z=pic.zero_point,
                     lo=pic.code_lo, hi=pic.code_hi, used=pic.levels - pic.wasted,
                     levels=pic.levels, wasted=pic.wasted)
        assert caption in [c.value for c in at.caption], title
        texts = [t for tr in charts_by_title(at)[title]["data"] for t in (tr.get("text") or [])]
        assert f"Z = {pic.zero_point}" in texts and f"q_max = {pic.qmax}" in texts
    # symmetric on [-1, 3]: codes -42 .. 127 reachable, 86 wasted
    assert "86 wasted" in at.caption[2].value


def test_the_conventions_agree_on_one_code(page):
    at = page()
    qp = compute_qparams(-1.0, 3.0, QuantConfig(8, "asymmetric"))
    lines = formulas.worked_conventions(0.5, qp)
    assert all(line in latex(at) for line in lines.values())
    rows = table(at, 0)
    assert rows[0]["value"] == f"{float(qp.scale):.6g}, 64" and rows[1]["value"].endswith("-64")


# --- the example in the sidebar --------------------------------------------------------------


def test_example_range_value_and_bits(page):
    at = page()
    at.number_input(key="ex_min").set_value(-0.4).run()
    at.number_input(key="ex_max").set_value(0.6).run()
    at.number_input(key="ex_x").set_value(0.1).run()
    at.slider(key="bits").set_value(2).run()
    ok(at)
    steps = lessons.notes_steps(0.1, -0.4, 0.6, 2)
    assert formulas.worked_derivation(steps, WORDS_EN)["4"] in latex(at)
    # rounding the zero point first moves this code: eq. 3 gives 2, eq. 4 gives 1
    assert en("learn.s2.differ", q3=2, q4=1, frac="0.2") in markdown(at)
    assert at.query_params == {"ex_min": "-0.4", "ex_max": "0.6", "ex_x": "0.1", "bits": "2"}


def test_an_inverted_range_warns_and_falls_back(page):
    at = page(ex_min=3, ex_max=1)
    assert at.warning[0].value == en("learn.ex_bad", lo="3", hi="1")
    steps = lessons.notes_steps(0.5, -1.0, 3.0, 8)
    assert formulas.worked_derivation(steps, WORDS_EN)["1"] in latex(at)


def test_the_bad_range_warning_names_what_divides_by_the_width():
    # s = (x_max - x_min) / (2^n - 1) divides the width by 2^n - 1, it does not divide by the
    # width; equation (1), round((x - x_min) (2^n - 1) / (x_max - x_min)), is what does
    for text, eq1, wrong in ((en("learn.ex_bad", lo="3", hi="1"),
                              "equation (1) divides by x_max − x_min", "scale divides by"),
                             (zh("learn.ex_bad", lo="3", hi="1"),
                              "式 (1) 要除以 x_max − x_min", "scale 要除以")):
        assert eq1 in text and wrong not in text
        assert "(x_max − x_min) / (2ⁿ − 1)" in text


def test_a_value_beyond_the_range_is_flagged(page):
    at = page(ex_x=5)
    steps = lessons.notes_steps(5.0, -1.0, 3.0, 8)  # 5 / (4/255) = 318.75 -> 319 + 64 = 383
    assert steps.q4 == 383
    assert en("learn.s2.outside", q=383, top=255) in [w.value for w in at.warning]
    assert "does not fit in [0, 255]" in markdown(at)


def test_a_range_without_zero_widens_in_pytorch(page):
    at = page(ex_min=1, ex_max=3)
    steps = lessons.notes_steps(0.5, 1.0, 3.0, 8)
    # PyTorch widens [1, 3] to [0, 3]: Z = 0; equation (4) on [1, 3]: Z = -round(127.5) = -128
    assert (steps.pt_zero_point, steps.z) == (0, -128)
    assert en("learn.s2.link_widened", Z=0, z=-128) in markdown(at)
    assert en("learn.s4.outside", Z=-128, top=255) in [w.value for w in at.warning]


def test_a_half_step_tipped_by_float32_is_named(page):
    # [-1, 1], 8 bits: -x_min / s = 1 / (2/255) = 127.5 in float64 -> rint 128 (half to even);
    # PyTorch's float32 1/scale gives 127.49999 -> 127
    at = page(ex_min=-1, ex_max=1)
    steps = lessons.notes_steps(0.5, -1.0, 1.0, 8)
    assert (steps.z_exact, steps.z, steps.pt_zero_point) == (127.5, 128, 127)
    assert en("learn.s2.link_tie", Z=127, z=128, exact="127.5") in markdown(at)
    assert (en("learn.s5.notes_zp", zp=-128, Z=127) + " "
            + en("learn.s5.notes_tie", exact="-127.5")) in markdown(at)


# --- section controls ------------------------------------------------------------------------


def test_padding_controls(page):
    at = page()
    box = np.array(lessons.KERNELS["box3"])
    r = lessons.padded_convolution(lessons.padding_signal(0.4), box, 4)
    assert metric(at, en("learn.s4.m_pad_exact")) == f"{r.pad_exact:.6g}"
    assert metric(at, en("learn.s4.m_pad_integer")) == "0"
    at.selectbox(key="pad_kernel").set_value("edge3").run()
    at.slider(key="pad_offset").set_value(0.25).run()
    at.slider(key="pad_bits").set_value(6).run()
    ok(at)
    r = lessons.padded_convolution(lessons.padding_signal(0.25), np.array(lessons.KERNELS["edge3"]),
                                   6)
    assert metric(at, en("learn.s4.m_pad_exact")) == f"{r.pad_exact:.6g}"
    assert metric(at, en("learn.s4.m_bias")) == f"{np.max(np.abs(r.bias_exact)):.6g}"
    assert formulas.worked_padding(r) in latex(at)
    pad = charts_by_title(at)[en("learn.fig.pad.title")]
    bars = [tr for tr in pad["data"] if tr["type"] == "bar"]
    assert [tr["name"] for tr in bars] == [en("learn.fig.pad.integer"), en("learn.fig.pad.exact")]
    assert at.query_params == {"pad_kernel": "edge3", "pad_offset": "0.25", "pad_bits": "6"}


def _in_order(node):
    """Every element under ``node``, in the order the page shows them (depth first)."""
    for child in getattr(node, "children", {}).values():
        yield child
        yield from _in_order(child)


def _shown(at) -> list[tuple[str, str]]:
    """``(type, text)`` of each text element of the main area, in page order: a metric's
    text is its label."""
    out = []
    for el in _in_order(at.main):
        if el.type == "metric":
            out.append(("metric", el.label))
        elif el.type in ("markdown", "latex"):
            out.append((el.type, el.value))
    return out


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_rms_and_n_are_defined_where_first_used(page, lang):
    # "RMS" (a padding metric) and the "N" of the dot-product expansion were used and never
    # defined: each now gets a plain line right where it first appears
    text = en if lang == "en" else zh
    shown = _shown(page(lang=lang))
    # N: the expansion ends "+ N Z_w Z_x"; the next text says what N is, with the example's
    # count: dot_example takes 4 activations and the 4 weights of DOT_WEIGHTS, so N = 4
    d_asym, _ = lessons.dot_example(-1.0, 3.0, 8)
    assert d_asym.n == len(lessons.DOT_WEIGHTS) == 4
    expansion = next(i for i, (kind, body) in enumerate(shown)
                     if kind == "latex" and formulas.MATMUL_EXPANSION in body)
    assert shown[expansion + 1] == ("markdown", text("learn.s1.terms", n=4))
    assert "N = 4" in shown[expansion + 1][1]
    # RMS: its first mention is the metric's label; the next text defines it
    label = text("learn.s4.m_rounding")
    first = next(i for i, (_, body) in enumerate(shown) if "RMS" in body or "均方根" in body)
    assert shown[first] == ("metric", label)
    after = next(e for e in shown[first + 1:] if e[0] != "metric")
    assert after == ("markdown", text("learn.s4.rms"))
    assert ("root mean square" if lang == "en" else "开平方") in after[1]


def test_padding_without_a_fractional_zero_point_says_so(page):
    at = page(pad_offset=-0.2, pad_bits=2)  # range [-1.2, 0.8], scale 2/3: zp = -1.8
    r = lessons.padded_convolution(lessons.padding_signal(-0.2), np.array(lessons.KERNELS["box3"]),
                                   2)
    assert r.pad_exact != 0 and en("learn.s4.result", pad=f"{r.pad_exact:.6g}",
                                   bias=f"{np.max(np.abs(r.bias_exact)):.6g}") in markdown(at)
    at = page(pad_offset=1.0, pad_bits=4)  # sine + 1 >= 0: range [0, 2], zp = 0 exactly
    assert en("learn.s4.result_none", z_exact="0") in markdown(at)


def test_zero_outside_controls(page):
    at = page()
    z = lessons.zero_outside(1.0, 3.0, 8)
    # [1, 3]: Z = -round(1 / (2/255)) = -round(127.5) = -128, outside [0, 255]
    assert en("learn.s6.zero.notes", scale=f"{z.scale:.6g}", code=-128, top=255,
              hat=f"{z.zero_hat_clamped:.6g}") in [w.value for w in at.warning]
    at.number_input(key="gap_min").set_value(-1.0).run()
    ok(at)
    assert en("learn.s6.zero.inside", code=64, top=255) in [i.value for i in at.info]
    at.number_input(key="gap_max").set_value(-2.0).run()
    assert en("learn.ex_bad", lo="-1", hi="-2") in [w.value for w in at.warning]


def test_clamping_control(page):
    at = page()
    c = lessons.clamping(4.0, -1.0, 3.0, 8)
    assert f"round(x / s) + Z = {c.code}" in markdown(at)  # 4 / (4/255) + 64 = 319
    assert f"wraps around to {c.wrapped}" in markdown(at)
    at.number_input(key="clamp_x").set_value(1.0).run()
    ok(at)
    assert en("learn.s6.clamp.fits", x="1", code=lessons.clamping(1.0, -1.0, 3.0, 8).code,
              lo="-1", hi="3") in [i.value for i in at.info]


def test_symmetric_ends_control(page):
    at = page()
    at.number_input(key="sym_amax").set_value(1.0).run()
    ok(at)
    full, narrow = lessons.symmetric_ends(1.0, 8)
    rows = table(at, 1)
    assert rows[0]["q(−max)"] == full.q_neg == -127  # float32: 1 * (1/scale) = -127.49999
    assert rows[1]["x_hat(+max)"] == f"{narrow.x_hat_pos:.9g}"
    # the half step it misses: -(qmax - qmin) / 2 = -(127 + 128) / 2 = -127.5
    assert en("learn.s6.sym.misses", qmin=-128, t=f"{full.t_neg:.9g}", half="-127.5") in (
        markdown(at))
    at.number_input(key="sym_amax").set_value(3.0).run()
    assert en("learn.s6.sym.reaches", qmin=-128, t="-127.5") in markdown(at)
    # amax 1 at 4 bits: 1 * (1/scale) = -7.4999995 misses -8; the sentence names
    # -(7 + 8) / 2 = -7.5, formatted in, not -127.5
    at.number_input(key="sym_amax").set_value(1.0).run()
    at.slider(key="bits").set_value(4).run()
    four, _ = lessons.symmetric_ends(1.0, 4)
    assert four.q_neg == -7 != four.qmin
    assert "a hair inside -7.5 after" in markdown(at)


def test_edge_case_gallery_controls(page):
    at = page()
    rows = table(at, 3)
    assert [r["tensor"] for r in rows] == [en(f"learn.edge.{k}") for k in lessons.EDGE_CASES]
    assert rows[0]["eps floor"] == "✓" and rows[0]["notes' scale"] == en("learn.edge.undefined")
    at.button_group(key="scheme").set_value("symmetric").run()
    at.toggle(key="signed").set_value(True).run()
    ok(at)
    const = lessons.edge_case("constant", QuantConfig(8, "symmetric", signed=True))
    row = table(at, 3)[1]
    assert row["q"] == ", ".join(map(str, const.q)) == "127, 127, 127, 127"
    assert row["max |x_hat − x|"] == f"{const.max_abs_error:.3g}"


# --- corrected statements: each checked against the core's numbers, in both languages ------


def infos(at) -> list[str]:
    return [i.value for i in at.info]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_zero_point_taught_as_z_and_the_notes_zp_on_request(page, lang):
    tr = en if lang == "en" else zh
    at = page(lang=lang) if lang == "zh" else page()
    steps = lessons.notes_steps(0.5, -1.0, 3.0, 8)  # Z = round(63.75) = 64; notes: zp = -64
    assert (steps.z, steps.zp, steps.zero_code, steps.pt_zero_point) == (64, -64, 64, 64)
    assert tr("learn.s2.eqz") in markdown(at) and tr("learn.s4.intro", Z=64) in markdown(at)
    assert tr("learn.s2.link_same", Z=64) in markdown(at)
    others = next(e for e in at.expander if e.label == tr("learn.s5.others"))
    inner = [m.value for m in others.markdown]
    assert tr("learn.s5.notes_zp", zp=-64, Z=64) in inner
    assert tr("learn.s5.slip") in [i.value for i in others.info]
    assert "`zeropoint`浮点数0.0量化后对应的整型数" in tr("learn.s5.slip")  # the notes' own words
    assert "设 zeropoint = x_f^min / scale" in tr("learn.s5.notes_zp")


@pytest.mark.parametrize("lang", [0, 1])
def test_the_notes_symbols_are_named_before_the_expander_uses_them(lang):
    # the main path writes x, q, s; the notes' x_f, x_q, scale and zp appear only in "Other
    # conventions", whose first paragraph must say what they stand for before using them
    text = (en if lang == 0 else zh)("learn.s5.notes_zp", zp=-64, Z=64)
    named = {0: ("x_f for x", "x_q for the code q", "scale for s", "(zp for short)"),
             1: ("把 x 写作 x_f", "把码 q 写作 x_q", "把 s 写作 scale", "简记为 zp")}[lang]
    for name in named:
        assert name in text, name
    first_use = min(text.index(sym) for sym in ("x_f^min", "x_q =", "−zp"))
    assert all(text.index(name) < first_use for name in named)


def test_zero_point_meanings_part_when_the_range_has_no_zero(page):
    at = page(ex_min=1, ex_max=3)
    steps = lessons.notes_steps(0.5, 1.0, 3.0, 8)  # zp = round(127.5) = 128, PyTorch Z = 0
    assert (steps.zp, steps.pt_zero_point) == (128, 0)
    want = (en("learn.s5.notes_zp", zp=128, Z=0) + " "
            + en("learn.s5.notes_widened", code=-128, top=255, Z=0))
    assert want in markdown(at)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_widening_is_the_calibrators_job(page, lang):
    tr = en if lang == "en" else zh
    at = page(lang=lang) if lang == "zh" else page()
    shown = markdown(at)
    assert tr("learn.s2.pytorch") in shown and tr("learn.s2.widening") in shown
    assert "compute_scale_zp" in tr("learn.s2.widening")
    assert "saturate(round(x / y_scale) + y_zero_point)" in tr("learn.s2.widening")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_symmetric_rules_table_for_the_current_amax(page, lang):
    tr = en if lang == "en" else zh
    at = page(lang=lang, sym_amax=2) if lang == "zh" else page(sym_amax=2)
    ok(at)
    rules = lessons.symmetric_rules(2.0, 8)
    rows = table(at, 2)
    assert [r[tr("learn.col.toolchain")] for r in rows] == [
        tr(f"learn.rule.{k}") for k in lessons.SYMMETRIC_RULES]
    assert [r[tr("learn.col.divisor")] for r in rows] == ["127.5", "127", "127", "127"]
    assert [r["scale"] for r in rows] == [f"{r.scale:.9g}" for r in rules]
    assert rows[0]["scale"] == f"{np.float32(2) / np.float32(127.5):.9g}"  # 0.0156862754
    assert rows[2]["scale"] == rows[3]["scale"] == f"{np.float32(2) / np.float32(127):.9g}"
    assert [r[tr("learn.col.range")] for r in rows] == [
        "-128 … 127", "-128 … 127", "-127 … 127", "-127 … 127"]
    ratio = f"{rules[1].scale / rules[0].scale:.6f}"  # 127.5 / 127 = 1.003937
    assert ratio == "1.003937"
    after = tr("learn.s6.rules.after", div_observer="127.5", div_fused="127", qmin=-128,
               qmax=127, ratio=ratio)
    assert after + " " + tr("learn.s6.rules.ort", ort_min=-127, ort_max=127) in markdown(at)
    assert tr("learn.s6.rules.sources") in [c.value for c in at.caption]


def test_symmetric_rules_floor_and_missing_onnxruntime(page):
    at = page(sym_amax=0.0001, bits=6)
    fused = {r.key: r for r in lessons.symmetric_rules(1e-4, 6)}["pytorch_fused"]
    text = markdown(at)
    assert en("learn.s6.rules.floor", floor=f"{fused.scale:.6g}", eps="1.19209e-07",
              steps=f"{fused.steps:.6g}") in text
    assert en("learn.s6.rules.no_ort", bits=6, ort_bits="4, 8, 16") in text
    assert len(table(at, 2)) == 3
    assert en("learn.s6.sym.text", bits=6, qmin=-32, qmax=31, nmin=-31, div_full="31.5",
              div_narrow="31") in text


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_pytorch_defaults_say_which_is_which(page, lang):
    tr = en if lang == "en" else zh
    at = page(lang=lang) if lang == "zh" else page()
    assert tr("learn.s7.defaults", r_min=0, r_max=127) in markdown(at)
    rows = table(at, 4)
    assert [(r[tr("learn.col.stage")], r[tr("learn.col.observer")]) for r in rows] == [
        (tr("learn.stage.ptq"), "HistogramObserver"),
        (tr("learn.stage.ptq"), "PerChannelMinMaxObserver"),
        (tr("learn.stage.qat"), "MovingAverageMinMaxObserver"),
        (tr("learn.stage.qat"), "MovingAveragePerChannelMinMaxObserver")]
    assert [r[tr("learn.col.codes")] for r in rows] == ["0 … 127", "-128 … 127"] * 2
    assert [r["reduce_range"] for r in rows] == [True, False, True, False]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_multiplier_form_carries_no_nvidia_zero_point(page, lang):
    tr = en if lang == "en" else zh
    at = page(lang=lang) if lang == "zh" else page()
    rows = table(at, 0)
    assert rows[3][tr("learn.col.parameter")] == "m = 1/scale, zp"
    assert rows[3][tr("learn.col.value")].endswith(", -64")
    assert "NVIDIA" not in tr("learn.conv.multiplier")
    assert tr("learn.s5.nvidia") in [c.value for c in at.caption]
    assert formulas.MULTIPLIER_QUANTIZE in latex(at)


def test_narrow_range_is_called_exact_only_when_it_is(page):
    # amax = 3: 127 * float32(3/127) = 3.0 exactly; amax = 63.632: 127 * float32(63.632/127)
    # = 63.632004 in float32, one ulp off, so the page must not say "exactly"
    at = page()
    assert en("learn.s6.sym.narrow_exact", qmin=-128) in markdown(at)
    at = page(sym_amax=63.632)
    _, narrow = lessons.symmetric_ends(63.632, 8)
    assert narrow.x_hat_pos != float(np.float32(63.632))
    assert en("learn.s6.sym.narrow_near", qmin=-128, nmax=127, pos=f"{narrow.x_hat_pos:.9g}",
              neg=f"{narrow.x_hat_neg:.9g}") in markdown(at)
    assert en("learn.s6.sym.narrow_exact", qmin=-128) not in markdown(at)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_question_labels_state_the_numbers_the_code_uses(lang):
    from quantviz.ui import learn
    tr = en if lang == "en" else zh
    bits = f"{learn.QUIZ_BITS} bits" if lang == "en" else f"{learn.QUIZ_BITS} 位"
    for key, (lo, hi) in learn.QUIZ_RANGES.items():
        assert tr(f"learn.q2.range.{key}").replace("−", "-") == f"[{lo:g}, {hi:g}]"
    for key, (_, lo, hi) in learn.QUIZ_CASES.items():
        label = tr(f"learn.q3.case.{key}").replace("−", "-")
        assert f"[{lo:g}, {hi:g}]" in label and bits in label, key


def test_degenerate_ranges_state_the_cores_eps(page):
    at = page()
    assert en("learn.s6.edge.text", eps="1.19209e-07") in markdown(at)  # 2^-23


# --- predict, then reveal --------------------------------------------------------------------


def test_wasted_codes_question(page):
    at = page()
    assert "Unreachable" not in markdown(at)
    at.button(key="reveal_q1").click().run()
    assert en("learn.quiz.no_guess") in markdown(at)  # revealed without a guess
    at.radio(key="quiz_codes").set_value("positive").run()
    assert en("learn.quiz.wrong") in markdown(at)
    at.radio(key="quiz_codes").set_value("negative").run()
    ok(at)
    assert en("learn.quiz.right") in markdown(at) and "Unreachable: -128..-1" in markdown(at)
    at.slider(key="bits").set_value(4).run()  # a new question: hidden until revealed again
    assert "Unreachable" not in markdown(at)
    at.button(key="reveal_q1").click().run()
    assert "Unreachable: -8..-1" in markdown(at)


@pytest.mark.parametrize(("key", "lo", "hi"), [("a", -1.0, 3.0), ("c", -4.2, 1.3)])
def test_zero_point_question(page, key, lo, hi):
    at = page(quiz_range=key)
    z = int(compute_qparams(lo, hi, QuantConfig(8, "asymmetric")).zero_point)
    at.slider(key="quiz_zp").set_value(z).run()
    at.button(key="reveal_q2").click().run()
    ok(at)
    assert en("learn.quiz.right") in markdown(at) and f"**{z}**" in markdown(at)
    at.slider(key="quiz_zp").set_value(z + 1).run()
    assert en("learn.quiz.wrong") in markdown(at)


@pytest.mark.parametrize("case", ["notes_pos", "pytorch_pos", "unrounded"])
def test_does_zero_survive_question(page, case):
    from quantviz.ui.learn import QUIZ_CASES

    at = page(quiz_case=case)
    trip = lessons.zero_trip(*QUIZ_CASES[case], 8)
    at.radio(key="quiz_zero").set_value("yes" if trip.survives else "no").run()
    at.button(key="reveal_q3").click().run()
    ok(at)
    assert en("learn.quiz.right") in markdown(at)
    assert f"comes back as **{trip.x_hat:.6g}**" in markdown(at)


# --- links, URL and language -----------------------------------------------------------------


def test_practice_links_only_to_pages_that_exist(page, monkeypatch, tmp_path):
    from quantviz.ui import learn

    at = page()
    # every page of the practice section exists in this checkout: four links, plus Explore's
    # in section 6, each to the page's url_path
    # (the first link, under the title, is the page's place on the Start page's path)
    links = [(p.proto.page, p.proto.label) for p in at.get("page_link")][1:]
    assert [page for page, _ in links] == ["explore", "per_channel", "calibration", "compare",
                                           "explore"]
    assert links[2][1] == en("learn.link.calibration")
    # a checkout where only Explore exists: the others are named as plain text
    (tmp_path / "explore.py").write_text("")
    monkeypatch.setattr(learn, "PAGES", tmp_path)
    at = page()
    missing = en("learn.link.missing", label=en("learn.link.calibration"))
    assert missing in markdown(at)
    assert [p.proto.page for p in at.get("page_link")][1:] == ["explore", "explore"]


def test_a_query_string_restores_the_view(page):
    at = page(ex_min=0, ex_max=6, bits=4, pad_kernel="gauss5", quiz_range="b", sym_amax=2,
              scheme="symmetric")
    assert at.number_input(key="ex_min").value == 0 and at.slider(key="bits").value == 4
    assert at.selectbox(key="pad_kernel").value == "gauss5"
    assert at.button_group(key="quiz_range").value == "b"
    pic = lessons.mapping_picture(0.0, 6.0, QuantConfig(4, "symmetric", signed=True))
    assert pic.wasted == 8 and "8 wasted" in at.caption[2].value


def test_language_switch_to_chinese(page):
    at = page()
    at.button_group(key="lang").set_value("zh").run()
    ok(at)
    assert at.title[0].value == zh("learn.title")
    assert [h.value for h in at.header][0] == zh("learn.s1.heading")
    assert "对称，有符号 8 位" in charts_by_title(at)
    assert at.query_params == {"lang": "zh"}


def test_the_chinese_page_has_no_english_word_in_its_formulas(page):
    at = page(lang="zh")
    shown = latex(at)
    assert not english_in_formulas(at)
    # the arrows of 0.0 in the notes' formula and in the worked line read in Chinese
    words_zh = {word: zh(f"formula.{word}") for word in formulas.WORDS}
    assert formulas.zero_trip(words_zh) in shown
    assert formulas.worked_derivation(lessons.notes_steps(0.5, -1.0, 3.0, 8),
                                      words_zh)["zero"] in shown


def test_kernel_means_only_the_convolutions_weights():
    # section 4 defines a kernel as "a few weights slid along the signal"; the compute routine
    # that quantizes or multiplies is the "operator" (the Chinese says 算子 for it, 卷积核 for
    # the weights), so one English word does not name two things
    convolution = {"learn.s4.demo", "learn.pad_kernel"}
    for key, (english, chinese) in TABLE.items():
        if not key.startswith("learn.") or key in convolution or key.startswith("learn.kernel."):
            continue
        assert re.search(r"\bkernels?\b", english) is None, key
        assert "卷积核" not in chinese, key
